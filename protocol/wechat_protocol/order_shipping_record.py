"""What WeChat holds of each payment order's shipping (Order Shipping Management), and
what an upload may still change of it.

WeChat counts the upload that completes a payment's shipping (`finish_shipping_count` 1)
and allows one change after it (2); a third answers 10060003. Partial split uploads
before completion, and uploads that change nothing, are not counted. A caller keeps, per
payment, the wire order WeChat holds and that count; `plan()` then says what an upload
should carry: changed orders as built, the others as WeChat holds them, so that an
upload never spends a payment's one change on something the merchant did not change (a
phone number edited, another sub-order of a combined payment shipped), and never carries
a change WeChat would refuse.

What WeChat holds is known from the uploads it accepted, or read back from get_order,
whose answer states less than an upload says (WeChat's example: no contacts, one
description for the whole shipping): "unchanged" is judged on what both state."""

import copy

from .order_shipping_validation import MAX_ITEM_DESC_CHARS

# finish_shipping_count once the one change of a complete shipping is used
CHANGE_LIMIT = 2


def key_id(order_key_wire: dict) -> str:
    """A payment order's key as one string: `wx:<transaction_id>` or
    `mch:<mchid>:<out_trade_no>`."""
    if order_key_wire.get("order_number_type") == 2:
        return "wx:{}".format(order_key_wire.get("transaction_id"))
    return "mch:{}:{}".format(
        order_key_wire.get("mchid"),
        order_key_wire.get("out_trade_no"),
    )


def orders_of(body: dict) -> list[dict]:
    """The wire orders (payment orders) an upload body carries: its sub-orders, or
    itself."""
    return list(body["sub_orders"]) if "sub_orders" in body else [body]


def is_complete(order_wire: dict) -> bool:
    """Whether a wire order says everything has shipped (unified mode always does)."""
    return (
        bool(order_wire.get("is_all_delivered")) or order_wire.get("delivery_mode") == 1
    )


def _parcels_of(order_wire: dict) -> list[dict]:
    return [p for p in order_wire.get("shipping_list") or () if isinstance(p, dict)]


def _parcel_ids(parcels) -> list[tuple]:
    """Each parcel's tracking number and carrier, in a stable order: WeChat's answers
    are not known to keep the upload's order of parcels."""
    return sorted(_ids(parcels))


def _descriptions_agree(order_wire: dict, held_wire: dict) -> bool:
    """Whether WeChat's description of the shipping is the wire order's, as far as
    WeChat states it: per parcel when it says each parcel's (SDK models allow it), the
    shipping's `goods_desc` against a lone parcel's (WeChat's example answer). How
    WeChat words several parcels in one `goods_desc` is not documented: there the
    descriptions are not compared, so an unknown wording never spends the one change."""
    ours, theirs = _parcels_of(order_wire), _parcels_of(held_wire)
    if theirs and all(p.get("item_desc") for p in theirs):
        return _described(ours) == _described(theirs)
    if held_wire.get(GOODS_DESC) and len(ours) == 1:
        return (ours[0].get("item_desc") or "") == held_wire[GOODS_DESC]
    return True


def _id(parcel) -> tuple:
    return (parcel.get("tracking_no") or "", parcel.get("express_company") or "")


def _ids(parcels) -> list[tuple]:
    return [_id(p) for p in parcels]


def _described(parcels) -> list[tuple]:
    return sorted((*_id(p), p.get("item_desc") or "") for p in parcels)


def same_shipping(order_wire: dict, other_wire: dict | None) -> bool:
    """Whether two wire orders record the same shipping: how it travels, whether it is
    complete, each parcel's tracking number and carrier, and its description as WeChat
    states it (upload time, payer and contacts aside). `other_wire` may be WeChat's
    record (record_as_wire), which knows less than an upload says."""
    if other_wire is None:
        return False
    return (
        order_wire.get("logistics_type") == other_wire.get("logistics_type")
        and order_wire.get("delivery_mode") == other_wire.get("delivery_mode")
        and is_complete(order_wire) == is_complete(other_wire)
        and _parcel_ids(_parcels_of(order_wire)) == _parcel_ids(_parcels_of(other_wire))
        and _descriptions_agree(order_wire, other_wire)
    )


WIRE_ORDER_KEYS = (
    "order_key",
    "logistics_type",
    "delivery_mode",
    "is_all_delivered",
    "shipping_list",
)
# Where a record read from WeChat keeps the shipping's own description (get_order's
# `shipping.goods_desc`); never a key of an upload.
GOODS_DESC = "goods_desc"


def held_form(order_wire: dict) -> dict:
    """The wire order as WeChat keeps it once accepted (a copy, without upload time or
    payer)."""
    return copy.deepcopy(
        {key: order_wire[key] for key in WIRE_ORDER_KEYS if key in order_wire}
    )


