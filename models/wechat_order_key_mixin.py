from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..wechat_protocol import payload, report, validation
from .nul_guard import check_nul_before_create

KEY_FIELDS = [
    "wechat_order_number_type", "wechat_mchid", "wechat_out_trade_no", "wechat_transaction_id",
    "wechat_payer_openid",
]
NUMBER_TYPES = {
    "merchant_trade_number": payload.OrderNumberType.MERCHANT_TRADE_NUMBER,
    "wxpay_trade_number": payload.OrderNumberType.WXPAY_TRADE_NUMBER,
}


class WechatOrderKeyMixin(models.AbstractModel):
    """The keys WeChat knows a paid order by: number type, merchant or WeChat Pay numbers, payer."""

    _name = "wechat.order.key.mixin"
    _description = "WeChat order key"

    wechat_order_number_type = fields.Selection(
        [
            ("merchant_trade_number", "Merchant order number (mchid + out_trade_no)"),
            ("wxpay_trade_number", "WeChat Pay transaction id"),
        ],
        string="WeChat Order Number Type",
        copy=False,
        help="How WeChat identifies the order: by the merchant id and the merchant's order "
        "number, or by WeChat Pay's transaction id. Use the type used when the order's "
        "shopping details were uploaded.",
    )
    wechat_mchid = fields.Char("WeChat Pay Merchant ID", copy=False)
    wechat_out_trade_no = fields.Char("Merchant Order Number", copy=False)
    wechat_transaction_id = fields.Char("WeChat Pay Transaction ID", copy=False)
    wechat_payer_openid = fields.Char("Payer OpenID", copy=False)

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

    @api.model_create_multi
    def create(self, vals_list):
        check_nul_before_create(self, vals_list, KEY_FIELDS, lambda r: r._check_wechat_order_key())
        return super().create(vals_list)

    @api.constrains(*KEY_FIELDS)
    def _check_wechat_order_key(self):
        """Refuse incomplete or malformed keys where they are typed, not when WeChat answers."""
        lang = self.env.lang or "en_US"
        for record in self:
            label = record.display_name or record._description
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

    def _wechat_order_key(self):
        """The order key in the protocol's terms."""
        self.ensure_one()
        return payload.OrderKey(
            order_number_type=NUMBER_TYPES.get(self.wechat_order_number_type, 0),
            transaction_id=(self.wechat_transaction_id or "").strip() or None,
            mchid=(self.wechat_mchid or "").strip() or None,
            out_trade_no=(self.wechat_out_trade_no or "").strip() or None,
        )
