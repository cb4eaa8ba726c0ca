"""The label the reader sees on screen of each field a WeChat message tells a person to
fill in or check.

The protocol's texts name such a field by a placeholder (`[[tracking_no]]`,
wechat_protocol.labels), and so do the addon's own messages kept with an upload's
problems; the placeholders are filled in here, from the fields themselves, in the
language of whoever reads the text: a field renamed or translated since is named as the
screen names it now."""

from wechat_protocol import labels

# placeholder -> (model, field) whose label it stands for
FIELDS = {
    "tracking_no": ("stock.picking", "carrier_tracking_ref"),
    "received_at": ("stock.picking", "wechat_received_at"),
    "express_company": ("delivery.carrier", "wechat_express_company_id"),
    "logistics_type": ("delivery.carrier", "wechat_logistics_type"),
    "order_number_type": ("sale.order", "wechat_order_number_type"),
    "mchid": ("sale.order", "wechat_mchid"),
    "sub_mchid": ("sale.order", "wechat_sub_mchid"),
    "out_trade_no": ("sale.order", "wechat_out_trade_no"),
    "transaction_id": ("sale.order", "wechat_transaction_id"),
    "openid": ("sale.order", "wechat_payer_openid"),
    "delivery_date": ("sale.order", "commitment_date"),
    "merchant_item_id": ("product.product", "wechat_merchant_item_id"),
    "appid": ("res.company", "wechat_appid"),
    "app_secret": ("res.company", "wechat_app_secret"),
    "api_base_url": ("res.company", "wechat_api_base_url"),
    # The settings the addon's own messages name.
    "order_page": ("res.company", "wechat_order_page"),
    "product_page": ("res.company", "wechat_product_page"),
    "shopping_details_by": ("res.company", "wechat_shopping_details_by"),
}


def field_labels(env, lang=None, **fields):
    """placeholder -> the label of its field, in the language of the texts `env`'s
    reader (or a reader of `lang`) gets: Chinese for zh* languages, else English
    (wechat_protocol.report), so that a label reads in the language of the sentence
    around it; English where that language is not installed, as the screens then show.

    `fields` (placeholder=(model, field)) stand for other fields where the reader sees
    those, e.g. the company's own sub-merchant ID on the settings page."""
    lang = lang or env.lang or "en_US"
    if not lang.startswith("zh") or not env["res.lang"]._get_data(code=lang):
        lang = "en_US"
    env = env(context=dict(env.context, lang=lang))
    return {
        name: env[model]._fields[field]._description_string(env)
        for name, (model, field) in {**FIELDS, **fields}.items()
    }


def fill(env, text, lang=None):
    """`text`, its placeholders of fields filled in with their labels for `env`'s
    reader (or a reader of `lang`)."""
    lang = lang or env.lang or "en_US"
    return labels.fill(text, lang, field_labels(env, lang))


class LabelledText:
    """A lazy translation (odoo.tools.LazyTranslate) that names fields by placeholders:
    read in a language (`_translate`, as Odoo reads a lazy translation), its
    placeholders are filled in with the labels of that language."""

    def __init__(self, env, message):
        self._env = env
        self._message = message

    def _translate(self, lang=None):
        lang = lang or self._env.lang or "en_US"
        return fill(self._env, self._message._translate(lang), lang)

    def __str__(self):
        return self._translate()
