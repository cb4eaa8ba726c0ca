"""What WeChat holds of each payment order's shipping (Order Shipping Management), and
what an upload may still change of it.

WeChat counts the upload that completes a payment's shipping (`finish_shipping_count` 1)
and allows one change after it (2); a third answers 10060003. Partial split uploads
before completion, and uploads that change nothing, are not counted. A caller keeps, per
payment, the wire order WeChat holds and that count; `plan()` then says what an upload
should carry: changed orders as built, the others exactly as WeChat holds them (contacts
included), so that an upload never spends a payment's one change on something the
merchant did not change (a phone number edited, another sub-order of a combined payment
shipped), and never carries a change WeChat would refuse."""

import copy

CHANGE_LIMIT = (
    2  # finish_shipping_count once the one change of a complete shipping is used
)


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


def _shipping_of(order_wire: dict) -> tuple:
    """What a merchant changes of a wire order: how it travels, whether it is complete,
    and each parcel's tracking number, carrier and description (not its contacts)."""
    parcels = tuple(
        (
            p.get("tracking_no") or "",
            p.get("express_company") or "",
            p.get("item_desc") or "",
        )
        for p in order_wire.get("shipping_list") or ()
    )
    return (
        order_wire.get("logistics_type"),
        order_wire.get("delivery_mode"),
        is_complete(order_wire),
        parcels,
    )


def same_shipping(order_wire: dict, other_wire: dict | None) -> bool:
    """Whether two wire orders record the same shipping (upload time, payer, contacts
    aside)."""
    return other_wire is not None and _shipping_of(order_wire) == _shipping_of(
        other_wire
    )


WIRE_ORDER_KEYS = (
    "order_key",
    "logistics_type",
    "delivery_mode",
    "is_all_delivered",
    "shipping_list",
)


def held_form(order_wire: dict) -> dict:
    """The wire order as WeChat keeps it once accepted (a copy, without upload time or
    payer)."""
    return copy.deepcopy(
        {key: order_wire[key] for key in WIRE_ORDER_KEYS if key in order_wire}
    )


def record_as_wire(record: dict, order_key_wire: dict) -> dict | None:
    """WeChat's record of a payment order (get_order's `order`) as the wire order it
    holds, or None while it holds no shipping."""
    shipping = record.get("shipping") or {}
    if not shipping.get("shipping_list"):
        return None
    parcels = []
    for held in shipping["shipping_list"]:
        parcel = {
            key: held[key]
            for key in ("tracking_no", "express_company")
            if held.get(key)
        }
        parcel["item_desc"] = held.get("goods_desc") or ""
        if held.get("contact"):
            parcel["contact"] = held["contact"]
        parcels.append(parcel)
    return {
        "order_key": copy.deepcopy(order_key_wire),
        "logistics_type": shipping.get("logistics_type"),
        "delivery_mode": shipping.get("delivery_mode"),
        "is_all_delivered": bool(shipping.get("finish_shipping")),
        "shipping_list": parcels,
    }


def plan(
    body: dict, held: dict, counts: dict
) -> tuple[dict | None, list[str], list[str]]:
    """What an upload of `body` should carry given what WeChat holds.

    `held`: key id -> the wire order WeChat holds; `counts`: key id -> its
    finish_shipping_count. Returns (the body to send, or None when it would change
    nothing WeChat would take; the key ids it changes; the key ids whose change WeChat
    would refuse (10060003), which the body carries as WeChat holds them)."""
    changed, refused, carried = [], [], []
    for order in orders_of(body):
        key = key_id(order["order_key"])
        before = held.get(key)
        if before is not None and (
            same_shipping(order, before) or counts.get(key, 0) >= CHANGE_LIMIT
        ):
            if not same_shipping(order, before):
                refused.append(key)
            carried.append({**before, "order_key": order["order_key"]})
        else:
            changed.append(key)
            carried.append(order)
    if not changed:
        return None, changed, refused
    if "sub_orders" in body:
        return {**body, "sub_orders": carried}, changed, refused
    return {**body, **carried[0]}, changed, refused


def counts_after(body: dict, held: dict, counts: dict) -> dict:
    """finish_shipping_count of each payment once WeChat accepted `body` (as plan() made
    it): a complete shipping counts 1, a change of a complete one 2; partial uploads
    count nothing."""
    after = dict(counts)
    for order in orders_of(body):
        key = key_id(order["order_key"])
        if held.get(key) == held_form(order):
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
