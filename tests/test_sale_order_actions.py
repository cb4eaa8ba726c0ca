"""The sale order's WeChat tab as a salesperson uses it: the special shipping reports
(test payment, pre-sale) and the delivery's receipt reminder ask first and say what
WeChat will do; the reports are offered only where WeChat takes them, pressed through
the web client's route, told in the chatter, and the form reloads itself after. A new
quotation's tab says what each key is and where it comes from. The combined orders'
badges are coloured as everywhere else. The funds report sums the money WeChat holds,
in the company's currency, by the day WeChat expects to release it."""

import re
from datetime import timedelta

from lxml import etree
from wechat_protocol import catalogue, endpoints

from odoo import fields
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from ..demo.scenario import MCHID, OPENID
from .common import WechatPushCase, read_in_chinese, web_client_call

CJK = re.compile(r"[\u4e00-\u9fff]")
NO_DATE = {"en_US": "Not shipped, or date not announced", "zh_CN": "未发货或日期未公布"}
FUNDS_ACTION = "wechat_shipping.sale_order_action_wechat_settlement"
# The buttons whose effect WeChat keeps, and what their confirmation must say of it.
IRREVERSIBLE = {
    ("sale.order", "action_wechat_report_test_payment"): {
        "en_US": ("gives the buyer's money back", "cannot be undone"),
        "zh_CN": ("退还", "无法撤销"),
    },
    ("sale.order", "action_wechat_report_pre_sale"): {
        "en_US": ("delivery date", "cannot be undone"),
        "zh_CN": ("交付日期", "无法撤销"),
    },
    ("stock.picking", "action_wechat_remind_receipt"): {
        "en_US": ("confirm receipt", "once per order"),
        "zh_CN": ("确认收货", "每个订单"),
    },
}
FORMS = {
    "sale.order": "sale.view_order_form",
    "stock.picking": "stock.view_picking_form",
}


