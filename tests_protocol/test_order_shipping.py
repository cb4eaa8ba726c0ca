"""Order Shipping Management payloads, parcel descriptions and validation rules (no
network)."""

import copy
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from builders import DELETE, OPENID, set_at, valid_osm_body, valid_osm_combined_body
from helpers import wechat_example
from wechat_protocol import catalogue as c
from wechat_protocol import endpoints, push
from wechat_protocol.client import order_query, payment_key
from wechat_protocol.order_shipping import (
    CombinedShippingInfo,
    LogisticsType,
    OrderShipment,
    Parcel,
    ShippingInfo,
    describe_items,
)
from wechat_protocol.order_shipping_record import (
    GOODS_DESC,
    counts_after,
    finish_count,
    held_after,
    held_form,
    is_complete,
    key_id,
    orders_of,
    plan,
    record_as_wire,
    same_shipping,
)
from wechat_protocol.order_shipping_validation import check_combined, check_single
from wechat_protocol.payload import Contact, DeliveryMode, OrderKey, OrderNumberType

TZ = timezone(timedelta(hours=8))
WHEN = datetime(2022, 12, 15, 13, 29, 35, 120000, tzinfo=TZ)
KEY = OrderKey(
    OrderNumberType.MERCHANT_TRADE_NUMBER, mchid="1230000109", out_trade_no="OSM0001"
)
CONTACT = Contact(receiver_contact="189****1234")


def _express(index):
    return Parcel(f"龙井茶礼盒*{index + 1}", f"SF{index:013d}", "SF", CONTACT)


# ------------------------------------------------------------------ payloads


def test_one_parcel_carrying_everything_is_unified_and_matches_the_documented_body():
    info = ShippingInfo(
        OrderShipment(KEY, LogisticsType.EXPRESS, (_express(0),), True), WHEN, OPENID
    )
    assert info.to_wire() == valid_osm_body()
    assert info.path == endpoints.OSM_SINGLE_SHIPPING
    assert info.check() == []


def test_parcels_while_more_may_follow_are_split_and_say_so():
    partial = OrderShipment(KEY, LogisticsType.EXPRESS, (_express(0),), False)
    assert partial.delivery_mode == DeliveryMode.SPLIT_DELIVERY
    assert partial.to_wire()["is_all_delivered"] is False
    complete = OrderShipment(
        KEY, LogisticsType.EXPRESS, (_express(0), _express(1)), True
    )
    assert ShippingInfo(complete, WHEN, OPENID).to_wire() == valid_osm_body(parcels=2)


def test_an_order_wechat_holds_split_stays_split():
    one = OrderShipment(
        KEY, LogisticsType.EXPRESS, (_express(0),), True, keep_split=True
    )
    assert one.delivery_mode == DeliveryMode.SPLIT_DELIVERY
    assert ShippingInfo(one, WHEN, OPENID).check() == []


@pytest.mark.parametrize(
    "kind", [LogisticsType.SAME_CITY, LogisticsType.VIRTUAL, LogisticsType.PICKUP]
)
def test_non_express_parcels_carry_no_tracking_fields(kind):
    shipment = OrderShipment(KEY, kind, (Parcel("会员卡*1", "IGNORED", "SF"),), True)
    assert shipment.to_wire()["shipping_list"] == [{"item_desc": "会员卡*1"}]
    assert shipment.to_wire()["logistics_type"] == int(kind)
    assert ShippingInfo(shipment, WHEN, OPENID).check() == []


def test_combined_body_matches_the_documented_shape():
    main = OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER,
        mchid="1230000109",
        out_trade_no="OSM-MAIN-1",
    )
    split = OrderShipment(
        KEY.__class__(KEY.order_number_type, mchid=KEY.mchid, out_trade_no="OSM-SUB-1"),
        LogisticsType.EXPRESS,
        (_express(0), _express(1)),
        True,
    )
    same_city = OrderShipment(
        OrderKey(
            OrderNumberType.MERCHANT_TRADE_NUMBER,
            mchid=KEY.mchid,
            out_trade_no="OSM-SUB-2",
        ),
        LogisticsType.SAME_CITY,
        (Parcel("青瓷杯*1"),),
        True,
    )
    info = CombinedShippingInfo(main, (split, same_city), WHEN, OPENID)
    assert info.to_wire() == valid_osm_combined_body()
    assert info.path == endpoints.OSM_COMBINED_SHIPPING
    assert info.check() == []


