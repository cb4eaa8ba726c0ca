import time

from wechat_protocol import client as wechat_client
from wechat_protocol import order_shipping_record, push

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .field_labels import field_labels
from .wechat_order_key_mixin import moment_from_unix, notification
from .wechat_upload_payload import SHOPPING_DETAILS

UNKNOWN = "unknown"
NOT_SHIPPED = "not_shipped"
NOT_IN_WECHAT = "not_in_wechat"
PARTLY_SHIPPED = "partly_shipped"
# In this order the list's groups come, the ones to act on first.
KINDS = [
    (UNKNOWN, "Unknown to Odoo"),
    (NOT_SHIPPED, "Not shipped in Odoo"),
    (NOT_IN_WECHAT, "Shipped in Odoo, not in WeChat"),
    (PARTLY_SHIPPED, "Partly shipped, rest to come"),
]
# How far back a reconciliation looks (WeChat holds unshipped funds for months; a month
# covers what a warehouse can still act on).
DAYS_BACK = 30
AWAITING_SHIPMENT = 1


def held_tracking_numbers(wechat_order):
    """The tracking numbers of the parcels WeChat holds of a payment (an order of
    get_order or get_order_list), read as the upload job reads WeChat's records."""
    held = order_shipping_record.record_as_wire(wechat_order, {})
    parcels = held["shipping_list"] if held else []
    return {parcel["tracking_no"] for parcel in parcels if "tracking_no" in parcel}


