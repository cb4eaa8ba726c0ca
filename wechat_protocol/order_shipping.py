"""Order Shipping Management (发货信息管理, `/wxa/sec/order/...`): typed shipping payloads that
serialize to exactly WeChat's wire JSON.

This family releases a merchant's WeChat Pay funds once shipping is recorded. It shares order
keys, masked contacts and upload times with the Shopping Order family (payload.py); its parcels
carry a description (`item_desc`) instead of item ids, and an order says how it travels
(`logistics_type`) and whether everything has shipped (`is_all_delivered`)."""
import enum
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from . import endpoints, order_shipping_validation, payload
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
    """One parcel: what it holds in words and, for express, its tracking number and carrier."""

    item_desc: str
    tracking_no: str | None = None
    express_company: str | None = None
    contact: Contact | None = None

    def to_wire(self, logistics_type: LogisticsType) -> dict:
        """Return the shipping_list entry; tracking fields only for express shipments."""
        wire = {}
        if logistics_type == LogisticsType.EXPRESS:
            wire.update(tracking_no=self.tracking_no, express_company=self.express_company)
        wire["item_desc"] = self.item_desc
        contact = self.contact.to_wire() if self.contact else {}
        if contact:
            wire["contact"] = contact
        return wire


@dataclass(frozen=True)
class OrderShipment:
    """One payment order's shipping so far: every parcel shipped, and whether that is all."""

    order_key: OrderKey
    logistics_type: LogisticsType
    parcels: tuple[Parcel, ...]
    is_all_delivered: bool

    @property
    def delivery_mode(self) -> DeliveryMode:
        """Unified for one parcel carrying everything; split while more parcels may follow."""
        if len(self.parcels) == 1 and self.is_all_delivered:
            return DeliveryMode.UNIFIED_DELIVERY
        return DeliveryMode.SPLIT_DELIVERY

    def to_wire(self) -> dict:
        """Return order_key, logistics_type, delivery_mode, is_all_delivered and shipping_list."""
        return {
            "order_key": self.order_key.to_wire(),
            "logistics_type": int(self.logistics_type),
            "delivery_mode": int(self.delivery_mode),
            "is_all_delivered": self.is_all_delivered,
            "shipping_list": [parcel.to_wire(self.logistics_type) for parcel in self.parcels],
        }


# The request bodies have the shape of the Shopping Order family's, with this family's orders
# (OrderShipment), path and rules.
@dataclass(frozen=True)
class ShippingInfo(payload.SingleShippingInfo):
    """upload_shipping_info: the shipping of one payment order (`order`: an OrderShipment)."""

    path: ClassVar[str] = endpoints.OSM_SINGLE_SHIPPING
    rules: ClassVar[Callable] = staticmethod(order_shipping_validation.check_single)


@dataclass(frozen=True)
class CombinedShippingInfo(payload.CombinedShippingInfo):
    """upload_combined_shipping_info: the shipping of a combined payment's sub-orders."""

    path: ClassVar[str] = endpoints.OSM_COMBINED_SHIPPING
    rules: ClassVar[Callable] = staticmethod(order_shipping_validation.check_combined)


_MORE = {"zh": "等另外 {count} 种商品", "en": " and {count} more"}
_SEPARATOR = {"zh": "、", "en": ", "}


def describe_items(items, lang: str = "zh_CN", limit: int = MAX_ITEM_DESC_CHARS) -> str:
    """What a parcel holds, in words: `茶叶礼盒*2、青瓷杯*1`.

    `items`: (name, quantity) pairs. Longer than `limit` characters, the text keeps the items
    that fit whole and says how many more there are; a first name that alone is too long is
    cut, never inside a character (combining marks stay with their letter)."""
    key = "zh" if (lang or "").lower().startswith("zh") else "en"
    words = [f"{' '.join(str(name).split())}*{_quantity(quantity)}" for name, quantity in items]
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
            return _cut(word, limit - len(tail) - 1) + "…" + tail
        return separator.join(kept) + _MORE[key].format(count=len(words) - len(kept))
    return separator.join(kept)


