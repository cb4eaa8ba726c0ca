"""A person's request and the upload job changing one upload at once, in two real
transactions.

PostgreSQL refuses the second change (REPEATABLE READ's serialization failure) and Odoo
retries it; the log must not call that an ERROR. These tests commit, on cursors of their
own, a combined order and its upload, and remove them afterwards."""

import logging
from contextlib import contextmanager
from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from ..demo.scenario import MCHID, OPENID


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.name}: {record.getMessage()[:200]}")


@tagged("post_install", "-at_install")
class TestConcurrentChanges(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self._env() as env:
            combined = env["wechat.combined.order"].create(
                [
                    {
                        "wechat_order_number_type": "merchant_trade_number",
                        "wechat_mchid": MCHID,
                        "wechat_out_trade_no": f"CONCURRENCY-{index}",
                        "wechat_payer_openid": OPENID,
                    }
                    for index in (1, 2)
                ]
            )
            uploads = env["wechat.shipping.upload"].create(
                [
                    {"combined_order_id": order.id, "company_id": order.company_id.id}
                    for order in combined
                ]
            )
            self.combined_ids, (self.upload_id, self.other_id) = (
                combined.ids,
                uploads.ids,
            )
        self.addCleanup(self._remove)
        self.errors = _Errors()
        logging.getLogger().addHandler(self.errors)
        self.addCleanup(logging.getLogger().removeHandler, self.errors)

    @contextmanager
    def _env(self):
        """A superuser environment on a cursor of its own, committed on leaving."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _remove(self):
        with self._env() as env:
            env["wechat.shipping.upload"].browse(
                [self.upload_id, self.other_id]
            ).unlink()
            env["wechat.combined.order"].browse(self.combined_ids).unlink()

    def test_upload_now_meeting_the_job_is_retried_without_an_error_line(self):
        with self._env() as request, self._env() as job:
            asked = request["wechat.shipping.upload"].browse(self.upload_id)
            revision = asked.revision  # the request's snapshot starts here
            claimed = job["wechat.shipping.upload"]._claim(
                [self.upload_id], batch_size=1
            )
            self.assertEqual(claimed.ids, [self.upload_id])
            job.cr.commit()
            with self.assertRaises(SerializationFailure):
                asked.action_retry()
            self.assertEqual(
                self.errors.lines,
                [],
                "the refused change is left to the retry, unlogged",
            )
            # Odoo retries the request from the start, as its HTTP layer does.
            request.cr.rollback()
            request.invalidate_all()
            retrying(asked.action_retry, request)
            self.assertEqual(asked.revision, revision + 1)
            self.assertEqual(
                asked.state, "sending", "a claim under way keeps its state"
            )
        self.assertEqual(self.errors.lines, [])

    def test_job_outcome_meeting_a_change_is_retried_without_an_error_line(self):
        with self._env() as request, self._env() as job:
            upload = job["wechat.shipping.upload"]._claim(
                [self.upload_id], batch_size=1
            )
            held_until = upload.claimed_until
            job.cr.commit()
            # The job's snapshot starts here, before the change below.
            upload.read(["revision"])
            request["wechat.shipping.upload"].browse(self.upload_id)._request_upload(
                trigger=False
            )
            request.cr.commit()
            finished = upload._finish_committed(held_until, "sent", [])
            self.assertEqual(finished, upload)
            job.cr.commit()
            upload.invalidate_recordset()
            self.assertEqual(
                upload.state, "pending", "the change made during the call is sent next"
            )
        self.assertEqual(self.errors.lines, [])

    def test_without_the_lock_the_orm_would_log_an_error(self):
        # What the lock avoids: the same collision, left to the ORM's UPDATE, is logged
        # as ERROR.
        with self._env() as request, self._env() as job:
            asked = request["wechat.shipping.upload"].browse(self.upload_id)
            asked.read(["revision"])  # the request's snapshot starts here
            job["wechat.shipping.upload"]._claim([self.upload_id], batch_size=1)
            job.cr.commit()
            with self.assertRaises(SerializationFailure):
                asked.write({"revision": 7})
                asked.flush_recordset()
            request.cr.rollback()
        self.assertTrue(
            any("bad query" in line for line in self.errors.lines), self.errors.lines
        )
        self.errors.lines.clear()

    def test_pull_forward_after_an_acceptance_gives_way_to_a_change(self):
        # "Upload now" has had WeChat accept one upload; the company's retrying ones are
        # pulled forward in the same request. One of them changed meanwhile: it keeps
        # its backoff, and the request goes on rather than failing (Odoo would retry it
        # and send again).
        later = fields.Datetime.now() + timedelta(hours=1)
        with self._env() as env:
            env["wechat.shipping.upload"].browse(self.upload_id).write(
                {"state": "sent"}
            )
            env["wechat.shipping.upload"].browse(self.other_id).write(
                {"state": "retrying", "next_attempt_at": later}
            )
        with self._env() as request, self._env() as job:
            accepted = request["wechat.shipping.upload"].browse(self.upload_id)
            accepted.read(["state"])  # the request's snapshot starts here
            job["wechat.shipping.upload"].browse(self.other_id)._request_upload(
                trigger=False
            )
            job.cr.commit()
            accepted._pull_forward_retrying()
            request.cr.commit()
        with self._env() as env:
            other = env["wechat.shipping.upload"].browse(self.other_id)
            self.assertEqual(
                (other.state, other.revision), ("pending", 2), "the job's change stands"
            )
        self.assertEqual(self.errors.lines, [])
