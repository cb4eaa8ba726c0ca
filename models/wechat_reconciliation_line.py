import time

from wechat_protocol import client as wechat_client
from wechat_protocol import push

from odoo import api, fields, models
from odoo.exceptions import UserError

from .wechat_order_key_mixin import moment_from_unix

KINDS = [
    ("unknown", "Unknown to Odoo"),
    ("not_shipped", "Not shipped in Odoo"),
    ("not_in_wechat", "Shipped in Odoo, not in WeChat"),
]
# How far back a reconciliation looks (WeChat holds unshipped funds for months; a month
# covers what a warehouse can still act on).
DAYS_BACK = 30
AWAITING_SHIPMENT = 1


class WechatReconciliationLine(models.Model):
    """A payment WeChat holds as awaiting shipment that Odoo does not account for: what
    is wrong and the action that fixes it. The lines of a company are replaced by each
    reconciliation."""

    _name = "wechat.reconciliation.line"
    _description = "WeChat Reconciliation Line"
    _order = "paid_at desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    kind = fields.Selection(KINDS, required=True, readonly=True)
    transaction_id = fields.Char("WeChat Pay Transaction ID", readonly=True)
    mchid = fields.Char("WeChat Pay Merchant ID", readonly=True)
    sub_mchid = fields.Char(
        "WeChat Pay Sub-merchant ID",
        readonly=True,
        help="The sub-merchant of a payment made through a WeChat Pay service "
        "provider (服务商); empty for a direct merchant's payment.",
    )
    merchant_trade_no = fields.Char("Merchant Order Number", readonly=True)
    paid_at = fields.Datetime("Paid On", readonly=True)
    paid_amount = fields.Float("Paid (yuan)", readonly=True, digits=(16, 2))
    sale_order_id = fields.Many2one("sale.order", readonly=True, check_company=True)
    combined_order_id = fields.Many2one(
        "wechat.combined.order", readonly=True, check_company=True
    )
    what_to_do = fields.Char(compute="_compute_what_to_do")

    @api.depends("kind")
    def _compute_what_to_do(self):
        texts = {
            "unknown": self.env._(
                "Find the Odoo order of this payment and give it this transaction "
                "id or merchant order number (its WeChat tab), or import it."
            ),
            "not_shipped": self.env._(
                "Ship the order: WeChat holds its funds until its shipping is uploaded."
            ),
            "not_in_wechat": self.env._(
                "Upload to WeChat now; if it fails, the upload's reason says why."
            ),
        }
        for line in self:
            line.what_to_do = texts.get(line.kind, "")

    # ------------------------------------------------------------------ actions

    def action_reconcile(self):
        """Ask WeChat (get_order_list) which payments of the last days await shipment
        and list those Odoo does not account for, replacing this company's earlier
        lines. A list-header button: the web client passes the selected lines, or none;
        either way the whole company is reconciled."""
        self.env["wechat.shipping.upload"].check_access("read")
        company = self.env.company
        client, error = company._wechat_sender()
        if error:
            raise UserError(error._translate(self.env.lang or "en_US"))
        now = int(time.time())
        try:
            orders = client.order_list(
                now - DAYS_BACK * 86400, now, order_state=AWAITING_SHIPMENT
            )
        except wechat_client.WeChatCallError as failure:
            raise UserError(failure.result.describe(self.env.lang or "en_US")) from None
        lines = self.sudo()
        lines.search([("company_id", "=", company.id)]).unlink()
        lines.create([self._mismatch(company, order) for order in orders])
        return self.env["ir.actions.act_window"]._for_xml_id(
            "wechat_shipping.wechat_reconciliation_line_action"
        )

    def action_open_order(self):
        self.ensure_one()
        record = self.combined_order_id or self.sale_order_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
        }

    def action_upload_now(self):
        """Send the shipping of these lines' orders now."""
        orders = self.sale_order_id | self.combined_order_id.sale_order_ids
        return orders.action_wechat_upload_now()

    # ----------------------------------------------------------------- business methods

    @api.model
    def _mismatch(self, company, order):
        """The line of a payment WeChat holds as awaiting shipment: unknown to Odoo,
        known but not shipped, or shipped in Odoo without WeChat having it."""
        sale_orders, combined = self.env["sale.order"]._wechat_orders_of_payment(
            company, order
        )
        sale_orders = sale_orders.filtered(lambda o: o.state != "cancel")
        shipped = (sale_orders | combined.sale_order_ids).filtered(
            lambda o: o._wechat_done_deliveries()
        )
        if sale_orders or combined:
            kind = "not_in_wechat" if shipped else "not_shipped"
        else:
            kind = "unknown"
        ids = push.payment_ids(order)
        return {
            "company_id": company.id,
            "kind": kind,
            "transaction_id": ids["transaction_id"] or False,
            "mchid": ids["merchant_id"] or False,
            "sub_mchid": ids["sub_merchant_id"] or False,
            "merchant_trade_no": ids["merchant_trade_no"] or False,
            "paid_at": moment_from_unix(order.get("pay_time")) or False,
            "paid_amount": (order.get("paid_amount") or 0) / 100
            if isinstance(order.get("paid_amount"), int)
            else 0,
            "sale_order_id": sale_orders[:1].id,
            "combined_order_id": combined[:1].id,
        }
