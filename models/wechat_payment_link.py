from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .wechat_order_key_mixin import notification
from .wechat_reconciliation_line import NOT_SHIPPED, UNKNOWN


class WechatPaymentLink(models.TransientModel):
    """A person's link of a payment Odoo has no order of (a reconciliation line) to the
    order it pays: the order takes the WeChat key and payer WeChat gives of it."""

    _name = "wechat.payment.link"
    _description = "Link a WeChat Pay payment to an order"

    line_id = fields.Many2one(
        "wechat.reconciliation.line",
        string="Payment",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="line_id.company_id")
    merchant_trade_no = fields.Char(related="line_id.merchant_trade_no")
    transaction_id = fields.Char(related="line_id.transaction_id")
    paid_amount = fields.Float(related="line_id.paid_amount")
    reason = fields.Text(related="line_id.reason")
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        required=True,
        domain="[('company_id', '=', company_id), ('state', '!=', 'cancel'), "
        "('wechat_order_number_type', '=', False), "
        "('wechat_combined_order_id', '=', False)]",
        help="The quotation or order this payment pays; one that has a WeChat key "
        "already is refused.",
    )

    @api.model
    def _check_may_link(self):
        """Refuse a user who may not give sale orders their WeChat keys."""
        if not self.env["sale.order"].has_access("write"):
            raise AccessError(
                self.env._(
                    "You may not change sale orders: a salesperson links a payment "
                    "to its order."
                )
            )

    def action_link(self):
        """Give the chosen order the payment's WeChat key and payer, then ask WeChat
        again about the payment; refused for an order of another company or one keyed
        otherwise."""
        self.ensure_one()
        self._check_may_link()
        line, order = self.line_id, self.sale_order_id
        if line.kind != UNKNOWN or line.sale_order_id or line.combined_order_id:
            raise UserError(
                self.env._(
                    "Odoo already has an order of payment %s.", line.display_name
                )
            )
        if order.company_id != line.company_id:
            raise UserError(
                self.env._(
                    "%(order)s belongs to %(company)s, the payment to %(other)s: a "
                    "payment pays an order of its own company.",
                    order=order.display_name,
                    company=order.company_id.name,
                    other=line.company_id.name,
                )
            )
        if order.sudo()._wechat_is_wechat_order():
            raise UserError(
                self.env._(
                    "%s already has a WeChat key: a WeChat Pay payment belongs to one "
                    "order. Clear its key on its WeChat tab first if it is wrong.",
                    order.display_name,
                )
            )
        order.check_access("write")
        payment = line.display_name
        self.env["wechat.payment.matcher"]._wechat_give_key(
            order, line._wechat_order(), "manual"
        )
        # Until WeChat is asked again: the order is known now and nothing shipped.
        line.sudo().write({"sale_order_id": order.id, "kind": NOT_SHIPPED})
        line._follow_wechat()
        action = notification(
            self.env._("WeChat Pay payment linked"),
            [
                self.env._(
                    "%(order)s now has the WeChat key of payment %(payment)s.",
                    order=order.display_name,
                    payment=payment,
                )
            ],
            kind="success",
        )
        action["params"]["next"] = line._list_action()
        return action
