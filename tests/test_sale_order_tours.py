"""The sale order's WeChat tab and the funds report in a real headless Chromium
(static/tests/tours/sale_order_tours.js), in English and in Simplified Chinese: a paid
order reported as a test payment after its confirmation, the new state and the chatter
line shown without loading the page again; the funds report's bars and list columns; a
new quotation's tab guiding the salesperson.

Without a browser Odoo skips a tour; scripts/test-odoo counts a skipped test as a
failure."""

from odoo.tests import tagged

from ..demo.scenario import MCHID, OPENID
from .common import ChineseScreens, WechatPushCase

FUNDS_REPORT = "/odoo/action-wechat_shipping.sale_order_action_wechat_settlement"
NEW_QUOTATION = "/odoo/action-sale.action_quotations_with_onboarding/new"


@tagged("post_install", "-at_install")
class TestSaleOrderTours(ChineseScreens, WechatPushCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls._salesperson("wechat_tour_clerk")

    def _paid(self, lines):
        """A confirmed WeChat order whose payment WeChat holds awaiting shipment, as
        the hourly job learns it."""
        order = self._order(lines, user_id=self.clerk.id)
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        self._sync_states()
        self.assertEqual(order.wechat_order_state, "awaiting_shipment")
        return order

    def _tour(self, path, name, lang):
        """As the salesperson, whom the order's chatter line names."""
        self.clerk.lang = lang
        self.start_tour(path, name, login=self.clerk.login, timeout=180)

    def _test_payment(self, suffix, lang):
        order = self._paid([(self.tea, 1)])
        self._tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            f"wechat_shipping_test_payment{suffix}",
            lang,
        )
        self.assertEqual(order.wechat_special_report, "test")
        special = {
            payment["merchant_trade_no"]: payment["special"]
            for payment in self.wechat.payments()
        }
        self.assertEqual(special[order.wechat_out_trade_no], {"type": 2})

    def test_test_payment(self):
        self._test_payment("", "en_US")

    def test_test_payment_in_chinese(self):
        self._test_payment("_zh", "zh_CN")

    def _funds(self):
        """One order shipped (WeChat pushed its expected settlement), one not."""
        shipped = self._paid([(self.tea, 1)])
        self._paid([(self.cup, 1)])
        self._ship(shipped.picking_ids, "SFT000000011")
        self._run_cron()
        # Written by Odoo's HTTP worker, which took WeChat's push.
        shipped.invalidate_recordset()
        self.assertTrue(shipped.wechat_estimated_settlement_at)

    def test_funds_report(self):
        self._funds()
        self._tour(FUNDS_REPORT, "wechat_shipping_funds_report", "en_US")

    def test_funds_report_in_chinese(self):
        self._funds()
        self._tour(FUNDS_REPORT, "wechat_shipping_funds_report_zh", "zh_CN")

    def test_new_quotation(self):
        self.company.wechat_sub_mchid = "1900000109"
        self._tour(NEW_QUOTATION, "wechat_shipping_new_quotation", "en_US")

    def test_new_quotation_in_chinese(self):
        self.company.wechat_sub_mchid = "1900000109"
        self._tour(NEW_QUOTATION, "wechat_shipping_new_quotation_zh", "zh_CN")
