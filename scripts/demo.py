"""Demo data for scripts/demo: WeChat orders shipped and uploaded to the sandbox through
both APIs (Order Shipping Management, and Shopping Order: shopping details first, then
shipping), then checked.

Run through scripts/odoo-env.sh's odoo_python; exits 1 when the sandbox did not get what
it should."""

import argparse
import contextlib
import json
import logging
import sys
import urllib.parse

from odoo_session import environment, parse_args
from wechat_protocol import endpoints, shopping_details
from wechat_protocol.masking import looks_masked
from wechat_protocol.order_shipping_record import key_id as order_key_id
from wechat_sandbox.control import SandboxControl

import odoo

UNIFIED_TRACKING = "SF1400000000011"
SPLIT_TRACKING = ("SF1400000000022", "SF1400000000033")


def build(env, args):
    """Build, ship and upload the demo orders; return what the sandbox and Odoo must
    show."""
    # Run as a script outside the addon's package, so it cannot import relatively.
    # pylint: disable=odoo-addons-relative-import
    from odoo.addons.wechat_shipping.demo.scenario import MCHID, OPENID, Scenario

    wechat = SandboxControl(args.sandbox_url)

    admin = env.ref("base.user_admin")
    # The database is created without demo data; set the login scripts/demo prints.
    admin.write({"login": "admin", "password": "admin", "tz": "Asia/Shanghai"})
    cny = env.ref("base.CNY")
    cny.active = True
    env.company.write(
        {"name": "茶语 Tea House", "phone": "+86 571 8888 1234", "currency_id": cny.id}
    )
    env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)]
    ).name = "杭州仓 Hangzhou"
    scenario = Scenario(env, args.sandbox_url, args.appid, args.secret, prefix="DEMO")
    scenario.configure(
        env.company, args.sandbox_url, args.appid, args.secret, families="both"
    )
    # Payments of the Mini Program name the orders it created in Odoo by their
    # reference.
    env.company.write({"wechat_payment_match": "name", "wechat_merchant_ids": MCHID})
    address = {
        "city": "杭州 Hangzhou",
        "zip": "310012",
        "country_id": env.ref("base.cn").id,
    }
    scenario.customer.write({"street": "西湖区文三路 90 号", **address})
    meimei = env["res.partner"].create(
        {
            "name": "韩梅梅",
            "mobile": "+86 138 0013 8000",
            "street": "上城区河坊街 12 号",
            **address,
            # Her orders, the Mini Program back end's too, are priced in CNY.
            "property_product_pricelist": scenario.pricelist.id,
        }
    )

    catalogue = [
        ("西湖龙井 West Lake Longjing tea, 250 g", "TEA-LJ-250", 268),
        ("景德镇白瓷盖碗 Jingdezhen porcelain gaiwan", "WARE-GW-001", 128),
        ("宜兴紫砂壶 Yixing clay teapot", "WARE-YX-002", 680),
        ("龙泉青瓷品茗杯 Longquan celadon cups, set of 4", "WARE-QC-004", 196),
    ]
    products = []
    for name, code, price in catalogue:
        products.append(scenario.product(name, code))
        products[-1].list_price = price
    tea, gaiwan, teapot, cups = products
    # The salesperson gets the "needs attention" activity; the admin should see it.
    seller = {"user_id": admin.id}

    combined = scenario.combined()
    unified = scenario.order([(tea, 2), (gaiwan, 1)], combined=combined, **seller)
    split = scenario.order(
        [(teapot, 1), (cups, 1), (tea, 1)], combined=combined, **seller
    )
    # WeChat Pay knows the payments (Order Shipping Management refuses unknown ones).
    wechat.pay(
        OPENID,
        mchid=MCHID,
        out_trade_no=combined.wechat_out_trade_no,
        sub_orders=[
            {"mchid": MCHID, "out_trade_no": order.wechat_out_trade_no}
            for order in (unified, split)
        ],
    )
    scenario.ship(unified.picking_ids, UNIFIED_TRACKING)
    scenario.ship(
        split.picking_ids, ",".join(SPLIT_TRACKING), packages=[teapot | cups, tea]
    )
    # Shipped without a tracking number: WeChat would refuse it, so it waits for a fix.
    lonely = scenario.order([(gaiwan, 2)], partner_id=meimei.id, **seller)
    # Half shipped: Order Shipping Management learns that more is to come
    # (is_all_delivered false).
    partial = scenario.order([(tea, 1), (cups, 1)], partner_id=meimei.id, **seller)
    # A class, nothing to deliver: uploaded as virtual goods when the order is
    # confirmed.
    lesson = env["product.product"].create(
        {"name": "茶艺课 Tea ceremony class", "type": "service", "list_price": 300}
    )
    for order in (lonely, partial):
        wechat.pay(
            OPENID,
            mchid=MCHID,
            out_trade_no=order.wechat_out_trade_no,
            paid_amount=order._wechat_total_fen(),
        )
    wechat.pay(OPENID, mchid=MCHID, out_trade_no=f"DEMO-CLASS-{combined.id}")
    virtual = scenario.order(
        [(lesson, 1)], wechat_out_trade_no=f"DEMO-CLASS-{combined.id}", **seller
    )
    scenario.ship(lonely.picking_ids, False)
    scenario.ship(partial.picking_ids, "SF1400000000044", quantities={cups: 0})
    # For Inventory > Operations > WeChat > Reconciliation: a payment no Odoo order
    # has, and an order paid but not shipped yet.
    wechat.pay(
        OPENID,
        mchid=MCHID,
        out_trade_no=f"DEMO-UNKNOWN-{combined.id}",
        paid_amount=shopping_details.fen(tea.list_price),
    )
    unshipped = scenario.order([(teapot, 1)], partner_id=meimei.id, **seller)
    wechat.pay(
        OPENID,
        mchid=MCHID,
        out_trade_no=unshipped.wechat_out_trade_no,
        paid_amount=unshipped._wechat_total_fen(),
    )

    env["wechat.shipping.upload"]._cron_send_due()
    # WeChat's recent payments, as the job of every 5 minutes reads them (their
    # states), then the hourly state sync: what the funds report shows.
    env["wechat.payment.matcher"]._cron_link_recent()
    env["sale.order"]._cron_wechat_sync_states()
    env.cr.commit()
    return {
        "combined": (combined.wechat_mchid, combined.wechat_out_trade_no),
        "upload_state": combined.upload_state,
        "partial": partial.wechat_out_trade_no,
        "virtual": virtual.wechat_out_trade_no,
        "unified": (unified.wechat_out_trade_no, [UNIFIED_TRACKING]),
        "split": (
            split.wechat_out_trade_no,
            {
                SPLIT_TRACKING[0]: sorted([teapot.default_code, cups.default_code]),
                SPLIT_TRACKING[1]: [tea.default_code],
            },
        ),
        "deliveries": [
            (
                order.name,
                picking.id,
                picking.name,
                picking.state,
                picking.wechat_upload_state,
                picking.wechat_upload_reason,
            )
            for order in (unified, split, lonely, partial)
            for picking in order.picking_ids
        ],
        "lonely_state": lonely.wechat_upload_state,
        "buyer": meimei.id,
        "product": cups.id,
        # Shopping Order: every WeChat order's key id -> {its (sub-)orders' key ids:
        # total in fen of CNY, as WeChat Pay counts it}.
        "shopping": {
            f"mch:{MCHID}:{key.wechat_out_trade_no}": {
                f"mch:{MCHID}:{order.wechat_out_trade_no}": order._wechat_total_fen()
                for order in orders
            }
            for key, orders in (
                (combined, unified | split),
                (lonely, lonely),
                (partial, partial),
                (virtual, virtual),
            )
        },
    }


