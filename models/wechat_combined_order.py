from wechat_protocol import report

from odoo import api, fields, models
from odoo.exceptions import ValidationError

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

    # company_id: always set, so that a combined order created with neither key nor
    # payer is checked too (a constraint runs for the fields a create sets).
    @api.constrains("company_id", "wechat_order_number_type", "wechat_payer_openid")
    def _check_wechat_main_key(self):
        """WeChat's combined calls name the main order and its payer: neither may be
        missing (the key's numbers are checked with the key:
        _check_wechat_order_key)."""
        for combined in self:
            if combined.wechat_order_number_type and combined.wechat_payer_openid:
                continue
            names = ["wechat_order_number_type", "wechat_payer_openid"]
            raise ValidationError(
                self.env._(
                    "%(record)s: a combined order needs its main order key "
                    "(%(type)s and its numbers) and its %(payer)s: WeChat's "
                    "combined calls cannot go without them.",
                    record=report.shorten(combined.name or "", report.MAX_LABEL_CHARS),
                    type=self._fields[names[0]]._description_string(self.env),
                    payer=self._fields[names[1]]._description_string(self.env),
                )
            )

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
