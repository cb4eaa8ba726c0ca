"""Contract with WeChat's published example bodies (wechat_examples/, copied from SKIT's
ModelSamples; sources.json names each file's source): the client reads every example
answer served over real HTTP, every body it sends has the keys, nesting and types of
WeChat's example request, and the sandbox answers with exactly the example's keys.
Each allowed difference is listed below with its source or reason."""

import json
import re
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from builders import MCHID, OPENID, valid_osm_body
from helpers import (
    APPID,
    EXAMPLES,
    SECRET,
    classic_token,
)
from helpers import wechat_example as example
from helpers import wechat_example_text as example_text
from wechat_protocol import (
    endpoints,
    enum_names,
    exchange,
    express,
    order_shipping,
    tokens,
    validation,
)
from wechat_protocol.client import WeChatClient
from wechat_protocol.order_shipping import LogisticsType, OrderShipment, Parcel
from wechat_protocol.order_shipping_record import (
    GOODS_DESC,
    finish_count,
    key_id,
    record_as_wire,
)
from wechat_protocol.payload import (
    CombinedShippingInfo,
    Contact,
    OrderKey,
    OrderNumberType,
    OrderShipping,
    Shipment,
    SingleShippingInfo,
)
from wechat_protocol.rfc3339 import parse_rfc3339
from wechat_protocol.shopping_details import (
    CombinedShoppingDetails,
    Item,
    JumpLink,
    JumpLinkType,
    OrderDetails,
    ShoppingDetails,
    SubOrderDetails,
    verify_body,
)
from wechat_protocol.tokens import ClassicTokenSource, StableTokenSource

CST = timezone(timedelta(hours=8))
WHEN = datetime(2022, 12, 15, 13, 29, 35, 120000, tzinfo=CST)
OK = '{"errcode":0,"errmsg":"ok"}'
LAST_PAGE = (
    '{"errcode":0,"errmsg":"ok","order_list":[],"last_index":"","has_more":false}'
)
# The payment of WeChat's get_order example, as an upload names it.
EXAMPLE_KEY = {
    "order_number_type": 2,
    "transaction_id": "fake-transid-20221209132531-44",
}


def sources():
    return example("sources.json")


# -- shapes --------------------------------------------------------------------------
def shape(value):
    """What a JSON value is made of: an object's keys and their shapes, a list's
    elements merged into one shape, else the type's name (bool told from int)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [merged([shape(item) for item in value])] if value else []
    return "null" if value is None else type(value).__name__


def merged(shapes):
    """One shape for a list's elements: objects with every key any of them has (the
    examples spread optional keys over elements), else their shape, or the names of
    their shapes joined by | when they differ."""
    if all(isinstance(one, dict) for one in shapes):
        keys = dict.fromkeys(key for one in shapes for key in one)
        return {key: merged([one[key] for one in shapes if key in one]) for key in keys}
    if all(isinstance(one, list) for one in shapes):
        inner = [one[0] for one in shapes if one]
        return [merged(inner)] if inner else []
    kinds = {
        "object" if isinstance(one, dict) else "array" if isinstance(one, list) else one
        for one in shapes
    }
    return "|".join(sorted(kinds))


def differences(theirs, ours, path=""):
    """Where shape `ours` departs from the example's `theirs`: ("missing", path) for a
    key only the example has, ("extra", path) for one only ours has, ("type", path) for
    another value, ("empty", path) for a list empty on one side only. A list's elements
    are at `path[]`."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        found = set()
        for key in theirs.keys() | ours.keys():
            where = f"{path}.{key}" if path else key
            if key not in ours:
                found.add(("missing", where))
            elif key not in theirs:
                found.add(("extra", where))
            else:
                found |= differences(theirs[key], ours[key], where)
        return found
    if isinstance(theirs, list) and isinstance(ours, list):
        if theirs and ours:
            return differences(theirs[0], ours[0], path + "[]")
        return set() if theirs == ours else {("empty", path)}
    return set() if theirs == ours else {("type", path)}


def unexplained(example_body, our_body, allowed=frozenset()):
    """The differences between the two bodies' shapes that `allowed` does not list."""
    return sorted(differences(shape(example_body), shape(our_body)) - set(allowed))


def test_shape_merges_list_elements_and_tells_bool_from_int():
    assert shape({"a": [{"x": 1}, {"y": True}], "b": [], "c": None, "d": [1, "s"]}) == {
        "a": [{"x": "int", "y": "bool"}],
        "b": [],
        "c": "null",
        "d": ["int|str"],
    }
    assert differences(shape({"a": [{"x": 1}], "b": 1}), shape({"a": [{"y": 1}]})) == {
        ("missing", "a[].x"),
        ("extra", "a[].y"),
        ("missing", "b"),
    }
    assert unexplained({"n": 1}, {"n": True}) == [("type", "n")]


