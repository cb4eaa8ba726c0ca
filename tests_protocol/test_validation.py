"""Tests of wire-body validation: each rule yields exactly its code at its path."""

import json

import pytest
from builders import valid_combined_body, valid_single_body
from wechat_protocol import catalogue
from wechat_protocol.validation import (
    PayloadInvalid,
    Problem,
    check_combined,
    check_order_key,
    check_single,
)

SUB0 = "sub_orders[0]"
SHIP0 = "sub_orders[0].shipping_list[0]"
UNI = "sub_orders[1]"


def found(problems):
    return sorted((problem.code, problem.path) for problem in problems)


def setter(path, value):
    """Return a mutation that sets a dotted/indexed path (list indexes as ints) to
    value."""

    def mutate(body):
        target = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def deleter(path):
    def mutate(body):
        target = body
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


def extend_shipments(count):
    def mutate(body):
        entry = body["sub_orders"][0]["shipping_list"][1]
        body["sub_orders"][0]["shipping_list"] = [
            dict(entry, tracking_no=f"T{i}") for i in range(count)
        ]

    return mutate


S0 = ("sub_orders", 0)
L0 = S0 + ("shipping_list", 0)
U0 = ("sub_orders", 1)

COMBINED_CASES = {
    "openid missing": (deleter(("payer", "openid")), 268485192, "payer.openid"),
    "openid empty": (setter(("payer", "openid"), ""), 268485192, "payer.openid"),
    "payer missing": (deleter(("payer",)), 268485192, "payer.openid"),
    "openid bad chars": (
        setter(("payer", "openid"), "oUpF8uMu+AJO/M2p=="),
        268457014,
        "payer.openid",
    ),
    "openid non-ascii": (
        setter(("payer", "openid"), "用户"),
        268457014,
        "payer.openid",
    ),
    "openid too long": (
        setter(("payer", "openid"), "o" * 129),
        268435461,
        "payer.openid",
    ),
    "upload_time missing": (deleter(("upload_time",)), 268485214, "upload_time"),
    "upload_time plus as space": (
        setter(("upload_time",), "2021-05-20T13:29:35.120 08:00"),
        268485216,
        "upload_time",
    ),
    "upload_time no offset": (
        setter(("upload_time",), "2021-05-20T13:29:35.120"),
        268485216,
        "upload_time",
    ),
    "upload_time unix text": (
        setter(("upload_time",), "1621488575"),
        268485216,
        "upload_time",
    ),
    "upload_time number": (setter(("upload_time",), 1621488575), 47001, "upload_time"),
    "order_key missing": (deleter(("order_key",)), 268435461, "order_key"),
    "order_number_type 3": (
        setter(("order_key", "order_number_type"), 3),
        268485194,
        "order_key.order_number_type",
    ),
    "order_number_type missing": (
        deleter(("order_key", "order_number_type")),
        268485194,
        "order_key.order_number_type",
    ),
    "order_number_type unknown name": (
        setter(("order_key", "order_number_type"), "MERCHANT"),
        268485194,
        "order_key.order_number_type",
    ),
    "order_number_type bool": (
        setter(("order_key", "order_number_type"), True),
        268485194,
        "order_key.order_number_type",
    ),
    "mchid missing": (deleter(("order_key", "mchid")), 268485196, "order_key.mchid"),
    "mchid short": (
        setter(("order_key", "mchid"), "1234567"),
        268485217,
        "order_key.mchid",
    ),
    "mchid long": (
        setter(("order_key", "mchid"), "1234567890123"),
        268485217,
        "order_key.mchid",
    ),
    "mchid letters": (
        setter(("order_key", "mchid"), "12300001O9"),
        268485217,
        "order_key.mchid",
    ),
    "mchid number": (
        setter(("order_key", "mchid"), 1230000109),
        47001,
        "order_key.mchid",
    ),
    "out_trade_no missing": (
        deleter(("order_key", "out_trade_no")),
        268485197,
        "order_key.out_trade_no",
    ),
    "out_trade_no too long": (
        setter(("order_key", "out_trade_no"), "A" * 33),
        268435461,
        "order_key.out_trade_no",
    ),
    "out_trade_no bad char": (
        setter(("order_key", "out_trade_no"), "SO 1"),
        268435461,
        "order_key.out_trade_no",
    ),
    "sub mchid missing": (
        deleter(S0 + ("order_key", "mchid")),
        268485196,
        f"{SUB0}.order_key.mchid",
    ),
    "sub type mismatch": (
        setter(
            S0 + ("order_key",), {"order_number_type": 2, "transaction_id": "42000001"}
        ),
        268485253,
        f"{SUB0}.order_key.order_number_type",
    ),
    "sub order_key missing": (
        deleter(S0 + ("order_key",)),
        268435461,
        f"{SUB0}.order_key",
    ),
    "sub_orders missing": (deleter(("sub_orders",)), 268435461, "sub_orders"),
    "sub_orders empty": (setter(("sub_orders",), []), 268435461, "sub_orders"),
    "sub_orders object": (setter(("sub_orders",), {"0": {}}), 47001, "sub_orders"),
    "sub_order string": (setter(S0, "SO0001"), 47001, SUB0),
    "delivery_mode 0": (
        setter(S0 + ("delivery_mode",), 0),
        268485224,
        f"{SUB0}.delivery_mode",
    ),
    "delivery_mode missing": (
        deleter(S0 + ("delivery_mode",)),
        268485224,
        f"{SUB0}.delivery_mode",
    ),
    "delivery_mode unknown name": (
        setter(S0 + ("delivery_mode",), "SPLIT"),
        268485224,
        f"{SUB0}.delivery_mode",
    ),
    "delivery_mode float": (
        setter(S0 + ("delivery_mode",), 2.0),
        268485224,
        f"{SUB0}.delivery_mode",
    ),
    "shipping_list missing": (
        deleter(S0 + ("shipping_list",)),
        268485229,
        f"{SUB0}.shipping_list",
    ),
    "shipping_list empty": (
        setter(S0 + ("shipping_list",), []),
        268485229,
        f"{SUB0}.shipping_list",
    ),
    "shipping_list object": (
        setter(S0 + ("shipping_list",), {"tracking_no": "T"}),
        47001,
        f"{SUB0}.shipping_list",
    ),
    "shipping_list 11": (extend_shipments(11), 268435461, f"{SUB0}.shipping_list"),
    "unified two entries": (
        setter(
            U0 + ("shipping_list",),
            [
                {"tracking_no": "T1", "express_company": "ZTO"},
                {"tracking_no": "T2", "express_company": "ZTO"},
            ],
        ),
        268485228,
        f"{UNI}.shipping_list",
    ),
    "unified with items": (
        setter(U0 + ("shipping_list", 0, "item_list"), [{"merchant_item_id": "X"}]),
        268485231,
        f"{UNI}.shipping_list[0].item_list",
    ),
    "tracking_no empty": (
        setter(L0 + ("tracking_no",), ""),
        268485226,
        f"{SHIP0}.tracking_no",
    ),
    "tracking_no blank": (
        setter(L0 + ("tracking_no",), "   "),
        268485226,
        f"{SHIP0}.tracking_no",
    ),
    "tracking_no missing": (
        deleter(L0 + ("tracking_no",)),
        268485226,
        f"{SHIP0}.tracking_no",
    ),
    "tracking_no too long": (
        setter(L0 + ("tracking_no",), "运" * 43),
        268435461,
        f"{SHIP0}.tracking_no",
    ),
    "tracking_no number": (
        setter(L0 + ("tracking_no",), 1234567890),
        47001,
        f"{SHIP0}.tracking_no",
    ),
    "express_company empty": (
        setter(L0 + ("express_company",), ""),
        268485227,
        f"{SHIP0}.express_company",
    ),
    "express_company too long": (
        setter(L0 + ("express_company",), "X" * 129),
        268435461,
        f"{SHIP0}.express_company",
    ),
    "split item_list missing": (
        deleter(L0 + ("item_list",)),
        268485232,
        f"{SHIP0}.item_list",
    ),
    "split item_list empty": (
        setter(L0 + ("item_list",), []),
        268485232,
        f"{SHIP0}.item_list",
    ),
    "item_list object": (
        setter(L0 + ("item_list",), {"merchant_item_id": "X"}),
        47001,
        f"{SHIP0}.item_list",
    ),
    "item_list 51": (
        setter(L0 + ("item_list",), [{"merchant_item_id": f"S{i}"} for i in range(51)]),
        268435461,
        f"{SHIP0}.item_list",
    ),
    "merchant_item_id empty": (
        setter(L0 + ("item_list", 0, "merchant_item_id"), ""),
        268485230,
        f"{SHIP0}.item_list[0].merchant_item_id",
    ),
    "merchant_item_id too long": (
        setter(L0 + ("item_list", 1, "merchant_item_id"), "I" * 65),
        268435461,
        f"{SHIP0}.item_list[1].merchant_item_id",
    ),
    "item string": (
        setter(L0 + ("item_list", 0), "SKU-A"),
        47001,
        f"{SHIP0}.item_list[0]",
    ),
    "contact unmasked receiver": (
        setter(L0 + ("contact", "receiver_contact"), "18912341234"),
        268435461,
        f"{SHIP0}.contact.receiver_contact",
    ),
    "contact unmasked consignor": (
        setter(L0 + ("contact", "consignor_contact"), "021-12345678"),
        268435461,
        f"{SHIP0}.contact.consignor_contact",
    ),
    "contact list": (
        setter(L0 + ("contact",), ["189****1234"]),
        47001,
        f"{SHIP0}.contact",
    ),
    "contact number": (
        setter(L0 + ("contact", "receiver_contact"), 18912341234),
        47001,
        f"{SHIP0}.contact.receiver_contact",
    ),
    "SF without contact": (deleter(L0 + ("contact",)), 268435461, f"{SHIP0}.contact"),
    "SF with empty contact": (
        setter(L0 + ("contact",), {}),
        268435461,
        f"{SHIP0}.contact",
    ),
    "shipment string": (setter(L0, "SF1234567890123"), 47001, SHIP0),
}


