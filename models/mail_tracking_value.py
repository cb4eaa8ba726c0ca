from odoo import api, models

# The tracked selection fields that the upload job, WeChat's pushes and the sync of
# WeChat's order states change, per model (None: all of the model's). Odoo stores a
# selection's label as text in the language of whoever made the change: here a job or
# a push, not the person who reads the chatter.
READER_SELECTIONS = {
    "wechat.shipping.upload": None,
    "sale.order": ("wechat_order_state",),
    "wechat.combined.order": ("wechat_order_state",),
}


class MailTrackingValue(models.Model):
    """The chatter's tracking lines of what WeChat and the upload job change, read in
    the reader's language."""

    _inherit = "mail.tracking.value"

    def _tracking_value_format_model(self, model):
        # Rendered per reader: what is stored is in the language of the job that made
        # the change.
        formatted = super()._tracking_value_format_model(model)
        if model in READER_SELECTIONS:
            self._wechat_selections_for_reader(self.env[model], formatted)
        return formatted

    @api.model
    def _wechat_selections_for_reader(self, records, formatted):
        """The selection values of formatted tracking lines of `records`' model
        (_tracking_value_format) in this environment's language, that of the reader.

        A stored label is read back to its key through the labels of every active
        language; one it cannot tell (a label translated since, or shared by two keys)
        is shown as stored."""
        names = READER_SELECTIONS.get(records._name)
        tracked = {line["fieldName"] for line in formatted}
        selections = {
            name: (
                self._wechat_selection_keys(field),
                dict(field._description_selection(self.env)),
            )
            for name, field in records._fields.items()
            if name in tracked
            and field.type == "selection"
            and (names is None or name in names)
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
