"""Human-readable HTML page of what the sandbox accepted, its faults and counters."""

from html import escape

_MODES = {1: "UNIFIED_DELIVERY", 2: "SPLIT_DELIVERY"}
_LOGISTICS = {1: "express", 2: "same-city", 3: "virtual", 4: "pickup"}
_STATES = {
    1: "awaiting shipment",
    2: "shipped",
    3: "receipt confirmed",
    4: "trade complete",
    5: "refunded",
    6: "funds awaiting settlement",
}
_STYLE = (
    "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
    "td,th{border:1px solid #bbb;padding:.25em .5em;vertical-align:top;text-align:left}"
    "h2{margin-top:1.5em}.upload{margin-bottom:1.5em}"
)


def _e(value):
    return escape("" if value is None else str(value))


def _orders(body):
    """Each sub-order of an upload (a single upload is its own sub-order), either
    family."""
    return body.get("sub_orders") or [] if "sub_orders" in body else [body]


def _how(order):
    """Delivery mode, and for Order Shipping Management the logistics type and
    completeness."""
    mode = _MODES.get(order.get("delivery_mode"), order.get("delivery_mode"))
    if "logistics_type" not in order:
        return mode
    done = "all delivered" if order.get("is_all_delivered") else "more to come"
    return "{}, {}, {}".format(
        _LOGISTICS.get(order.get("logistics_type"), order.get("logistics_type")),
        mode,
        done,
    )


def _key_text(key):
    if key.get("order_number_type") == 2:
        return "transaction_id {}".format(key.get("transaction_id"))
    return "mchid {} / out_trade_no {}".format(
        key.get("mchid"), key.get("out_trade_no")
    )


def _upload(upload):
    body = upload["body"]
    rows = []
    for order in _orders(body):
        for parcel in order.get("shipping_list") or []:
            items = ", ".join(
                str(i.get("merchant_item_id")) for i in parcel.get("item_list") or []
            )
            items = parcel.get("item_desc") or items
            contact = parcel.get("contact") or {}
            rows.append(
                "<tr>{}</tr>".format(
                    "".join(
                        f"<td>{_e(v)}</td>"
                        for v in (
                            _key_text(order.get("order_key") or {}),
                            _how(order),
                            parcel.get("tracking_no"),
                            parcel.get("express_company"),
                            items or "-",
                            contact.get("consignor_contact"),
                            contact.get("receiver_contact"),
                        )
                    )
                )
            )
    payer = (body.get("payer") or {}).get("openid")
    return (
        '<div class="upload"><h3>#{} {}</h3><p>order <b>{}</b>, upload_time <b>{}</b>, '
        "received {}, payer {}</p><table><tr><th>sub-order</th><th>delivery mode</th>"
        "<th>tracking no</th><th>express</th>"
        "<th>item ids / item_desc</th><th>consignor contact</th>"
        "<th>receiver contact</th></tr>{}</table></div>".format(
            _e(upload["seq"]),
            _e(upload["path"]),
            _e(upload["order"]),
            _e(upload["upload_time"]),
            _e(upload["received_at"]),
            _e(payer),
            "".join(rows),
        )
    )


def _payments(state):
    """A row per payment WeChat Pay knows, with WeChat's side of its shipping."""
    with state.payments() as book:
        orders = [payment.as_order() for payment in book.payments.values()]
    rows = "".join(
        "<tr>{}</tr>".format(
            "".join(
                f"<td>{_e(v)}</td>"
                for v in (
                    o["transaction_id"],
                    "{} / {}".format(o["merchant_id"], o["merchant_trade_no"])
                    if o["merchant_id"]
                    else "-",
                    o["openid"],
                    _STATES.get(o["order_state"], o["order_state"]),
                    o["shipping"]["finish_shipping_count"],
                    o["shipping"]["goods_desc"] or "-",
                )
            )
        )
        for o in orders
    )
    return (
        (
            "<table><tr><th>transaction id</th>"
            "<th>mchid / out_trade_no</th><th>payer</th><th>order state</th>"
            f"<th>finish_shipping_count</th><th>goods</th></tr>{rows}</table>"
        )
        if rows
        else "<p>none</p>"
    )


def _shopping(state):
    """A row per order whose shopping details WeChat holds (Shopping Order family)."""
    with state.shopping() as (shopping, _book):
        held = shopping.summary()
    rows = "".join(
        "<tr>{}</tr>".format(
            "".join(
                f"<td>{_e(v)}</td>"
                for v in (
                    d["order"],
                    d["uploaded_by"],
                    "; ".join(
                        "{}: {}".format(
                            key,
                            ", ".join(ids) if ids is not None else "item ids not known",
                        )
                        for key, ids in d["sub_orders"].items()
                    ),
                    d["received_at"],
                )
            )
        )
        for d in held
    )
    return (
        (
            "<table><tr><th>order</th><th>uploaded by</th>"
            "<th>orders and item ids</th><th>received</th></tr>"
            f"{rows}</table>"
        )
        if rows
        else "<p>none</p>"
    )


def render(state):
    """Return the whole page for the current state."""
    stats = state.stats()
    uploads = sorted(state.uploads(), key=lambda u: u["seq"], reverse=True)
    counts = "".join(
        f"<tr><td>{_e(p)}</td><td>{_e(n)}</td></tr>"
        for p, n in sorted(stats["requests"].items())
    )
    faults = (
        "".join(
            "<li>{}</li>".format(_e(", ".join("{}={}".format(*kv) for kv in f.items())))
            for f in stats["faults"]
        )
        or "<li>none</li>"
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" '
        'content="5"><title>WeChat sandbox</title><style>{}</style></head><body>'
        "<h1>WeChat sandbox (app {})</h1>"
        "<h2>Payments (Order Shipping Management)</h2>{}"
        "<h2>Shopping details (Shopping Order)</h2>{}"
        "<h2>Accepted uploads of both families ({}), newest first</h2>{}"
        "<h2>Pending faults</h2><ul>{}</ul><h2>Requests</h2><p>token fetches: {}</p>"
        "<table><tr><th>path</th><th>requests</th></tr>{}</table></body></html>".format(
            _STYLE,
            _e(state.appid),
            _payments(state),
            _shopping(state),
            len(uploads),
            "".join(_upload(u) for u in uploads) or "<p>none yet</p>",
            faults,
            _e(stats["token_fetches"]),
            counts,
        )
    )
