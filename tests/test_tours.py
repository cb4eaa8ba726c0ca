"""The screens in a real headless Chromium (Odoo tours, static/tests/tours/), in English
and in Simplified Chinese: a delivery validated without a tracking number shows the red
banner, the fix goes to WeChat; the uploads list filters, searches and groups (the
settings: tests/test_glossary_tours.py).

Without a browser Odoo skips a tour; scripts/test-odoo counts a skipped test as a
failure."""

from odoo.tests import tagged

from .common import ChineseScreens, WechatShippingHttpCase

# The modules whose screens the tours read, with their Chinese terms loaded for the
# zh_CN tours.
UPLOADS_LIST = "/odoo/action-wechat_shipping.wechat_shipping_upload_action"


@tagged("post_install", "-at_install")
class TestTours(ChineseScreens, WechatShippingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )

    def _delivery_ready(self):
        """A WeChat order whose delivery is reserved and waits for validation, no
        tracking number."""
        order = self._order([(self.tea, 2)])
        self.env["stock.quant"]._update_available_quantity(
            self.tea, self.warehouse.lot_stock_id, 10
        )
        picking = order.picking_ids
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        return order, picking

    def _assert_fixed_and_sent(self, order, picking):
        upload = order.wechat_upload_ids.filtered(
            lambda u: u.family == "shopping_order"
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.carrier_tracking_ref, "SF1234567890")
        self.assertEqual(upload.state, "sent")
        received = self._received()
        self.assertEqual(
            received[-1]["shipping_list"][0]["tracking_no"], "SF1234567890"
        )
        # The activity the refusal scheduled was closed by the acceptance, not left
        # open.
        self.assertFalse(upload.activity_ids)
        self.assertTrue(
            upload.message_ids.filtered(lambda m: m.subtype_id.name == "Activities")
        )

    def test_delivery_banner_then_fix(self):
        order, picking = self._delivery_ready()
        self._tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "wechat_shipping_delivery",
            "en_US",
        )
        self._assert_fixed_and_sent(order, picking)

    def test_delivery_banner_then_fix_in_chinese(self):
        order, picking = self._delivery_ready()
        self._tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "wechat_shipping_delivery_zh",
            "zh_CN",
        )
        self._assert_fixed_and_sent(order, picking)

    def _refused_delivery(self):
        """A delivery WeChat's upload refused, beside another one it accepted."""
        accepted = self._order([(self.tea, 1)])
        self._ship(accepted.picking_ids, "SF0000000001")
        order = self._order([(self.cup, 1)])
        self._ship(order.picking_ids, "")
        self._run_cron()
        upload = order.wechat_upload_ids.filtered(
            lambda u: u.family == "shopping_order"
        )
        self.assertEqual(upload.state, "attention")

    def test_uploads_list(self):
        self._refused_delivery()
        self._tour(UPLOADS_LIST, "wechat_shipping_uploads_list", "en_US")

    def test_uploads_list_in_chinese(self):
        self._refused_delivery()
        self._tour(UPLOADS_LIST, "wechat_shipping_uploads_list_zh", "zh_CN")
