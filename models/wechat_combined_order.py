from odoo import api, fields, models

from .wechat_shipping_upload import STATE_URGENCY
from .wechat_shipping_upload import STATES as UPLOAD_STATES


class WechatCombinedOrder(models.Model):
    """A combined payment (合单支付): one main order key, one payer, several sale
    orders."""

    _name = "wechat.combined.order"
    _inherit = ["wechat.order.key.mixin", "mail.thread"]
    _description = "WeChat Combined Order"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, copy=False, default=lambda self: self.env._("New")
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    sale_order_ids = fields.One2many(
        "sale.order",
        "wechat_combined_order_id",
        string="Sub-orders",
        check_company=True,
    )
    upload_ids = fields.One2many(
        "wechat.shipping.upload", "combined_order_id", string="Uploads", readonly=True
    )
    upload_state = fields.Selection(
        UPLOAD_STATES, compute="_compute_upload_state", string="WeChat Upload"
    )

    @api.depends("upload_ids.state")
    def _compute_upload_state(self):
        """The most pressing state of the combined order's uploads (one per WeChat
        API)."""
        for combined in self:
            states = combined.upload_ids.mapped("state")
            combined.upload_state = (
                min(states, key=STATE_URGENCY.index) if states else False
            )

    @api.constrains("wechat_order_number_type", "sale_order_ids")
    def _check_sub_order_number_type(self):
        """WeChat refuses sub-orders keyed differently from the main order
        (268485253)."""
        self.sale_order_ids._check_wechat_combined_number_type()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = (
                    vals.get("wechat_out_trade_no")
                    or vals.get("wechat_transaction_id")
                    or self.env._("New")
                )
        return super().create(vals_list)

    def action_wechat_upload_now(self):
        """Send this combined order's shipping information now."""
        self.check_access("read")
        uploads = self.env["wechat.shipping.upload"]._for_orders_of_user(
            self.sale_order_ids
        )
        return uploads._without_accepted_details().action_upload_now()

    def action_wechat_verify_shopping_details(self):
        """Ask WeChat whether it holds this combined order's shopping details."""
        self.check_access("read")
        # rights first
        self.env["wechat.shipping.upload"]._for_orders_of_user(
            self.sale_order_ids, create=False
        )
        return self._wechat_verify_notification(self.sale_order_ids)
