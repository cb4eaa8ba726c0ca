"""What an upload writes for people: the activity of a failure, its closing, the
chatter's lines."""

from markupsafe import Markup

from odoo import api, models


class WechatUploadChatter(models.AbstractModel):
    """The chatter rules of wechat.shipping.upload (which also inherits mail.thread and
    mail.activity.mixin): a failure that needs attention schedules one warning activity
    for the salesperson, the acceptance that ends it closes it; each line is worded in
    the language of the person it concerns, and state changes are shown in the reader's
    language."""

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

    @api.model
    def _wechat_tracking_for_reader(self, formatted):
        """Selection values of formatted tracking lines (mail.tracking.value's
        _tracking_value_format) in this environment's language, that of the reader.

        Odoo stores a selection's label as text in the language of whoever made the
        change: here the upload job, not the person who reads the chatter. The label is
        read back to its key through the labels of every active language; one it cannot
        tell (a label translated since, or shared by two keys) is shown as stored."""
        tracked = {line["fieldName"] for line in formatted}
        selections = {
            name: (
                self._wechat_selection_keys(field),
                dict(field._description_selection(self.env)),
            )
            for name, field in self._fields.items()
            if name in tracked and field.type == "selection"
        }
        for line in formatted:
            if line["fieldName"] not in selections:
                continue
            keys, labels = selections[line["fieldName"]]
            for side in ("oldValue", "newValue"):
                key = keys.get(line[side]["value"])
                if key in labels:
                    line[side]["value"] = labels[key]
        return formatted

    @api.model
    def _wechat_selection_keys(self, field):
        """{label: key} of a selection field, over its source labels and every active
        language."""
        envs = [self.with_context(lang=None).env] + [
            self.with_context(lang=code).env
            for code, _name in self.env["res.lang"].get_installed()
        ]
        keys = {}
        for env in envs:
            for key, label in field._description_selection(env):
                keys.setdefault(label, set()).add(key)
        return {label: found.pop() for label, found in keys.items() if len(found) == 1}
