"""A delivery's WeChat status and buttons, and the uploads list, in a real headless
Chromium (static/tests/tours/delivery_tours.js), in English and in Simplified Chinese:
Retry on a delivery still wrong says why and the banner stays; Upload now on an
unchanged order says there is nothing to send and sends nothing; a waiting backorder
says it has not shipped; the uploads list shows its columns whole.

Without a browser Odoo skips a tour; scripts/test-odoo counts a skipped test as a
failure."""

from odoo.tests import tagged

from ..demo.scenario import MCHID, OPENID
from .common import APPID, SECRET, ChineseScreens, WechatShippingHttpCase
from .test_tours import UPLOADS_LIST

DELIVERY = "/odoo/action-stock.action_picking_tree_all/{}"
LANGS = {"": "en_US", "_zh": "zh_CN"}


@tagged("post_install", "-at_install")
class TestDeliveryTours(ChineseScreens, WechatShippingHttpCase):
    def _tour_in(self, path, name, suffix):
        """The tour `name` (`name`_zh in Chinese, as the suffix says)."""
        self._tour(path, f"{name}{suffix}", LANGS[suffix])

    def _shipped(self, tracking, lines=None):
        """A paid WeChat order shipped with `tracking`, its upload job run."""
        order = self._order(lines or [(self.tea, 1)])
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        self._ship(order.picking_ids, tracking)
        self._run_cron()
        return order

    def _calls(self):
        return sum(self.wechat.stats()["requests"].values())

    # ------------------------------------------------------------------- retry

    def _retry_still_wrong(self, suffix):
        order = self._shipped("")
        upload = order.picking_ids.wechat_upload_id
        self.assertEqual(upload.state, "attention")
        calls = self._shipping_requests()
        self._tour_in(
            DELIVERY.format(order.picking_ids.id),
            "wechat_shipping_delivery_retry",
            suffix,
        )
        self.assertEqual(upload.state, "attention")
        self.assertEqual(upload.attempt_count, 1, "pressed: a new count of attempts")
        self.assertEqual(self._shipping_requests(), calls)

    def test_retry_still_wrong(self):
        self._retry_still_wrong("")

    def test_retry_still_wrong_in_chinese(self):
        self._retry_still_wrong("_zh")

    # --------------------------------------------------------------- unchanged

    def _upload_now_unchanged(self, suffix):
        self.scenario.configure(
            self.company, self.sandbox_url, APPID, SECRET, families="both"
        )
        order = self._shipped("SFT200000001")
        uploads = order.wechat_upload_ids.filtered(
            lambda u: u.family != "shopping_details"
        )
        self.assertEqual(set(uploads.mapped("state")), {"sent"})
        kept = {u.family: (u.request_body, u.upload_time, u.sent_at) for u in uploads}
        calls, received = self._calls(), self._received()
        self._tour_in(
            DELIVERY.format(order.picking_ids.id),
            "wechat_shipping_delivery_unchanged",
            suffix,
        )
        self.assertEqual((self._calls(), self._received()), (calls, received))
        self.assertEqual(
            {u.family: (u.request_body, u.upload_time, u.sent_at) for u in uploads},
            kept,
        )

    def test_upload_now_unchanged(self):
        self._upload_now_unchanged("")

    def test_upload_now_unchanged_in_chinese(self):
        self._upload_now_unchanged("_zh")

    # --------------------------------------------------------------- backorder

    def _backorder(self, suffix):
        order = self._order([(self.tea, 2)])
        backorder = self._ship(
            order.picking_ids, "SFT200000002", quantities={self.tea: 1}
        )
        self._run_cron()
        self.assertEqual(order.picking_ids[:1].wechat_upload_state, "sent")
        self._tour_in(
            DELIVERY.format(backorder.id), "wechat_shipping_delivery_backorder", suffix
        )

    def test_backorder_not_shipped(self):
        self._backorder("")

    def test_backorder_not_shipped_in_chinese(self):
        self._backorder("_zh")

    # ---------------------------------------------------------- uploads list

    def _uploads_columns(self, suffix):
        """Both APIs (the longest name), a combined order of two deliveries, a refused
        upload, one WeChat was too busy for (its next attempt shown)."""
        self.scenario.configure(
            self.company, self.sandbox_url, APPID, SECRET, families="both"
        )
        self._shipped("SFT200000003")
        self._shipped("")
        combined = self._combined()
        for product in (self.tea, self.cup):
            sub = self._order(
                [(product, 1)], combined=combined, wechat_payer_openid=False
            )
            self._ship(sub.picking_ids, f"SFT20000001{product.id % 10}")
        self.wechat.fault("errcode", count=20, errcode=-1)
        self._run_cron()
        self.assertIn(
            "retrying", self.Upload.search([]).mapped("state"), "a next attempt shown"
        )
        self._tour_in(UPLOADS_LIST, "wechat_shipping_uploads_columns", suffix)

    def test_uploads_columns(self):
        self._uploads_columns("")

    def test_uploads_columns_in_chinese(self):
        self._uploads_columns("_zh")
