"""WeChatClient against the in-process sandbox over real sockets."""

import json
import logging
import threading
import traceback
from datetime import datetime, timedelta, timezone

import pytest
import requests
from builders import OPENID, details_for, valid_combined_body, valid_single_body
from helpers import APPID, SECRET, closed_port_url
from wechat_protocol import catalogue, express, validation
from wechat_protocol.catalogue import Outcome
from wechat_protocol.client import CallResult, WeChatCallError, WeChatClient
from wechat_protocol.endpoints import OSM_GET_ORDER_LIST
from wechat_protocol.endpoints import SHOPPING_COMBINED_SHIPPING as COMBINED
from wechat_protocol.endpoints import SHOPPING_SINGLE_SHIPPING as SINGLE
from wechat_protocol.payload import (
    CombinedShippingInfo,
    Contact,
    OrderKey,
    OrderNumberType,
    OrderShipping,
    Shipment,
    SingleShippingInfo,
)
from wechat_protocol.tokens import (
    AuthorizerTokenSource,
    ClassicTokenSource,
    StableTokenSource,
)

CST = timezone(timedelta(hours=8))


def make_client(url, token_url=None, classic=False, secret=SECRET, timeout=(3.05, 10)):
    source_class = ClassicTokenSource if classic else StableTokenSource
    return WeChatClient(
        url, source_class(token_url or url, APPID, secret), timeout=timeout
    )


@pytest.fixture
def client(sandbox):
    wechat = make_client(sandbox.url)
    yield wechat
    wechat.close()


def combined_info(moment=datetime(2024, 3, 1, 10, 0, 0, 123000, tzinfo=CST)):
    mch = "1230000109"
    return CombinedShippingInfo(
        order_key=OrderKey(
            OrderNumberType.MERCHANT_TRADE_NUMBER, mchid=mch, out_trade_no="MAIN-42"
        ),
        sub_orders=(
            OrderShipping(
                OrderKey(
                    OrderNumberType.MERCHANT_TRADE_NUMBER,
                    mchid=mch,
                    out_trade_no="SUB-1",
                ),
                (
                    Shipment(
                        "SF100",
                        "SF",
                        ("商品-甲", "SKU-2"),
                        Contact(receiver_contact="189****1234"),
                    ),
                    Shipment("ZTO200", "ZTO", ("SKU-3",)),
                ),
            ),
            OrderShipping(
                OrderKey(
                    OrderNumberType.MERCHANT_TRADE_NUMBER,
                    mchid=mch,
                    out_trade_no="SUB-2",
                ),
                (Shipment("YTO300", "YTO"),),
            ),
        ),
        upload_time=moment,
        payer_openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
    )


def given_details(client, *shipping_bodies):
    """Upload the shopping details the shipping bodies refer to (WeChat refuses shipping
    without)."""
    for body in shipping_bodies:
        assert client.upload_wire(*details_for(body)).accepted


def later(body, seconds=1):
    body = json.loads(json.dumps(body))
    moment = datetime.fromisoformat(body["upload_time"]) + timedelta(seconds=seconds)
    body["upload_time"] = moment.isoformat(timespec="milliseconds")
    return body


def test_combined_round_trip_stores_exactly_to_wire(client, control):
    info = combined_info()
    assert info.check() == []
    given_details(client, info.to_wire())
    result = client.upload(info)
    assert result.accepted and result.errcode == 0 and result.http_status == 200
    stored = control.uploads()
    assert len(stored) == 1
    assert stored[0]["body"] == info.to_wire()
    assert stored[0]["order"] == "mch:1230000109:MAIN-42"
    assert stored[0]["path"] == COMBINED


def test_single_round_trip(client, control, sandbox):
    order = OrderShipping(
        OrderKey(OrderNumberType.WXPAY_TRADE_NUMBER, transaction_id="4200009"),
        (Shipment("SF1", "SF", contact=Contact(receiver_contact="****1234")),),
    )
    info = SingleShippingInfo(order, datetime(2024, 3, 1, 9, tzinfo=CST), "openid-1")
    given_details(client, info.to_wire(), valid_single_body())
    assert client.upload(info).accepted
    assert control.uploads(order="wx:4200009")[0]["body"] == info.to_wire()
    assert client.upload_wire(SINGLE, valid_single_body()).accepted


def test_invalid_payload_raises_and_sends_nothing(client, control):
    body = valid_combined_body()
    body["sub_orders"][1]["shipping_list"][0]["tracking_no"] = ""
    with pytest.raises(validation.PayloadInvalid) as caught:
        client.upload_wire(COMBINED, body)
    assert catalogue.TRACKING_NO_EMPTY in [p.code for p in caught.value.problems]
    stats = control.stats()
    assert stats["requests"] == {} and stats["token_fetches"] == 0


