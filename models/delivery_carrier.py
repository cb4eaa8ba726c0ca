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
    wechat_logistics_type = fields.Selection(
        [
            ("express", "Express (tracking number)"),
            ("same_city", "Same-city delivery"),
            ("pickup", "Customer pickup"),
        ],
        string="WeChat Logistics Type",
        default="express",
        required=True,
        help="How WeChat's Order Shipping Management is told the parcels travel. "
        "Same-city and pickup orders carry no tracking number "
        "and go to WeChat once their last delivery is done.",
    )
