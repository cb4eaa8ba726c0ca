from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate

from ..wechat_protocol import payload, report, shopping_details, validation

KEY_FIELDS = [
    "wechat_order_number_type", "wechat_mchid", "wechat_out_trade_no", "wechat_transaction_id",
    "wechat_payer_openid",
]
_lt = LazyTranslate(__name__)
# Keys unique within a company, with what a person calls them.
UNIQUE_KEYS = [
    (("wechat_transaction_id",), _lt("WeChat Pay transaction id")),
    (("wechat_mchid", "wechat_out_trade_no"), _lt("Merchant order number")),
]
# WeChat's keys of an order are for the people who ship it, never for portal users.
WECHAT_USERS = "wechat_shipping.group_wechat_shipping_user"
NUMBER_TYPES = {
    "merchant_trade_number": payload.OrderNumberType.MERCHANT_TRADE_NUMBER,
    "wxpay_trade_number": payload.OrderNumberType.WXPAY_TRADE_NUMBER,
}


class WechatOrderKeyMixin(models.AbstractModel):
    """The keys WeChat knows a paid order by: number type, merchant or WeChat Pay numbers, payer."""

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
        help="How WeChat identifies the order: by the merchant id and the merchant's order "
        "number, or by WeChat Pay's transaction id. Use the type used when the order's "
        "shopping details were uploaded.",
    )
    wechat_mchid = fields.Char("WeChat Pay Merchant ID", copy=False, groups=WECHAT_USERS)
    wechat_out_trade_no = fields.Char("Merchant Order Number", copy=False, groups=WECHAT_USERS)
    wechat_transaction_id = fields.Char("WeChat Pay Transaction ID", copy=False, groups=WECHAT_USERS)
    wechat_payer_openid = fields.Char("Payer OpenID", copy=False, groups=WECHAT_USERS)

    _sql_constraints = [
        (
            "wechat_transaction_id_company_uniq",
            "unique(company_id, wechat_transaction_id)",
            "This WeChat Pay transaction id is already used by another order of this company.",
        ),
        (
            "wechat_out_trade_no_company_uniq",
            "unique(company_id, wechat_mchid, wechat_out_trade_no)",
            "This merchant order number is already used by another order of this company.",
        ),
    ]

    @api.constrains(*KEY_FIELDS)
    def _check_wechat_order_key(self):
        """Refuse incomplete or malformed keys where they are typed, not when WeChat answers."""
        lang = self.env.lang or "en_US"
        for record in self:
            label = report.shorten(record.display_name or record._description, report.MAX_LABEL_CHARS)
            problems = []
            if record.wechat_order_number_type:
                problems += validation.check_order_key(record._wechat_order_key().to_wire())
            elif record.wechat_mchid or record.wechat_out_trade_no or record.wechat_transaction_id:
                raise ValidationError(
                    _("%(record)s: choose the WeChat order number type for its WeChat order key.",
                      record=label)
                )
            if record.wechat_payer_openid:
                problems += validation.check_openid(record.wechat_payer_openid)
            if problems:
                raise ValidationError(report.describe(problems, lang, label))

    def _wechat_clean_vals(self, vals, creating=False):
        vals = super()._wechat_clean_vals(vals, creating)
        if not creating:
            self._check_wechat_keys_free([(record, vals) for record in self])
        return vals

    def _wechat_check_batch(self, vals_list):
        super()._wechat_check_batch(vals_list)
        self._check_wechat_keys_free([(self.browse(), vals) for vals in vals_list])

    def _check_wechat_keys_free(self, changes):
        """Refuse a key another order of the company has, saying which, or one given to several
        orders at once; `changes`: (record, or an empty one for a new record, its new values).
        The unique constraints stay for two transactions that race."""
        given = {}
        for index, kind, company, names, values, record in self._wechat_unique_keys(changes):
            text = report.shorten(" / ".join(values), 80)
            if given.setdefault((company.id, names, values), index) != index:
                raise ValidationError(self.env._(
                    "%(kind)s %(key)s is given to several orders at once; a WeChat payment "
                    "belongs to one order of a company.", kind=kind, key=text))
            other = self.sudo().search([
                ("company_id", "=", company.id), ("id", "!=", record.id or 0),
                *((name, "=", value) for name, value in zip(names, values, strict=True)),
            ], limit=1)
            if other:
                raise ValidationError(self.env._(
                    "%(kind)s %(key)s is already the WeChat key of %(other)s (%(company)s); "
                    "a WeChat payment belongs to one order of a company.",
                    kind=kind, key=text, company=company.name, other=report.shorten(other.display_name, 80),
                ))

    def _wechat_unique_keys(self, changes):
        """(index of the change, what the key is called, company, field names, values, record) of
        each complete unique key the changed records will have."""
        if not any(name in vals for _record, vals in changes for names, _kind in UNIQUE_KEYS for name in names):
            return
        for index, (record, vals) in enumerate(changes):
            def value(name, record=record, vals=vals):
                return vals[name] if name in vals else record[name]
            company = value("company_id")
            if not isinstance(company, models.BaseModel):
                company = self.env["res.company"].browse(company)
            company = company or self.env.company
            for names, kind in UNIQUE_KEYS:
                values = tuple(value(name) for name in names)
                if all(values):
                    yield index, kind._translate(self.env.lang), company, names, values, record

    def _wechat_order_key(self):
        """The order key in the protocol's terms."""
        self.ensure_one()
        return payload.OrderKey(
            order_number_type=NUMBER_TYPES.get(self.wechat_order_number_type, 0),
            transaction_id=(self.wechat_transaction_id or "").strip() or None,
            mchid=(self.wechat_mchid or "").strip() or None,
            out_trade_no=(self.wechat_out_trade_no or "").strip() or None,
        )

    def _wechat_verify_line(self):
        """`name: WeChat's verify_result` for this order's shopping details, or why WeChat could
        not say, in the user's language; bounded whatever WeChat answers."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        client, error = self.company_id._wechat_sender()
        if error:
            return f"{self.name}: {error._translate(lang)}"
        body = shopping_details.verify_body(self._wechat_order_key(), self.sudo().wechat_payer_openid or "")
        try:
            result = client.verify_shopping_details(body)
        except validation.PayloadInvalid as invalid:
            return f"{self.name}: {report.shorten(invalid.message(lang), report.MAX_MESSAGE_CHARS)}"
        if result.accepted:
            answer = str(result.data.get("verify_result") or "")
            return f"{self.name}: {report.shorten(answer, report.MAX_MESSAGE_CHARS)}"
        return f"{self.name}: {result.describe(lang)}"
