"""Threaded HTTP server speaking WeChat's token, shipping and delivery-list protocol."""

import contextlib
import json
import logging
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from wechat_protocol import (
    catalogue,
    endpoints,
    enum_names,
    express,
    order_shipping_validation,
    shopping_details_validation,
    validation,
)
from wechat_protocol.order_shipping_record import key_id as order_key_id
from wechat_protocol.rfc3339 import parse_rfc3339
from wechat_protocol.tokens import redact

from . import page, pusher
from .payments import AWAITING_SHIPMENT, ORDER_SHAPES, PaymentError
from .state import MAX_LATENCY_MS, MAX_PER_SECOND, Fault, RateLimit, SandboxState

_logger = logging.getLogger(__name__)

DEFAULT_APPID = "wxsandbox0000001"
DEFAULT_SECRET = "sandbox-secret"
SHIPPING_CHECKS = {
    endpoints.SHOPPING_COMBINED_SHIPPING: validation.check_combined,
    endpoints.SHOPPING_SINGLE_SHIPPING: validation.check_single,
    endpoints.OSM_COMBINED_SHIPPING: order_shipping_validation.check_combined,
    endpoints.OSM_SINGLE_SHIPPING: order_shipping_validation.check_single,
}
DETAILS_CHECKS = {
    endpoints.SHOPPING_DETAILS: shopping_details_validation.check_single,
    endpoints.SHOPPING_COMBINED_DETAILS: shopping_details_validation.check_combined,
    endpoints.SHOPPING_VERIFY: shopping_details_validation.check_verify,
}
ORDER_CALLS = (
    endpoints.OSM_GET_ORDER,
    endpoints.OSM_GET_ORDER_LIST,
    endpoints.OSM_NOTIFY_CONFIRM_RECEIVE,
    endpoints.OSM_IS_TRADE_MANAGED,
    endpoints.OSM_IS_CONFIRMATION_COMPLETED,
    endpoints.OSM_SET_MSG_JUMP_PATH,
    endpoints.OSM_SPECIAL_ORDER,
)
# The calls WeChat's frequency limit counts: every API call but the token calls.
LIMITED_CALLS = frozenset(
    (*SHIPPING_CHECKS, *DETAILS_CHECKS, *ORDER_CALLS, endpoints.DELIVERY_LIST)
)
ORDER_EVENTS = ("confirm_receipt", "settle", "refund", "remind_shipping")
# WeChat settles funds some days after shipping; the sandbox announces ten.
ESTIMATED_SETTLEMENT_SECONDS = 10 * 86400
FAULT_KINDS = ("errcode", "http500", "hang", "nonjson")
_QUIET_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def _error(code, errmsg):
    return 200, {"errcode": code, "errmsg": errmsg}


