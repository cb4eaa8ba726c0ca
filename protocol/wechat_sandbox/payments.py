"""WeChat Pay payments as the sandbox knows them, and their Order Shipping Management
records.

A payment is registered through the control endpoint (`POST /sandbox/payments`), as
WeChat Pay would know it; uploads to `/wxa/sec/order/...` then follow WeChat's rules on
it: the payment must be known (10060001, also while younger than the configured delay),
paid by the payer (10060031) and still shippable (10060004). A payment's shipping can be
changed once: calling again after it is complete, or changing its delivery mode or
logistics type, uses that one chance, and a further change is refused (10060003); an
unchanged re-send changes nothing (10060023, also with the same upload_time) and is
never counted; partial split uploads (is_all_delivered false) of the same mode before
completion are not counted either. Uploads name a payment by their order key (mchid +
out_trade_no, or transaction_id, as its order_number_type says); queries by
transaction_id or merchant_id + merchant_trade_no. Callers hold the state's lock."""

import bisect
import itertools
import time
from dataclasses import dataclass, field
from datetime import datetime

from wechat_protocol import catalogue as c

(
    AWAITING_SHIPMENT,
    SHIPPED,
    RECEIPT_CONFIRMED,
    TRADE_COMPLETE,
    REFUNDED,
    AWAITING_SETTLEMENT,
) = range(1, 7)
EXPRESS = 1
# How get_order and get_order_list answer: as WeChat's example does, or with what the
# SDKs' models allow besides (POST /sandbox/order_shape switches).
EXAMPLE_SHAPE, RICH_SHAPE = "example", "rich"
ORDER_SHAPES = (EXAMPLE_SHAPE, RICH_SHAPE)
_NUMBERS = itertools.count(1)
# Payments one bulk registration may carry (POST /sandbox/payments/bulk).
MAX_BULK = 20_000


class PaymentError(ValueError):
    """A registration the sandbox refuses; its text says why."""


@dataclass
class Payment:
    """One payment order and WeChat's shipping record of it."""

    transaction_id: str
    openid: str
    paid_at: int
    mchid: str | None = None
    out_trade_no: str | None = None
    # a service provider's sub-merchant (特约商户) the payment belongs to; mchid is then
    # the service provider's
    sub_mchid: str | None = None
    paid_amount: int = 0
    description: str = ""
    main: str | None = (
        None  # transaction id of the combined payment this is a sub-order of
    )
    # transaction ids, for a combined payment
    sub_orders: list = field(default_factory=list)
    order_state: int = AWAITING_SHIPMENT
    shipping: dict | None = (
        None  # the last accepted logistics_type, delivery_mode, ... of it
    )
    finish_count: int = 0
    changed_once: bool = False  # the one change is used
    last_upload: datetime | None = None  # the upload_time of the last accepted upload
    shipped_at: int | None = None
    reminded_at: int | None = None
    special: dict | None = (
        None  # opspecialorder: {"type": 1, "delay_to": ...} or {"type": 2}
    )
    confirmed_at: int | None = None
    settled_at: int | None = None

    def as_order(self, shape=EXAMPLE_SHAPE) -> dict:
        """The `order` object get_order answers, with the fields of WeChat's example
        answer and no others (SKIT ModelSamples WxaSecOrderGetOrderResponse.json: times
        in Unix seconds, the description once on `shipping`, parcels of tracking_no,
        express_company and upload_time, `shipping: {}` before any shipping as in
        WxaSecOrderGetOrderListResponse.json). RICH_SHAPE adds what the SDKs' models
        allow besides: each parcel's goods_desc and contact."""
        return {
            "transaction_id": self.transaction_id,
            "merchant_trade_no": self.out_trade_no or "",
            "merchant_id": self.mchid or "",
            "sub_merchant_id": self.sub_mchid or "",
            "description": self.description,
            "paid_amount": self.paid_amount,
            "openid": self.openid,
            "trade_create_time": self.paid_at,
            "pay_time": self.paid_at,
            "in_complaint": False,
            "order_state": self.order_state,
            "shipping": self._shipping_answer(shape),
        }

    def _shipping_answer(self, shape) -> dict:
        if not self.shipping:
            return {}
        parcels = []
        for parcel in self.shipping["shipping_list"]:
            answer = {
                "tracking_no": parcel.get("tracking_no", ""),
                "express_company": parcel.get("express_company", ""),
                "upload_time": int(self.last_upload.timestamp()),
            }
            if shape == RICH_SHAPE:
                answer.update(
                    goods_desc=parcel.get("item_desc", ""),
                    contact=parcel.get("contact") or {},
                )
            parcels.append(answer)
        return {
            "delivery_mode": self.shipping["delivery_mode"],
            "logistics_type": self.shipping["logistics_type"],
            "finish_shipping": self.finish_count > 0,
            "finish_shipping_count": self.finish_count,
            # Our guess: how WeChat words several parcels in one description is not
            # published; its example has one parcel, whose item_desc this is.
            "goods_desc": "；".join(
                p.get("item_desc", "") for p in self.shipping["shipping_list"]
            ),
            "shipping_list": parcels,
        }