def test_expired_token_mid_run_refreshes_once_and_replays(client, control):
    body = valid_combined_body()
    given_details(client, body)
    assert client.upload_wire(COMBINED, body).accepted
    control.expire_tokens()
    result = client.upload_wire(COMBINED, later(body))
    assert result.accepted
    stats = control.stats()
    assert stats["token_fetches"] == 2
    assert stats["requests"][COMBINED] == 3  # first upload, rejected try, replay
    assert len(control.uploads()) == 2


def test_invalid_token_answer_replays_with_force_refreshed_stable_token(
    client, control
):
    given_details(client, valid_combined_body())
    control.fault("errcode", errcode=catalogue.TOKEN_INVALID)
    assert client.upload_wire(COMBINED, valid_combined_body()).accepted
    # plain refetch returned the rejected token, so one force_refresh followed
    assert control.stats()["token_fetches"] == 3


def test_token_code_after_the_replay_is_not_replayed_again(sandbox, control):
    handed = StableTokenSource(sandbox.url, APPID, SECRET).token()
    calls = []
    # An authorizer source refreshes without HTTP, so the faults hit only the uploads.
    client = WeChatClient(
        sandbox.url, AuthorizerTokenSource(lambda: calls.append(1) or handed)
    )
    control.fault("errcode", errcode=catalogue.TOKEN_EXPIRED, count=5)
    result = client.upload_wire(COMBINED, valid_combined_body())
    assert len(calls) == 2  # initial token, then one refresh before the one replay
    assert (
        result.outcome == Outcome.TOKEN and not result.accepted and not result.retryable
    )
    assert control.stats()["requests"][COMBINED] == 2


@pytest.mark.parametrize(
    "fault, expected_errcode, expected_status",
    [
        (
            {"kind": "errcode", "errcode": catalogue.SYSTEM_BUSY},
            catalogue.SYSTEM_BUSY,
            200,
        ),
        (
            {"kind": "errcode", "errcode": catalogue.RATE_LIMITED},
            catalogue.RATE_LIMITED,
            200,
        ),
        ({"kind": "http500"}, None, 500),
        ({"kind": "nonjson"}, None, 200),
    ],
)
def test_retryable_answers(client, control, fault, expected_errcode, expected_status):
    client.token_source.token()
    control.fault(**fault)
    result = client.upload_wire(COMBINED, valid_combined_body())
    assert result.outcome == Outcome.RETRYABLE
    assert result.errcode == expected_errcode and result.http_status == expected_status
    assert control.uploads() == []
    if result.info is None:
        assert result.describe("en").endswith("the upload will be retried.")
    else:
        assert result.describe("en") == result.info.text("en")


def test_hang_beyond_read_timeout_is_retryable(sandbox, control):
    client = make_client(sandbox.url, timeout=(1, 0.3))
    client.token_source.token()
    control.fault("hang", seconds=1.5)
    result = client.upload_wire(COMBINED, valid_combined_body())
    assert result.outcome == Outcome.RETRYABLE and result.errmsg == "timeout"
    assert result.describe("en") == (
        "WeChat could not be reached (timeout); the upload will be retried."
    )
    assert result.describe("zh_CN") == "无法连接微信（超时）；系统将稍后重试上传。"


def test_connection_refused_is_retryable():
    result = make_client(closed_port_url(), timeout=(1, 1)).upload_wire(
        COMBINED, valid_combined_body()
    )
    assert result.outcome == Outcome.RETRYABLE
    assert result.errcode is None and result.http_status is None


def test_wrong_secret_becomes_permanent_result_without_upload(sandbox, control):
    result = make_client(sandbox.url, secret="not-the-secret").upload_wire(
        COMBINED, valid_combined_body()
    )
    assert (
        result.outcome == Outcome.PERMANENT
        and result.errcode == catalogue.APPSECRET_INVALID
    )
    assert "AppSecret" in result.describe("en")
    assert COMBINED not in control.stats()["requests"]


def test_unreachable_token_endpoint_becomes_retryable_result(sandbox):
    result = make_client(sandbox.url, token_url=closed_port_url()).upload_wire(
        COMBINED, valid_combined_body()
    )
    assert result.outcome == Outcome.RETRYABLE and result.errmsg == "connection failed"


def test_not_later_upload_time_is_permanent_268485216(client, control):
    body = valid_combined_body()
    given_details(client, body)
    assert client.upload_wire(COMBINED, body).accepted
    again = client.upload_wire(COMBINED, body)
    assert again.outcome == Outcome.PERMANENT
    assert again.errcode == catalogue.UPLOAD_TIME_ILLEGAL
    assert (
        client.upload_wire(COMBINED, later(body, -5)).errcode
        == catalogue.UPLOAD_TIME_ILLEGAL
    )
    assert client.upload_wire(COMBINED, later(body)).accepted
    assert len(control.uploads()) == 2


