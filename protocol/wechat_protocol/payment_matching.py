"""Which merchant order a WeChat Pay payment names, by the rules a merchant can predict.

A payment of WeChat's order list (or get_order) names its merchant order number
(`merchant_trade_no`), the merchant that took it (`merchant_id`, and `sub_merchant_id`
when paid through a service provider) and its amount (`paid_amount`, fen). It names a
merchant's order when the merchant took it, it is not refunded, exactly one order
carries that number as its reference, that order has no other WeChat key, and the
amounts are equal. Anything else is left for a person, with the reason; nothing here
knows Odoo."""

import enum
import re
from dataclasses import dataclass

from .push import payment_ids
from .validation import _MCHID

# WeChat's order_state of a refunded payment (Order Shipping Management).
REFUNDED = 5
# Merchant ids as a person types them: separated by commas, semicolons or spaces
# (the Chinese comma too).
_SEPARATORS = re.compile(r"[\s,;，；]+")


class Reason(enum.Enum):
    """Why a payment names no order by itself."""

    NOT_MATCHING = "not_matching"  # the company matches no payments
    OTHER_MERCHANT = "other_merchant"  # merchant id not one of the company's
    NO_NUMBER = "no_number"  # no merchant order number
    REFUNDED = "refunded"
    NO_ORDER = "no_order"  # no order has that reference
    SEVERAL_ORDERS = "several_orders"
    KEYED_OTHERWISE = "keyed_otherwise"  # the one order has another WeChat key
    OTHER_AMOUNT = "other_amount"


@dataclass(frozen=True)
class Candidate:
    """An order whose reference is the payment's merchant order number: `ref` is the
    caller's (an id), `total_fen` its amount in fen, `keyed` whether it has a WeChat key
    already."""

    ref: object
    total_fen: int
    keyed: bool


def merchant_ids(text):
    """The merchant ids typed in `text` (order kept, duplicates dropped), and those of
    them that are no merchant number (8 to 12 digits)."""
    ids = list(dict.fromkeys(part for part in _SEPARATORS.split(text or "") if part))
    return ids, [one for one in ids if not _MCHID.fullmatch(one)]


def taken_by(wechat_order, company_mchids, company_sub_mchid):
    """Whether the merchant the company is took this payment: its merchant id is one of
    `company_mchids` and, paid through a service provider, its sub-merchant is the
    company's (`company_sub_mchid`, a merchant always paid through the provider named
    among `company_mchids`)."""
    ids = payment_ids(wechat_order)
    if ids["merchant_id"] not in company_mchids:
        return False
    return not ids["sub_merchant_id"] or ids["sub_merchant_id"] == (
        company_sub_mchid or ""
    )


def precheck(wechat_order, company_mchids, company_sub_mchid):
    """The Reason a payment names no order whatever the orders are, else None."""
    if not taken_by(wechat_order, company_mchids, company_sub_mchid):
        return Reason.OTHER_MERCHANT
    if not payment_ids(wechat_order)["merchant_trade_no"]:
        return Reason.NO_NUMBER
    if wechat_order.get("order_state") == REFUNDED:
        return Reason.REFUNDED
    return None


def choose(wechat_order, candidates):
    """(the Candidate the payment names, None) or (None, the Reason it names none);
    `candidates`: the orders whose reference is its merchant order number."""
    if not candidates:
        return None, Reason.NO_ORDER
    if len(candidates) > 1:
        return None, Reason.SEVERAL_ORDERS
    [candidate] = candidates
    if candidate.keyed:
        return None, Reason.KEYED_OTHERWISE
    amount = wechat_order.get("paid_amount")
    if (
        not isinstance(amount, int)
        or isinstance(amount, bool)
        or amount != candidate.total_fen
    ):
        return None, Reason.OTHER_AMOUNT
    return candidate, None
