from odoo import fields, models
from odoo.exceptions import AccessError

from .res_company import CREDENTIALS_GROUP
from .wechat_order_key_mixin import notification


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "wechat.field.guard"]

    wechat_appid = fields.Char(
        related="company_id.wechat_appid", readonly=False, groups=CREDENTIALS_GROUP
    )
    wechat_app_secret = fields.Char(
        related="company_id.wechat_app_secret", readonly=False, groups=CREDENTIALS_GROUP
    )
    wechat_token_mode = fields.Selection(
        related="company_id.wechat_token_mode", readonly=False, groups=CREDENTIALS_GROUP
    )
    wechat_api_base_url = fields.Char(
        related="company_id.wechat_api_base_url",
        readonly=False,
        groups=CREDENTIALS_GROUP,
    )
    wechat_families = fields.Selection(
        related="company_id.wechat_families", readonly=False
    )
    wechat_auto_upload = fields.Boolean(
        related="company_id.wechat_auto_upload", readonly=False
    )
    wechat_strict_mode = fields.Boolean(
        related="company_id.wechat_strict_mode", readonly=False
    )
    wechat_consignor_phone = fields.Char(
        related="company_id.wechat_consignor_phone", readonly=False
    )
    wechat_sub_mchid = fields.Char(
        related="company_id.wechat_sub_mchid", readonly=False
    )
    wechat_payment_match = fields.Selection(
        related="company_id.wechat_payment_match", readonly=False
    )
    wechat_merchant_ids = fields.Char(
        related="company_id.wechat_merchant_ids", readonly=False
    )
    wechat_confirm_paid_quotations = fields.Boolean(
        related="company_id.wechat_confirm_paid_quotations", readonly=False
    )
    wechat_item_id_source = fields.Selection(
        related="company_id.wechat_item_id_source", readonly=False
    )
    wechat_shopping_details_by = fields.Selection(
        related="company_id.wechat_shopping_details_by", readonly=False
    )
    wechat_enum_names = fields.Boolean(
        related="company_id.wechat_enum_names", readonly=False
    )
    wechat_public_base_url = fields.Char(
        related="company_id.wechat_public_base_url", readonly=False
    )
    wechat_order_page = fields.Char(
        related="company_id.wechat_order_page", readonly=False
    )
    wechat_product_page = fields.Char(
        related="company_id.wechat_product_page", readonly=False
    )
    wechat_msg_jump_path = fields.Char(
        related="company_id.wechat_msg_jump_path", readonly=False
    )
    wechat_push_token = fields.Char(
        related="company_id.wechat_push_token", readonly=False, groups=CREDENTIALS_GROUP
    )
    wechat_push_aes_key = fields.Char(
        related="company_id.wechat_push_aes_key",
        readonly=False,
        groups=CREDENTIALS_GROUP,
    )
    wechat_push_url = fields.Char(
        related="company_id.wechat_push_url", groups=CREDENTIALS_GROUP
    )

    def action_wechat_check_connection(self):
        """Fetch a token and ask WeChat about trade management; say the answers in
        words."""
        if not self.env.user.has_group(CREDENTIALS_GROUP):
            raise AccessError(
                self.env._("Only system administrators check the WeChat connection.")
            )
        self.execute()  # what was typed is what is checked
        lines = self.company_id._wechat_connection_report()
        return notification(self.env._("WeChat connection"), lines)