def record_as_wire(record: dict, order_key_wire: dict) -> dict | None:
    """WeChat's record of a payment order (get_order's `order`) as the wire order it
    holds, or None while it holds no shipping. Read tolerantly: WeChat's example answer
    has the description once, on `shipping` (kept under GOODS_DESC), and parcels of
    `tracking_no`, `express_company` and `upload_time` only; SDK models also allow a
    parcel's own `goods_desc` and `contact`, taken when present. Unknown fields are
    ignored."""
    shipping = record.get("shipping") if isinstance(record, dict) else None
    shipping = shipping if isinstance(shipping, dict) else {}
    held_parcels = _parcels_of(shipping)
    if not held_parcels:
        return None
    parcels = []
    for held in held_parcels:
        parcel = {
            key: held[key]
            for key in ("tracking_no", "express_company")
            if isinstance(held.get(key), str) and held[key]
        }
        if isinstance(held.get("goods_desc"), str) and held["goods_desc"]:
            parcel["item_desc"] = held["goods_desc"]
        if isinstance(held.get("contact"), dict) and held["contact"]:
            parcel["contact"] = held["contact"]
        parcels.append(parcel)
    count = shipping.get("finish_shipping_count")
    wire = {
        "order_key": copy.deepcopy(order_key_wire),
        "logistics_type": shipping.get("logistics_type"),
        "delivery_mode": shipping.get("delivery_mode"),
        "is_all_delivered": bool(
            shipping.get("finish_shipping") or (isinstance(count, int) and count > 0)
        ),
        "shipping_list": parcels,
    }
    if isinstance(shipping.get("goods_desc"), str) and shipping["goods_desc"]:
        wire[GOODS_DESC] = shipping["goods_desc"]
    return wire


def finish_count(record: dict) -> int:
    """WeChat's finish_shipping_count of a record (get_order's `order`): 0 when absent
    or not a count, 1 when only `finish_shipping` says the shipping is complete."""
    shipping = record.get("shipping") if isinstance(record, dict) else None
    shipping = shipping if isinstance(shipping, dict) else {}
    count = shipping.get("finish_shipping_count")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        return count
    return 1 if shipping.get("finish_shipping") is True else 0


def carried(held_wire: dict, order_wire: dict) -> dict:
    """The wire order to send for a payment whose shipping WeChat holds and this upload
    does not change: as WeChat holds it, under the upload's order key. What WeChat's
    record does not say of a parcel (its description, its contacts) comes from the
    upload's parcel of the same tracking number and carrier, else the shipping's own
    description: a held copy never goes out without a description."""
    wire = {key: held_wire[key] for key in WIRE_ORDER_KEYS if key in held_wire}
    wire = copy.deepcopy({**wire, "order_key": order_wire["order_key"]})
    ours = {_id(p): p for p in _parcels_of(order_wire)}
    # One order's parcels share their contacts: any of the upload's serves.
    fallback = {
        "item_desc": held_wire.get(GOODS_DESC) or _first(ours.values(), "item_desc"),
        "contact": _first(ours.values(), "contact"),
    }
    for parcel in _parcels_of(wire):
        same = ours.get(_id(parcel), {})
        for name in ("item_desc", "contact"):
            if not parcel.get(name) and (same.get(name) or fallback[name]):
                parcel[name] = copy.deepcopy(same.get(name) or fallback[name])
        parcel["item_desc"] = parcel.get("item_desc", "")[:MAX_ITEM_DESC_CHARS]
    return wire


def _first(parcels, name):
    return next((p[name] for p in parcels if p.get(name)), None)


def plan(
    body: dict, held: dict, counts: dict
) -> tuple[dict | None, list[str], list[str]]:
    """What an upload of `body` should carry given what WeChat holds.

    `held`: key id -> the wire order WeChat holds; `counts`: key id -> its
    finish_shipping_count. Returns (the body to send, or None when it would change
    nothing WeChat would take; the key ids it changes; the key ids whose change WeChat
    would refuse (10060003), which the body carries as WeChat holds them)."""
    changed, refused, carrying = [], [], []
    for order in orders_of(body):
        key = key_id(order["order_key"])
        before = held.get(key)
        if before is not None and (
            same_shipping(order, before) or counts.get(key, 0) >= CHANGE_LIMIT
        ):
            if not same_shipping(order, before):
                refused.append(key)
            carrying.append(carried(before, order))
        else:
            changed.append(key)
            carrying.append(order)
    if not changed:
        return None, changed, refused
    if "sub_orders" in body:
        return {**body, "sub_orders": carrying}, changed, refused
    return {**body, **carrying[0]}, changed, refused


def counts_after(body: dict, held: dict, counts: dict) -> dict:
    """finish_shipping_count of each payment once WeChat accepted `body` (as plan() made
    it): a complete shipping counts 1, a change of a complete one 2; partial uploads
    count nothing."""
    after = dict(counts)
    for order in orders_of(body):
        key = key_id(order["order_key"])
        if same_shipping(order, held.get(key)):
            continue
        if after.get(key, 0) or is_complete(order):
            after[key] = after.get(key, 0) + 1
    return after


def held_after(body: dict, held: dict) -> dict:
    """What WeChat holds once it accepted `body`."""
    return {
        **held,
        **{key_id(order["order_key"]): held_form(order) for order in orders_of(body)},
    }
