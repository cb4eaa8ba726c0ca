import dataclasses

from wechat_protocol import catalogue, order_shipping, payload, shopping_details
from wechat_protocol.validation import Problem

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate, format_datetime

from . import wechat_state_sync
from .field_labels import field_labels
from .wechat_order_key_mixin import (
    FUNDS_HELD_STATES,
    KEY_FIELDS,
    WECHAT_USERS,
    notification,
    unix_from_moment,
)
from .wechat_shipping_upload import FAMILY_SHOWN, STATE_URGENCY
from .wechat_shipping_upload import STATES as UPLOAD_STATES
from .wechat_upload_payload import (
    DELIVERY_CODES,
    ORDER_SHIPPING,
    SHOPPING_DETAILS,
    WAITING_CANCELLED,
    WAITING_FIRST_DELIVERY,
    WAITING_LAST_DELIVERY,
)

_lt = LazyTranslate(__name__)
# Why an order's shopping details carry no page of the order, which WeChat requires
# (order_detail_jump_link): each names the setting to fix by a placeholder, filled in
# with its label on the settings screen when the reason is read (field_labels).
ORDER_PAGE_MISSING = _lt(
    "WeChat takes no shopping details without the page where the buyer sees the "
    "order: set [[order_page]] in Inventory > Configuration > Settings > WeChat "
    "Shipping, then Retry."
)
ORDER_PAGE_UNFILLED = _lt(
    "[[order_page]], filled in for this order, is longer than 512 bytes or holds "
    "characters a page path cannot: shorten it in Inventory > Configuration > "
    "Settings > WeChat Shipping, then Retry."
)
ORDER_PAGE_NO_APPID = _lt(
    "The order's page in the Mini Program needs the Mini Program's AppID: a system "
    "administrator sets [[appid]] in Inventory > Configuration > Settings > WeChat "
    "Shipping, then Retry."
)
# WeChat Pay counts money in fen of Chinese yuan (CNY): amounts in another currency are
# converted at the order's date, never sent as they are.
CNY_INACTIVE = _lt(
    "WeChat Pay counts in Chinese yuan (CNY), and this database has the currency CNY "
    "inactive or lacks it: activate CNY in Invoicing > Configuration > Accounting > "
    "Currencies, give it a rate, then Retry."
)
CNY_RATE_MISSING = _lt(
    "%(order)s is priced in %(currency)s and WeChat Pay counts in Chinese yuan (CNY), "
    "but %(company)s has no rate of %(missing)s on or before %(date)s: add one in "
    "Invoicing > Configuration > Accounting > Currencies, then Retry."
)
PRODUCT_PAGE_UNFILLED = _lt(
    "[[product_page]], filled in with this item's merchant item ID, is longer than "
    "512 bytes: shorten it in Inventory > Configuration > Settings > WeChat Shipping, "
    "then Retry."
)
LOGISTICS_TYPES = {
    "express": order_shipping.LogisticsType.EXPRESS,
    "same_city": order_shipping.LogisticsType.SAME_CITY,
    "pickup": order_shipping.LogisticsType.PICKUP,
}


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "wechat.order.key.mixin"]
    _wechat_paid_fallback = "date_order"

    wechat_combined_order_id = fields.Many2one(
        "wechat.combined.order",
        string="WeChat Combined Order",
        copy=False,
        index="btree_not_null",
        check_company=True,
        groups=WECHAT_USERS,
        help="The combined payment (合单支付) this order is a sub-order of; WeChat "
        "then receives its shipping information together with the other sub-orders.",
    )
    wechat_special_report = fields.Selection(
        [("pre_sale", "Pre-sale"), ("test", "Test payment")],
        "Reported to WeChat as",
        readonly=True,
        copy=False,
        groups=WECHAT_USERS,
        help="A special shipping report (opspecialorder): a pre-sale shipping by "
        "its delivery date (15 to 330 days after "
        "payment), or a test payment that will not ship.",
    )
    wechat_can_report_special = fields.Boolean(
        "WeChat Takes a Special Report",
        compute="_compute_wechat_can_report_special",
        compute_sudo=True,
        groups=WECHAT_USERS,
        help="A confirmed order whose payment WeChat holds awaiting shipment, nothing "
        "of it shipped and not reported yet: WeChat takes a pre-sale or test payment "
        "report of it.",
    )
    wechat_funds_held = fields.Boolean(
        "WeChat Holds the Funds",
        compute="_compute_wechat_held_amount",
        store=True,
        groups=WECHAT_USERS,
        help="WeChat still holds the payment of this order: it awaits shipment, or "
        "shipped and is not settled yet.",
    )
    wechat_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency", groups=WECHAT_USERS
    )
    wechat_held_amount = fields.Monetary(
        "Funds Held by WeChat",
        currency_field="wechat_company_currency_id",
        compute="_compute_wechat_held_amount",
        store=True,
        groups=WECHAT_USERS,
        help="The order's total in the company's currency while WeChat holds its "
        "payment; nothing once the funds are settled or refunded.",
    )
    wechat_receipt_reminded_at = fields.Datetime(
        "Buyer Reminded to Confirm Receipt",
        readonly=True,
        copy=False,
        groups=WECHAT_USERS,
        help="WeChat reminds a buyer once per order (notify_confirm_receive).",
    )
    wechat_upload_ids = fields.One2many(
        "wechat.shipping.upload",
        "sale_order_id",
        string="WeChat Uploads",
        readonly=True,
        groups=WECHAT_USERS,
    )
    wechat_upload_id = fields.Many2one(
        "wechat.shipping.upload",
        compute="_compute_wechat_upload",
        string="WeChat Upload",
        groups=WECHAT_USERS,
    )
    wechat_upload_state = fields.Selection(
        UPLOAD_STATES,
        compute="_compute_wechat_upload",
        string="WeChat Upload State",
        groups=WECHAT_USERS,
    )
    wechat_upload_reason = fields.Text(
        compute="_compute_wechat_upload",
        string="WeChat Reason",
        groups=WECHAT_USERS,
    )

    @api.depends(
        "wechat_upload_ids.state",
        "wechat_upload_ids.problems",
        "wechat_combined_order_id.upload_ids.state",
        "wechat_combined_order_id.upload_ids.problems",
    )
    @api.depends_context("lang")
    def _compute_wechat_upload(self):
        """The most pressing upload of the order, its state, and why WeChat lacks what
        they carry."""
        for order in self:
            uploads = order._wechat_uploads()
            order.wechat_upload_id = uploads[:1]
            order.wechat_upload_state = uploads[:1].state
            order.wechat_upload_reason = uploads._wechat_reasons()

    @api.depends(
        "state", "wechat_order_state", "wechat_special_report", "picking_ids.state"
    )
    def _compute_wechat_can_report_special(self):
        for order in self:
            order.wechat_can_report_special = not order._wechat_special_report_refusal()

    @api.depends("wechat_order_state", "amount_total", "currency_rate")
    def _compute_wechat_held_amount(self):
        """The money WeChat holds, in the company's currency (currency_rate is the
        company currency's rate to the order's, as in Odoo's sales analysis)."""
        for order in self:
            order.wechat_funds_held = order.wechat_order_state in FUNDS_HELD_STATES
            order.wechat_held_amount = (
                order.amount_total / (order.currency_rate or 1.0)
                if order.wechat_funds_held
                else 0.0
            )

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        """Orders grouped by WeChat's expected settlement day: the group of those
        without one (not shipped yet, or shipped without WeChat saying when) is named
        so, not left "None"."""
        result = super()._read_group_format_result(rows_dict, lazy_groupby)
        for group in lazy_groupby:
            if group.split(":")[0] != "wechat_estimated_settlement_at":
                continue
            for row in rows_dict:
                if not row[group]:
                    row[group] = self.env._("Not shipped, or date not announced")
        return result

    @api.constrains("wechat_combined_order_id", "wechat_order_number_type")
    def _check_wechat_combined_number_type(self):
        """Sub-orders are keyed like their combined order (WeChat's 268485253)."""
        for order in self.filtered("wechat_combined_order_id"):
            combined = order.wechat_combined_order_id
            if order.wechat_order_number_type != combined.wechat_order_number_type:
                raise ValidationError(
                    self.env._(
                        "Sale order %(order)s uses another WeChat order number "
                        "type than combined order %(combined)s; WeChat needs "
                        "the same type for the main order and every sub-order.",
                        order=order.name,
                        combined=combined.name,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if {*KEY_FIELDS, "wechat_combined_order_id"} & vals.keys() and not (
            self.env.context.get("wechat_ids_learnt")
        ):
            # An order that gets its WeChat key once confirmed is uploaded then (an
            # identifier learnt from WeChat beside the key changes nothing WeChat got).
            self._wechat_queue_on_confirm()
        return res

    def action_confirm(self):
        res = super().action_confirm()
        self._wechat_queue_on_confirm()
        return res

    def action_wechat_upload_now(self):
        """Send the WeChat orders of these sale orders now."""
        uploads = self.env["wechat.shipping.upload"]._for_orders_of_user(self)
        return uploads._without_accepted_details().action_upload_now()

    def action_wechat_retry(self):
        """Send the WeChat orders of these sale orders again now, and say how it
        went."""
        return (
            self.env["wechat.shipping.upload"]
            ._for_orders_of_user(self, create=False)
            ._without_accepted_details()
            .action_retry()
        )

    def action_view_wechat_uploads(self):
        """The uploads that carry these orders."""
        uploads = self.env["wechat.shipping.upload"]._for_orders_of_user(
            self, create=False
        )
        return uploads._action_open()

    def _wechat_uploads(self):
        """This order's uploads (its combined order's for a sub-order), the most
        pressing first."""
        self.ensure_one()
        uploads = self.wechat_combined_order_id.upload_ids or self.wechat_upload_ids
        return uploads.sorted(
            lambda u: (STATE_URGENCY.index(u.state), FAMILY_SHOWN.index(u.family))
        )

    def action_wechat_verify_shopping_details(self):
        """Ask WeChat whether it holds the shopping details of these orders, and say
        what it answers."""
        # rights first
        self.env["wechat.shipping.upload"]._for_orders_of_user(self, create=False)
        return self._wechat_verify_notification(self)

    def action_wechat_report_pre_sale(self):
        """Tell WeChat the order is a pre-sale shipping by its delivery date
        (opspecialorder)."""
        return self._wechat_report_special("pre_sale")

    def action_wechat_report_test_payment(self):
        """Tell WeChat the order's payment is a test that will not ship
        (opspecialorder)."""
        return self._wechat_report_special("test")

    def _wechat_report_special(self, kind):
        """A special shipping report of each order, rights checked first; a notification
        of how it went, after which the form shows the order's new state."""
        self.env["wechat.shipping.upload"]._for_orders_of_user(self, create=False)
        outcomes = [order._wechat_report_special_one(kind) for order in self.sudo()]
        return notification(
            self.env._("WeChat special shipping report"),
            [line for line, _accepted in outcomes],
            "success" if all(accepted for _line, accepted in outcomes) else "warning",
            reload=True,
        )

    def _wechat_report_special_one(self, kind):
        """(what happened, in a line naming the order; whether WeChat took it). What
        WeChat answered also goes to the chatter: neither report can be taken back."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        client, error = self.company_id._wechat_sender()
        until = self.commitment_date and unix_from_moment(self.commitment_date)
        refusal = self._wechat_special_report_refusal()
        if not refusal and kind == "pre_sale" and not until:
            refusal = self.env._(
                "set the order's %(field)s (Other Info) to the date it ships.",
                field=self._fields["commitment_date"]._description_string(self.env),
            )
        if refusal or error:
            return f"{self.name}: {refusal or error._translate(lang)}", False
        result = client.report_special_order(
            self.wechat_transaction_id or self.wechat_out_trade_no,
            until if kind == "pre_sale" else None,
        )
        if result.accepted:
            self.wechat_special_report = kind
            said = self._wechat_special_report_told(kind)
        else:
            said = self.env._(
                "WeChat refused the report as %(kind)s: %(reason)s",
                kind=self._wechat_special_report_label(kind),
                reason=result.describe(lang, field_labels(self.env)),
            )
        self.message_post(body=said)
        return f"{self.name}: {said}", result.accepted

    def _wechat_special_report_told(self, kind):
        """What WeChat does with the order now that it took the report."""
        if kind == "test":
            return self.env._(
                "Reported to WeChat as a test payment: WeChat gives the buyer's money "
                "back and expects no shipping."
            )
        return self.env._(
            "Reported to WeChat as a pre-sale shipping by %(date)s: WeChat tells the "
            "buyer and does not count the order late until then.",
            date=format_datetime(self.env, self.commitment_date),
        )

    def _wechat_special_report_label(self, kind):
        """A kind of special report as the order's field names it, in the user's
        language."""
        field = self._fields["wechat_special_report"]
        return dict(field._description_selection(self.env))[kind]

    def _wechat_special_report_refusal(self):
        """Why WeChat would take no special shipping report (opspecialorder) of this
        order, else None. WeChat takes one only for a payment awaiting shipment: its
        order state says that WeChat holds the payment so (get_order, its order list
        and its pushes set it, hourly at the latest), and Odoo adds that nothing has
        shipped, as a payment whose split shipping is incomplete still awaits
        shipment."""
        self.ensure_one()
        if self.wechat_special_report:
            return self.env._(
                "it is already reported to WeChat as %(kind)s.",
                kind=self._wechat_special_report_label(self.wechat_special_report),
            )
        if self.state != "sale" or self._wechat_done_deliveries():
            return self.env._(
                "WeChat takes this report only for a confirmed order that has not "
                "shipped."
            )
        if self.wechat_order_state != "awaiting_shipment":
            return self.env._(
                "WeChat has not said yet that it holds this payment awaiting shipment "
                "(%(field)s); Odoo asks WeChat every hour.",
                field=self._fields["wechat_order_state"]._description_string(self.env),
            )
        return None

    @api.model
    def _cron_wechat_sync_states(self, seconds=None, auto_commit=True, per_slice=None):
        """WeChat's state of every order whose funds it holds, from its order list over
        the time they were paid (get_order for those it does not list), for at most
        `seconds` (by default half of Odoo's limit of a cron's run); the cron comes
        back at once for the rest. The pushes say it at once; this catches what a push
        missed (Odoo unreachable, push not set up). `per_slice`: orders per slice of
        pay time read in turn (tests make it small). The SyncReport."""
        report = wechat_state_sync.sync_states(
            self.env,
            wechat_state_sync.cron_seconds() if seconds is None else seconds,
            commit=auto_commit,
            per_slice=per_slice,
        )
        self.env["ir.cron"]._notify_progress(
            done=report.refreshed, remaining=report.remaining
        )
        return report

    @api.model
    def _wechat_held_domain(self, company):
        """Confirmed sale orders of their own (a combined order's sub-orders follow
        its state)."""
        return super()._wechat_held_domain(company) + [
            ("state", "=", "sale"),
            ("wechat_combined_order_id", "=", False),
        ]

    def _wechat_queue_on_confirm(self):
        """What confirmed WeChat orders send before anything ships: their shopping
        details (when this Odoo uploads them) and, for orders with nothing to deliver
        (services, digital goods), Order Shipping Management's virtual goods, so that
        their funds are released too."""
        orders = self.sudo().filtered(
            lambda o: o.state == "sale"
            and o.company_id.wechat_auto_upload
            and o._wechat_is_wechat_order()
        )
        uploads = self.env["wechat.shipping.upload"]
        details = orders.filtered(
            lambda o: SHOPPING_DETAILS in o.company_id._wechat_family_names()
        )
        virtual = orders.filtered(
            lambda o: ORDER_SHIPPING in o.company_id._wechat_family_names()
            and o._wechat_is_virtual()
        )
        queued = uploads.browse()
        for chosen, family in ((details, SHOPPING_DETAILS), (virtual, ORDER_SHIPPING)):
            if chosen:
                queued |= uploads._for_orders(chosen, families=[family])
        queued._request_upload()

    def _wechat_is_wechat_order(self):
        """Whether WeChat knows this order: it has a key or belongs to a combined
        order."""
        self.ensure_one()
        return bool(self.wechat_order_number_type or self.wechat_combined_order_id)

    def _wechat_done_deliveries(self):
        """Outgoing deliveries already shipped, oldest first; cancelled ones never
        count.

        They keep the prefetch of every order's deliveries (filtered() would narrow it
        to these), so that building the payloads of a claim reads their lines in one
        query."""
        pickings = self.picking_ids
        return (
            pickings.filtered(
                lambda p: p.picking_type_code in DELIVERY_CODES and p.state == "done"
            )
            .sorted(lambda p: (p.date_done, p.id))
            .with_prefetch(pickings._prefetch_ids)
        )

    def _wechat_is_virtual(self):
        """A confirmed order of services only (a class, a subscription, a download):
        nothing to deliver, whatever pickings it has or will have (a dropship gets its
        own later)."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda line: line.product_id
            and not line.display_type
            and not line.is_delivery
        )
        return (
            self.state == "sale"
            and bool(lines)
            and all(line.product_id.type in ("service", "combo") for line in lines)
        )

    def _wechat_all_delivered(self):
        """No delivery of the order is still to be done (cancelled ones are not)."""
        return not self.picking_ids.filtered(
            lambda p: p.picking_type_code in DELIVERY_CODES
            and p.state not in ("done", "cancel")
        )

    def _wechat_logistics_type(self):
        """How the order travels, from the carrier of its deliveries (express by
        default)."""
        carrier = self._wechat_done_deliveries()[:1].carrier_id or self.carrier_id
        return LOGISTICS_TYPES[carrier.wechat_logistics_type or "express"]

    def _wechat_waiting_reason(self):
        """Why Order Shipping Management cannot be told of this order yet (a lazy
        translation), or None: virtual goods go once confirmed; others once something
        shipped, and same-city and pickup orders (which cannot be split) once everything
        has."""
        self.ensure_one()
        if self.state == "cancel":
            return WAITING_CANCELLED
        if self._wechat_is_virtual():
            return None
        if not self._wechat_done_deliveries():
            return WAITING_FIRST_DELIVERY
        if (
            self._wechat_logistics_type() != order_shipping.LogisticsType.EXPRESS
            and not self._wechat_all_delivered()
        ):
            return WAITING_LAST_DELIVERY
        return None

    def _wechat_order_shipment(self, path, report):
        """This order's Order Shipping Management record: how it travels, every parcel
        shipped so far described in the buyer's language, and whether that is all."""
        self.ensure_one()
        report.label(path, self.name)
        lang = self.partner_id.lang or self.company_id.partner_id.lang or "zh_CN"
        key = self._wechat_order_key()
        if self._wechat_is_virtual():
            return self._wechat_virtual_shipment(key, lang)
        logistics = self._wechat_logistics_type()
        parcels = self._wechat_shipped_parcels(path, report, logistics, lang)
        if logistics != order_shipping.LogisticsType.EXPRESS and parcels:
            # One entry for the whole order: only express shipments may be split.
            lines = self._wechat_done_deliveries()._wechat_shipped_lines()
            parcels = [
                order_shipping.Parcel(
                    order_shipping.describe_items(
                        self.env["stock.picking"]._wechat_quantities(lines, lang), lang
                    ),
                    contact=parcels[-1].contact,
                )
            ]
        return order_shipping.OrderShipment(
            key, logistics, tuple(parcels), self._wechat_all_delivered()
        )

    def _wechat_virtual_shipment(self, key, lang):
        """Virtual goods: one entry naming what was bought, delivered in full."""
        lines = self.order_line.filtered(
            lambda line: line.product_id
            and not line.display_type
            and not line.is_delivery
        )
        items = [
            (
                line.product_id.with_context(
                    lang=lang, display_default_code=False
                ).display_name,
                line.product_uom_qty,
            )
            for line in lines
        ]
        parcel = order_shipping.Parcel(order_shipping.describe_items(items, lang))
        return order_shipping.OrderShipment(
            key, order_shipping.LogisticsType.VIRTUAL, (parcel,), True
        )

    def _wechat_shipped_parcels(self, path, report, logistics, lang):
        """Each parcel of the done deliveries, described in the buyer's language; what
        WeChat would refuse in one goes to `report` under its path."""
        parcels = []
        for picking in self._wechat_done_deliveries():
            contact, contact_problems = picking._wechat_contact()
            shipped = picking._wechat_parcels()
            if logistics != order_shipping.LogisticsType.EXPRESS:
                shipped = [("", picking._wechat_shipped_lines(), picking.name)]
            for tracking_no, lines, label in shipped:
                parcel_path = (
                    f"{path}.shipping_list[{len(parcels)}]"
                    if path
                    else f"shipping_list[{len(parcels)}]"
                )
                report.label(parcel_path, label)
                express = picking.carrier_id.wechat_express_company_id
                if (
                    express.unlisted
                    and logistics == order_shipping.LogisticsType.EXPRESS
                ):
                    report.unlisted_code(
                        f"{parcel_path}.express_company",
                        express.code,
                        catalogue.OSM_PARAM_ERROR,
                    )
                for field, error in contact_problems:
                    report.contact_problem(
                        f"{parcel_path}.contact.{field}",
                        error,
                        catalogue.OSM_PARAM_ERROR,
                    )
                parcels.append(
                    order_shipping.Parcel(
                        order_shipping.describe_items(
                            picking._wechat_quantities(lines, lang), lang
                        ),
                        tracking_no,
                        picking.carrier_id.wechat_express_company_code or "",
                        contact,
                    )
                )
        return parcels

    def _wechat_fen(self, amount):
        """`amount`, in this order's currency, as WeChat Pay counts money: (whole fen
        of CNY, None), converted at the rate of the order's date; or (None, why not as
        {"en": ..., "zh": ...}) when this database cannot convert it (CNY inactive, or
        no rate of a currency the conversion needs, which Odoo would read as 1)."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id or company.currency_id
        cny = (
            self.env.ref("base.CNY", raise_if_not_found=False)
            or self.env["res.currency"].browse()
        )
        if currency != cny:
            day = (self.date_order or fields.Datetime.now()).date()
            if not cny.active:
                return None, _both(CNY_INACTIVE, {})
            missing = (currency | cny).filtered(
                lambda c: c != company.currency_id and not _has_rate(c, company, day)
            )
            if missing:
                values = {
                    "order": self.name,
                    "currency": currency.name,
                    "company": company.name,
                    "missing": ", ".join(missing.mapped("name")),
                    "date": day,
                }
                return None, _both(CNY_RATE_MISSING, values)
            amount = currency._convert(amount, cny, company, day, round=False)
        return shopping_details.fen(cny.round(amount)), None

    def _wechat_total_fen(self):
        """The order's total in fen of CNY, to compare with what WeChat Pay says was
        paid (paid_amount); None when this database cannot convert it (_wechat_fen
        says why)."""
        return self._wechat_total()[0]

    def _wechat_total(self):
        """The order's total as WeChat Pay counts money: _wechat_fen's (fen, why
        not)."""
        self.ensure_one()
        return self._wechat_fen(self.currency_id.round(self.amount_total))

    def _wechat_shopping_details(self, path, report):
        """(this order's shopping details, how it travels): its lines as items in
        fen, named in the company's language, with the Mini Program pages of the order
        and (when the company has a product page) of each item."""
        self.ensure_one()
        report.label(path, self.name)
        company = self.company_id
        lang = company.partner_id.lang or "zh_CN"
        total_fen, why = self._wechat_total()
        if why:
            report.extend([Problem(None, f"{path}.item_list", why["en"], why["zh"])])
        items = self.order_line._wechat_shopping_items(lang, total_fen or 0)
        for index, item in enumerate(items):
            report.label(f"{path}.item_list[{index}]", f"{self.name} / {item.name}")
        link = self._wechat_order_jump_link(f"{path}.order_detail_jump_link", report)
        if link:
            items = [
                dataclasses.replace(
                    item,
                    jump_link=self._wechat_item_jump_link(
                        item, f"{path}.item_list[{index}].item_detail_jump_link", report
                    ),
                )
                for index, item in enumerate(items)
            ]
        logistics = (
            order_shipping.LogisticsType.VIRTUAL
            if self._wechat_is_virtual()
            else self._wechat_logistics_type()
        )
        return shopping_details.OrderDetails(self.name, tuple(items), link), logistics

    def _wechat_order_jump_link(self, path, report):
        """The order's page in the Mini Program, or None with the reason in `report`.

        WeChat requires it (its parameter table; WxJava: 必填). No page is made up when
        the company has none: no path exists in every Mini Program, and a wrong one
        would send buyers to an error page unnoticed; the details wait instead, saying
        which setting to fill in."""
        company = self.company_id
        page = company._wechat_order_page_path(
            {
                "out_trade_no": self.wechat_out_trade_no,
                "transaction_id": self.wechat_transaction_id,
                "order": self.name,
            }
        )
        appid = company.sudo().wechat_appid
        if page and appid:
            return shopping_details.JumpLink(
                shopping_details.JumpLinkType.MINI_PROGRAM, appid, page
            )
        if page == "":
            reason = ORDER_PAGE_MISSING
        else:
            reason = ORDER_PAGE_UNFILLED if page is None else ORDER_PAGE_NO_APPID
        report.extend([_problem(path, reason)])
        return None

    def _wechat_item_jump_link(self, item, path, report):
        """An item's page in the Mini Program when the company has a product page (the
        order's AppID known), else None; a page that cannot be filled in for the item
        goes to `report`."""
        company = self.company_id
        page = company._wechat_product_page_path(item.merchant_item_id)
        if page is None:
            report.extend([_problem(path, PRODUCT_PAGE_UNFILLED)])
        if not page:
            return None
        return shopping_details.JumpLink(
            shopping_details.JumpLinkType.MINI_PROGRAM,
            company.sudo().wechat_appid,
            page,
        )

    def _wechat_order_shipping(self, path, report):
        """This order's shipping entries, labelling each wire path with the record
        behind it."""
        self.ensure_one()
        prefix = f"{path}." if path else ""
        report.label(path, self.name)
        shipments = []
        for picking in self._wechat_done_deliveries():
            contact, contact_problems = picking._wechat_contact()
            express_company = picking.carrier_id.wechat_express_company_code or ""
            for tracking_no, lines, label in picking._wechat_parcels():
                items = picking._wechat_items(lines)
                parcel_path = f"{prefix}shipping_list[{len(shipments)}]"
                report.label(parcel_path, label)
                if picking.carrier_id.wechat_express_company_id.unlisted:
                    report.unlisted_code(
                        f"{parcel_path}.express_company", express_company
                    )
                for index, (_item_id, product) in enumerate(items):
                    report.label(
                        f"{parcel_path}.item_list[{index}]",
                        lambda label=label,
                        product=product: f"{label} / {product.display_name}",
                    )
                for field, error in contact_problems:
                    report.contact_problem(f"{parcel_path}.contact.{field}", error)
                shipments.append(
                    payload.Shipment(
                        tracking_no=tracking_no,
                        express_company=express_company,
                        merchant_item_ids=tuple(item_id for item_id, _name in items),
                        contact=contact,
                    )
                )
        return payload.OrderShipping(self._wechat_order_key(), tuple(shipments))


def _both(message, values):
    """A lazy translation in English and Chinese, its placeholders filled in."""
    return {
        key: message._translate(lang) % values if values else message._translate(lang)
        for key, lang in (("en", "en_US"), ("zh", "zh_CN"))
    }


def _has_rate(currency, company, day):
    """Whether `company` has a rate of `currency` on or before `day`, as Odoo's
    conversion reads them (res.currency._get_rates)."""
    return bool(
        currency.env["res.currency.rate"]
        .sudo()
        .search_count(
            [
                ("currency_id", "=", currency.id),
                ("name", "<=", day),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", company.root_id.id),
            ],
            limit=1,
        )
    )


def _problem(path, message):
    """A problem of the shopping details Odoo finds at a wire path, in both languages,
    with WeChat's parameter-error code (the code WeChat answers such details with)."""
    return Problem(
        catalogue.PARAM_ERROR,
        path,
        message._translate("en_US"),
        message._translate("zh_CN"),
    )
