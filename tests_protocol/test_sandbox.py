"""The sandbox as a WeChat stand-in: endpoints, rule checks, control endpoints, page,
CLI."""

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from builders import DELETE, details_for, set_at, valid_combined_body, valid_single_body
from helpers import APPID, SECRET, classic_token, stable_token
from wechat_protocol import catalogue as c
from wechat_protocol import endpoints, validation

COMBINED, SINGLE = (
    endpoints.SHOPPING_COMBINED_SHIPPING,
    endpoints.SHOPPING_SINGLE_SHIPPING,
)


def post(sandbox, path, body, token=None, raw=None):
    params = {"access_token": token} if token is not None else None
    if raw is None:
        return requests.post(
            sandbox.url + path, params=params, json=body, timeout=5
        ).json()
    return requests.post(sandbox.url + path, params=params, data=raw, timeout=5).json()


def given_details(sandbox, token, *shipping_bodies):
    """Upload the shopping details the shipping bodies refer to (WeChat refuses shipping
    without)."""
    for body in shipping_bodies:
        assert post(sandbox, *details_for(body), token) == {
            "errcode": 0,
            "errmsg": "ok",
        }


S0, S1 = ("sub_orders", 0), ("sub_orders", 1)
# (mutation of valid_combined_body(), code WeChat answers); one row per code validation
# knows.
MUTATIONS = [
    ("payer openid empty", set_at(("payer", "openid"), ""), c.OPENID_EMPTY),
    (
        "payer openid with spaces",
        set_at(("payer", "openid"), "o U p"),
        c.OPENID_INVALID,
    ),
    ("mchid not digits", set_at(("order_key", "mchid"), "MCH1"), c.MCHID_INVALID),
    ("upload_time missing", set_at(("upload_time",), DELETE), c.UPLOAD_TIME_MISSING),
    (
        "upload_time with space",
        set_at(("upload_time",), "2021-05-20T13:29:35.120 08:00"),
        c.UPLOAD_TIME_ILLEGAL,
    ),
    (
        "transaction_id missing",
        lambda b: _wx_keys(b, drop_main=True),
        c.TRANSACTION_ID_MISSING,
    ),
    ("mchid missing", set_at(("order_key", "mchid"), DELETE), c.MCHID_MISSING),
    (
        "out_trade_no missing",
        set_at(("order_key", "out_trade_no"), DELETE),
        c.OUT_TRADE_NO_MISSING,
    ),
    (
        "order_number_type 3",
        set_at(("order_key", "order_number_type"), 3),
        c.ORDER_NUMBER_TYPE_ILLEGAL,
    ),
    (
        "sub-order type differs",
        lambda b: _wx_keys(b, drop_main=False, only_sub=True),
        c.ORDER_NUMBER_TYPE_MISMATCH,
    ),
    ("delivery_mode 3", set_at(S0 + ("delivery_mode",), 3), c.DELIVERY_MODE_ILLEGAL),
    ("shipping_list empty", set_at(S1 + ("shipping_list",), []), c.SHIPPING_LIST_EMPTY),
    (
        "unified with two parcels",
        lambda b: b["sub_orders"][1]["shipping_list"].append(
            {"tracking_no": "ZTO2", "express_company": "ZTO"}
        ),
        c.UNIFIED_NEEDS_ONE_SHIPPING,
    ),
    (
        "unified with items",
        set_at(S1 + ("shipping_list", 0, "item_list"), [{"merchant_item_id": "X"}]),
        c.UNIFIED_NO_ITEMS,
    ),
    (
        "tracking_no empty",
        set_at(S1 + ("shipping_list", 0, "tracking_no"), ""),
        c.TRACKING_NO_EMPTY,
    ),
    (
        "express_company empty",
        set_at(S1 + ("shipping_list", 0, "express_company"), ""),
        c.EXPRESS_COMPANY_EMPTY,
    ),
    (
        "merchant_item_id empty",
        set_at(S0 + ("shipping_list", 0, "item_list", 0, "merchant_item_id"), ""),
        c.MERCHANT_ITEM_ID_EMPTY,
    ),
    (
        "split parcel without items",
        set_at(S0 + ("shipping_list", 1, "item_list"), []),
        c.SPLIT_ITEMS_EMPTY,
    ),
    (
        "shipping_list as object",
        set_at(S1 + ("shipping_list",), {"tracking_no": "x"}),
        c.DATA_FORMAT_ERROR,
    ),
    (
        "tracking_no too long",
        set_at(S1 + ("shipping_list", 0, "tracking_no"), "9" * 129),
        c.PARAM_ERROR,
    ),
]


