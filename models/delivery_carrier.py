from odoo import fields, models


class DeliveryCarrier(models.Model):
    _name = "delivery.carrier"
    _inherit = ["delivery.carrier", "wechat.field.guard"]

    wechat_express_company_id = fields.Many2one(
        "wechat.express.company",
        string="WeChat Express Company",
        help="The express_company code WeChat knows this carrier by.",
    )
    wechat_express_company_code = fields.Char(related="wechat_express_company_id.code")
