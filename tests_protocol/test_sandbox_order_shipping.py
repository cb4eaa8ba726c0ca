"""The sandbox's Order Shipping Management over real HTTP: payments as WeChat Pay knows
them, the family's rules on them (unknown payment, payer, one correction, unchanged
re-send, partial split uploads), WeChat's side of each order (get_order, get_order_list,
notify_confirm_receive) and the control endpoints that move an order on."""

import copy
import json
import time

import pytest
import requests
from builders import MCHID, OPENID, valid_osm_body, valid_osm_combined_body
from helpers import APPID, SECRET
from wechat_protocol import catalogue as c
from wechat_protocol import endpoints

SINGLE, COMBINED = endpoints.OSM_SINGLE_SHIPPING, endpoints.OSM_COMBINED_SHIPPING


@pytest.fixture(params=["example", "rich"], autouse=True)
def order_shape(request, sandbox):
    """Every test of this module runs with get_order answering as WeChat's example does
    and as the SDKs' richer models allow."""
    sandbox.state.reset()
    with sandbox.state.payments() as book:
        book.order_shape = request.param
    return request.param


@pytest.fixture
def wechat(sandbox, token):
    """call(path, body) with a valid token, and control(path, body) on the sandbox."""

    class Wechat:
        @staticmethod
        def call(path, body):
            return requests.post(
                sandbox.url + path, params={"access_token": token}, json=body, timeout=5
            ).json()

        @staticmethod
        def control(path, body=None, status=200):
            answer = requests.post(sandbox.url + path, json=body, timeout=5)
            assert answer.status_code == status, answer.text
            return answer.json()

        @staticmethod
        def pay(out_trade_no="OSM0001", **extra):
            return Wechat.control(
                "/sandbox/payments",
                {
                    "openid": OPENID,
                    "mchid": MCHID,
                    "out_trade_no": out_trade_no,
                    **extra,
                },
            )

        @staticmethod
        def order(out_trade_no="OSM0001"):
            answer = Wechat.call(
                endpoints.OSM_GET_ORDER,
                {"merchant_id": MCHID, "merchant_trade_no": out_trade_no},
            )
            assert answer["errcode"] == 0, answer
            return answer["order"]

    return Wechat


def _later(body, seconds):
    """The body with an upload_time `seconds` later than the documented example's."""
    body = copy.deepcopy(body)
    body["upload_time"] = "2022-12-15T13:%02d:%02d.120+08:00" % (
        30 + seconds // 60,
        seconds % 60,
    )
    return body


def test_registered_payment_is_known_by_either_key(wechat):
    payment = wechat.pay()
    assert payment["transaction_id"].startswith("42") and payment["order_state"] == 1
    by_id = wechat.call(
        endpoints.OSM_GET_ORDER, {"transaction_id": payment["transaction_id"]}
    )["order"]
    assert by_id == wechat.order()
    assert by_id["merchant_trade_no"] == "OSM0001" and by_id["openid"] == OPENID
    assert by_id["shipping"] == {}, "nothing shipped: an empty shipping, as WeChat's"


def test_unknown_young_and_foreign_payments_are_refused(wechat):
    assert wechat.call(SINGLE, valid_osm_body())["errcode"] == c.PAYMENT_NOT_FOUND
    wechat.control("/sandbox/payments/young", {"seconds": 60})
    wechat.pay()
    assert wechat.call(SINGLE, valid_osm_body())["errcode"] == c.PAYMENT_NOT_FOUND
    assert (
        wechat.call(
            endpoints.OSM_GET_ORDER,
            {"merchant_id": MCHID, "merchant_trade_no": "OSM0001"},
        )["errcode"]
        == c.PAYMENT_NOT_FOUND
    )
    wechat.control("/sandbox/payments/young", {"seconds": 0})
    other_payer = valid_osm_body()
    other_payer["payer"]["openid"] = "oSomebodyElse"
    assert wechat.call(SINGLE, other_payer)["errcode"] == c.PAYER_MISMATCH
    assert wechat.call(SINGLE, valid_osm_body())["errcode"] == 0


