from urllib.parse import quote, urlsplit

from wechat_protocol import (
    client,
    masking,
    payment_matching,
    push,
    report,
    tokens,
    validation,
)

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate

from .field_labels import LabelledText, field_labels

_lt = LazyTranslate(__name__)
WECHAT_API = "https://api.weixin.qq.com"
# What decides where the credentials go is for system administrators only, read and
# write: an AppSecret is sent to the API base URL, so whoever sets that URL can receive
# the secret.
CREDENTIALS_GROUP = "base.group_system"
# The other WeChat settings are read by internal users only (portal users read
# res.company).
INTERNAL_USERS = "base.group_user"
# Placeholders of the Mini Program order page a buyer reaches from WeChat's order list.
ORDER_PAGE_FIELDS = ("out_trade_no", "transaction_id", "order")
# Placeholder of the Mini Program product page an item of the shopping details leads to.
PRODUCT_PAGE_FIELDS = ("merchant_item_id",)
FAMILY_CHOICES = [
    ("order_shipping", "Order Shipping Management"),
    ("shopping_order", "Shopping Order"),
    ("both", "Both"),
]


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "wechat.field.guard"]

    # The help of the fields below is the settings page's
    # (views/res_config_settings_views.xml), the only screen that shows them.
    wechat_appid = fields.Char("WeChat AppID", groups=CREDENTIALS_GROUP)
    wechat_app_secret = fields.Char(
        "WeChat AppSecret", groups=CREDENTIALS_GROUP, copy=False
    )
    wechat_token_mode = fields.Selection(
        [
            ("stable", "Stable access token (recommended)"),
            ("classic", "Classic access token"),
            ("authorizer", "Third-party platform authorizer token"),
        ],
        string="WeChat Token Mode",
        default="stable",
        required=True,
        groups=CREDENTIALS_GROUP,
    )
    wechat_authorizer_access_token = fields.Char(
        "WeChat Authorizer Access Token",
        size=2048,  # WeChat asks to keep room for 512 characters at least
        groups=CREDENTIALS_GROUP,
        copy=False,
        help="Set by the third-party platform that calls WeChat on this merchant's "
        "behalf.",
    )
    wechat_api_base_url = fields.Char(
        "WeChat API Base URL",
        default=WECHAT_API,
        required=True,
        groups=CREDENTIALS_GROUP,
    )
    wechat_families = fields.Selection(
        FAMILY_CHOICES,
        string="WeChat Shipping APIs",
        default="order_shipping",
        required=True,
        groups=INTERNAL_USERS,
    )
    wechat_auto_upload = fields.Boolean(
        "Upload to WeChat on Delivery",
        default=True,
        groups=INTERNAL_USERS,
    )
    wechat_strict_mode = fields.Boolean(
        "Refuse Deliveries WeChat Would Refuse",
        groups=INTERNAL_USERS,
    )
    wechat_consignor_phone = fields.Char(
        "Consignor Phone",
        groups=INTERNAL_USERS,
    )
    wechat_sub_mchid = fields.Char(
        "Sub-merchant ID (service provider payments)",
        groups=INTERNAL_USERS,
    )
    wechat_payment_match = fields.Selection(
        [
            ("name", "Order reference"),
            ("client_order_ref", "Customer reference"),
            ("none", "Not at all"),
        ],
        string="Match WeChat Pay Payments By",
        # Companies that upgrade keep "none" (migrations/18.0.1.5.0).
        default="name",
        required=True,
        groups=INTERNAL_USERS,
    )
    wechat_merchant_ids = fields.Char(
        "WeChat Pay Merchant IDs",
        groups=INTERNAL_USERS,
    )
    wechat_confirm_paid_quotations = fields.Boolean(
        "Confirm Paid Quotations",
        groups=INTERNAL_USERS,
    )
    wechat_item_id_source = fields.Selection(
        [("default_code", "Internal Reference"), ("barcode", "Barcode")],
        string="Merchant Item ID From",
        default="default_code",
        required=True,
        groups=INTERNAL_USERS,
    )
    wechat_shopping_details_by = fields.Selection(
        [("odoo", "This Odoo"), ("other", "Another system")],
        string="Shopping Details Uploaded By",
        default="odoo",
        required=True,
        groups=INTERNAL_USERS,
    )
    wechat_enum_names = fields.Boolean(
        "Send Enumerations as Names",
        groups=INTERNAL_USERS,
    )
    wechat_public_base_url = fields.Char(
        "Public Address for Product Images",
        groups=INTERNAL_USERS,
    )
    wechat_order_page = fields.Char(
        "Mini Program Order Page",
        size=512,
        groups=INTERNAL_USERS,
    )
    wechat_product_page = fields.Char(
        "Mini Program Product Page",
        size=512,
        groups=INTERNAL_USERS,
    )
    # The page a buyer's shipping messages open (set_msg_jump_path).
    wechat_msg_jump_path = fields.Char(
        "Mini Program Page Opened from Shipping Messages",
        size=512,
        groups=INTERNAL_USERS,
    )
    # WeChat's message push (消息推送): what signs and encrypts the events it sends to
    # Odoo.
    wechat_push_token = fields.Char(
        "WeChat Message Token",
        groups=CREDENTIALS_GROUP,
        copy=False,
    )
    wechat_push_aes_key = fields.Char(
        "WeChat EncodingAESKey",
        groups=CREDENTIALS_GROUP,
        copy=False,
    )
    wechat_push_url = fields.Char(
        "WeChat Message Push URL",
        compute="_compute_wechat_push_url",
        groups=CREDENTIALS_GROUP,
    )

    def _compute_wechat_push_url(self):
        base = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("web.base.url", "")
            .rstrip("/")
        )
        for company in self:
            company.wechat_push_url = (
                f"{base}/wechat_shipping/push/{company.id}" if company.id else False
            )

    @api.constrains("wechat_push_token", "wechat_push_aes_key")
    def _check_wechat_push_settings(self):
        """A Token or EncodingAESKey WeChat's console would not take is refused when
        typed."""
        for company in self.sudo():
            token, key = company.wechat_push_token, company.wechat_push_aes_key
            if token and not (
                3 <= len(token) <= 32 and token.isascii() and token.isalnum()
            ):
                raise ValidationError(
                    self.env._(
                        "%(field)s: 3 to 32 letters and digits.",
                        field=self._wechat_label("wechat_push_token"),
                    )
                )
            if key:
                try:
                    push.aes_key(key)
                except ValueError:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: the 43 characters (letters, digits, + and /) "
                            "of the Mini Program's message push settings.",
                            field=self._wechat_label("wechat_push_aes_key"),
                        )
                    ) from None

    @api.constrains("wechat_consignor_phone")
    def _check_wechat_consignor_phone(self):
        """A consignor phone WeChat cannot take is refused when it is typed."""
        for company in self.filtered("wechat_consignor_phone"):
            try:
                masking.mask_contact(company.wechat_consignor_phone)
            except masking.ContactInvalid as error:
                raise ValidationError(error.message(self.env.lang)) from None

    @api.constrains("wechat_sub_mchid")
    def _check_wechat_sub_mchid(self):
        """A sub-merchant id that is no merchant number is refused when it is typed."""
        for company in self.sudo().filtered("wechat_sub_mchid"):
            if problems := validation.check_sub_mchid(company.wechat_sub_mchid):
                # Named as the settings page names the company's own.
                names = field_labels(
                    self.env, sub_mchid=("res.company", "wechat_sub_mchid")
                )
                raise ValidationError(
                    report.describe(problems, self.env.lang, company.name, names)
                )

    @api.constrains("wechat_merchant_ids")
    def _check_wechat_merchant_ids(self):
        """Merchant ids that are no WeChat Pay merchant numbers are refused when they
        are typed."""
        for company in self.sudo().filtered("wechat_merchant_ids"):
            if bad := payment_matching.merchant_ids(company.wechat_merchant_ids)[1]:
                raise ValidationError(
                    self.env._(
                        "%(field)s: WeChat Pay merchant IDs (8 to 12 digits), "
                        "separated by commas; %(bad)s is not one.",
                        field=self._wechat_label("wechat_merchant_ids"),
                        bad=report.shorten(bad[0], 40),
                    )
                )

    @api.constrains("wechat_appid")
    def _check_wechat_appid(self):
        """An AppID WeChat cannot know is refused when it is typed, not at the first
        token request."""
        for company in self.sudo().filtered("wechat_appid"):
            if problems := validation.check_appid(company.wechat_appid):
                raise ValidationError(
                    report.describe(
                        problems, self.env.lang, company.name, field_labels(self.env)
                    )
                )

    @api.constrains("wechat_api_base_url")
    def _check_wechat_api_base_url(self):
        """The address the AppSecret goes to: an http(s) URL with a host and nothing
        after the path."""
        for company in self.sudo():
            if not _is_api_url(company.wechat_api_base_url or ""):
                raise ValidationError(
                    self.env._(
                        "%(field)s: an address such as %(example)s (http or https, a "
                        "host, no query).",
                        field=self._wechat_label("wechat_api_base_url"),
                        example=WECHAT_API,
                    )
                )

    @api.constrains("wechat_public_base_url")
    def _check_wechat_public_base_url(self):
        for company in self.sudo().filtered("wechat_public_base_url"):
            if not _is_api_url(company.wechat_public_base_url):
                raise ValidationError(
                    self.env._(
                        "%(field)s: an address such as %(example)s (http or https, a "
                        "host, no query).",
                        field=self._wechat_label("wechat_public_base_url"),
                        example="https://shop.example.com",
                    )
                )

    @api.constrains("wechat_order_page")
    def _check_wechat_order_page(self):
        """A page template that could not be filled in is refused when it is typed."""
        for company in self.sudo().filtered("wechat_order_page"):
            if (
                company._wechat_order_page_path({key: "X" for key in ORDER_PAGE_FIELDS})
                is None
            ):
                raise ValidationError(
                    self.env._(
                        "%(field)s: a page path such as %(example)s, at most 512 "
                        "characters, using only the placeholders %(fields)s.",
                        field=self._wechat_label("wechat_order_page"),
                        example="pages/order/detail?out_trade_no={out_trade_no}",
                        fields=", ".join(f"{{{key}}}" for key in ORDER_PAGE_FIELDS),
                    )
                )

    @api.constrains("wechat_product_page")
    def _check_wechat_product_page(self):
        """A page template that could not be filled in is refused when it is typed."""
        for company in self.sudo().filtered("wechat_product_page"):
            if company._wechat_product_page_path("X") is None:
                raise ValidationError(
                    self.env._(
                        "%(field)s: a page path such as %(example)s, at most 512 "
                        "characters, using only the placeholder %(fields)s.",
                        field=self._wechat_label("wechat_product_page"),
                        example="pages/goods/detail?sku={merchant_item_id}",
                        fields=", ".join(f"{{{key}}}" for key in PRODUCT_PAGE_FIELDS),
                    )
                )

    def _wechat_family_names(self):
        """The upload families this company sends to: 'order_shipping',
        'shopping_details' (the Shopping Order's first half, when this Odoo uploads
        them) and 'shopping_order'."""
        company = self.sudo()
        families = company.wechat_families
        names = (
            ["order_shipping", "shopping_order"] if families == "both" else [families]
        )
        if "shopping_order" in names and company.wechat_shopping_details_by == "odoo":
            names.insert(names.index("shopping_order"), "shopping_details")
        return names

    def _wechat_mchids(self):
        """The WeChat Pay merchant ids this company's payments are taken by."""
        return payment_matching.merchant_ids(self.sudo().wechat_merchant_ids)[0]

    def _wechat_order_page_path(self, values):
        """The order page with `values` (placeholder -> text) filled in; None when the
        template names another placeholder, is malformed or comes out too long; '' when
        none is set."""
        return _fill_page(self.sudo().wechat_order_page, ORDER_PAGE_FIELDS, values)

    def _wechat_product_page_path(self, merchant_item_id):
        """The product page of an item, like _wechat_order_page_path. The item id is
        URL-encoded: it is free text (an internal reference, a barcode) that could
        otherwise end the page's query parameter (&, #, a space)."""
        return _fill_page(
            self.sudo().wechat_product_page,
            PRODUCT_PAGE_FIELDS,
            {"merchant_item_id": quote(merchant_item_id or "", safe="")},
        )

    def _wechat_connection_report(self):
        """Lines saying, in the user's language, whether this company reaches WeChat: a
        token, and WeChat's answers on trade management (asked only once a token was
        had)."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        names = field_labels(self.env)
        client, error = self._wechat_sender()
        if error:
            return [error._translate(lang)]
        try:
            client.token_source.token()
        except tokens.TokenError as failure:
            why = failure.info.text(lang, names) if failure.info else str(failure)
            return [
                self.env._(
                    "No access token: %s", report.shorten(why, report.MAX_MESSAGE_CHARS)
                )
            ]
        lines = [
            self.env._(
                "WeChat gave an access token for AppID %s.", self.sudo().wechat_appid
            )
        ]
        lines += self._wechat_trade_management_lines(client, lang, names)
        if path := self.sudo().wechat_msg_jump_path:
            result = client.set_msg_jump_path(path)
            lines.append(
                self.env._("WeChat's shipping messages now open %s.", path)
                if result.accepted
                else result.describe(lang, names)
            )
        return lines

    def _wechat_trade_management_lines(self, client, lang, names):
        """WeChat's answers on trade management, a line each, in `lang`, fields named
        by their labels `names`."""
        questions = (
            (
                client.is_trade_managed,
                "is_trade_managed",
                self.env._(
                    "WeChat manages this Mini Program's trades: it "
                    "holds the funds of each payment until its "
                    "shipping is uploaded (Order Shipping Management)."
                ),
                self.env._(
                    "WeChat does not manage this Mini Program's "
                    "trades: funds are not held for shipping."
                ),
            ),
            (
                client.confirmation_completed,
                "completed",
                self.env._(
                    "The trade management confirmation "
                    "is completed in WeChat's console."
                ),
                self.env._(
                    "The trade management confirmation is "
                    "not completed yet in WeChat's console."
                ),
            ),
        )
        lines = []
        for ask, answer, yes, no in questions:
            result = ask(self.sudo().wechat_appid)
            lines.append(
                (yes if result.data.get(answer) else no)
                if result.accepted
                else result.describe(lang, names)
            )
        return lines

    def _wechat_push_settings(self):
        """What checks this company's pushes, or None when it takes none (no Token)."""
        self.ensure_one()
        company = self.sudo()
        if not company.wechat_push_token or not company.wechat_appid:
            return None
        return push.PushSettings(
            company.wechat_push_token,
            company.wechat_appid,
            company.wechat_push_aes_key or None,
        )

    def _wechat_client(self):
        """A client for this company's WeChat account."""
        self.ensure_one()
        company = self.sudo()
        if error := company._wechat_config_error():
            raise UserError(str(error))
        base_url = company.wechat_api_base_url.rstrip("/")
        if company.wechat_token_mode == "authorizer":
            # Read once per client, in the worker's thread: the threads that make the
            # calls never touch the database. The platform module rotates it; the next
            # claim reads it anew.
            token = company.wechat_authorizer_access_token
            source = tokens.AuthorizerTokenSource(lambda: token)
        else:
            token_class = (
                tokens.StableTokenSource
                if company.wechat_token_mode == "stable"
                else tokens.ClassicTokenSource
            )
            # No session given: each call goes through its calling thread's, so that the
            # pool's threads keep connections of their own.
            source = token_class(
                base_url,
                company.wechat_appid,
                company.wechat_app_secret,
                timeout=self._wechat_timeout(),
            )
        return client.WeChatClient(
            base_url,
            source,
            timeout=self._wechat_timeout(),
            send_enum_names=company.wechat_enum_names,
        )

    def _wechat_sender(self):
        """(client, None) for this company's WeChat account, or (None, what keeps it
        from calling)."""
        error = self._wechat_config_error()
        return (None, error) if error else (self._wechat_client(), None)

    def _wechat_timeout(self):
        """(connect, read) seconds; system parameter `wechat_shipping.timeout`, e.g.
        "3.05,10"."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("wechat_shipping.timeout", "3.05,10")
        )
        try:
            connect, read = (float(part) for part in value.split(","))
        except ValueError:
            return (3.05, 10.0)
        return (connect, read)

    def _wechat_config_error(self):
        """What keeps this company from calling WeChat (a lazy translation, naming the
        fields by their labels in the language it is read in), or None."""
        self.ensure_one()
        company = self.sudo()
        if company.wechat_token_mode == "authorizer":
            missing = not company.wechat_authorizer_access_token
        else:
            missing = not company.wechat_appid or not company.wechat_app_secret
        if not missing:
            return None
        return LabelledText(
            self.env,
            _lt(
                "The WeChat credentials of %(company)s are not set ([[appid]] and "
                "[[app_secret]], or the third-party platform's authorizer token): "
                "Inventory > Configuration > Settings > WeChat Shipping.",
                company=company.name,
            ),
        )

    def _wechat_label(self, field):
        """The label of one of this model's fields, as the reader sees it on
        screen."""
        return self._fields[field]._description_string(self.env)


def _fill_page(template, placeholders, values):
    """A Mini Program page `template` with `values` (placeholder -> text) filled in;
    None when it names another placeholder, is malformed or comes out too long for
    WeChat (512 bytes); '' when there is no template."""
    try:
        path = (template or "").format_map(
            {key: values.get(key) or "" for key in placeholders}
        )
    except (KeyError, ValueError, IndexError, AttributeError):
        return None
    return path if len(path.encode()) <= 512 and path.isprintable() else None


def _is_api_url(text):
    """An http(s) URL with a host (and a valid port, if any), without query or
    fragment."""
    try:
        url = urlsplit(text)
        port = url.port  # raises ValueError on a port that is no number
    except ValueError:
        return False
    return (
        url.scheme in ("http", "https")
        and bool(url.hostname)
        and (port is None or 0 <= port <= 65535)
        and not (url.query or url.fragment)
    )
