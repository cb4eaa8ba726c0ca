"""Shopping details payloads and rules, prices in fen, and the family's two enum
encodings."""

from datetime import datetime, timedelta, timezone

import pytest
from builders import MCHID, OPENID
from wechat_protocol import catalogue as c
from wechat_protocol import enum_names, shopping_details_validation, validation
from wechat_protocol.order_shipping import LogisticsType
from wechat_protocol.payload import OrderKey, OrderNumberType
from wechat_protocol.shopping_details import (
    CombinedShoppingDetails,
    Item,
    JumpLink,
    JumpLinkType,
    OrderDetails,
    ShoppingDetails,
    SubOrderDetails,
    allocate_fen,
    fen,
    priced,
    verify_body,
)

CST = timezone(timedelta(hours=8))
KEY = OrderKey(
    OrderNumberType.MERCHANT_TRADE_NUMBER, mchid=MCHID, out_trade_no="SO0001"
)


def details(**changes):
    item = Item(
        "SKU-A", "茶叶礼盒", "龙井 250 g", 12800, 2, ("https://shop.example.com/a.png",)
    )
    order = OrderDetails(
        "S00001",
        (item,),
        JumpLink(
            JumpLinkType.MINI_PROGRAM,
            "wxsandbox0000001",
            "pages/order/detail?out_trade_no=SO0001",
        ),
    )
    values = {
        "order_key": KEY,
        "order": order,
        "logistics_type": LogisticsType.EXPRESS,
        "upload_time": datetime(2024, 3, 1, 10, tzinfo=CST),
        "payer_openid": OPENID,
        **changes,
    }
    return ShoppingDetails(**values)


def test_single_details_wire_shape():
    assert details().to_wire() == {
        "order_key": {"order_number_type": 1, "mchid": MCHID, "out_trade_no": "SO0001"},
        "order_list": [
            {
                "merchant_order_no": "S00001",
                "order_detail_jump_link": {
                    "type": "MINI_PROGRAM",
                    "appid": "wxsandbox0000001",
                    "path": "pages/order/detail?out_trade_no=SO0001",
                },
                "item_list": [
                    {
                        "merchant_item_id": "SKU-A",
                        "name": "茶叶礼盒",
                        "description": "龙井 250 g",
                        "unit_price": 12800,
                        "quantity": 2,
                        "image_url": ["https://shop.example.com/a.png"],
                    }
                ],
            }
        ],
        "payer": {"openid": OPENID},
        "logistics_type": 1,
        "upload_time": "2024-03-01T10:00:00.000+08:00",
    }
    assert details().check() == []


def test_combined_details_carry_each_sub_orders_details_and_logistics():
    sub = SubOrderDetails(KEY, details().order, LogisticsType.PICKUP)
    main = OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER, mchid=MCHID, out_trade_no="MAIN-1"
    )
    body = CombinedShoppingDetails(
        main, (sub,), datetime(2024, 3, 1, tzinfo=CST), OPENID
    ).to_wire()
    assert body["sub_orders"][0]["logistics_type"] == 4
    assert body["sub_orders"][0]["item_list"][0]["merchant_item_id"] == "SKU-A"
    assert shopping_details_validation.check_combined(body) == []


def test_the_order_page_is_always_on_the_wire_when_given_and_required():
    link = JumpLink(JumpLinkType.URL, url="https://shop.example.com/o/S00001")
    for order in (
        OrderDetails("S00001", details().order.items, link),
        details().order,
    ):
        wire = order.to_wire()
        assert wire["order_detail_jump_link"] == order.jump_link.to_wire()
    without = details(order=OrderDetails("S00001", details().order.items))
    assert "order_detail_jump_link" not in without.to_wire()["order_list"][0]
    [problem] = without.check()
    assert (problem.code, problem.path) == (
        c.PARAM_ERROR,
        "order_list[0].order_detail_jump_link",
    )
    assert "order_detail_jump_link" in problem.message_en
    assert "order_detail_jump_link" in problem.message_zh
    assert problem.message_en != problem.message_zh