def test_partial_uploads_then_completion_then_one_correction(wechat, order_shape):
    wechat.pay()
    partial = valid_osm_body(all_delivered=False)
    assert wechat.call(SINGLE, partial)["errcode"] == 0
    assert (
        wechat.call(SINGLE, _later(valid_osm_body(all_delivered=False, parcels=2), 1))[
            "errcode"
        ]
        == 0
    )
    assert (
        wechat.order()["shipping"]["finish_shipping_count"] == 0
    ), "partial uploads are not counted"
    assert wechat.order()["order_state"] == 1
    complete = _later(valid_osm_body(parcels=2), 2)
    assert wechat.call(SINGLE, complete)["errcode"] == 0
    order = wechat.order()
    assert (order["order_state"], order["shipping"]["finish_shipping_count"]) == (2, 1)
    parcels = order["shipping"]["shipping_list"]
    assert [p["tracking_no"] for p in parcels] == ["SF0000000000000", "SF0000000000001"]
    if order_shape == "example":
        assert {key for p in parcels for key in p} == {
            "tracking_no",
            "express_company",
            "upload_time",
        }
        assert order["shipping"]["goods_desc"] == "龙井茶礼盒*1；龙井茶礼盒*2"
    else:
        assert [p["goods_desc"] for p in parcels] == ["龙井茶礼盒*1", "龙井茶礼盒*2"]
    # An unchanged re-send changes nothing and is not the correction.
    assert wechat.call(SINGLE, _later(complete, 3))["errcode"] == c.NOT_MODIFIED
    assert wechat.order()["shipping"]["finish_shipping_count"] == 1
    # A partial upload after completion: WeChat already has it all.
    assert (
        wechat.call(SINGLE, _later(valid_osm_body(all_delivered=False), 4))["errcode"]
        == c.ALREADY_SHIPPED
    )
    corrected = _later(complete, 5)
    corrected["shipping_list"][1]["tracking_no"] = "SF9999999999999"
    assert wechat.call(SINGLE, corrected)["errcode"] == 0
    assert wechat.order()["shipping"]["finish_shipping_count"] == 2
    again = _later(corrected, 6)
    again["shipping_list"][1]["tracking_no"] = "SF8888888888888"
    assert wechat.call(SINGLE, again)["errcode"] == c.RESHIP_USED_UP
    assert (
        wechat.order()["shipping"]["shipping_list"][1]["tracking_no"]
        == "SF9999999999999"
    )


def test_the_very_same_body_again_changes_nothing_and_is_not_counted(wechat):
    wechat.pay()
    assert wechat.call(SINGLE, valid_osm_body())["errcode"] == 0
    assert (
        wechat.call(SINGLE, valid_osm_body())["errcode"] == c.NOT_MODIFIED
    ), "a retry after a lost answer"
    assert wechat.order()["shipping"]["finish_shipping_count"] == 1


def test_changing_the_delivery_mode_spends_the_one_change(wechat):
    wechat.pay()
    assert wechat.call(SINGLE, valid_osm_body(all_delivered=False))["errcode"] == 0
    assert (
        wechat.call(SINGLE, _later(valid_osm_body(), 1))["errcode"] == 0
    ), "split, then unified"
    assert wechat.order()["shipping"]["finish_shipping_count"] == 2
    changed = _later(valid_osm_body(), 2)
    changed["shipping_list"][0]["tracking_no"] = "SF7777777777777"
    assert wechat.call(SINGLE, changed)["errcode"] == c.RESHIP_USED_UP
    wechat.pay("OSM0002")
    key = {"mchid": MCHID, "out_trade_no": "OSM0002"}
    partial = valid_osm_body("OSM0002", all_delivered=False)
    assert wechat.call(SINGLE, partial)["errcode"] == 0
    assert (
        wechat.call(
            SINGLE, _later(valid_osm_body("OSM0002", all_delivered=False, parcels=2), 1)
        )["errcode"]
        == 0
    ), "more parcels of the same mode are free"
    assert (
        wechat.call(SINGLE, _later(valid_osm_body("OSM0002", parcels=2), 2))["errcode"]
        == 0
    )
    assert wechat.order("OSM0002")["shipping"]["finish_shipping_count"] == 1
    assert wechat.control("/sandbox/orders/refund", key)["order_state"] == 5


