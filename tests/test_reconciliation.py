"""Reconciliation: the payments WeChat holds as awaiting shipment, matched to Odoo,
showing exactly the mismatches, each with the action that fixes it."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..demo.scenario import MCHID, OPENID
from .common import APPID, SECRET, WechatShippingCase


@tagged("post_install", "-at_install")
class TestReconciliation(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario.configure(
            cls.company, cls.sandbox_url, APPID, SECRET, families="order_shipping"
        )
        cls.Line = cls.env["wechat.reconciliation.line"]

    def _paid(self, count, **order):
        orders = self.env["sale.order"]
        for _ in range(count):
            orders |= self._order([(self.tea, 1)], **order)
            self.wechat.pay(
                OPENID, mchid=MCHID, out_trade_no=orders[-1].wechat_out_trade_no
            )
        return orders

    def test_fifty_payments_show_exactly_the_mismatches(self):
        in_wechat = self._paid(15)
        for order in in_wechat:
            self._ship(order.picking_ids, f"SFR{order.id:09d}")
        self._run_cron()
        refunded = self._paid(5)
        for order in refunded:
            self.wechat.order_event(
                "refund", mchid=MCHID, out_trade_no=order.wechat_out_trade_no
            )
        not_shipped = self._paid(10)
        unknown = [f"UNKNOWN{index:03d}" for index in range(10)]
        for number in unknown:
            self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=number)
        self.company.wechat_auto_upload = False  # shipped in Odoo, never uploaded
        not_in_wechat = self._paid(10)
        for order in not_in_wechat:
            self._ship(order.picking_ids, f"SFR{order.id:09d}")
        self.assertEqual(len(self.wechat.payments()), 50)

        self.Line.action_reconcile()
        lines = self.Line.search([])
        found = {(line.kind, line.merchant_trade_no) for line in lines}
        expected = (
            {("not_shipped", o.wechat_out_trade_no) for o in not_shipped}
            | {("unknown", number) for number in unknown}
            | {("not_in_wechat", o.wechat_out_trade_no) for o in not_in_wechat}
        )
        self.assertEqual(found, expected)
        self.assertEqual(
            lines.filtered(lambda line: line.kind == "not_shipped").sale_order_id,
            not_shipped,
        )
        self.assertFalse(
            lines.filtered(lambda line: line.kind == "unknown").sale_order_id
        )
        self.assertTrue(all(line.what_to_do and line.paid_at for line in lines))

        fixing = lines.filtered(lambda line: line.kind == "not_in_wechat")[:3]
        fixed = set(fixing.mapped("merchant_trade_no"))
        fixing.action_upload_now()
        self.Line.action_reconcile()
        remaining = {
            line.merchant_trade_no
            for line in self.Line.search([("kind", "=", "not_in_wechat")])
        }
        self.assertEqual(
            remaining,
            {o.wechat_out_trade_no for o in not_in_wechat} - fixed,
            "an order uploaded leaves the list; a "
            "new reconciliation replaces the lines",
        )

    def test_rights_are_checked_before_asking_wechat(self):
        calls = sum(self.wechat.stats()["requests"].values())
        clerk = new_test_user(self.env, "reconcile_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Line.with_user(clerk).action_reconcile()
        self.assertEqual(sum(self.wechat.stats()["requests"].values()), calls)
