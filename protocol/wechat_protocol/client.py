"""HTTP client for WeChat's shipping APIs (both families), order queries and delivery
list."""

import json
import logging
from dataclasses import dataclass

import requests

from . import (
    catalogue,
    endpoints,
    enum_names,
    express,
    order_shipping_validation,
    shopping_details_validation,
    validation,
)
from . import labels as field_labels
from .catalogue import ErrorInfo, Outcome, explain
from .sessions import thread_session
from .tokens import TokenError, network_reason, redact

_logger = logging.getLogger(__name__)

TOKEN_CODES = frozenset(
    {
        catalogue.TOKEN_INVALID,
        catalogue.TOKEN_ILLEGAL,
        catalogue.TOKEN_EXPIRED,
        catalogue.TOKEN_MISSING,
    }
)
_CHECKS = {
    endpoints.SHOPPING_COMBINED_SHIPPING: validation.check_combined,
    endpoints.SHOPPING_SINGLE_SHIPPING: validation.check_single,
    endpoints.OSM_COMBINED_SHIPPING: order_shipping_validation.check_combined,
    endpoints.OSM_SINGLE_SHIPPING: order_shipping_validation.check_single,
    endpoints.SHOPPING_DETAILS: shopping_details_validation.check_single,
    endpoints.SHOPPING_COMBINED_DETAILS: shopping_details_validation.check_combined,
    endpoints.SHOPPING_VERIFY: shopping_details_validation.check_verify,
}

# errmsg of outcomes WeChat itself did not produce -> (English, Chinese) cause.
_REASONS = {
    "timeout": ("timeout", "超时"),
    "connection failed": ("connection failed", "连接失败"),
    "answer is not JSON": ("its answer was not JSON", "返回内容不是 JSON"),
    "unexpected answer": ("its answer had no error code", "返回内容缺少错误码"),
    "authorizer token unavailable": (
        "no authorizer token",
        "无法取得授权方接口调用凭据",
    ),
}


@dataclass(frozen=True)
class CallResult:
    """Outcome of one API call after at most one token replay; never holds a token."""

    outcome: Outcome
    errcode: int | None
    errmsg: str
    info: ErrorInfo | None
    http_status: int | None
    data: dict | None

    @property
    def accepted(self):
        return self.outcome == Outcome.ACCEPTED

    @property
    def retryable(self):
        return self.outcome == Outcome.RETRYABLE

    @property
    def rate_limited(self):
        """WeChat refused the call because this AppID calls too often."""
        return self.errcode in catalogue.RATE_LIMIT_CODES

    def describe(self, lang="en", labels=None):
        """Explain the outcome to a person, in Chinese for zh* languages, else
        English, the fields it names by the reader's `labels`
        (wechat_protocol.labels.fill)."""
        zh = (lang or "").lower().startswith("zh")
        if self.info is not None:
            return self.info.text(lang, labels)
        cause_en, cause_zh = _REASONS.get(self.errmsg, (self.errmsg, self.errmsg))
        if self.retryable:
            if zh:
                return f"无法连接微信（{cause_zh}）；系统将稍后重试上传。"
            return (
                f"WeChat could not be reached ({cause_en}); the upload will be retried."
            )
        if zh:
            text = (
                f"微信调用失败（{cause_zh}）："
                "请检查微信发货设置中的“[[api_base_url]]”。"
            )
        else:
            text = (
                f"The WeChat call failed ({cause_en}): check [[api_base_url]] in the "
                "WeChat Shipping settings."
            )
        return field_labels.fill(text, lang, labels)


def _result(outcome, errmsg, http_status=None, errcode=None, info=None, data=None):
    return CallResult(outcome, errcode, errmsg, info, http_status, data)


class WeChatCallError(Exception):
    """A non-upload call (delivery list) failed; `.result` says how."""

    def __init__(self, result):
        super().__init__(result.describe("en"))
        self.result = result