@pytest.mark.parametrize("case", COMBINED_CASES, ids=str)
def test_combined_rule(case):
    mutate, code, path = COMBINED_CASES[case]
    body = valid_combined_body()
    mutate(body)
    assert found(check_combined(body)) == [(code, path)]


SINGLE_CASES = {
    "transaction_id missing": (
        deleter(("order_key", "transaction_id")),
        268485195,
        "order_key.transaction_id",
    ),
    "transaction_id empty": (
        setter(("order_key", "transaction_id"), ""),
        268485195,
        "order_key.transaction_id",
    ),
    "transaction_id too long": (
        setter(("order_key", "transaction_id"), "4" * 33),
        268435461,
        "order_key.transaction_id",
    ),
    "delivery_mode 3": (setter(("delivery_mode",), 3), 268485224, "delivery_mode"),
    "shipping_list empty": (setter(("shipping_list",), []), 268485229, "shipping_list"),
    "tracking_no empty": (
        setter(("shipping_list", 0, "tracking_no"), ""),
        268485226,
        "shipping_list[0].tracking_no",
    ),
    "openid missing": (deleter(("payer",)), 268485192, "payer.openid"),
    "payer string": (
        setter(("payer",), "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
        47001,
        "payer",
    ),
    "SF contact null": (
        setter(("shipping_list", 0, "contact"), None),
        268435461,
        "shipping_list[0].contact",
    ),
    "masked contact wrong shape": (
        setter(("shipping_list", 0, "contact", "receiver_contact"), "177****1234****"),
        268435461,
        "shipping_list[0].contact.receiver_contact",
    ),
}


@pytest.mark.parametrize("case", SINGLE_CASES, ids=str)
def test_single_rule(case):
    mutate, code, path = SINGLE_CASES[case]
    body = valid_single_body()
    mutate(body)
    assert found(check_single(body)) == [(code, path)]


def test_valid_bodies_pass():
    assert check_combined(valid_combined_body()) == []
    assert check_single(valid_single_body()) == []


def test_builders_return_fresh_copies():
    first = valid_combined_body()
    first["payer"]["openid"] = ""
    assert valid_combined_body()["payer"]["openid"]


def test_non_sf_carrier_needs_no_contact():
    body = valid_single_body()
    body["shipping_list"][0]["express_company"] = "ZTO"
    del body["shipping_list"][0]["contact"]
    assert check_single(body) == []


def test_unified_empty_item_list_is_fine():
    body = valid_combined_body()
    body["sub_orders"][1]["shipping_list"][0]["item_list"] = []
    assert check_combined(body) == []


def test_type_2_main_and_sub_orders_agree():
    body = valid_combined_body()
    for holder in [body, *body["sub_orders"]]:
        holder["order_key"] = {
            "order_number_type": 2,
            "transaction_id": "4200001234202105201234567890",
        }
    assert check_combined(body) == []


def test_all_problems_reported_at_once():
    body = valid_combined_body()
    body["payer"]["openid"] = ""
    body["upload_time"] = "2021-05-20T13:29:35.120 08:00"
    body["order_key"]["mchid"] = "12"
    body["sub_orders"][0]["shipping_list"][1]["tracking_no"] = ""
    body["sub_orders"][0]["shipping_list"][1]["express_company"] = ""
    body["sub_orders"][1]["delivery_mode"] = "UNIFIED"
    body["sub_orders"][1]["order_key"]["order_number_type"] = 2
    assert found(check_combined(body)) == sorted(
        [
            (268485192, "payer.openid"),
            (268485216, "upload_time"),
            (268485217, "order_key.mchid"),
            (268485226, "sub_orders[0].shipping_list[1].tracking_no"),
            (268485227, "sub_orders[0].shipping_list[1].express_company"),
            (268485224, "sub_orders[1].delivery_mode"),
            (268485195, "sub_orders[1].order_key.transaction_id"),
            (268485253, "sub_orders[1].order_key.order_number_type"),
        ]
    )


def test_unified_with_too_many_entries_reports_both_limits():
    body = valid_combined_body()
    entry = body["sub_orders"][1]["shipping_list"][0]
    body["sub_orders"][1]["shipping_list"] = [dict(entry) for _ in range(11)]
    assert found(check_combined(body)) == sorted(
        [
            (268435461, "sub_orders[1].shipping_list"),
            (268485228, "sub_orders[1].shipping_list"),
        ]
    )


def test_unmasked_contact_message_does_not_echo_number():
    body = valid_single_body()
    body["shipping_list"][0]["contact"]["receiver_contact"] = "17712341234"
    problems = check_single(body)
    error = PayloadInvalid(problems)
    for text in (str(error), repr(error), error.message("zh_CN"), repr(problems)):
        assert "17712341234" not in text and "12341234" not in text


def test_problem_messages_are_bilingual():
    body = valid_single_body()
    body["shipping_list"][0]["tracking_no"] = ""
    (problem,) = check_single(body)
    assert (
        problem.message("en_US")
        == "Tracking number is empty: fill in the delivery's tracking number."
    )
    assert problem.message("zh_CN") == "物流单号为空：请在发货单上填写“物流单号”。"
    # A system fills in the label its reader sees on screen.
    assert (
        problem.message("zh_CN", {"tracking_no": "追踪参考"})
        == "物流单号为空：请在发货单上填写“追踪参考”。"
    )


def test_every_rule_message_has_both_languages():
    bodies = []
    for cases, make in (
        (COMBINED_CASES, valid_combined_body),
        (SINGLE_CASES, valid_single_body),
    ):
        for mutate, _, _ in cases.values():
            body = make()
            mutate(body)
            bodies.append(
                (body, check_combined if make is valid_combined_body else check_single)
            )
    for body, check in bodies:
        for problem in check(body):
            assert problem.message_en.isascii() and problem.message_en.endswith(".")
            assert any("\u4e00" <= char <= "\u9fff" for char in problem.message_zh)


def test_payload_invalid_lists_lines():
    problems = [
        Problem(
            268485226,
            "shipping_list[0].tracking_no",
            "Tracking number is empty.",
            "物流单号为空。",
        ),
        Problem(47001, "", "Wrong data type.", "数据类型错误。"),
    ]
    error = PayloadInvalid(problems)
    assert isinstance(error, ValueError)
    assert error.problems == tuple(problems)
    assert str(error) == (
        "shipping_list[0].tracking_no: Tracking number is empty. [268485226]\n"
        "(body): Wrong data type. [47001]"
    )
    assert error.message("zh") == (
        "shipping_list[0].tracking_no: 物流单号为空。 [268485226]\n"
        "(body): 数据类型错误。 [47001]"
    )


def test_an_empty_body_misses_each_required_field():
    assert {p.code for p in check_single({})} == {
        268485192,
        268485214,
        268435461,
        268485224,
        268485229,
    }


GARBAGE = [
    None,
    [],
    [1, 2],
    "body",
    "",
    0,
    3.5,
    True,
    {"": None},
    {1: 2},
    {"order_key": [], "sub_orders": "x", "upload_time": {}, "payer": []},
    {
        "order_key": {"order_number_type": None},
        "sub_orders": [None, 1, "x", [], {}],
        "payer": {"openid": 5},
    },
    {
        "sub_orders": [
            {
                "order_key": {"order_number_type": 1, "mchid": [], "out_trade_no": {}},
                "delivery_mode": 2,
                "shipping_list": [
                    None,
                    {
                        "item_list": [None, {"merchant_item_id": []}],
                        "contact": "x",
                        "express_company": "SF",
                    },
                ],
            }
        ]
    },
    {
        "payer": {"openid": "\ud800" * 200},
        "upload_time": "２０２１-05-20T13:29:35+08:00",
        "sub_orders": [
            {
                "shipping_list": [
                    {"tracking_no": "\x00" * 10_000, "express_company": "顺" * 100_000}
                ]
            }
        ],
    },
    {
        "sub_orders": [
            {
                "delivery_mode": 1,
                "shipping_list": [
                    {"item_list": "x", "contact": {"receiver_contact": "*" * 10_000}}
                ],
            }
        ]
    },
    json.loads('{"payer": {"openid": "\\udc00"}, "upload_time": "\\u0000"}'),
    {
        "order_key": {"order_number_type": 10**100},
        "sub_orders": [{"delivery_mode": -(10**100)}],
    },
]


@pytest.mark.parametrize("body", GARBAGE)
@pytest.mark.parametrize("check", [check_combined, check_single])
def test_garbage_never_crashes(body, check):
    problems = check(body)
    assert problems
    assert all(isinstance(problem, Problem) for problem in problems)
    str(PayloadInvalid(problems))


def test_non_object_body_is_a_format_error_at_the_root():
    assert found(check_combined([valid_combined_body()])) == [(47001, "")]
    assert found(check_single("{}")) == [(47001, "")]


@pytest.mark.parametrize("mchid", [None, "abcdefgh", "1" * 13])
def test_merchant_number_problems_point_at_the_order(mchid):
    # The merchant number is kept on the order with its payment, not in a company
    # setting.
    (problem,) = check_order_key(
        {"order_number_type": 1, "mchid": mchid, "out_trade_no": "SO1"}
    )
    info = catalogue.explain(problem.code)
    # Named by the order's field, whatever the system labels it.
    for text in (problem.message_en, info.action_en):
        assert (
            "[[mchid]]" in text
            and "order's WeChat tab" in text
            and "company" not in text
        )
    for text in (problem.message_zh, info.action_zh):
        assert "“[[mchid]]”" in text and "订单“微信”页签" in text and "公司" not in text
    assert "微信支付商户号" in problem.message("zh_CN")
