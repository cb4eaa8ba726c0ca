"""Secrets drill: across token fetches, expiries, faults (-1, HTTP 500, hang, wrong
AppSecret 40125) and uploads, the AppSecret, every access token the sandbox issued and
the clear phone numbers appear in none of: the log (root logger at DEBUG, urllib3's
request lines included), chatter messages, tracking values and activities, stored
request bodies, reasons, errmsgs and problems, and the texts of the exceptions users or
callers get."""

import json
import logging
import re
import secrets
import traceback

from wechat_protocol import tokens
from wechat_protocol.client import WeChatCallError

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..demo.scenario import CONSIGNOR_PHONE, CUSTOMER_PHONE
from .common import SECRET, WechatShippingCase

# Loggers lowered to DEBUG for the drill. odoo.sql_db stays at INFO: its DEBUG level
# prints every query with its parameters, a developer switch of Odoo's that must never
# run in production.
DEBUG_LOGGERS = ("", "odoo", "odoo.addons.wechat_shipping", "urllib3", "requests")


class _Capture(logging.Handler):
    """Every record reaching the root logger, formatted with its traceback."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines = []

    def emit(self, record):
        try:
            self.lines.append(self.format(record))
        except Exception:  # an unformattable record is searched raw
            self.lines.append(f"{record.msg!r} {record.args!r} {record.exc_info!r}")


def _phone_pattern(phone):
    """The clear number's last eight digits with any separators between them."""
    digits = [ch for ch in phone if ch.isdigit()][-8:]
    return re.compile(r"[\s\-().]*".join(digits))


CLEAR_PHONES = [_phone_pattern(CUSTOMER_PHONE), _phone_pattern(CONSIGNOR_PHONE)]


