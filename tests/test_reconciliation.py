"""Reconciliation: the payments WeChat holds as awaiting shipment, matched to Odoo,
each with what is wrong and the action that fixes it; partly shipped orders told apart
by what WeChat holds of them; the line's actions pressed as the web client presses
them, and the screen in a real browser in English and in Chinese."""

import json

from wechat_protocol import endpoints

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..demo.scenario import MCHID, OPENID
from .common import (
    APPID,
    SECRET,
    WechatShippingCase,
    WechatShippingHttpCase,
    read_in_chinese,
)

LINES = "/odoo/action-wechat_shipping.wechat_reconciliation_line_action"
# The modules whose screens the tours read, with their Chinese terms loaded.
SCREEN_MODULES = ["base", "web", "mail", "sale", "stock", "wechat_shipping"]


class ReconciliationSetup:
    """An Order Shipping Management company and payments WeChat Pay knows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario.configure(
            cls.company, cls.sandbox_url, APPID, SECRET, families="order_shipping"
        )
        cls.Line = cls.env["wechat.reconciliation.line"]

    def _paid(self, count=1, lines=None, **order):
        orders = self.env["sale.order"]
        for _ in range(count):
            orders |= self._order(lines or [(self.tea, 1)], **order)
            self.wechat.pay(
                OPENID, mchid=MCHID, out_trade_no=orders[-1].wechat_out_trade_no
            )
        return orders

    def _half_shipped(self, tracking, uploaded=True, **order):
        """An order of tea and a cup whose tea went (`tracking`), the cup waiting in a
        backorder; `uploaded`: the job sent that half to WeChat."""
        self.company.wechat_auto_upload = uploaded
        order = self._paid(lines=[(self.tea, 1), (self.cup, 1)], **order)
        self._ship(order.picking_ids, tracking, quantities={self.cup: 0})
        self._run_cron()
        self.company.wechat_auto_upload = False
        return order

    def _ship_rest(self, order, tracking, quantities=None):
        """Ship the order's open delivery."""
        backorder = order.picking_ids.filtered(lambda p: p.state != "done")
        return self._ship(backorder, tracking, quantities)

    def _kinds(self):
        """{merchant order number: kind} of the company's lines."""
        lines = self.Line.search([("company_id", "=", self.company.id)])
        return {line.merchant_trade_no: line.kind for line in lines}

    def _shipping_uploads_sent(self):
        """How many shipping uploads reached the sandbox, accepted or not."""
        requests = self.wechat.stats()["requests"]
        return sum(
            count
            for path, count in requests.items()
            if endpoints.OSM_SINGLE_SHIPPING in path
            or endpoints.OSM_COMBINED_SHIPPING in path
        )

    def _wechat_state(self, order):
        """WeChat's order_state of an order's payment."""
        [payment] = [
            p
            for p in self.wechat.payments()
            if p["merchant_trade_no"] == order.wechat_out_trade_no
        ]
        return payment["order_state"]