@tagged("post_install", "-at_install")
class TestSaleOrderActions(WechatPushCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        read_in_chinese(cls.env, ["base", "web", "sale", "stock", "wechat_shipping"])
        cls.clerk = cls._salesperson("wechat_actions_clerk", "wechat_actions_clerk-pw")
        cls.tea.list_price = 100.0
        cls.cup.list_price = 30.0

    def setUp(self):
        super().setUp()
        self.authenticate(self.clerk.login, "wechat_actions_clerk-pw")

    # ------------------------------------------------------------------ helpers

    def _paid(self, lines, **vals):
        """A confirmed WeChat order whose payment WeChat knows."""
        order = self._order(lines, user_id=self.clerk.id, **vals)
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        return order

    def _synced(self, *orders):
        """WeChat's order state of these orders, asked as the hourly job asks."""
        self._sync_states()
        for order in orders:
            order.invalidate_recordset()
        return orders

    def _press(self, record, method, lang="en_US"):
        """A button pressed as the web client presses it (call_button), by the
        clerk: (result, error)."""
        response = self.url_open(
            f"/web/dataset/call_button/{record._name}/{method}",
            data=json_rpc(record, method, lang),
            headers={"Content-Type": "application/json"},
        )
        answer = response.json()
        self.env.invalidate_all()
        return answer.get("result"), answer.get("error")

    def _specials_sent(self):
        return self.wechat.stats()["requests"].get(endpoints.OSM_SPECIAL_ORDER, 0)

    def _special_of(self, order):
        return {
            payment["merchant_trade_no"]: payment["special"]
            for payment in self.wechat.payments()
        }[order.wechat_out_trade_no]

    def _arch(self, model, view_xmlid, lang="en_US"):
        view = self.env.ref(view_xmlid)
        arch = (
            self.env[model]
            .with_user(self.clerk)
            .with_context(lang=lang)
            .get_view(view.id, "form")["arch"]
        )
        return etree.fromstring(arch)

    # ---------------------------------------------------------- the test payment

    def test_test_payment_reported_told_in_the_chatter_and_the_form_reloads(self):
        order = self._paid([(self.tea, 1)])
        self.assertFalse(order.wechat_can_report_special, "WeChat has not said yet")
        self._synced(order)
        self.assertEqual(order.wechat_order_state, "awaiting_shipment")
        self.assertTrue(order.wechat_can_report_special)
        messages = len(order.message_ids)

        result, error = self._press(order, "action_wechat_report_test_payment")

        self.assertIsNone(error)
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(result["params"]["type"], "success")
        # The web client runs `next` after the notification: closing reloads the form
        # the button was pressed on, which then shows the new state.
        self.assertEqual(
            result["params"]["next"], {"type": "ir.actions.act_window_close"}
        )
        self.assertIn(
            "Reported to WeChat as a test payment", result["params"]["message"]
        )
        self.assertEqual(self._special_of(order), {"type": 2})
        self.assertEqual(order.wechat_special_report, "test")
        self.assertFalse(order.wechat_can_report_special, "reported once")
        posted = order.message_ids[: len(order.message_ids) - messages]
        self.assertEqual(len(posted), 1)
        self.assertIn("gives the buyer's money back", posted.body)
        self.assertEqual(posted.author_id, self.clerk.partner_id)

    def test_test_payment_said_in_chinese(self):
        order = self._synced(self._paid([(self.tea, 1)]))[0]
        result, _error = self._press(
            order, "action_wechat_report_test_payment", lang="zh_CN"
        )
        self.assertRegex(result["params"]["title"], CJK)
        self.assertRegex(result["params"]["message"], CJK)
        self.assertRegex(order.message_ids[0].body, CJK)

    def test_reports_offered_only_where_wechat_takes_them(self):
        """A quotation, an order whose payment WeChat has not told of, a shipped order
        and a reported one: no button, and a press (forced through the route) sends
        nothing to WeChat and says why."""
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "wechat_order_number_type": "merchant_trade_number",
                "wechat_mchid": MCHID,
                "wechat_out_trade_no": "WXQUOTE0002",
                "wechat_payer_openid": OPENID,
                "order_line": [(0, 0, {"product_id": self.cup.id})],
            }
        )
        unknown = self._order([(self.cup, 1)])
        shipped, reported, takes = self._synced(
            *(self._paid([(self.tea, 1)]) for _ in range(3))
        )
        self._ship(shipped.picking_ids, "SFA000000001")
        self._press(reported, "action_wechat_report_test_payment")
        self.assertEqual(reported.wechat_special_report, "test")
        tab = self._arch("sale.order", "sale.view_order_form")
        buttons = [
            tab.xpath(f"//button[@name='{name}']")[0]
            for name in (
                "action_wechat_report_test_payment",
                "action_wechat_report_pre_sale",
            )
        ]
        takes.commitment_date = fields.Datetime.now() + timedelta(days=30)
        for order, shown in (
            (quotation, False),
            (unknown, False),
            (shipped, False),
            (reported, False),
            (takes, True),
        ):
            for button in buttons:
                hidden = safe_eval(
                    button.get("invisible"),
                    {
                        "wechat_can_report_special": order.wechat_can_report_special,
                        "commitment_date": order.commitment_date,
                    },
                )
                self.assertEqual(not hidden, shown, (order.name, button.get("name")))
        for order in (quotation, unknown, shipped, reported):
            sent = self._specials_sent()
            result, error = self._press(order, "action_wechat_report_test_payment")
            self.assertIsNone(error)
            self.assertEqual(result["params"]["type"], "warning")
            self.assertIn(order.name, result["params"]["message"])
            self.assertEqual(self._specials_sent(), sent, order.name)
        self.assertEqual(reported.wechat_special_report, "test")
        self.assertFalse(shipped.wechat_special_report)

    def test_pre_sale_reported_by_the_delivery_date_and_a_refusal_is_told_too(self):
        later, soon = self._synced(
            self._paid([(self.tea, 1)]), self._paid([(self.cup, 1)])
        )
        later.commitment_date = fields.Datetime.now() + timedelta(days=40)
        soon.commitment_date = fields.Datetime.now() + timedelta(days=5)
        result, _error = self._press(later, "action_wechat_report_pre_sale")
        self.assertIn("Reported to WeChat as a pre-sale", result["params"]["message"])
        self.assertEqual(self._special_of(later)["type"], 1)
        self.assertEqual(later.wechat_special_report, "pre_sale")
        self.assertIn("does not count the order late", later.message_ids[0].body)
        result, _error = self._press(soon, "action_wechat_report_pre_sale")
        self.assertEqual(result["params"]["type"], "warning")
        self.assertFalse(soon.wechat_special_report)
        self.assertIn(
            catalogue.explain(catalogue.SPECIAL_DELAY_ILLEGAL).meaning_en,
            soon.message_ids[0].body,
        )
        self.assertIn("WeChat refused", soon.message_ids[0].body)

    # ------------------------------------------------------------ confirmations

    def test_actions_wechat_cannot_undo_ask_first_and_say_the_consequence(self):
        for (model, method), words in IRREVERSIBLE.items():
            for lang, expected in words.items():
                button = self._arch(model, FORMS[model], lang).xpath(
                    f"//button[@name='{method}']"
                )[0]
                confirm = button.get("confirm") or ""
                for word in expected:
                    self.assertIn(word, confirm, (method, lang))

    # ------------------------------------------------------------ a new quotation

    def test_a_new_quotations_tab_says_what_each_key_is_and_where_it_comes_from(self):
        for lang, words in (
            ("en_US", ("WeChat Pay merchant platform", "back end", "Leave the tab")),
            ("zh_CN", ("微信支付商户平台", "后台", "留空")),
        ):
            tab = self._arch("sale.order", "sale.view_order_form", lang).xpath(
                "//page[@name='wechat']"
            )[0]
            guide = tab.xpath(".//div[@name='wechat_key_guide']")[0]
            text = " ".join(guide.itertext())
            for word in words:
                self.assertIn(word, text, lang)
            self.assertEqual(guide.get("invisible"), "wechat_order_number_type")
            placeholders = {
                node.get("name"): node.get("placeholder")
                for node in tab.xpath(".//field[@placeholder]")
            }
            self.assertIn("1230000109", placeholders["wechat_mchid"])
            self.assertIn("4200001234", placeholders["wechat_transaction_id"])
            self.assertTrue(placeholders["wechat_out_trade_no"])
            if lang == "zh_CN":
                self.assertRegex(placeholders["wechat_order_number_type"], CJK)
            helps = (
                self.env["sale.order"]
                .with_context(lang=lang)
                .fields_get(
                    ["wechat_mchid", "wechat_out_trade_no", "wechat_transaction_id"],
                    ["help"],
                )
            )
            self.assertIn("pay.weixin.qq.com", helps["wechat_mchid"]["help"])
            for name in ("wechat_out_trade_no", "wechat_transaction_id"):
                self.assertTrue(helps[name].get("help"), (lang, name))
                if lang == "zh_CN":
                    self.assertRegex(helps[name]["help"], CJK)

    def test_a_new_quotation_takes_the_companys_sub_merchant(self):
        self.company.wechat_sub_mchid = "1900000109"
        form = Form(self.env["sale.order"].with_user(self.clerk))
        form.partner_id = self.customer
        form.wechat_order_number_type = "merchant_trade_number"
        form.wechat_mchid = MCHID
        self.assertEqual(form.wechat_sub_mchid, "1900000109")

    # ------------------------------------------------------------------ badges

    def test_combined_order_badges_are_coloured_as_the_sale_orders(self):
        def colours(node):
            return {
                name: re.sub(r"^\w+", "STATE", value)
                for name, value in node.attrib.items()
                if name.startswith("decoration-")
            }

        tab = self._arch("sale.order", "sale.view_order_form")
        expected = colours(
            tab.xpath("//field[@name='wechat_upload_state'][@widget='badge']")[0]
        )
        self.assertEqual(len(expected), 4)
        uploads = etree.fromstring(
            self.env["wechat.shipping.upload"].get_view(
                self.env.ref("wechat_shipping.wechat_shipping_upload_view_list").id,
                "list",
            )["arch"]
        )
        upload_badge = uploads.xpath("//field[@name='state'][@widget='badge']")[0]
        self.assertEqual(
            {name for name in colours(upload_badge)}, set(expected), "upload list"
        )
        combined = self.env["wechat.combined.order"]
        for view_type in ("list", "form"):
            arch = etree.fromstring(combined.get_view(view_type=view_type)["arch"])
            badge = arch.xpath("//field[@name='upload_state'][@widget='badge']")[0]
            self.assertEqual(colours(badge), expected, view_type)

    # -------------------------------------------------------------- funds report

    def _funds_groups(self, lang):
        """The report's bars as the graph asks for them (web_read_group by day, its
        measure): {label: (count, amount)}."""
        action = self.env["ir.actions.act_window"]._for_xml_id(FUNDS_ACTION)
        response = self.url_open(
            "/web/dataset/call_kw/sale.order/web_read_group",
            data=web_client_call(
                "sale.order",
                "web_read_group",
                [safe_eval(action["domain"])],
                {
                    "fields": ["__count", "wechat_held_amount:sum"],
                    "groupby": ["wechat_estimated_settlement_at:day"],
                    "lazy": False,
                    "context": {
                        "lang": lang,
                        "tz": "Asia/Shanghai",
                        "fill_temporal": True,
                    },
                },
            ),
            headers={"Content-Type": "application/json"},
        )
        groups = response.json()["result"]["groups"]
        return {
            group["wechat_estimated_settlement_at:day"]: (
                group["__count"],
                group["wechat_held_amount"],
            )
            for group in groups
        }

    def test_funds_report_by_settlement_day_in_the_company_currency(self):
        company_currency = self.company.currency_id
        other = self.env.ref("base.EUR")
        if other == company_currency:
            other = self.env.ref("base.USD")
        other.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "company_id": self.company.id,
                "name": fields.Date.today() - timedelta(days=1),
                "rate": 4.0,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Abroad", "currency_id": other.id, "company_id": self.company.id}
        )
        shipped = self._paid([(self.tea, 2)])
        waiting = self._paid([(self.cup, 1)])
        abroad = self._paid([(self.cup, 4)], pricelist_id=pricelist.id)
        settled = self._paid([(self.tea, 1)])
        for order in (shipped, settled):
            # One at a time: each upload's push comes back into this test's cursor.
            self._ship(order.picking_ids, f"SFF{order.id:09d}")
            self._run_cron()
        # Each push came back into this test's cursor while the upload job's environment
        # still held the order as unshipped, and the job's flush wrote that back over
        # what the push computed (a push has a transaction of its own outside tests).
        self.env.invalidate_all()
        self.env.add_to_compute(
            self.env["sale.order"]._fields["wechat_funds_held"], shipped
        )
        self.wechat.order_event(
            "confirm_receipt", mchid=MCHID, out_trade_no=settled.wechat_out_trade_no
        )
        self.wechat.order_event(
            "settle", mchid=MCHID, out_trade_no=settled.wechat_out_trade_no
        )
        self._synced(waiting, abroad)
        self.env.invalidate_all()
        self.assertEqual(shipped.wechat_order_state, "shipped")
        self.assertTrue(shipped.wechat_estimated_settlement_at)
        self.assertEqual(settled.wechat_order_state, "trade_complete")
        self.assertEqual(abroad.currency_id, other)
        self.assertAlmostEqual(abroad.wechat_held_amount, abroad.amount_total / 4.0)
        self.assertFalse(settled.wechat_held_amount)

        for lang in ("en_US", "zh_CN"):
            groups = self._funds_groups(lang)
            self.assertEqual(len(groups), 2, groups)
            self.assertNotIn(False, groups)
            undated = groups.pop(NO_DATE[lang])
            self.assertEqual(undated[0], 2, "the orders not shipped yet")
            self.assertAlmostEqual(
                undated[1], waiting.amount_total + abroad.amount_total / 4.0
            )
            [(day, (count, amount))] = groups.items()
            self.assertEqual(count, 1)
            self.assertAlmostEqual(amount, shipped.amount_total)
            if lang == "zh_CN":
                self.assertRegex(day, CJK)

    def test_funds_report_list_shows_wechats_state_and_expected_settlement(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(FUNDS_ACTION)
        views = dict((kind, view_id) for view_id, kind in action["views"])
        self.assertEqual(list(views)[:2], ["graph", "list"])
        arch = etree.fromstring(
            self.env["sale.order"].get_view(views["list"], "list")["arch"]
        )
        columns = [node.get("name") for node in arch.xpath("/list/field")]
        for name in (
            "wechat_order_state",
            "wechat_estimated_settlement_at",
            "wechat_held_amount",
        ):
            self.assertIn(name, columns)
        graph = etree.fromstring(
            self.env["sale.order"].get_view(views["graph"], "graph")["arch"]
        )
        self.assertEqual(
            graph.xpath("//field[@type='measure']/@name"), ["wechat_held_amount"]
        )
        self.assertNotEqual(
            self.env["sale.order"].get_view(view_type="list")["id"],
            views["list"],
            "the report's list is not the sale orders' default one",
        )


def json_rpc(record, method, lang):
    """The body the web client posts to call_button."""
    return web_client_call(
        record._name,
        method,
        [record.ids],
        {"context": {"lang": lang, "tz": "Asia/Shanghai"}},
    )