@tagged("post_install", "-at_install")
class TestSecrets(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")

    def setUp(self):
        super().setUp()
        self.wrong_secret = "wrong-secret-" + secrets.token_hex(12)
        self.capture = _Capture()
        levels = {
            name: logging.getLogger(name).level
            for name in DEBUG_LOGGERS + ("odoo.sql_db",)
        }
        for name in DEBUG_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger("odoo.sql_db").setLevel(logging.INFO)
        logging.getLogger().addHandler(self.capture)

        def restore():
            logging.getLogger().removeHandler(self.capture)
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)

        self.addCleanup(restore)
        self.errors = []  # texts of exceptions raised to users or callers
        self.notes = []  # other texts shown to users (notifications, reprs)
        self.cycles = 0  # tracking numbers given by _cycle
        self.first_ids = {
            model: (self.env[model].sudo().search([], order="id desc", limit=1).id or 0)
            for model in ("mail.message", "mail.tracking.value", "mail.activity")
        }

    # ------------------------------------------------------------------ helpers

    def _error(self, exception):
        """Keep an exception's full text, chained causes and traceback included."""
        self.errors.append("".join(traceback.format_exception(exception)))
        self.errors.append(str(exception))

    def _cycle(self, upload, state):
        """Give the upload's delivery a new tracking number (which queues the upload
        again with something to send), run the job, and check where it ended."""
        self.cycles += 1
        upload.picking_ids.carrier_tracking_ref = f"SFY{self.cycles:09d}"
        self._make_due(upload)
        self._run_cron()
        self.assertEqual(upload.state, state, upload.reason)
        # What a commit does: write this step's tracking values to the chatter.
        self.env.cr.precommit.run()

    def _new_since_start(self, model):
        return self.env[model].sudo().search([("id", ">", self.first_ids[model])])

    def _stored_texts(self):
        self.env.cr.precommit.run()
        uploads = self.Upload.sudo().search([])
        texts = {
            "log": self.capture.lines,
            "exceptions": self.errors,
            "shown": self.notes,
        }
        texts["uploads"] = [
            str(value)
            for upload in uploads
            for value in (
                upload.request_body,
                upload.last_errmsg,
                json.dumps(upload.problems, ensure_ascii=False),
                upload.with_context(lang="en_US").reason,
                upload.with_context(lang="zh_CN").reason,
            )
        ]
        messages = self._new_since_start("mail.message")
        texts["chatter"] = [
            str(v) for m in messages for v in (m.body, m.subject, m.preview)
        ]
        trackings = self._new_since_start("mail.tracking.value")
        texts["tracking"] = [
            str(v)
            for t in trackings
            for v in (
                t.old_value_char,
                t.new_value_char,
                t.old_value_text,
                t.new_value_text,
            )
        ]
        activities = self._new_since_start("mail.activity")
        texts["activities"] = [str(v) for a in activities for v in (a.summary, a.note)]
        return texts

    def _assert_nothing_leaked(self, min_tokens):
        issued = self.wechat.tokens()
        self.assertGreaterEqual(len(issued), min_tokens, "the drill did fetch tokens")
        hidden = {"AppSecret": SECRET, "wrong AppSecret": self.wrong_secret}
        hidden.update(
            {f"access token #{n}": token for n, token in enumerate(issued, 1)}
        )
        texts = self._stored_texts()
        for where, items in texts.items():
            for text in items:
                for label, value in hidden.items():
                    self.assertNotIn(value, text, f"{label} found in {where}")
                for pattern in CLEAR_PHONES:
                    self.assertIsNone(
                        pattern.search(text),
                        f"clear phone number found in {where}: {text[:300]}",
                    )
        # The search is not vacuous: requests were logged (redacted), phones were sent
        # masked.
        log = "\n".join(texts["log"])
        self.assertIn("access_token=***", log)
        bodies = "\n".join(texts["uploads"])
        self.assertIn("189****5678", bodies)
        self.assertIn("021-****1234", bodies)
        for where in ("chatter", "tracking", "exceptions"):
            self.assertTrue(texts[where], f"nothing to search in {where}")
        return texts

    def _shipped(self, tracking):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, tracking)
        return order.wechat_upload_id

    def _wrong_secret_round(self, upload):
        """A wrong AppSecret: uploads need attention, the user-facing calls fail
        cleanly."""
        self.company.wechat_app_secret = self.wrong_secret
        self._forget_tokens()
        self._cycle(upload, "attention")
        self.assertIn("40125", upload.reason)
        with self.assertRaises(UserError) as refused:
            self.env["wechat.express.company"].action_refresh_from_wechat()
        self._error(refused.exception)
        client = self.company._wechat_client()
        self.notes += [repr(client), repr(client.token_source)]
        with self.assertRaises(tokens.TokenError) as token_error:
            client.token_source.token()
        self._error(token_error.exception)
        with self.assertRaises(WeChatCallError) as call_error:
            client.get_delivery_list()
        self._error(call_error.exception)
        self.assertEqual(call_error.exception.result.errcode, 40125)
        client.close()
        self.company.wechat_app_secret = SECRET
        self._forget_tokens()

    # ------------------------------------------------------------------ drills

    def test_stable_tokens_faults_and_wrong_secret(self):
        upload = self._shipped("SFK000000001")
        self._run_cron()
        self.assertEqual(upload.state, "sent")

        self.wechat.expire_tokens()  # 42001, a new token, the upload replayed
        self._cycle(upload, "sent")
        for kind, extra in (
            ("errcode", {"errcode": -1}),
            ("http500", {}),
            ("hang", {"seconds": 3}),
        ):
            self.wechat.fault(kind, count=1, **extra)
            self._cycle(upload, "retrying")
            self.assertTrue(upload.reason, kind)
            self._cycle(upload, "sent")

        self.wechat.fault("http500", count=1)
        with self.assertRaises(UserError) as unreachable:
            self.env["wechat.express.company"].action_refresh_from_wechat()
        self._error(unreachable.exception)

        self._wrong_secret_round(upload)
        notification = upload.action_upload_now()
        self.notes.append(json.dumps(notification, ensure_ascii=False, default=str))
        self.assertEqual(upload.state, "sent")
        self._assert_nothing_leaked(min_tokens=2)

    def test_classic_tokens_quote_the_secret_in_the_url_and_must_stay_redacted(self):
        self.company.wechat_token_mode = "classic"
        upload = self._shipped("SFK000000002")
        self._run_cron()
        self.assertEqual(upload.state, "sent")
        self.wechat.expire_tokens()
        self._cycle(upload, "sent")
        # WeChat says the token is not the latest
        self.wechat.fault("errcode", count=1, errcode=40001)
        self._cycle(upload, "sent")
        self._wrong_secret_round(upload)
        self._cycle(upload, "sent")
        texts = self._assert_nothing_leaked(min_tokens=3)
        self.assertIn(
            "secret=***", "\n".join(texts["log"]), "the token URL was logged, redacted"
        )

    def test_authorizer_token_stays_out_of_texts(self):
        upload = self._shipped("SFK000000003")
        self.company.write(
            {"wechat_token_mode": "authorizer", "wechat_authorizer_access_token": False}
        )
        self._run_cron()  # no authorizer token yet
        self.assertEqual(upload.state, "attention")
        source = tokens.StableTokenSource(
            self.sandbox_url, self.company.wechat_appid, SECRET
        )
        self.company.wechat_authorizer_access_token = source.token()
        self._cycle(upload, "sent")
        # the platform has not rotated it yet: WeChat refuses it
        self.wechat.expire_tokens()
        self._cycle(upload, "attention")
        self.assertIn("42001", upload.reason)
        self.errors.append(upload.reason)
        self.company.wechat_authorizer_access_token = source.token(force_refresh=True)
        self._cycle(upload, "sent")
        self._assert_nothing_leaked(min_tokens=2)
