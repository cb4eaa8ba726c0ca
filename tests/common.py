"""Shared set-up of the Odoo tier: a WeChat sandbox process, a configured company, orders."""
import atexit
import json
import secrets
from datetime import timedelta

from odoo import fields
from odoo.tests import Form, TransactionCase

from ..wechat_protocol import rfc3339, tokens
from ..wechat_sandbox.control import SandboxControl
from ..wechat_sandbox.process import SandboxProcess

APPID = "wxodootest0000001"
# A fresh secret per run: the secrets drill greps logs for it.
SECRET = "odoo-tier-secret-" + secrets.token_hex(8)
CUSTOMER_PHONE = "+86 189 1234 5678"
CONSIGNOR_PHONE = "021-6688 1234"

_sandbox = None


def sandbox():
    """The test run's sandbox process, started on first use."""
    global _sandbox
    if _sandbox is None:
        _sandbox = SandboxProcess(APPID, SECRET).start()
        atexit.register(_sandbox.stop)
    return _sandbox


class WechatShippingCase(TransactionCase):
    """A company wired to the sandbox, an SF carrier, two products and a WeChat customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox_url = sandbox().url
        cls.wechat = SandboxControl(cls.sandbox_url)
        cls.company = cls.env.company
        cls._configure(cls.company)
        cls.env["ir.config_parameter"].sudo().set_param("wechat_shipping.timeout", "2,2")
        cls.sf = cls.env["wechat.express.company"].search([("code", "=", "SF")])
        cls.carrier = cls.env["delivery.carrier"].create({
            "name": "SF Express",
            "product_id": cls.env["product.product"].create({"name": "SF shipping", "type": "service"}).id,
            "wechat_express_company_id": cls.sf.id,
        })
        cls.tea = cls._product("Longjing tea", "TEA-001")
        cls.cup = cls._product("Celadon cup", "CUP-002")
        cls.customer = cls.env["res.partner"].create({"name": "李雷", "phone": CUSTOMER_PHONE})
        cls.Upload = cls.env["wechat.shipping.upload"]

    @classmethod
    def _configure(cls, company):
        company.write({
            "wechat_appid": APPID,
            "wechat_app_secret": SECRET,
            "wechat_api_base_url": cls.sandbox_url,
            "wechat_consignor_phone": CONSIGNOR_PHONE,
            "wechat_auto_upload": True,
        })

    @classmethod
    def _product(cls, name, code, company=None):
        return cls.env["product.product"].create({
            "name": name, "default_code": code, "type": "consu", "is_storable": True,
            "company_id": company.id if company else False,
        })

    def setUp(self):
        super().setUp()
        self.wechat.reset()
        tokens.clear_cache()

    # ----------------------------------------------------------------- orders

    _numbers = iter(range(100000, 999999))

    def _order(self, lines, company=None, combined=None, **key):
        """A confirmed sale order shipped by SF with a WeChat merchant order key."""
        company = company or self.company
        number = next(self._numbers)
        vals = {
            "partner_id": self.customer.id,
            "company_id": company.id,
            "carrier_id": self.carrier.id,
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": "1230000109",
            "wechat_out_trade_no": f"WX{number}",
            "wechat_payer_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            "order_line": [(0, 0, {"product_id": p.id, "product_uom_qty": qty}) for p, qty in lines],
        }
        if combined:
            vals["wechat_combined_order_id"] = combined.id
        vals.update(key)
        order = self.env["sale.order"].with_company(company).create(vals)
        order.action_confirm()
        return order

    def _combined(self, **vals):
        number = next(self._numbers)
        return self.env["wechat.combined.order"].create({
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": "1230000109",
            "wechat_out_trade_no": f"CB{number}",
            "wechat_payer_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
            **vals,
        })

    def _ship(self, picking, tracking, quantities=None, packages=None):
        """Validate `picking` with a tracking reference; `quantities` leaves a backorder.

        `packages` is a list of product lists, one package per list."""
        picking.carrier_tracking_ref = tracking
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.picked = True
        for products in packages or []:
            package = self.env["stock.quant.package"].create({})
            picking.move_line_ids.filtered(lambda l: l.product_id in products).result_package_id = package
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = Form(self.env["stock.backorder.confirmation"].with_context(result["context"])).save()
            wizard.process()
        self.assertEqual(picking.state, "done")
        return picking.backorder_ids

    def _run_cron(self):
        """One run of the upload job as the scheduler makes it (no commits inside a test)."""
        self.Upload._cron_send_due(auto_commit=False)

    def _make_due(self, uploads):
        """Skip the backoff wait, as time passing would."""
        uploads.sudo().write({"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)})

    # ----------------------------------------------------------------- sandbox

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