# -- a stand-in for api.weixin.qq.com ------------------------------------------------
class WeChatDouble:
    """A local HTTP server answering as WeChat's examples: token calls with
    token.response.json, any other call with the next answer queued for its path (the
    last one repeats; none queued: errcode 0). It keeps what it was sent."""

    def __init__(self):
        self.sent = []  # (method, path, query, JSON body or None)
        self._answers = {}
        self._lock = threading.Lock()
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                double._serve(self)

            do_POST = do_GET

            def log_message(self, *args):
                pass  # its request lines carry the access token

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll: shutdown() waits for it, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self._thread.start()

    def answer(self, path, *texts):
        """Answer the calls of `path` with `texts` in turn, the last one repeating."""
        self._answers[path] = list(texts)

    def bodies(self, path):
        """The JSON bodies sent to `path`, oldest first."""
        return [body for _method, sent, _query, body in self.sent if sent == path]

    def queries(self, path):
        return [query for _method, sent, query, _body in self.sent if sent == path]

    def _serve(self, handler):
        url = urlsplit(handler.path)
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        with self._lock:
            self.sent.append(
                (handler.command, url.path, query, json.loads(raw) if raw else None)
            )
            if url.path in (endpoints.TOKEN, endpoints.STABLE_TOKEN):
                text = example_text("token.response.json")
            else:
                queue = self._answers.get(url.path) or [OK]
                text = queue.pop(0) if len(queue) > 1 else queue[0]
        payload = text.encode("utf-8")
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def close(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def double(monkeypatch):
    """A fresh WeChatDouble, and the process's token cache empty."""
    monkeypatch.setattr(tokens, "CACHE", tokens.TokenCache())
    server = WeChatDouble()
    yield server
    server.close()


def client_of(double, names=False):
    """A client of the double, with a classic token (the one call with an example
    answer); `names`: the company sends the Shopping Order enumerations as names."""
    source = ClassicTokenSource(double.url, APPID, SECRET)
    return WeChatClient(double.url, source, send_enum_names=names)


@pytest.fixture
def client(double):
    return client_of(double)


# -- 1. every example answer is read by the client -----------------------------------
def test_get_order_example_answer_reads_as_the_shipping_wechat_holds(double, client):
    double.answer(endpoints.OSM_GET_ORDER, example_text("get_order.response.json"))
    result = client.get_order(EXAMPLE_KEY)
    assert result.accepted and result.errmsg == "ok"
    order = result.data["order"]
    # The description is the shipping's, once; the parcel has no item_desc of its own.
    assert record_as_wire(order, EXAMPLE_KEY) == {
        "order_key": EXAMPLE_KEY,
        "logistics_type": 1,
        "delivery_mode": 1,
        "is_all_delivered": True,
        "shipping_list": [{"tracking_no": "JT1234567890", "express_company": "JTSD"}],
        GOODS_DESC: "🍌*1",
    }
    assert finish_count(order) == 1
    assert double.bodies(endpoints.OSM_GET_ORDER) == [
        {"transaction_id": "fake-transid-20221209132531-44"}
    ]


def test_wechat_records_take_the_example_answer_as_held_and_counted_once(
    double, client
):
    double.answer(endpoints.OSM_GET_ORDER, example_text("get_order.response.json"))
    order_wire = {**valid_osm_body(), "order_key": EXAMPLE_KEY}
    held, counts, unanswered = exchange.wechat_records(client, [order_wire])
    assert unanswered is None
    answer = example("get_order.response.json")["order"]
    key = key_id(EXAMPLE_KEY)
    assert held == {key: record_as_wire(answer, EXAMPLE_KEY)}
    assert counts == {key: 1}


def test_order_list_reads_unshipped_entries_and_follows_the_opaque_last_index(
    double, client
):
    page = example_text("get_order_list.response.json")
    double.answer(endpoints.OSM_GET_ORDER_LIST, page, LAST_PAGE)
    orders = client.order_list(1670563531, 1670563531, page_size=2)
    assert orders == json.loads(page)["order_list"]
    for order in orders:
        key = {"order_number_type": 2, "transaction_id": order["transaction_id"]}
        assert order["shipping"] == {}
        assert record_as_wire(order, key) is None and finish_count(order) == 0
    first, second = double.bodies(endpoints.OSM_GET_ORDER_LIST)
    # The index is an opaque text, sent back exactly as WeChat gave it.
    assert second["last_index"] == "092dd3cecbc6926301"
    assert {k: v for k, v in first.items() if k != "last_index"} == {
        k: v for k, v in second.items() if k != "last_index"
    }, "every page asks the same question"


def test_delivery_list_example_without_errmsg_reads_as_carriers(double, client):
    text = example_text("get_delivery_list.response.json")
    assert "errmsg" not in json.loads(text)
    double.answer(endpoints.DELIVERY_LIST, text)
    carriers = [
        express.ExpressCompany("(AU)", "Interparcel"),
        express.ExpressCompany("BDT", "八达通"),
        express.ExpressCompany("YD", "韵达速递"),
    ]
    assert client.get_delivery_list() == carriers
    assert express.parse_delivery_list(json.loads(text)) == carriers


TRADE_MANAGEMENT = [
    # (example, client method, path, the answer's field)
    (
        "is_trade_managed",
        "is_trade_managed",
        endpoints.OSM_IS_TRADE_MANAGED,
        "is_trade_managed",
    ),
    (
        "is_trade_management_confirmation_completed",
        "confirmation_completed",
        endpoints.OSM_IS_CONFIRMATION_COMPLETED,
        "completed",
    ),
]


@pytest.mark.parametrize("name, method, path, field", TRADE_MANAGEMENT)
def test_trade_management_example_answers_read_as_true(
    double, client, name, method, path, field
):
    double.answer(path, example_text(f"{name}.response.json"))
    result = getattr(client, method)(APPID)
    assert result.accepted and result.data[field] is True


# stable_token has no example (sources.json): WeChat documents the same two fields.
@pytest.mark.parametrize("source_class", [ClassicTokenSource, StableTokenSource])
def test_token_example_answer_is_used_for_its_expires_in(
    double, monkeypatch, source_class
):
    assert "errcode" not in example("token.response.json")
    lifetime, asked = tokens.lifetime, []
    monkeypatch.setattr(tokens, "lifetime", lambda s: asked.append(s) or lifetime(s))
    source = source_class(double.url, APPID, SECRET)
    client = WeChatClient(double.url, source)
    assert source.token() == "ACCESS_TOKEN"
    assert asked == [7200]
    assert client.set_msg_jump_path("pages/order/detail").accepted
    assert double.queries(endpoints.OSM_SET_MSG_JUMP_PATH) == [
        {"access_token": "ACCESS_TOKEN"}
    ]


# Each example answer, and the tests that read it (the client's, then the sandbox's).
ANSWERS_READ = {
    "get_order.response.json": [
        "test_get_order_example_answer_reads_as_the_shipping_wechat_holds",
        "test_wechat_records_take_the_example_answer_as_held_and_counted_once",
        "test_sandbox_get_order_answers_exactly_the_example_shape",
    ],
    "get_order_list.response.json": [
        "test_order_list_reads_unshipped_entries_and_follows_the_opaque_last_index",
        "test_sandbox_order_list_answers_exactly_the_example_shape",
    ],
    "get_delivery_list.response.json": [
        "test_delivery_list_example_without_errmsg_reads_as_carriers",
        "test_sandbox_delivery_list_answers_the_example_shape",
    ],
    "is_trade_managed.response.json": [
        "test_trade_management_example_answers_read_as_true",
        "test_sandbox_trade_management_answers_exactly_the_example_shape",
    ],
    "is_trade_management_confirmation_completed.response.json": [
        "test_trade_management_example_answers_read_as_true",
        "test_sandbox_trade_management_answers_exactly_the_example_shape",
    ],
    "token.response.json": [
        "test_token_example_answer_is_used_for_its_expires_in",
        "test_sandbox_token_answers_exactly_the_example_shape",
    ],
}


def test_every_example_answer_is_read_by_a_test():
    folder = sorted(path.name for path in EXAMPLES.glob("*.response.json"))
    assert sorted(ANSWERS_READ) == folder
    named = {test for tests in ANSWERS_READ.values() for test in tests}
    assert sorted(test for test in named if test not in globals()) == []


# -- 2. every body the client sends has the example request's shape ------------------
def merchant_key(number):
    return OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER, mchid=MCHID, out_trade_no=number
    )


