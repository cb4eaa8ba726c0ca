"""The sandbox's Shopping Order side: details before shipping, their item ids, their
lock once the payment is linked, both enum encodings, verify, and details uploaded by
another system."""

import copy

import pytest
import requests
from builders import MCHID, OPENID, details_for, valid_combined_body, valid_single_body
from helpers import APPID, SECRET
from wechat_protocol import catalogue as c
from wechat_protocol import endpoints, enum_names
from wechat_protocol.client import WeChatClient
from wechat_protocol.tokens import StableTokenSource

DETAILS, COMBINED_DETAILS = (
    endpoints.SHOPPING_DETAILS,
    endpoints.SHOPPING_COMBINED_DETAILS,
)
SINGLE, COMBINED = (
    endpoints.SHOPPING_SINGLE_SHIPPING,
    endpoints.SHOPPING_COMBINED_SHIPPING,
)
VERIFY = endpoints.SHOPPING_VERIFY


def client_for(sandbox, names=False):
    return WeChatClient(
        sandbox.url,
        StableTokenSource(sandbox.url, APPID, SECRET),
        send_enum_names=names,
    )


@pytest.fixture
def wechat(sandbox):
    client = client_for(sandbox)
    yield client
    client.close()


def later(body, stamp="2021-05-20T13:30:00.000+08:00"):
    body = copy.deepcopy(body)
    body["upload_time"] = stamp
    return body


def test_shipping_before_details_is_268464998(wechat, control):
    for path, body in (
        (SINGLE, valid_single_body()),
        (COMBINED, valid_combined_body()),
    ):
        result = wechat.upload_wire(path, body)
        assert result.errcode == c.SHOPPING_ORDER_MISSING
        assert "not uploaded" in result.errmsg
    assert control.uploads() == []


def test_details_then_shipping_is_accepted_and_held(wechat, control):
    body = valid_combined_body()
    assert wechat.upload_wire(*details_for(body)).accepted
    assert wechat.upload_wire(COMBINED, body).accepted
    [held] = control.shopping_details(order="mch:1230000109:COMBINED-0001")
    assert held["combined"] and held["uploaded_by"] == "api"
    assert held["sub_orders"]["mch:1230000109:SO0001"] == ["SKU-A", "SKU-B", "SKU-C"]
    assert held["received_at"] < control.uploads()[0]["received_at"]


@pytest.mark.parametrize(
    "shipping, where",
    [
        (valid_single_body, "order_list[0]"),
        (valid_combined_body, "sub_orders[1]"),
    ],
    ids=["single", "combined"],
)
def test_details_without_the_orders_page_are_refused_naming_where(
    wechat, control, shipping, where
):
    path, body = details_for(shipping())
    orders = body["order_list"] if "order_list" in body else body["sub_orders"]
    del orders[-1]["order_detail_jump_link"]
    # Sent as is: the client's own check would stop it before WeChat.
    result = wechat.call(path, body)
    assert result.errcode == c.PARAM_ERROR == 268435461
    assert result.errmsg.startswith(f"{where}.order_detail_jump_link: ")
    assert control.shopping_details() == []
    for item in orders[-1]["item_list"]:
        item.pop("item_detail_jump_link", None)
    orders[-1]["order_detail_jump_link"] = {"type": "URL", "url": "https://a.example"}
    assert wechat.call(path, body).accepted, "an item needs no page of its own"


def test_single_details_do_not_serve_a_combined_shipping(wechat):
    body = valid_combined_body()
    single = {**valid_single_body(), "order_key": body["order_key"]}
    assert wechat.upload_wire(*details_for(single)).accepted
    assert wechat.upload_wire(COMBINED, body).errcode == c.SHOPPING_ORDER_MISSING


@pytest.mark.parametrize(
    "lacking, code, named",
    [
        # a sub-order
        (
            lambda details: details["sub_orders"].pop(),
            c.SHOPPING_ORDER_MISSING,
            "SO0002",
        ),
        # a split item
        (
            lambda details: details["sub_orders"][0]["item_list"].pop(),
            c.PARAM_ERROR,
            "SKU-C",
        ),
    ],
    ids=["sub-order", "split item"],
)
def test_shipping_naming_what_the_details_lack_is_refused(wechat, lacking, code, named):
    body = valid_combined_body()
    path, details = details_for(body)
    lacking(details)
    assert wechat.upload_wire(path, details).accepted
    result = wechat.upload_wire(COMBINED, body)
    assert result.errcode == code and named in result.errmsg


def test_shipping_keyed_by_another_number_type_than_the_details_finds_no_order(wechat):
    body = valid_single_body()
    path, details = details_for(body)
    assert wechat.upload_wire(path, details).accepted
    # The same order id, read as a merchant number: WeChat knows no such order.
    body["order_key"] = {
        "order_number_type": 1,
        "mchid": MCHID,
        "out_trade_no": "4200001234202105201234567890",
    }
    assert wechat.upload_wire(SINGLE, body).errcode == c.SHOPPING_ORDER_MISSING


