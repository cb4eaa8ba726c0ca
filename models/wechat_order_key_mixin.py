from datetime import datetime, timezone

from wechat_protocol import payload, push, report, shopping_details, validation

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import LazyTranslate

from .field_labels import field_labels

KEY_FIELDS = [
    "wechat_order_number_type",
    "wechat_mchid",
    "wechat_out_trade_no",
    "wechat_transaction_id",
    "wechat_payer_openid",
    "wechat_sub_mchid",
]
_lt = LazyTranslate(__name__)
# Keys unique within a company, with what a person calls them.
UNIQUE_KEYS = [
    (("wechat_transaction_id",), _lt("WeChat Pay transaction id")),
    (("wechat_mchid", "wechat_out_trade_no"), _lt("Merchant order number")),
]
# WeChat's keys of an order are for the people who ship it, never for portal users.
WECHAT_USERS = "wechat_shipping.group_wechat_shipping_user"
# WeChat's order_state (Order Shipping Management), as get_order and the pushes tell it.
ORDER_STATES = [
    ("awaiting_shipment", "Awaiting shipment"),
    ("shipped", "Shipped"),
    ("receipt_confirmed", "Receipt confirmed"),
    ("trade_complete", "Trade complete"),
    ("refunded", "Refunded"),
    ("awaiting_settlement", "Funds awaiting settlement"),
]
# The states in which WeChat still holds the payment's funds (not settled, not
# refunded).
FUNDS_HELD_STATES = (
    "awaiting_shipment",
    "shipped",
    "receipt_confirmed",
    "awaiting_settlement",
)
# How far along the trade a state is (observed: 1, 2, 3, 6, 4; a refund ends it).
STATE_RANK = {
    "awaiting_shipment": 0,
    "shipped": 1,
    "receipt_confirmed": 2,
    "awaiting_settlement": 3,
    "trade_complete": 4,
    "refunded": 5,
}
REMINDER_SUMMARY = _lt("WeChat: paid 48 hours ago and not shipped")
NUMBER_TYPES = {
    "merchant_trade_number": payload.OrderNumberType.MERCHANT_TRADE_NUMBER,
    "wxpay_trade_number": payload.OrderNumberType.WXPAY_TRADE_NUMBER,
}