def test_order_queries_name_the_merchant_keys_their_own_way():
    assert order_query(KEY) == {
        "merchant_id": "1230000109",
        "merchant_trade_no": "OSM0001",
    }
    assert order_query(
        OrderKey(OrderNumberType.WXPAY_TRADE_NUMBER, transaction_id="42001")
    ) == {"transaction_id": "42001"}
    assert order_query({"order_number_type": 2, "transaction_id": "42001"}) == {
        "transaction_id": "42001"
    }
    assert order_query(KEY.to_wire()) == order_query(KEY)
    # A key of the merchant order number that knows its transaction id (learnt from
    # WeChat) asks by WeChat Pay's own number, which names the payment alone.
    assert order_query(replace(KEY, transaction_id="42001")) == {
        "transaction_id": "42001"
    }


# ------------------------------------------------------------------ parcel descriptions


def test_a_description_names_each_product_with_its_quantity():
    assert (
        describe_items([("龙井茶礼盒", 2), ("青瓷杯", 1.0)]) == "龙井茶礼盒*2、青瓷杯*1"
    )
    assert describe_items([("Tea", 1.5), ("Cup", 3)], "en_US") == "Tea*1.5, Cup*3"
    assert describe_items([("Tea\n gift   box", 1)], "en_US") == "Tea gift box*1"


def test_a_long_description_keeps_whole_items_and_says_how_many_more():
    items = [(f"龙井茶礼盒{i}", 1) for i in range(30)]
    text = describe_items(items)
    assert len(text) <= 120
    kept = text.split("等另外")[0].split("、")
    assert all(word in {f"龙井茶礼盒{i}*1" for i in range(30)} for word in kept)
    assert text.endswith(f"等另外 {30 - len(kept)} 种商品")
    english = describe_items([("Longjing tea gift box", 2)] * 20, "en_US")
    assert len(english) <= 120 and english.endswith(" and 16 more")


@pytest.mark.parametrize(
    "name",
    [
        "茶" * 300,
        "e\u0301" * 200,
        "👨\u200d👩\u200d👧" * 60,
        "A\U0001f44d\U0001f3fd" * 90,
        "\U0001f1e8\U0001f1f3" * 100,
        "\u1100\u1161\u11a8" * 70,
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f" * 30,
    ],
)
def test_a_name_too_long_alone_is_cut_without_parting_a_character(name):
    for items in ([(name, 1)], [(name, 1), ("杯", 2)]):
        text = describe_items(items)
        assert len(text) <= 120
        head = text.split("…")[0]
        assert name.startswith(head)
        rest = name[len(head) :]
        assert not rest or not (
            unicodedata.category(rest[0]).startswith("M")
            or rest[0] in "\u200d\U0001f3fd"
            or head.endswith("\u200d")
            or 0x1160 <= ord(rest[0]) <= 0x11FF
            or 0xE0020 <= ord(rest[0]) <= 0xE007F
        )
        flags = len(head) - len(head.rstrip("".join(map(chr, range(0x1F1E6, 0x1F200)))))
        assert flags % 2 == 0, "a flag is a pair of regional indicators"
    assert describe_items([(name, 1), ("杯", 2)]).endswith("等另外 1 种商品")


# ---------------------------------------------------------------- rules and their codes