WXPAY_KEY = OrderKey(
    OrderNumberType.WXPAY_TRADE_NUMBER, transaction_id="4200001234202212141904271"
)
BOTH_CONTACTS = Contact(
    consignor_contact="021-****5678", receiver_contact="189****1234"
)
MINI_PROGRAM = JumpLink(JumpLinkType.MINI_PROGRAM, APPID, "pages/order/detail?id=1")
WEB_PAGE = JumpLink(JumpLinkType.URL, url="https://shop.example.com/orders/1")


def osm_parcel(index, contact=BOTH_CONTACTS):
    return Parcel(f"微信气泡狗零钱包*{index + 1}", f"SF{index:013d}", "SF", contact)


def items():
    """Two items, one linking to a Mini Program page and one to a web page."""
    images = ("https://shop.example.com/a.png", "https://shop.example.com/b.png")
    return tuple(
        Item(f"SKU-{index}", "茶叶礼盒", "龙井 250 g", 12800, 2, images, link)
        for index, link in enumerate((MINI_PROGRAM, WEB_PAGE))
    )


def upload_shipping_info():
    order = OrderShipment(WXPAY_KEY, LogisticsType.EXPRESS, (osm_parcel(0),), True)
    return order_shipping.ShippingInfo(order, WHEN, OPENID).to_wire()