def _wx_keys(body, drop_main, only_sub=False):
    """Switch order keys to WeChat Pay numbers (main without transaction_id if
    drop_main)."""
    keys = [s["order_key"] for s in body["sub_orders"]]
    if not only_sub:
        keys.append(body["order_key"])
    for key in keys:
        key.clear()
        key.update({"order_number_type": 2, "transaction_id": "4200000001"})
    if drop_main:
        del body["order_key"]["transaction_id"]


@pytest.mark.parametrize("name, mutate, code", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_validation_code_is_answered_by_the_sandbox(
    sandbox, token, name, mutate, code
):
    body = valid_combined_body()
    mutate(body)
    problems = validation.check_combined(body)
    assert problems and problems[0].code == code  # the table row hits what it claims
    answer = post(sandbox, COMBINED, body, token)
    assert answer["errcode"] == code
    assert problems[0].path in answer["errmsg"]


def test_table_covers_every_code_validation_can_produce():
    produced = {code for _, _, code in MUTATIONS}
    source = Path(validation.__file__).read_text(encoding="utf-8")
    named = set(re.findall(r"catalogue\.([A-Z_]+)", source))
    assert named, "validation names its codes through catalogue constants"
    # The AppID is no part of a body: the sandbox answers its code to token requests
    # (test_tokens).
    assert {getattr(c, name) for name in named} - {c.APPID_INVALID} <= produced


def test_valid_bodies_are_accepted_and_stored(sandbox, token):
    given_details(sandbox, token, valid_combined_body(), valid_single_body())
    assert post(sandbox, COMBINED, valid_combined_body(), token) == {
        "errcode": 0,
        "errmsg": "ok",
    }
    assert post(sandbox, SINGLE, valid_single_body(), token)["errcode"] == 0
    uploads = sandbox.state.uploads()
    assert [u["seq"] for u in uploads] == [1, 2]
    assert uploads[0]["body"] == valid_combined_body()
    assert uploads[1]["order"] == "wx:4200001234202105201234567890"


@pytest.mark.parametrize(
    "params, code",
    [(None, c.TOKEN_MISSING), ({"access_token": "nope"}, c.TOKEN_INVALID)],
)
def test_missing_or_unknown_token(sandbox, params, code):
    answer = requests.post(
        sandbox.url + COMBINED, params=params, json=valid_combined_body(), timeout=5
    ).json()
    assert answer["errcode"] == code


def test_expired_token_is_42001(sandbox, control, token):
    control.expire_tokens()
    assert (
        post(sandbox, COMBINED, valid_combined_body(), token)["errcode"]
        == c.TOKEN_EXPIRED
    )


def test_stable_token_is_reused_until_force_refresh(sandbox, token):
    again = stable_token(sandbox.url, force_refresh=False)
    assert again["access_token"] == token and 0 < again["expires_in"] <= 7200
    forced = stable_token(sandbox.url, force_refresh=True)
    assert forced["access_token"] != token
    assert (
        post(sandbox, COMBINED, valid_combined_body(), token)["errcode"]
        == c.TOKEN_INVALID
    )


@pytest.mark.parametrize(
    "appid, secret, code", [("wxother", SECRET, 40013), (APPID, "bad", 40125)]
)
def test_token_endpoints_check_credentials(sandbox, appid, secret, code):
    classic = classic_token(sandbox.url, appid=appid, secret=secret)
    stable = stable_token(sandbox.url, appid=appid, secret=secret)
    assert classic["errcode"] == stable["errcode"] == code
    assert "access_token" not in classic and "access_token" not in stable


def test_upload_time_must_be_strictly_later_per_order(sandbox, token, control):
    body = valid_combined_body()
    other = valid_combined_body()
    other["order_key"]["out_trade_no"] = "COMBINED-0002"  # another order: own timeline
    given_details(sandbox, token, body, other)
    assert post(sandbox, COMBINED, body, token)["errcode"] == 0
    answer = post(sandbox, COMBINED, body, token)
    assert (
        answer["errcode"] == c.UPLOAD_TIME_ILLEGAL and "not later" in answer["errmsg"]
    )
    assert post(sandbox, COMBINED, other, token)["errcode"] == 0
    assert len(control.uploads(order="mch:1230000109:COMBINED-0001")) == 1
    assert len(control.uploads()) == 2


def test_faults_apply_to_the_next_n_calls_then_stop(sandbox, token, control):
    given_details(sandbox, token, valid_single_body())
    control.fault("errcode", count=2, errcode=c.RATE_LIMITED)
    control.fault("http500")
    assert control.stats()["faults"][0]["remaining"] == 2
    assert (
        post(sandbox, SINGLE, valid_single_body(), token)["errcode"] == c.RATE_LIMITED
    )
    assert (
        post(sandbox, SINGLE, valid_single_body(), token)["errcode"] == c.RATE_LIMITED
    )
    response = requests.post(
        sandbox.url + SINGLE,
        params={"access_token": token},
        json=valid_single_body(),
        timeout=5,
    )
    assert response.status_code == 500
    assert post(sandbox, SINGLE, valid_single_body(), token)["errcode"] == 0
    stats = control.stats()
    assert stats["requests"][SINGLE] == 4 and stats["faults"] == []


def test_bad_fault_request_is_refused(sandbox):
    response = requests.post(
        sandbox.url + "/sandbox/faults", json={"kind": "melt"}, timeout=5
    )
    assert response.status_code == 400


def test_reset_forgets_everything(sandbox, token, control):
    post(sandbox, COMBINED, valid_combined_body(), token)
    control.fault("http500", count=3)
    control.reset()
    stats = control.stats()
    assert (
        stats["requests"] == {}
        and stats["token_fetches"] == 0
        and stats["faults"] == []
    )
    assert control.uploads() == []
    assert (
        post(sandbox, COMBINED, valid_combined_body(), token)["errcode"]
        == c.TOKEN_INVALID
    )


def test_delivery_list_format(sandbox, token):
    answer = post(sandbox, endpoints.DELIVERY_LIST, {}, token)
    assert answer["errcode"] == 0
    assert {"delivery_id": "SF", "delivery_name": "顺丰速运"} in answer["delivery_list"]


def test_page_shows_accepted_upload_escaped(sandbox, token):
    body = valid_combined_body()
    body["sub_orders"][0]["shipping_list"][0]["item_list"][0]["merchant_item_id"] = (
        "<b>x</b>"
    )
    given_details(sandbox, token, body)
    assert post(sandbox, COMBINED, body, token)["errcode"] == 0
    page = requests.get(sandbox.url + "/", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.text
    for text in (
        "mch:1230000109:COMBINED-0001",
        "2021-05-20T13:29:35.120+08:00",
        "SPLIT_DELIVERY",
        "UNIFIED_DELIVERY",
        "SF1234567890123",
        "YTO",
        "SKU-B",
        "189****1234",
        "021-****5678",
        "&lt;b&gt;x&lt;/b&gt;",
    ):
        assert text in html
    assert "<b>x</b>" not in html
    assert token not in html


def _start_cli():
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wechat_sandbox",
            "--port",
            "0",
            "--appid",
            APPID,
            "--secret",
            SECRET,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline().rstrip("\n")
    match = re.fullmatch(
        r"wechat sandbox listening on (http://127\.0\.0\.1:(\d+))", line
    )
    assert match, line
    return process, match.group(1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_stops_cleanly(signum):
    process, url = _start_cli()
    try:
        answer = stable_token(url)
        assert answer["expires_in"] == 7200 and answer["access_token"]
        process.send_signal(signum)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert SECRET not in out + err and answer["access_token"] not in out + err
