import unicodedata

from wechat_protocol import report

from odoo import api, models
from odoo.exceptions import ValidationError

MODULE = "wechat_shipping"
# Above every WeChat limit of a text the addon stores; longer input is refused, never
# quoted.
MAX_CHAR = 256
MAX_TEXT = 4096
INT32 = 2**31 - 1


class WechatFieldGuard(models.AbstractModel):
    """Values for the fields this addon adds, checked before the ORM converts or stores
    them.

    The ORM turns a value of the wrong type into a server error (a number type `5`, a
    list for a text) or into text (`True` becomes "True"), and PostgreSQL answers NUL
    characters, a missing required value or an unknown record id with a database error.
    Through forms, RPC and imports alike, each such value is refused here with a short
    message naming the field; text is trimmed as the web client trims it, so RPC stores
    what a form would have stored."""

    _name = "wechat.field.guard"
    _description = "WeChat field input guard"

    @api.model_create_multi
    def create(self, vals_list):
        # A default someone set (context, ir.default) is a value like any other: checked
        # as one.
        if defaults := self._wechat_set_defaults():
            vals_list = [{**defaults, **vals} for vals in vals_list]
        if self._wechat_required_names() or any(map(self._wechat_own_names, vals_list)):
            self.browse().check_access("create")
            vals_list = [
                self._wechat_clean_vals(vals, creating=True) for vals in vals_list
            ]
            self._wechat_check_batch(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if self._wechat_own_names(vals):
            self.check_access("write")
            vals = self._wechat_clean_vals(vals)
        return super().write(vals)

    def _wechat_own_names(self, vals):
        """The names in `vals` of fields this addon defines on this model."""
        return [name for name in vals if self._wechat_own_field(name) is not None]

    def _wechat_set_defaults(self):
        """Defaults of this addon's stored fields that differ from the field's own
        default: those someone set in the context or as a user default (ir.default)."""
        names = [
            name
            for name, field in self._fields.items()
            if field.store and MODULE in (field._modules or ())
        ]
        defaults = self.default_get(names) if names else {}
        return {
            name: value
            for name, value in defaults.items()
            if value
            != self._fields[name].convert_to_write(
                self._fields[name].default(self)
                if self._fields[name].default
                else False,
                self,
            )
        }

    def _wechat_check_batch(self, vals_list):
        """Refuse values of several new records that conflict with one another (none
        here)."""

    def _wechat_clean_vals(self, vals, creating=False):
        """`vals` with this addon's text trimmed; a ValidationError for a value this
        addon's fields cannot take. Rights come first: who may not write a field learns
        nothing of the values it would take."""
        self.check_field_access_rights("write", self._wechat_own_names(vals))
        cleaned = dict(vals)
        for name, value in vals.items():
            field = self._wechat_own_field(name)
            if field is None or value is False or value is None:
                continue
            if problem := self._wechat_type_problem(field, value):
                raise ValidationError(problem)
            if field.type == "char" and field.trim:
                cleaned[name] = value.strip() or ("" if field.required else False)
        self._wechat_check_storable(cleaned, creating)
        return cleaned

    def _wechat_own_field(self, name):
        """The field `name` if this addon defines it on this model, else None."""
        field = self._fields.get(name)
        # _modules, not _module: a module that redefines the field later leaves it ours.
        return field if field is not None and MODULE in (field._modules or ()) else None

    def _wechat_required_names(self):
        """The stored required fields this addon defines on this model."""
        return [
            name
            for name, field in self._fields.items()
            if MODULE in (field._modules or ()) and field.store and field.required
        ]

    def _wechat_check_storable(self, vals, creating):
        """Refuse what a column cannot take (invisible characters, a missing required
        value) in the words of the field's own rule when it has one (WeChat's code
        included), else in general words."""
        suspect = {
            name
            for name, value in vals.items()
            if (field := self._wechat_own_field(name)) is not None
            and field.store
            and (
                (field.type == "char" and _has_invisible(value))
                or (field.required and _blank(value))
            )
        }
        if creating:
            absent = [
                name for name in self._wechat_required_names() if name not in vals
            ]
            defaults = self.default_get(absent) if absent else {}
            suspect.update(name for name in absent if _blank(defaults.get(name)))
        if not suspect:
            return
        # Half a UTF-16 pair breaks any rule that encodes the text, and any message
        # quoting it: the rules see a NUL instead, refused like any control character.
        checked = {name: _without_half_pairs(value) for name, value in vals.items()}
        for record in self or [None]:
            self.new(checked, origin=record)._validate_fields(suspect)
        name = min(suspect)
        label = self._fields[name]._description_string(self.env)
        if _has_invisible(vals.get(name)):
            raise ValidationError(
                self.env._(
                    "%(field)s: remove the invisible or control characters.",
                    field=label,
                )
            )
        raise ValidationError(
            self.env._("%(field)s: a value is required.", field=label)
        )

    def _wechat_type_problem(self, field, value):
        """What keeps `value` from being a value of `field`, in the reader's language,
        or None."""
        _ = self.env._
        label = field._description_string(self.env)
        kind = field.type
        if kind in ("char", "text", "html"):
            limit = field.size or (MAX_CHAR if kind == "char" else MAX_TEXT)
            if not isinstance(value, str):
                return _("%(field)s: expects text.", field=label)
            if len(value) > limit:
                return _(
                    "%(field)s: at most %(limit)s characters, %(given)s given.",
                    field=label,
                    limit=limit,
                    given=len(value),
                )
        elif kind == "selection":
            if not isinstance(value, str) or value not in field.get_values(self.env):
                choices = "; ".join(
                    name for _key, name in field._description_selection(self.env)
                )
                return _(
                    "%(field)s: choose one of %(choices)s.",
                    field=label,
                    choices=report.shorten(choices, 300),
                )
        elif kind == "boolean":
            if not isinstance(value, bool):
                return _("%(field)s: expects true or false.", field=label)
        elif kind == "integer":
            if not _is_int(value) or abs(value) > INT32:
                return _("%(field)s: expects a whole number.", field=label)
        elif kind == "many2one":
            if not self._wechat_is_reference(field.comodel_name, value):
                model = self.env["ir.model"]._get(field.comodel_name).name
                return _(
                    "%(field)s: expects an existing %(model)s.",
                    field=label,
                    model=model,
                )
        elif kind in ("one2many", "many2many"):
            if not isinstance(value, list | tuple) or not all(map(_is_command, value)):
                return _("%(field)s: expects a list of record commands.", field=label)
        return None

    def _wechat_is_reference(self, model_name, value):
        """Whether `value` names one existing record of `model_name` (an id or a
        record)."""
        if isinstance(value, models.BaseModel):
            return value._name == model_name and len(value) <= 1
        return (
            _is_int(value)
            and 0 < value <= INT32
            and bool(self.env[model_name].browse(value).exists())
        )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _blank(value):
    return value is False or value is None or value == ""


def _is_command(command):
    """An x2many command such as (4, id) or (6, 0, [ids]), its ids integers."""
    if not isinstance(command, list | tuple) or not command or not _is_int(command[0]):
        return False
    if command[0] not in range(7):
        return False
    # Command.create's second element is a placeholder the web client fills
    # ("virtual_3").
    if (
        command[0] != 0
        and len(command) > 1
        and command[1] is not False
        and not _is_int(command[1])
    ):
        return False
    return command[0] != 6 or (
        len(command) == 3
        and isinstance(command[2], list | tuple)
        and all(map(_is_int, command[2]))
    )


def _without_half_pairs(value):
    """`value` with each half of a UTF-16 pair (a lone surrogate) made a NUL."""
    if not isinstance(value, str):
        return value
    return "".join("\x00" if unicodedata.category(ch) == "Cs" else ch for ch in value)


def _has_invisible(value):
    """Text holding control or format characters (NUL, zero-width spaces, direction
    marks) or half a UTF-16 pair (JSON's "\ud800"), which UTF-8, and so PostgreSQL,
    cannot hold."""
    return isinstance(value, str) and any(
        unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value
    )
