from wechat_protocol import report, validation

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .field_labels import field_labels


class ProductProduct(models.Model):
    _name = "product.product"
    _inherit = ["product.product", "wechat.field.guard"]

    wechat_merchant_item_id = fields.Char(
        "WeChat Merchant Item ID",
        help="The merchant-side item id used when orders' shopping details were "
        "uploaded to WeChat. Empty: the field chosen in "
        "the settings (internal reference by default).",
    )

    @api.constrains("wechat_merchant_item_id")
    def _check_wechat_merchant_item_id(self):
        """An item id WeChat would refuse (blank, over 64 bytes, control characters) is
        refused here."""
        lang = self.env.lang or "en_US"
        for product in self.filtered("wechat_merchant_item_id"):
            if problems := validation.check_merchant_item_id(
                product.wechat_merchant_item_id
            ):
                raise ValidationError(
                    report.describe(
                        problems, lang, product.display_name, field_labels(self.env)
                    )
                )

    def _wechat_merchant_item_id(self, company):
        """The merchant item id WeChat knows this product by in `company`, or an empty
        string: the one function behind both the shopping details and the shipping that
        refers to them. Without an id of its own, a product whose details this Odoo
        uploads goes by its database id."""
        self.ensure_one()
        source = company.wechat_item_id_source or "default_code"
        item_id = (self.wechat_merchant_item_id or self[source] or "").strip()
        if not item_id and company.sudo().wechat_shopping_details_by == "odoo":
            return str(self.id)
        return item_id
