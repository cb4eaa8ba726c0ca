from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import WechatShippingCase


@tagged("post_install", "-at_install")
class TestCombinedOrder(WechatShippingCase):
    def test_sub_orders_shipped_on_different_days_go_out_as_full_snapshots(self):
        combined = self._combined()
        first = self._order([(self.tea, 1)], combined=combined)
        second = self._order([(self.tea, 1), (self.cup, 1)], combined=combined)
        self.assertEqual(first.wechat_upload_id, second.wechat_upload_id)

        self._ship(first.picking_ids, "SFC000000001")
        self._run_cron()
        self._ship(
            second.picking_ids,
            "SFC000000002,SFC000000003",
            packages=[self.tea, self.cup],
        )
        self._run_cron()

        day_one, day_two = self._received()
        self.assertEqual(
            day_one["order_key"]["out_trade_no"], combined.wechat_out_trade_no
        )
        self.assertEqual(
            [s["order_key"]["out_trade_no"] for s in day_one["sub_orders"]],
            [first.wechat_out_trade_no],
        )
        self.assertEqual(
            [s["order_key"]["out_trade_no"] for s in day_two["sub_orders"]],
            [first.wechat_out_trade_no, second.wechat_out_trade_no],
        )
        self.assertEqual([s["delivery_mode"] for s in day_two["sub_orders"]], [1, 2])
        self.assertEqual(day_two["payer"], {"openid": combined.wechat_payer_openid})
        self.assertLater(day_two["upload_time"], day_one["upload_time"])
        self.assertEqual(set(combined.upload_ids.mapped("state")), {"sent"})
        details = combined.upload_ids.filtered(lambda u: u.family == "shopping_details")
        self.assertEqual(
            [s["order_key"]["out_trade_no"] for s in self._body(details)["sub_orders"]],
            [first.wechat_out_trade_no, second.wechat_out_trade_no],
            "each sub-order confirmed sends the combined details again, with it",
        )

    def test_sub_order_with_another_number_type_is_refused(self):
        combined = self._combined()
        with self.assertRaisesRegex(ValidationError, "same type"):
            self._order(
                [(self.tea, 1)],
                combined=combined,
                wechat_order_number_type="wxpay_trade_number",
                wechat_transaction_id="4200001234202105201234567891",
                wechat_mchid=False,
                wechat_out_trade_no=False,
            )

    def test_incomplete_and_duplicate_keys_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "268485197"):
            self._order([(self.tea, 1)], wechat_out_trade_no=False)
        with self.assertRaisesRegex(ValidationError, "268457014"):
            self._order([(self.tea, 1)], wechat_payer_openid="not an openid!")
        order = self._order([(self.tea, 1)])
        # Named before the database sees it (no "bad query" line), spaces around it or
        # not.
        with self.assertRaises(ValidationError) as caught:
            self._order(
                [(self.cup, 1)], wechat_out_trade_no=f"  {order.wechat_out_trade_no} "
            )
        self.assertIn(order.name, caught.exception.args[0])
        self.assertIn(order.wechat_out_trade_no, caught.exception.args[0])
        other = self._order(
            [(self.cup, 1)],
            wechat_order_number_type="wxpay_trade_number",
            wechat_transaction_id="4200001234567890",
            wechat_mchid=False,
            wechat_out_trade_no=False,
        )
        with self.assertRaisesRegex(ValidationError, other.name):
            order.write(
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_mchid": False,
                    "wechat_out_trade_no": False,
                    "wechat_transaction_id": "4200001234567890 ",
                }
            )