def upload_combined_shipping_info():
    split = OrderShipment(
        merchant_key("OSM-SUB-1"),
        LogisticsType.EXPRESS,
        (osm_parcel(0), osm_parcel(1)),
        True,
    )
    unified = OrderShipment(
        merchant_key("OSM-SUB-2"), LogisticsType.EXPRESS, (osm_parcel(2),), True
    )
    return order_shipping.CombinedShippingInfo(
        merchant_key("OSM-MAIN-1"), (split, unified), WHEN, OPENID
    ).to_wire()


def shopping_split(number):
    """A Shopping Order shipping in two parcels, each naming its items."""
    return OrderShipping(
        merchant_key(number),
        (
            Shipment("SF1234567890123", "SF", ("SKU-0",), BOTH_CONTACTS),
            Shipment("YT9876543210987", "YTO", ("SKU-1",), BOTH_CONTACTS),
        ),
    )


def user_order_shippings():
    return SingleShippingInfo(shopping_split("SO0001"), WHEN, OPENID).to_wire()


def user_order_combine_shippings():
    unified = OrderShipping(merchant_key("SO0002"), (Shipment("ZTO7310", "ZTO"),))
    return CombinedShippingInfo(
        merchant_key("MAIN-42"), (shopping_split("SO0001"), unified), WHEN, OPENID
    ).to_wire()


def user_order_orders():
    order = OrderDetails("S00001", items(), MINI_PROGRAM)
    return ShoppingDetails(
        merchant_key("SO0001"), order, LogisticsType.EXPRESS, WHEN, OPENID
    ).to_wire()


def user_order_combine_orders():
    subs = tuple(
        SubOrderDetails(
            merchant_key(f"SO000{index}"),
            OrderDetails(f"S0000{index}", items(), link),
            LogisticsType.EXPRESS,
        )
        for index, link in enumerate((MINI_PROGRAM, WEB_PAGE))
    )
    return CombinedShoppingDetails(
        merchant_key("MAIN-42"), subs, WHEN, OPENID
    ).to_wire()


def user_order_verify():
    return verify_body(WXPAY_KEY, OPENID)


# Each upload by its example's name: its path, and its body as the payload builders
# make it.
UPLOADS = {
    "upload_shipping_info": (endpoints.OSM_SINGLE_SHIPPING, upload_shipping_info),
    "upload_combined_shipping_info": (
        endpoints.OSM_COMBINED_SHIPPING,
        upload_combined_shipping_info,
    ),
    "user_order_shippings": (endpoints.SHOPPING_SINGLE_SHIPPING, user_order_shippings),
    "user_order_combine_shippings": (
        endpoints.SHOPPING_COMBINED_SHIPPING,
        user_order_combine_shippings,
    ),
    "user_order_orders": (endpoints.SHOPPING_DETAILS, user_order_orders),
    "user_order_combine_orders": (
        endpoints.SHOPPING_COMBINED_DETAILS,
        user_order_combine_orders,
    ),
    "user_order_verify": (endpoints.SHOPPING_VERIFY, user_order_verify),
}
OSM_UPLOADS = ["upload_shipping_info", "upload_combined_shipping_info"]
SHOPPING_UPLOADS = [name for name in UPLOADS if name.startswith("user_order_")]


def sent(client, double, name):
    """The body `client` sends for the upload `name`, as the double received it."""
    path, build = UPLOADS[name]
    assert client.upload_wire(path, build()).accepted
    return double.bodies(path)[-1]


