"""Builds WeChat orders in an Odoo database: used by the tests, the demo, the benchmark
and drills.

Plain ORM calls on a given environment; nothing here commits."""

import itertools

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
MCHID = "1230000109"
CUSTOMER_PHONE = "+86 189 1234 5678"
CONSIGNOR_PHONE = "021-6688 1234"
# The Mini Program page of an order: WeChat takes no shopping details without it.
ORDER_PAGE = "pages/order/detail?out_trade_no={out_trade_no}"
# The pricelist the scenario's orders are priced in (CNY, as WeChat Pay counts).
CNY_PRICELIST = "WeChat Pay (CNY)"


class Scenario:
    """A company wired to a WeChat endpoint, an SF carrier, products and a WeChat
    customer."""

    _numbers = itertools.count(100000)

    def __init__(self, env, api_url, appid, secret, company=None, prefix="WX"):
        self.env = env
        self.company = company or env.company
        self.prefix = prefix
        self.configure(self.company, api_url, appid, secret)
        self.carrier = self.sf_carrier()
        self.pricelist = self.cny_pricelist()
        self.customer = env["res.partner"].create(
            {"name": "李雷", "phone": CUSTOMER_PHONE}
        )

    def configure(self, company, api_url, appid, secret, families="shopping_order"):
        """Point a company at a WeChat endpoint with credentials, a consignor phone and
        the Mini Program's order page; it uploads to `families` (order_shipping,
        shopping_order or both)."""
        company.write(
            {
                "wechat_appid": appid,
                "wechat_app_secret": secret,
                "wechat_api_base_url": api_url,
                "wechat_consignor_phone": CONSIGNOR_PHONE,
                "wechat_auto_upload": True,
                "wechat_families": families,
                "wechat_order_page": ORDER_PAGE,
            }
        )

    def cny_pricelist(self):
        """A pricelist in Chinese yuan, the currency WeChat Pay counts in (CNY made
        active), shared by the companies: the orders are priced in it."""
        cny = self.env.ref("base.CNY")
        cny.active = True
        return self.env["product.pricelist"].create(
            {"name": CNY_PRICELIST, "currency_id": cny.id, "company_id": False}
        )

    def sf_carrier(self):
        """A delivery method mapped to WeChat's SF code."""
        env = self.env
        return env["delivery.carrier"].create(
            {
                "name": "SF Express",
                "product_id": env["product.product"]
                .create({"name": "SF shipping", "type": "service"})
                .id,
                "wechat_express_company_id": env["wechat.express.company"]
                .search([("code", "=", "SF")])
                .id,
            }
        )

    def product(self, name, code, company=None):
        """A storable product whose internal reference is its merchant item id."""
        return self.env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "type": "consu",
                "is_storable": True,
                "company_id": company.id if company else False,
            }
        )

    def order(self, lines, company=None, combined=None, **key):
        """A confirmed sale order shipped by SF, keyed by merchant order number, priced
        in CNY unless `key` gives another pricelist."""
        company = company or self.company
        vals = {
            "partner_id": self.customer.id,
            "pricelist_id": self.pricelist.id,
            "company_id": company.id,
            "carrier_id": self.carrier.id,
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": MCHID,
            "wechat_out_trade_no": f"{self.prefix}{next(self._numbers)}",
            "wechat_payer_openid": OPENID,
            "order_line": [
                (0, 0, {"product_id": p.id, "product_uom_qty": qty}) for p, qty in lines
            ],
        }
        if combined:
            vals["wechat_combined_order_id"] = combined.id
        vals.update(key)
        order = self.env["sale.order"].with_company(company).create(vals)
        order.action_confirm()
        return order

    def combined(self, **vals):
        """A combined payment keyed by merchant order number."""
        return self.env["wechat.combined.order"].create(
            {
                "wechat_order_number_type": "merchant_trade_number",
                "wechat_mchid": MCHID,
                "wechat_out_trade_no": f"CB{self.prefix}{next(self._numbers)}",
                "wechat_payer_openid": OPENID,
                **vals,
            }
        )

    def ship(self, picking, tracking, quantities=None, packages=None):
        """Validate a delivery with a tracking reference; returns its backorder, if any.

        `quantities` ({product: qty}) ships less than ordered and leaves a backorder;
        `packages` is a list of product lists, one package each."""
        picking.carrier_tracking_ref = tracking
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(
                move.product_id, move.product_uom_qty
            )
            move.picked = True
        for products in packages or []:
            package = self.env["stock.quant.package"].create({})
            picking.move_line_ids.filtered(
                lambda line, products=products: line.product_id in products
            ).result_package_id = package
        # skip_backorder: ship what is picked and keep the rest as a backorder, no
        # wizard; skip_sms: outside tests stock_sms asks about SMS confirmations with a
        # wizard instead.
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        if picking.state != "done":
            raise RuntimeError(
                f"{picking.name} was not validated (state {picking.state})"
            )
        return picking.backorder_ids