def test_malformed_json_sent_directly_is_47001(client, sandbox):
    token = client.token_source.token()
    for raw in (b'{"order_key": ', b"[1, 2]", "\u00e9".encode("latin-1")):
        answer = requests.post(
            sandbox.url + COMBINED, params={"access_token": token}, data=raw, timeout=5
        ).json()
        assert answer["errcode"] == catalogue.DATA_FORMAT_ERROR


def test_get_delivery_list(client):
    companies = client.get_delivery_list()
    assert companies == list(express.EXPRESS_COMPANIES)


def test_get_delivery_list_failure_raises_clear_error(client, control):
    client.token_source.token()
    control.fault("errcode", errcode=catalogue.SYSTEM_BUSY)
    with pytest.raises(WeChatCallError) as caught:
        client.get_delivery_list()
    assert caught.value.result.retryable
    assert "busy" in str(caught.value)


def test_call_result_describe_uses_catalogue_text():
    info = catalogue.explain(catalogue.DATA_FORMAT_ERROR)
    result = CallResult(Outcome.PERMANENT, 47001, "data format error", info, 200, {})
    assert result.describe("en") == info.text("en")
    assert result.describe("zh_CN") == info.text("zh_CN")
    assert not result.accepted


def test_no_secret_or_token_in_logs_results_or_exceptions(sandbox, control, caplog):
    caplog.set_level(logging.DEBUG)
    texts = []

    def record(obj):
        texts.append(repr(obj))
        if isinstance(obj, CallResult):
            texts.extend([obj.errmsg, obj.describe("en"), obj.describe("zh"), str(obj)])
        if isinstance(obj, BaseException):
            texts.extend([str(obj), "".join(traceback.format_exception(obj))])

    body = valid_combined_body()
    for classic in (False, True):
        client = make_client(sandbox.url, classic=classic, timeout=(1, 0.3))
        record(client)
        record(client.token_source)
        body = later(body)
        record(client.upload_wire(COMBINED, body))
        record(client.upload_wire(COMBINED, body))  # 268485216
        for fault in (
            {"kind": "errcode", "errcode": -1},
            {"kind": "http500"},
            {"kind": "nonjson"},
            {"kind": "hang", "seconds": 1},
            {"kind": "errcode", "errcode": 40001, "count": 2},
        ):
            control.fault(**fault)
            body = later(body)
            record(client.upload_wire(COMBINED, body))
        control.expire_tokens()
        record(client.upload_wire(COMBINED, later(body, 10)))
        try:
            client.get_delivery_list()
        except WeChatCallError as exc:
            record(exc)
        for bad in (
            make_client(sandbox.url, classic=classic, secret=SECRET + "x"),
            make_client(closed_port_url(), classic=classic, timeout=(1, 1)),
            make_client(
                closed_port_url(),
                token_url=sandbox.url,
                classic=classic,
                timeout=(1, 1),
            ),
        ):
            record(bad.upload_wire(COMBINED, body))
            try:
                bad.token_source.token()
            except Exception as exc:  # any exception text is checked
                record(exc)
    tokens = sandbox.state.issued_tokens()
    assert len(tokens) >= 4
    everything = caplog.text + "\n".join(texts)
    assert "access_token=" in caplog.text  # urllib3 did log request lines, redacted
    assert SECRET not in everything
    for token in tokens:
        assert token not in everything


def test_thread_session_is_one_per_thread():
    from wechat_protocol.sessions import thread_session

    mine = thread_session()
    assert thread_session() is mine
    other = []
    worker = threading.Thread(target=lambda: other.append(thread_session()))
    worker.start()
    worker.join()
    assert other[0] is not mine


# --------------------------------------------------------- get_order_list, page by page
# The client's pages against WeChat's example: test_wechat_examples.


def test_the_sandbox_pages_the_order_list_and_takes_both_first_pages(
    client, control, token, sandbox
):
    for number in range(3):
        control.pay(OPENID, mchid="1230000109", out_trade_no=f"PAGE{number}")
    orders = client.order_list(0, 2**40, page_size=2)
    assert sorted(o["merchant_trade_no"] for o in orders) == ["PAGE0", "PAGE1", "PAGE2"]
    # An empty last_index, as this client sent it before, is still the first page.
    answers = [
        requests.post(
            sandbox.url + OSM_GET_ORDER_LIST,
            params={"access_token": token},
            json={"page_size": 2, **extra},
            timeout=5,
        ).json()
        for extra in ({}, {"last_index": ""})
    ]
    assert answers[0]["errcode"] == 0 and answers[0] == answers[1]