SINGLE_MUTATIONS = [
    ("logistics type 5", set_at(["logistics_type"], 5), c.LOGISTICS_TYPE_ILLEGAL),
    (
        "logistics type missing",
        set_at(["logistics_type"], DELETE),
        c.LOGISTICS_TYPE_ILLEGAL,
    ),
    (
        "logistics type as text",
        set_at(["logistics_type"], "EXPRESS"),
        c.DATA_FORMAT_ERROR,
    ),
    ("delivery mode 3", set_at(["delivery_mode"], 3), c.DELIVERY_MODE_ILLEGAL),
    (
        "split same-city",
        lambda b: b.update(
            logistics_type=2, delivery_mode=2, shipping_list=[{"item_desc": "x*1"}]
        ),
        c.SPLIT_NOT_EXPRESS,
    ),
    (
        "split without is_all_delivered",
        lambda b: (b.update(delivery_mode=2), b.pop("is_all_delivered")),
        c.ALL_DELIVERED_MISSING,
    ),
    (
        "is_all_delivered as text",
        set_at(["is_all_delivered"], "true"),
        c.DATA_FORMAT_ERROR,
    ),
    ("no parcel", set_at(["shipping_list"], []), c.OSM_PARAM_ERROR),
    (
        "16 parcels",
        lambda b: b.update(delivery_mode=2, shipping_list=b["shipping_list"] * 16),
        c.TOO_MANY_PARCELS,
    ),
    (
        "unified with two parcels",
        lambda b: b.update(shipping_list=b["shipping_list"] * 2),
        c.UNIFIED_NEEDS_ONE_SHIPPING,
    ),
    (
        "no item_desc",
        set_at(["shipping_list", 0, "item_desc"], DELETE),
        c.ITEM_DESC_EMPTY,
    ),
    (
        "item_desc blank",
        set_at(["shipping_list", 0, "item_desc"], "  "),
        c.ITEM_DESC_EMPTY,
    ),
    (
        "item_desc of 121",
        set_at(["shipping_list", 0, "item_desc"], "茶" * 121),
        c.ITEM_DESC_TOO_LONG,
    ),
    (
        "item_desc with a NUL",
        set_at(["shipping_list", 0, "item_desc"], "茶\x00*1"),
        c.OSM_PARAM_ERROR,
    ),
    (
        "express without tracking",
        set_at(["shipping_list", 0, "tracking_no"], DELETE),
        c.TRACKING_NO_EMPTY,
    ),
    (
        "express without code",
        set_at(["shipping_list", 0, "express_company"], ""),
        c.EXPRESS_COMPANY_EMPTY,
    ),
    (
        "tracking of 129 bytes",
        set_at(["shipping_list", 0, "tracking_no"], "S" * 129),
        c.TRACKING_NO_TOO_LONG,
    ),
    (
        "code of 129 bytes",
        set_at(["shipping_list", 0, "express_company"], "S" * 129),
        c.EXPRESS_COMPANY_TOO_LONG,
    ),
    ("pickup with tracking", set_at(["logistics_type"], 4), c.OSM_PARAM_ERROR),
    (
        "unmasked contact",
        set_at(["shipping_list", 0, "contact", "receiver_contact"], "18912341234"),
        c.OSM_PARAM_ERROR,
    ),
    (
        "SF without contact",
        set_at(["shipping_list", 0, "contact"], DELETE),
        c.OSM_PARAM_ERROR,
    ),
    ("no upload_time", set_at(["upload_time"], DELETE), c.UPLOAD_TIME_MISSING),
    (
        "upload_time with a space",
        set_at(["upload_time"], "2022-12-15T13:29:35.120 08:00"),
        c.UPLOAD_TIME_ILLEGAL,
    ),
    ("no openid", set_at(["payer"], {}), c.OPENID_EMPTY),
    (
        "order number type 3",
        set_at(["order_key", "order_number_type"], 3),
        c.ORDER_NUMBER_TYPE_ILLEGAL,
    ),
    (
        "no out_trade_no",
        set_at(["order_key", "out_trade_no"], DELETE),
        c.OUT_TRADE_NO_MISSING,
    ),
    (
        "shipping_list as object",
        set_at(["shipping_list"], {"tracking_no": "x"}),
        c.DATA_FORMAT_ERROR,
    ),
]