def test_combined_details_need_each_sub_orders_page():
    bare = OrderDetails("S00002", details().order.items)
    subs = (
        SubOrderDetails(KEY, details().order, LogisticsType.EXPRESS),
        SubOrderDetails(KEY, bare, LogisticsType.EXPRESS),
    )
    body = CombinedShoppingDetails(
        KEY, subs, datetime(2024, 3, 1, tzinfo=CST), OPENID
    ).to_wire()
    assert problems_of(body, shopping_details_validation.check_combined) == [
        (P, "sub_orders[1].order_detail_jump_link")
    ]


def test_an_item_carries_its_page_only_when_it_has_one():
    page = JumpLink(JumpLinkType.MINI_PROGRAM, "wxsandbox0000001", "pages/goods?id=A")
    plain = Item("SKU-A", "Tea", "Tea", 100, 1)
    assert "item_detail_jump_link" not in plain.to_wire()
    linked = Item("SKU-A", "Tea", "Tea", 100, 1, (), page)
    assert linked.to_wire()["item_detail_jump_link"] == {
        "type": "MINI_PROGRAM",
        "appid": "wxsandbox0000001",
        "path": "pages/goods?id=A",
    }
    order = OrderDetails("S00001", (linked, plain), details().order.jump_link)
    assert details(order=order).check() == []


def test_url_links_and_items_without_image():
    item = Item(
        "SKU-B",
        "Cup",
        "A cup",
        0,
        1,
        (),
        JumpLink(JumpLinkType.URL, url="https://shop.example.com/b"),
    )
    wire = item.to_wire()
    assert "image_url" not in wire
    assert wire["item_detail_jump_link"] == {
        "type": "URL",
        "url": "https://shop.example.com/b",
    }


def problems_of(body, check=shopping_details_validation.check_single):
    return sorted((p.code, p.path) for p in check(body))


def mutated(mutate):
    body = details().to_wire()
    mutate(body)
    return body


def _item(body):
    return body["order_list"][0]["item_list"][0]


P = c.PARAM_ERROR
ITEM = "order_list[0].item_list[0]"
RULES = {
    "no order_list": (lambda b: b.pop("order_list"), [(P, "order_list")]),
    "no items": (
        lambda b: b["order_list"][0].update(item_list=[]),
        [(P, "order_list[0].item_list")],
    ),
    "51 items": (
        lambda b: b["order_list"][0].update(item_list=[_item(b)] * 51),
        [(P, "order_list[0].item_list")],
    ),
    "merchant_order_no 65 bytes": (
        lambda b: b["order_list"][0].update(merchant_order_no="N" * 65),
        [(P, "order_list[0].merchant_order_no")],
    ),
    "name 257 chars": (
        lambda b: _item(b).update(name="茶" * 257),
        [(P, f"{ITEM}.name")],
    ),
    "name 256 chars": (lambda b: _item(b).update(name="茶" * 256), []),
    "description empty": (
        lambda b: _item(b).update(description=" "),
        [(P, f"{ITEM}.description")],
    ),
    "description 513": (
        lambda b: _item(b).update(description="d" * 513),
        [(P, f"{ITEM}.description")],
    ),
    "name with newline": (
        lambda b: _item(b).update(name="a\nb"),
        [(P, f"{ITEM}.name")],
    ),
    "unit_price yuan": (
        lambda b: _item(b).update(unit_price=128.0),
        [(P, f"{ITEM}.unit_price")],
    ),
    "unit_price negative": (
        lambda b: _item(b).update(unit_price=-1),
        [(P, f"{ITEM}.unit_price")],
    ),
    "unit_price text": (
        lambda b: _item(b).update(unit_price="12800"),
        [(P, f"{ITEM}.unit_price")],
    ),
    "quantity 0": (lambda b: _item(b).update(quantity=0), [(P, f"{ITEM}.quantity")]),
    "quantity 1.5": (
        lambda b: _item(b).update(quantity=1.5),
        [(P, f"{ITEM}.quantity")],
    ),
    "quantity true": (
        lambda b: _item(b).update(quantity=True),
        [(P, f"{ITEM}.quantity")],
    ),
    "4 images": (
        lambda b: _item(b).update(image_url=["https://a/1"] * 4),
        [(P, f"{ITEM}.image_url")],
    ),
    "no images": (lambda b: _item(b).update(image_url=[]), [(P, f"{ITEM}.image_url")]),
    "ftp image": (
        lambda b: _item(b).update(image_url=["ftp://a/1"]),
        [(P, f"{ITEM}.image_url")],
    ),
    "item id missing": (
        lambda b: _item(b).pop("merchant_item_id"),
        [(P, f"{ITEM}.merchant_item_id")],
    ),
    "link type 1": (
        lambda b: b["order_list"][0]["order_detail_jump_link"].update(type=1),
        [(P, "order_list[0].order_detail_jump_link.type")],
    ),
    "link path 513": (
        lambda b: b["order_list"][0]["order_detail_jump_link"].update(path="p" * 513),
        [(P, "order_list[0].order_detail_jump_link.path")],
    ),
    "url link without scheme": (
        lambda b: b["order_list"][0].update(
            order_detail_jump_link={"type": "URL", "url": "shop.example.com"}
        ),
        [(P, "order_list[0].order_detail_jump_link.url")],
    ),
    "no order page": (
        lambda b: b["order_list"][0].pop("order_detail_jump_link"),
        [(P, "order_list[0].order_detail_jump_link")],
    ),
    "order page null": (
        lambda b: b["order_list"][0].update(order_detail_jump_link=None),
        [(P, "order_list[0].order_detail_jump_link")],
    ),
    "no item page": (lambda b: _item(b).pop("item_detail_jump_link", None), []),
    "item page without path": (
        lambda b: _item(b).update(
            item_detail_jump_link={"type": "MINI_PROGRAM", "appid": "wx1"}
        ),
        [(P, f"{ITEM}.item_detail_jump_link.path")],
    ),
    "logistics 5": (lambda b: b.update(logistics_type=5), [(P, "logistics_type")]),
    "logistics missing": (lambda b: b.pop("logistics_type"), [(P, "logistics_type")]),
    "openid missing": (lambda b: b.pop("payer"), [(c.OPENID_EMPTY, "payer.openid")]),
    "upload_time with space": (
        lambda b: b.update(upload_time="2024-03-01T10:00:00.000 08:00"),
        [(c.UPLOAD_TIME_ILLEGAL, "upload_time")],
    ),
    "mchid missing": (
        lambda b: b["order_key"].pop("mchid"),
        [(c.MCHID_MISSING, "order_key.mchid")],
    ),
}


