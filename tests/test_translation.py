"""The Simplified Chinese translation: i18n/zh_CN.po is complete and Odoo shows it.

scripts/i18n-export regenerates i18n/wechat_shipping.pot from the code and merges it
into i18n/zh_CN.po; these tests fail while the template is stale or any entry is left
untranslated."""

import os
import re
from collections import Counter

import polib
from wechat_protocol import express

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

from .common import read_in_chinese

I18N = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n")
POT_PATH = os.path.join(I18N, "wechat_shipping.pot")
PO_PATH = os.path.join(I18N, "zh_CN.po")
RERUN = "run scripts/i18n-export and translate what it reports in i18n/zh_CN.po"

# %s, %(name)s, %d... and %% must come through a translation unchanged, and so must
# the placeholders of fields filled in with their labels ([[appid]], field_labels.py).
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdfr]|%%|\[\[[a-z_]+\]\]")
# Markup kept by the view exporter: a translation keeps the same tags.
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Terms whose Chinese is the term itself.
# Words that read the same in Chinese (DHL: WeChat's own name for it), and examples
# of what to type (a page path, an address).
SAME_IN_CHINESE = {
    "ID",
    "DHL",
    "021-6688 1234",
    "https://shop.example.com",
    "pages/order/detail?out_trade_no={out_trade_no}",
    "pages/goods/detail?sku={merchant_item_id}",
    "pages/order/detail",
}


def _entries(path):
    return [entry for entry in polib.pofile(path) if not entry.obsolete]