@pytest.mark.parametrize(
    "name, mutate, code", SINGLE_MUTATIONS, ids=[m[0] for m in SINGLE_MUTATIONS]
)
def test_each_rule_of_a_single_upload_gives_its_code(name, mutate, code):
    body = valid_osm_body()
    mutate(body)
    problems = check_single(body)
    assert code in {p.code for p in problems}, problems
    for problem in problems:
        assert (
            problem.message_en.isascii()
            and problem.message_zh
            and not problem.message_zh.isascii()
        )


def test_a_partial_split_upload_is_valid():
    assert check_single(valid_osm_body(all_delivered=False)) == []


def test_combined_rules():
    body = valid_osm_combined_body()
    assert check_combined(body) == []
    mismatch = copy.deepcopy(body)
    mismatch["sub_orders"][1]["order_key"] = {
        "order_number_type": 2,
        "transaction_id": "4200009",
    }
    assert {p.code for p in check_combined(mismatch)} == {c.ORDER_NUMBER_TYPE_MISMATCH}
    twice = copy.deepcopy(body)
    twice["sub_orders"][1]["order_key"] = dict(twice["sub_orders"][0]["order_key"])
    assert [p.code for p in check_combined(twice)] == [c.DUPLICATE_SUB_ORDER]
    empty = copy.deepcopy(body)
    empty["sub_orders"] = []
    assert c.PARAM_ERROR in {p.code for p in check_combined(empty)}
    nested = copy.deepcopy(body)
    nested["sub_orders"][0]["logistics_type"] = 9
    assert [(p.code, p.path) for p in check_combined(nested)] == [
        (c.LOGISTICS_TYPE_ILLEGAL, "sub_orders[0].logistics_type")
    ]


@pytest.mark.parametrize("body", [None, [], "x", 5, {"order_key": []}])
def test_anything_is_checked_without_an_exception(body):
    assert check_single(body) and check_combined(body)


# -------------------------------------------- what WeChat holds, and the one correction

KEY_ID = "mch:1230000109:OSM0001"


def test_key_ids_and_orders_of_a_body():
    assert key_id(valid_osm_body()["order_key"]) == KEY_ID
    assert key_id({"order_number_type": 2, "transaction_id": "42001"}) == "wx:42001"
    assert orders_of(valid_osm_body()) == [valid_osm_body()]
    assert [key_id(o["order_key"]) for o in orders_of(valid_osm_combined_body())] == [
        "mch:1230000109:OSM-SUB-1",
        "mch:1230000109:OSM-SUB-2",
    ]


def test_the_same_shipping_ignores_upload_time_payer_and_contacts():
    later = valid_osm_body()
    later.update(
        upload_time="2030-01-01T00:00:00.000+08:00", payer={"openid": "oOther"}
    )
    later["shipping_list"][0]["contact"] = {}
    assert same_shipping(later, valid_osm_body())
    changed = valid_osm_body()
    changed["shipping_list"][0]["tracking_no"] = "SF0"
    assert not same_shipping(changed, valid_osm_body())
    assert not same_shipping(
        valid_osm_body(all_delivered=False),
        valid_osm_body(all_delivered=False, parcels=2),
    )
    assert not same_shipping(valid_osm_body(), None)


def test_wechat_record_reads_back_as_exactly_the_wire_order_it_holds():
    record = {
        "shipping": {
            "delivery_mode": 1,
            "logistics_type": 1,
            "finish_shipping": True,
            "finish_shipping_count": 1,
            "shipping_list": [
                {
                    "tracking_no": "SF0000000000000",
                    "express_company": "SF",
                    "goods_desc": "龙井茶礼盒*1",
                    "upload_time": 1,
                    "contact": {"receiver_contact": "189****1234"},
                }
            ],
        }
    }
    body = valid_osm_body()
    assert record_as_wire(record, body["order_key"]) == held_form(body)
    same_city = {
        "shipping": {
            "delivery_mode": 1,
            "logistics_type": 2,
            "finish_shipping": True,
            "shipping_list": [
                {"tracking_no": "", "express_company": "", "goods_desc": "杯*1"}
            ],
        }
    }
    assert record_as_wire(same_city, body["order_key"])["shipping_list"] == [
        {"item_desc": "杯*1"}
    ]
    assert (
        record_as_wire(
            {"shipping": {"finish_shipping_count": 0, "shipping_list": []}}, {}
        )
        is None
    )
    assert record_as_wire({}, {}) is None