def key_forms(*owners):
    """An order key names a payment by transaction_id (order_number_type 2) or by mchid
    and out_trade_no (1): WeChat's tables mark each of the three 否 (not required) and
    say 根据订单类型二选一 (uploadShoppingInfo, uploadCombinedShoppingInfo,
    uploadShippingInfo of the Shopping Order family, developers.weixin.qq.com/doc/
    oplatform/openApi/OpenApiDoc/miniprogram-management/shopping-orders/). The Shopping
    Order examples send all three; payload.OrderKey sends its type's."""
    return {
        ("missing", f"{owner}order_key.{field}")
        for owner in owners
        for field in ("transaction_id", "mchid", "out_trade_no")
    }


def link_forms(*links):
    """A jump link carries the fields of its type: a Mini Program page its appid and
    path, a web page its url (uploadShoppingInfo's 注意事项 3: 链接类型为小程序时，
    链接的appid和path必填，链接类型为url时URL必填), each field 否 in its table. The
    examples send all four on every link; shopping_details.JumpLink its type's."""
    return {
        ("missing", f"{link}.{field}")
        for link in links
        for field in ("url", "appid", "path")
    }


# get_order and notify_confirm_receive name a payment by transaction_id or by
# merchant_id + merchant_trade_no, every field 否 (developers.weixin.qq.com/miniprogram/
# dev/server/API/order_shipping/api_getorder: 可以通过交易单号或商户号+商户单号来查询;
# api_notifyconfirmreceive): the examples send both, client.order_query one.
QUERY_FORMS = {
    ("missing", field)
    for field in ("transaction_id", "merchant_id", "merchant_trade_no")
}

# What each body may lack or add against its example.
ALLOWED = {
    "upload_shipping_info": {
        # api_uploadshippinginfo: is_all_delivered boolean 否 (分拆发货模式时必填);
        # the combined example sends it.
        ("extra", "is_all_delivered"),
        # contact.receiver_contact 否 (the combined example sends it), beside
        # consignor_contact: both go when both are known.
        ("extra", "shipping_list[].contact.receiver_contact"),
    },
    "upload_combined_shipping_info": set(),
    # No allowance for item_list: Shopping Order uploadShippingInfo wants it in split
    # mode only (统一发货...此类型无需再指定包裹中商品), and these bodies are split.
    "user_order_shippings": key_forms(""),
    "user_order_combine_shippings": key_forms("", "sub_orders[]."),
    "user_order_orders": key_forms("")
    | link_forms(
        "order_list[].order_detail_jump_link",
        "order_list[].item_list[].item_detail_jump_link",
    ),
    "user_order_combine_orders": key_forms("", "sub_orders[].")
    | link_forms(
        "sub_orders[].order_detail_jump_link",
        "sub_orders[].item_list[].item_detail_jump_link",
    ),
    "user_order_verify": key_forms(""),
    "get_order": QUERY_FORMS,
    "notify_confirm_receive": QUERY_FORMS,
    # api_getorderlist: order_state number 否 (a filter the example does not use).
    # last_index 否 is no extra of a first page: 翻页时使用，获取第一页时不用传入.
    "get_order_list": {("extra", "order_state")},
}
# api_getorderlist: a next page passes the last_index of the page before.
NEXT_PAGE = ALLOWED["get_order_list"] | {("extra", "last_index")}

# Deliberate: WeChat's tables type delivery_mode and logistics_type as numbers, the
# Shopping Order examples send names (enum_names.py). Bodies carry numbers unless the
# company sends names; the names-mode bodies are compared without this allowance.
ENUMERATIONS_AS_NUMBERS = {
    "user_order_shippings": {("type", "delivery_mode")},
    "user_order_combine_shippings": {("type", "sub_orders[].delivery_mode")},
    "user_order_orders": {("type", "logistics_type")},
    "user_order_combine_orders": {("type", "sub_orders[].logistics_type")},
    "user_order_verify": set(),
}
# Deliberate, and no difference of shape: the Shopping Order examples write
# upload_time without a zone (2022-05-20T13:29:35.120), ours always carry one (RFC 3339
# as the family's tables ask, e.g. 2022-12-15T13:29:35.120+08:00): a string either way.


@pytest.mark.parametrize("name", OSM_UPLOADS)
def test_order_shipping_upload_has_the_example_shape(double, client, name):
    body = sent(client, double, name)
    assert unexplained(example(f"{name}.request.json"), body, ALLOWED[name]) == []


