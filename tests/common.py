"""Shared set-up of the Odoo tier: a WeChat sandbox process and a configured company."""

import atexit
import base64
import json
import logging
import os
import secrets
import time
from datetime import timedelta

import requests
from wechat_protocol import call_pool, push, rfc3339, tokens
from wechat_sandbox.control import SandboxControl
from wechat_sandbox.process import SandboxProcess

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, new_test_user

from ..demo.scenario import CONSIGNOR_PHONE, CUSTOMER_PHONE, MCHID, OPENID, Scenario

APPID = "wxodootest0000001"
# scripts/test-odoo passes the run's secret so that it can search the whole log for it
# afterwards.
SECRET = os.environ.get(
    "WECHAT_SHIPPING_TEST_SECRET"
) or "odoo-tier-secret-" + secrets.token_hex(8)

_sandbox = None


def sandbox():
    """The test run's sandbox process, started on first use."""
    global _sandbox
    if _sandbox is None:
        _sandbox = SandboxProcess(APPID, SECRET).start()
        atexit.register(_sandbox.stop)
    return _sandbox


class WechatShippingSetup:
    """A company wired to the sandbox, an SF carrier, two products and a WeChat
    customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox_url = sandbox().url
        cls.wechat = SandboxControl(cls.sandbox_url)
        cls.scenario = Scenario(cls.env, cls.sandbox_url, APPID, SECRET)
        cls.company = cls.scenario.company
        cls.carrier = cls.scenario.carrier
        cls.customer = cls.scenario.customer
        cls.env["ir.config_parameter"].sudo().set_param(
            "wechat_shipping.timeout", "2,2"
        )
        cls.tea = cls.scenario.product("Longjing tea", "TEA-001")
        cls.cup = cls.scenario.product("Celadon cup", "CUP-002")
        cls.Upload = cls.env["wechat.shipping.upload"]

    def setUp(self):
        super().setUp()
        self.wechat.reset()
        # As in a process just started: no token held (the sandbox forgot those it
        # issued), every company at its full width of calls. The process's own come back
        # after the test.
        self._forget_tokens()
        self.throttles = call_pool.Throttles()
        self.patch(call_pool, "THROTTLES", self.throttles)

    @classmethod
    def _salesperson(cls, login, password=None):
        """A salesperson who sees every order of the company (password: the login
        unless given)."""
        return new_test_user(
            cls.env,
            login,
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            password=password,
        )

    def _forget_tokens(self):
        """A fresh token cache for the process, until the test ends."""
        self.patch(tokens, "CACHE", tokens.TokenCache())

    def _order(self, lines, details=True, **kwargs):
        """A confirmed WeChat order; `details`: its shopping details go to WeChat at
        once, as they do long before anything ships (tests of the shipping start from
        there)."""
        order = self.scenario.order(lines, **kwargs)
        if details:
            self._send_details(order)
        return order

    def _send_details(self, orders, again=False):
        """Send the pending shopping details of these orders, as the upload job would;
        `again`: those already sent too (after a reset of the sandbox, which forgets
        them)."""
        uploads = (
            orders.wechat_combined_order_id.upload_ids | orders.wechat_upload_ids
        ).filtered(
            lambda u: u.family == "shopping_details" and (u.state == "pending" or again)
        )
        if uploads:
            uploads.sudo()._claim(uploads.ids, batch_size=len(uploads))._send_claimed()
            self.assertEqual(
                set(uploads.mapped("state")), {"sent"}, uploads.mapped("reason")
            )

    def _combined(self, **vals):
        return self.scenario.combined(**vals)

    def _pay_combined(self, combined, orders):
        """WeChat Pay knows the combined payment of `combined`, `orders` its
        sub-orders."""
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            out_trade_no=combined.wechat_out_trade_no,
            sub_orders=[
                {"mchid": MCHID, "out_trade_no": order.wechat_out_trade_no}
                for order in orders
            ],
        )

    def _ship(self, picking, tracking, quantities=None, packages=None):
        backorder = self.scenario.ship(picking, tracking, quantities, packages)
        self.assertEqual(picking.state, "done")
        return backorder

    def _run_cron(self):
        """One run of the upload job as the scheduler makes it (no commits inside a
        test)."""
        self.Upload._cron_send_due(auto_commit=False)

    def _sync_states(self, **kwargs):
        """One call of the state sync as the scheduler makes it (no commits inside a
        test): its SyncReport; the orders are read anew after it."""
        report = self.env["sale.order"]._cron_wechat_sync_states(
            auto_commit=False, **kwargs
        )
        self.env.invalidate_all()
        return report

    def _make_due(self, uploads):
        """Skip the backoff wait, as time passing would."""
        uploads.sudo().write(
            {"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)}
        )

    def _received(self):
        """Bodies the sandbox accepted, oldest first."""
        return [upload["body"] for upload in self.wechat.uploads()]

    def _shipping_requests(self):
        """How many shipping calls reached the sandbox, accepted or not."""
        paths = self.wechat.stats()["requests"]
        return sum(count for path, count in paths.items() if "/shippings" in path)

    def assertLater(self, later, earlier):
        self.assertGreater(rfc3339.parse_rfc3339(later), rfc3339.parse_rfc3339(earlier))

    def assertNoClearPhone(self, text):
        digits = "".join(ch for ch in text if ch.isdigit())
        for phone in (CUSTOMER_PHONE, CONSIGNOR_PHONE):
            self.assertNotIn("".join(ch for ch in phone if ch.isdigit())[-8:], digits)

    @staticmethod
    def _body(upload):
        return json.loads(upload.request_body)


class WechatShippingCase(WechatShippingSetup, TransactionCase):
    """The Odoo tier's usual test case: one transaction per test, rolled back after
    it."""


class LoggedErrors(logging.Handler):
    """Log records of level ERROR or with a traceback, from any thread."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        if record.levelno >= logging.ERROR or (
            record.exc_info and record.levelno >= logging.WARNING
        ):
            self.records.append(
                f"{record.levelname} {record.name}: {record.getMessage()[:300]}"
            )