@pytest.mark.parametrize("name", RULES)
def test_details_rule(name):
    mutate, expected = RULES[name]
    assert problems_of(mutated(mutate)) == sorted(expected)


def test_details_problems_are_bilingual_and_all_reported_at_once():
    body = mutated(
        lambda b: (
            _item(b).update(quantity=0, unit_price=-5),
            b.update(logistics_type=9),
        )
    )
    problems = shopping_details_validation.check_single(body)
    assert len(problems) == 3
    assert all(
        p.message_en and p.message_zh and p.message_en != p.message_zh for p in problems
    )


def test_combined_details_sub_orders_keyed_like_the_main_order():
    sub = SubOrderDetails(
        OrderKey(OrderNumberType.WXPAY_TRADE_NUMBER, transaction_id="42000001"),
        details().order,
        LogisticsType.EXPRESS,
    )
    body = CombinedShoppingDetails(
        KEY, (sub,), datetime(2024, 3, 1, tzinfo=CST), OPENID
    ).to_wire()
    assert (
        c.ORDER_NUMBER_TYPE_MISMATCH,
        "sub_orders[0].order_key.order_number_type",
    ) in problems_of(body, shopping_details_validation.check_combined)


def test_verify_body():
    body = verify_body(KEY, OPENID)
    assert body == {"order_key": KEY.to_wire(), "payer": {"openid": OPENID}}
    assert shopping_details_validation.check_verify(body) == []
    assert problems_of(
        {"order_key": {}}, shopping_details_validation.check_verify
    ) == sorted(
        [
            (c.ORDER_NUMBER_TYPE_ILLEGAL, "order_key.order_number_type"),
            (c.OPENID_EMPTY, "payer.openid"),
        ]
    )


# ------------------------------------------------------------------------ prices in fen


