from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import APPID, SECRET, WechatShippingCase


@tagged("post_install", "-at_install")
class TestSecurity(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Hangzhou branch"})
        cls.scenario.configure(cls.company_b, cls.sandbox_url, APPID, SECRET)
        cls.stock_user = new_test_user(
            cls.env,
            "wechat_stock_user",
            groups="stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.stock_user_b = new_test_user(
            cls.env,
            "wechat_stock_user_b",
            groups="stock.group_stock_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )

    def test_stock_user_cannot_read_the_app_secret(self):
        with self.assertRaises(AccessError):
            # Reading the field is the test.
            self.company.with_user(self.stock_user).wechat_app_secret  # noqa: B018
        settings_fields = (
            self.env["res.config.settings"].with_user(self.stock_user).fields_get()
        )
        self.assertNotIn("wechat_app_secret", settings_fields)

    def test_stock_user_sees_the_upload_state_and_can_retry(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, False)
        self._run_cron()
        picking = order.picking_ids.with_user(self.stock_user)
        self.assertEqual(picking.wechat_upload_state, "attention")
        self.assertIn("268485226", picking.wechat_upload_reason)
        picking.sudo().carrier_tracking_ref = "SFS000000001"
        picking.action_wechat_upload_now()
        self.assertEqual(order.wechat_upload_id.state, "sent")

    def test_companies_do_not_see_each_others_uploads(self):
        order_a = self._order([(self.tea, 1)])
        tea_b = self.scenario.product("Tea B", "TEA-B", company=self.company_b)
        order_b = self._order([(tea_b, 1)], company=self.company_b)
        self._ship(order_a.picking_ids, "SFS000000002")
        self._ship(order_b.picking_ids.with_company(self.company_b), "SFS000000003")
        Upload = self.env["wechat.shipping.upload"]
        self.assertEqual(
            Upload.with_user(self.stock_user).search([]), order_a.wechat_upload_ids
        )
        self.assertEqual(
            Upload.with_user(self.stock_user_b).search([]), order_b.wechat_upload_ids
        )
        self._run_cron()
        self.assertEqual(
            len(self._received()), 2, "the job sends every company's uploads"
        )

    def test_secret_and_clear_phones_stay_out_of_stored_texts(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFS000000004")
        self._run_cron()
        upload = order.wechat_upload_id
        texts = [upload.request_body, upload.last_errmsg or "", upload.reason or ""]
        texts += upload.message_ids.mapped(
            "body"
        ) + order.picking_ids.message_ids.mapped("body")
        texts += upload.message_ids.tracking_value_ids.mapped("new_value_char")
        for text in texts:
            self.assertNotIn(SECRET, str(text))
            self.assertNoClearPhone(str(text))
