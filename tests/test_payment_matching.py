"""WeChat Pay payments find their orders: a payment WeChat lists, queries or pushes
gives the one quotation or order it names (by reference, amount and merchant id) its
WeChat key and payer, said in the chatter; what is not linked is left for a person
with its reason, who links it from the reconciliation; paid quotations are confirmed
where the company says so; orders learn the identifier they lack."""

import time

from wechat_protocol import client

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..demo.scenario import MCHID, OPENID
from ..models.wechat_order_key_mixin import moment_from_unix
from .common import WechatPushCase, read_in_chinese, web_client_call

OTHER_MCHID = "1999999999"
SUB_MCHID = "1900000109"


@tagged("post_install", "-at_install")
class TestPaymentMatching(WechatPushCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.wechat_merchant_ids = f"{MCHID}, 1230000110"
        cls.Matcher = cls.env["wechat.payment.matcher"]
        cls.Line = cls.env["wechat.reconciliation.line"]
        cls.salesman = new_test_user(
            cls.env,
            "match_salesman",
            groups="sales_team.group_sale_salesman",
            password="match-salesman-pw",
        )
        cls.shipping_user = new_test_user(
            cls.env,
            "match_shipping_user",
            groups="base.group_user,wechat_shipping.group_wechat_shipping_user",
            password="match-shipping-user-pw",
        )

    def setUp(self):
        super().setUp()
        # Pushes only where a test sends them.
        self.wechat.push_to(None, self.PUSH_TOKEN)

    # ----------------------------------------------------------------- helpers

    def _quotation(self, confirm=True, **vals):
        """An order without WeChat key, as a Mini Program back end creates it in Odoo
        before asking WeChat Pay for the payment."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.scenario.pricelist.id,
                "carrier_id": self.carrier.id,
                "user_id": self.salesman.id,
                "order_line": [(0, 0, {"product_id": self.tea.id, "price_unit": 123})],
                **vals,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _pay(self, number, amount, **key):
        """WeChat Pay takes a payment of merchant order number `number`."""
        return self.wechat.pay(
            OPENID,
            mchid=key.pop("mchid", MCHID),
            out_trade_no=number,
            paid_amount=amount,
            **key,
        )

    def _listed(self):
        """WeChat's order list of the last hours."""
        now = int(time.time())
        return self.company._wechat_client().order_list(now - 3600, now)

    def _reasons(self):
        """{merchant order number: reason} of the listed payments not linked."""
        return {
            order["merchant_trade_no"]: reason
            for order, reason in self.Matcher._wechat_link(self.company, self._listed())
        }

    def _press(self, login, model, method, args, kwargs=None, route="call_button"):
        """(result, error) of a call the web client makes as `login` (password: the
        login's, dashed, with -pw)."""
        self.authenticate(login, f"{login.replace('_', '-')}-pw")
        response = self.url_open(
            f"/web/dataset/{route}/{model}/{method}",
            data=web_client_call(model, method, args, kwargs or {}),
            headers={"Content-Type": "application/json"},
        )
        self.env.invalidate_all()
        answer = response.json()
        error = answer.get("error")
        return answer.get("result"), error and error["data"]

    # ------------------------------------------------------------------- rules

    def test_one_order_of_that_reference_and_amount_takes_the_key(self):
        order = self._quotation()
        payment = self._pay(order.name, order._wechat_total_fen())
        self.assertEqual(
            order._wechat_total_fen(), 12300 + round(order.amount_tax * 100)
        )
        self.env.ref(
            "wechat_shipping.ir_cron_wechat_payment_match"
        ).method_direct_trigger()
        self.assertEqual(
            (
                order.wechat_order_number_type,
                order.wechat_mchid,
                order.wechat_out_trade_no,
                order.wechat_transaction_id,
                order.wechat_payer_openid,
                order.wechat_sub_mchid,
            ),
            (
                "merchant_trade_number",
                MCHID,
                order.name,
                payment["transaction_id"],
                OPENID,
                False,
            ),
        )
        self.assertEqual(order.wechat_order_state, "awaiting_shipment")
        # A second run changes nothing and posts nothing more.
        messages = len(order.message_ids)
        self.Matcher._cron_link_recent()
        self.assertEqual(len(order.message_ids), messages)
        [said] = order.message_ids.filtered(
            lambda m: "WeChat Pay payment" in (m.body or "")
        ).mapped("body")
        self.assertIn(order.name, said)
        self.assertIn(payment["transaction_id"], said)
        self.assertIn("Order Reference", said)
        self.assertNotIn(OPENID, said, "the payer is not repeated in the chatter")
        # Its shipping now goes to WeChat like any WeChat order's.
        self._ship(order.picking_ids, "SFM000000001")
        self._run_cron()
        self.assertEqual(
            order.wechat_upload_ids.state, "sent", order.wechat_upload_ids.reason
        )

    def test_what_is_never_linked_by_itself_says_why(self):
        self.company.wechat_payment_match = "client_order_ref"
        twin = self._quotation(client_order_ref="MP-TWIN") | self._quotation(
            client_order_ref="MP-TWIN"
        )
        other_amount = self._quotation(client_order_ref="MP-AMOUNT")
        keyed = self.scenario.order([(self.tea, 1)], client_order_ref="MP-KEYED")
        refunded = self._quotation(client_order_ref="MP-REFUND")
        foreign = self._quotation(client_order_ref="MP-FOREIGN")
        self._pay("MP-TWIN", twin[0]._wechat_total_fen())
        self._pay("MP-AMOUNT", other_amount._wechat_total_fen() + 1)
        self._pay("MP-KEYED", keyed._wechat_total_fen())
        self._pay("MP-REFUND", refunded._wechat_total_fen())
        self.wechat.order_event("refund", mchid=MCHID, out_trade_no="MP-REFUND")
        self._pay("MP-FOREIGN", foreign._wechat_total_fen(), mchid=OTHER_MCHID)
        self._pay("MP-NOBODY", 100)
        eur = self.env.ref("base.EUR")
        eur.active = True
        in_euros = self._quotation(
            client_order_ref="MP-EUR",
            pricelist_id=self.env["product.pricelist"]
            .create({"name": "Euros", "currency_id": eur.id})
            .id,
        )
        self._pay("MP-EUR", 12300)

        reasons = self._reasons()
        self.assertEqual(
            set(reasons),
            {
                "MP-TWIN",
                "MP-AMOUNT",
                "MP-KEYED",
                "MP-REFUND",
                "MP-FOREIGN",
                "MP-NOBODY",
                "MP-EUR",
            },
        )
        self.assertIn("Several quotations or orders", reasons["MP-TWIN"])
        self.assertIn("Customer Reference", reasons["MP-TWIN"])
        self.assertIn(
            f"{other_amount._wechat_total_fen() / 100 + 0.01:.2f} yuan",
            reasons["MP-AMOUNT"],
        )
        self.assertIn("already has another WeChat key", reasons["MP-KEYED"])
        self.assertIn("refunded", reasons["MP-REFUND"])
        self.assertIn(OTHER_MCHID, reasons["MP-FOREIGN"])
        self.assertIn("No quotation or order", reasons["MP-NOBODY"])
        self.assertIn(
            "has no rate of", reasons["MP-EUR"], "an order WeChat's yuan cannot measure"
        )
        untouched = twin | other_amount | refunded | foreign | in_euros
        self.assertFalse(any(untouched.mapped("wechat_order_number_type")))
        self.assertEqual(keyed.wechat_out_trade_no[:2], "WX", "its own key stays")

        # The reconciliation lists the payments awaiting shipment with the same reasons.
        self.Line.action_reconcile()
        lines = self.Line.search([("company_id", "=", self.company.id)])
        self.assertEqual(set(lines.mapped("kind")), {"unknown"})
        self.assertEqual(
            {line.merchant_trade_no: line.reason for line in lines},
            {
                number: reason
                for number, reason in reasons.items()
                if number != "MP-REFUND"
            },
        )

        # Matching off: nothing is linked, and the lines say so.
        self.company.wechat_payment_match = "none"
        self.Line.action_reconcile()
        self.assertEqual(
            set(self.Line.search([]).mapped("reason")),
            {
                "This company matches no WeChat Pay payments to orders (Match WeChat "
                "Pay Payments By: Not at all)."
            },
        )

    def test_a_service_providers_payment_is_the_companys_with_its_sub_merchant(self):
        self.company.wechat_sub_mchid = SUB_MCHID
        mine, theirs = self._quotation(), self._quotation()
        self._pay(mine.name, mine._wechat_total_fen(), sub_mchid=SUB_MCHID)
        self._pay(theirs.name, theirs._wechat_total_fen(), sub_mchid="1900000110")
        self.Matcher._cron_link_recent()
        self.assertEqual(mine.wechat_sub_mchid, SUB_MCHID)
        self.assertFalse(theirs.wechat_order_number_type)

    def test_a_paid_quotation_is_confirmed_where_the_company_says_so(self):
        kept = self._quotation(confirm=False)
        self._pay(kept.name, kept._wechat_total_fen())
        self.Matcher._cron_link_recent()
        self.assertEqual((kept.state, kept.wechat_out_trade_no), ("draft", kept.name))
        self.assertFalse(kept.picking_ids)

        self.company.wechat_confirm_paid_quotations = True
        confirmed = self._quotation(confirm=False)
        self._pay(confirmed.name, confirmed._wechat_total_fen())
        self.Matcher._cron_link_recent()
        self.assertEqual(confirmed.state, "sale")
        self.assertTrue(confirmed.picking_ids, "its delivery is created at once")
        self.assertEqual(kept.state, "draft", "linked before: not confirmed now")

    def test_the_hourly_pass_links_what_it_lists_beyond_the_recent_hours(self):
        held = self._quotation()
        paid_at = int(time.time()) - 3 * 86400  # out of the job of every 5 minutes
        self._pay(held.name, held._wechat_total_fen(), paid_at=paid_at)
        self.Matcher._cron_link_recent()
        self.assertFalse(held.wechat_order_number_type, "not in the recent list")
        # Keyed by hand, it is held: the hourly pass reads WeChat's list where it was
        # paid, and the other payment of that time names the quotation.
        held.write(
            {
                "wechat_order_number_type": "merchant_trade_number",
                "wechat_mchid": MCHID,
                "wechat_out_trade_no": held.name,
                "wechat_payer_openid": OPENID,
                "date_order": moment_from_unix(paid_at),
            }
        )
        order = self._quotation()
        self._pay(order.name, order._wechat_total_fen(), paid_at=paid_at + 60)
        # Slices of one order, so that even one is read from the list.
        self._sync_states(per_slice=1)
        self.assertEqual(
            (order.wechat_out_trade_no, order.wechat_payer_openid),
            (order.name, OPENID),
        )
        self.assertEqual(held.wechat_order_state, "awaiting_shipment")

    def test_the_48_hour_reminder_of_an_unknown_payment_links_it(self):
        order = self._quotation()
        # Paid two days ago: out of the recent order list.
        payment = self._pay(
            order.name,
            order._wechat_total_fen(),
            paid_at=int(time.time()) - 2 * 86400,
        )
        self.wechat.push_to(self.url, self.PUSH_TOKEN, self.PUSH_KEY)
        self.env.flush_all()  # committed before WeChat pushes, as a real order is
        self.wechat.order_event(
            "remind_shipping", transaction_id=payment["transaction_id"]
        )
        self.assertEqual([p["status"] for p in self.wechat.pushes()], [200])
        order.invalidate_recordset()
        self.assertEqual(order.wechat_transaction_id, payment["transaction_id"])
        self.assertEqual(order.wechat_order_state, "awaiting_shipment")
        self.assertTrue(
            order.activity_ids.filtered(lambda a: "48 hours" in (a.summary or "")),
            "the reminder reaches the order it linked",
        )

    def test_a_push_is_answered_when_wechat_does_not_answer_its_query(self):
        order = self._quotation()
        payment = self._pay(order.name, order._wechat_total_fen())
        self.wechat.fault("errcode", count=5, errcode=-1)
        answer = self._post(
            *self._signed(
                {
                    **self._event(order),
                    "Event": "trade_manage_remind_shipping",
                    "transaction_id": payment["transaction_id"],
                    "merchant_trade_no": order.name,
                }
            )
        )
        self.assertEqual((answer.status_code, answer.text), (200, "success"))
        self.assertFalse(order.wechat_order_number_type)

    def test_an_order_learns_the_identifier_it_lacks(self):
        by_number = self.scenario.order([(self.tea, 1)])
        by_transaction = self.scenario.order(
            [(self.cup, 1)],
            wechat_order_number_type="wxpay_trade_number",
            wechat_mchid=False,
            wechat_out_trade_no=False,
            wechat_transaction_id="4200000000000000000000007777",
        )
        first = self.wechat.pay(
            OPENID, mchid=MCHID, out_trade_no=by_number.wechat_out_trade_no
        )
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            out_trade_no="MP-BYTX-1",
            transaction_id="4200000000000000000000007777",
        )
        self.Matcher._cron_link_recent()
        self.assertEqual(by_number.wechat_transaction_id, first["transaction_id"])
        self.assertEqual(
            (by_transaction.wechat_mchid, by_transaction.wechat_out_trade_no),
            (MCHID, "MP-BYTX-1"),
        )
        self.assertEqual(by_transaction.wechat_order_number_type, "wxpay_trade_number")
        # Queries now name the payment by WeChat Pay's own number.
        self.assertEqual(
            client.order_query(by_number._wechat_order_key()),
            {"transaction_id": first["transaction_id"]},
        )

    def test_an_identifier_a_combined_order_holds_is_not_learnt(self):
        order = self.scenario.order([(self.tea, 1)])
        taken = "4200000000000000000000008888"
        self._combined(wechat_transaction_id=taken)
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            out_trade_no=order.wechat_out_trade_no,
            transaction_id=taken,
        )
        # The job runs on: the order keeps its key, left for a person to decide.
        self.Matcher._cron_link_recent()
        self.assertFalse(order.wechat_transaction_id)

    def test_an_identifier_learnt_sends_nothing_again(self):
        self.company.wechat_families = "both"
        order = self._order([(self.tea, 1)])
        details = order.wechat_upload_ids.filtered(
            lambda u: u.family == "shopping_details"
        )
        self.assertEqual(details.state, "sent")
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        self.Matcher._cron_link_recent()
        self.assertTrue(order.wechat_transaction_id)
        self.assertEqual(details.state, "sent", "WeChat holds what it was sent")

    # --------------------------------------------------------- a person's link

    def test_link_to_an_order_from_the_reconciliation(self):
        self.company.wechat_payment_match = "none"
        order = self._quotation()
        keyed = self.scenario.order([(self.tea, 1)], user_id=self.salesman.id)
        self._pay("MP-BY-HAND", 4242)
        self.Line.action_reconcile()
        line = self.Line.search([("merchant_trade_no", "=", "MP-BY-HAND")])
        self.assertEqual(line.kind, "unknown")

        # A user without sales rights is refused before any dialog.
        result, error = self._press(
            "match_shipping_user",
            "wechat.reconciliation.line",
            "action_link_order",
            [line.ids],
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertIn("a salesperson links a payment", error["message"])

        result, error = self._press(
            "match_salesman",
            "wechat.reconciliation.line",
            "action_link_order",
            [line.ids],
        )
        self.assertFalse(error)
        self.assertEqual(
            (result["res_model"], result["target"]), ("wechat.payment.link", "new")
        )
        context = result["context"]

        def dialog(order):
            """The dialog saved with `order` chosen, as the web client saves it."""
            saved, error = self._press(
                "match_salesman",
                "wechat.payment.link",
                "web_save",
                [[], {"sale_order_id": order.id}],
                {"specification": {}, "context": context},
                route="call_kw",
            )
            self.assertFalse(error)
            return saved[0]["id"]

        result, error = self._press(
            "match_salesman", "wechat.payment.link", "action_link", [[dialog(keyed)]]
        )
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("already has a WeChat key", error["message"])

        result, error = self._press(
            "match_salesman", "wechat.payment.link", "action_link", [[dialog(order)]]
        )
        self.assertFalse(error)
        self.assertEqual(result["params"]["type"], "success")
        order.invalidate_recordset()
        self.assertEqual(
            (order.wechat_out_trade_no, order.wechat_payer_openid),
            ("MP-BY-HAND", OPENID),
        )
        self.assertTrue(order.wechat_transaction_id)
        self.assertIn(
            f"{self.salesman.name} linked this order",
            "".join(order.message_ids.mapped("body")),
        )
        line.invalidate_recordset()
        self.assertEqual((line.kind, line.sale_order_id), ("not_shipped", order))

    def test_an_order_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "Other shop"})
        self.salesman.company_ids |= other
        order = self._quotation(company_id=other.id)
        self._pay("MP-ELSEWHERE", 100)
        self.Line.action_reconcile()
        line = self.Line.search([("merchant_trade_no", "=", "MP-ELSEWHERE")])
        link = self.env["wechat.payment.link"].create(
            {"line_id": line.id, "sale_order_id": order.id}
        )
        result, error = self._press(
            "match_salesman",
            "wechat.payment.link",
            "action_link",
            [link.ids],
            # Both companies selected in the web client's company switcher.
            {"context": {"allowed_company_ids": [self.company.id, other.id]}},
        )
        self.assertEqual(error["name"], "odoo.exceptions.UserError", error["message"])
        self.assertIn("Other shop", error["message"])
        self.assertFalse(order.wechat_order_number_type)

    def test_merchant_ids_are_checked_where_they_are_typed(self):
        with self.assertRaises(ValidationError) as refused:
            self.company.wechat_merchant_ids = f"{MCHID}, 12AB"
        self.assertIn("12AB is not one", str(refused.exception))
        read_in_chinese(self.env)
        with self.assertRaises(ValidationError) as refused:
            self.company.with_context(lang="zh_CN").wechat_merchant_ids = "12AB"
        self.assertIn("商户号", str(refused.exception))
        self.assertEqual(self.company._wechat_mchids(), [MCHID, "1230000110"])