def _quantity(quantity) -> str:
    """2.0 -> '2'; 1.5 -> '1.5'."""
    number = float(quantity)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _cut(text: str, length: int) -> str:
    """At most `length` characters of text, never parting a letter from its marks or an
    emoji from its joiners, selectors and modifiers."""
    cut = max(min(length, len(text)), 0)
    while 0 < cut < len(text) and (_extends(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return text[:cut]


def _extends(char: str) -> bool:
    """A character that belongs to the one before it (a mark, a joiner, a selector, a skin tone)."""
    return (unicodedata.category(char) in ("Mn", "Me", "Mc") or char == "\u200d"
            or 0xFE00 <= ord(char) <= 0xFE0F or 0x1F3FB <= ord(char) <= 0x1F3FF)


# ---------------------------------------------------------------------- what WeChat holds

def key_id(order_key_wire: dict) -> str:
    """A payment order's key as one string: `wx:<transaction_id>` or `mch:<mchid>:<out_trade_no>`."""
    if order_key_wire.get("order_number_type") == 2:
        return "wx:%s" % order_key_wire.get("transaction_id")
    return "mch:%s:%s" % (order_key_wire.get("mchid"), order_key_wire.get("out_trade_no"))


def orders_of(body: dict) -> list[dict]:
    """The wire orders (payment orders) an upload body carries: its sub-orders, or itself."""
    return list(body["sub_orders"]) if "sub_orders" in body else [body]


def is_complete(order_wire: dict) -> bool:
    """Whether a wire order says everything has shipped (unified mode always does)."""
    return bool(order_wire.get("is_all_delivered")) or order_wire.get("delivery_mode") == 1


def _shipping_of(order_wire: dict) -> tuple:
    """What WeChat keeps of a wire order, as comparable values."""
    parcels = tuple((p.get("tracking_no") or "", p.get("express_company") or "", p.get("item_desc") or "")
                    for p in order_wire.get("shipping_list") or ())
    return order_wire.get("logistics_type"), order_wire.get("delivery_mode"), is_complete(order_wire), parcels


def same_shipping(order_wire: dict, other_wire: dict | None) -> bool:
    """Whether two wire orders record the same shipping (upload time, payer, contacts aside)."""
    return other_wire is not None and _shipping_of(order_wire) == _shipping_of(other_wire)


def held_forms(orders: list[dict]) -> dict:
    """{key id: what WeChat keeps of the wire order} for wire orders WeChat accepted; no contacts."""
    return {key_id(order["order_key"]): _held(order["logistics_type"], order["delivery_mode"], is_complete(order), [
        (p.get("tracking_no") or "", p.get("express_company") or "", p.get("item_desc") or "")
        for p in order["shipping_list"]]) for order in orders}


def _held(logistics_type, delivery_mode, complete, parcels) -> dict:
    return {"logistics_type": logistics_type, "delivery_mode": delivery_mode, "is_all_delivered": complete,
            "shipping_list": [{"tracking_no": t, "express_company": e, "item_desc": d} for t, e, d in parcels]}


def record_as_wire(record: dict) -> dict | None:
    """WeChat's record of a payment order (get_order's `order`) as the wire order it holds, or
    None while it holds no shipping."""
    shipping = record.get("shipping") or {}
    if not shipping.get("shipping_list"):
        return None
    return _held(shipping.get("logistics_type"), shipping.get("delivery_mode"), bool(shipping.get("finish_shipping")), [
        (p.get("tracking_no") or "", p.get("express_company") or "", p.get("goods_desc") or "")
        for p in shipping["shipping_list"]])


def corrections(orders: list[dict], held: dict, counts: dict) -> tuple[list[str], list[str]]:
    """How an upload of `orders` (wire orders) stands against what WeChat holds.

    `held`: key id -> the wire order WeChat holds; `counts`: key id -> its finish_shipping_count
    (0 before completion, 1 once complete, 2 after the one correction). Returns (the key ids
    the upload changes, those of them whose one correction is used up: WeChat refuses them
    with 10060003, so they must not be sent)."""
    changed = [key_id(o["order_key"]) for o in orders if not same_shipping(o, held.get(key_id(o["order_key"])))]
    used_up = [key for key in changed if counts.get(key, 0) >= 2]
    return changed, used_up


def counts_after(orders: list[dict], held: dict, counts: dict) -> dict:
    """finish_shipping_count of each order once WeChat accepted an upload of `orders`: a complete
    shipping counts 1, a change of a complete one 2; partial uploads count nothing."""
    after = dict(counts)
    for order in orders:
        key = key_id(order["order_key"])
        if same_shipping(order, held.get(key)):
            continue
        if after.get(key, 0) or is_complete(order):
            after[key] = after.get(key, 0) + 1
    return after