def test_keys_are_named_as_each_call_names_them(wechat):
    payment = wechat.pay()
    assert (
        wechat.call(
            endpoints.OSM_GET_ORDER, {"mchid": MCHID, "out_trade_no": "OSM0001"}
        )["errcode"]
        == c.PAYMENT_NOT_FOUND
    ), "queries say merchant_id / merchant_trade_no"
    wrong_number = valid_osm_body("NOT-THIS-ONE")
    wrong_number["order_key"]["transaction_id"] = payment["transaction_id"]
    assert (
        wechat.call(SINGLE, wrong_number)["errcode"] == c.PAYMENT_NOT_FOUND
    ), "type 1 keys by merchant numbers"
    assert (
        wechat.call(endpoints.OSM_IS_TRADE_MANAGED, {"appid": "wxsomeoneelse"})[
            "errcode"
        ]
        == c.APPID_INVALID
    )
    big_page = wechat.call(endpoints.OSM_GET_ORDER_LIST, {"page_size": 500})
    assert big_page["errcode"] == 0 and len(big_page["order_list"]) == 1


def test_upload_time_must_be_later_and_rules_are_answered_with_their_codes(wechat):
    wechat.pay()
    assert wechat.call(SINGLE, valid_osm_body(all_delivered=False))["errcode"] == 0
    assert wechat.call(SINGLE, valid_osm_body())["errcode"] == c.UPLOAD_TIME_ILLEGAL
    split_virtual = _later(valid_osm_body(), 1)
    split_virtual.update(
        logistics_type=3, delivery_mode=2, shipping_list=[{"item_desc": "会员卡*1"}]
    )
    answer = wechat.call(SINGLE, split_virtual)
    assert (
        answer["errcode"] == c.SPLIT_NOT_EXPRESS and "delivery_mode" in answer["errmsg"]
    )
    long_desc = _later(valid_osm_body(), 1)
    long_desc["shipping_list"][0]["item_desc"] = "茶" * 121
    assert wechat.call(SINGLE, long_desc)["errcode"] == c.ITEM_DESC_TOO_LONG
    assert (
        wechat.order()["shipping"]["finish_shipping_count"] == 0
    ), "refused uploads change nothing"


@pytest.mark.parametrize("event, state", [("refund", 5), ("confirm_receipt", 3)])
def test_refunded_or_received_orders_take_no_more_shipping(wechat, event, state):
    wechat.pay()
    assert wechat.call(SINGLE, valid_osm_body())["errcode"] == 0
    assert (
        wechat.control(
            f"/sandbox/orders/{event}", {"mchid": MCHID, "out_trade_no": "OSM0001"}
        )["order_state"]
        == state
    )
    changed = _later(valid_osm_body(), 1)
    changed["shipping_list"][0]["tracking_no"] = "SF7777777777777"
    assert wechat.call(SINGLE, changed)["errcode"] == c.NOT_SHIPPABLE


def test_orders_move_on_only_as_they_can(wechat):
    wechat.pay()
    key = {"mchid": MCHID, "out_trade_no": "OSM0001"}
    assert (
        "shipped"
        in wechat.control("/sandbox/orders/confirm_receipt", key, status=400)["error"]
    )
    wechat.call(SINGLE, valid_osm_body())
    assert wechat.control("/sandbox/orders/settle", key)["order_state"] == 4
    assert wechat.control("/sandbox/orders/vanish", key, status=400)["error"]
    assert wechat.control(
        "/sandbox/orders/settle", {"transaction_id": "nope"}, status=400
    )["error"]


