"""The merchant's fields that the protocol's texts tell a person to fill in or check.

The protocol knows WeChat, not the system it runs in: how that system labels its fields
(translated, renamed by a merchant) is the system's to say. A text names such a field by
a placeholder, `[[tracking_no]]`, and whoever shows the text fills it in (`fill`) with
the label the reader sees on screen, or, given none, with the words of the glossary
(docs/glossary.md) for what the field holds."""

import re

PLACEHOLDER = re.compile(r"\[\[([a-z_]+)\]\]")

# placeholder -> (English, Chinese) words for what the field holds, for a reader of the
# protocol alone; a system fills in its own labels instead.
DEFAULT_NAMES = {
    "tracking_no": ("tracking number", "物流单号"),
    "express_company": ("WeChat express company", "微信快递公司"),
    "logistics_type": ("WeChat logistics type", "微信物流模式"),
    "mchid": ("WeChat Pay merchant ID", "微信支付商户号"),
    "sub_mchid": ("WeChat Pay sub-merchant ID", "微信支付子商户号"),
    "transaction_id": ("WeChat Pay transaction ID", "微信支付订单号"),
    "out_trade_no": ("merchant order number", "商户订单号"),
    "order_number_type": ("order number type", "订单单号类型"),
    "openid": ("payer OpenID", "付款人 OpenID"),
    "merchant_item_id": ("merchant item ID", "商户侧商品 ID"),
    "appid": ("AppID", "AppID"),
    "app_secret": ("AppSecret", "AppSecret"),
    "api_base_url": ("WeChat API address", "微信接口地址"),
    "delivery_date": ("delivery date", "交付日期"),
    "received_at": ("time the parcel was signed for", "签收时间"),
}

# `fill(text, lang, KEEP)`: the text as written, placeholders and all, for a system
# that stores it and fills it in when it is read.
KEEP = object()


def default_names(lang: str) -> dict[str, str]:
    """placeholder -> the glossary's words, in Chinese for zh* languages, else in
    English."""
    index = 1 if (lang or "").lower().startswith("zh") else 0
    return {name: words[index] for name, words in DEFAULT_NAMES.items()}


def fill(text: str, lang: str, labels=None) -> str:
    """`text` with each placeholder replaced by its label in `labels` (placeholder ->
    label), else by its default name in `lang`; a placeholder neither knows stays as
    written. `labels=KEEP` leaves the text as it is."""
    if labels is KEEP:
        return text
    names = {**default_names(lang), **(labels or {})}
    return PLACEHOLDER.sub(lambda match: names.get(match[1], match[0]), text)


def placeholders(text: str) -> set[str]:
    """The names of the placeholders in `text`."""
    return set(PLACEHOLDER.findall(text))