class Handler(BaseHTTPRequestHandler):
    """One request; routes to WeChat endpoints or /sandbox/ control endpoints."""

    server_version = "WeChatSandbox/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY a kept-alive
    # client waits for Nagle's delay (about 40 ms) on every answer.
    disable_nagle_algorithm = True

    @property
    def state(self):
        return self.server.state

    # Silence the default access log: its request line carries ?access_token=.
    def log_request(self, code="-", size="-"):
        _logger.debug(
            "sandbox %s %s -> %s", self.command, urlsplit(self.path).path, code
        )

    def log_message(self, fmt, *args):
        _logger.debug("sandbox: %s", redact(fmt % args))

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _dispatch(self):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        length = _content_length(self.headers.get("Content-Length"))
        if length is None:
            # Unreadable length: the body cannot be delimited, so answer and drop the
            # connection.
            self.close_connection = True
            self._send_json(
                400,
                {
                    "errcode": catalogue.DATA_FORMAT_ERROR,
                    "errmsg": "invalid Content-Length",
                },
            )
            return
        raw = self.rfile.read(length) if length else b""
        # A client that gave up (e.g. timed out during a "hang" fault) gets no answer.
        with contextlib.suppress(*_QUIET_ERRORS):
            if url.path == "/":
                self._send(200, page.render(self.state), "text/html; charset=utf-8")
            elif url.path.startswith("/sandbox/"):
                self._send_json(*self._control(url.path, query, raw))
            else:
                with self.state.serving():
                    self._api(url.path, query, raw)

    def _api(self, path, query, raw):
        # Read under the lock, slept outside it: delayed calls wait side by side.
        time.sleep(self.state.latency_ms() / 1000)
        if path in (endpoints.TOKEN, endpoints.STABLE_TOKEN):
            self.state.count_token_fetch(
                "classic" if path == endpoints.TOKEN else "stable"
            )
        fault = self.state.count_request(path)
        if fault and fault.kind == "http500":
            self._send(500, "Internal Server Error", "text/plain")
            return
        if fault and fault.kind == "nonjson":
            # What a captive portal or misrouted proxy sends: HTTP 200 that is not JSON.
            self._send(200, "<html><body>gateway</body></html>", "text/html")
            return
        if fault and fault.kind == "errcode":
            self._send_json(
                *_error(fault.errcode, f"sandbox fault: errcode {fault.errcode}")
            )
            return
        if fault and fault.kind == "hang":
            time.sleep(fault.seconds)
        if path in LIMITED_CALLS and (refusal := self.state.admit()):
            self._send_json(*_error(*refusal))
            return
        self._send_json(*self._wechat(path, query, raw))

    def _wechat(self, path, query, raw):
        if path == endpoints.TOKEN:
            if self.command != "GET":
                return _error(43001, "require GET method")
            return self._token("classic", query)
        if self.command != "POST":
            return _error(43002, "require POST method")
        if path == endpoints.STABLE_TOKEN:
            body = _json_object(raw)
            if body is None:
                return _error(catalogue.DATA_FORMAT_ERROR, "data format error")
            return self._token("stable", body)
        if path in LIMITED_CALLS:
            code = self.state.check_token(query.get("access_token"))
            if code:
                return _error(code, _TOKEN_MESSAGES[code])
            body = _json_object(raw)
            if body is None:
                return _error(
                    catalogue.DATA_FORMAT_ERROR,
                    "data format error: body must be a JSON object",
                )
            if path == endpoints.DELIVERY_LIST:
                return 200, _delivery_list()
            if path in ORDER_CALLS:
                return self._order_call(path, body)
            if path in DETAILS_CHECKS:
                return self._shopping_details(path, body)
            return self._shipping(path, body)
        return 404, {"errcode": 404, "errmsg": f"no such API in the sandbox: {path}"}

    def _token(self, kind, params):
        if params.get("grant_type") != "client_credential":
            return _error(40002, "invalid grant_type")
        code = self.state.credentials_error(params.get("appid"), params.get("secret"))
        if code:
            return _error(
                code,
                {
                    40013: "invalid appid",
                    40125: "invalid appsecret",
                    41002: "appid missing",
                    41004: "appsecret missing",
                }[code],
            )
        token, expires_in = self.state.issue(
            kind, force_refresh=params.get("force_refresh") is True
        )
        return 200, {"access_token": token, "expires_in": expires_in}

    def _shopping_details(self, path, body):
        """Shopping details and their verification (enumerations in either encoding)."""
        if problems := DETAILS_CHECKS[path](body):
            return _first_problem(problems)
        decoded = enum_names.to_numbers(body)
        with self.state.shopping() as (shopping, book):
            if path == endpoints.SHOPPING_VERIFY:
                code, result = shopping.verify(decoded)
                if code:
                    return _error(code, catalogue.explain(code).meaning_en)
                return 200, {"errcode": 0, "errmsg": "ok", "verify_result": result}
            keep = (
                shopping.upload
                if path == endpoints.SHOPPING_DETAILS
                else shopping.upload_combined
            )
            code, errmsg = keep(
                decoded,
                parse_rfc3339(body["upload_time"]),
                lambda key: book.known(key) is not None,
            )
        return _error(code, errmsg)

    def _shipping(self, path, body):
        if problems := SHIPPING_CHECKS[path](body):
            return _first_problem(problems)
        if path in endpoints.SHOPPING_SHIPPING:
            decoded = enum_names.to_numbers(body)
            with self.state.shopping() as (shopping, _book):
                refusal = shopping.shipping_refusal(
                    decoded, path == endpoints.SHOPPING_COMBINED_SHIPPING
                )
            if refusal:
                return _error(*refusal)
            body_key = decoded["order_key"]
        else:
            body_key = body["order_key"]
        key_id = order_key_id(body_key)
        when = parse_rfc3339(body["upload_time"])
        if path in endpoints.OSM_SHIPPING:
            now = int(time.time())
            with self.state.payments() as book:
                unshipped = {
                    tid
                    for tid, payment in book.payments.items()
                    if payment.shipped_at is None
                }
                upload = (
                    book.upload_combined
                    if path == endpoints.OSM_COMBINED_SHIPPING
                    else book.upload
                )
                code = upload(body, when)
                events = [
                    pusher.event_message(
                        self.state.appid,
                        payment,
                        "trade_manage_order_settlement",
                        now,
                        shipped_time=payment.shipped_at,
                        estimated_settlement_time=payment.shipped_at
                        + ESTIMATED_SETTLEMENT_SECONDS,
                    )
                    for tid, payment in book.payments.items()
                    if tid in unshipped and payment.shipped_at and not code
                ]
            if code == 0:
                self.state.keep(path, body, key_id, body["upload_time"])
            for event in events:
                self.state.pusher.send(event)
            return _error(
                code, "ok" if code == 0 else catalogue.explain(code).meaning_en
            )
        if not self.state.accept(path, body, key_id, body["upload_time"], when):
            return _error(
                catalogue.UPLOAD_TIME_ILLEGAL,
                "upload_time {} is not later than the last accepted upload for "
                "order {}".format(body["upload_time"], key_id),
            )
        return _error(0, "ok")

    def _order_call(self, path, body):
        """get_order, get_order_list, notify_confirm_receive and the trade-management
        questions."""
        with self.state.payments() as book:
            if path == endpoints.OSM_GET_ORDER_LIST:
                return 200, book.order_list(body)
            if path in (
                endpoints.OSM_IS_TRADE_MANAGED,
                endpoints.OSM_IS_CONFIRMATION_COMPLETED,
            ):
                if body.get("appid") != self.state.appid:
                    return _error(catalogue.APPID_INVALID, "invalid appid")
                answer = (
                    "is_trade_managed"
                    if path == endpoints.OSM_IS_TRADE_MANAGED
                    else "completed"
                )
                return 200, {"errcode": 0, "errmsg": "ok", answer: book.trade_managed}
            if path == endpoints.OSM_SET_MSG_JUMP_PATH:
                jump = body.get("path")
                if (
                    not isinstance(jump, str)
                    or not 0 < len(jump) <= 512
                    or not jump.isprintable()
                ):
                    return _error(
                        catalogue.OSM_PARAM_ERROR,
                        "path: a Mini Program page, 1 to 512 characters",
                    )
                book.msg_jump_path = jump
                return _error(0, "ok")
            if path == endpoints.OSM_SPECIAL_ORDER:
                code = book.report_special(body)
                return _error(
                    code, "ok" if code == 0 else catalogue.explain(code).meaning_en
                )
            if path == endpoints.OSM_NOTIFY_CONFIRM_RECEIVE:
                code = book.confirm_receive(body, body.get("received_time"))
                return _error(
                    code, "ok" if code == 0 else catalogue.explain(code).meaning_en
                )
            payment = book.queried(body)
            if payment is None:
                return _error(
                    catalogue.PAYMENT_NOT_FOUND,
                    catalogue.explain(catalogue.PAYMENT_NOT_FOUND).meaning_en,
                )
            order = payment.as_order(book.order_shape)
            return 200, {"errcode": 0, "errmsg": "ok", "order": order}

    def _shopping_control(self, raw):
        """POST /sandbox/shopping_details/external: another system uploaded an order's
        details."""
        body = enum_names.to_numbers(_json_object(raw))
        try:
            with self.state.shopping() as (shopping, _book):
                return 200, shopping.mark_external(body)
        except ValueError as error:
            return 400, {"error": str(error)}

    def _payments_control(self, path, raw):
        """POST /sandbox/payments, /sandbox/payments/bulk, /sandbox/payments/young,
        /sandbox/orders/<event>, /sandbox/trade_managed."""
        body = _json_object(raw)
        try:
            with self.state.payments() as book:
                if path == "/sandbox/payments":
                    return 200, book.register(body)
                if path == "/sandbox/payments/bulk":
                    return 200, book.register_many((body or {}).get("payments"))
                if path == "/sandbox/payments/young":
                    seconds = (body or {}).get("seconds")
                    if (
                        not isinstance(seconds, int | float)
                        or isinstance(seconds, bool)
                        or seconds < 0
                    ):
                        raise PaymentError("expected {seconds: N >= 0}")
                    book.unknown_younger_than = seconds
                    return 200, {"unknown_younger_than": seconds}
                if path == "/sandbox/trade_managed":
                    book.trade_managed = bool((body or {}).get("managed", True))
                    return 200, {"is_trade_managed": book.trade_managed}
                if path == "/sandbox/order_shape":
                    shape = (body or {}).get("shape")
                    if shape not in ORDER_SHAPES:
                        raise PaymentError(
                            "expected {{shape: {}}}".format(" or ".join(ORDER_SHAPES))
                        )
                    book.order_shape = shape
                    return 200, {"shape": shape}
                event = path.rsplit("/", 1)[-1]
                if event not in ORDER_EVENTS:
                    raise PaymentError("event: {}".format(", ".join(ORDER_EVENTS)))
                payment = (
                    book.find(body)
                    if event == "remind_shipping"
                    else book.move(body, event)
                )
                if payment is None or (
                    event == "remind_shipping"
                    and payment.order_state != AWAITING_SHIPMENT
                ):
                    raise PaymentError(
                        "remind_shipping: a known payment awaiting shipment"
                    )
                message = _event_of(self.state.appid, payment, event)
                answer = book.summary(payment)
        except PaymentError as error:
            return 400, {"error": str(error)}
        if message:
            answer["push"] = self.state.pusher.send(message)
        return 200, answer

    def _push_control(self, path, raw):
        """POST /sandbox/push (where events go) and /sandbox/pushes/replay (send one
        again)."""
        body = _json_object(raw)
        try:
            if path == "/sandbox/push":
                return 200, self.state.pusher.configure(body, self.state.appid)
            return 200, self.state.pusher.replay((body or {}).get("index"))
        except ValueError as error:
            return 400, {"error": str(error)}

    def _switch_control(self, path, raw):
        """POST /sandbox/latency and /sandbox/rate_limit; a refused value changes
        nothing."""
        body = _json_object(raw) or {}
        if path == "/sandbox/latency":
            ms = latency_value(body.get("ms"))
            if ms is None:
                return 400, {
                    "error": "expected {ms: a number of milliseconds, 0 to %d}"
                    % MAX_LATENCY_MS
                }
            self.state.set_latency(ms)
            return 200, {"latency_ms": self.state.latency_ms()}
        limit = _parse_rate_limit(body)
        if limit is None:
            return 400, {
                "error": "expected {per_second: a whole number 0 to %d, errcode: %s}"
                % (MAX_PER_SECOND, " or ".join(map(str, catalogue.RATE_LIMIT_CODES)))
            }
        self.state.set_rate_limit(limit)
        return 200, self.state.rate_limit()

    def _control(self, path, query, raw):
        """The /sandbox/ endpoints: GET reads the sandbox's state, POST changes it."""
        if self.command == "POST":
            return self._control_post(path, raw)
        return self._control_get(path, query)

    def _control_get(self, path, query):
        state = self.state
        if path == "/sandbox/latency":
            return 200, {"latency_ms": state.latency_ms()}
        if path == "/sandbox/pushes":
            return 200, state.pusher.entries()
        if path == "/sandbox/shopping_details":
            with state.shopping() as (shopping, _book):
                return 200, shopping.summary(query.get("order"))
        if path == "/sandbox/payments":
            with state.payments() as book:
                return 200, [
                    book.summary(p) for p in book.payments.values() if not p.main
                ]
        if path == "/sandbox/order_shape":
            with state.payments() as book:
                return 200, {"shape": book.order_shape}
        if path == "/sandbox/msg_jump_path":
            with state.payments() as book:
                return 200, {"path": book.msg_jump_path}
        if path == "/sandbox/uploads":
            return 200, state.uploads(query.get("order"))
        if path == "/sandbox/stats":
            return 200, state.stats()
        if path == "/sandbox/tokens":
            # A test double's own tokens: tests search logs and records for them.
            return 200, state.issued_tokens()
        return self._unknown_control(path)

    def _control_post(self, path, raw):
        state = self.state
        if path in ("/sandbox/latency", "/sandbox/rate_limit"):
            return self._switch_control(path, raw)
        if path in ("/sandbox/push", "/sandbox/pushes/replay"):
            return self._push_control(path, raw)
        if path.startswith(("/sandbox/payments", "/sandbox/orders/")) or path in (
            "/sandbox/trade_managed",
            "/sandbox/order_shape",
        ):
            return self._payments_control(path, raw)
        if path == "/sandbox/shopping_details/external":
            return self._shopping_control(raw)
        if path == "/sandbox/faults":
            fault = _parse_fault(_json_object(raw))
            if fault is None:
                return 400, {
                    "error": "expected {kind: errcode|http500|hang|nonjson, count>=1, "
                    "errcode, seconds}"
                }
            state.add_fault(fault)
            return 200, state.stats()["faults"]
        if path == "/sandbox/tokens/expire":
            state.expire_tokens()
            return 200, {"ok": True}
        if path == "/sandbox/reset":
            state.reset()
            return 200, {"ok": True}
        return self._unknown_control(path)

    def _unknown_control(self, path):
        return 404, {"error": f"unknown control endpoint {self.command} {path}"}

    def _send_json(self, status, data):
        body = json.dumps(data, ensure_ascii=False)
        self._send(status, body, "application/json; charset=utf-8")

    def _send(self, status, text, content_type):
        payload = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