def test_combined_payments(wechat):
    main = wechat.control(
        "/sandbox/payments",
        {
            "openid": OPENID,
            "mchid": MCHID,
            "out_trade_no": "OSM-MAIN-1",
            "sub_orders": [
                {"mchid": MCHID, "out_trade_no": "OSM-SUB-1"},
                {"mchid": MCHID, "out_trade_no": "OSM-SUB-2"},
            ],
        },
    )
    assert [sub["merchant_trade_no"] for sub in main["sub_orders"]] == [
        "OSM-SUB-1",
        "OSM-SUB-2",
    ]
    body = valid_osm_combined_body()
    sub_alone = valid_osm_body("OSM-SUB-1", parcels=2)
    assert (
        wechat.call(SINGLE, sub_alone)["errcode"] == c.PAYMENT_NOT_FOUND
    ), "sub-orders go in the combined call"
    stranger = copy.deepcopy(body)
    stranger["sub_orders"][1]["order_key"]["out_trade_no"] = "OSM-NOT-HERE"
    assert wechat.call(COMBINED, stranger)["errcode"] == c.PAYMENT_NOT_FOUND
    assert wechat.call(COMBINED, body)["errcode"] == 0
    assert [
        wechat.order(n)["shipping"]["finish_shipping_count"]
        for n in ("OSM-SUB-1", "OSM-SUB-2")
    ] == [1, 1]
    assert wechat.order("OSM-SUB-2")["shipping"]["logistics_type"] == 2
    assert wechat.call(COMBINED, _later(body, 1))["errcode"] == c.NOT_MODIFIED
    corrected = _later(body, 2)
    corrected["sub_orders"][0]["shipping_list"][0]["tracking_no"] = "SF5555555555555"
    assert wechat.call(COMBINED, corrected)["errcode"] == 0
    assert [
        wechat.order(n)["shipping"]["finish_shipping_count"]
        for n in ("OSM-SUB-1", "OSM-SUB-2")
    ] == [2, 1]
    earlier = _later(corrected, 1)
    earlier["sub_orders"][1]["shipping_list"][0]["item_desc"] = "青瓷杯*3"
    assert wechat.call(COMBINED, earlier)["errcode"] == c.UPLOAD_TIME_ILLEGAL


def test_order_list_by_time_state_and_payer_in_pages(wechat):
    now = int(time.time())
    for index in range(5):
        wechat.pay(
            f"LIST{index}",
            paid_at=now - 100 + index,
            openid=OPENID if index % 2 else "oOther",
        )
    wechat.call(SINGLE, valid_osm_body("LIST1"))
    first = wechat.call(
        endpoints.OSM_GET_ORDER_LIST,
        {"pay_time_range": {"begin_time": now - 99, "end_time": now}, "page_size": 2},
    )
    assert [o["merchant_trade_no"] for o in first["order_list"]] == [
        "LIST1",
        "LIST2",
    ] and first["has_more"]
    rest = wechat.call(
        endpoints.OSM_GET_ORDER_LIST,
        {
            "pay_time_range": {"begin_time": now - 99, "end_time": now},
            "page_size": 2,
            "last_index": first["last_index"],
        },
    )
    assert [o["merchant_trade_no"] for o in rest["order_list"]] == [
        "LIST3",
        "LIST4",
    ] and not rest["has_more"]
    awaiting = wechat.call(
        endpoints.OSM_GET_ORDER_LIST, {"order_state": 1, "openid": OPENID}
    )
    assert [o["merchant_trade_no"] for o in awaiting["order_list"]] == ["LIST3"]
    assert (
        wechat.call(endpoints.OSM_GET_ORDER_LIST, {"last_index": "not-an-index"})[
            "errcode"
        ]
        == c.BAD_LAST_INDEX
    )
    assert (
        wechat.call(endpoints.OSM_GET_ORDER_LIST, {"page_size": 0})["errcode"]
        == c.OSM_PARAM_ERROR
    )


