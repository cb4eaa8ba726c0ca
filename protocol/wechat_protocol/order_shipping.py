"""Order Shipping Management (发货信息管理, `/wxa/sec/order/...`): typed shipping
payloads that serialize to exactly WeChat's wire JSON.

This family releases a merchant's WeChat Pay funds once shipping is recorded. It shares
order keys, masked contacts and upload times with the Shopping Order family
(payload.py); its parcels carry a description (`item_desc`) instead of item ids, and an
order says how it travels (`logistics_type`) and whether everything has shipped
(`is_all_delivered`)."""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from . import endpoints, order_shipping_validation, payload, text
from .payload import Contact, DeliveryMode, OrderKey

MAX_ITEM_DESC_CHARS = 120


class LogisticsType(enum.IntEnum):
    """How an order reaches the buyer."""

    EXPRESS = 1
    SAME_CITY = 2
    VIRTUAL = 3
    PICKUP = 4


@dataclass(frozen=True)
class Parcel:
    """One parcel: what it holds in words and, for express, its tracking number and
    carrier."""

    item_desc: str
    tracking_no: str | None = None
    express_company: str | None = None
    contact: Contact | None = None

    def to_wire(self, logistics_type: LogisticsType) -> dict:
        """Return the shipping_list entry; tracking fields only for express
        shipments."""
        wire = {}
        if logistics_type == LogisticsType.EXPRESS:
            wire.update(
                tracking_no=self.tracking_no, express_company=self.express_company
            )
        wire["item_desc"] = self.item_desc
        contact = self.contact.to_wire() if self.contact else {}
        if contact:
            wire["contact"] = contact
        return wire


@dataclass(frozen=True)
class OrderShipment:
    """One payment order's shipping so far: every parcel shipped, and whether that is
    all."""

    order_key: OrderKey
    logistics_type: LogisticsType
    parcels: tuple[Parcel, ...]
    is_all_delivered: bool
    # Split once WeChat holds a split upload of the order: changing the mode would spend
    # its one change (a backorder cancelled after the first parcel leaves one parcel
    # carrying all).
    keep_split: bool = False

    @property
    def delivery_mode(self) -> DeliveryMode:
        """Unified for one parcel carrying everything; split while more parcels may
        follow."""
        if len(self.parcels) == 1 and self.is_all_delivered and not self.keep_split:
            return DeliveryMode.UNIFIED_DELIVERY
        return DeliveryMode.SPLIT_DELIVERY

    def to_wire(self) -> dict:
        """Return order_key, logistics_type, delivery_mode, is_all_delivered and
        shipping_list."""
        return {
            "order_key": self.order_key.to_wire(),
            "logistics_type": int(self.logistics_type),
            "delivery_mode": int(self.delivery_mode),
            "is_all_delivered": self.is_all_delivered,
            "shipping_list": [
                parcel.to_wire(self.logistics_type) for parcel in self.parcels
            ],
        }


# The request bodies have the shape of the Shopping Order family's, with this family's
# orders (OrderShipment), path and rules.
@dataclass(frozen=True)
class ShippingInfo(payload.SingleShippingInfo):
    """upload_shipping_info: the shipping of one payment order (`order`: an
    OrderShipment)."""

    path: ClassVar[str] = endpoints.OSM_SINGLE_SHIPPING
    rules: ClassVar[Callable] = staticmethod(order_shipping_validation.check_single)


@dataclass(frozen=True)
class CombinedShippingInfo(payload.CombinedShippingInfo):
    """upload_combined_shipping_info: the shipping of a combined payment's
    sub-orders."""

    path: ClassVar[str] = endpoints.OSM_COMBINED_SHIPPING
    rules: ClassVar[Callable] = staticmethod(order_shipping_validation.check_combined)


_MORE = {"zh": "等另外 {count} 种商品", "en": " and {count} more"}
_SEPARATOR = {"zh": "、", "en": ", "}


def describe_items(items, lang: str = "zh_CN", limit: int = MAX_ITEM_DESC_CHARS) -> str:
    """What a parcel holds, in words: `茶叶礼盒*2、青瓷杯*1`.
     `items`: (name, quantity) pairs. Longer than `limit` characters, the text keeps
    the items that fit whole and says how many more there are; a first name that
    alone is too long is cut, never inside a character (combining marks stay with
    their letter)."""
    key = "zh" if (lang or "").lower().startswith("zh") else "en"
    words = [
        f"{' '.join(str(name).split())}*{_quantity(quantity)}"
        for name, quantity in items
    ]
    separator = _SEPARATOR[key]
    kept = []
    for index, word in enumerate(words):
        rest = len(words) - index - 1
        tail = _MORE[key].format(count=rest) if rest else ""
        if len(separator.join([*kept, word]) + tail) <= limit:
            kept.append(word)
            continue
        if not kept:
            tail = _MORE[key].format(count=len(words) - 1) if len(words) > 1 else ""
            return text.cut(word, limit - len(tail) - 1) + "…" + tail
        return separator.join(kept) + _MORE[key].format(count=len(words) - len(kept))
    return separator.join(kept)


def _quantity(quantity) -> str:
    """2.0 -> '2'; 1.5 -> '1.5'."""
    number = float(quantity)
    return str(int(number)) if number.is_integer() else f"{number:g}"
