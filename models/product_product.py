from odoo import fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    wechat_merchant_item_id = fields.Char(
        "WeChat Merchant Item ID",
        help="The merchant-side item id used when orders' shopping details were uploaded to "
        "WeChat. Empty: the field chosen in the settings (internal reference by default).",
    )

    def _wechat_merchant_item_id(self, company):
        """The merchant item id WeChat knows this product by in `company`, or an empty string."""
        self.ensure_one()
        source = company.wechat_item_id_source or "default_code"
        return (self.wechat_merchant_item_id or self[source] or "").strip()
