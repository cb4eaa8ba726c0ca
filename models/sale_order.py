from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..wechat_protocol import payload
from .wechat_order_key_mixin import WECHAT_USERS
from .wechat_shipping_upload import STATES as UPLOAD_STATES


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "wechat.order.key.mixin"]

    wechat_combined_order_id = fields.Many2one(
        "wechat.combined.order",
        string="WeChat Combined Order",
        copy=False,
        index="btree_not_null",
        check_company=True,
        groups=WECHAT_USERS,
        help="The combined payment (合单支付) this order is a sub-order of; WeChat then receives "
        "its shipping information together with the other sub-orders.",
    )
    wechat_upload_ids = fields.One2many(
        "wechat.shipping.upload", "sale_order_id", string="WeChat Uploads", readonly=True,
        groups=WECHAT_USERS,
    )
    wechat_upload_id = fields.Many2one(
        "wechat.shipping.upload", compute="_compute_wechat_upload", string="WeChat Upload",
        groups=WECHAT_USERS,
    )
    wechat_upload_state = fields.Selection(
        UPLOAD_STATES,
        compute="_compute_wechat_upload", string="WeChat Upload State", groups=WECHAT_USERS,
    )

    @api.depends("wechat_upload_ids.state", "wechat_combined_order_id.upload_ids.state")
    def _compute_wechat_upload(self):
        for order in self:
            order.wechat_upload_id = (
                order.wechat_combined_order_id.upload_ids or order.wechat_upload_ids
            )[:1]
            order.wechat_upload_state = order.wechat_upload_id.state

    @api.constrains("wechat_combined_order_id", "wechat_order_number_type")
    def _check_wechat_combined_number_type(self):
        """Sub-orders are keyed like their combined order (WeChat's 268485253)."""
        for order in self.filtered("wechat_combined_order_id"):
            combined = order.wechat_combined_order_id
            if order.wechat_order_number_type != combined.wechat_order_number_type:
                raise ValidationError(_(
                    "Sale order %(order)s uses another WeChat order number type than combined "
                    "order %(combined)s; WeChat needs the same type for the main order and "
                    "every sub-order.",
                    order=order.name, combined=combined.name,
                ))

    def action_wechat_upload_now(self):
        """Send the WeChat orders of these sale orders now."""
        return self.env["wechat.shipping.upload"]._for_orders_of_user(self).action_upload_now()

    def action_wechat_retry(self):
        """Queue the WeChat orders of these sale orders again at once."""
        self.env["wechat.shipping.upload"]._for_orders_of_user(self, create=False).action_retry()

    def action_view_wechat_uploads(self):
        """The uploads that carry these orders."""
        uploads = self.env["wechat.shipping.upload"]._for_orders_of_user(self, create=False)
        return uploads._action_open()

    def _wechat_is_wechat_order(self):
        """Whether WeChat knows this order: it has a key or belongs to a combined order."""
        self.ensure_one()
        return bool(self.wechat_order_number_type or self.wechat_combined_order_id)

    def _wechat_done_deliveries(self):
        """Outgoing deliveries already shipped, oldest first; cancelled ones never count."""
        return self.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        ).sorted(lambda p: (p.date_done, p.id))

    def _wechat_order_shipping(self, path, report):
        """This order's shipping entries, labelling each wire path with the record behind it."""
        self.ensure_one()
        prefix = f"{path}." if path else ""
        report.label(path, self.name)
        shipments = []
        for picking in self._wechat_done_deliveries():
            contact, contact_problems = picking._wechat_contact()
            express_company = picking.carrier_id.wechat_express_company_code or ""
            for tracking_no, items, label in picking._wechat_parcels():
                parcel_path = f"{prefix}shipping_list[{len(shipments)}]"
                report.label(parcel_path, label)
                for index, (_item_id, product) in enumerate(items):
                    report.label(
                        f"{parcel_path}.item_list[{index}]",
                        lambda label=label, product=product: f"{label} / {product.display_name}",
                    )
                for field, error in contact_problems:
                    report.contact_problem(f"{parcel_path}.contact.{field}", error)
                shipments.append(payload.Shipment(
                    tracking_no=tracking_no,
                    express_company=express_company,
                    merchant_item_ids=tuple(item_id for item_id, _name in items),
                    contact=contact,
                ))
        return payload.OrderShipping(self._wechat_order_key(), tuple(shipments))