@tagged("post_install", "-at_install")
class TestChineseTranslation(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What a user does from Settings > Languages: activate zh_CN, then load the
        # modules' terms.
        read_in_chinese(cls.env, overwrite=True)
        cls.env_zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    # ------------------------------------------------------------------ the files

    def test_po_header(self):
        po = polib.pofile(PO_PATH)
        self.assertEqual(po.metadata.get("Language"), "zh_CN")
        self.assertIn("charset=UTF-8", po.metadata.get("Content-Type", ""))
        self.assertEqual(po.metadata.get("Plural-Forms"), "nplurals=1; plural=0;")

    def test_po_is_complete(self):
        """No empty, fuzzy or copied msgstr; placeholders and markup kept."""
        problems = []
        for entry in _entries(PO_PATH):
            msgid, msgstr = entry.msgid, entry.msgstr
            if not msgstr.strip():
                problems.append(f"untranslated: {msgid!r}")
            elif entry.fuzzy:
                problems.append(f"fuzzy: {msgid!r}")
            elif msgid not in SAME_IN_CHINESE and not HAN.search(msgstr):
                problems.append(
                    f"no Chinese in the translation of {msgid!r}: {msgstr!r}"
                )
            if Counter(PLACEHOLDER.findall(msgid)) != Counter(
                PLACEHOLDER.findall(msgstr)
            ):
                problems.append(f"placeholders differ: {msgid!r} -> {msgstr!r}")
            if Counter(TAG.findall(msgid)) != Counter(TAG.findall(msgstr)):
                problems.append(f"markup differs: {msgid!r} -> {msgstr!r}")
        self.assertFalse(problems, "\n".join(problems))

    def test_po_covers_the_template(self):
        pot = {entry.msgid for entry in _entries(POT_PATH)}
        po = {entry.msgid for entry in _entries(PO_PATH)}
        self.assertTrue(pot, "the template has no entries")
        self.assertFalse(
            sorted(pot - po), f"msgids of the template missing from zh_CN.po: {RERUN}"
        )
        self.assertFalse(
            sorted(po - pot), f"zh_CN.po has msgids the template no longer has: {RERUN}"
        )

    def test_template_is_current(self):
        """The template holds exactly the terms Odoo's exporter finds in the code and
        data now."""
        reader = TranslationModuleReader(self.env.cr, modules=["wechat_shipping"])
        exported = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in reader
            if module == "wechat_shipping"
        }
        pot = {entry.msgid for entry in _entries(POT_PATH)}
        self.assertFalse(
            sorted(exported - pot), f"terms missing from the template: {RERUN}"
        )
        self.assertFalse(
            sorted(pot - exported), f"terms the code no longer has: {RERUN}"
        )

    # ------------------------------------------------------------------ what users see

    def test_field_labels_and_selections(self):
        upload = self.env_zh["wechat.shipping.upload"].fields_get(
            ["state"], ["string", "selection"]
        )
        self.assertEqual(upload["state"]["string"], "状态")
        self.assertEqual(
            dict(upload["state"]["selection"]),
            {
                "pending": "待上传",
                "sending": "发送中",
                "sent": "已上传",
                "waiting": "等待中",
                "retrying": "重试中",
                "attention": "需要处理",
            },
        )
        family = self.env_zh["wechat.shipping.upload"].fields_get(
            ["family"], ["selection"]
        )["family"]
        self.assertEqual(
            dict(family["selection"]),
            {
                "order_shipping": "发货信息管理",
                "shopping_details": "购物详情",
                "shopping_order": "购物订单",
            },
        )
        order = self.env_zh["sale.order"].fields_get(
            [
                "wechat_payer_openid",
                "wechat_transaction_id",
                "wechat_order_number_type",
            ],
            ["string", "selection"],
        )
        self.assertEqual(order["wechat_payer_openid"]["string"], "付款人 OpenID")
        self.assertEqual(order["wechat_transaction_id"]["string"], "微信支付订单号")
        self.assertEqual(
            dict(order["wechat_order_number_type"]["selection"])[
                "merchant_trade_number"
            ],
            "商户订单号（mchid + out_trade_no）",
        )
        # English stays English.
        order_en = (
            self.env["sale.order"]
            .with_context(lang="en_US")
            .fields_get(["wechat_payer_openid"], ["string"])
        )
        self.assertEqual(order_en["wechat_payer_openid"]["string"], "Payer OpenID")

    def test_menus_and_actions(self):
        section = self.env_zh.ref("wechat_shipping.wechat_shipping_operations_menu")
        self.assertEqual(section.name, "微信")
        menu = self.env_zh.ref("wechat_shipping.wechat_shipping_upload_menu")
        self.assertEqual((menu.parent_id, menu.name), (section, "上传记录"))
        action = self.env_zh.ref("wechat_shipping.wechat_combined_order_action")
        self.assertEqual(action.name, "微信合单支付订单")

    def test_shipped_express_companies_have_wechats_names(self):
        """The Chinese names of the codes the addon ships are the names WeChat's list
        gives."""
        wechat = {company.code: company.name for company in express.EXPRESS_COMPANIES}
        shipped = self.env["ir.model.data"].search(
            [
                ("module", "=", "wechat_shipping"),
                ("model", "=", "wechat.express.company"),
            ]
        )
        companies = self.env_zh["wechat.express.company"].browse(
            shipped.mapped("res_id")
        )
        self.assertEqual({company.code: company.name for company in companies}, wechat)
        self.assertEqual(
            self.env.ref("wechat_shipping.wechat_express_company_sf").name, "SF Express"
        )

    def test_code_message_combined_number_type(self):
        combined = self.env["wechat.combined.order"].create(
            {
                "wechat_order_number_type": "merchant_trade_number",
                "wechat_mchid": "1230000109",
                "wechat_out_trade_no": "CBI18N000001",
                "wechat_payer_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            }
        )
        partner = self.env["res.partner"].create({"name": "韩梅梅"})
        with self.assertRaises(ValidationError) as caught:
            self.env_zh["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "wechat_combined_order_id": combined.id,
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": "4200001234202105201234567891",
                }
            )
        message = str(caught.exception)
        self.assertIn("合单支付订单 CBI18N000001", message)
        self.assertIn("微信要求主单与所有子单使用相同的单号类型", message)

    def test_code_message_missing_credentials(self):
        company = self.env["res.company"].create({"name": "无凭据商户"})
        error = company._wechat_config_error()
        self.assertEqual(
            error._translate("zh_CN"),
            "无凭据商户 尚未设置微信凭据（“微信 AppID”和“微信 AppSecret”，"
            "或第三方平台的授权方接口调用凭据）："
            "请在 库存 > 配置 > 设置 > 微信发货 中设置。",
        )
        self.assertIn("are not set", error._translate("en_US"))
