from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..wechat_protocol import express, report, validation


class WechatExpressCompany(models.Model):
    """WeChat's express company codes (`delivery_id` of get_delivery_list)."""

    _name = "wechat.express.company"
    _inherit = ["wechat.field.guard"]
    _description = "WeChat Express Company"
    _order = "sequence, code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, index=True, help="WeChat's express_company code, e.g. SF.")
    name = fields.Char(required=True)
    sequence = fields.Integer(default=100)
    active = fields.Boolean(default=True)
    unlisted = fields.Boolean(
        "Not in WeChat's List", readonly=True,
        help="The last Refresh from WeChat did not return this code: uploads naming it are refused "
        "before they are sent.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each WeChat express company code exists once."),
    ]

    @api.constrains("code")
    def _check_code(self):
        """A code WeChat would refuse as express_company (blank, over 128 bytes, control characters)."""
        lang = self.env.lang or "en_US"
        for company in self:
            if problems := validation.check_express_company(company.code):
                raise ValidationError(report.describe(problems, lang))

    def _wechat_clean_vals(self, vals, creating=False):
        vals = super()._wechat_clean_vals(vals, creating)
        if vals.get("code") and not creating:
            self._check_codes_free([vals["code"]] * len(self))
        return vals

    def _wechat_check_batch(self, vals_list):
        super()._wechat_check_batch(vals_list)
        self._check_codes_free([vals["code"] for vals in vals_list if vals.get("code")])

    def _check_codes_free(self, codes):
        """Refuse codes another record has, or that several records would share, before the
        unique constraint would log a database error."""
        if len(set(codes)) < len(codes):
            raise ValidationError(self.env._(
                "WeChat express company code %(code)s is given twice; each code exists once.",
                code=report.shorten(max(codes, key=codes.count), 80)))
        other = self.with_context(active_test=False).search(
            [("code", "in", codes), ("id", "not in", self.ids)], limit=1) if codes else None
        if other:
            raise ValidationError(self.env._(
                "WeChat express company code %(code)s exists already (%(name)s).",
                code=other.code, name=report.shorten(other.name, 80)))

    @api.depends("code", "name")
    def _compute_display_name(self):
        for company in self:
            company.display_name = f"[{company.code}] {company.name}"

    def action_refresh_from_wechat(self):
        """Load WeChat's full code table with the current company's credentials (managers)."""
        # Rights first: the call to WeChat must not go out for someone who may not store its answer.
        self.browse().check_access("create")
        self.browse().check_access("write")
        client = self.env.company._wechat_client()
        try:
            companies = client.get_delivery_list()
        except Exception as error:  # the client's errors carry no secret; show them as they are
            raise UserError(_("WeChat's express company list could not be fetched: %s", error)) from error
        count = self._upsert(companies, refreshed=True)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%s WeChat express companies loaded.", count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _load_builtin_table(self):
        """Create the codes this addon ships (called once at install)."""
        self._upsert(express.EXPRESS_COMPANIES, sequence=10)

    @api.model
    def _upsert(self, companies, sequence=100, refreshed=False):
        """Create missing codes and rename known ones; returns how many codes were given.

        `refreshed`: `companies` is WeChat's whole list, and the codes it lacks are marked so."""
        existing = {c.code: c for c in self.with_context(active_test=False).search([])}
        to_create = []
        for company in companies:
            record = existing.get(company.code)
            if record:
                if record.name != company.name_zh or record.unlisted:
                    record.write({"name": company.name_zh, "unlisted": False})
            else:
                to_create.append({"code": company.code, "name": company.name_zh, "sequence": sequence})
        self.create(to_create)
        if refreshed:
            listed = {company.code for company in companies}
            self.browse([r.id for code, r in existing.items() if code not in listed and not r.unlisted]).write(
                {"unlisted": True})
        return len(companies)