class WeChatClient:
    """Calls WeChat with a token source. Without a session of its own, each call goes
    through the calling thread's session, so one client serves a pool of threads."""

    def __repr__(self):
        return f"WeChatClient({self.base_url!r}, {self.token_source!r})"

    def close(self):
        """Close the client's own session (a thread's session stays open for its next
        calls)."""
        if self._session is not None:
            self._session.close()

    @property
    def session(self):
        return self._session or thread_session()

    def __init__(
        self,
        base_url,
        token_source,
        session=None,
        timeout=(3.05, 10),
        send_enum_names=False,
    ):
        self.base_url = base_url.rstrip("/")
        self.token_source = token_source
        self._session = session
        self.timeout = timeout
        # The Shopping Order family's delivery_mode and logistics_type go out as names
        # (SPLIT_DELIVERY...); order_number_type stays a number (enum_names).
        self.send_enum_names = send_enum_names

    def upload(self, info):
        """Validate and upload a payload of either family (payload, order_shipping,
        shopping_details)."""
        return self.upload_wire(info.path, info.to_wire())

    def upload_wire(self, path, body):
        """Validate a wire dict (raising PayloadInvalid, nothing sent), then upload
        it."""
        if path not in _CHECKS:
            raise ValueError(f"not an upload path: {path}")
        problems = _CHECKS[path](body)
        if problems:
            raise validation.PayloadInvalid(problems)
        return self.call(path, body)

    def as_sent(self, path, body):
        """The wire body as this client sends it to `path`, enumerations in its
        encoding."""
        if self.send_enum_names and path in endpoints.SHOPPING_FAMILY:
            return enum_names.to_names(body)
        return body

    def verify_shopping_details(self, body):
        """`/user-order/shoppinginfo/verify` (shopping_details.verify_body): the
        CallResult, WeChat's `data["verify_result"]` when accepted."""
        return self.upload_wire(endpoints.SHOPPING_VERIFY, body)

    def get_delivery_list(self):
        """Return WeChat's express companies; raise WeChatCallError on failure."""
        result = self.call(endpoints.DELIVERY_LIST, {})
        if not result.accepted:
            raise WeChatCallError(result)
        return express.parse_delivery_list(result.data)

    def get_order(self, order_key):
        """WeChat's record of a payment order (Order Shipping Management): the
        CallResult, its `data["order"]` when accepted. `order_key`: a payload.OrderKey
        or its wire form."""
        return self.call(endpoints.OSM_GET_ORDER, order_query(order_key))

    def order_list(
        self, begin_time, end_time, order_state=None, page_size=100, max_pages=100
    ):
        """Every payment WeChat knows paid between two Unix times (and in
        `order_state`), page after page (`last_index` / `has_more`); raises
        WeChatCallError when a page fails."""
        body = {
            "pay_time_range": {"begin_time": begin_time, "end_time": end_time},
            "page_size": page_size,
        }
        if order_state is not None:
            body["order_state"] = order_state
        orders, page = [], body
        for _page in range(max_pages):
            result = self.call(endpoints.OSM_GET_ORDER_LIST, page)
            if not result.accepted:
                raise WeChatCallError(result)
            orders += [
                order
                for order in result.data.get("order_list") or []
                if isinstance(order, dict)
            ]
            last_index = result.data.get("last_index")
            # The first page goes without last_index, as WeChat's example and every SDK
            # ask for it; the next carries the one WeChat answered, unchanged. Without
            # one there is no next page to ask for (an empty one would ask for the first
            # again).
            if not result.data.get("has_more") or not (
                isinstance(last_index, str) and last_index
            ):
                break
            page = {**body, "last_index": last_index}
        return orders

    def notify_confirm_receive(self, order_key, received_time):
        """Remind the buyer of a shipped express payment to confirm receipt (once per
        payment); `received_time`: Unix seconds the carrier says the parcel was signed
        for."""
        return self.call(
            endpoints.OSM_NOTIFY_CONFIRM_RECEIVE,
            {**order_query(order_key), "received_time": received_time},
        )

    def set_msg_jump_path(self, path):
        """Where WeChat's shipping messages lead inside the Mini Program (it appends the
        order ids)."""
        return self.call(endpoints.OSM_SET_MSG_JUMP_PATH, {"path": path})

    def report_special_order(self, order_id, pre_sale_until=None):
        """opspecialorder: a pre-sale shipping by `pre_sale_until` (Unix seconds,
        15..330 days after payment), or without it a test payment that will not ship.
        `order_id`: the transaction id or merchant order number."""
        body = {"order_id": order_id, "type": 2}
        if pre_sale_until is not None:
            body.update(type=1, delay_to=pre_sale_until)
        return self.call(endpoints.OSM_SPECIAL_ORDER, body)

    def is_trade_managed(self, appid):
        """Whether WeChat manages this AppID's trades (funds held until shipping is
        uploaded): the CallResult, `data["is_trade_managed"]` when accepted."""
        return self.call(endpoints.OSM_IS_TRADE_MANAGED, {"appid": appid})

    def confirmation_completed(self, appid):
        """Whether the merchant completed WeChat's trade management confirmation: the
        CallResult, `data["completed"]` when accepted."""
        return self.call(endpoints.OSM_IS_CONFIRMATION_COMPLETED, {"appid": appid})

    def call(self, path, body):
        """POST body to path with a token; on a token code, refresh and replay exactly
        once."""
        payload = json.dumps(self.as_sent(path, body), ensure_ascii=False).encode(
            "utf-8"
        )
        result = None
        for attempt in (1, 2):
            try:
                token = self.token_source.token()
            except TokenError as exc:
                return _token_failure(exc)
            result = self._post(path, token, payload)
            if result.errcode not in TOKEN_CODES or attempt == 2:
                break
            _logger.info(
                "WeChat %s: token rejected (%s), refreshing once", path, result.errcode
            )
            self.token_source.invalidate(token)
        # A token code after the replay keeps Outcome.TOKEN from the catalogue: a
        # freshly fetched token was refused too, so callers must treat it like
        # PERMANENT.
        _logger.info(
            "WeChat %s -> %s %s",
            path,
            result.outcome.value,
            result.errcode if result.errcode is not None else result.errmsg,
        )
        return result

    def _post(self, path, token, payload):
        url = f"{self.base_url}{path}?access_token={token}"
        try:
            response = self.session.post(
                url,
                data=payload,
                timeout=self.timeout,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except requests.RequestException as exc:
            # Never str(exc): requests quotes the URL, access_token included.
            return _result(Outcome.RETRYABLE, network_reason(exc))
        status = response.status_code
        if status >= 500 or status in (408, 429):
            return _result(Outcome.RETRYABLE, f"HTTP {status}", status)
        if status >= 400:
            return _result(Outcome.PERMANENT, f"HTTP {status}", status)
        try:
            data = response.json()
        except ValueError:
            return _result(Outcome.RETRYABLE, "answer is not JSON", status)
        if not isinstance(data, dict) or not isinstance(data.get("errcode"), int):
            return _result(Outcome.RETRYABLE, "unexpected answer", status)
        info = explain(data["errcode"])
        errmsg = str(data.get("errmsg", "")).replace(token, "***")
        return _result(
            info.outcome, redact(errmsg), status, data["errcode"], info, data
        )


def _token_failure(exc):
    """CallResult for a token that could not be obtained."""
    if exc.info is not None:
        outcome = Outcome.RETRYABLE if exc.retryable else Outcome.PERMANENT
        return _result(outcome, str(exc), errcode=exc.info.code, info=exc.info)
    return _result(
        Outcome.RETRYABLE if exc.retryable else Outcome.PERMANENT,
        exc.reason or "token unavailable",
    )


def payment_key(ids):
    """The key (wire form, as order_query takes it) of a payment WeChat named by its
    ids: push.payment_ids of a pushed event or of an order of its order list."""
    return {
        "transaction_id": ids.get("transaction_id") or None,
        "mchid": ids.get("merchant_id") or None,
        "out_trade_no": ids.get("merchant_trade_no") or None,
        "sub_mchid": ids.get("sub_merchant_id") or None,
    }


def order_query(order_key):
    """The body naming a payment in WeChat's order queries, which call the merchant keys
    merchant_id / merchant_trade_no where uploads say mchid / out_trade_no, and name a
    service provider's sub-merchant beside its merchant id (sub_merchant_id).
    `order_key`: a payload.OrderKey, or its wire form (which has no sub-merchant)."""
    key = order_key
    if hasattr(order_key, "to_wire"):
        # The upload's wire names the sub-merchant as mchid; queries name both.
        key = {
            **order_key.to_wire(),
            "mchid": order_key.mchid,
            "sub_mchid": order_key.sub_mchid,
            "transaction_id": order_key.transaction_id,
        }
    if key.get("order_number_type") == 2 or key.get("transaction_id"):
        # WeChat Pay's own number names the payment alone, whoever took it: queries
        # use it whenever it is known, also for a key of the merchant order number.
        return {"transaction_id": key.get("transaction_id")}
    query = {
        "merchant_id": key.get("mchid"),
        "merchant_trade_no": key.get("out_trade_no"),
    }
    if key.get("sub_mchid"):
        query["sub_merchant_id"] = key["sub_mchid"]
    return query
