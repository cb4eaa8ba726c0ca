"""The hourly state sync with pushes off: WeChat's order list read over the time the
held orders were paid, slice by slice, its states taken into the sale orders and
combined orders it names, get_order for the others, within a time limit."""

import time
from datetime import timedelta

from wechat_protocol import endpoints

from odoo.tests import tagged

from ..demo.scenario import MCHID, OPENID
from ..models import wechat_state_sync
from ..models.wechat_order_key_mixin import moment_from_unix, unix_from_moment
from .common import APPID, SECRET, WechatShippingCase

SUB_MCHID = "1900000109"
STATES = {1: "awaiting_shipment", 2: "shipped", 3: "receipt_confirmed"}


@tagged("post_install", "-at_install")
class TestStateSync(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario.configure(
            cls.company, cls.sandbox_url, APPID, SECRET, families="order_shipping"
        )

    def setUp(self):
        super().setUp()
        self.wechat.push_to(None, "unused")

    def _held(self, order_state=1, ago=0, guessed=0, **payment):
        """A confirmed order whose payment was made `ago` seconds ago and is in
        `order_state` at WeChat; its order date `guessed` seconds later than that."""
        order = self._order([(self.tea, 1)], details=False)
        paid_at = int(time.time()) - ago
        order.date_order = moment_from_unix(paid_at + guessed)
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            out_trade_no=order.wechat_out_trade_no,
            paid_at=paid_at,
            order_state=order_state,
            **payment,
        )
        return order

    def _calls(self):
        counts = self.wechat.stats()["requests"]
        return (
            counts.get(endpoints.OSM_GET_ORDER_LIST, 0),
            counts.get(endpoints.OSM_GET_ORDER, 0),
        )

    def _cursor(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(wechat_state_sync.CURSOR_PARAM % self.company.id)
        )

    def test_states_from_the_list_land_on_sale_and_combined_orders(self):
        orders = [self._held(state) for state in (1, 2, 3)]
        combined = self._combined()
        subs = [self._order([(self.cup, 1)], combined=combined, details=False)]
        # Paid when it was made: Odoo looks for a combined payment by that date.
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            out_trade_no=combined.wechat_out_trade_no,
            paid_at=unix_from_moment(combined.create_date),
            sub_orders=[{"mchid": MCHID, "out_trade_no": subs[0].wechat_out_trade_no}],
        )
        self.wechat.order_event(
            "refund", mchid=MCHID, out_trade_no=combined.wechat_out_trade_no
        )
        report = self._sync_states(per_slice=1)
        self.assertEqual([o.wechat_order_state for o in orders], list(STATES.values()))
        self.assertEqual(combined.wechat_order_state, "refunded")
        # Not held alone (its combined order is), the sub-order takes the state of its
        # own payment, which the list names too.
        self.assertEqual(subs[0].wechat_order_state, "awaiting_shipment")
        self.assertEqual(self._calls()[1], 0, "the list named them all")
        self.assertEqual((report.refreshed, report.remaining), (4, 0))
        paid = {p["merchant_trade_no"]: p["pay_time"] for p in self.wechat.payments()}
        for order in orders:
            self.assertEqual(
                order.wechat_paid_at, moment_from_unix(paid[order.wechat_out_trade_no])
            )
        # The sub-orders' payments are listed and named by no held order; the stranger
        # payment by none at all.
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no="STRANGER")
        report = self._sync_states(per_slice=1)
        self.assertIn(
            "STRANGER",
            [p["merchant_trade_no"] for p in report.unmatched[self.company.id]],
        )
        self.assertNotIn(
            subs[0].wechat_out_trade_no,
            [p["merchant_trade_no"] for p in report.unmatched[self.company.id]],
        )
        self.assertEqual(report.changed, 0, "nothing changed, nothing written")

    def test_a_sub_merchants_payment_goes_to_its_order_only(self):
        mine = self._order([(self.tea, 1)], details=False, wechat_sub_mchid=SUB_MCHID)
        direct = self._order(
            [(self.tea, 1)],
            details=False,
            wechat_out_trade_no=mine.wechat_out_trade_no,
            wechat_mchid="1230000110",
        )
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            sub_mchid=SUB_MCHID,
            out_trade_no=mine.wechat_out_trade_no,
            order_state=2,
        )
        # The same merchant id and number without the sub-merchant: another payment.
        self.wechat.pay(
            OPENID, mchid=MCHID, out_trade_no=mine.wechat_out_trade_no, order_state=3
        )
        report = self._sync_states(per_slice=1)
        self.assertEqual(mine.wechat_order_state, "shipped")
        self.assertFalse(direct.wechat_order_state, "WeChat holds no such payment")
        self.assertEqual(
            [p["sub_merchant_id"] for p in report.unmatched[self.company.id]], [""]
        )

    def test_a_state_never_goes_back(self):
        order = self._held(2)
        order.sudo().wechat_order_state = "awaiting_settlement"
        self._sync_states()
        self.assertEqual(order.wechat_order_state, "awaiting_settlement")
        self.assertTrue(order.wechat_paid_at, "the pay time is learnt all the same")

    def test_an_order_the_list_does_not_name_is_asked_by_get_order(self):
        listed = self._held(2)
        # Paid two days before the order's date: outside the slice Odoo expects it in.
        early = self._held(3, ago=2 * 86400, guessed=2 * 86400)
        self._sync_states(per_slice=1)
        self.assertEqual(
            (listed.wechat_order_state, early.wechat_order_state),
            ("shipped", "receipt_confirmed"),
        )
        self.assertEqual(self._calls()[1], 1, "get_order for the one not listed")
        self.assertEqual(early.wechat_paid_at, early.date_order - timedelta(days=2))

    def test_many_pages_and_slices_bring_every_order(self):
        orders = [self._held(1 + index % 3, ago=600 * index) for index in range(12)]
        now = int(time.time())
        # Payments Odoo has no order of, paid among them: pages of 100 to read through.
        self.wechat.pay_many(
            [
                {
                    "openid": OPENID,
                    "mchid": MCHID,
                    "out_trade_no": f"ELSEWHERE{index}",
                    "paid_at": now - 7200 + 7 * index,
                }
                for index in range(1000)
            ]
        )
        report = self._sync_states(per_slice=3)
        self.assertEqual(
            [o.wechat_order_state for o in orders],
            [STATES[1 + index % 3] for index in range(12)],
        )
        pages, asked = self._calls()
        self.assertEqual(asked, 0)
        self.assertGreaterEqual(pages, 4 * 3, "four slices of 250 payments or more")
        self.assertEqual(len(report.unmatched[self.company.id]), 1000)
        self.assertEqual((report.refreshed, report.remaining), (12, 0))

    def test_the_time_limit_stops_cleanly_and_the_next_call_goes_on(self):
        orders = [self._held(2, ago=600 * index) for index in range(8)]
        self.env["ir.config_parameter"].sudo().set_param(
            "wechat_shipping.calls_in_flight", "1"
        )
        self.wechat.latency(300)
        cron = self.env.ref("wechat_shipping.ir_cron_wechat_order_state_sync")
        _cron, progress = cron._add_progress()
        self.env["sale.order"].with_context(
            ir_cron_progress_id=progress.id
        )._cron_wechat_sync_states(seconds=0.5, auto_commit=False, per_slice=2)
        self.env.invalidate_all()
        self.assertTrue(progress.done, "what was read is reported")
        self.assertTrue(
            progress.remaining, "what is left is reported: the cron comes back"
        )
        self.assertEqual(progress.done + progress.remaining, 8)
        self.assertEqual(
            len([o for o in orders if o.wechat_order_state == "shipped"]),
            progress.done,
        )
        self.assertTrue(self._cursor(), "where the pass stopped is kept")
        self.wechat.latency(0)
        pages_before = self._calls()[0]
        report = self._sync_states(per_slice=2)
        self.assertEqual(report.remaining, 0)
        self.assertEqual(report.refreshed, progress.remaining, "the rest, not again")
        self.assertEqual(self._calls()[0] - pages_before, progress.remaining // 2)
        self.assertEqual({o.wechat_order_state for o in orders}, {"shipped"})
        self.assertFalse(self._cursor(), "the pass ended; the next begins anew")

    def test_wechat_failing_mid_run_leaves_each_order_whole_and_the_pass_open(self):
        orders = [self._held(2, ago=3600 * index) for index in range(4)]
        self.env["ir.config_parameter"].sudo().set_param(
            "wechat_shipping.calls_in_flight", "1"
        )
        self._sync_states(per_slice=2)  # a token, and the pay times learnt
        self.wechat.order_event(
            "confirm_receipt", mchid=MCHID, out_trade_no=orders[3].wechat_out_trade_no
        )
        self.wechat.order_event(
            "confirm_receipt", mchid=MCHID, out_trade_no=orders[0].wechat_out_trade_no
        )
        # The earliest slice (the two paid first) fails; the later one is read.
        self.wechat.fault("errcode", count=1, errcode=-1)
        report = self._sync_states(per_slice=2)
        self.assertTrue(report.failures)
        self.assertEqual(
            [o.wechat_order_state for o in orders],
            ["receipt_confirmed", "shipped", "shipped", "shipped"],
        )
        self.assertEqual(report.remaining, 4, "the pass is not past the failed slice")
        self.assertFalse(self._cursor())
        report = self._sync_states(per_slice=2)
        self.assertEqual(orders[3].wechat_order_state, "receipt_confirmed")
        self.assertEqual((report.remaining, report.failures), (0, []))
