"""WeChat's message push: signatures, safe mode's envelope, bodies, and the sandbox
pushing Order Shipping Management's events to a real HTTP receiver."""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from builders import MCHID, OPENID, valid_osm_body
from helpers import APPID, SECRET
from wechat_protocol import endpoints, push
from wechat_protocol.client import WeChatClient
from wechat_protocol.tokens import StableTokenSource

TOKEN = "pushtoken2024"
KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")
NOW = 1_700_000_000
SAFE = push.PushSettings(TOKEN, APPID, KEY)
PLAIN = push.PushSettings(TOKEN, APPID)


def test_signature_is_sha1_of_the_sorted_parts():
    # The example of WeChat's access guide: token, timestamp and nonce sorted, joined,
    # sha1.
    assert push.signature("token", "1714037059", "486452656") == push.signature(
        "token", "486452656", "1714037059"
    )
    assert len(push.signature("t", "1", "2")) == 40
    assert push.signed("t", push.signature("t", "1", "2").upper(), "1", "2")
    assert not push.signed("t", None, "1", "2")


def test_encrypt_then_decrypt_round_trips_and_names_the_appid():
    key = push.aes_key(KEY)
    message = json.dumps(
        {"Event": "trade_manage_remind_shipping", "msg": "请发货"}, ensure_ascii=False
    ).encode()
    encrypted = push.encrypt(key, APPID, message)
    assert len(base64.b64decode(encrypted)) % 32 == 0
    assert push.decrypt(key, APPID, encrypted) == message
    with pytest.raises(push.PushRefused) as other:
        push.decrypt(key, "wxanother0000001", encrypted)
    assert other.value.status == 403


@pytest.mark.parametrize("key", ["", "x" * 42, "x" * 44, "!" * 43, None, 43])
def test_an_encoding_aes_key_is_43_base64_characters(key):
    with pytest.raises(ValueError):
        push.aes_key(key)


@pytest.mark.parametrize(
    "encrypted",
    [
        "",
        "not base64!",
        base64.b64encode(b"x" * 15).decode(),
        base64.b64encode(b"x" * 32).decode(),
        base64.b64encode(os.urandom(64)).decode(),
    ],
)
def test_garbage_in_encrypt_is_refused(encrypted):
    with pytest.raises(push.PushRefused) as refused:
        push.decrypt(push.aes_key(KEY), APPID, encrypted)
    assert refused.value.status in (400, 403)


def _plain_push(message, settings=PLAIN, now=NOW, xml=False):
    raw = _encode(message, xml)
    return push.push_query(settings, now, "nonce1"), raw


def _encode(message, xml):
    return push.encode_body(message, xml)


def _safe_push(message, settings=SAFE, now=NOW, xml=False, appid=APPID):
    return _safe_raw(_encode(message, xml), settings, now, xml, appid)


def _safe_raw(plain, settings=SAFE, now=NOW, xml=False, appid=APPID):
    """A safe-mode push of the body `plain` (bytes)."""
    encrypted = push.encrypt(push.aes_key(settings.encoding_aes_key), appid, plain)
    raw = _encode({"ToUserName": APPID, "Encrypt": encrypted}, xml)
    return push.push_query(settings, now, "nonce2", encrypted), raw


EVENT = {
    "ToUserName": APPID,
    "FromUserName": OPENID,
    "CreateTime": NOW,
    "MsgType": "event",
    "Event": "trade_manage_order_settlement",
    "transaction_id": "4200000001",
    "merchant_id": MCHID,
    "merchant_trade_no": "SO1",
    "pay_time": NOW - 86400,
    "shipped_time": NOW - 3600,
}


@pytest.mark.parametrize("xml", [False, True], ids=["json", "xml"])
@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_a_signed_event_is_read_in_every_mode_and_format(safe, xml):
    query, raw = (_safe_push if safe else _plain_push)(EVENT, xml=xml)
    event = push.read_event(SAFE if safe else PLAIN, query, raw, NOW + 10)
    assert event["Event"] == "trade_manage_order_settlement"
    assert str(event["shipped_time"]) == str(NOW - 3600)