@pytest.mark.parametrize("name", SHOPPING_UPLOADS)
def test_shopping_order_body_has_the_example_shape_with_enumerations_as_numbers(
    double, client, name
):
    body = sent(client, double, name)
    allowed = ALLOWED[name] | ENUMERATIONS_AS_NUMBERS[name]
    assert unexplained(example(f"{name}.request.json"), body, allowed) == []


# Every Shopping Order example sends order_number_type as a number, names only for
# delivery_mode and logistics_type (bug (a) sent all three as names).
@pytest.mark.parametrize("name", SHOPPING_UPLOADS)
def test_shopping_order_body_in_names_mode_has_the_example_shape(double, name):
    body = sent(client_of(double, names=True), double, name)
    assert unexplained(example(f"{name}.request.json"), body, ALLOWED[name]) == []


def enumerations(body, path=""):
    """{path: value} of every delivery_mode and logistics_type in a body."""
    found = {}
    entries = (
        body.items()
        if isinstance(body, dict)
        else enumerate(body)
        if isinstance(body, list)
        else ()
    )
    for key, value in entries:
        where = f"{path}.{key}" if path else str(key)
        if key in ("delivery_mode", "logistics_type"):
            found[where] = value
        else:
            found |= enumerations(value, where)
    return found


@pytest.mark.parametrize(
    "name", [n for n in SHOPPING_UPLOADS if n != "user_order_verify"]
)
def test_names_mode_sends_delivery_mode_and_logistics_type_as_the_examples_do(
    double, name
):
    body = sent(client_of(double, names=True), double, name)
    numbers = enumerations(UPLOADS[name][1]())
    assert numbers, "the body has enumerations to compare"
    assert enumerations(body) == {
        path: enum_names.NAMES[path.rsplit(".", 1)[-1]][number]
        for path, number in numbers.items()
    }
    assert [
        found
        for found in unexplained(example(f"{name}.request.json"), body, ALLOWED[name])
        if found[1].endswith(("delivery_mode", "logistics_type"))
    ] == []


def test_the_examples_name_only_enumerations_enum_names_reads():
    names = {
        (path.rsplit(".", 1)[-1], value)
        for name in SHOPPING_UPLOADS
        for path, value in enumerations(example(f"{name}.request.json")).items()
    }
    assert names and all(value in enum_names.NUMBERS[key] for key, value in names)


@pytest.mark.parametrize("name", [n for n in UPLOADS if n != "user_order_verify"])
def test_upload_times_are_strings_as_in_the_examples_and_carry_a_zone(
    double, client, name
):
    """Deliberate: the Shopping Order examples' upload_time has no zone, ours always
    has one; the shape is the same, a string."""
    theirs = example(f"{name}.request.json")["upload_time"]
    ours = sent(client, double, name)["upload_time"]
    assert isinstance(theirs, str) and isinstance(ours, str)
    assert parse_rfc3339(ours).utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("name", ["get_order", "notify_confirm_receive"])
@pytest.mark.parametrize("key", [WXPAY_KEY, merchant_key("SO0001")], ids=["wx", "mch"])
def test_order_query_body_has_the_example_shape(double, client, name, key):
    if name == "get_order":
        client.get_order(key)
        path = endpoints.OSM_GET_ORDER
    else:
        client.notify_confirm_receive(key, 1670829139)
        path = endpoints.OSM_NOTIFY_CONFIRM_RECEIVE
    (body,) = double.bodies(path)
    assert unexplained(example(f"{name}.request.json"), body, ALLOWED[name]) == []


# api_getorderlist: last_index 获取第一页时不用传入 (bug (b) sent "" on the first page).
@pytest.mark.parametrize("order_state", [None, 1])
def test_order_list_first_page_has_the_example_shape(double, client, order_state):
    client.order_list(1670563531, 1670563531, order_state=order_state, page_size=2)
    (first,) = double.bodies(endpoints.OSM_GET_ORDER_LIST)
    theirs = example("get_order_list.request.json")
    assert unexplained(theirs, first, ALLOWED["get_order_list"]) == []


def test_order_list_next_page_adds_only_the_last_index(double, client):
    page = example_text("get_order_list.response.json")
    double.answer(endpoints.OSM_GET_ORDER_LIST, page, LAST_PAGE)
    client.order_list(1670563531, 1670563531, order_state=1, page_size=2)
    _first, second = double.bodies(endpoints.OSM_GET_ORDER_LIST)
    theirs = example("get_order_list.request.json")
    assert unexplained(theirs, second, NEXT_PAGE) == []
    assert second["last_index"] == "092dd3cecbc6926301"


