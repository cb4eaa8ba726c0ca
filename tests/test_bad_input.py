"""Bad-input drill through what users touch: the WeChat fields of sale orders and
combined orders, the consignor phone in the settings, express company codes and product
merchant item ids.

Each bad value is refused with a ValidationError whose message is clean (no traceback,
no Python repr), carries WeChat's code, and comes from the protocol core in English or,
with zh_CN active, in Chinese; nothing is half-written and no upload row appears.
Acceptable values are accepted and normalized, and the normalized form is asserted."""

import re

from wechat_protocol import catalogue as c
from wechat_protocol import masking, validation

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..demo.scenario import CONSIGNOR_PHONE, MCHID, OPENID
from ..models.field_labels import field_labels
from .common import WechatShippingCase, read_in_chinese

CJK = re.compile(r"[\u4e00-\u9fff]")
REPR_MARKS = (
    "Traceback",
    'File "',
    "object at 0x",
    "Error(",
    "\\x",
    "\\u",
    "{'",
    "<class",
    "None",
)

BAD_MCHIDS = [
    ("abcdefgh", c.MCHID_INVALID),
    ("1234567", c.MCHID_INVALID),
    ("1" * 13, c.MCHID_INVALID),
    ("1234 5678", c.MCHID_INVALID),
    ("１２３４５６７８", c.MCHID_INVALID),
    ("商户号12345678", c.MCHID_INVALID),
    ("<script>1</script>", c.MCHID_INVALID),
    ("12345678'--", c.MCHID_INVALID),
    ("1234\x005678", c.MCHID_INVALID),
    ("\u202e12345678", c.MCHID_INVALID),
    ("   ", c.MCHID_MISSING),
]
BAD_OUT_TRADE_NOS = [
    ("A" * 33, c.PARAM_ERROR),
    ("SO 0001", c.PARAM_ERROR),
    ("订单0001", c.PARAM_ERROR),
    ("SO/0001", c.PARAM_ERROR),
    ("'; DROP TABLE sale_order;--", c.PARAM_ERROR),
    ("<img src=x>", c.PARAM_ERROR),
    ("SO\x000001", c.PARAM_ERROR),
    ("SO\n0001", c.PARAM_ERROR),
    ("ＳＯ０００１", c.PARAM_ERROR),
    ("😀", c.PARAM_ERROR),
    ("  ", c.OUT_TRADE_NO_MISSING),
]
BAD_TRANSACTION_IDS = [
    ("4" * 33, c.PARAM_ERROR),
    ("支付单号4200001234", c.PARAM_ERROR),
    ("4200 0012 34", c.PARAM_ERROR),
    ("<script>alert(1)</script>", c.PARAM_ERROR),
    ("4200\x00001234", c.PARAM_ERROR),
    ("4200-0012-34", c.PARAM_ERROR),
    (" ", c.TRANSACTION_ID_MISSING),
]
BAD_OPENIDS = [
    ("oUpF8 uMuAJO", c.OPENID_INVALID),
    ("o" * 129, c.PARAM_ERROR),
    ("<script>alert(1)</script>", c.OPENID_INVALID),
    ("oUp\x00F8", c.OPENID_INVALID),
    ("用户标识", c.OPENID_INVALID),
    ("oUpF8uMu\nAJO", c.OPENID_INVALID),
    ("'; DROP TABLE res_users;--", c.OPENID_INVALID),
    ("\u200foUpF8", c.OPENID_INVALID),
]
BAD_PHONES = [
    "abc",
    "123",
    "12",
    "😀😀😀😀",
    "1" * 200,
    "0" * 21,
    "'; DROP TABLE res_company;--",
    "<script>alert(1)</script>",
    "\u202e02166881234",
    "\u200f021 6688 1234",
    "138\x0000138000",
    "---",
    "() - .",
    "+",
    "****",
    "1*2*3*4",
    "021-6688 1234 ext",
    "021-6688,1234",
    "call 021 6688 1234",
    "１２３",
]
GOOD_PHONES = [
    ("021 6688 1234", "021-****1234"),
    ("  021-6688-1234  ", "021-****1234"),
    ("(021) 6688 1234", "021-****1234"),
    ("０２１－６６８８－１２３４", "021-****1234"),
    ("\u3000189\u30001234\u30005678", "189****5678"),
    ("+86 189 1234 5678", "+86-189****5678"),
    ("021 6688 1234 转 8008", "021-********-8008"),
    ("189****5678", "189****5678"),
]
BAD_EXPRESS_CODES = [
    ("   ", c.EXPRESS_COMPANY_EMPTY),
    ("S" * 129, c.PARAM_ERROR),
    ("顺" * 43, c.PARAM_ERROR),
    ("S F", c.PARAM_ERROR),
    ("S\nF", c.PARAM_ERROR),
    ("SF\x00", c.PARAM_ERROR),
    ("\u200bSF", c.PARAM_ERROR),
    ("'; DROP TABLE x;--", c.PARAM_ERROR),
]
BAD_ITEM_IDS = [
    ("X" * 65, c.PARAM_ERROR),
    ("品" * 22, c.PARAM_ERROR),
    ("SKU\x00A", c.PARAM_ERROR),
    ("SKU-A\r\nB", c.PARAM_ERROR),
    ("\ufeffSKU-A", c.PARAM_ERROR),
    ("SKU\u202eA", c.PARAM_ERROR),
]