class PaymentBook:
    """Every registered payment, found by transaction id or by merchant id and order
    number (indexes, not scans: the sandbox holds 100,000 payments for the benchmark),
    and listed by pay time (an index kept sorted)."""

    def __init__(self):
        self.payments: dict[str, Payment] = {}
        # (mchid, sub_mchid or None, out_trade_no) -> payment: queries and control
        self._merchant_keys: dict[tuple, Payment] = {}
        # (sub_mchid or mchid, out_trade_no) -> the first payment registered: uploads
        self._upload_keys: dict[tuple, Payment] = {}
        self._numbers: dict[str, Payment] = {}  # out_trade_no -> first: opspecialorder
        self._by_pay_time: list[tuple[int, str]] = []  # (paid_at, transaction_id)
        self.unknown_younger_than = 0  # seconds: a payment this recent is not found yet
        self.trade_managed = True
        self.msg_jump_path = ""  # set_msg_jump_path
        self.order_shape = EXAMPLE_SHAPE

    # -- registration (control endpoint) -----------------------------------------------
    def register(self, body) -> dict:
        """Register a payment (and, with `sub_orders`, a combined payment's
        sub-orders)."""
        if not isinstance(body, dict) or not _text(body.get("openid")):
            raise PaymentError(
                "expected {openid, transaction_id?, mchid?, "
                "out_trade_no?, paid_at?, sub_orders?}"
            )
        made = self._made(body, set())
        self._store(made)
        return self.summary(made[0])

    def register_many(self, bodies) -> dict:
        """Register many payments at once (the benchmark's 100,000), each body as
        `register` takes it: all of them, or none when one is refused (its index and
        why). The pay-time index is sorted once for the lot."""
        if not isinstance(bodies, list) or not 0 < len(bodies) <= MAX_BULK:
            raise PaymentError(
                f"expected {{payments: a list of 1 to {MAX_BULK} payments}}"
            )
        made, taken = [], set()
        for index, body in enumerate(bodies):
            try:
                made += self._made(body, taken)
            except PaymentError as error:
                raise PaymentError(f"payments[{index}]: {error}") from None
        self._store(made, sort=True)
        return {"registered": len(made), "payments": len(self.payments)}

    def _made(self, body, taken) -> list:
        """The payments a registration body makes, main first, checked against the book
        and against `taken` (the keys of a bulk registration's earlier bodies, which it
        extends); nothing is stored."""
        if not isinstance(body, dict) or not _text(body.get("openid")):
            raise PaymentError(
                "expected {openid, transaction_id?, mchid?, "
                "out_trade_no?, paid_at?, sub_orders?}"
            )
        paid_at = body.get("paid_at", int(time.time()))
        if not isinstance(paid_at, int) or isinstance(paid_at, bool):
            raise PaymentError("paid_at: Unix seconds")
        main = self._add(body, body["openid"], paid_at, taken)
        made = [main]
        for sub in body.get("sub_orders") or ():
            if not isinstance(sub, dict):
                raise PaymentError(
                    "sub_orders: a list of {transaction_id?, mchid?, out_trade_no?}"
                )
            payment = self._add(
                sub,
                sub.get("openid") or body["openid"],
                paid_at,
                taken,
                main=main.transaction_id,
            )
            main.sub_orders.append(payment.transaction_id)
            made.append(payment)
        return made

    def _store(self, made, sort=False) -> None:
        """Keep checked payments and index them."""
        for payment in made:
            self.payments[payment.transaction_id] = payment
            if payment.mchid:
                self._merchant_keys[_merchant_key(payment)] = payment
                self._upload_keys.setdefault(
                    (payment.sub_mchid or payment.mchid, payment.out_trade_no), payment
                )
                self._numbers.setdefault(payment.out_trade_no, payment)
            entry = (payment.paid_at, payment.transaction_id)
            if sort:
                self._by_pay_time.append(entry)
            else:
                bisect.insort(self._by_pay_time, entry)
        if sort:
            self._by_pay_time.sort()

    def _add(self, body, openid, paid_at, taken, main=None) -> Payment:
        transaction_id = body.get("transaction_id") or "42%026d" % next(_NUMBERS)
        mchid, out_trade_no = body.get("mchid"), body.get("out_trade_no")
        sub_mchid = body.get("sub_mchid") or None
        if (
            not all(_text(v) for v in (transaction_id, openid))
            or bool(mchid) != bool(out_trade_no)
            or (sub_mchid is not None and not (_text(sub_mchid) and mchid))
        ):
            raise PaymentError(
                "a payment has a transaction_id (or none, to generate "
                "one), an openid, and mchid with out_trade_no or neither; "
                "sub_mchid (a service provider's sub-merchant) goes with mchid"
            )
        merchant_key = (mchid, sub_mchid, out_trade_no) if mchid else None
        if (
            transaction_id in self.payments
            or transaction_id in taken
            or merchant_key in self._merchant_keys
            or (merchant_key and merchant_key in taken)
        ):
            raise PaymentError(
                "payment %s is registered already" % (out_trade_no or transaction_id)
            )
        taken.add(transaction_id)
        if merchant_key:
            taken.add(merchant_key)
        state = body.get("order_state", AWAITING_SHIPMENT)
        if state not in range(AWAITING_SHIPMENT, AWAITING_SETTLEMENT + 1) or isinstance(
            state, bool
        ):
            raise PaymentError("order_state: WeChat's order_state, 1 to 6")
        amount = body.get("paid_amount", 0)
        return Payment(
            transaction_id,
            openid,
            paid_at,
            mchid=mchid,
            out_trade_no=out_trade_no,
            sub_mchid=sub_mchid,
            paid_amount=amount if isinstance(amount, int) else 0,
            description=str(body.get("description", "")),
            main=main,
            order_state=state,
        )

    def summary(self, payment) -> dict:
        """What the control endpoints answer about a payment."""
        return {
            **payment.as_order(self.order_shape),
            "special": payment.special,
            "main_transaction_id": payment.main,
            "sub_orders": [
                self.summary(self.payments[tid]) for tid in payment.sub_orders
            ],
        }

    # -- lookups -----------------------------------------------------------------------
    def find(self, key) -> Payment | None:
        """The payment a control endpoint names: transaction_id, or mchid (+ sub_mchid)
        + out_trade_no."""
        if not isinstance(key, dict):
            return None
        if key.get("transaction_id"):
            return self.payments.get(key["transaction_id"])
        return self._by_merchant(key)

    def _by_merchant(self, key) -> Payment | None:
        """The payment of a merchant, sub-merchant and order number, all as
        registered."""
        if not key.get("mchid"):
            return None
        return self._merchant_keys.get(
            (key["mchid"], key.get("sub_mchid") or None, key.get("out_trade_no"))
        )

    def known(self, order_key) -> Payment | None:
        """The payment an upload's order key names, unless WeChat does not know it
        (yet). An upload's key has no field for a sub-merchant: its `mchid` names the
        sub-merchant of a payment made through a service provider (our reading of the
        forum's checklist; the transaction id avoids the question)."""
        if order_key.get("order_number_type") == 2:
            payment = self.payments.get(order_key.get("transaction_id"))
        else:
            mchid, number = order_key.get("mchid"), order_key.get("out_trade_no")
            payment = self._upload_keys.get((mchid, number)) if mchid else None
        return self._if_known(payment)

    def queried(self, body) -> Payment | None:
        """The payment a query names: transaction_id, or merchant_id (+
        sub_merchant_id for a sub-merchant's payment) + merchant_trade_no."""
        if body.get("transaction_id"):
            payment = self.payments.get(body["transaction_id"])
        else:
            payment = self._by_merchant(
                {
                    "mchid": body.get("merchant_id"),
                    "sub_mchid": body.get("sub_merchant_id"),
                    "out_trade_no": body.get("merchant_trade_no"),
                }
            )
        return self._if_known(payment)

    def _if_known(self, payment) -> Payment | None:
        """The payment, unless it is younger than the delay switch (WeChat does not know
        it yet)."""
        if payment is None or payment.paid_at > time.time() - self.unknown_younger_than:
            return None
        return payment

    # -- uploads -----------------------------------------------------------------------
    def upload(self, body, when) -> int:
        """Apply an upload_shipping_info body (already valid); WeChat's errcode."""
        payment = self.known(body["order_key"])
        if payment is None or payment.main or payment.sub_orders:
            # a combined payment's keys go to the combined call
            return c.PAYMENT_NOT_FOUND
        change = _order_change(payment, body)
        code = (
            change
            if isinstance(change, int)
            else _shippable(payment, body["payer"]["openid"], when)
        )
        if code:
            return code
        _record(payment, change, when)
        return c.OK

    def upload_combined(self, body, when) -> int:
        """Apply an upload_combined_shipping_info body (already valid); WeChat's
        errcode."""
        main = self.known(body["order_key"])
        if main is None or not main.sub_orders:
            return c.PAYMENT_NOT_FOUND
        if body["payer"]["openid"] != main.openid:
            return c.PAYER_MISMATCH
        changes = []
        for sub_order in body["sub_orders"]:
            payment = self.known(sub_order["order_key"])
            if payment is None or payment.main != main.transaction_id:
                return c.PAYMENT_NOT_FOUND
            change = _order_change(payment, sub_order)
            if isinstance(change, int) and change != c.NOT_MODIFIED:
                return change
            changes.append((payment, change))
        if all(change == c.NOT_MODIFIED for _payment, change in changes):
            return c.NOT_MODIFIED
        code = _shippable(main, main.openid, when) or next(
            (
                code
                for payment, change in changes
                if change != c.NOT_MODIFIED
                for code in [_shippable(payment, main.openid, when)]
                if code
            ),
            0,
        )
        if code:
            return code
        for payment, change in changes:
            if change != c.NOT_MODIFIED:
                _record(payment, change, when)
        main.last_upload = when
        if all(self.payments[tid].finish_count for tid in main.sub_orders):
            main.order_state = SHIPPED
        return c.OK

    # -- what happens to an order after shipping (control endpoints) -------------------
    def confirm_receive(self, key, received_time) -> int:
        """notify_confirm_receive: remind the buyer once, for a shipped express
        order."""
        payment = self.queried(key)
        if payment is None:
            return c.PAYMENT_NOT_FOUND
        if not isinstance(received_time, int) or isinstance(received_time, bool):
            return c.OSM_PARAM_ERROR
        if payment.finish_count == 0:
            return c.NOT_SHIPPED
        if payment.shipping["logistics_type"] != EXPRESS:
            return c.NOT_EXPRESS
        if received_time <= payment.shipped_at:
            return c.RECEIVED_TIME_INVALID
        if payment.reminded_at is not None:
            return c.REMINDER_USED
        payment.reminded_at = received_time
        return c.OK

    def report_special(self, body) -> int:
        """opspecialorder: a pre-sale (type 1, delay_to 15..330 days after payment) or a
        test payment (type 2) of an unshipped payment named by transaction id or
        merchant order no."""
        order_id, kind, delay_to = (
            body.get("order_id"),
            body.get("type"),
            body.get("delay_to"),
        )
        payment = None
        if isinstance(order_id, str):
            payment = self.payments.get(order_id) or self._numbers.get(order_id)
        if kind not in (1, 2) or isinstance(kind, bool):
            return c.SPECIAL_TYPE_ILLEGAL
        if payment is None or payment.order_state != AWAITING_SHIPMENT:
            return c.SPECIAL_NO_SUCH_ORDER
        if kind == 1:
            if (
                not isinstance(delay_to, int)
                or isinstance(delay_to, bool)
                or not (
                    payment.paid_at + 15 * 86400
                    <= delay_to
                    <= payment.paid_at + 330 * 86400
                )
            ):
                return c.SPECIAL_DELAY_ILLEGAL
            payment.special = {"type": 1, "delay_to": delay_to}
        else:
            payment.special = {"type": 2}
        return c.OK

    def move(self, key, event) -> Payment:
        """The buyer confirms receipt, the funds are settled, or the payment is
        refunded."""
        payment = self.find(key)
        if payment is None:
            raise PaymentError("no such payment")
        now = int(time.time())
        if event == "confirm_receipt":
            if payment.order_state != SHIPPED:
                raise PaymentError("only a shipped order's receipt can be confirmed")
            payment.order_state, payment.confirmed_at = RECEIPT_CONFIRMED, now
        elif event == "settle":
            if payment.order_state not in (
                SHIPPED,
                RECEIPT_CONFIRMED,
                AWAITING_SETTLEMENT,
            ):
                raise PaymentError("only a shipped order is settled")
            payment.order_state, payment.settled_at = TRADE_COMPLETE, now
        elif event == "refund":
            payment.order_state = REFUNDED
        else:
            raise PaymentError("event: confirm_receipt, settle or refund")
        return payment

    def order_list(self, body) -> dict:
        """get_order_list: payments paid in a time range, by state and payer, a page at
        a time."""
        window = body.get("pay_time_range") or {}
        begin, end = window.get("begin_time", 0), window.get("end_time", 2**62)
        size, start = body.get("page_size", 100), body.get("last_index", "")
        if (
            not all(
                isinstance(v, int) and not isinstance(v, bool)
                for v in (begin, end, size)
            )
            or size < 1
        ):
            return {
                "errcode": c.OSM_PARAM_ERROR,
                "errmsg": "pay_time_range and page_size are positive integers",
            }
        size = min(size, 100)
        offset = _offset_of(start)
        if offset is None:
            return {"errcode": c.BAD_LAST_INDEX, "errmsg": "invalid last_index"}
        if self.unknown_younger_than:
            # A payment WeChat does not know yet is not listed either.
            end = min(end, int(time.time() - self.unknown_younger_than))
        page = self._paid_between(
            begin, end, offset, size + 1, body.get("order_state"), body.get("openid")
        )
        more, page = len(page) > size, page[:size]
        return {
            "errcode": 0,
            "errmsg": "ok",
            "order_list": [p.as_order(self.order_shape) for p in page],
            "last_index": _last_index(offset + len(page)),
            "has_more": more,
        }

    def _paid_between(self, begin, end, offset, count, order_state, openid) -> list:
        """`count` payments from the `offset`-th of those paid from `begin` to `end`
        (Unix seconds, both included), by pay time then transaction id, of
        `order_state` and `openid` when given: a bisection of the pay-time index, then
        a slice of it (a walk of that stretch when filtered)."""
        index = self._by_pay_time
        low = bisect.bisect_left(index, begin, key=lambda entry: entry[0])
        high = bisect.bisect_right(index, end, key=lambda entry: entry[0])
        if order_state is None and openid is None:
            entries = index[low + offset : min(high, low + offset + count)]
            return [self.payments[tid] for _paid_at, tid in entries]
        matching = (
            payment
            for position in range(low, high)
            for payment in [self.payments[index[position][1]]]
            if order_state in (None, payment.order_state)
            and openid in (None, payment.openid)
        )
        return list(itertools.islice(matching, offset, offset + count))


