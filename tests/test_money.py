"""Money as WeChat Pay counts it: fen of Chinese yuan (CNY), converted from the order's
currency at the rate of its date, or the upload waits saying what the database lacks."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import MCHID, WechatShippingCase, read_in_chinese


@tagged("post_install", "-at_install")
class TestMoney(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        read_in_chinese(cls.env)
        cls.cny = cls.env.ref("base.CNY")
        cls.usd = cls.env.ref("base.USD")
        cls.eur = cls.env.ref("base.EUR")
        # The rates below are against the company's currency.
        assert cls.company.currency_id not in cls.cny | cls.eur

    def _rates(self, *rates):
        for currency, rate in rates:
            currency.active = True
            if currency != self.company.currency_id:
                self.env["res.currency.rate"].create(
                    {
                        "currency_id": currency.id,
                        "company_id": self.company.id,
                        "name": fields.Date.today() - timedelta(days=1),
                        "rate": rate,
                    }
                )

    def _priced_in(self, currency, lines):
        """A confirmed WeChat order priced in `currency`, lines of (product, quantity,
        unit price) without taxes; its shopping details not sent yet."""
        currency.active = True
        pricelist = self.env["product.pricelist"].create(
            {"name": f"In {currency.name}", "currency_id": currency.id}
        )
        order = self._order(
            [(product, qty) for product, qty, _price in lines],
            details=False,
            pricelist_id=pricelist.id,
        )
        for line, (_product, _qty, price) in zip(order.order_line, lines, strict=True):
            line.write({"price_unit": price, "tax_id": [(5, 0, 0)]})
        self.assertEqual(order.currency_id, currency)
        return order

    def _details(self, order):
        return order.wechat_upload_ids.filtered(
            lambda u: u.family == "shopping_details"
        )

    def _held_items(self, order):
        [held] = self.wechat.shopping_details(
            order=f"mch:{MCHID}:{order.wechat_out_trade_no}"
        )
        return {
            (item["merchant_item_id"], item["unit_price"], item["quantity"])
            for item in held["details"]["order_list"][0]["item_list"]
        }

    def test_an_order_in_dollars_goes_to_wechat_in_fen_of_yuan(self):
        # 1 USD = 7.10 CNY
        self._rates((self.usd, 1.0), (self.cny, 7.1))
        order = self._priced_in(self.usd, [(self.tea, 2, 10.0), (self.cup, 1, 2.5)])
        self.assertEqual(order.amount_total, 22.5)
        self._run_cron()
        self.assertEqual(self._details(order).state, "sent")
        # 22.50 USD = 159.75 CNY, shared by line: tea 142.00 (2 x 71.00), cup 17.75
        self.assertEqual(
            self._held_items(order), {("TEA-001", 7100, 2), ("CUP-002", 1775, 1)}
        )
        self.assertEqual(order._wechat_total_fen(), 15975, "compared in CNY")
        self.assertEqual(order._wechat_fen(2.5), (1775, None))

    def test_an_order_in_yuan_is_sent_as_it_is(self):
        order = self._order([(self.tea, 3)], details=False)
        order.order_line.write({"price_unit": 12.34, "tax_id": [(5, 0, 0)]})
        self.assertEqual(order.currency_id, self.cny)
        self._run_cron()
        self.assertEqual(self._held_items(order), {("TEA-001", 1234, 3)})
        self.assertEqual(order._wechat_total_fen(), 3702)

    def test_without_a_rate_the_details_wait_saying_which_to_add(self):
        self._rates((self.cny, 7.1))
        order = self._priced_in(self.eur, [(self.tea, 1, 10.0)])
        self._run_cron()
        details = self._details(order)
        self.assertEqual(details.state, "attention")
        self.assertFalse(self.wechat.shopping_details(), "nothing reached WeChat")
        self.assertIsNone(order._wechat_total_fen())
        reason = details.with_context(lang="en_US").reason
        self.assertIn(f"{order.name} is priced in EUR", reason)
        self.assertIn("has no rate of EUR on or before", reason)
        self.assertIn("Invoicing > Configuration > Accounting > Currencies", reason)
        self.assertNotIn("CNY on or before", reason, "CNY has its rate")
        zh = details.with_context(lang="zh_CN").reason
        self.assertIn("人民币", zh)
        self.assertIn("EUR", zh)
        self.assertIn("汇率", zh)

        # 1 EUR = 7.90 CNY once the rate is there
        self._rates((self.eur, 7.1 / 7.9))
        details.action_retry()
        self._run_cron()
        self.assertEqual(details.state, "sent")
        self.assertEqual(self._held_items(order), {("TEA-001", 7900, 1)})
        self.assertEqual(order._wechat_total_fen(), 7900)

    def test_with_yuan_inactive_the_details_wait_saying_to_activate_it(self):
        self._rates((self.usd, 1.0), (self.cny, 7.1))
        order = self._priced_in(self.usd, [(self.tea, 1, 10.0)])
        self.cny.active = False
        self._run_cron()
        details = self._details(order)
        self.assertEqual(details.state, "attention")
        self.assertFalse(self.wechat.shopping_details())
        self.assertIsNone(order._wechat_total_fen())
        self.assertIn("activate CNY", details.with_context(lang="en_US").reason)
        self.assertIn("启用", details.with_context(lang="zh_CN").reason)
