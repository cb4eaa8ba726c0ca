"""The express companies the addon ships, and the names Refresh from WeChat gives
them."""

from wechat_protocol import express
from wechat_protocol.express import ExpressCompany

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WechatShippingCase


@tagged("post_install", "-at_install")
class TestExpressCompany(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Express = cls.env["wechat.express.company"]
        cls.sf = cls.env.ref("wechat_shipping.wechat_express_company_sf")
        cls.zto = cls.env.ref("wechat_shipping.wechat_express_company_zto")

    def _names(self, record):
        return {
            lang: record.with_context(lang=lang).name for lang in ("en_US", "zh_CN")
        }

    def _set_chinese(self, active):
        if active:
            self.env["res.lang"]._activate_lang("zh_CN")
        else:
            self.env["res.lang"].search([("code", "=", "zh_CN")]).active = False

    def test_shipped_codes_are_wechat_codes_named_in_english(self):
        shipped = self.env["ir.model.data"].search(
            [
                ("module", "=", "wechat_shipping"),
                ("model", "=", "wechat.express.company"),
            ]
        )
        records = self.Express.browse(shipped.mapped("res_id")).with_context(
            lang="en_US"
        )
        self.assertEqual(
            sorted(records.mapped("code")),
            sorted(c.code for c in express.EXPRESS_COMPANIES),
        )
        self.assertTrue(
            all(shipped.mapped("noupdate")), "merchants' edits survive upgrades"
        )
        self.assertEqual(
            records.filtered(lambda r: r.code == "JTSD").name, "J&T Express"
        )

    def test_refresh_keeps_english_names_and_gives_wechat_names_in_chinese(self):
        self._set_chinese(True)
        for lang in ("en_US", "zh_CN"):  # the manager's language
            with self.subTest(lang=lang):
                renamed = f"顺丰快递 {lang}"
                self.Express.with_context(lang=lang)._upsert(
                    [
                        ExpressCompany("SF", renamed),
                        ExpressCompany(f"XYZ-{lang}", "某某快递"),
                    ]
                )
                self.assertEqual(
                    self._names(self.sf), {"en_US": "SF Express", "zh_CN": renamed}
                )
                new = self.Express.search([("code", "=", f"XYZ-{lang}")])
                self.assertEqual(
                    self._names(new),
                    {"en_US": "某某快递", "zh_CN": "某某快递"},
                    "a code Odoo did not know has WeChat's name in every language",
                )

    def test_refresh_without_chinese_keeps_the_names(self):
        self._set_chinese(False)
        self.Express._upsert(
            [ExpressCompany("SF", "顺丰快递"), ExpressCompany("XYZ", "某某快递")]
        )
        self.assertEqual(self.sf.name, "SF Express")
        self.assertEqual(self.Express.search([("code", "=", "XYZ")]).name, "某某快递")

    def test_refresh_marks_the_codes_wechats_list_lacks(self):
        self.Express._upsert([ExpressCompany("SF", "顺丰速运")])
        self.assertEqual((self.sf.unlisted, self.zto.unlisted), (False, True))
        self.Express._upsert([ExpressCompany("ZTO", "中通快递")])
        self.assertEqual((self.sf.unlisted, self.zto.unlisted), (True, False))

    def test_refresh_from_the_sandbox_in_english(self):
        self._set_chinese(True)
        admin = self.env.ref("base.user_admin")
        self.Express.with_user(admin).with_context(
            lang="en_US"
        ).action_refresh_from_wechat()
        self.assertEqual(
            self._names(self.sf), {"en_US": "SF Express", "zh_CN": "顺丰速运"}
        )
        self.assertEqual(self.Express.search_count([("code", "in", ["SF", "ZTO"])]), 2)

    def test_refresh_without_an_authorizer_token_says_what_to_set(self):
        express = self.Express.with_user(self.env.ref("base.user_admin"))
        express.env.company.sudo().write(
            {"wechat_token_mode": "authorizer", "wechat_authorizer_access_token": False}
        )
        with self.assertRaises(UserError) as refused:
            express.with_context(lang="en_US").action_refresh_from_wechat()
        self.assertIn("are not set", str(refused.exception))
        self.assertIn("Settings > WeChat Shipping", str(refused.exception))