_TOKEN_MESSAGES = {
    41001: "access_token missing",
    40001: "invalid credential, access_token is invalid or not latest",
    42001: "access_token expired",
}


def _event_of(appid, payment, event):
    """The push an order event makes (None for a refund, which WeChat announces
    elsewhere)."""
    now = int(time.time())
    if event == "remind_shipping":
        return pusher.event_message(
            appid,
            payment,
            "trade_manage_remind_shipping",
            now,
            msg="订单已支付超过 48 小时仍未发货，请尽快发货。",
        )
    if event == "refund":
        return None
    confirmed = {
        "confirm_receive_method": 2 if payment.confirmed_at else 1,
        "confirm_receive_time": payment.confirmed_at or now,
    }
    settled = {"settlement_time": payment.settled_at} if event == "settle" else {}
    return pusher.event_message(
        appid,
        payment,
        "trade_manage_order_settlement",
        now,
        shipped_time=payment.shipped_at or 0,
        **confirmed,
        **settled,
    )


def _first_problem(problems):
    """WeChat answers one code: the first problem, naming where it is."""
    return _error(problems[0].code, f"{problems[0].path}: {problems[0].message_en}")


def _content_length(header):
    """The request's Content-Length as a non-negative int (0 when absent), None when
    invalid."""
    try:
        length = int(header or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


def _json_object(raw):
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: a body nested deeper than the parser's stack (e.g. 100000
        # "[").
        return None
    return data if isinstance(data, dict) else None


def _parse_fault(data):
    if not data or data.get("kind") not in FAULT_KINDS:
        return None
    try:
        count = int(data.get("count", 1))
        errcode = int(data.get("errcode", -1))
        seconds = float(data.get("seconds", 0))
    except (TypeError, ValueError):
        return None
    if count < 1 or not 0 <= seconds < float(
        "inf"
    ):  # also refuses NaN, which sleep() cannot take
        return None
    return Fault(data["kind"], count, errcode, seconds)


def _whole(value):
    """True for an int that is not a bool (JSON true would pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def latency_value(value):
    """`value` as a latency in milliseconds (a number 0..MAX_LATENCY_MS, an int when
    whole), or None when it is not one."""
    if not _whole(value) and not isinstance(value, float):
        return None
    if not 0 <= value <= MAX_LATENCY_MS:  # also refuses NaN and infinities
        return None
    return int(value) if float(value).is_integer() else value


def _parse_rate_limit(data):
    """RateLimit from {per_second, errcode?}, or None when either is not allowed."""
    per_second = data.get("per_second")
    errcode = data.get("errcode", catalogue.RATE_LIMIT_CODES[0])
    if not _whole(per_second) or not 0 <= per_second <= MAX_PER_SECOND:
        return None
    if not _whole(errcode) or errcode not in catalogue.RATE_LIMIT_CODES:
        return None
    return RateLimit(per_second, errcode)


def _delivery_list():
    """As WeChat's example answer (SKIT ModelSamples, no errmsg)."""
    items = [
        {"delivery_id": c.code, "delivery_name": c.name}
        for c in express.EXPRESS_COMPANIES
    ]
    return {"errcode": 0, "delivery_list": items, "count": len(items)}


class SandboxServer(ThreadingHTTPServer):
    """ThreadingHTTPServer holding the sandbox state; handler threads never block
    stop()."""

    daemon_threads = True
    block_on_close = False  # a "hang" fault must not delay shutdown
    # socketserver listens with a backlog of 5: a burst of concurrent clients (a bench,
    # the rate limit's tests) overflowed it and saw connections reset.
    request_queue_size = 128

    def __init__(
        self, address, appid=DEFAULT_APPID, secret=DEFAULT_SECRET, latency_ms=0
    ):
        super().__init__(address, Handler)
        self.state = SandboxState(appid, secret, latency_ms)

    def handle_error(self, request, client_address):
        # No traceback: exception texts may quote the request line and its token.
        _logger.debug(
            "sandbox: request from %s failed (%s)",
            client_address[0],
            sys.exc_info()[0].__name__,
        )


class Sandbox:
    """A sandbox serving from a background thread; `.url`, `.state`, `.stop()`."""

    def __init__(self, server, host):
        self.server = server
        self.state = server.state
        self.url = f"http://{host}:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            name="wechat-sandbox",
            kwargs={"poll_interval": 0.1},
            daemon=True,
        )
        self._thread.start()

    def stop(self):
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(
    host="127.0.0.1", port=0, appid=DEFAULT_APPID, secret=DEFAULT_SECRET, latency_ms=0
):
    """Start a sandbox in a background thread and return it."""
    return Sandbox(SandboxServer((host, port), appid, secret, latency_ms), host)