class WechatReconciliationLine(models.Model):
    """A payment WeChat holds as awaiting shipment: what Odoo has of it, what is wrong
    and the action that fixes it. The lines of a company are replaced by each
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
    payer_openid = fields.Char(
        "Payer OpenID",
        readonly=True,
        help="The buyer's OpenID in the Mini Program, as WeChat gives it with the "
        "payment.",
    )
    reason = fields.Text(
        "Why Not Linked",
        readonly=True,
        help="Why this payment gave no order its WeChat key by itself (Match WeChat "
        "Pay Payments By), in the language of whoever reconciled.",
    )
    what_to_do = fields.Text(compute="_compute_what_to_do")

    @api.depends("merchant_trade_no", "transaction_id")
    def _compute_display_name(self):
        """The payment by the number the merchant's own systems know it by."""
        for line in self:
            line.display_name = line.merchant_trade_no or line.transaction_id or ""

    @api.depends("kind")
    @api.depends_context("lang")
    def _compute_what_to_do(self):
        texts = self._what_to_do_texts()
        for line in self:
            line.what_to_do = texts.get(line.kind, "")

    def _what_to_do_texts(self):
        """What fixes each kind of line, in the reader's language."""
        return {
            UNKNOWN: self.env._(
                "Find the Odoo order of this payment and Link to an order, or give "
                "it this transaction id or merchant order number (its WeChat tab), "
                "or import it."
            ),
            NOT_SHIPPED: self.env._(
                "Ship the order: WeChat holds its funds until its shipping is uploaded."
            ),
            NOT_IN_WECHAT: self.env._(
                "Upload to WeChat now; if it fails, the upload's reason says why."
            ),
            PARTLY_SHIPPED: self.env._(
                "Nothing is missing in WeChat: it holds what Odoo has to tell of "
                "this order so far. Ship the rest (the order's open delivery); "
                "WeChat releases the funds once the whole shipping is uploaded."
            ),
        }

    # ------------------------------------------------------------------ actions

    def action_reconcile(self):
        """Ask WeChat (get_order_list) which payments of the last days await shipment
        and list them with what Odoo has of each, replacing this company's earlier
        lines. A list-header button: the web client passes the selected lines, or none;
        either way the whole company is reconciled."""
        self.env["wechat.shipping.upload"].check_access("read")
        company = self.env.company
        client = self._client(company)
        now = int(time.time())
        try:
            orders = client.order_list(
                now - DAYS_BACK * 86400, now, order_state=AWAITING_SHIPMENT
            )
        except wechat_client.WeChatCallError as failure:
            raise UserError(
                failure.result.describe(
                    self.env.lang or "en_US", field_labels(self.env)
                )
            ) from None
        reasons = {
            id(order): reason
            for order, reason in self.env["wechat.payment.matcher"]._wechat_link(
                company, orders
            )
        }
        lines = self.sudo()
        lines.search([("company_id", "=", company.id)]).unlink()
        lines.create(
            [
                {
                    **lines._values_of(company, client, order),
                    "reason": reasons.get(id(order), False),
                }
                for order in orders
            ]
        )
        return self._list_action()

    def action_link_order(self):
        """Choose the order of a payment Odoo has none of: it takes the WeChat key and
        payer WeChat gives of the payment (a small dialog, wechat.payment.link)."""
        self.ensure_one()
        if self.kind != UNKNOWN or self.sale_order_id or self.combined_order_id:
            raise UserError(
                self.env._(
                    "Odoo already has an order of this payment: Open order shows it."
                )
            )
        self.env["wechat.payment.link"]._check_may_link()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to an order"),
            "res_model": "wechat.payment.link",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def action_open_order(self):
        """The line's order (its combined order for a combined payment) as the user may
        see it: its form, else its WeChat uploads (which a WeChat Shipping user without
        sales or stock rights reads); refused when the user may see neither."""
        self.ensure_one()
        record = self._target()
        if record.has_access("read"):
            return {
                "type": "ir.actions.act_window",
                "res_model": record._name,
                "res_id": record.id,
                "views": [(False, "form")],
            }
        Upload = self.env["wechat.shipping.upload"]
        uploads = (
            Upload._for_orders(self._odoo_orders(), create=False)._filtered_access(
                "read"
            )
            if Upload.has_access("read")
            else Upload
        )
        if uploads:
            return uploads._action_open()
        raise self._unreadable(record)

    def action_upload_now(self):
        """Send the shipping of this line's orders now (their Upload to WeChat now),
        then ask WeChat again about the payment: the line follows what WeChat holds now
        (it goes once WeChat no longer awaits the shipment), and the notification says
        what was sent and what WeChat awaits, or why the upload did not go."""
        self.ensure_one()
        target = self._target()
        orders = self._odoo_orders()
        for records in (target, orders.with_env(self.env)):
            if unreadable := records - records._filtered_access("read"):
                raise self._unreadable(unreadable[:1])
        if self.kind == NOT_SHIPPED:
            # Uploading an order nothing of which shipped only parks it in Needs
            # Attention.
            raise UserError(self.env._("Nothing to upload yet: %s", self.what_to_do))
        Upload = self.env["wechat.shipping.upload"].sudo()
        uploads = Upload._for_orders(orders, create=False)
        before = {upload.id: upload.upload_time for upload in uploads}
        answer = target.action_wechat_upload_now()
        uploads = Upload._for_orders(orders, create=False)
        if uploads.filtered(
            lambda u: u.family != SHOPPING_DETAILS and u.state != "sent"
        ):
            # Not accepted: the upload's own notification gives each state and reason.
            return answer
        sent = any(u.upload_time != before.get(u.id) for u in uploads)
        return self._after_upload_now(target.sudo().display_name, sent)

    # ----------------------------------------------------------------- business methods

    def _target(self):
        """The order an action on this line acts on: the combined order of a combined
        payment, else the sale order; refused on a payment Odoo has no order of."""
        record = self.combined_order_id or self.sale_order_id
        if not record:
            raise UserError(
                self.env._(
                    "Odoo has no order of this payment. %s",
                    self._what_to_do_texts()[UNKNOWN],
                )
            )
        return record

    def _unreadable(self, record):
        """The refusal of an action on an order the user may not read."""
        return AccessError(
            self.env._(
                "You may not read order %s: a salesperson or a warehouse user can "
                "open it.",
                record.sudo().display_name,
            )
        )

    def _odoo_orders(self):
        """The sale orders of this line's payment (a combined payment's sub-orders),
        cancelled ones left out."""
        line = self.sudo()
        orders = line.sale_order_id | line.combined_order_id.sale_order_ids
        return orders.filtered(lambda order: order.state != "cancel")

    def _after_upload_now(self, order_name, sent):
        """The notification of an Upload now WeChat accepted (`sent`: something went
        out), once WeChat was asked again about the payment; the list or form behind
        it is reloaded (the line may be gone)."""
        title = (
            self.env._("WeChat accepted the shipping of %s", order_name)
            if sent
            else self.env._("Nothing was sent to WeChat for %s", order_name)
        )
        lines = (
            []
            if sent
            else [self.env._("WeChat already holds the shipping Odoo has of it.")]
        )
        problem = self._follow_wechat()
        if problem:
            lines.append(
                self.env._(
                    "WeChat could not be asked whether it still awaits the "
                    "shipment (%s); reconcile again later.",
                    problem,
                )
            )
        elif not self.exists():
            lines.append(
                self.env._(
                    "WeChat no longer awaits the shipment of this payment: the line "
                    "is removed."
                )
            )
        else:
            kinds = dict(self._fields["kind"]._description_selection(self.env))
            lines.append(
                self.env._(
                    "WeChat still awaits the shipment of this payment (%(kind)s): "
                    "%(what_to_do)s",
                    kind=kinds[self.kind],
                    what_to_do=self.what_to_do,
                )
            )
        resolved = not problem and not self.exists()
        action = notification(title, lines, kind="success" if resolved else "warning")
        action["params"]["next"] = (
            self._list_action() if resolved else {"type": "ir.actions.act_window_close"}
        )
        return action

    def _list_action(self):
        """The reconciliation list, read anew in place of the screen it is opened
        from (no breadcrumb to a list of lines just replaced)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wechat_shipping.wechat_reconciliation_line_action"
        )
        return action | {"target": "main"}

    def _follow_wechat(self):
        """Ask WeChat (get_order) about this line's payment and follow its answer: the
        line takes the kind it now has, or goes when WeChat no longer awaits its
        shipment. Why WeChat could not be asked, else None."""
        lang = self.env.lang or "en_US"
        company = self.company_id.sudo()
        client, error = company._wechat_sender()
        if error:
            return error._translate(lang)
        result = client.get_order(wechat_client.payment_key(self._wechat_order()))
        if not result.accepted:
            return result.describe(lang, field_labels(self.env))
        order = result.data.get("order")
        order = order if isinstance(order, dict) else {}
        line = self.sudo()
        if order.get("order_state") == AWAITING_SHIPMENT:
            line.write(line._values_of(company, client, order))
        else:
            line.unlink()
        return None

    def _wechat_order(self):
        """The payment as WeChat's order list gave it, from what the line keeps."""
        self.ensure_one()
        return {
            "transaction_id": self.transaction_id or "",
            "merchant_id": self.mchid or "",
            "sub_merchant_id": self.sub_mchid or "",
            "merchant_trade_no": self.merchant_trade_no or "",
            "openid": self.payer_openid or "",
            "paid_amount": round(self.paid_amount * 100),
            "order_state": AWAITING_SHIPMENT,
        }

    def _client(self, company):
        """The company's WeChat client; refused, with the reason, when it cannot
        call."""
        client, error = company._wechat_sender()
        if error:
            raise UserError(error._translate(self.env.lang or "en_US"))
        return client

    @api.model
    def _values_of(self, company, client, order):
        """The line of a payment WeChat holds as awaiting shipment (`order`: an order of
        get_order_list or get_order)."""
        SaleOrder = self.env["sale.order"]
        sale_orders, combined = SaleOrder._wechat_orders_of_payment(company, order) or (
            SaleOrder,
            self.env["wechat.combined.order"],
        )
        sale_orders = sale_orders.filtered(lambda o: o.state != "cancel")
        ids = push.payment_ids(order)
        amount = order.get("paid_amount")
        return {
            "company_id": company.id,
            "kind": self._kind(client, order, sale_orders, combined),
            "transaction_id": ids["transaction_id"] or False,
            "mchid": ids["merchant_id"] or False,
            "sub_mchid": ids["sub_merchant_id"] or False,
            "merchant_trade_no": ids["merchant_trade_no"] or False,
            "payer_openid": order.get("openid")
            if isinstance(order.get("openid"), str)
            else False,
            "paid_at": moment_from_unix(order.get("pay_time")) or False,
            "paid_amount": amount / 100 if isinstance(amount, int) else 0,
            "sale_order_id": sale_orders[:1].id,
            "combined_order_id": combined[:1].id,
        }

    @api.model
    def _kind(self, client, order, sale_orders, combined):
        """What is wrong with a payment WeChat awaits the shipment of (`order`, WeChat's
        record of it), whose Odoo orders are `sale_orders` or `combined`'s.

        Odoo shipped part of it: WeChat holds partial shipping (is_all_delivered false
        keeps it awaiting shipment), so nothing is missing when WeChat holds every
        parcel Odoo has uploaded so far, or nothing is due yet (same-city and pickup
        orders go in one piece once their last delivery is done)."""
        if not (sale_orders or combined):
            return UNKNOWN
        orders = (sale_orders | combined.sale_order_ids).filtered(
            lambda o: o.state != "cancel"
        )
        shipped = orders.filtered(
            lambda o: o._wechat_done_deliveries() or o._wechat_is_virtual()
        )
        if not shipped:
            return NOT_SHIPPED
        if all(o._wechat_all_delivered() for o in orders):
            return NOT_IN_WECHAT
        due = shipped.filtered(lambda o: o._wechat_waiting_reason() is None)
        uploaded = {
            number
            for picking in due._wechat_done_deliveries()
            for number, _lines, _label in picking._wechat_parcels()
        }
        held = held_tracking_numbers(order)
        if not uploaded <= held and not sale_orders:
            # WeChat keeps a combined payment's shipping on its sub-orders' payments.
            held |= self._held_by_sub_orders(client, combined)
        return PARTLY_SHIPPED if uploaded <= held else NOT_IN_WECHAT

    @api.model
    def _held_by_sub_orders(self, client, combined):
        """The tracking numbers WeChat holds of the sub-orders of a combined payment
        (get_order of each; one WeChat does not answer counts as holding none)."""
        held = set()
        for order in combined.sale_order_ids:
            result = client.get_order(order._wechat_order_key())
            if result.accepted:
                held |= held_tracking_numbers(result.data.get("order"))
        return held