def test_the_buyer_is_reminded_once_of_a_shipped_express_order(wechat):
    payment = wechat.pay()
    key = {"transaction_id": payment["transaction_id"]}
    far = int(time.time()) + 3600
    assert (
        wechat.call(
            endpoints.OSM_NOTIFY_CONFIRM_RECEIVE, {**key, "received_time": far}
        )["errcode"]
        == c.NOT_SHIPPED
    )
    wechat.call(SINGLE, valid_osm_body())
    assert (
        wechat.call(endpoints.OSM_NOTIFY_CONFIRM_RECEIVE, {**key, "received_time": 1})[
            "errcode"
        ]
        == c.RECEIVED_TIME_INVALID
    )
    assert (
        wechat.call(
            endpoints.OSM_NOTIFY_CONFIRM_RECEIVE, {**key, "received_time": far}
        )["errcode"]
        == 0
    )
    assert (
        wechat.call(
            endpoints.OSM_NOTIFY_CONFIRM_RECEIVE, {**key, "received_time": far}
        )["errcode"]
        == c.REMINDER_USED
    )
    virtual = wechat.pay("OSM-VIRTUAL")
    body = valid_osm_body("OSM-VIRTUAL")
    body.update(logistics_type=3, shipping_list=[{"item_desc": "会员卡*1"}])
    assert wechat.call(SINGLE, body)["errcode"] == 0
    assert (
        wechat.call(
            endpoints.OSM_NOTIFY_CONFIRM_RECEIVE,
            {"transaction_id": virtual["transaction_id"], "received_time": far},
        )["errcode"]
        == c.NOT_EXPRESS
    )


def test_trade_management_questions(wechat):
    assert (
        wechat.call(endpoints.OSM_IS_TRADE_MANAGED, {"appid": APPID})[
            "is_trade_managed"
        ]
        is True
    )
    wechat.control("/sandbox/trade_managed", {"managed": False})
    assert (
        wechat.call(endpoints.OSM_IS_TRADE_MANAGED, {"appid": APPID})[
            "is_trade_managed"
        ]
        is False
    )
    assert (
        wechat.call(endpoints.OSM_IS_CONFIRMATION_COMPLETED, {"appid": APPID})[
            "completed"
        ]
        is False
    )


def test_calls_need_a_valid_token_and_registrations_are_checked(sandbox, wechat):
    answer = requests.post(
        sandbox.url + SINGLE,
        params={"access_token": "forged"},
        json=valid_osm_body(),
        timeout=5,
    ).json()
    assert answer["errcode"] == c.TOKEN_INVALID
    assert wechat.control("/sandbox/payments", {"mchid": MCHID}, status=400)["error"]
    wechat.pay("DUP")
    assert (
        "already"
        in wechat.control(
            "/sandbox/payments",
            {"openid": OPENID, "mchid": MCHID, "out_trade_no": "DUP"},
            status=400,
        )["error"]
    )
    assert wechat.control(
        "/sandbox/payments", {"openid": OPENID, "paid_at": "yesterday"}, status=400
    )
    assert wechat.control("/sandbox/payments/young", {"seconds": -1}, status=400)
    listed = requests.get(sandbox.url + "/sandbox/payments", timeout=5).json()
    assert [p["merchant_trade_no"] for p in listed] == ["DUP"]
    requests.post(sandbox.url + "/sandbox/reset", timeout=5)
    assert requests.get(sandbox.url + "/sandbox/payments", timeout=5).json() == []


def test_the_page_shows_payments_and_both_families(sandbox, wechat):
    wechat.pay()
    body = valid_osm_body(parcels=2)
    body["shipping_list"][1]["item_desc"] = "<i>青瓷杯</i>*1"
    assert wechat.call(SINGLE, body)["errcode"] == 0
    html = requests.get(sandbox.url + "/", timeout=5).text
    for text in (
        "Payments (Order Shipping Management)",
        "1230000109 / OSM0001",
        "shipped",
        "express, SPLIT_DELIVERY, all delivered",
        "龙井茶礼盒*1",
        "&lt;i&gt;青瓷杯&lt;/i&gt;*1",
        endpoints.OSM_SINGLE_SHIPPING,
    ):
        assert text in html
    assert "<i>" not in html