@tagged("post_install", "-at_install")
class TestReconciliation(ReconciliationSetup, WechatShippingCase):
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
        for line in fixing:
            line.action_upload_now()
        self.assertFalse(fixing.exists(), "WeChat no longer awaits their shipment")
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

    def test_partly_shipped_orders_by_what_wechat_holds(self):
        """An order shipped in part keeps its payment awaiting shipment in WeChat
        (is_all_delivered false): nothing is missing while WeChat holds every parcel
        Odoo shipped, or while nothing is due (same-city and pickup go in one piece);
        an upload is missing otherwise, and once Odoo shipped the rest."""
        held = self._half_shipped("SFP000000001")
        lost = self._half_shipped("SFP000000002", uploaded=False)
        same_city = self.carrier.copy({"wechat_logistics_type": "same_city"})
        local = self._half_shipped("", carrier_id=same_city.id)
        # Shipped in three parts: WeChat has the first, the job did not send the
        # second, the third is still to come.
        self.company.wechat_auto_upload = True
        second = self._paid(lines=[(self.tea, 2), (self.cup, 1)])
        self._ship(second.picking_ids, "SFP000000003", {self.tea: 1, self.cup: 0})
        self._run_cron()
        self.company.wechat_auto_upload = False
        self._ship_rest(second, "SFP000000004", {self.tea: 0})
        # The rest shipped after WeChat got the first half: the completion is missing.
        completed = self._half_shipped("SFP000000005")
        self._ship_rest(completed, "SFP000000006")
        self.assertEqual(
            [self._wechat_state(o) for o in (held, lost, local, second, completed)],
            [1, 1, 1, 1, 1],
            "a payment shipped in part still awaits shipment in WeChat",
        )

        self.Line.action_reconcile()
        self.assertEqual(
            self._kinds(),
            {
                held.wechat_out_trade_no: "partly_shipped",
                lost.wechat_out_trade_no: "not_in_wechat",
                local.wechat_out_trade_no: "partly_shipped",
                second.wechat_out_trade_no: "not_in_wechat",
                completed.wechat_out_trade_no: "not_in_wechat",
            },
        )

    def test_a_combined_payment_shipped_in_part(self):
        """WeChat keeps a combined payment's shipping on its sub-orders' payments: the
        main payment's line reads it there."""
        combined = self._combined()
        whole = self._order([(self.tea, 1)], combined=combined)
        half = self._order([(self.tea, 1), (self.cup, 1)], combined=combined)
        self._pay_combined(combined, (whole, half))
        self._ship(whole.picking_ids, "SFC000000001")
        self._ship(half.picking_ids, "SFC000000002", quantities={self.cup: 0})
        self._run_cron()
        self.assertEqual(combined.upload_ids.state, "sent")

        self.Line.action_reconcile()
        self.assertEqual(
            self._kinds(),
            {
                combined.wechat_out_trade_no: "partly_shipped",
                half.wechat_out_trade_no: "partly_shipped",
            },
        )
        main = self.Line.search([("combined_order_id", "=", combined.id)])
        self.assertFalse(main.sale_order_id)

    def test_rights_are_checked_before_asking_wechat(self):
        calls = sum(self.wechat.stats()["requests"].values())
        clerk = new_test_user(self.env, "reconcile_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Line.with_user(clerk).action_reconcile()
        self.assertEqual(sum(self.wechat.stats()["requests"].values()), calls)


@tagged("post_install", "-at_install")
class TestReconciliationScreen(ReconciliationSetup, WechatShippingHttpCase):
    """The reconciliation as a person uses it: buttons pressed through Odoo's
    call_button route, the screen in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.shipping_user = new_test_user(
            cls.env,
            "reconcile_shipping_user",
            groups="base.group_user,wechat_shipping.group_wechat_shipping_user",
            password="reconcile-shipping-user-pw",
        )

    def _press(self, method, line_ids, login="admin", password="admin", lang="en_US"):
        """(result, error) of a button pressed in the web client by `login`: Odoo's
        call_button route, the line ids as the list or form passes them."""
        self.authenticate(login, password)
        response = self.url_open(
            "/web/dataset/call_button/wechat.reconciliation.line/" + method,
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": "wechat.reconciliation.line",
                        "method": method,
                        "args": [line_ids],
                        "kwargs": {"context": {"lang": lang}},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.env.invalidate_all()
        answer = response.json()
        error = answer.get("error")
        return answer.get("result"), error and error["data"]

    def _reconciled(self):
        """Reconcile with WeChat pressed in the list header, nothing selected."""
        result, error = self._press("action_reconcile", [])
        self.assertFalse(error)
        self.assertEqual(result["res_model"], "wechat.reconciliation.line")
        return self.Line.search([("company_id", "=", self.company.id)])

    def _line(self, order):
        return self.Line.search([("merchant_trade_no", "=", order.wechat_out_trade_no)])

    def test_upload_now_on_a_line_says_what_happened(self):
        shipped = self._paid()
        half = self._paid(lines=[(self.tea, 1), (self.cup, 1)])
        refused = self._paid()
        unshipped = self._paid()
        self.company.wechat_auto_upload = False
        self._ship(shipped.picking_ids, "SFN000000001")
        self._ship(half.picking_ids, "SFN000000002", quantities={self.cup: 0})
        self._ship(refused.picking_ids, "")
        self.company.wechat_auto_upload = True
        self._reconciled()
        self.assertEqual(
            {self._line(o).kind for o in (shipped, half, refused)}, {"not_in_wechat"}
        )

        # Shipped in full: WeChat takes it and no longer awaits it; the line goes.
        result, error = self._press("action_upload_now", self._line(shipped).ids)
        self.assertFalse(error)
        params = result["params"]
        self.assertEqual(params["type"], "success")
        self.assertIn(
            f"WeChat accepted the shipping of {shipped.name}", params["title"]
        )
        self.assertIn("no longer awaits", params["message"])
        self.assertFalse(self._line(shipped))
        self.assertEqual(self._wechat_state(shipped), 2)

        # Shipped in part: WeChat takes the part and still awaits the rest; the line
        # says so.
        line = self._line(half)
        result, error = self._press("action_upload_now", line.ids)
        self.assertFalse(error)
        params = result["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn(f"WeChat accepted the shipping of {half.name}", params["title"])
        self.assertIn("Partly shipped, rest to come", params["message"])
        line.invalidate_recordset()
        self.assertEqual(line.kind, "partly_shipped")

        # Pressed again: nothing goes to WeChat, and the notification says so rather
        # than that WeChat accepted anything.
        uploads = self._shipping_uploads_sent()
        result, error = self._press("action_upload_now", line.ids)
        self.assertFalse(error)
        params = result["params"]
        self.assertEqual(self._shipping_uploads_sent(), uploads)
        self.assertEqual(params["type"], "warning")
        self.assertIn(f"Nothing was sent to WeChat for {half.name}", params["title"])
        self.assertNotIn("accepted", params["title"])
        self.assertIn("WeChat already holds", params["message"])

        # Nothing of it shipped: nothing to upload, and it is not parked in Needs
        # Attention for trying.
        result, error = self._press("action_upload_now", self._line(unshipped).ids)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("Nothing to upload yet: Ship the order", error["message"])
        self.assertFalse(unshipped.wechat_upload_ids)

        # WeChat would refuse it: the upload's reason, and the line stays.
        result, error = self._press("action_upload_now", self._line(refused).ids)
        self.assertFalse(error)
        params = result["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn("Needs Attention", params["message"])
        self.assertIn("268485226", params["message"])
        self.assertEqual(self._line(refused).kind, "not_in_wechat")

    def test_upload_now_in_chinese(self):
        order = self._paid()
        self.company.wechat_auto_upload = False
        self._ship(order.picking_ids, "SFN000000003")
        read_in_chinese(self.env)
        self._reconciled()
        result, error = self._press(
            "action_upload_now", self._line(order).ids, lang="zh_CN"
        )
        self.assertFalse(error)
        self.assertIn(f"微信已接收 {order.name} 的发货信息", result["params"]["title"])
        self.assertIn("微信不再等待", result["params"]["message"])

    def test_open_order_opens_what_the_user_may_read(self):
        unshipped = self._paid()
        # Shipped without a tracking number: its upload waits for a fix.
        shipped = self._paid()
        self._ship(shipped.picking_ids, "")
        self._run_cron()
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no="WXNOORDER0001")
        self._reconciled()
        unknown = self.Line.search([("merchant_trade_no", "=", "WXNOORDER0001")])

        # No order: refused, saying what to do, in the reader's language.
        for lang, words in (("en_US", "Odoo has no order"), ("zh_CN", "Odoo 中没有")):
            if lang == "zh_CN":
                read_in_chinese(self.env)
            result, error = self._press("action_open_order", unknown.ids, lang=lang)
            self.assertEqual(error["name"], "odoo.exceptions.UserError")
            self.assertIn(words, error["message"])

        # Who reads sale orders opens the order's form.
        result, error = self._press("action_open_order", self._line(shipped).ids)
        self.assertFalse(error)
        self.assertEqual(
            (result["res_model"], result["res_id"]), ("sale.order", shipped.id)
        )

        # A WeChat Shipping user without sales or stock rights reads the order's
        # uploads, not the order.
        user = ("reconcile_shipping_user", "reconcile-shipping-user-pw")
        result, error = self._press("action_open_order", self._line(shipped).ids, *user)
        self.assertFalse(error)
        self.assertEqual(result["res_model"], "wechat.shipping.upload")
        self.assertEqual(result["res_id"], shipped.wechat_upload_ids.id)
        # Upload to WeChat now goes through the order, which such a user may not
        # read: refused, and nothing goes to WeChat.
        uploads = self._shipping_uploads_sent()
        result, error = self._press("action_upload_now", self._line(shipped).ids, *user)
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertIn(f"You may not read order {shipped.name}", error["message"])
        self.assertEqual(self._shipping_uploads_sent(), uploads)
        # ...and is told, not shown a form it cannot read, when there is none.
        result, error = self._press(
            "action_open_order", self._line(unshipped).ids, *user
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertIn(f"You may not read order {unshipped.name}", error["message"])

    # ------------------------------------------------------------------ the tours

    def _tour_payments(self):
        """One payment unknown to Odoo, one order shipped in part (WeChat holds the
        part), one not shipped, one shipped that WeChat lacks: what the tour
        reconciles."""
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no="WXTOURUNKNOWN1")
        self._half_shipped("SFT000000001")
        self._paid()
        lacking = self._paid()
        self._ship(lacking.picking_ids, "SFT000000002")

    def _tour(self, name, lang):
        read_in_chinese(self.env, SCREEN_MODULES)
        self.admin.lang = lang
        self.start_tour(LINES, name, login="admin", timeout=180)

    def test_reconciliation_tour(self):
        self._tour_payments()
        self._tour("wechat_shipping_reconciliation", "en_US")
        self.assertEqual(
            sorted(self.Line.search([]).mapped("kind")),
            ["not_in_wechat", "not_shipped", "partly_shipped", "unknown"],
        )

    def test_reconciliation_tour_in_chinese(self):
        self._tour_payments()
        self._tour("wechat_shipping_reconciliation_zh", "zh_CN")
        self.assertEqual(
            sorted(self.Line.search([]).mapped("kind")),
            ["not_in_wechat", "not_shipped", "partly_shipped", "unknown"],
        )
