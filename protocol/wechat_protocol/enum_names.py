"""The two encodings of the Shopping Order family's enumerations.

WeChat's tables type `order_number_type`, `delivery_mode` and `logistics_type` as
numbers, its examples send their names; which one its parser takes is not known
(wechat-shipping-api.md). Payloads are built with numbers; a company may have every call
of the family carry `delivery_mode` and `logistics_type` as names instead
(SENT_AS_NAMES), and WeChat's side (the sandbox) reads both encodings of all three."""

from collections.abc import Mapping

NAMES = {
    "order_number_type": {1: "MERCHANT_TRADE_NUMBER", 2: "WXPAY_TRADE_NUMBER"},
    "delivery_mode": {1: "UNIFIED_DELIVERY", 2: "SPLIT_DELIVERY"},
    "logistics_type": {
        1: "PHYSICAL_LOGISTICS",
        2: "LOCATION_BASED_LOGISTICS",
        3: "VIRTUAL_GOODS",
        4: "SELF_PICKUP",
    },
}
# What names mode sends as names. `order_number_type` stays a number in both modes: the
# SDKs (WxJava, SKIT) and SKIT's samples of every call of the family send it as 1 or 2,
# also where they send the other two as names; nothing shows WeChat taking its name.
SENT_AS_NAMES = ("delivery_mode", "logistics_type")
# Enumerations sit at most this deep in a body
# (sub_orders[i].order_key.order_number_type); deeper values are left as they are, so a
# hostile nesting costs no recursion.
MAX_DEPTH = 6
NUMBERS = {
    key: {name: number for number, name in names.items()}
    for key, names in NAMES.items()
}
# What a value of neither encoding reads as: a number no rule allows, so the family's
# own code for the field (268485194, 268485224...) answers it rather than a data-format
# error.
ILLEGAL = -1


def to_names(body):
    """A copy of a wire body whose `delivery_mode` and `logistics_type` numbers are
    names; `order_number_type` stays a number."""
    return _walk(body, _name)


def to_numbers(body):
    """A copy of a wire body whose enumerations are numbers: names read as their number,
    anything that is neither (another text, a list, true) as ILLEGAL."""
    return _walk(body, _number)


def _name(key, value):
    return NAMES[key].get(value, value) if key in SENT_AS_NAMES else value


def _number(key, value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value is None:
        return None
    return NUMBERS[key].get(value, ILLEGAL) if isinstance(value, str) else ILLEGAL


def _walk(value, convert, depth=0):
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {
            key: convert(key, item) if key in NAMES else _walk(item, convert, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_walk(item, convert, depth + 1) for item in value]
    return value