def test_the_client_uploads_checks_and_reads_back(sandbox, wechat):
    from datetime import datetime, timedelta, timezone

    from wechat_protocol.catalogue import Outcome
    from wechat_protocol.client import WeChatClient
    from wechat_protocol.order_shipping import (
        LogisticsType,
        OrderShipment,
        Parcel,
        ShippingInfo,
    )
    from wechat_protocol.payload import Contact, OrderKey, OrderNumberType
    from wechat_protocol.tokens import StableTokenSource
    from wechat_protocol.validation import PayloadInvalid

    client = WeChatClient(sandbox.url, StableTokenSource(sandbox.url, APPID, SECRET))
    key = OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER, mchid=MCHID, out_trade_no="OSM-CLIENT"
    )
    now = datetime.now(timezone(timedelta(hours=8)))
    parcel = Parcel(
        "龙井茶礼盒*1", "SF0000000000001", "SF", Contact(receiver_contact="189****1234")
    )

    def info(parcels, seconds):
        return ShippingInfo(
            OrderShipment(key, LogisticsType.EXPRESS, parcels, True),
            now + timedelta(seconds=seconds),
            OPENID,
        )

    assert (
        client.upload(info((parcel,), 0)).outcome is Outcome.RETRY_BRIEFLY
    ), "not paid yet: 10060001"
    wechat.pay("OSM-CLIENT")
    assert client.upload(info((parcel,), 1)).accepted
    assert (
        client.upload(info((parcel,), 2)).outcome is Outcome.ALREADY_HELD
    ), "unchanged: 10060023"
    calls = sum(
        requests.get(sandbox.url + "/sandbox/stats", timeout=5)
        .json()["requests"]
        .values()
    )
    with pytest.raises(PayloadInvalid) as refused:
        client.upload(info((parcel,) * 16, 3))
    assert {p.code for p in refused.value.problems} >= {c.TOO_MANY_PARCELS}
    assert (
        sum(
            requests.get(sandbox.url + "/sandbox/stats", timeout=5)
            .json()["requests"]
            .values()
        )
        == calls
    )
    record = client.get_order(key)
    assert (
        record.accepted
        and record.data["order"]["shipping"]["finish_shipping_count"] == 1
    )
    assert not client.get_order(
        OrderKey(OrderNumberType.WXPAY_TRADE_NUMBER, transaction_id="4299")
    ).accepted


def test_the_control_client_registers_and_moves_payments(sandbox):
    from wechat_sandbox.control import SandboxControl

    control = SandboxControl(sandbox.url)
    payment = control.pay(OPENID, mchid=MCHID, out_trade_no="CTL-1", paid_amount=1200)
    assert payment["paid_amount"] == 1200
    assert control.unknown_younger_than(30) == {"unknown_younger_than": 30}
    assert [p["transaction_id"] for p in control.payments()] == [
        payment["transaction_id"]
    ]
    with pytest.raises(requests.HTTPError):
        # not shipped yet
        control.order_event("settle", transaction_id=payment["transaction_id"])
    assert (
        control.order_event("refund", transaction_id=payment["transaction_id"])[
            "order_state"
        ]
        == 5
    )


# ----------------------------------------------------------- jump path, special reports


def _client(sandbox):
    from wechat_protocol.client import WeChatClient
    from wechat_protocol.tokens import StableTokenSource

    return WeChatClient(sandbox.url, StableTokenSource(sandbox.url, APPID, SECRET))


def test_set_msg_jump_path_is_kept(sandbox, control):
    client = _client(sandbox)
    assert client.set_msg_jump_path("pages/order/detail").accepted
    assert requests.get(sandbox.url + "/sandbox/msg_jump_path", timeout=5).json() == {
        "path": "pages/order/detail"
    }
    assert client.set_msg_jump_path("").errcode == c.OSM_PARAM_ERROR