def check_order_shipping(payments, expected):
    """What is wrong with WeChat's side of the payments (Order Shipping Management)."""
    by_number = {p["merchant_trade_no"]: p for p in payments}
    wrong = []
    combined = by_number.get(expected["combined"][1])
    if not combined:
        return ["the sandbox knows no combined payment"]
    counts = [
        sub["shipping"]["finish_shipping_count"] for sub in combined["sub_orders"]
    ]
    descs = [sub["shipping"]["goods_desc"] for sub in combined["sub_orders"]]
    if counts != [1, 1] or not all(descs):
        wrong.append(
            f"combined sub-orders have finish_shipping_count {counts} and goods {descs}"
        )
    partial = by_number[expected["partial"]]["shipping"]
    if (
        partial["finish_shipping_count"] != 0
        or partial["finish_shipping"]
        or len(partial["shipping_list"]) != 1
    ):
        wrong.append(f"the half-shipped order is recorded as {partial}")
    virtual = by_number[expected["virtual"]]["shipping"]
    if virtual["logistics_type"] != 3 or virtual["finish_shipping_count"] != 1:
        wrong.append(f"the class is recorded as {virtual}, not as virtual goods")
    return wrong


def check_shopping_details(control, expected):
    """What is wrong with the shopping details WeChat holds: each order's before its
    shipping, every item a parcel names among its order's items, the prices adding up to
    Odoo's totals."""

    wrong = []
    for key_id, totals in expected["shopping"].items():
        held = control.shopping_details(order=key_id)
        if not held:
            wrong.append(f"the sandbox holds no shopping details for {key_id}")
            continue
        details = held[0]["details"]
        orders = (
            {order_key_id(o["order_key"]): o for o in details["sub_orders"]}
            if "sub_orders" in details
            else {key_id: details["order_list"][0]}
        )
        for sub_id, total in totals.items():
            fen = sum(
                item["unit_price"] * item["quantity"]
                for item in orders.get(sub_id, {}).get("item_list", [])
            )
            if fen != total:
                wrong.append(f"the items of {sub_id} cost {fen} fen, the order {total}")
        for upload in control.uploads(order=key_id):
            if upload["path"] not in endpoints.SHOPPING_SHIPPING:
                continue
            if upload["received_at"] <= held[0]["received_at"]:
                wrong.append(
                    f"the shipping of {key_id} reached WeChat before its shopping "
                    "details"
                )
            for sub in upload["body"].get("sub_orders") or [upload["body"]]:
                sub_id = order_key_id(sub["order_key"])
                known = set(held[0]["sub_orders"].get(sub_id) or ())
                named = {
                    i["merchant_item_id"]
                    for p in sub["shipping_list"]
                    for i in p.get("item_list", [])
                }
                if named - known:
                    wrong.append(
                        f"parcels of {sub_id} name items {sorted(named - known)} its "
                        "details lack"
                    )
    return wrong


