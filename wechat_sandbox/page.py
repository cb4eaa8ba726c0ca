"""Human-readable HTML page of what the sandbox accepted, its faults and counters."""
from html import escape

_MODES = {1: "UNIFIED_DELIVERY", 2: "SPLIT_DELIVERY"}
_STYLE = ("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
          "td,th{border:1px solid #bbb;padding:.25em .5em;vertical-align:top;text-align:left}"
          "h2{margin-top:1.5em}.upload{margin-bottom:1.5em}")


def _e(value):
    return escape("" if value is None else str(value))


def _orders(body):
    """(order key, mode, shipping list) per sub-order; a single upload is its own sub-order."""
    if "sub_orders" in body:
        return [(s.get("order_key") or {}, s.get("delivery_mode"), s.get("shipping_list") or [])
                for s in body.get("sub_orders") or []]
    return [(body.get("order_key") or {}, body.get("delivery_mode"),
             body.get("shipping_list") or [])]


def _key_text(key):
    if key.get("order_number_type") == 2:
        return "transaction_id %s" % key.get("transaction_id")
    return "mchid %s / out_trade_no %s" % (key.get("mchid"), key.get("out_trade_no"))


def _upload(upload):
    body = upload["body"]
    rows = []
    for key, mode, shipping in _orders(body):
        for parcel in shipping:
            items = ", ".join(str(i.get("merchant_item_id")) for i in parcel.get("item_list") or [])
            contact = parcel.get("contact") or {}
            rows.append("<tr>%s</tr>" % "".join("<td>%s</td>" % _e(v) for v in (
                _key_text(key), _MODES.get(mode, mode), parcel.get("tracking_no"),
                parcel.get("express_company"), items or "-",
                contact.get("consignor_contact"), contact.get("receiver_contact"))))
    payer = (body.get("payer") or {}).get("openid")
    return (
        '<div class="upload"><h3>#%s %s</h3><p>order <b>%s</b>, upload_time <b>%s</b>, '
        "received %s, payer %s</p><table><tr><th>sub-order</th><th>delivery mode</th>"
        "<th>tracking no</th><th>express</th><th>item ids</th><th>consignor contact</th>"
        "<th>receiver contact</th></tr>%s</table></div>" % (
            _e(upload["seq"]), _e(upload["path"]), _e(upload["order"]),
            _e(upload["upload_time"]), _e(upload["received_at"]), _e(payer), "".join(rows)))


def render(state):
    """Return the whole page for the current state."""
    stats = state.stats()
    uploads = sorted(state.uploads(), key=lambda u: u["seq"], reverse=True)
    counts = "".join("<tr><td>%s</td><td>%s</td></tr>" % (_e(p), _e(n))
                     for p, n in sorted(stats["requests"].items()))
    faults = "".join("<li>%s</li>" % _e(", ".join("%s=%s" % kv for kv in f.items()))
                     for f in stats["faults"]) or "<li>none</li>"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" '
        'content="5"><title>WeChat sandbox</title><style>%s</style></head><body>'
        "<h1>WeChat sandbox (app %s)</h1><h2>Accepted uploads (%s), newest first</h2>%s"
        "<h2>Pending faults</h2><ul>%s</ul><h2>Requests</h2><p>token fetches: %s</p>"
        "<table><tr><th>path</th><th>requests</th></tr>%s</table></body></html>" % (
            _STYLE, _e(state.appid), len(uploads),
            "".join(_upload(u) for u in uploads) or "<p>none yet</p>",
            faults, _e(stats["token_fetches"]), counts))