SINGLE_FIELD_CALLS = [
    # (example, path, the client's call)
    (
        "set_msg_jump_path",
        endpoints.OSM_SET_MSG_JUMP_PATH,
        lambda client: client.set_msg_jump_path("pages/order/detail"),
    ),
    (
        "is_trade_managed",
        endpoints.OSM_IS_TRADE_MANAGED,
        lambda client: client.is_trade_managed(APPID),
    ),
    (
        "is_trade_management_confirmation_completed",
        endpoints.OSM_IS_CONFIRMATION_COMPLETED,
        lambda client: client.confirmation_completed(APPID),
    ),
]


@pytest.mark.parametrize(
    "name, path, call", SINGLE_FIELD_CALLS, ids=[c[0] for c in SINGLE_FIELD_CALLS]
)
def test_single_field_request_has_exactly_the_example_shape(
    double, client, name, path, call
):
    assert call(client).accepted
    assert unexplained(example(f"{name}.request.json"), double.bodies(path)[0]) == []


# get_delivery_list's request has no example (sources.json): WeChat documents no body
# fields, and the client posts an empty object.
def test_delivery_list_request_is_an_empty_object(double, client):
    double.answer(
        endpoints.DELIVERY_LIST, example_text("get_delivery_list.response.json")
    )
    client.get_delivery_list()
    assert double.bodies(endpoints.DELIVERY_LIST) == [{}]


def test_shopping_details_never_go_out_without_an_order_detail_jump_link(
    double, client
):
    """uploadShoppingInfo and uploadCombinedShoppingInfo mark order_detail_jump_link
    是 (required), and every example sends it: details built without a page are refused
    by the rules, for that and nothing else, and nothing is sent."""

    def single():
        order = OrderDetails("S00001", items())
        return ShoppingDetails(
            merchant_key("SO0001"), order, LogisticsType.EXPRESS, WHEN, OPENID
        )

    def combined():
        sub = SubOrderDetails(
            merchant_key("SO0001"),
            OrderDetails("S00001", items()),
            LogisticsType.EXPRESS,
        )
        return CombinedShoppingDetails(merchant_key("MAIN-42"), (sub,), WHEN, OPENID)

    for build in (single, combined):
        with pytest.raises(validation.PayloadInvalid) as refused:
            client.upload(build())
        paths = [problem.path for problem in refused.value.problems]
        assert paths and all(
            path.endswith("order_detail_jump_link") for path in paths
        ), paths
    assert [
        body
        for path in endpoints.SHOPPING_DETAILS_CALLS
        for body in double.bodies(path)
    ] == []


# Each example request, and the tests that compare a body the client sends with it.
REQUESTS_COMPARED = {
    **{
        f"{name}.request.json": [
            "test_order_shipping_upload_has_the_example_shape",
            "test_upload_times_are_strings_as_in_the_examples_and_carry_a_zone",
        ]
        for name in OSM_UPLOADS
    },
    **{
        f"{name}.request.json": [
            "test_shopping_order_body_has_the_example_shape_with_enumerations_as_numbers",
            "test_shopping_order_body_in_names_mode_has_the_example_shape",
        ]
        for name in SHOPPING_UPLOADS
    },
    "get_order.request.json": ["test_order_query_body_has_the_example_shape"],
    "notify_confirm_receive.request.json": [
        "test_order_query_body_has_the_example_shape"
    ],
    "get_order_list.request.json": [
        "test_order_list_first_page_has_the_example_shape",
        "test_order_list_next_page_adds_only_the_last_index",
    ],
    **{
        f"{name}.request.json": [
            "test_single_field_request_has_exactly_the_example_shape"
        ]
        for name, _path, _call in SINGLE_FIELD_CALLS
    },
}


def test_every_example_request_is_compared_by_a_test():
    folder = sorted(path.name for path in EXAMPLES.glob("*.request.json"))
    assert sorted(REQUESTS_COMPARED) == folder
    named = {test for tests in REQUESTS_COMPARED.values() for test in tests}
    assert sorted(test for test in named if test not in globals()) == []


def test_every_example_names_its_source():
    listed = {entry["file"]: entry for entry in sources() if entry["file"]}
    folder = {path.name for path in EXAMPLES.glob("*.json")} - {"sources.json"}
    assert set(listed) == folder
    for name, entry in listed.items():
        assert entry["direction"] in name and entry["source"].endswith(".json")