def _last_index(offset) -> str:
    """An opaque page mark, as WeChat's example shows one ("092dd3cecbc6926301"): a
    client must send it back as it came, never count with it."""
    return f"09{offset:016x}"


def _offset_of(last_index) -> int | None:
    """The offset a page mark of _last_index names (0 for none), None for another."""
    if last_index in (None, ""):
        return 0
    if not isinstance(last_index, str) or not last_index.startswith("09"):
        return None
    try:
        return int(last_index[2:], 16)
    except ValueError:
        return None


def _merchant_key(payment) -> tuple:
    return (payment.mchid, payment.sub_mchid or None, payment.out_trade_no)


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _shippable(payment, openid, when) -> int:
    """WeChat's errcode when this payment cannot take an upload from `openid` at
    `when`."""
    if openid != payment.openid:
        return c.PAYER_MISMATCH
    if payment.order_state not in (AWAITING_SHIPMENT, SHIPPED):
        return c.NOT_SHIPPABLE
    if payment.last_upload and when <= payment.last_upload:
        return c.UPLOAD_TIME_ILLEGAL
    return 0


def _order_change(payment, order) -> dict | int:
    """The shipping `order` (a wire order) would record on `payment`, or why WeChat
    refuses it."""
    new = {
        name: order[name]
        for name in ("logistics_type", "delivery_mode", "shipping_list")
    }
    new["is_all_delivered"] = (
        bool(order.get("is_all_delivered")) or new["delivery_mode"] == 1
    )
    old = payment.shipping
    if old == new:
        return c.NOT_MODIFIED
    if payment.finish_count and not new["is_all_delivered"]:
        return c.ALREADY_SHIPPED
    if _spends_the_change(old, new, payment) and payment.changed_once:
        return c.RESHIP_USED_UP
    return new


def _spends_the_change(old, new, payment) -> bool:
    """Changing a complete shipping, or the delivery mode or logistics type of any."""
    if old is None:
        return False
    return bool(payment.finish_count) or any(
        old[name] != new[name] for name in ("delivery_mode", "logistics_type")
    )


def _record(payment, new, when) -> None:
    """Keep an accepted shipping: completing it counts 1, and using the one change makes
    2."""
    if _spends_the_change(payment.shipping, new, payment):
        payment.changed_once = True
    if new["is_all_delivered"]:
        payment.finish_count = 2 if payment.changed_once else 1
        payment.shipped_at = payment.shipped_at or int(when.timestamp())
        payment.order_state = SHIPPED
    payment.shipping = new
    payment.last_upload = when
