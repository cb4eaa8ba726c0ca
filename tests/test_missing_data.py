from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WechatShippingCase


@tagged("post_install", "-at_install")
class TestMissingData(WechatShippingCase):
    def _attention(self, order):
        """Run the job and return the upload, which must need attention without a call
        to WeChat."""
        self._run_cron()
        upload = order.wechat_upload_id
        self.assertEqual(upload.state, "attention")
        self.assertEqual(
            self._shipping_requests(), 0, "a payload WeChat would refuse is never sent"
        )
        self.assertTrue(upload.activity_ids, "someone is told to fix it")
        self.assertEqual(order.picking_ids[:1].wechat_upload_reason, upload.reason)
        return upload

    def test_no_tracking_number(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, False)
        upload = self._attention(order)
        self.assertIn(order.picking_ids.name, upload.reason)
        self.assertIn("268485226", upload.reason)

    def test_carrier_without_wechat_code(self):
        self.carrier.wechat_express_company_id = False
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFM000000001")
        self.assertIn("268485227", self._attention(order).reason)

    def test_carrier_code_wechats_list_lacks(self):
        zjs = self.env["wechat.express.company"].create(
            {"code": "ZJS", "name": "宅急送"}
        )
        zjs._upsert([])  # WeChat's list, as refreshed, without ZJS
        self.assertTrue(zjs.unlisted)
        self.carrier.wechat_express_company_id = zjs
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "ZJS000000003")
        upload = self._attention(order)
        self.assertIn("no code ZJS", upload.reason)
        self.assertIn("268435461", upload.reason)

    def test_product_without_merchant_item_id_in_split_delivery(self):
        # Another system uploads the shopping details: the item ids are the merchant's
        # to give.
        self.company.wechat_shopping_details_by = "other"
        self.cup.default_code = False
        order = self._order([(self.tea, 1), (self.cup, 1)])
        self._ship(
            order.picking_ids,
            "SFM000000002,SFM000000003",
            packages=[self.tea, self.cup],
        )
        upload = self._attention(order)
        self.assertIn("268485230", upload.reason)
        self.assertIn(self.cup.display_name, upload.reason)

    def test_no_openid(self):
        self.company.wechat_shopping_details_by = "other"  # the shipping's own rule
        order = self._order([(self.tea, 1)], wechat_payer_openid=False)
        self._ship(order.picking_ids, "SFM000000004")
        self.assertIn("268485192", self._attention(order).reason)

    def test_unusable_customer_phone(self):
        self.customer.phone = "12"
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFM000000005")
        upload = self._attention(order)
        self.assertIn("receiver_contact", upload.problems[0]["path"])

    def test_reason_speaks_the_readers_language(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, False)
        upload = self._attention(order)
        self.env["res.lang"]._activate_lang("zh_CN")
        chinese = upload.with_context(lang="zh_CN").reason
        self.assertIn("物流单号", chinese)
        self.assertNotEqual(chinese, upload.with_context(lang="en_US").reason)

    def test_fixed_data_goes_out_on_retry(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, False)
        upload = self._attention(order)
        order.picking_ids.carrier_tracking_ref = "SFM000000006"
        self._run_cron()
        self.assertEqual(upload.state, "sent")
        self.assertFalse(upload.reason)
        self.assertFalse(
            upload.activity_ids, "the warning activity is done once WeChat accepts"
        )

    def test_missing_credentials(self):
        order = self._order([(self.tea, 1)])
        self.company.wechat_app_secret = False
        self._ship(order.picking_ids, "SFM000000007")
        upload = self._attention(order)
        self.assertIn("AppSecret", upload.reason)

    def test_strict_mode_refuses_the_validation(self):
        self.company.wechat_strict_mode = True
        order = self._order([(self.tea, 1)])
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        with self.assertRaises(UserError) as refusal:
            picking.button_validate()
        self.assertIn("268485226", str(refusal.exception))
        self.assertNotEqual(picking.state, "done")

    def test_strict_mode_lets_complete_deliveries_through(self):
        self.company.wechat_strict_mode = True
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFM000000008")
        self._run_cron()
        self.assertEqual(order.wechat_upload_id.state, "sent")

    def test_retry_from_the_delivery_after_fixing_the_carrier(self):
        sf = self.carrier.wechat_express_company_id
        self.carrier.wechat_express_company_id = False
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFM000000009")
        upload = self._attention(order)
        self.carrier.wechat_express_company_id = sf
        self._run_cron()
        self.assertEqual(
            upload.state, "attention", "fixing data elsewhere does not resend by itself"
        )
        order.picking_ids.action_wechat_retry()
        self.assertEqual(upload.state, "sent", "sent in the request")
