from odoo.tests import tagged

from .common import WechatShippingCase


@tagged("post_install", "-at_install")
class TestOutage(WechatShippingCase):
    def _shipped(self, tracking):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, tracking)
        return order.wechat_upload_id

    @staticmethod
    def _retracked(upload, tracking):
        """A new tracking number on the upload's delivery: the upload is queued again
        with something to send (an unchanged one is not sent again)."""
        upload.picking_ids.carrier_tracking_ref = tracking

    def test_busy_error_500_and_hang_then_recovery(self):
        upload = self._shipped("SFO000000001")
        for kind, extra in (
            ("errcode", {"errcode": -1}),
            ("http500", {}),
            ("hang", {"seconds": 3}),
        ):
            self.wechat.fault(kind, count=1, **extra)
            self._make_due(upload)
            self._run_cron()
            self.assertEqual(upload.state, "retrying", kind)
            self.assertGreater(upload.next_attempt_at, upload.last_attempt_at, kind)
            self.assertTrue(upload.reason, kind)
        self._make_due(upload)
        self._run_cron()
        self.assertEqual(upload.state, "sent")
        self.assertFalse(upload.reason)
        bodies = self._received()
        self.assertTrue(bodies, "the upload arrives once WeChat is back")
        times = [b["upload_time"] for b in bodies]
        self.assertEqual(
            times, sorted(times), "no update goes out with an older upload_time"
        )

    def test_backoff_grows_and_recovery_pulls_waiting_uploads_forward(self):
        first, second = self._shipped("SFO000000002"), self._shipped("SFO000000003")
        self.wechat.fault("errcode", count=4, errcode=45009)
        self._run_cron()  # both fail (and the token fetch may take one fault)
        self._make_due(first | second)
        self._run_cron()
        delays = [
            (u.next_attempt_at - u.last_attempt_at).total_seconds()
            for u in first | second
        ]
        self.assertTrue(all(d >= 60 for d in delays), delays)
        self.wechat.reset()
        self._send_details(first.sale_order_id | second.sale_order_id, again=True)
        self._make_due(first)
        self._run_cron()
        self.assertEqual(first.state, "sent")
        self.assertLessEqual(
            second.next_attempt_at,
            first.sent_at,
            "WeChat is back: no waiting out the backoff",
        )
        self._run_cron()
        self.assertEqual(second.state, "sent")

    def test_permanent_error_from_wechat_needs_attention(self):
        upload = self._shipped("SFO000000004")
        self._run_cron()  # a token first, so that the fault hits the shipping call
        self.wechat.fault("errcode", count=1, errcode=268485217)
        self._retracked(upload, "SFO000000014")
        self._run_cron()
        self.assertEqual(upload.state, "attention")
        self.assertEqual(upload.last_errcode, 268485217)
        self.assertIn("268485217", upload.reason)
        self.assertTrue(upload.activity_ids)

    def test_upload_time_stays_later_than_any_sent_before(self):
        upload = self._shipped("SFO000000007")
        upload.sudo().upload_time = "2999-01-01T00:00:00.000+08:00"
        self._run_cron()
        self.assertEqual(upload.state, "sent")
        self.assertLater(
            self._received()[0]["upload_time"], "2999-01-01T00:00:00.000+08:00"
        )

    def test_token_expiry_during_a_run(self):
        upload = self._shipped("SFO000000005")
        self._run_cron()
        fetches = self.wechat.stats()["token_fetches"]
        self.wechat.expire_tokens()
        self._retracked(upload, "SFO000000015")
        self._run_cron()
        self.assertEqual(upload.state, "sent")
        self.assertEqual(len(self._received()), 2)
        self.assertGreater(self.wechat.stats()["token_fetches"], fetches)

    def test_wrong_secret_needs_attention_without_leaking_it(self):
        upload = self._shipped("SFO000000006")
        self.company.wechat_app_secret = "not-the-secret-" + "x" * 8
        self._run_cron()
        self.assertEqual(upload.state, "attention")
        self.assertIn("40125", upload.reason)
        self.assertNotIn("not-the-secret", upload.reason + (upload.last_errmsg or ""))

    def test_chatter_keeps_failures_and_the_acceptance_that_ends_them(self):
        upload = self._shipped("SFO000000009")

        def run_cron():
            """A run of the job, then what its commit does: write the tracking to the
            chatter."""
            self._run_cron()
            self.env.cr.precommit.run()

        def state_lines():
            """New states in the chatter, oldest first."""
            messages = self.env["mail.message"].search(
                [("model", "=", upload._name), ("res_id", "=", upload.id)]
            )
            values = messages.tracking_value_ids.filtered(
                lambda v: v.field_id.name == "state"
            )
            return values.sorted("id").mapped("new_value_char")

        run_cron()
        self.assertEqual(upload.state, "sent")
        self.assertEqual(
            state_lines(), [], "a routine acceptance leaves no chatter line"
        )

        # the token is cached: the upload call fails
        self.wechat.fault("errcode", count=1, errcode=-1)
        self._retracked(upload, "SFO000000019")
        run_cron()
        self.assertEqual(upload.state, "retrying")
        self._make_due(upload)
        run_cron()
        self.assertEqual(upload.state, "sent")
        self.assertEqual(state_lines(), ["Retrying", "Sent"])

        self._retracked(upload, "SFO000000029")
        run_cron()
        self.assertEqual(
            state_lines(), ["Retrying", "Sent"], "the next routine acceptance adds none"
        )
        self.assertEqual(len(self._received()), 3)