def test_url_check_answers_echostr_only_when_signed():
    query = {**push.push_query(PLAIN, NOW, "n"), "echostr": "1234567890"}
    assert push.url_check(PLAIN, query, NOW) == "1234567890"
    with pytest.raises(push.PushRefused):
        push.url_check(push.PushSettings("othertoken", APPID), query, NOW)


def _bad_pushes():
    query, raw = _safe_push(EVENT)
    plain_query, plain_raw = _plain_push(EVENT)
    yield "wrong signature", SAFE, {**query, "signature": "0" * 40}, raw, 403
    yield "wrong msg_signature", SAFE, {**query, "msg_signature": "0" * 40}, raw, 403
    yield (
        "old timestamp",
        SAFE,
        _safe_push(EVENT, now=NOW - 3600)[0],
        _safe_push(EVENT, now=NOW - 3600)[1],
        403,
    )
    yield (
        "future timestamp",
        SAFE,
        _safe_push(EVENT, now=NOW + 3600)[0],
        _safe_push(EVENT, now=NOW + 3600)[1],
        403,
    )
    yield (
        "no timestamp",
        SAFE,
        {k: v for k, v in query.items() if k != "timestamp"},
        raw,
        400,
    )
    yield (
        "another appid inside",
        SAFE,
        *_safe_push(EVENT, appid="wxanother0000001"),
        403,
    )
    yield "truncated body", SAFE, query, raw[: len(raw) // 2], 400
    yield "not json nor xml", PLAIN, plain_query, b"hello", 400
    yield "json array", PLAIN, plain_query, b"[1, 2]", 400
    yield "nested xml", PLAIN, plain_query, b"<xml><a><b>1</b></a></xml>", 400
    yield (
        "xml entities",
        PLAIN,
        plain_query,
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><a>&a;</a></xml>',
        400,
    )
    yield (
        "huge body",
        PLAIN,
        plain_query,
        b"{" + b" " * (push.MAX_BODY_BYTES + 1) + b"}",
        413,
    )
    yield "encrypted without key", PLAIN, query, raw, 400
    # Half a UTF-16 pair, as JSON's escape carries it: no UTF-8 text can hold it.
    surrogate = (
        b'{"Event": "trade_manage_order_settlement", "merchant_trade_no": "\\ud800"}'
    )
    yield "unpaired surrogate", PLAIN, plain_query, surrogate, 400
    yield (
        "unpaired surrogate inside",
        SAFE,
        *_safe_raw(surrogate),
        400,
    )
    yield (
        "unpaired surrogate in Encrypt",
        SAFE,
        query,
        b'{"ToUserName": "x", "Encrypt": "\\udfff"}',
        400,
    )
    yield (
        "safe mode without Encrypt",
        SAFE,
        {**plain_query, "encrypt_type": "aes"},
        plain_raw,
        400,
    )


@pytest.mark.parametrize(
    "name, settings, query, raw, status",
    list(_bad_pushes()),
    ids=[case[0] for case in _bad_pushes()],
)
def test_bad_pushes_are_refused_with_a_status(name, settings, query, raw, status):
    with pytest.raises(push.PushRefused) as refused:
        push.read_event(settings, query, raw, NOW)
    assert refused.value.status == status
    assert len(refused.value.reason) < 100


# ------------------------------------------------------------------- the sandbox pushes


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # the name http.server calls
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        try:
            self.server.events.append(
                push.read_event(self.server.settings, query, raw, time.time())
            )
            status, answer = 200, b"success"
        except push.PushRefused as refused:
            status, answer = refused.status, refused.reason.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.events, server.settings = [], SAFE
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _ship(sandbox, control, out_trade_no):
    control.pay(OPENID, mchid=MCHID, out_trade_no=out_trade_no)
    client = WeChatClient(sandbox.url, StableTokenSource(sandbox.url, APPID, SECRET))
    assert client.upload_wire(
        endpoints.OSM_SINGLE_SHIPPING, valid_osm_body(out_trade_no)
    ).accepted


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_sandbox_pushes_shipping_receipt_settlement_and_reminder_events(
    sandbox, control, receiver, fmt
):
    receiver.settings = SAFE if fmt == "json" else PLAIN
    control.push_to(
        f"http://127.0.0.1:{receiver.server_address[1]}/push",
        TOKEN,
        KEY if fmt == "json" else None,
        fmt=fmt,
    )
    _ship(sandbox, control, "PUSH001")
    control.order_event("confirm_receipt", mchid=MCHID, out_trade_no="PUSH001")
    control.order_event("settle", mchid=MCHID, out_trade_no="PUSH001")
    control.pay(OPENID, mchid=MCHID, out_trade_no="PUSH002")
    control.order_event("remind_shipping", mchid=MCHID, out_trade_no="PUSH002")
    events = receiver.events
    assert [e["Event"] for e in events] == ["trade_manage_order_settlement"] * 3 + [
        "trade_manage_remind_shipping"
    ]
    shipped, confirmed, settled, reminded = events
    assert int(shipped["estimated_settlement_time"]) > int(shipped["shipped_time"]) > 0
    assert (
        int(confirmed["confirm_receive_method"]) == 2
        and int(confirmed["confirm_receive_time"]) > 0
    )
    assert int(settled["settlement_time"]) > 0
    assert reminded["merchant_trade_no"] == "PUSH002" and reminded["msg"]
    assert [entry["status"] for entry in control.pushes()] == [200] * 4


def test_a_replayed_push_is_the_same_bytes(sandbox, control, receiver):
    control.push_to(f"http://127.0.0.1:{receiver.server_address[1]}/push", TOKEN, KEY)
    control.pay(OPENID, mchid=MCHID, out_trade_no="PUSH003")
    control.order_event("remind_shipping", mchid=MCHID, out_trade_no="PUSH003")
    again = control.replay_push(0)
    first = control.pushes()[0]
    assert (again["query"], again["body"]) == (first["query"], first["body"])
    assert receiver.events[0] == receiver.events[1]


def test_push_configuration_is_checked(sandbox):
    for body in (
        {"url": "ftp://x", "token": TOKEN},
        {"url": "http://x", "token": "a b"},
        {"url": "http://x", "token": TOKEN, "encoding_aes_key": "short"},
        {"url": "http://x", "token": TOKEN, "format": "yaml"},
    ):
        answer = requests.post(sandbox.url + "/sandbox/push", json=body, timeout=5)
        assert answer.status_code == 400 and answer.json()["error"]


def test_no_push_without_a_target_and_an_unreachable_target_is_logged(sandbox, control):
    control.pay(OPENID, mchid=MCHID, out_trade_no="PUSH004")
    assert (
        control.order_event("remind_shipping", mchid=MCHID, out_trade_no="PUSH004")[
            "push"
        ]
        is None
    )
    control.push_to("http://127.0.0.1:9/push", TOKEN)
    answer = control.order_event("remind_shipping", mchid=MCHID, out_trade_no="PUSH004")
    assert answer["push"]["status"] is None


def test_the_ids_of_a_payment_are_read_alike_from_json_and_xml():
    message = {
        "Event": "trade_manage_remind_shipping",
        "transaction_id": "4200000000000000000000000001",
        "merchant_id": 1230000109,
        "sub_merchant_id": "1900000109",
        "merchant_trade_no": " OSM0001 ",
    }
    expected = {
        "transaction_id": "4200000000000000000000000001",
        "merchant_id": "1230000109",
        "sub_merchant_id": "1900000109",
        "merchant_trade_no": "OSM0001",
    }
    for xml in (False, True):
        read = push.parse_body(push.encode_body(message, xml))
        assert push.payment_ids(read) == expected
    direct = push.payment_ids({**message, "sub_merchant_id": None, "merchant_id": True})
    assert (direct["sub_merchant_id"], direct["merchant_id"]) == ("", "")