@pytest.mark.parametrize(
    "lines, total, expected",
    [
        (["10.00", "20.00"], 3000, [1000, 2000]),
        # a fen short: the last line gives it
        (
            ["10.00", "10.00", "10.00"],
            2999,
            [1000, 1000, 999],
        ),
        (["33.33", "33.33", "33.34"], 10000, [3333, 3333, 3334]),
        # a coupon lowers the lines it applies to
        (
            ["100.00", "-10.00"],
            9000,
            [9000, 0],
        ),
        (["60.00", "40.00", "-25.00"], 7500, [4500, 3000, 0]),
        (["0.00", "5.00"], 500, [0, 500]),
        (["0.00", "0.00"], 0, [0, 0]),
        (["1.01", "1.01", "1.01"], 100, [34, 33, 33]),
    ],
)
def test_allocate_fen_adds_up_to_the_total(lines, total, expected):
    shares = allocate_fen(lines, total)
    assert shares == expected
    assert sum(shares) == total and min(shares) >= 0


@pytest.mark.parametrize(
    "fen, quantity, expected",
    [
        (3000, 3, [(1000, 3)]),
        (1000, 3, [(333, 2), (334, 1)]),
        (2, 3, [(0, 1), (1, 2)]),
        (0, 2, [(0, 2)]),
    ],
)
def test_priced_entries_cost_exactly_the_line(fen, quantity, expected):
    entries = priced(fen, quantity)
    assert entries == expected
    assert sum(unit * count for unit, count in entries) == fen
    assert sum(count for _unit, count in entries) == quantity


@pytest.mark.parametrize(
    "yuan, expected",
    [
        (0.29, 29),
        (1.15, 115),
        (159.75, 15975),
        (0.005, 1),
        (0.0049, 0),
        (12345678.9, 1234567890),
        (0, 0),
        (-2.5, -250),
    ],
)
def test_yuan_in_whole_fen_from_the_amounts_decimal_form(yuan, expected):
    assert fen(yuan) == expected
    assert isinstance(fen(yuan), int)


# ----------------------------------------------------------------------- enum encodings


def test_names_encoding_round_trips_every_enum_of_the_family():
    wire = details().to_wire()
    named = enum_names.to_names(wire)
    assert named["logistics_type"] == "PHYSICAL_LOGISTICS"
    assert enum_names.to_numbers(named) == wire
    assert shopping_details_validation.check_single(named) == []


def test_names_mode_keeps_order_number_type_a_number():
    # As the SDKs and SKIT's samples send it, beside delivery_mode and logistics_type
    # as names.
    shipping = {
        "order_key": {"order_number_type": 2, "transaction_id": "42000001"},
        "sub_orders": [
            {"order_key": {"order_number_type": 2}, "delivery_mode": 2},
        ],
    }
    named = enum_names.to_names(shipping)
    assert named["order_key"]["order_number_type"] == 2
    assert named["sub_orders"][0]["order_key"]["order_number_type"] == 2
    assert named["sub_orders"][0]["delivery_mode"] == "SPLIT_DELIVERY"
    assert enum_names.to_names(details().to_wire())["order_key"] == KEY.to_wire()
    assert enum_names.to_numbers(named) == shipping, "names are still read"


def test_names_are_read_by_the_shipping_rules_too():
    body = {
        "order_key": {
            "order_number_type": "WXPAY_TRADE_NUMBER",
            "transaction_id": "42000001",
        },
        "delivery_mode": "UNIFIED_DELIVERY",
        "shipping_list": [{"tracking_no": "T1", "express_company": "ZTO"}],
        "upload_time": "2024-03-01T10:00:00.000+08:00",
        "payer": {"openid": OPENID},
    }
    assert validation.check_single(body) == []


@pytest.mark.parametrize("value", ["MERCHANT", "1", 1.0, True, [1], {"v": 1}])
def test_anything_but_a_number_or_a_name_is_the_fields_own_code(value):
    body = details().to_wire()
    body["order_key"]["order_number_type"] = value
    body["logistics_type"] = value
    assert problems_of(body) == sorted(
        [
            (c.ORDER_NUMBER_TYPE_ILLEGAL, "order_key.order_number_type"),
            (P, "logistics_type"),
        ]
    )


def test_deep_nesting_is_left_alone():
    deep = []
    for _ in range(5000):
        deep = [deep]
    inner = enum_names.to_numbers({"x": deep})["x"]
    for _ in range(enum_names.MAX_DEPTH):
        inner, deep = inner[0], deep[0]
    assert inner is deep  # below the depth enumerations sit at, nothing is copied
