from odoo import models


class MailTrackingValue(models.Model):
    """The chatter's tracking lines of WeChat uploads, read in the reader's language."""

    _inherit = "mail.tracking.value"

    def _tracking_value_format_model(self, model):
        # Rendered per reader: what is stored is in the language of the job that made
        # the change.
        formatted = super()._tracking_value_format_model(model)
        if model == "wechat.shipping.upload":
            self.env[model]._wechat_tracking_for_reader(formatted)
        return formatted