def test_special_reports_follow_wechats_rules(sandbox, control):
    client = _client(sandbox)
    paid_at = int(time.time()) - 60
    control.pay(OPENID, transaction_id="4200000000000000000000000077", paid_at=paid_at)
    control.pay(OPENID, mchid=MCHID, out_trade_no="TEST-PAY-1", paid_at=paid_at)
    assert (
        client.report_special_order(
            "4200000000000000000000000077", paid_at + 14 * 86400
        ).errcode
        == c.SPECIAL_DELAY_ILLEGAL
    )
    assert (
        client.report_special_order(
            "4200000000000000000000000077", paid_at + 331 * 86400
        ).errcode
        == c.SPECIAL_DELAY_ILLEGAL
    )
    assert client.report_special_order(
        "4200000000000000000000000077", paid_at + 20 * 86400
    ).accepted
    assert client.report_special_order("TEST-PAY-1").accepted
    assert (
        client.report_special_order("NO-SUCH-ORDER").errcode == c.SPECIAL_NO_SUCH_ORDER
    )
    assert (
        client.call(
            endpoints.OSM_SPECIAL_ORDER, {"order_id": "TEST-PAY-1", "type": 3}
        ).errcode
        == c.SPECIAL_TYPE_ILLEGAL
    )
    specials = {
        p["merchant_trade_no"] or p["transaction_id"]: p["special"]
        for p in control.payments()
    }
    assert specials == {
        "4200000000000000000000000077": {"type": 1, "delay_to": paid_at + 20 * 86400},
        "TEST-PAY-1": {"type": 2},
    }


# ------------------------------------------- service providers (服务商), sub-merchants

SUB_MCHID = "1900000109"


def _sub_query(out_trade_no="OSM-SP-1", sub_mchid=SUB_MCHID, **extra):
    """A query naming a payment by service provider, sub-merchant and order number."""
    query = {"merchant_id": MCHID, "merchant_trade_no": out_trade_no, **extra}
    if sub_mchid is not None:
        query["sub_merchant_id"] = sub_mchid
    return query


def test_a_sub_merchants_payment_is_registered_and_found_by_all_three_ids(wechat):
    refused = wechat.control(
        "/sandbox/payments",
        {"openid": OPENID, "transaction_id": "4201", "sub_mchid": SUB_MCHID},
        status=400,
    )
    assert "sub_mchid" in refused["error"], "a sub-merchant goes with its mchid"
    payment = wechat.pay("OSM-SP-1", sub_mchid=SUB_MCHID)
    assert (payment["merchant_id"], payment["sub_merchant_id"]) == (MCHID, SUB_MCHID)
    wechat.pay("OSM-DIRECT")
    found = wechat.call(endpoints.OSM_GET_ORDER, _sub_query())
    assert found["errcode"] == 0 and found["order"]["sub_merchant_id"] == SUB_MCHID
    for query in (
        _sub_query(sub_mchid=None),
        _sub_query(sub_mchid="1900000999"),
        _sub_query(sub_mchid=""),
        _sub_query("OSM-DIRECT"),
    ):
        assert (
            wechat.call(endpoints.OSM_GET_ORDER, query)["errcode"]
            == c.PAYMENT_NOT_FOUND
        ), query
    assert wechat.order("OSM-DIRECT")["sub_merchant_id"] == ""
    by_id = wechat.call(
        endpoints.OSM_GET_ORDER, {"transaction_id": payment["transaction_id"]}
    )
    assert by_id["order"]["sub_merchant_id"] == SUB_MCHID
    listed = wechat.call(endpoints.OSM_GET_ORDER_LIST, {})["order_list"]
    assert {(o["merchant_trade_no"], o["sub_merchant_id"]) for o in listed} == {
        ("OSM-SP-1", SUB_MCHID),
        ("OSM-DIRECT", ""),
    }


def test_an_upload_names_a_sub_merchants_payment_by_the_sub_merchant(wechat):
    payment = wechat.pay("OSM-SP-1", sub_mchid=SUB_MCHID)
    by_provider = valid_osm_body("OSM-SP-1")
    assert wechat.call(SINGLE, by_provider)["errcode"] == c.PAYMENT_NOT_FOUND
    by_sub_merchant = copy.deepcopy(by_provider)
    by_sub_merchant["order_key"]["mchid"] = SUB_MCHID
    assert wechat.call(SINGLE, by_sub_merchant)["errcode"] == 0
    found = wechat.call(endpoints.OSM_GET_ORDER, _sub_query())["order"]
    assert (found["order_state"], found["shipping"]["finish_shipping_count"]) == (2, 1)
    # The transaction id names it whoever took the payment.
    by_id = _later(by_provider, 1)
    by_id["order_key"] = {
        "order_number_type": 2,
        "transaction_id": payment["transaction_id"],
    }
    assert wechat.call(SINGLE, by_id)["errcode"] == c.NOT_MODIFIED