class WechatShippingHttpCase(WechatShippingSetup, HttpCase):
    """The same, with Odoo's HTTP server answering real requests inside the test's
    transaction."""

    def _log_in_each_role(self):
        """A session for each role of `self.users` (passwords in `self.passwords`),
        kept side by side in `self.openers`; `self.errors` collects what is logged as
        an error or with a traceback until the test ends."""
        self.openers = {}
        for role, user in self.users.items():
            self.authenticate(user.login, self.passwords[role])
            self.openers[role] = self.opener
            self.session = None  # the next authenticate() would delete this one
        self.errors = LoggedErrors()
        logging.getLogger().addHandler(self.errors)
        self.addCleanup(logging.getLogger().removeHandler, self.errors)


class WechatPushCase(WechatShippingHttpCase):
    """An Order Shipping Management company whose WeChat message pushes, signed and in
    safe mode, reach Odoo's own HTTP server at the company's push URL."""

    PUSH_TOKEN = "odooPushToken1"
    PUSH_KEY = base64.b64encode(bytes(range(100, 132))).decode().rstrip("=")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario.configure(
            cls.company, cls.sandbox_url, APPID, SECRET, families="order_shipping"
        )
        cls.company.write(
            {"wechat_push_token": cls.PUSH_TOKEN, "wechat_push_aes_key": cls.PUSH_KEY}
        )
        cls.settings = push.PushSettings(cls.PUSH_TOKEN, APPID, cls.PUSH_KEY)

    def setUp(self):
        super().setUp()
        self.url = f"{self.base_url()}/wechat_shipping/push/{self.company.id}"
        self.wechat.push_to(self.url, self.PUSH_TOKEN, self.PUSH_KEY)

    def _signed(self, message, appid=APPID, now=None, xml=False):
        """(query, body) of a safe-mode push of `message`, as WeChat sends it."""
        now = int(time.time()) if now is None else now
        encrypted = push.encrypt(
            push.aes_key(self.PUSH_KEY), appid, push.encode_body(message, xml)
        )
        return push.push_query(self.settings, now, "n0nce", encrypted), (
            push.encode_body({"ToUserName": APPID, "Encrypt": encrypted}, xml)
        )

    def _event(self, order, **values):
        """WeChat's settlement event of `order`'s payment (named by merchant id and
        order number), with `values` over it."""
        return {
            "ToUserName": APPID,
            "FromUserName": OPENID,
            "CreateTime": int(time.time()),
            "MsgType": "event",
            "Event": "trade_manage_order_settlement",
            "transaction_id": "",
            "merchant_id": MCHID,
            "merchant_trade_no": order.wechat_out_trade_no,
            "pay_time": int(time.time()) - 60,
            **values,
        }

    def _post(self, query, body, url=None):
        return requests.post(url or self.url, params=query, data=body, timeout=10)

    def _state(self, order):
        """The order's WeChat state as Odoo's HTTP worker (which took the push) left
        it."""
        order.invalidate_recordset()
        return order.wechat_order_state


# The modules whose terms the screens under test show.
SCREEN_MODULES = [
    "base",
    "web",
    "mail",
    "product",
    "stock",
    "sale",
    "delivery",
    "stock_delivery",
    "wechat_shipping",
]


class ChineseScreens:
    """Tours in a real headless Chromium, as admin in either language: the screens'
    Chinese terms loaded as Settings > Languages loads them. Without a browser Odoo
    skips a tour; scripts/test-odoo counts a skipped test as a failure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        read_in_chinese(cls.env, SCREEN_MODULES)
        cls.admin = cls.env.ref("base.user_admin")

    def _tour(self, path, name, lang):
        self.admin.lang = lang
        self.start_tour(path, name, login="admin", timeout=180)


def read_in_chinese(env, modules=("wechat_shipping",), overwrite=False):
    """Simplified Chinese active with the terms of `modules`, as Settings > Languages
    loads them (`overwrite`: as it updates them): messages name fields by their
    Chinese labels."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(
        list(modules), ["zh_CN"], overwrite=overwrite
    )


def web_client_call(model, method, args, kwargs):
    """The JSON-RPC body the web client posts to call_button or call_kw."""
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        }
    )
