from wechat_protocol import report, validation

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .field_labels import field_labels

# The language of the names WeChat's get_delivery_list gives.
WECHAT_NAMES_LANG = "zh_CN"


class WechatExpressCompany(models.Model):
    """WeChat's express company codes (`delivery_id` of get_delivery_list)."""

    _name = "wechat.express.company"
    _inherit = ["wechat.field.guard"]
    _description = "WeChat Express Company"
    _order = "sequence, code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(
        required=True, index=True, help="WeChat's express_company code, e.g. SF."
    )
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=100)
    active = fields.Boolean(default=True)
    unlisted = fields.Boolean(
        "Not in WeChat's List",
        readonly=True,
        help="The last Refresh from WeChat did not return this code: uploads naming "
        "it are refused before they are sent.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each WeChat express company code exists once."),
    ]

    @api.constrains("code")
    def _check_code(self):
        """A code WeChat would refuse as express_company (blank, over 128 bytes, control
        characters)."""
        lang = self.env.lang or "en_US"
        for company in self:
            if problems := validation.check_express_company(company.code):
                raise ValidationError(
                    report.describe(problems, lang, labels=field_labels(self.env))
                )

    def _wechat_clean_vals(self, vals, creating=False):
        vals = super()._wechat_clean_vals(vals, creating)
        if vals.get("code") and not creating:
            self._check_codes_free([vals["code"]] * len(self))
        return vals

    # A check that raises or passes: like the method it extends, it returns nothing.
    def _wechat_check_batch(self, vals_list):  # pylint: disable=missing-return
        super()._wechat_check_batch(vals_list)
        self._check_codes_free([vals["code"] for vals in vals_list if vals.get("code")])

    def _check_codes_free(self, codes):
        """Refuse codes another record has, or that several records would share, before
        the unique constraint would log a database error."""
        if len(set(codes)) < len(codes):
            raise ValidationError(
                self.env._(
                    "WeChat express company code %(code)s "
                    "is given twice; each code exists once.",
                    code=report.shorten(max(codes, key=codes.count), 80),
                )
            )
        other = (
            self.with_context(active_test=False).search(
                [("code", "in", codes), ("id", "not in", self.ids)], limit=1
            )
            if codes
            else None
        )
        if other:
            raise ValidationError(
                self.env._(
                    "WeChat express company code %(code)s exists already (%(name)s).",
                    code=other.code,
                    name=report.shorten(other.name, 80),
                )
            )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for company in self:
            company.display_name = f"[{company.code}] {company.name}"

    def action_refresh_from_wechat(self):
        """Load WeChat's full code table with the current company's credentials
        (managers)."""
        # Rights first: the call to WeChat must not go out for someone who may not store
        # its answer.
        self.browse().check_access("create")
        self.browse().check_access("write")
        client = self.env.company._wechat_client()
        try:
            companies = client.get_delivery_list()
        # The client's errors carry no secret; show them as they are.
        except Exception as error:
            raise UserError(
                self.env._(
                    "WeChat's express company list could not be fetched: %s", error
                )
            ) from error
        count = self._upsert(companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s WeChat express companies loaded.", count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _upsert(self, companies):
        """Store WeChat's whole list: create the codes Odoo lacks, give the known ones
        WeChat's name, and mark the codes the list lacks as unlisted; returns how many
        codes were given."""
        known = self.with_context(active_test=False).search([])
        existing = {record.code: record for record in known}
        self._give_wechat_names(
            [
                (existing[company.code], company.name)
                for company in companies
                if company.code in existing
            ]
        )
        # A code new to Odoo has WeChat's name in every language: Odoo knows no other.
        self.create(
            [
                {"code": company.code, "name": company.name}
                for company in companies
                if company.code not in existing
            ]
        )
        listed = {company.code for company in companies}
        known.filtered(
            lambda record: record.unlisted and record.code in listed
        ).unlisted = False
        known.filtered(
            lambda record: not record.unlisted and record.code not in listed
        ).unlisted = True
        return len(companies)

    @api.model
    def _give_wechat_names(self, named_records):
        """Give each (record, name) WeChat's name as its translation in WeChat's
        language: the names it has in other languages, the English ones this addon ships
        included, stay. No translation can be kept in a language that is not active."""
        if not self.env["res.lang"]._get_code(WECHAT_NAMES_LANG):
            return
        for record, name in named_records:
            record = record.with_context(lang=WECHAT_NAMES_LANG)
            if record.name != name:
                record.name = name
