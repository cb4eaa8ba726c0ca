"""The settings page, a sale order's chatter and a delivery's banner in a real headless
Chromium (static/tests/tours/settings_glossary_tours.js), in English and in Simplified
Chinese.

Without a browser Odoo skips a tour; scripts/test-odoo counts a skipped test as a
failure."""

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from ..demo.scenario import MCHID, OPENID
from .common import ChineseScreens, WechatPushCase, WechatShippingHttpCase

SETTINGS = "/odoo/settings#stock"


@tagged("post_install", "-at_install")
class TestSettingsTour(ChineseScreens, WechatShippingHttpCase):
    def setUp(self):
        super().setUp()
        # The copy button writes to the clipboard and the tour reads it back, as a
        # person pastes it: the browser lets the page do both, as it asks a person to,
        # and keeps the page focused, as the window a person clicks in is (a headless
        # one has no focus, and browsers keep an unfocused page off the clipboard).
        navigate_to = ChromeBrowser.navigate_to
        base_url = self.base_url()

        def with_the_clipboard(browser, url, wait_stop=False):
            browser._websocket_request(
                "Browser.grantPermissions",
                params={
                    "origin": base_url,
                    "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
                },
            )
            browser._websocket_request(
                "Emulation.setFocusEmulationEnabled", params={"enabled": True}
            )
            return navigate_to(browser, url, wait_stop)

        self.patch(ChromeBrowser, "navigate_to", with_the_clipboard)

    def test_settings(self):
        self._tour(SETTINGS, "wechat_shipping_settings", "en_US")

    def test_settings_in_chinese(self):
        self._tour(SETTINGS, "wechat_shipping_settings_zh", "zh_CN")


@tagged("post_install", "-at_install")
class TestOrderStateChatterTour(ChineseScreens, WechatPushCase):
    def test_a_chinese_reader_sees_the_pushed_order_state_in_chinese(self):
        order = self._order([(self.tea, 1)])
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        self._ship(order.picking_ids, "SFP000000031")
        self._run_cron()
        # WeChat pushed the shipped state to Odoo's HTTP worker, which took it in
        # English.
        self.assertEqual(self._state(order), "shipped")
        tracked = order.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "wechat_order_state"
        )
        self.assertEqual(tracked.mapped("new_value_char"), ["Shipped"])
        self._tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "wechat_shipping_order_state_chatter_zh",
            "zh_CN",
        )


@tagged("post_install", "-at_install")
class TestBannerLabelTour(ChineseScreens, WechatShippingHttpCase):
    def _delivery_without_tracking_number(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, False)
        self._run_cron()
        self.assertEqual(order.wechat_upload_id.state, "attention")
        return f"/odoo/action-stock.action_picking_tree_all/{order.picking_ids.id}"

    def test_the_banner_names_the_field_as_the_form_labels_it(self):
        path = self._delivery_without_tracking_number()
        self._tour(path, "wechat_shipping_banner_label", "en_US")

    def test_the_banner_names_the_field_as_the_form_labels_it_in_chinese(self):
        path = self._delivery_without_tracking_number()
        self._tour(path, "wechat_shipping_banner_label_zh", "zh_CN")