# -- 3. the sandbox answers with exactly the example's keys --------------------------
def ask(sandbox, token, path, body):
    return requests.post(
        sandbox.url + path, params={"access_token": token}, json=body, timeout=5
    ).json()


@pytest.fixture
def payments(sandbox, token, control):
    """Two payments WeChat Pay knows: OSM0001 shipped in one parcel, OSM0002 not
    shipped."""
    for number in ("OSM0001", "OSM0002"):
        control.pay(
            OPENID, mchid=MCHID, out_trade_no=number, paid_amount=916, description="茶"
        )
    answer = ask(sandbox, token, endpoints.OSM_SINGLE_SHIPPING, valid_osm_body())
    assert answer["errcode"] == 0, answer


def get_order(sandbox, token, number):
    query = {"merchant_id": MCHID, "merchant_trade_no": number}
    return ask(sandbox, token, endpoints.OSM_GET_ORDER, query)


def listed_orders(sandbox, token):
    """get_order_list's answer, and its entries by merchant order number."""
    query = {"pay_time_range": {"begin_time": 0, "end_time": 2**32 - 1}}
    answer = ask(sandbox, token, endpoints.OSM_GET_ORDER_LIST, query)
    entries = {entry["merchant_trade_no"]: entry for entry in answer["order_list"]}
    return answer, entries


def test_sandbox_get_order_answers_exactly_the_example_shape(sandbox, token, payments):
    answer = get_order(sandbox, token, "OSM0001")
    assert unexplained(example("get_order.response.json"), answer) == []


def test_sandbox_unshipped_order_answers_the_empty_shipping_of_the_example_list(
    sandbox, token, payments
):
    unshipped = example("get_order_list.response.json")["order_list"][0]
    theirs = {**example("get_order.response.json"), "order": unshipped}
    answer = get_order(sandbox, token, "OSM0002")
    assert answer["order"]["shipping"] == {}
    assert unexplained(theirs, answer) == []


def test_sandbox_order_list_answers_exactly_the_example_shape(sandbox, token, payments):
    theirs = example("get_order_list.response.json")
    answer, entries = listed_orders(sandbox, token)
    # The entries apart: the example lists unshipped payments only, a shipped entry
    # is compared with get_order's example order.
    assert unexplained({**theirs, "order_list": []}, {**answer, "order_list": []}) == []
    assert unexplained(theirs["order_list"][0], entries["OSM0002"]) == []
    shipped = example("get_order.response.json")["order"]
    assert unexplained(shipped, entries["OSM0001"]) == []


def test_sandbox_rich_order_shape_adds_only_each_parcels_goods_desc_and_contact(
    sandbox, token, control, payments
):
    assert requests.get(sandbox.url + "/sandbox/order_shape", timeout=5).json() == {
        "shape": "example"
    }, "WeChat's example's fields by default"
    control.order_shape("rich")
    answer = get_order(sandbox, token, "OSM0001")
    assert unexplained(example("get_order.response.json"), answer) == [
        ("extra", "order.shipping.shipping_list[].contact"),
        ("extra", "order.shipping.shipping_list[].goods_desc"),
    ]
    _answer, entries = listed_orders(sandbox, token)
    assert unexplained(
        example("get_order.response.json")["order"], entries["OSM0001"]
    ) == [
        ("extra", "shipping.shipping_list[].contact"),
        ("extra", "shipping.shipping_list[].goods_desc"),
    ]


@pytest.mark.parametrize("name, _method, path, _field", TRADE_MANAGEMENT)
def test_sandbox_trade_management_answers_exactly_the_example_shape(
    sandbox, token, name, _method, path, _field
):
    answer = ask(sandbox, token, path, {"appid": APPID})
    assert unexplained(example(f"{name}.response.json"), answer) == []


def test_sandbox_delivery_list_answers_the_example_shape(sandbox, token):
    answer = ask(sandbox, token, endpoints.DELIVERY_LIST, {})
    theirs = example("get_delivery_list.response.json")
    assert unexplained(theirs, answer) == []


def test_sandbox_token_answers_exactly_the_example_shape(sandbox):
    answer = classic_token(sandbox.url)
    assert unexplained(example("token.response.json"), answer) == []


# -- calls without an example ---------------------------------------------------------
def test_calls_without_an_example_say_where_they_were_searched():
    missing = [entry for entry in sources() if entry["file"] is None]
    assert missing
    for entry in missing:
        assert entry["call"] and entry["direction"] in ("request", "response", "push")
        # a folder of a repository, at a commit
        assert re.search(r"searched \S+/ at [0-9a-f]{40}", entry["missing"]), entry