class WechatOrderKeyMixin(models.AbstractModel):
    """The keys WeChat knows a paid order by: number type, merchant or WeChat Pay
    numbers, payer."""

    _name = "wechat.order.key.mixin"
    _inherit = ["wechat.field.guard"]
    _description = "WeChat order key"

    wechat_order_number_type = fields.Selection(
        [
            ("merchant_trade_number", "Merchant order number (mchid + out_trade_no)"),
            ("wxpay_trade_number", "WeChat Pay transaction id"),
        ],
        string="WeChat Order Number Type",
        copy=False,
        groups=WECHAT_USERS,
        help="How WeChat identifies the order: by the merchant id and the "
        "merchant's order number, or by WeChat Pay's transaction id. Use "
        "the type used when the order's shopping details were uploaded.",
    )
    wechat_mchid = fields.Char(
        "WeChat Pay Merchant ID",
        copy=False,
        groups=WECHAT_USERS,
        help="The WeChat Pay merchant id (商户号) that took the payment, as the WeChat "
        "Pay merchant platform (pay.weixin.qq.com) shows it under Account Center; "
        "paid through a service provider, the provider's.",
    )
    wechat_out_trade_no = fields.Char(
        "Merchant Order Number",
        copy=False,
        groups=WECHAT_USERS,
        help="The merchant order number (out_trade_no) the Mini Program's back end "
        "gave the payment when it asked WeChat Pay for it; the payment's record in "
        "the WeChat Pay merchant platform shows it too.",
    )
    wechat_sub_mchid = fields.Char(
        "WeChat Pay Sub-merchant ID",
        compute="_compute_wechat_sub_mchid",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        groups=WECHAT_USERS,
        help="Only when the Mini Program is paid through a WeChat Pay service "
        "provider (服务商): the sub-merchant (特约商户) the payment belongs to; the "
        "Merchant ID is then the service provider's. A merchant order number given "
        "without one takes the company's default.",
    )
    wechat_transaction_id = fields.Char(
        "WeChat Pay Transaction ID",
        copy=False,
        groups=WECHAT_USERS,
        help="WeChat Pay's own number of the payment (微信支付订单号, usually 28 "
        "digits): in the payment notification the Mini Program's back end received, "
        "or in the transaction records of the WeChat Pay merchant platform.",
    )
    wechat_payer_openid = fields.Char(
        "Payer OpenID",
        copy=False,
        groups=WECHAT_USERS,
        help="The buyer's OpenID in the Mini Program, which its back end keeps with "
        "the order (from wx.login); WeChat checks that the payment is this buyer's.",
    )
    wechat_order_state = fields.Selection(
        ORDER_STATES,
        "WeChat Order State",
        readonly=True,
        copy=False,
        tracking=True,
        groups=WECHAT_USERS,
        help="What WeChat says of the payment (Order Shipping Management): its "
        "funds are released once the trade is complete.",
    )
    wechat_paid_at = fields.Datetime(
        "Paid On (WeChat)",
        readonly=True,
        copy=False,
        groups=WECHAT_USERS,
        help="When the buyer paid, as WeChat says (its order list or get_order): "
        "the hourly state sync reads WeChat's order list over the time the orders "
        "whose funds it holds were paid, and takes the order's date until WeChat "
        "has said.",
    )
    wechat_state_since = fields.Datetime(
        "WeChat State Since", readonly=True, copy=False, groups=WECHAT_USERS
    )
    wechat_estimated_settlement_at = fields.Datetime(
        "WeChat Estimated Settlement", readonly=True, copy=False, groups=WECHAT_USERS
    )
    wechat_settled_at = fields.Datetime(
        "WeChat Settled On", readonly=True, copy=False, groups=WECHAT_USERS
    )

    # The date an order's payment is looked for by until WeChat gives its pay time.
    _wechat_paid_fallback = "create_date"

    _sql_constraints = [
        (
            "wechat_transaction_id_company_uniq",
            "unique(company_id, wechat_transaction_id)",
            "This WeChat Pay transaction id is already "
            "used by another order of this company.",
        ),
        (
            "wechat_out_trade_no_company_uniq",
            "unique(company_id, wechat_mchid, wechat_out_trade_no)",
            "This merchant order number is already "
            "used by another order of this company.",
        ),
    ]

    @api.depends("wechat_order_number_type", "wechat_mchid", "company_id")
    def _compute_wechat_sub_mchid(self):
        """A merchant order number typed without a sub-merchant takes the company's
        default (a merchant always paid through a service provider). Copied rather
        than read when WeChat is called: the order shows what WeChat is told, pushes
        find the order by it, and a later change of the default leaves the orders of
        earlier payments as they are."""
        for record in self:
            if (
                not record.wechat_sub_mchid
                and record.wechat_order_number_type == "merchant_trade_number"
                and record.wechat_mchid
            ):
                record.wechat_sub_mchid = record.company_id.sudo().wechat_sub_mchid

    @api.constrains(*KEY_FIELDS)
    def _check_wechat_order_key(self):
        """Refuse incomplete or malformed keys where they are typed, not when WeChat
        answers."""
        lang = self.env.lang or "en_US"
        for record in self:
            label = report.shorten(
                record.display_name or record._description, report.MAX_LABEL_CHARS
            )
            problems = []
            if record.wechat_order_number_type:
                problems += record._wechat_order_key().check()
            elif (
                record.wechat_mchid
                or record.wechat_out_trade_no
                or record.wechat_transaction_id
                or record.wechat_sub_mchid
            ):
                field = self._fields["wechat_order_number_type"]
                raise ValidationError(
                    self.env._(
                        "%(record)s: choose %(field)s for its WeChat order key.",
                        record=label,
                        field=field._description_string(self.env),
                    )
                )
            if record.wechat_payer_openid:
                problems += validation.check_openid(record.wechat_payer_openid)
            if problems:
                raise ValidationError(
                    report.describe(problems, lang, label, field_labels(self.env))
                )

    def write(self, vals):
        if "company_id" in vals and not self._wechat_own_names(vals):
            # The guard checks writes of this addon's fields only; an order moving to
            # another company must find its keys free there too.
            self.check_access("write")
            self._check_wechat_keys_free([(record, vals) for record in self])
        return super().write(vals)

    def _wechat_clean_vals(self, vals, creating=False):
        vals = super()._wechat_clean_vals(vals, creating)
        if not creating:
            self._check_wechat_keys_free([(record, vals) for record in self])
        return vals

    # A check that raises or passes: like the method it extends, it returns nothing.
    def _wechat_check_batch(self, vals_list):  # pylint: disable=missing-return
        super()._wechat_check_batch(vals_list)
        self._check_wechat_keys_free([(self.browse(), vals) for vals in vals_list])

    def _check_wechat_keys_free(self, changes):
        """Refuse a key another order of the company has, saying which, or one given to
        several orders at once; `changes`: (record, or an empty one for a new record,
        its new values). The unique constraints stay for two transactions that race."""
        given = {}
        for index, kind, company, names, values, record in self._wechat_unique_keys(
            changes
        ):
            text = key_text(names, values)
            if given.setdefault((company.id, names, values), index) != index:
                raise ValidationError(
                    self.env._(
                        "%(kind)s %(key)s is given to several orders at once; "
                        "a WeChat payment belongs to one order of a company.",
                        kind=kind,
                        key=text,
                    )
                )
            other = self._wechat_key_holder(company, names, values, record)
            if other:
                # Its reference only: the user may not be allowed to read that order.
                raise ValidationError(
                    self.env._(
                        "%(kind)s %(key)s is already the WeChat "
                        "key of %(other)s (%(company)s); a WeChat "
                        "payment belongs to one order of a company.",
                        kind=kind,
                        key=text,
                        company=company.name,
                        other=report.shorten(other.name, 80),
                    )
                )

    def _wechat_key_holder(self, company, names, values, record):
        """The sale order or combined order of `company` (other than `record`) whose
        key is `values`: a combined order's main key is no sale order's key either, as
        WeChat tells a combined payment from its sub-orders by their keys."""
        domain = [
            ("company_id", "=", company.id),
            *((name, "=", value) for name, value in zip(names, values, strict=True)),
        ]
        for model in ("sale.order", "wechat.combined.order"):
            others = (
                self.env[model]
                .sudo()
                .search(
                    domain
                    + ([("id", "!=", record.id or 0)] if model == self._name else []),
                    limit=1,
                )
            )
            if others:
                return others
        return self.env[self._name]

    def _wechat_unique_keys(self, changes):
        """(index of the change, what the key is called, company, field names, values,
        record) of each complete unique key the changed records will have."""
        watched = {
            "company_id",
            *(name for names, _kind in UNIQUE_KEYS for name in names),
        }
        if not any(watched & vals.keys() for _record, vals in changes):
            return
        for index, (record, vals) in enumerate(changes):
            for names, kind in UNIQUE_KEYS:
                values = tuple(
                    vals[name] if name in vals else record[name] for name in names
                )
                if all(values):
                    company = self._wechat_company_of(record, vals)
                    yield (
                        index,
                        kind._translate(self.env.lang),
                        company,
                        names,
                        values,
                        record,
                    )

    def _wechat_company_of(self, record, vals):
        """The company `record` will have once `vals` are written (a new record: its
        default, which the context may set)."""
        if "company_id" in vals:
            company = vals["company_id"]
        else:
            company = (
                record.company_id
                if record
                else self.default_get(["company_id"]).get("company_id")
            )
        if not isinstance(company, models.BaseModel):
            # Anything but an id is the ORM's to refuse.
            company = self.env["res.company"].browse(
                company if isinstance(company, int) else ()
            )
        return company or self.env.company

    def _wechat_order_key(self):
        """The order key in the protocol's terms."""
        self.ensure_one()
        return payload.OrderKey(
            order_number_type=NUMBER_TYPES.get(self.wechat_order_number_type, 0),
            transaction_id=(self.wechat_transaction_id or "").strip() or None,
            mchid=(self.wechat_mchid or "").strip() or None,
            out_trade_no=(self.wechat_out_trade_no or "").strip() or None,
            sub_mchid=(self.wechat_sub_mchid or "").strip() or None,
        )

    @api.model
    def _wechat_verify_notification(self, orders):
        """Ask WeChat (`/user-order/shoppinginfo/verify`) about the shopping details of
        `orders`' WeChat orders (their combined orders for sub-orders): a notification
        of its answers. Callers check the user's rights first (the upload model's
        _for_orders_of_user)."""
        orders = orders.sudo()
        targets = orders.wechat_combined_order_id
        singles = orders.filtered(
            lambda o: o._wechat_is_wechat_order() and not o.wechat_combined_order_id
        )
        lines = [target._wechat_verify_line() for target in (*targets, *singles)]
        return notification(
            self.env._("WeChat shopping details"),
            lines or [self.env._("None of these orders has a WeChat order key.")],
        )

    def _wechat_verify_line(self):
        """`name: WeChat's verify_result` for this order's shopping details, or why
        WeChat could not say, in the user's language; bounded whatever WeChat
        answers."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        client, error = self.company_id._wechat_sender()
        if error:
            return f"{self.name}: {error._translate(lang)}"
        body = shopping_details.verify_body(
            self._wechat_order_key(), self.sudo().wechat_payer_openid or ""
        )
        try:
            result = client.verify_shopping_details(body)
        except validation.PayloadInvalid as invalid:
            problem = invalid.message(lang, field_labels(self.env))
            return f"{self.name}: {report.shorten(problem, report.MAX_MESSAGE_CHARS)}"
        if result.accepted:
            answer = str(result.data.get("verify_result") or "")
            return f"{self.name}: {report.shorten(answer, report.MAX_MESSAGE_CHARS)}"
        return f"{self.name}: {result.describe(lang, field_labels(self.env))}"

    # ------------------------------------------------------- WeChat's side of the order

    @api.model
    def _wechat_orders_of_payment(self, company, event):
        """The sale orders and combined orders of `company` that the pushed `event`
        (or an order of WeChat's order list) names: by transaction id, or by merchant
        id, merchant order number and sub-merchant (none for a direct merchant's
        payment)."""
        ids = push.payment_ids(event)
        transaction_id, mchid, number = (
            ids["transaction_id"],
            ids["merchant_id"],
            ids["merchant_trade_no"],
        )
        keys = (
            [[("wechat_transaction_id", "=", transaction_id)]] if transaction_id else []
        ) + (
            [
                [
                    ("wechat_mchid", "=", mchid),
                    ("wechat_out_trade_no", "=", number),
                    ("wechat_sub_mchid", "=", ids["sub_merchant_id"] or False),
                ]
            ]
            if mchid and number
            else []
        )
        if not keys:
            return []
        domain = expression.AND(
            [[("company_id", "=", company.id)], expression.OR(keys)]
        )
        return [
            self.env[model].sudo().search(domain)
            for model in ("sale.order", "wechat.combined.order")
        ]

    def _wechat_apply_event(self, event):
        """Take a pushed event (push.read_event) into these orders; the same event
        twice, or an older one after a newer, changes nothing."""
        values = _event_values(event)
        if values is None:
            return
        self._wechat_take_state(values)
        if event.get("Event") == "trade_manage_remind_shipping":
            self._wechat_remind_to_ship()

    @api.model
    def _wechat_take_listed(self, company, wechat_orders):
        """Take what WeChat's order list (or get_order) tells of payments of `company`
        Odoo has orders of: their states, and the identifiers they lack. The payments
        Odoo has no order of."""
        unknown = []
        for wechat_order in wechat_orders:
            state = state_of_code(wechat_order.get("order_state"))
            named = self._wechat_orders_of_payment(company, wechat_order)
            if not any(named):
                unknown.append(wechat_order)
            for records in named:
                records._wechat_learn_ids(wechat_order)
                if state:
                    records._wechat_take_state(
                        {
                            "wechat_order_state": state,
                            "wechat_state_since": fields.Datetime.now(),
                        }
                    )
        return unknown

    @api.model
    def _wechat_state_companies(self):
        """The companies whose WeChat order states are followed: Order Shipping
        Management, reachable."""
        return (
            self.env["res.company"]
            .sudo()
            .search([])
            .filtered(
                lambda c: "order_shipping" in c._wechat_family_names()
                and not c._wechat_config_error()
            )
        )

    @api.model
    def _wechat_held_domain(self, company):
        """This model's orders of `company` whose funds WeChat holds, as far as Odoo
        knows: keyed, neither trade complete nor refunded."""
        return [
            ("company_id", "=", company.id),
            ("wechat_order_number_type", "!=", False),
            ("wechat_order_state", "not in", ("trade_complete", "refunded")),
        ]

    @api.model
    def _wechat_payments_unmatched(self, company, payments):
        """WeChat's listed payments of `company` naming no order of Odoo (the state
        sync's SyncReport.unmatched): linked where the company matches payments, as
        the job of every 5 minutes links the recent ones. Only those whose funds WeChat
        still holds: a settled or refunded payment has nothing left to ship, and a pass
        lists a month of them."""
        company = company.sudo()
        if company.wechat_payment_match == "none" or not company._wechat_mchids():
            return
        held = [
            payment
            for payment in payments
            if state_of_code(payment.get("order_state")) in FUNDS_HELD_STATES
        ]
        self.env["wechat.payment.matcher"]._wechat_link_unknown(company, held)

    def _wechat_learn_ids(self, wechat_order):
        """Take the identifiers of the payment these orders are keyed by that they lack
        from WeChat's record of it (`wechat_order`: an order of get_order or
        get_order_list): the transaction id of an order keyed by merchant order number,
        the merchant id, number and sub-merchant of one keyed by transaction id. An
        identifier another order of the company has is left out (a person decides)."""
        ids = push.payment_ids(wechat_order)
        learnt = {
            "wechat_transaction_id": ids["transaction_id"],
            "wechat_mchid": ids["merchant_id"],
            "wechat_out_trade_no": ids["merchant_trade_no"],
            "wechat_sub_mchid": ids["sub_merchant_id"],
        }
        for record in self.sudo().filtered("wechat_order_number_type"):
            if record.wechat_order_number_type == "merchant_trade_number":
                names = ["wechat_transaction_id"]
            else:
                names = ["wechat_mchid", "wechat_out_trade_no", "wechat_sub_mchid"]
            values = {
                name: learnt[name]
                for name in names
                if learnt[name] and not record[name]
            }
            if values.keys() & {"wechat_mchid", "wechat_out_trade_no"} and not (
                learnt["wechat_mchid"] and learnt["wechat_out_trade_no"]
            ):
                continue
            if values and not record._wechat_ids_taken(values):
                record.with_context(wechat_ids_learnt=True).write(values)

    def _wechat_ids_taken(self, values):
        """Whether another sale order or combined order of this one's company has a
        unique key that `values` would give this one (the check its write makes)."""
        self.ensure_one()
        return any(
            self._wechat_key_holder(
                self.company_id,
                names,
                [values.get(name) or self[name] for name in names],
                self,
            )
            for names, _kind in UNIQUE_KEYS
            if values.keys() & set(names)
        )

    def _wechat_take_state(self, values):
        """Write a state WeChat told (and its times) unless it would take an order's
        state back."""
        rank = STATE_RANK[values["wechat_order_state"]]
        for record in self:
            # WeChat's states only move on: a late or repeated event never takes one
            # back.
            if (
                record.wechat_order_state
                and rank < STATE_RANK[record.wechat_order_state]
            ):
                continue
            changed = {
                name: value for name, value in values.items() if record[name] != value
            }
            if changed:
                record.write(changed)

    def _wechat_remind_to_ship(self):
        """WeChat's 48-hour reminder: an activity for the salesperson, once."""
        activity_type = self.env.ref("mail.mail_activity_data_warning")
        for record in self:
            orders = (
                record.sale_order_ids
                if record._name == "wechat.combined.order"
                else record
            )
            user = orders.user_id[:1] or self.env.ref("base.user_admin")
            summary = REMINDER_SUMMARY._translate(user.lang or "en_US")
            reminders = record.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )
            if summary in reminders.mapped("summary"):
                continue
            record.activity_schedule(
                activity_type_id=activity_type.id, summary=summary, user_id=user.id
            )


