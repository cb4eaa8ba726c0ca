from wechat_protocol import call_pool, catalogue

from odoo.tests import tagged

from .common import APPID, WechatShippingCase


@tagged("post_install", "-at_install")
class TestCallsInFlight(WechatShippingCase):
    """The upload job keeps several calls to WeChat in flight, for different WeChat
    orders, and slows a company down when WeChat says it is called too often."""

    def _set_calls_in_flight(self, value):
        self.env["ir.config_parameter"].sudo().set_param(
            "wechat_shipping.calls_in_flight", str(value)
        )

    def _shipped_orders(self, count, prefix):
        orders = self.env["sale.order"]
        for index in range(count):
            order = self._order([(self.tea, 1)])
            self._ship(order.picking_ids, "%s%09d" % (prefix, index))
            orders |= order
        return orders

    def test_orders_go_out_several_at_once_each_once_in_upload_time_order(self):
        self._set_calls_in_flight(6)
        orders = self._shipped_orders(12, "SFP")
        self.wechat.latency(150)
        self._run_cron()
        uploads = orders.wechat_upload_ids
        self.assertEqual(
            set(uploads.mapped("state")), {"sent"}, uploads.mapped("reason")
        )
        self.assertTrue(all(uploads.mapped("upload_time")))
        received = self.wechat.uploads()
        self.assertEqual(len(received), 12)
        self.assertEqual(
            len({upload["order"] for upload in received}), 12, "each order once"
        )
        peak = self.wechat.stats()["in_flight_peak"]
        self.assertGreater(peak, 1, "the calls went one after another")
        self.assertLessEqual(
            peak, 6, "more calls at once than wechat_shipping.calls_in_flight"
        )
        # A correction of one order goes out later than what WeChat holds of it.
        first = received[0]
        order = orders.filtered(
            lambda o: first["order"].endswith(":" + o.wechat_out_trade_no)
        )
        order.picking_ids.carrier_tracking_ref = "SFP900000001"
        self._run_cron()
        again = self.wechat.uploads(first["order"])
        self.assertEqual(len(again), 2)
        self.assertLess(again[0]["upload_time"], again[1]["upload_time"])

    def test_one_call_at_a_time_when_set_so(self):
        self._set_calls_in_flight(1)
        orders = self._shipped_orders(4, "SFQ")
        self.wechat.latency(50)
        self._run_cron()
        self.assertEqual(set(orders.wechat_upload_ids.mapped("state")), {"sent"})
        self.assertEqual(self.wechat.stats()["in_flight_peak"], 1)

    def test_a_bad_setting_falls_back_to_the_default(self):
        for value in ("many", "0", "-3"):
            self._set_calls_in_flight(value)
            expected = call_pool.DEFAULT_SIZE if value == "many" else 1
            self.assertEqual(self.Upload._pool_size(), expected, value)
        self._set_calls_in_flight(10_000)
        self.assertEqual(self.Upload._pool_size(), call_pool.MAX_SIZE)

    def test_told_too_often_the_company_slows_down_and_recovers(self):
        self._set_calls_in_flight(8)
        orders = self._shipped_orders(16, "SFR")
        self.wechat.rate_limit(4, errcode=catalogue.RATE_LIMITED_FREQ)
        self._run_cron()
        uploads = orders.wechat_upload_ids
        limited = uploads.filtered(
            lambda u: u.last_errcode == catalogue.RATE_LIMITED_FREQ
        )
        self.assertTrue(
            limited, "the sandbox limited nothing: the test did not exercise the limit"
        )
        self.assertEqual(set(limited.mapped("state")), {"retrying"})
        self.assertIn("frequency", limited[0].reason)
        throttle = self.throttles.get(APPID, 8)
        # Paused once told (its width comes back with the answers that went well since).
        self.assertGreater(
            throttle.paused_until, 0, "the company's calls were not paused"
        )
        self.assertGreater(self.wechat.stats()["rate_limited"], 0)

        self.wechat.rate_limit(0)
        self._make_due(limited)
        self._run_cron()
        self.assertEqual(
            set(uploads.mapped("state")), {"sent"}, uploads.mapped("reason")
        )
        self.assertEqual(len({upload["order"] for upload in self.wechat.uploads()}), 16)
        self.assertGreater(
            throttle.width, 1, "answers that went well widen the company's calls again"
        )
