"""The sale order's WeChat tab: the upload state coloured as on the delivery, and, on
top of the tab, why WeChat does not have the order yet, with the Retry button."""

import re

from lxml import etree
from wechat_protocol import catalogue as c

from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import WechatShippingCase

CJK = re.compile(r"[\u4e00-\u9fff]")
BADGE_COLOURS = {
    "sent": "success",
    "retrying": "warning",
    "attention": "danger",
    "pending": "info",
    "sending": "info",
    "waiting": "info",
}
# One banner, alike on the order and the delivery; the badge tells the two states apart.
ALERTS = {"attention": "alert-danger", "retrying": "alert-danger"}


@tagged("post_install", "-at_install")
class TestSaleOrderTab(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.salesman = cls._salesperson("wechat_tab_salesman")
        cls.states = [
            state
            for state, _label in cls.env["sale.order"]
            ._fields["wechat_upload_state"]
            .selection
        ]

    def _tab(self):
        """The WeChat page of the sale order form as a salesman gets it."""
        view = self.env.ref("sale.view_order_form")
        arch = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .get_view(view.id, "form")["arch"]
        )
        return etree.fromstring(arch).xpath("//page[@name='wechat']")[0]

    @staticmethod
    def _holds(expression, state):
        return bool(safe_eval(expression or "False", {"wechat_upload_state": state}))

    def _needing_attention(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, False)
        self._run_cron()
        self.assertEqual(order.wechat_upload_state, "attention")
        return order

    def test_state_badge_is_coloured_as_on_the_delivery(self):
        badges = self._tab().xpath(
            ".//field[@name='wechat_upload_state'][@widget='badge']"
        )
        self.assertEqual(len(badges), 1)
        for state in self.states:
            colours = [
                name.removeprefix("decoration-")
                for name, expression in badges[0].attrib.items()
                if name.startswith("decoration-") and self._holds(expression, state)
            ]
            self.assertEqual(colours, [BADGE_COLOURS[state]], state)

    def test_alert_on_top_of_the_tab_with_the_reason_and_retry(self):
        tab = self._tab()
        alerts = tab.xpath("./div[contains(concat(' ', @class, ' '), ' alert ')]")
        self.assertIs(tab[0], alerts[0], "the alert comes first on the tab")
        for state in self.states:
            shown = [
                alert
                for alert in alerts
                if not self._holds(alert.get("invisible"), state)
            ]
            kinds = [
                name
                for alert in shown
                for name in alert.get("class").split()
                if name.startswith("alert-")
            ]
            self.assertEqual(kinds, [ALERTS[state]] if state in ALERTS else [], state)
            for alert in shown:
                self.assertEqual(alert.get("role"), "alert")
                self.assertTrue(
                    alert.xpath(".//field[@name='wechat_upload_reason']"), state
                )
                retry = alert.xpath(".//button[@name='action_wechat_retry']")
                self.assertTrue(
                    retry and not self._holds(retry[0].get("invisible"), state), state
                )
        outside = [
            button
            for button in tab.xpath(".//button[@name='action_wechat_retry']")
            if not any(alert in button.iterancestors() for alert in alerts)
        ]
        self.assertFalse(outside, "one Retry button, in the alert")

    def test_reason_is_the_deliverys_in_the_readers_language(self):
        order = self._needing_attention()
        picking = order.picking_ids
        reasons = {}
        for lang in ("en_US", "zh_CN"):
            reasons[lang] = order.with_context(lang=lang).wechat_upload_reason
            self.assertEqual(
                reasons[lang], picking.with_context(lang=lang).wechat_upload_reason
            )
            self.assertIn(f"[{c.TRACKING_NO_EMPTY}]", reasons[lang])
        self.assertRegex(reasons["zh_CN"], CJK)
        self.assertNotEqual(reasons["en_US"], reasons["zh_CN"])
        form = Form(order.with_user(self.salesman))
        self.assertEqual(form.wechat_upload_reason, reasons["en_US"])

    def test_reason_of_a_retrying_order(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFT000000001")
        self.wechat.fault("errcode", count=3, errcode=c.SYSTEM_BUSY)
        self._run_cron()
        self.assertEqual(order.wechat_upload_state, "retrying")
        self.assertIn(f"[{c.SYSTEM_BUSY}]", order.wechat_upload_reason)

    def test_no_reason_once_sent(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFT000000002")
        self._run_cron()
        self.assertEqual(order.wechat_upload_state, "sent")
        self.assertFalse(order.wechat_upload_reason)

    def test_reason_is_for_wechat_users_only(self):
        portal = new_test_user(
            self.env, "wechat_tab_portal", groups="base.group_portal"
        )
        for user, sees in ((self.salesman, True), (portal, False)):
            fields = (
                self.env["sale.order"].with_user(user).fields_get(attributes=["type"])
            )
            self.assertEqual("wechat_upload_reason" in fields, sees, user.login)