def _accept(body, held, counts):
    """plan(), then what WeChat holds and counts once it accepted what plan() says to
    send."""
    sent, changed, refused = plan(body, held, counts)
    if sent is None:
        return None, held, counts, changed, refused
    return (
        sent,
        held_after(sent, held),
        counts_after(sent, held, counts),
        changed,
        refused,
    )


def test_partial_uploads_are_free_the_completion_counts_and_one_change_follows():
    partial, complete = valid_osm_body(all_delivered=False), valid_osm_body(parcels=2)
    sent, held, counts, changed, _ = _accept(partial, {}, {})
    assert (sent, changed, counts) == (partial, [KEY_ID], {})
    assert plan(partial, held, counts) == (None, [], []), "unchanged: nothing to send"
    sent, held, counts, _, _ = _accept(complete, held, counts)
    assert counts == {KEY_ID: 1}
    corrected = copy.deepcopy(complete)
    corrected["shipping_list"][1]["tracking_no"] = "SF1111111111111"
    sent, held, counts, changed, refused = _accept(corrected, held, counts)
    assert (changed, refused, counts) == ([KEY_ID], [], {KEY_ID: 2})
    assert plan(corrected, held, counts) == (None, [], [])
    assert plan(complete, held, counts) == (
        None,
        [],
        [KEY_ID],
    ), "a second change is never sent"


def test_a_changed_phone_alone_is_not_sent():
    sent, held, counts, _, _ = _accept(valid_osm_body(), {}, {})
    phone = valid_osm_body()
    phone["shipping_list"][0]["contact"] = {"receiver_contact": "139****0000"}
    assert plan(phone, held, counts) == (None, [], [])


def test_a_combined_upload_carries_unchanged_and_refused_sub_orders_as_held_by_wechat():
    body = valid_osm_combined_body()
    sent, held, counts, _, _ = _accept(body, {}, {})
    assert counts == {"mch:1230000109:OSM-SUB-1": 1, "mch:1230000109:OSM-SUB-2": 1}
    # Sub-order 1 is corrected (its one change), then corrected again while sub-order
    # 2's phone changes: only what WeChat would take goes out, carried with the others
    # as it holds them.
    first = copy.deepcopy(body)
    first["sub_orders"][0]["shipping_list"][0]["tracking_no"] = "SF1111111111111"
    sent, held, counts, changed, refused = _accept(first, held, counts)
    assert (changed, counts["mch:1230000109:OSM-SUB-1"]) == (
        ["mch:1230000109:OSM-SUB-1"],
        2,
    )
    second = copy.deepcopy(first)
    second["sub_orders"][0]["shipping_list"][0]["tracking_no"] = "SF2222222222222"
    second["sub_orders"][1]["shipping_list"][0]["contact"] = {
        "receiver_contact": "139****0000"
    }
    assert plan(second, held, counts) == (None, [], ["mch:1230000109:OSM-SUB-1"])
    second["sub_orders"][1]["shipping_list"][0]["item_desc"] = "青瓷杯*2"
    sent, changed, refused = plan(second, held, counts)
    assert (changed, refused) == (
        ["mch:1230000109:OSM-SUB-2"],
        ["mch:1230000109:OSM-SUB-1"],
    )
    assert sent["sub_orders"][0]["shipping_list"][0]["tracking_no"] == "SF1111111111111"
    assert sent["sub_orders"][1]["shipping_list"][0] == {
        "item_desc": "青瓷杯*2",
        "contact": {"receiver_contact": "139****0000"},
    }
    assert counts_after(sent, held, counts) == {
        "mch:1230000109:OSM-SUB-1": 2,
        "mch:1230000109:OSM-SUB-2": 2,
    }


