from wechat_protocol import catalogue, payload

from odoo import api, fields, models
from odoo.exceptions import UserError

from .field_labels import field_labels
from .wechat_order_key_mixin import WECHAT_USERS, notification, unix_from_moment
from .wechat_shipping_upload import STATES as UPLOAD_STATES
from .wechat_upload_payload import DELIVERY_CODES

# What a delivery shows of WeChat: before it is done, only that it has not shipped (the
# order's shopping details are the order's, not this parcel's); once done, its shipping.
NOT_SHIPPED = "not_shipped"
PICKING_STATES = [(NOT_SHIPPED, "Not Shipped Yet"), *UPLOAD_STATES]


class StockPicking(models.Model):
    _inherit = "stock.picking"

    wechat_delivery = fields.Boolean(
        compute="_compute_wechat_delivery",
        string="WeChat Delivery",
        groups=WECHAT_USERS,
        help="An outgoing delivery of a sale order WeChat knows (a WeChat order key, "
        "or a combined order).",
    )
    wechat_upload_id = fields.Many2one(
        "wechat.shipping.upload",
        compute="_compute_wechat_upload",
        compute_sudo=True,
        string="WeChat Upload",
        groups=WECHAT_USERS,
    )
    wechat_upload_state = fields.Selection(
        PICKING_STATES,
        compute="_compute_wechat_upload",
        compute_sudo=True,
        string="WeChat",
        groups=WECHAT_USERS,
        help="Not shipped yet: the delivery is not done, nothing of it goes to WeChat "
        "yet. Once it is done: where its shipping's upload stands.",
    )
    wechat_upload_reason = fields.Text(
        compute="_compute_wechat_upload",
        compute_sudo=True,
        string="WeChat Reason",
        groups=WECHAT_USERS,
    )
    wechat_received_at = fields.Datetime(
        "Signed For On",
        copy=False,
        groups=WECHAT_USERS,
        help="When the carrier says the parcel was signed for. Set here (by hand or "
        "by a carrier integration), WeChat reminds the buyer to confirm receipt, which "
        "brings the settlement of the funds forward (express orders, once per order).",
    )

    @api.depends("picking_type_code", "sale_id")
    def _compute_wechat_delivery(self):
        for picking in self:
            picking.wechat_delivery = bool(picking._wechat_is_wechat_delivery())

    @api.depends(
        "state",
        "picking_type_code",
        "sale_id.wechat_upload_ids.state",
        "sale_id.wechat_upload_ids.problems",
        "sale_id.wechat_combined_order_id.upload_ids.state",
        "sale_id.wechat_combined_order_id.upload_ids.problems",
    )
    @api.depends_context("lang")
    def _compute_wechat_upload(self):
        """The most pressing upload of this delivery's shipping, its state, and why
        WeChat lacks it; "not shipped yet" for a WeChat delivery still to be done."""
        for picking in self:
            uploads = picking._wechat_shipping_uploads()
            state = uploads[:1].state
            if picking._wechat_is_wechat_delivery() and picking.state not in (
                "done",
                "cancel",
            ):
                state = NOT_SHIPPED
            picking.wechat_upload_id = uploads[:1]
            picking.wechat_upload_state = state
            picking.wechat_upload_reason = uploads._wechat_reasons()

    def _wechat_shipping_uploads(self):
        """The uploads that carry this done delivery's shipping, the most pressing
        first: its order's shipping, and the shopping details it waits for (those WeChat
        holds are the order's business). None before the delivery is done."""
        self.ensure_one()
        if self.state != "done" or not self._wechat_is_wechat_delivery():
            return self.env["wechat.shipping.upload"]
        return self.sale_id._wechat_uploads()._without_accepted_details()

    def write(self, vals):
        res = super().write(vals)
        if vals.get("wechat_received_at") and not self.env.context.get(
            "wechat_remind_after_write"
        ):
            # A carrier integration reporting the parcel delivered reminds the buyer at
            # once; how it went is told in the delivery's chatter, as no one is there to
            # read a notification.
            for picking in self.filtered(lambda p: p.state == "done"):
                # Worded for the order's salesperson, whom it concerns: a posted line
                # has one language.
                reader = picking.sale_id.user_id or picking.user_id
                for line in picking.with_context(
                    lang=reader.lang or self.env.lang
                )._wechat_remind_receipt():
                    picking.message_post(body=line)
        if {"carrier_tracking_ref", "carrier_id"} & vals.keys():
            # A corrected tracking number must reach WeChat as an update.
            self.filtered(lambda p: p.state == "done")._wechat_queue_uploads()
        return res

    def action_wechat_upload_now(self):
        """Send the WeChat orders of these deliveries now, and say how it went."""
        return (
            self._wechat_uploads_of_user()
            ._without_accepted_details()
            .action_upload_now()
        )

    def action_wechat_retry(self):
        """Send the WeChat orders of these deliveries again now, and say how it
        went."""
        return (
            self._wechat_uploads_of_user(create=False)
            ._without_accepted_details()
            .action_retry()
        )

    def action_wechat_remind_receipt(self):
        """Remind the buyer to confirm receipt (WeChat's notify_confirm_receive),
        now."""
        self.check_access("write")
        self.env["wechat.shipping.upload"].check_access("read")
        now = fields.Datetime.now()
        self.filtered(lambda p: not p.wechat_received_at).sudo().with_context(
            wechat_remind_after_write=True
        ).write({"wechat_received_at": now})
        lines = self._wechat_remind_receipt()
        return notification(
            self.env._("WeChat receipt reminder"),
            lines or [self.env._("Nothing to remind.")],
        )

    def action_view_wechat_upload(self):
        """The uploads of this delivery's shipping once it is done; before, those of
        its order (what WeChat has of the order so far)."""
        uploads = self._wechat_uploads_of_user(create=False)
        shipping = self.env["wechat.shipping.upload"]
        for picking in self.sudo():
            shipping |= picking._wechat_shipping_uploads()
        return ((uploads & shipping) or uploads)._action_open()

    def _wechat_uploads_of_user(self, create=True):
        """The uploads of these deliveries' sale orders, for a person's action on
        them."""
        self.check_access("read")
        return self.env["wechat.shipping.upload"]._for_orders_of_user(
            self.sale_id, create=create
        )

    def _action_done(self):
        res = super()._action_done()
        self._wechat_queue_uploads()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        # A backorder cancelled after the rest shipped completes the order: WeChat
        # learns it (is_all_delivered, and a same-city or pickup order waiting for it
        # goes now).
        self.filtered(
            lambda p: p.sale_id._wechat_done_deliveries()
        )._wechat_queue_uploads()
        return res

    def _check_carrier_details_compliance(self):
        """In strict mode, refuse a delivery whose WeChat upload would be refused."""
        res = super()._check_carrier_details_compliance()
        strict = self.filtered(
            lambda p: p.company_id.sudo().wechat_strict_mode
            and p._wechat_is_wechat_delivery()
        )
        if strict:
            # Built as the job builds it, whoever validates (it reads WeChat fields of
            # the order).
            uploads = (
                self.env["wechat.shipping.upload"]
                ._for_orders(strict.sale_id)
                .sudo()
                ._without_accepted_details()
            )
            reasons = uploads._check_payloads()
            if reasons:
                raise UserError(
                    self.env._(
                        "WeChat would refuse this shipping information:\n%s", reasons
                    )
                )
        return res

    def _wechat_is_wechat_delivery(self):
        """An outgoing delivery of a sale order WeChat knows."""
        self.ensure_one()
        return (
            self.picking_type_code in DELIVERY_CODES
            and self.sale_id
            and self.sale_id.sudo()._wechat_is_wechat_order()
        )

    def _wechat_queue_uploads(self):
        """Queue the WeChat orders of these deliveries; the cron sends them, never this
        transaction."""
        deliveries = self.filtered(
            lambda p: p.company_id.sudo().wechat_auto_upload
            and p._wechat_is_wechat_delivery()
        )
        if deliveries:
            self.env["wechat.shipping.upload"]._for_orders(
                deliveries.sale_id
            )._without_accepted_details()._request_upload()

    def _wechat_parcels(self):
        """(tracking number, the move lines it carries, label) for each parcel."""
        self.ensure_one()
        numbers = [
            n.strip() for n in (self.carrier_tracking_ref or "").split(",") if n.strip()
        ] or [""]
        lines = self._wechat_shipped_lines()
        packages = lines.result_package_id
        if 1 < len(numbers) == len(packages) and all(lines.mapped("result_package_id")):
            # stock_delivery appends one tracking number per package, in package order.
            lines_by_package = lines.grouped("result_package_id")
            return [
                (number, lines_by_package[package], f"{self.name} / {package.name}")
                for number, package in zip(numbers, packages.sorted("id"), strict=True)
            ]
        return [(number, lines, self.name) for number in numbers]

    def _wechat_shipped_lines(self):
        """The move lines of these deliveries that carry a quantity, keeping the
        prefetch of all their lines (their products are then read together with the
        other deliveries')."""
        lines = self.move_line_ids
        return lines.filtered("quantity").with_prefetch(lines._prefetch_ids)

    def _wechat_items(self, move_lines):
        """Distinct (merchant item id, product) of the products in these move lines."""
        return [
            (p._wechat_merchant_item_id(self.company_id), p)
            for p in move_lines.product_id
        ]

    @api.model
    def _wechat_quantities(self, move_lines, lang):
        """(name in `lang`, quantity) of each product in these move lines, for a
        parcel's words."""
        totals = {}
        for line in move_lines:
            totals[line.product_id] = totals.get(line.product_id, 0) + line.quantity
        return [
            (
                product.with_context(
                    lang=lang, display_default_code=False
                ).display_name,
                quantity,
            )
            for product, quantity in totals.items()
        ]

    def _wechat_contact(self):
        """Masked contacts of this delivery, and the phones that could not be masked."""
        self.ensure_one()
        return payload.Contact.mask(
            self.company_id.wechat_consignor_phone,
            self.partner_id.mobile or self.partner_id.phone,
        )

    def _wechat_remind_receipt(self):
        """notify_confirm_receive for the WeChat orders of these done deliveries, once
        per order; one line per order saying how it went, in the user's language."""
        lang = self.env.lang or "en_US"
        lines = []
        for picking in self.sudo().filtered(
            lambda p: p._wechat_is_wechat_delivery() and p.wechat_received_at
        ):
            order = picking.sale_id
            if (
                order.wechat_receipt_reminded_at
                or "order_shipping" not in order.company_id._wechat_family_names()
            ):
                continue
            client, error = order.company_id._wechat_sender()
            if error:
                lines.append(f"{order.name}: {error._translate(lang)}")
                continue
            result = client.notify_confirm_receive(
                order._wechat_order_key(), unix_from_moment(picking.wechat_received_at)
            )
            if result.accepted or result.errcode == catalogue.REMINDER_USED:
                order.wechat_receipt_reminded_at = fields.Datetime.now()
                lines.append(
                    self.env._(
                        "%s: WeChat reminded the buyer to confirm receipt.", order.name
                    )
                )
            else:
                reason = result.describe(lang, field_labels(self.env))
                lines.append(f"{order.name}: {reason}")
        return lines
