from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    wechat_appid = fields.Char(related="company_id.wechat_appid", readonly=False)
    wechat_app_secret = fields.Char(
        related="company_id.wechat_app_secret", readonly=False, groups="base.group_system"
    )
    wechat_token_mode = fields.Selection(related="company_id.wechat_token_mode", readonly=False)
    wechat_api_base_url = fields.Char(related="company_id.wechat_api_base_url", readonly=False)
    wechat_auto_upload = fields.Boolean(related="company_id.wechat_auto_upload", readonly=False)
    wechat_strict_mode = fields.Boolean(related="company_id.wechat_strict_mode", readonly=False)
    wechat_consignor_phone = fields.Char(related="company_id.wechat_consignor_phone", readonly=False)
    wechat_item_id_source = fields.Selection(related="company_id.wechat_item_id_source", readonly=False)