def test_details_change_freely_until_the_payment_is_linked_then_only_identical(
    wechat, control
):
    body = valid_single_body()
    path, details = details_for(body)
    assert wechat.upload_wire(path, details).accepted
    changed = later(details)
    changed["order_list"][0]["item_list"][0]["unit_price"] = 90
    assert wechat.upload_wire(path, changed).accepted
    control.pay(OPENID, transaction_id=body["order_key"]["transaction_id"])
    again = later(changed, "2021-05-20T13:31:00.000+08:00")
    assert wechat.upload_wire(path, again).accepted  # the same details: nothing changes
    locked = later(again, "2021-05-20T13:32:00.000+08:00")
    locked["order_list"][0]["item_list"][0]["unit_price"] = 80
    result = wechat.upload_wire(path, locked)
    assert result.errcode == c.PARAM_ERROR and "cannot change" in result.errmsg
    [held] = control.shopping_details()
    assert held["details"]["order_list"][0]["item_list"][0]["unit_price"] == 90


def test_details_need_a_later_upload_time(wechat):
    path, details = details_for(valid_single_body())
    assert wechat.upload_wire(path, details).accepted
    assert wechat.upload_wire(path, details).errcode == c.UPLOAD_TIME_ILLEGAL


@pytest.mark.parametrize("names", [False, True], ids=["numbers", "names"])
def test_both_encodings_are_accepted_for_every_call_of_the_family(
    sandbox, control, names
):
    client = client_for(sandbox, names=names)
    body = valid_combined_body()
    assert client.upload_wire(*details_for(body)).accepted
    assert client.upload_wire(COMBINED, body).accepted
    assert client.verify_shopping_details(
        {"order_key": body["order_key"], "payer": body["payer"]}
    ).accepted
    stored = control.uploads()[0]["body"]
    assert stored == (enum_names.to_names(body) if names else body)
    assert isinstance(stored["sub_orders"][0]["delivery_mode"], str) == names
    assert stored["order_key"]["order_number_type"] == 1, "a number in both modes"
    assert stored["sub_orders"][0]["order_key"]["order_number_type"] == 1
    held = control.shopping_details()[0]["details"]
    assert held["sub_orders"][0]["logistics_type"] == 1  # WeChat reads both as one
    client.close()


@pytest.mark.parametrize(
    "path_field, value, code",
    [
        (("order_key", "order_number_type"), "MERCHANT", c.ORDER_NUMBER_TYPE_ILLEGAL),
        (("order_key", "order_number_type"), "1", c.ORDER_NUMBER_TYPE_ILLEGAL),
        (("sub_orders", 0, "delivery_mode"), "SPLIT", c.DELIVERY_MODE_ILLEGAL),
        (("sub_orders", 0, "delivery_mode"), 2.0, c.DELIVERY_MODE_ILLEGAL),
    ],
)
def test_other_enum_values_are_refused_with_the_familys_codes(
    sandbox, wechat, path_field, value, code
):
    body = valid_combined_body()
    assert wechat.upload_wire(*details_for(body)).accepted
    holder = body
    for key in path_field[:-1]:
        holder = holder[key]
    holder[path_field[-1]] = value
    token = wechat.token_source.token()
    answer = requests.post(
        sandbox.url + COMBINED, params={"access_token": token}, json=body, timeout=5
    ).json()
    assert answer["errcode"] == code


def test_verify_answers_what_wechat_holds(wechat):
    body = valid_single_body()
    query = {"order_key": body["order_key"], "payer": body["payer"]}
    assert wechat.verify_shopping_details(query).errcode == c.SHOPPING_ORDER_MISSING
    assert wechat.upload_wire(*details_for(body)).accepted
    result = wechat.verify_shopping_details(query)
    assert result.accepted and result.data["verify_result"] == "uploaded"
    other = {**query, "payer": {"openid": "oOther"}}
    assert (
        "does not match" in wechat.verify_shopping_details(other).data["verify_result"]
    )


def test_details_from_another_system_let_shipping_through_without_item_checks(
    wechat, control
):
    body = valid_combined_body()
    control.details_from_elsewhere(
        body["order_key"], [sub["order_key"] for sub in body["sub_orders"]]
    )
    assert wechat.upload_wire(COMBINED, body).accepted
    single = valid_single_body()
    control.details_from_elsewhere(single["order_key"])
    assert wechat.upload_wire(SINGLE, single).accepted
    assert {d["uploaded_by"] for d in control.shopping_details()} == {"another system"}


def test_bad_external_details_request_is_refused(sandbox):
    for body in (
        {},
        {"order_key": 5},
        {"order_key": {"order_number_type": 3}},
        {"order_key": {"order_number_type": 1}, "sub_orders": [1]},
    ):
        answer = requests.post(
            sandbox.url + "/sandbox/shopping_details/external", json=body, timeout=5
        )
        assert answer.status_code == 400 and "expected" in answer.json()["error"]


def test_reset_forgets_the_details(wechat, control):
    assert wechat.upload_wire(*details_for(valid_single_body())).accepted
    assert control.stats()["shopping_details"] == 1
    control.reset()
    assert control.shopping_details() == []


def test_page_lists_the_details_escaped(sandbox, wechat):
    body = valid_single_body()
    path, details = details_for(body)
    details["order_list"][0]["item_list"][0]["merchant_item_id"] = "<i>A</i>"
    assert wechat.upload_wire(path, details).accepted
    page = requests.get(sandbox.url + "/", timeout=5).text
    assert "wx:4200001234202105201234567890" in page and "&lt;i&gt;A&lt;/i&gt;" in page