def _event_values(event):
    """The fields a pushed event sets: the state, since when, and the settlement times
    (None for an event of no order state)."""
    kind = event.get("Event")
    created = moment_from_unix(event.get("CreateTime"))
    if kind == "trade_manage_remind_shipping":
        return {
            "wechat_order_state": "awaiting_shipment",
            "wechat_state_since": created,
        }
    if kind != "trade_manage_order_settlement" or created is None:
        return None
    values = {"wechat_state_since": created}
    settled = moment_from_unix(event.get("settlement_time"))
    received = moment_from_unix(event.get("confirm_receive_time"))
    if settled:
        values.update(wechat_order_state="trade_complete", wechat_settled_at=settled)
    elif received:
        values["wechat_order_state"] = "receipt_confirmed"
    else:
        values["wechat_order_state"] = "shipped"
    if estimated := moment_from_unix(event.get("estimated_settlement_time")):
        values["wechat_estimated_settlement_at"] = estimated
    return values


def key_text(names, values):
    """A key as WeChat's order_key names its parts (`mchid … / out_trade_no …`),
    bounded."""
    parts = (
        f"{name.removeprefix('wechat_')} {value}"
        for name, value in zip(names, values, strict=True)
    )
    return report.shorten(" / ".join(parts), 120)


def state_of_code(code):
    """The WeChat Order State of WeChat's order_state number (1..6), else None."""
    if (
        isinstance(code, int)
        and not isinstance(code, bool)
        and 1 <= code <= len(ORDER_STATES)
    ):
        return ORDER_STATES[code - 1][0]
    return None


def unix_from_moment(moment):
    """A naive UTC datetime (as Odoo stores them) in Unix seconds, as WeChat's calls
    take times."""
    return int(moment.replace(tzinfo=timezone.utc).timestamp())


def notification(title, lines, kind="info", reload=False):
    """A client notification of one line per order (the actions that call WeChat say
    so); it stays until closed unless it only says all went well. `reload`: the form
    the button was pressed on is read again after it (the web client's close action
    reloads it), so that it shows what the action changed."""
    params = {
        "title": title,
        "message": "\n".join(lines),
        "type": kind,
        "sticky": kind != "success",
    }
    if reload:
        params["next"] = {"type": "ir.actions.act_window_close"}
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": params,
    }


def moment_from_unix(value):
    """Unix seconds (a number, or digits in an XML body) as a naive UTC datetime, else
    None."""
    text = (
        str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    )
    if not isinstance(text, str) or not text.isdigit() or not 0 < int(text) < 10**11:
        return None
    return datetime.fromtimestamp(int(text), timezone.utc).replace(tzinfo=None)
