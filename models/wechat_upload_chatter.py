"""What an upload writes for people: the activity of a failure, its closing, the
chatter's lines."""

from markupsafe import Markup

from odoo import models


class WechatUploadChatter(models.AbstractModel):
    """The chatter rules of wechat.shipping.upload (which also inherits mail.thread and
    mail.activity.mixin): a failure that needs attention schedules one warning activity
    for the salesperson, the acceptance that ends it closes it; each line is worded in
    the language of the person it concerns (its state changes read in the reader's:
    mail.tracking.value)."""

    _name = "wechat.upload.chatter"
    _description = "WeChat upload chatter"

    def _close_attention(self):
        """Mark the warning activities done, each closing message (the feedback and the
        words around it) in the language of the user the activity is assigned to, not in
        the job's."""
        activity_type = self.env.ref("mail.mail_activity_data_warning")
        for activity in self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        ):
            in_user_lang = activity.with_context(
                lang=activity.user_id.lang or self.env.lang
            )
            in_user_lang.action_feedback(
                feedback=in_user_lang.env._("WeChat accepted the shipping information.")
            )

    def _notify_attention(self):
        """An activity for the salesperson, unless one is already open."""
        activity_type = self.env.ref("mail.mail_activity_data_warning")
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return
        user = self._wechat_owner()
        in_user_lang = self.with_context(lang=user.lang)
        self.activity_schedule(
            activity_type_id=activity_type.id,
            summary=in_user_lang.env._("WeChat upload needs attention"),
            note=in_user_lang._reason_html(),
            user_id=user.id,
        )

    def _wechat_owner(self):
        """Who answers for this upload: the salesperson of its order, else the
        administrator."""
        orders = self.combined_order_id.sale_order_ids or self.sale_order_id
        return (
            orders.user_id[:1]
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env.user
        )

    def _reason_html(self):
        """The reason as HTML, a line per problem."""
        return Markup("<br/>").join((self.reason or "").splitlines()) or False

    def _track_get_default_log_message(self, tracked_fields):
        """A failure's chatter line says why, beside the change of state, in the
        language of the person it concerns (the activity's): a stored message has one
        language."""
        if (
            "state" in tracked_fields
            and self.state in ("attention", "retrying")
            and self.problems
        ):
            return self.with_context(lang=self._wechat_owner().lang)._reason_html()
        return super()._track_get_default_log_message(tracked_fields)
