"""One upload's exchange with WeChat: the calls that carry one WeChat order's payload,
and what the queue does next.

Plain data in, plain data out, no database: what the worker's transaction decided (the
payload, what WeChat is known to hold) comes in an Exchange, what WeChat answered goes
back in an Answer. So exchanges for different WeChat orders can run at once in a pool of
threads while the worker builds and records in its own transaction.

Order Shipping Management allows one change of a payment's complete shipping: `run`
sends what WeChat would take of the payload, the payments it does not change exactly as
WeChat holds them, and never a second change; when the last attempt's answer was lost
(`in_doubt`), WeChat is asked first what it holds, so that a lost answer never spends a
payment's one change."""

import dataclasses

from . import catalogue
from . import order_shipping_record as record
from .client import CallResult, WeChatClient
from .payload import OrderKey

# What the queue does with an upload next (the upload model's states of the same names).
SENT, RETRYING, ATTENTION = "sent", "retrying", "attention"
OUTCOME_STATES = {
    catalogue.Outcome.ACCEPTED: SENT,
    catalogue.Outcome.RETRYABLE: RETRYING,
    catalogue.Outcome.RETRY_BRIEFLY: RETRYING,
    # unless WeChat's record matches (order shipping)
    catalogue.Outcome.ALREADY_HELD: ATTENTION,
    catalogue.Outcome.PERMANENT: ATTENTION,
    catalogue.Outcome.TOKEN: ATTENTION,
}
# 10060001 (payment not known yet) is retried this many times (about half an hour), then
# needs attention.
BRIEF_ATTEMPTS = 6

# Why an answer is what it is when WeChat's own answer does not say it (the caller words
# them).
CORRECTION_USED = (
    "correction_used"  # a second change of a complete shipping: never sent
)
RECORD_UNAVAILABLE = (
    "record_unavailable"  # in doubt, and WeChat could not be asked what it holds
)


@dataclasses.dataclass(frozen=True)
class Exchange:
    """What goes out for one upload: `info` (a payload of either family, checked)
    through `client`; for Order Shipping Management, what WeChat is known to hold per
    payment."""

    client: WeChatClient
    info: object
    order_shipping: bool = False
    in_doubt: bool = False
    held: dict = dataclasses.field(default_factory=dict)
    counts: dict = dataclasses.field(default_factory=dict)
    attempt_count: int = 1


@dataclasses.dataclass(frozen=True)
class Answer:
    """How an exchange ended. `result`: the upload call's, None when nothing was
    uploaded (then `sent` is None too); `sent`: the wire body uploaded when it is not
    the payload's own (order shipping sends WeChat's record of unchanged payments);
    `held`, `counts`, `in_doubt`: what WeChat now holds (order shipping) and whether it
    may hold more than that."""

    state: str
    result: CallResult | None = None
    sent: dict | None = None
    note: str | None = None
    held: dict | None = None
    counts: dict | None = None
    in_doubt: bool = False
    rate_limited: bool = False


def run(exchange):
    """Make the calls of one exchange; its Answer. Raises only on a defect (nothing is
    caught)."""
    if exchange.order_shipping:
        return _run_order_shipping(exchange)
    result = exchange.client.upload(exchange.info)
    return Answer(
        OUTCOME_STATES[result.outcome], result, rate_limited=result.rate_limited
    )


def _with_wechat_records(exchange, orders, held, counts):
    """(held, counts) with WeChat's records of `orders` over them, and the call WeChat
    did not answer (then held and counts are as given), or None."""
    asked_held, asked_counts, unanswered = wechat_records(
        exchange.client, orders, payment_keys(exchange.info)
    )
    if unanswered:
        return held, counts, unanswered
    return {**held, **asked_held}, {**counts, **asked_counts}, None


def _run_order_shipping(exchange):
    wire = exchange.info.to_wire()
    held, counts = dict(exchange.held), dict(exchange.counts)
    if exchange.in_doubt:
        held, counts, unanswered = _with_wechat_records(
            exchange, record.orders_of(wire), held, counts
        )
        if unanswered:
            return Answer(
                RETRYING,
                note=RECORD_UNAVAILABLE,
                in_doubt=True,
                rate_limited=unanswered.rate_limited,
            )
    sending, _changed, refused = record.plan(wire, held, counts)
    # A second change is never sent: the payment needs attention, the rest goes on.
    done, note = (ATTENTION, CORRECTION_USED) if refused else (SENT, None)
    if sending is None:
        return Answer(done, note=note, held=held, counts=counts)
    result = exchange.client.upload_wire(exchange.info.path, sending)
    answer = _sent_answer(sending, result, note)
    if result.accepted:
        return answer(
            done,
            held=record.held_after(sending, held),
            counts=record.counts_after(sending, held, counts),
        )
    if (
        result.outcome == catalogue.Outcome.ALREADY_HELD
        or result.errcode == catalogue.NOT_SHIPPABLE
    ):
        held, counts, unanswered = _with_wechat_records(
            exchange, record.orders_of(sending), held, counts
        )
        if unanswered:
            return answer(
                RETRYING,
                held=held,
                counts=counts,
                in_doubt=True,
                rate_limited=unanswered.rate_limited,
            )
        if record.plan(sending, held, counts)[0] is None:  # WeChat holds what was sent
            return answer(done, held=held, counts=counts)
    state = OUTCOME_STATES[result.outcome]
    if (
        result.outcome == catalogue.Outcome.RETRY_BRIEFLY
        and exchange.attempt_count >= BRIEF_ATTEMPTS
    ):
        state = ATTENTION
    # No answer from WeChat itself (timeout, connection, HTTP 5xx): it may hold the
    # upload.
    return answer(
        state,
        held=held,
        counts=counts,
        in_doubt=result.retryable and result.errcode is None,
    )


def _sent_answer(sent, result, note):
    """An Answer maker for an upload that went out: `sent` with `result`, and the
    note."""

    def answer(state, **known):
        known.setdefault("rate_limited", result.rate_limited)
        return Answer(state, result, sent, note, **known)

    return answer


def payment_keys(info):
    """{key id: payload.OrderKey} of each payment order of an Order Shipping Management
    payload. WeChat is asked by these: they name a service provider's sub-merchant
    beside its merchant id, as get_order wants, where the upload's wire names the
    sub-merchant alone. Empty for a payload given as wire, whose keys are asked as
    they are."""
    orders = getattr(info, "sub_orders", None) or (getattr(info, "order", None),)
    return {
        record.key_id(order.order_key.to_wire()): order.order_key
        for order in orders
        if isinstance(getattr(order, "order_key", None), OrderKey)
    }


def wechat_records(client, orders, keys=None):
    """What WeChat holds of each payment order of `orders` (wire orders): ({key id: held
    wire order}, {key id: finish_shipping_count}, None), or the CallResult of the
    get_order WeChat refused or did not answer in place of None (what was learnt before
    it is then partial). `keys`: {key id: payload.OrderKey} to ask by (payment_keys),
    else each wire order's key is asked."""
    held, counts = {}, {}
    for order in orders:
        key = record.key_id(order["order_key"])
        result = client.get_order((keys or {}).get(key) or order["order_key"])
        if result.errcode == catalogue.PAYMENT_NOT_FOUND:
            continue  # WeChat knows nothing of it yet
        if not result.accepted:
            return held, counts, result
        answer = result.data.get("order")
        answer = answer if isinstance(answer, dict) else {}
        if wire := record.record_as_wire(answer, order["order_key"]):
            held[key] = wire
        counts[key] = record.finish_count(answer)
    return held, counts, None