# -- WeChat's record as WeChat answers it --------------------------------------------
# WeChat's example answer of get_order (SKIT ModelSamples
# WxaSecOrderGetOrderResponse.json): the description once, on `shipping`; parcels of
# tracking_no, express_company and upload_time only.
def _wechat_record(body, finish_count=1):
    """WeChat's record of `body` (a wire order it accepted), shaped as its example."""
    return {
        "transaction_id": "4200000000000000000000000001",
        "order_state": 2,
        "in_complaint": False,
        "shipping": {
            "delivery_mode": body["delivery_mode"],
            "logistics_type": body["logistics_type"],
            "finish_shipping": is_complete(body),
            "finish_shipping_count": finish_count,
            "goods_desc": "；".join(p["item_desc"] for p in body["shipping_list"]),
            "shipping_list": [
                {
                    key: parcel[key]
                    for key in ("tracking_no", "express_company")
                    if key in parcel
                }
                | {"upload_time": 1670832735}
                for parcel in body["shipping_list"]
            ],
        },
    }


def test_wechats_example_answer_reads_as_the_shipping_it_holds():
    example = wechat_example("get_order.response.json")["order"]
    held = record_as_wire(example, {"order_number_type": 2, "transaction_id": "x"})
    assert held["shipping_list"] == [
        {"tracking_no": "JT1234567890", "express_company": "JTSD"}
    ]
    assert (held[GOODS_DESC], held["is_all_delivered"]) == ("🍌*1", True)
    assert finish_count(example) == 1
    one = valid_osm_body()
    one["shipping_list"][0].update(
        tracking_no="JT1234567890", express_company="JTSD", item_desc="🍌*1"
    )
    assert same_shipping(one, held)
    one["shipping_list"][0]["item_desc"] = "🍌*2"
    assert not same_shipping(one, held), "a lone parcel's description is compared"


@pytest.mark.parametrize(
    "shipping",
    [
        {"shipping_list": [{"tracking_no": "SF1", "unknown": 1}], "extra": {}},
        {"shipping_list": ["not a parcel", {"tracking_no": "SF1"}]},
        {"finish_shipping_count": 1, "shipping_list": [{"tracking_no": "SF1"}]},
        {"finish_shipping": True, "shipping_list": [{"tracking_no": "SF1"}]},
    ],
)
def test_a_record_is_read_whatever_wechat_leaves_out_or_adds(shipping):
    held = record_as_wire({"shipping": shipping}, {})
    assert held["shipping_list"] == [{"tracking_no": "SF1"}]
    assert held["is_all_delivered"] is bool(
        shipping.get("finish_shipping") or shipping.get("finish_shipping_count")
    )
    assert finish_count({"shipping": shipping}) == (
        1 if held["is_all_delivered"] else 0
    )


@pytest.mark.parametrize("order", [{}, {"shipping": {}}, {"shipping": None}, []])
def test_a_record_without_shipping_holds_nothing_and_counts_nothing(order):
    assert record_as_wire(order, {}) is None
    assert finish_count(order) == 0


def test_what_wechat_holds_as_its_example_shows_is_never_sent_again():
    body = valid_osm_body(parcels=2)
    held = {KEY_ID: record_as_wire(_wechat_record(body), body["order_key"])}
    later = copy.deepcopy(body)
    later["upload_time"] = "2022-12-16T10:00:00+08:00"
    later["shipping_list"].reverse()  # WeChat's order of parcels is not promised
    assert plan(later, held, {KEY_ID: 1}) == (None, [], [])
    assert plan(later, held, {KEY_ID: 2}) == (None, [], []), "not parked as used"
    later["shipping_list"][0]["tracking_no"] = "SF7777777777777"
    assert plan(later, held, {KEY_ID: 1})[1] == [KEY_ID], "a real change is sent"
    assert plan(later, held, {KEY_ID: 2}) == (None, [], [KEY_ID])


