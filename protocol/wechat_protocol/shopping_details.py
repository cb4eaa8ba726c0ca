"""Shopping details (购物详情, `/user-order/orders`, `/user-order/combine-orders`):
what an order holds, as the Shopping Order family's shipping calls later refer to it.

The shipping of an order names its items by `merchant_item_id` exactly as given here,
with the same order number type; WeChat refuses shipping for an order whose details it
lacks (268464998)."""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import ClassVar

from . import endpoints, payload, shopping_details_validation
from .order_shipping import LogisticsType
from .payload import OrderKey
from .rfc3339 import format_rfc3339


class JumpLinkType(str, enum.Enum):
    """Sent as names: WeChat's pages number them both ways (wechat-shipping-api.md)."""

    MINI_PROGRAM = "MINI_PROGRAM"
    URL = "URL"


@dataclass(frozen=True)
class JumpLink:
    """Where the buyer lands from WeChat's order page: a Mini Program page or a web
    address."""

    type: JumpLinkType
    appid: str | None = None
    path: str | None = None
    url: str | None = None

    def to_wire(self) -> dict:
        """Return the link object with the fields of its type."""
        if self.type == JumpLinkType.URL:
            return {"type": self.type.value, "url": self.url}
        return {"type": self.type.value, "appid": self.appid, "path": self.path}


@dataclass(frozen=True)
class Item:
    """One line of the order as the buyer sees it: unit price in fen, whole quantity."""

    merchant_item_id: str
    name: str
    description: str
    unit_price: int
    quantity: int
    image_urls: tuple[str, ...] = ()
    jump_link: JumpLink | None = None

    def to_wire(self) -> dict:
        """Return the item_list entry, without image or link when there is none."""
        wire = {
            "merchant_item_id": self.merchant_item_id,
            "name": self.name,
            "description": self.description,
            "unit_price": self.unit_price,
            "quantity": self.quantity,
        }
        if self.image_urls:
            wire["image_url"] = list(self.image_urls)
        if self.jump_link:
            wire["item_detail_jump_link"] = self.jump_link.to_wire()
        return wire


@dataclass(frozen=True)
class OrderDetails:
    """An order's number shown to the buyer, its page and its items.

    WeChat requires the page (order_detail_jump_link); details built without one are
    refused by the rules (shopping_details_validation) before anything is sent."""

    merchant_order_no: str
    items: tuple[Item, ...]
    jump_link: JumpLink | None = None

    def to_wire(self) -> dict:
        """Return merchant_order_no, order_detail_jump_link and item_list."""
        wire = {"merchant_order_no": self.merchant_order_no}
        if self.jump_link:
            wire["order_detail_jump_link"] = self.jump_link.to_wire()
        wire["item_list"] = [item.to_wire() for item in self.items]
        return wire


@dataclass(frozen=True)
class ShoppingDetails:
    """`/user-order/orders`: the details of one order."""

    path: ClassVar[str] = endpoints.SHOPPING_DETAILS
    rules: ClassVar[Callable] = staticmethod(shopping_details_validation.check_single)

    order_key: OrderKey
    order: OrderDetails
    logistics_type: LogisticsType
    upload_time: datetime
    payer_openid: str

    def to_wire(self) -> dict:
        """Return the request body."""
        return {
            "order_key": self.order_key.to_wire(),
            "order_list": [self.order.to_wire()],
            "payer": {"openid": self.payer_openid},
            "logistics_type": int(self.logistics_type),
            "upload_time": format_rfc3339(self.upload_time),
        }

    def check(self) -> list:
        """Return the validation problems of the request body."""
        return self.rules(self.to_wire())


@dataclass(frozen=True)
class SubOrderDetails:
    """A sub-order of a combined payment: its key, details and how it travels."""

    order_key: OrderKey
    order: OrderDetails
    logistics_type: LogisticsType

    def to_wire(self) -> dict:
        """Return the sub_orders entry."""
        return {
            "order_key": self.order_key.to_wire(),
            **self.order.to_wire(),
            "logistics_type": int(self.logistics_type),
        }


# The combined body has the shape of the combined shipping call's, with sub-orders that
# carry their details instead of parcels (SubOrderDetails), and this call's path and
# rules.
@dataclass(frozen=True)
class CombinedShoppingDetails(payload.CombinedShippingInfo):
    """`/user-order/combine-orders`: the details of a combined payment's sub-orders."""

    path: ClassVar[str] = endpoints.SHOPPING_COMBINED_DETAILS
    rules: ClassVar[Callable] = staticmethod(shopping_details_validation.check_combined)


def verify_body(order_key: OrderKey, payer_openid: str) -> dict:
    """The body of `/user-order/shoppinginfo/verify`."""
    return {"order_key": order_key.to_wire(), "payer": {"openid": payer_openid}}


def fen(yuan) -> int:
    """An amount of Chinese yuan (CNY) in whole fen, as WeChat Pay counts money: half a
    fen and more counts as a fen (0.005 -> 1), read from the amount's shortest decimal
    form, so that 0.29 is 29 fen, never 28.999... ."""
    return int((Decimal(str(yuan)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def allocate_fen(line_totals, total_fen: int) -> list[int]:
    """What each line costs the buyer in fen, adding up to `total_fen` exactly.
     `line_totals`: each line's total as the order computes it (taxes included,
    discounts applied), in yuan; lines below zero (a coupon, a reward) lower the
    others. The order's total is shared in proportion to the lines above zero, by
    largest remainder, so every share is a whole fen, none is negative and the shares
    add up to the total."""
    weights = [max(Fraction(str(total)), Fraction(0)) for total in line_totals]
    whole = sum(weights)
    if not whole or total_fen <= 0:
        return [0] * len(weights)
    exact = [total_fen * weight / whole for weight in weights]
    shares = [int(share) for share in exact]
    by_remainder = sorted(
        range(len(exact)), key=lambda i: (exact[i] - shares[i], -i), reverse=True
    )
    for index in by_remainder[: total_fen - sum(shares)]:
        shares[index] += 1
    return shares


def priced(fen: int, quantity: int) -> list[tuple[int, int]]:
    """(unit price, quantity) entries that cost `fen` for `quantity` pieces in whole
    fen: one entry when it divides evenly, else the pieces a fen dearer in a second
    entry."""
    unit, dearer = divmod(fen, quantity)
    entries = [(unit, quantity - dearer)] if quantity > dearer else []
    return entries + ([(unit + 1, dearer)] if dearer else [])
