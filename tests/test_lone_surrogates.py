"""Half a UTF-16 pair (JSON's "\\ud800", which Python's json.dumps writes for such a
character) typed into any field this addon adds, through the web client's JSON-RPC, or
pushed by WeChat: UTF-8, and so PostgreSQL (psycopg2 cannot encode it), cannot hold
it. Refused with the words a NUL gets, never a server error or a traceback, and
nothing is written."""

import json
import time

from wechat_protocol import push

from odoo.tests import tagged

from ..demo.scenario import MCHID, OPENID
from .common import (
    APPID,
    WechatPushCase,
    WechatShippingHttpCase,
    read_in_chinese,
    web_client_call,
)

HALF = "\ud800"
# What a NUL or another control character gets: the field's own rule (WeChat's code),
CONTROL = {
    "en_US": "contains invisible or control characters",
    "zh_CN": "含有不可见字符或控制字符",
}
# else the general words.
GENERAL = {
    "en_US": "remove the invisible or control characters",
    "zh_CN": "请删除其中的不可见字符或控制字符",
}


@tagged("post_install", "-at_install")
class TestLoneSurrogates(WechatShippingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        read_in_chinese(cls.env)
        cls.order = cls.scenario.order([(cls.tea, 1)])
        cls.combined = cls.scenario.combined()

    def setUp(self):
        super().setUp()
        self.users = {"admin": self.env.ref("base.user_admin")}
        self.passwords = {"admin": "admin"}
        self._log_in_each_role()
        self.opener = self.openers["admin"]

    def _call(self, model, method, args, lang, **kwargs):
        """(HTTP status, the JSON-RPC error or None) of a web client call, its body
        holding the raw escape."""
        body = web_client_call(
            model, method, args, {**kwargs, "context": {"lang": lang}}
        )
        self.assertIn("\\ud800", body, "the body carries JSON's escape")
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        return response.status_code, response.json().get("error")

    def assertRefused(self, model, method, args, says, **kwargs):
        """Refused in English and Chinese with a ValidationError saying `says`
        ({lang: text}), nothing logged as an error."""
        for lang in ("en_US", "zh_CN"):
            with self.subTest(model=model, method=method, lang=lang):
                status, error = self._call(model, method, args, lang, **kwargs)
                self.assertEqual(status, 200)
                self.assertIsNotNone(error, "refused")
                self.assertEqual(
                    error["data"]["name"], "odoo.exceptions.ValidationError"
                )
                message = error["data"]["message"]
                self.assertIn(says[lang], message)
                self.assertNotIn("Traceback", message)
                self.assertNotIn("\ud800", message)
                self.assertLess(len(message), 600)
        self.assertEqual(self.errors.records, [], "no error or traceback logged")

    def test_sale_order_fields(self):
        count = self.env["sale.order"].search_count([])
        self.assertRefused(
            "sale.order",
            "web_save",
            [[], {"partner_id": self.customer.id, "wechat_payer_openid": f"o{HALF}"}],
            {"en_US": "[268457014]", "zh_CN": "[268457014]"},
            specification={"display_name": {}},
        )
        self.assertEqual(self.env["sale.order"].search_count([]), count)
        number = self.order.wechat_out_trade_no
        self.assertRefused(
            "sale.order",
            "web_save",
            [[self.order.id], {"wechat_out_trade_no": f"SO{HALF}1"}],
            {"en_US": "Merchant order number must be", "zh_CN": "商户订单号"},
            specification={"display_name": {}},
        )
        self.order.invalidate_recordset()
        self.assertEqual(self.order.wechat_out_trade_no, number)

    def test_combined_order_fields(self):
        Combined = self.env["wechat.combined.order"]
        count = Combined.search_count([])
        self.assertRefused(
            "wechat.combined.order",
            "create",
            [
                {
                    "wechat_order_number_type": "merchant_trade_number",
                    "wechat_mchid": MCHID,
                    "wechat_out_trade_no": f"CB{HALF}",
                    "wechat_payer_openid": OPENID,
                }
            ],
            {"en_US": "Merchant order number must be", "zh_CN": "商户订单号"},
        )
        self.assertRefused(
            "wechat.combined.order",
            "web_save",
            [[self.combined.id], {"name": "CB", "wechat_mchid": f"{HALF}12345678"}],
            {"en_US": "Merchant ID must be", "zh_CN": "商户号"},
            specification={"display_name": {}},
        )
        # A text with no rule of its own: the general words.
        self.assertRefused(
            "wechat.combined.order",
            "write",
            [[self.combined.id], {"name": f"CB{HALF}"}],
            GENERAL,
        )
        self.assertEqual(Combined.search_count([]), count)

    def test_settings_and_company_fields(self):
        self.assertRefused(
            "res.config.settings",
            "web_save",
            [[], {"wechat_order_page": f"pages/order{HALF}"}],
            {"en_US": "a page path such as", "zh_CN": "的页面路径"},
            specification={"display_name": {}},
        )
        page = self.company.wechat_order_page
        self.assertRefused(
            "res.company",
            "write",
            [[self.company.id], {"wechat_public_base_url": f"https://shop{HALF}.cn"}],
            GENERAL,
        )
        self.company.invalidate_recordset()
        self.assertEqual(self.company.wechat_order_page, page)

    def test_product_carrier_and_express_company_fields(self):
        self.assertRefused(
            "product.product",
            "write",
            [[self.tea.id], {"wechat_merchant_item_id": f"TEA{HALF}"}],
            CONTROL,
        )
        self.assertRefused(
            "delivery.carrier",
            "write",
            [[self.carrier.id], {"wechat_logistics_type": HALF}],
            {"en_US": "choose one of", "zh_CN": "请从"},
        )
        self.assertRefused(
            "wechat.express.company",
            "create",
            [{"code": f"X{HALF}", "name": "Express"}],
            CONTROL,
        )
        self.tea.invalidate_recordset()
        self.assertFalse(self.tea.wechat_merchant_item_id)


@tagged("post_install", "-at_install")
class TestLoneSurrogatePush(WechatPushCase):
    def test_a_push_holding_one_is_refused_without_a_server_error(self):
        order = self._order([(self.tea, 1)], details=False)
        plain = json.dumps(
            self._event(order, merchant_trade_no=f"{order.wechat_out_trade_no}{HALF}")
        ).encode()
        self.assertIn(b"\\ud800", plain)
        encrypted = push.encrypt(push.aes_key(self.PUSH_KEY), APPID, plain)
        for body, query in (
            (
                push.encode_body({"ToUserName": APPID, "Encrypt": encrypted}),
                push.push_query(self.settings, int(time.time()), "n1", encrypted),
            ),
            (
                json.dumps({"ToUserName": APPID, "Encrypt": f"{encrypted}{HALF}"}),
                push.push_query(self.settings, int(time.time()), "n2", encrypted),
            ),
        ):
            with self.assertNoLogs("odoo.http", "ERROR"):
                response = self._post(query, body)
            self.assertEqual(response.status_code, 400)
            self.assertIn("surrogate", response.text)
        self.assertFalse(self._state(order), "the order's state is untouched")