def test_a_held_copy_goes_out_with_its_description_and_contacts():
    body = valid_osm_combined_body()
    held = {
        key_id(order["order_key"]): record_as_wire(
            _wechat_record(order), order["order_key"]
        )
        for order in body["sub_orders"]
    }
    counts = dict.fromkeys(held, 2)  # both corrections used: both go as WeChat holds
    changed = copy.deepcopy(body)
    changed["sub_orders"][0]["shipping_list"][0]["tracking_no"] = "SF7777777777777"
    changed["sub_orders"][1]["shipping_list"][0]["item_desc"] = "青瓷杯*9"
    assert plan(changed, held, counts)[0] is None
    counts["mch:1230000109:OSM-SUB-2"] = 1
    sent, now_changed, refused = plan(changed, held, counts)
    assert (now_changed, refused) == (
        ["mch:1230000109:OSM-SUB-2"],
        ["mch:1230000109:OSM-SUB-1"],
    )
    carried = sent["sub_orders"][0]
    assert [p["tracking_no"] for p in carried["shipping_list"]] == [
        "SF0000000000000",
        "SF0000000000001",
    ], "WeChat's tracking numbers, not the refused change"
    assert [p["item_desc"] for p in carried["shipping_list"]] == [
        "龙井茶礼盒*1；龙井茶礼盒*2",
        "龙井茶礼盒*2",
    ], "the upload's description of the same parcel, else WeChat's own"
    assert all(p["contact"] for p in carried["shipping_list"])
    assert GOODS_DESC not in carried
    assert check_combined(sent) == []
    assert counts_after(sent, held, counts) == {**counts, now_changed[0]: 2}


# ------------------------------------------- service providers (服务商), sub-merchants


def test_a_sub_merchants_key_names_it_as_each_call_wants():
    sub_merchant = OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER,
        mchid="1230000109",
        out_trade_no="OSM0001",
        sub_mchid="1900000109",
    )
    # The upload's key has no sub-merchant field: it names the sub-merchant.
    assert sub_merchant.to_wire() == {
        "order_number_type": 1,
        "mchid": "1900000109",
        "out_trade_no": "OSM0001",
    }
    assert order_query(sub_merchant) == {
        "merchant_id": "1230000109",
        "sub_merchant_id": "1900000109",
        "merchant_trade_no": "OSM0001",
    }
    assert "sub_merchant_id" not in order_query(KEY), "a direct merchant's has none"
    by_id = OrderKey(
        OrderNumberType.WXPAY_TRADE_NUMBER,
        transaction_id="42001",
        mchid="1230000109",
        sub_mchid="1900000109",
    )
    assert by_id.to_wire() == {"order_number_type": 2, "transaction_id": "42001"}
    assert order_query(by_id) == {"transaction_id": "42001"}
    assert sub_merchant.check() == [] and by_id.check() == []


@pytest.mark.parametrize(
    "mchid, sub_mchid, codes",
    [
        ("1230000109", "19000", [c.MCHID_INVALID]),
        ("1230000109", "１９００００００１０９", [c.MCHID_INVALID]),
        (None, "1900000109", [c.MCHID_MISSING]),
        ("12300", "1900000109", [c.MCHID_INVALID]),
    ],
)
def test_a_sub_merchant_id_is_a_merchant_number_beside_its_service_providers(
    mchid, sub_mchid, codes
):
    by_id = OrderKey(
        OrderNumberType.WXPAY_TRADE_NUMBER,
        transaction_id="42001",
        mchid=mchid,
        sub_mchid=sub_mchid,
    )
    by_number = OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER,
        mchid=mchid,
        out_trade_no="OSM0001",
        sub_mchid=sub_mchid,
    )
    problems = by_number.check()
    assert [p.code for p in problems] == codes
    assert all(p.message("zh_CN") and p.message("en") for p in problems)
    if mchid is None:
        assert "merchant" in problems[0].message("en").lower()
        assert "商户号" in problems[0].message("zh_CN")
    assert [p.code for p in by_id.check()] == (codes if mchid != "12300" else [])


def test_a_payment_wechat_named_is_queried_by_its_ids():
    listed = {"transaction_id": "4200001", "merchant_id": 1230000109}
    assert order_query(payment_key(push.payment_ids(listed))) == {
        "transaction_id": "4200001"
    }
    by_number = {"merchant_id": "1230000109", "merchant_trade_no": "N1"}
    assert order_query(payment_key(by_number)) == {
        "merchant_id": "1230000109",
        "merchant_trade_no": "N1",
    }