def mini_program_backend(args, expected):
    """The README's recipe, as a Mini Program back end runs it over XML-RPC against this
    Odoo (served from this process for the while): an order with its keys, one without
    (a quotation whose reference WeChat Pay is given as out_trade_no), and a third
    without, paid another amount. Once WeChat Pay has their payments, the job of every 5
    minutes gives the quotation its key and payer, and the reconciliation says why the
    third was not linked. What is wrong (an empty list when all is well)."""
    # A command-line tool: what it prints is its output. Run as a script outside the
    # addon's package, so it cannot import relatively.
    # pylint: disable=print-used,odoo-addons-relative-import
    from odoo.addons.wechat_shipping.demo.recipe import recipe
    from odoo.addons.wechat_shipping.demo.scenario import MCHID, OPENID

    with environment(args.odoo_database) as env:
        admin = env.ref("base.user_admin")
        api_key = env["res.users.apikeys"].with_user(admin).sudo()
        names = {
            "ODOO_URL": args.web_url,
            "ODOO_DB": env.cr.dbname,
            "ODOO_USER": "admin",
            "ODOO_API_KEY": api_key._generate(None, "Mini Program back end", None),
            "PARTNER_ID": expected["buyer"],
            "PRODUCT_ID": expected["product"],
            "MCHID": MCHID,
            "OUT_TRADE_NO": "DEMO-MINI-PROGRAM-1",
            "OPENID": OPENID,
        }
    with odoo_http(args.web_url):
        exec(recipe(), names)  # pylint: disable=exec-used
        names["other_id"] = names["call"](
            "sale.order",
            "create",
            {"partner_id": expected["buyer"], "order_line": names["lines"]},
        )
    wechat = SandboxControl(args.sandbox_url)
    with environment(args.odoo_database) as env:
        paid, quotation, other = env["sale.order"].browse(
            [names["paid_id"], names["order_id"], names["other_id"]]
        )
        for order, number, extra in (
            (paid, paid.wechat_out_trade_no, 0),
            (quotation, names["out_trade_no"], 0),
            (other, other.name, 100),
        ):
            total = order._wechat_total_fen() + extra
            wechat.pay(OPENID, mchid=MCHID, out_trade_no=number, paid_amount=total)
        env["wechat.payment.matcher"]._cron_link_recent()
        env["wechat.shipping.upload"]._cron_send_due()
        env["wechat.reconciliation.line"].action_reconcile()
        line = env["wechat.reconciliation.line"].search(
            [("merchant_trade_no", "=", other.name)]
        )
        print(
            f"demo: the Mini Program's quotation {quotation.name} got its WeChat key "
            f"{quotation.wechat_out_trade_no or '-'} and payer from its payment; "
            f"{other.name}, paid another amount: {line.reason or '-'}"
        )
        wrong = []
        if (quotation.wechat_out_trade_no, quotation.wechat_payer_openid) != (
            quotation.name,
            OPENID,
        ):
            wrong.append(f"the payment of {quotation.name} did not give it its key")
        if other.wechat_order_number_type or not line.reason:
            wrong.append(
                f"{other.name}, paid another amount, is not left with a reason"
            )
        return wrong