@tagged("post_install", "-at_install")
class TestBadInput(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        read_in_chinese(cls.env)
        cls.order = cls.scenario.order([(cls.tea, 1)])

    # ------------------------------------------------------------------ helpers

    def assertClean(self, message, lang, code, expected=()):
        """A message for a person: no traceback or repr, the code, the protocol's own
        words."""
        for mark in REPR_MARKS:
            self.assertNotIn(mark, message)
        self.assertIn(f"[{code}]", message)
        if lang.startswith("zh"):
            self.assertRegex(message, CJK)
        # The protocol's words, the fields named by their labels on screen.
        names = field_labels(self.env(context=dict(self.env.context, lang=lang)))
        for problem in expected:
            self.assertIn(problem.message(lang, names), message)

    def assertRefused(self, record, vals, code, expected_of=None, form=False):
        """Refused in English and Chinese; the record keeps its values; no upload row
        appears."""
        fields = list(vals)
        record.invalidate_recordset()
        before = record.read(fields)[0]
        uploads = self.Upload.search_count([])
        for lang in ("en_US", "zh_CN"):
            with self.subTest(vals=vals, lang=lang):
                with self.assertRaises(ValidationError) as caught:
                    if form and lang == "en_US":
                        with Form(record) as edit:
                            for field, value in vals.items():
                                setattr(edit, field, value)
                    else:
                        record.with_context(lang=lang).write(vals)
                expected = expected_of() if expected_of else ()
                self.assertClean(caught.exception.args[0], lang, code, expected)
                record.invalidate_recordset()
                self.assertEqual(record.read(fields)[0], before)
        self.assertEqual(self.Upload.search_count([]), uploads)

    # ------------------------------------------------------------------ sale order keys

    def test_sale_order_mchid(self):
        for value, code in BAD_MCHIDS:
            key = {
                "order_number_type": 1,
                "mchid": value.strip() or None,
                "out_trade_no": self.order.wechat_out_trade_no,
            }
            self.assertRefused(
                self.order,
                {"wechat_mchid": value},
                code,
                lambda key=key: validation.check_order_key(key),
                form=True,
            )

    def test_sale_order_out_trade_no(self):
        for value, code in BAD_OUT_TRADE_NOS:
            key = {
                "order_number_type": 1,
                "mchid": MCHID,
                "out_trade_no": value.strip() or None,
            }
            self.assertRefused(
                self.order,
                {"wechat_out_trade_no": value},
                code,
                lambda key=key: validation.check_order_key(key),
                form=True,
            )

    def test_sale_order_transaction_id(self):
        for value, code in BAD_TRANSACTION_IDS:
            key = {"order_number_type": 2, "transaction_id": value.strip() or None}
            self.assertRefused(
                self.order,
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": value,
                },
                code,
                lambda key=key: validation.check_order_key(key),
                form=True,
            )

    def test_sale_order_openid(self):
        for value, code in BAD_OPENIDS:
            self.assertRefused(
                self.order,
                {"wechat_payer_openid": value},
                code,
                lambda value=value: validation.check_openid(value),
                form=True,
            )

    def test_sale_order_type_without_numbers(self):
        order = self._order(
            [(self.tea, 1)],
            wechat_order_number_type=False,
            wechat_mchid=False,
            wechat_out_trade_no=False,
        )
        cases = [
            ({"wechat_order_number_type": "merchant_trade_number"}, c.MCHID_MISSING),
            (
                {
                    "wechat_order_number_type": "merchant_trade_number",
                    "wechat_mchid": MCHID,
                },
                c.OUT_TRADE_NO_MISSING,
            ),
            (
                {"wechat_order_number_type": "wxpay_trade_number"},
                c.TRANSACTION_ID_MISSING,
            ),
            (
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_mchid": MCHID,
                    "wechat_out_trade_no": "SO1",
                },
                c.TRANSACTION_ID_MISSING,
            ),
        ]
        for vals, code in cases:
            self.assertRefused(order, vals, code)
        # Numbers without a type: refused too, with Odoo's own message.
        with self.assertRaises(ValidationError) as caught:
            order.write({"wechat_mchid": MCHID, "wechat_out_trade_no": "SO1"})
        self.assertIn("choose WeChat Order Number Type", caught.exception.args[0])

    def test_sale_order_mchid_points_at_the_order(self):
        # The merchant id is the order's own (its WeChat tab), not a setting of the
        # company.
        for value in ("abcdefgh", "1" * 13, "   "):
            for lang, field, tab in (
                ("en_US", "WeChat Pay Merchant ID", "order's WeChat tab"),
                ("zh_CN", "微信支付商户号", "订单“微信”页签"),
            ):
                with (
                    self.subTest(value=value, lang=lang),
                    self.assertRaises(ValidationError) as caught,
                ):
                    self.order.with_context(lang=lang).write({"wechat_mchid": value})
                message = caught.exception.args[0]
                self.assertIn(field, message)
                self.assertIn(tab, message)
                self.assertNotIn("company", message.lower())
                self.assertNotIn("公司", message)

    def test_nul_characters_are_refused_before_the_database_sees_them(self):
        # create() inserts before constraints run; PostgreSQL would answer with a raw
        # error.
        cases = [
            (
                self.env["sale.order"],
                {"partner_id": self.customer.id, "wechat_payer_openid": "oUp\x00F8"},
                c.OPENID_INVALID,
            ),
            (
                self.env["sale.order"],
                {
                    "partner_id": self.customer.id,
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": "4200\x00001234",
                },
                c.PARAM_ERROR,
            ),
            (
                self.env["wechat.combined.order"],
                {
                    "wechat_order_number_type": "merchant_trade_number",
                    "wechat_mchid": "1230\x000109",
                    "wechat_out_trade_no": "CB1",
                    "wechat_payer_openid": OPENID,
                },
                c.MCHID_INVALID,
            ),
            (
                self.env["wechat.express.company"],
                {"code": "SF\x00", "name": "SF"},
                c.PARAM_ERROR,
            ),
            (
                self.env["product.product"],
                {"name": "Teapot", "wechat_merchant_item_id": "POT\x001"},
                c.PARAM_ERROR,
            ),
        ]
        for Model, vals, code in cases:
            count = Model.search_count([])
            for lang in ("en_US", "zh_CN"):
                with (
                    self.subTest(model=Model._name, lang=lang),
                    self.assertRaises(ValidationError) as caught,
                ):
                    Model.with_context(lang=lang).create(vals)
                self.assertClean(caught.exception.args[0], lang, code)
            self.assertEqual(Model.search_count([]), count)

    def test_half_valid_write_changes_nothing(self):
        self.assertRefused(
            self.order,
            {
                "wechat_mchid": "1230000110",
                "wechat_out_trade_no": "bad no",
                "wechat_payer_openid": "oNEWopenid",
            },
            c.PARAM_ERROR,
        )

    def test_keys_are_stored_trimmed(self):
        # Trimmed as a form trims them, so that uniqueness holds on what WeChat
        # receives.
        self.order.write(
            {
                "wechat_mchid": "\u3000 1230000109 ",
                "wechat_out_trade_no": " SO-T-1\t",
                "wechat_payer_openid": " " + OPENID + "\n",
            }
        )
        self.order.invalidate_recordset()
        self.assertEqual(
            (
                self.order.wechat_mchid,
                self.order.wechat_out_trade_no,
                self.order.wechat_payer_openid,
            ),
            ("1230000109", "SO-T-1", OPENID),
        )
        self.order.write({"wechat_payer_openid": "   "})
        self.assertFalse(self.order.wechat_payer_openid)

    def test_blank_or_padded_codes_and_item_ids_are_trimmed(self):
        express = self.env["wechat.express.company"].create(
            {"code": " ZJS\n", "name": " 宅急送 "}
        )
        self.assertEqual((express.code, express.name), ("ZJS", "宅急送"))
        self.cup.wechat_merchant_item_id = "SKU-A\r\n"
        self.assertEqual(self.cup.wechat_merchant_item_id, "SKU-A")
        self.cup.wechat_merchant_item_id = "   "
        self.assertFalse(
            self.cup.wechat_merchant_item_id, "blank: the settings' source applies"
        )
        self.assertEqual(self.cup._wechat_merchant_item_id(self.company), "CUP-002")

    def test_acceptable_keys_are_normalized(self):
        self.order.write(
            {"wechat_mchid": " 1230000109 ", "wechat_out_trade_no": " WX-1|2*3_4 "}
        )
        key = self.order._wechat_order_key().to_wire()
        self.assertEqual(
            key,
            {
                "order_number_type": 1,
                "mchid": "1230000109",
                "out_trade_no": "WX-1|2*3_4",
            },
        )
        self.order.write(
            {
                "wechat_order_number_type": "wxpay_trade_number",
                "wechat_transaction_id": " " + "4" * 32 + " ",
                "wechat_payer_openid": "o" * 128,
            }
        )
        self.assertEqual(
            self.order._wechat_order_key().to_wire(),
            {"order_number_type": 2, "transaction_id": "4" * 32},
        )

    # --------------------------------------------------------------- keys already taken

    def _second_company(self):
        company = self.env["res.company"].create({"name": "Hangzhou branch"})
        self.env.user.company_ids |= company
        return company

    def _quotation(self, company, lang="en_US", **key):
        return (
            self.env["sale.order"]
            .with_context(lang=lang)
            .create({"partner_id": self.customer.id, "company_id": company.id, **key})
        )

    def assertTaken(self, attempt, other, key):
        """Refused before the database's unique constraint (no error in the server log),
        in English and Chinese, naming the order that has the key and the key itself."""
        for lang in ("en_US", "zh_CN"):
            with self.subTest(other=other.name, key=key, lang=lang):
                with (
                    self.assertNoLogs("odoo.sql_db", "ERROR"),
                    self.assertRaises(ValidationError) as caught,
                    self.env.cr.savepoint(),
                ):
                    attempt(lang)
                    self.env.flush_all()
                message = caught.exception.args[0]
                self.assertIn(other.name, message)
                self.assertIn(key, message)
                for mark in REPR_MARKS:
                    self.assertNotIn(mark, message)
                if lang == "zh_CN":
                    self.assertRegex(message, CJK)

    def test_taken_key_on_a_new_or_edited_order(self):
        key = f"mchid {MCHID} / out_trade_no {self.order.wechat_out_trade_no}"
        vals = {
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": MCHID,
            "wechat_out_trade_no": self.order.wechat_out_trade_no,
        }
        other = self._quotation(self.company)
        self.assertTaken(
            lambda lang: self._quotation(self.company, lang, **vals), self.order, key
        )
        self.assertTaken(
            lambda lang: other.with_context(lang=lang).write(vals), self.order, key
        )

        def through_the_form(lang):
            with Form(other.with_context(lang=lang)) as form:
                for name, value in vals.items():
                    setattr(form, name, value)

        self.assertTaken(through_the_form, self.order, key)

    def test_taken_key_in_the_company_an_order_moves_to(self):
        branch = self._second_company()
        keys = [
            (
                {
                    "wechat_order_number_type": "merchant_trade_number",
                    "wechat_mchid": MCHID,
                    "wechat_out_trade_no": self.order.wechat_out_trade_no,
                },
                f"mchid {MCHID} / out_trade_no {self.order.wechat_out_trade_no}",
            ),
            (
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": "4200001234",
                },
                "transaction_id 4200001234",
            ),
        ]
        self.order.write(keys[1][0])
        for vals, key in keys:
            moved = self._quotation(branch, **vals)
            self.assertTaken(
                lambda lang, moved=moved: moved.with_context(lang=lang).write(
                    {"company_id": self.company.id}
                ),
                self.order,
                key,
            )
            self.assertEqual(moved.company_id, branch)

    def test_taken_key_in_the_company_an_order_gets_by_default(self):
        branch = self._second_company()
        vals = {
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": MCHID,
            "wechat_out_trade_no": "WX100001",
        }
        there = self._quotation(branch, **vals)
        self.assertTaken(
            lambda lang: self.env["sale.order"]
            .with_context(lang=lang, default_company_id=branch.id)
            .create({"partner_id": self.customer.id, **vals}),
            there,
            f"mchid {MCHID} / out_trade_no WX100001",
        )

    def test_taken_key_in_the_company_a_combined_order_moves_to(self):
        branch = self._second_company()
        combined = self._combined()
        moved = self._combined(
            company_id=branch.id, wechat_out_trade_no=combined.wechat_out_trade_no
        )
        self.assertTaken(
            lambda lang: moved.with_context(lang=lang).write(
                {"company_id": self.company.id}
            ),
            combined,
            f"mchid {MCHID} / out_trade_no {combined.wechat_out_trade_no}",
        )

    def test_taken_key_of_an_order_the_user_cannot_read(self):
        # Found whoever may read it; of that order, the message gives the reference
        # only.
        salesman = new_test_user(
            self.env,
            "wechat_own_orders",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.order.user_id = self.env.ref("base.user_admin")
        own = self._quotation(self.company, user_id=salesman.id).with_user(salesman)
        with self.assertRaises(AccessError):
            self.order.with_user(salesman).read(["name"])
        key = f"mchid {MCHID} / out_trade_no {self.order.wechat_out_trade_no}"
        vals = {
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": MCHID,
            "wechat_out_trade_no": self.order.wechat_out_trade_no,
        }
        self.assertTaken(
            lambda lang: own.with_context(lang=lang, sale_show_partner_name=True).write(
                vals
            ),
            self.order,
            key,
        )
        with self.assertRaises(ValidationError) as caught:
            own.with_context(sale_show_partner_name=True).write(vals)
        self.assertNotIn(self.customer.name, caught.exception.args[0])

    # ------------------------------------------------------------------ combined orders

    def test_combined_order_form(self):
        Combined = self.env["wechat.combined.order"]
        good = {
            "wechat_mchid": MCHID,
            "wechat_out_trade_no": "CB-BAD-1",
            "wechat_payer_openid": OPENID,
        }
        cases = [({"wechat_mchid": value}, code) for value, code in BAD_MCHIDS[:6]]
        cases += [
            ({"wechat_out_trade_no": value}, code)
            for value, code in BAD_OUT_TRADE_NOS[:6]
        ]
        cases += [
            ({"wechat_payer_openid": value}, code) for value, code in BAD_OPENIDS[:6]
        ]
        count = Combined.search_count([])
        for bad, code in cases:
            for lang in ("en_US", "zh_CN"):
                with (
                    self.subTest(bad=bad, lang=lang),
                    self.assertRaises(ValidationError) as caught,
                ):
                    form = Form(Combined.with_context(lang=lang))
                    form.wechat_order_number_type = "merchant_trade_number"
                    for field, value in {**good, **bad}.items():
                        setattr(form, field, value)
                    form.save()
                self.assertClean(caught.exception.args[0], lang, code)
        self.assertEqual(
            Combined.search_count([]), count, "no combined order half-created"
        )
        self.assertEqual(
            self.Upload.search_count([("combined_order_id", "!=", False)]), 0
        )

    def test_combined_order_needs_its_main_key_and_payer(self):
        Combined = self.env["wechat.combined.order"]
        key = {
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": MCHID,
            "wechat_out_trade_no": "CB-NOPAYER-1",
        }
        count = Combined.search_count([])
        for vals in ({}, key, {"wechat_payer_openid": OPENID}):
            for lang, says in (
                ("en_US", "a combined order needs its main order key"),
                ("zh_CN", "合单支付订单必须有主单标识"),
            ):
                with (
                    self.subTest(vals=vals, lang=lang),
                    self.assertRaises(ValidationError) as caught,
                    self.env.cr.savepoint(),
                ):
                    Combined.with_context(lang=lang).create(vals)
                message = caught.exception.args[0]
                self.assertIn(says, message)
                for mark in REPR_MARKS:
                    self.assertNotIn(mark, message)
        self.assertEqual(Combined.search_count([]), count, "nothing half-created")
        combined = self._combined()
        with (
            self.assertRaisesRegex(ValidationError, "Payer OpenID"),
            self.env.cr.savepoint(),
        ):
            combined.write({"wechat_payer_openid": False})
        with (
            self.assertRaisesRegex(ValidationError, "WeChat Order Number Type"),
            self.env.cr.savepoint(),
        ):
            combined.write(
                {
                    "wechat_order_number_type": False,
                    "wechat_mchid": False,
                    "wechat_out_trade_no": False,
                }
            )
        combined.invalidate_recordset()
        self.assertEqual(combined.wechat_payer_openid, OPENID)

    def test_a_combined_orders_main_key_is_no_sale_orders_key(self):
        # WeChat tells a combined payment from its sub-orders by their keys.
        combined = self._combined()
        self.assertTaken(
            lambda lang: self._quotation(
                self.company,
                lang,
                wechat_order_number_type="merchant_trade_number",
                wechat_mchid=MCHID,
                wechat_out_trade_no=combined.wechat_out_trade_no,
            ),
            combined,
            f"mchid {MCHID} / out_trade_no {combined.wechat_out_trade_no}",
        )
        self.assertTaken(
            lambda lang: self.env["wechat.combined.order"]
            .with_context(lang=lang)
            .create(
                {
                    "wechat_order_number_type": "merchant_trade_number",
                    "wechat_mchid": MCHID,
                    "wechat_out_trade_no": self.order.wechat_out_trade_no,
                    "wechat_payer_openid": OPENID,
                }
            ),
            self.order,
            f"mchid {MCHID} / out_trade_no {self.order.wechat_out_trade_no}",
        )
        paid = self.scenario.order(
            [(self.tea, 1)],
            wechat_order_number_type="wxpay_trade_number",
            wechat_transaction_id="4200000000202612070001",
            wechat_mchid=False,
            wechat_out_trade_no=False,
        )
        self.assertTaken(
            lambda lang: combined.with_context(lang=lang).write(
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": paid.wechat_transaction_id,
                }
            ),
            paid,
            f"transaction_id {paid.wechat_transaction_id}",
        )

    def test_combined_order_key_edit(self):
        combined = self._combined()
        for value, code in BAD_TRANSACTION_IDS[:4]:
            self.assertRefused(
                combined,
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": value,
                },
                code,
                form=True,
            )

    # ------------------------------------------------------- consignor phone (settings)

    def _settings_form(self, lang):
        return Form(self.env["res.config.settings"].with_context(lang=lang))

    def test_consignor_phone_in_settings(self):
        self.assertEqual(self.company.wechat_consignor_phone, CONSIGNOR_PHONE)
        for number in BAD_PHONES:
            with self.assertRaises(masking.ContactInvalid) as expected:
                masking.mask_contact(number)
            for lang in ("en_US", "zh_CN"):
                with self.subTest(number=number, lang=lang):
                    with self.assertRaises(ValidationError) as caught:
                        form = self._settings_form(lang)
                        form.wechat_consignor_phone = number
                        form.save().execute()
                    message = caught.exception.args[0]
                    self.assertEqual(message, expected.exception.message(lang))
                    for mark in REPR_MARKS:
                        self.assertNotIn(mark, message)
                    self.company.invalidate_recordset()
                    self.assertEqual(
                        self.company.wechat_consignor_phone, CONSIGNOR_PHONE
                    )

    def test_acceptable_consignor_phones_are_masked(self):
        picking = self.order.picking_ids
        for number, masked in GOOD_PHONES:
            with self.subTest(number=number):
                form = self._settings_form("en_US")
                form.wechat_consignor_phone = number
                form.save().execute()
                self.assertEqual(self.company.wechat_consignor_phone, number.strip())
                contact, problems = picking._wechat_contact()
                self.assertEqual(problems, [])
                self.assertEqual(contact.consignor_contact, masked)

    # ------------------------------------------------------------------ express codes

    def test_express_company_codes(self):
        Express = self.env["wechat.express.company"]
        count = Express.with_context(active_test=False).search_count([])
        for value, code in BAD_EXPRESS_CODES:
            for lang in ("en_US", "zh_CN"):
                with (
                    self.subTest(value=value, lang=lang),
                    self.assertRaises(ValidationError) as caught,
                ):
                    Express.with_context(lang=lang).create(
                        {"code": value, "name": "Bad"}
                    )
                self.assertClean(
                    caught.exception.args[0],
                    lang,
                    code,
                    validation.check_express_company(value),
                )
            # The code a carrier already uses cannot be broken either.
            self.assertRefused(
                self.carrier.wechat_express_company_id, {"code": value}, code
            )
            self.assertEqual(self.carrier.wechat_express_company_code, "SF")
        self.assertEqual(
            Express.with_context(active_test=False).search_count([]), count
        )

    def test_well_formed_unknown_code_is_accepted(self):
        # WeChat's list has ~1,400 codes (Refresh from WeChat); a well-formed one is
        # WeChat's to judge.
        yunda = self.env["wechat.express.company"].create(
            {"code": "YUNDA", "name": "韵达"}
        )
        self.carrier.wechat_express_company_id = yunda
        self.assertEqual(self.carrier.wechat_express_company_code, "YUNDA")

    # --------------------------------------------------------- product merchant item id

    def test_product_merchant_item_id(self):
        for value, code in BAD_ITEM_IDS:
            self.assertRefused(
                self.cup,
                {"wechat_merchant_item_id": value},
                code,
                lambda value=value: validation.check_merchant_item_id(value),
                form=True,
            )
        self.assertEqual(self.cup._wechat_merchant_item_id(self.company), "CUP-002")

    def test_acceptable_item_id_is_stripped(self):
        with Form(self.cup) as form:
            form.wechat_merchant_item_id = "  SKU-杯-9  "
        self.assertEqual(self.cup._wechat_merchant_item_id(self.company), "SKU-杯-9")
        self.cup.wechat_merchant_item_id = "品" * 21 + "X"  # 64 bytes
        self.assertEqual(
            self.cup._wechat_merchant_item_id(self.company), "品" * 21 + "X"
        )

    # --------------------------------------------------------- data read at upload time

    def test_unusable_receiver_phone_needs_attention_without_a_call(self):
        for number in (
            "abc",
            "12",
            "1" * 200,
            "\u202e13800138000",
            "<script>alert(1)</script>",
        ):
            with self.subTest(number=number):
                self.wechat.reset()
                customer = self.env["res.partner"].create(
                    {"name": "王芳", "phone": number}
                )
                order = self._order([(self.tea, 1)], partner_id=customer.id)
                self._ship(order.picking_ids, "SFB%09d" % order.id)
                self._run_cron()
                upload = order.wechat_upload_id
                self.assertEqual(upload.state, "attention")
                self.assertEqual(self._shipping_requests(), 0)
                with self.assertRaises(masking.ContactInvalid) as expected:
                    masking.mask_contact(number)
                english = upload.with_context(lang="en_US").reason
                chinese = upload.with_context(lang="zh_CN").reason
                self.assertIn(expected.exception.message_en, english)
                self.assertIn(expected.exception.message_zh, chinese)
                if len(number.strip()) >= 4:
                    for text in (english, chinese, upload.request_body):
                        self.assertNotIn(number.strip(), text)
                self.assertNotIn(
                    "receiver_contact",
                    self._body(upload)["shipping_list"][0].get("contact", {}),
                )

    def test_oversized_delivery_needs_attention_without_a_call(self):
        # The shipping's own rules: another system gives WeChat the (here oversized)
        # item ids.
        self.company.wechat_shopping_details_by = "other"
        # the merchant item id source, not a WeChat field
        self.tea.default_code = "T" * 65
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, ",".join("SFL%09d" % n for n in range(11)))
        self._run_cron()
        upload = order.wechat_upload_id
        self.assertEqual(upload.state, "attention")
        self.assertEqual(self._shipping_requests(), 0)
        paths = {p["path"]: p["code"] for p in upload.problems}
        self.assertEqual(paths["shipping_list"], c.PARAM_ERROR)
        self.assertEqual(
            paths["shipping_list[0].item_list[0].merchant_item_id"], c.PARAM_ERROR
        )
        self.assertIn("More than 10 parcels", upload.reason)
        self.assertIn("包裹超过 10 个", upload.with_context(lang="zh_CN").reason)
        self.assertIn(
            "商户侧商品 ID 超过 64 字节", upload.with_context(lang="zh_CN").reason
        )

    def test_strict_mode_refuses_with_a_clean_user_error(self):
        self.company.wechat_strict_mode = True
        order = self._order([(self.tea, 1)])
        picking = order.picking_ids
        picking.carrier_tracking_ref = "SF 123\x0b456"
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        with self.assertRaises(UserError) as caught:
            picking.with_context(lang="zh_CN").button_validate()
        message = caught.exception.args[0]
        self.assertIn("物流单号含有不可见字符或控制字符", message)
        for mark in REPR_MARKS:
            self.assertNotIn(mark, message)
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(
            self.Upload.search(
                [("sale_order_id", "=", order.id), ("family", "!=", "shopping_details")]
            ),
            "no shipping upload row is left",
        )