def test_a_sub_merchants_buyer_is_reminded_and_its_pushes_name_the_sub_merchant(
    wechat, control
):
    control.push_to("http://127.0.0.1:9/push", "pushtoken2024")  # plain JSON
    wechat.pay("OSM-SP-1", sub_mchid=SUB_MCHID)
    shipped = valid_osm_body("OSM-SP-1")
    shipped["order_key"]["mchid"] = SUB_MCHID
    assert wechat.call(SINGLE, shipped)["errcode"] == 0
    far = int(time.time()) + 3600
    remind = endpoints.OSM_NOTIFY_CONFIRM_RECEIVE
    assert (
        wechat.call(remind, {**_sub_query(sub_mchid=None), "received_time": far})[
            "errcode"
        ]
        == c.PAYMENT_NOT_FOUND
    )
    assert wechat.call(remind, {**_sub_query(), "received_time": far})["errcode"] == 0
    key = {"mchid": MCHID, "sub_mchid": SUB_MCHID, "out_trade_no": "OSM-SP-1"}
    with pytest.raises(requests.HTTPError):
        # the control endpoints name it as the queries do
        control.order_event("settle", mchid=MCHID, out_trade_no="OSM-SP-1")
    assert control.order_event("settle", **key)["order_state"] == 4
    wechat.pay("OSM-SP-2", sub_mchid=SUB_MCHID)
    control.order_event("remind_shipping", **{**key, "out_trade_no": "OSM-SP-2"})
    pushed = [json.loads(entry["body"]) for entry in control.pushes()]
    assert [
        (p["Event"], p["merchant_id"], p["sub_merchant_id"], p["merchant_trade_no"])
        for p in pushed
    ] == [
        ("trade_manage_order_settlement", MCHID, SUB_MCHID, "OSM-SP-1"),
        ("trade_manage_order_settlement", MCHID, SUB_MCHID, "OSM-SP-1"),
        ("trade_manage_remind_shipping", MCHID, SUB_MCHID, "OSM-SP-2"),
    ]


def test_the_client_and_a_lost_answer_name_a_sub_merchant_as_each_call_wants(
    sandbox, wechat
):
    from datetime import datetime, timedelta, timezone

    from wechat_protocol import exchange
    from wechat_protocol import order_shipping_record as record
    from wechat_protocol.order_shipping import (
        LogisticsType,
        OrderShipment,
        Parcel,
        ShippingInfo,
    )
    from wechat_protocol.payload import OrderKey, OrderNumberType

    client = _client(sandbox)
    key = OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER,
        mchid=MCHID,
        out_trade_no="OSM-SP-1",
        sub_mchid=SUB_MCHID,
    )
    info = ShippingInfo(
        OrderShipment(
            key, LogisticsType.EXPRESS, (Parcel("龙井茶礼盒*1", "YT001", "YTO"),), True
        ),
        datetime.now(timezone(timedelta(hours=8))),
        OPENID,
    )
    wechat.pay("OSM-SP-1", sub_mchid=SUB_MCHID)
    assert client.upload(info).accepted
    assert client.get_order(key).data["order"]["shipping"]["finish_shipping_count"] == 1
    # The upload's answer was lost: WeChat is asked by all three ids (the wire key
    # names the sub-merchant alone, which get_order does not find) and nothing is
    # sent again.
    wire_orders = record.orders_of(info.to_wire())
    assert exchange.wechat_records(client, wire_orders) == ({}, {}, None)
    answer = exchange.run(
        exchange.Exchange(client, info, order_shipping=True, in_doubt=True)
    )
    assert answer.state == exchange.SENT and answer.result is None
    assert answer.counts == {f"mch:{SUB_MCHID}:OSM-SP-1": 1}
    stats = requests.get(sandbox.url + "/sandbox/stats", timeout=5).json()
    assert stats["requests"][SINGLE] == 1, "uploaded once"
    assert client.notify_confirm_receive(key, int(time.time()) + 3600).accepted