@contextlib.contextmanager
def odoo_http(web_url):
    """Odoo's HTTP server in this process, at `web_url`'s port, while the block runs."""
    config = odoo.tools.config
    config["http_interface"] = "127.0.0.1"
    config["http_port"] = urllib.parse.urlsplit(web_url).port
    server = odoo.service.server.ThreadedServer(odoo.http.root)
    server.http_spawn()
    try:
        yield
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def check(upload, expected):
    """What is wrong with the combined upload the sandbox accepted (an empty list when
    all is well)."""

    if upload is None:
        return ["the sandbox holds no upload for the combined order"]
    body, wrong = upload["body"], []
    if upload["path"] != endpoints.SHOPPING_COMBINED_SHIPPING:
        wrong.append(f"the combined order went to {upload['path']}")
    subs = {s["order_key"].get("out_trade_no"): s for s in body.get("sub_orders", [])}
    unified_no, unified_tracking = expected["unified"]
    split_no, split_items = expected["split"]
    if set(subs) != {unified_no, split_no}:
        return wrong + [
            f"sub-orders {sorted(subs)} instead of {sorted([unified_no, split_no])}"
        ]
    unified, split = subs[unified_no], subs[split_no]
    if (
        unified["delivery_mode"] != 1
        or [p["tracking_no"] for p in unified["shipping_list"]] != unified_tracking
    ):
        wrong.append(
            f"sub-order {unified_no} is not one unified parcel {unified_tracking}"
        )
    parcels = {
        p["tracking_no"]: sorted(i["merchant_item_id"] for i in p.get("item_list", []))
        for p in split["shipping_list"]
    }
    if split["delivery_mode"] != 2 or parcels != split_items:
        wrong.append(
            f"sub-order {split_no} parcels {parcels} instead of split {split_items}"
        )
    for sub in subs.values():
        for parcel in sub["shipping_list"]:
            if parcel.get("express_company") != "SF":
                wrong.append(
                    f"parcel {parcel['tracking_no']} has express "
                    f"company {parcel.get('express_company')!r}"
                )
            contact = parcel.get("contact") or {}
            for field in ("consignor_contact", "receiver_contact"):
                if not looks_masked(contact.get(field)):
                    wrong.append(
                        f"parcel {parcel['tracking_no']} {field} "
                        f"is {contact.get(field)!r}, not masked"
                    )
    if expected["upload_state"] != "sent":
        wrong.append(
            f"Odoo shows the combined upload as {expected['upload_state']!r}, not sent"
        )
    if expected["lonely_state"] != "attention":
        wrong.append(
            f"the order without a tracking number is {expected['lonely_state']!r}, not "
            "attention"
        )
    return wrong


def main():
    """Build the demo, print what the sandbox received and check it."""
    # A command-line tool: what it prints is its output.
    # pylint: disable=print-used
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sandbox-url", required=True)
    parser.add_argument("--appid", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--web-url", default="http://127.0.0.1:8069")
    args = parse_args(parser)
    # Odoo's INFO lines (registry loading, the HTTP requests, each WeChat call) would
    # bury the demo's own output.
    for name in ("odoo", "werkzeug", "wechat_protocol"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with environment(args.odoo_database) as env:
        expected = build(env, args)

    mchid, out_trade_no = expected["combined"]
    control = SandboxControl(args.sandbox_url)
    accepted = [
        u
        for u in control.uploads(order=f"mch:{mchid}:{out_trade_no}")
        if u["path"] in endpoints.SHOPPING_SHIPPING
    ]
    upload = accepted[-1] if accepted else None
    if upload:
        print(f"demo: the sandbox accepted this on {upload['path']}:")
        print(json.dumps(upload["body"], ensure_ascii=False, indent=2))
    print("demo: deliveries")
    for order, picking_id, picking, picking_state, state, reason in expected[
        "deliveries"
    ]:
        print(
            f"  {order} {picking} ({picking_state}): WeChat {state}  "
            f"{args.web_url}/odoo/action-stock.action_picking_tree_all/{picking_id}"
        )
        if reason:
            print("    reason: " + reason.replace("\n", "\n    "))
    payments = control.payments()
    print("demo: WeChat's side of the payments (Order Shipping Management)")
    for payment in payments:
        # shipping is {} while WeChat holds none (a payment not shipped yet)
        shipping = payment["shipping"]
        print(
            f"  {payment['merchant_trade_no']}: state {payment['order_state']}, "
            f"finish_shipping_count {shipping.get('finish_shipping_count', 0)}, "
            f"{shipping.get('goods_desc') or '-'}"
        )
        for sub in payment["sub_orders"]:
            print(
                f"    {sub['merchant_trade_no']}: finish_shipping_count "
                f"{sub['shipping']['finish_shipping_count']}, "
                f"{sub['shipping']['goods_desc']}"
            )
    print("demo: shopping details WeChat holds (Shopping Order)")
    for held in control.shopping_details():
        print(
            f"  {held['order']}: "
            + "; ".join(
                f"{key} items {', '.join(ids)}"
                for key, ids in held["sub_orders"].items()
            )
        )
    wrong = (
        check(upload, expected)
        + check_order_shipping(payments, expected)
        + check_shopping_details(control, expected)
        + mini_program_backend(args, expected)
    )
    for line in wrong:
        print(f"demo: FAILED: {line}", file=sys.stderr)
    if wrong:
        return 1
    print(
        "demo: check passed: Shopping Order got every order's shopping details before "
        "its shipping, prices adding up to the orders' totals, and the combined upload "
        "with both sub-orders (unified, split with items of the details per parcel), "
        "SF codes, masked contacts; Order Shipping Management holds both sub-orders "
        "complete with their descriptions, the half-shipped order as partial and the "
        "class as virtual goods; the order without tracking needs attention; the "
        "Mini Program's order got its key from its payment"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
