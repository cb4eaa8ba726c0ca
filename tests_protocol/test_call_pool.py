"""Several calls in flight: the per-account Throttle, the CallPool's bounds, and one
upload's exchange (exchange.run) against the sandbox over real sockets, run alone and
many at once."""

import copy
import threading
import time
from dataclasses import dataclass

import pytest
from builders import MCHID, OPENID, valid_osm_body
from helpers import APPID, SECRET
from wechat_protocol import call_pool, catalogue, endpoints, exchange
from wechat_protocol.client import WeChatClient
from wechat_protocol.order_shipping_record import key_id
from wechat_protocol.tokens import StableTokenSource


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_throttle_halves_pauses_and_recovers_one_call_at_a_time():
    clock = Clock()
    throttle = call_pool.Throttle(8, clock=clock)
    assert throttle.room(0) == 8 and throttle.room(5) == 3
    throttle.observe(True)
    assert (
        throttle.width == 4
        and throttle.room(0) == 0
        and throttle.wait() == call_pool.PAUSE_FIRST
    )
    throttle.observe(True)  # another call already in flight reports the same limit
    assert throttle.width == 4
    clock.now += call_pool.PAUSE_FIRST
    assert throttle.room(1) == 3
    throttle.observe(True)  # told again after the pause: half again, and a longer pause
    assert throttle.width == 2 and throttle.wait() == 2 * call_pool.PAUSE_FIRST
    clock.now += 10
    for expected in (3, 4, 5, 6, 7):
        throttle.observe(False)
        assert throttle.width == expected
    throttle.observe(False)
    # full width forgets the pauses
    assert throttle.width == 8 and throttle.pause == call_pool.PAUSE_FIRST


def test_throttle_never_goes_below_one_call_and_caps_its_pause():
    clock = Clock()
    throttle = call_pool.Throttle(2, clock=clock)
    for _ in range(12):
        throttle.observe(True)
        clock.now += throttle.wait()
    assert throttle.width == 1 and throttle.room(0) == 1
    assert throttle.pause == call_pool.PAUSE_MAX


@pytest.fixture
def throttles(monkeypatch):
    """The process's registry, fresh: no other test's account slows this one's pools
    down."""
    fresh = call_pool.Throttles()
    monkeypatch.setattr(call_pool, "THROTTLES", fresh)
    return fresh


def test_pools_share_the_process_throttles(throttles):
    throttle = throttles.get("acct", 1)
    for size in (2, 4):
        pool = call_pool.CallPool(size)
        pool.add(size, size, "acct", lambda: None)
        assert _drain(pool) == [(size, None)]
        # The pool's work went through the process's throttle of the account.
        assert throttle.ceiling == size
    assert throttles.get("acct", 4) is throttles.get("acct", 8)
    assert throttles.get("acct", 8).ceiling == 8


def _drain(pool):
    ended = []
    deadline = time.monotonic() + 30
    while pool and time.monotonic() < deadline:
        ended += pool.collect(timeout=1)
    assert not pool, "the pool did not drain"
    return ended


def test_pool_keeps_at_most_its_size_in_flight_and_one_call_per_key(throttles):
    lock = threading.Lock()
    running, most, keys_at_once = set(), [0], []

    def work(ticket, key):
        with lock:
            keys_at_once.append(key in {k for _t, k in running})
            running.add((ticket, key))
            most[0] = max(most[0], len(running))
        time.sleep(0.05)
        with lock:
            running.discard((ticket, key))
        return ticket

    pool = call_pool.CallPool(4)
    order_of_key_a = []
    for ticket in range(12):
        key = "a" if ticket % 3 == 0 else "k%d" % ticket
        pool.add(ticket, key, "acct", work, ticket, key)
        if key == "a":
            order_of_key_a.append(ticket)
    ended = _drain(pool)
    assert sorted(ticket for ticket, _answer in ended) == list(range(12))
    assert all(ticket == answer for ticket, answer in ended)
    assert most[0] == 4 and not any(keys_at_once)
    finished_a = [ticket for ticket, _answer in ended if ticket in order_of_key_a]
    assert finished_a == order_of_key_a  # one key's work in the order it was added


def test_pool_hands_back_exceptions_and_drops_queued_work_on_request(throttles):
    def fail():
        raise RuntimeError("boom")

    gate = threading.Event()
    pool = call_pool.CallPool(1)
    pool.add("slow", "k1", "acct", gate.wait, 5)
    pool.add("queued", "k2", "acct", time.sleep, 0)
    pool.add("failing", "k3", "acct", fail)
    assert pool.cancel_queued({"queued"}) == ["queued"]
    gate.set()
    ended = dict(_drain(pool))
    assert set(ended) == {"slow", "failing"}
    assert isinstance(ended["failing"], RuntimeError)


@dataclass
class Limited:
    rate_limited: bool


def test_a_rate_limited_account_slows_down_while_another_goes_on(throttles):
    started = []
    lock = threading.Lock()

    def work(account, limited):
        with lock:
            started.append((account, time.monotonic()))
        return Limited(limited)

    pool = call_pool.CallPool(8)
    pool.add(0, "x0", "busy", work, "busy", True)
    _drain(pool)
    throttle = throttles.get("busy", 8)
    assert throttle.width == 4 and throttle.wait() > 0
    paused_at = time.monotonic()
    pool.add(1, "x1", "busy", work, "busy", False)
    pool.add(2, "y1", "calm", work, "calm", False)
    _drain(pool)
    when = dict(started[1:])
    assert when["calm"] < paused_at + 0.5  # the other account did not wait
    # this one waited out its pause
    assert when["busy"] >= paused_at + throttle.pause / 2 - 0.05
    assert throttle.width == 5  # and widens again as answers come back


# ----------------------------------------------------------- exchanges with the sandbox


@dataclass(frozen=True)
class Wire:
    """A payload given as its wire form (what exchange.run needs of one)."""

    path: str
    body: dict

    def to_wire(self):
        return copy.deepcopy(self.body)


@pytest.fixture
def client(sandbox, control):
    wechat = WeChatClient(sandbox.url, StableTokenSource(sandbox.url, APPID, SECRET))
    yield wechat
    wechat.close()


def _osm(out_trade_no, control=None, **extra):
    """The exchange of a single express shipment; with `control`, its payment registered
    first."""
    if control is not None:
        control.pay(OPENID, mchid=MCHID, out_trade_no=out_trade_no)
    return exchange.Exchange(
        None,
        Wire(endpoints.OSM_SINGLE_SHIPPING, valid_osm_body(out_trade_no)),
        order_shipping=True,
        **extra,
    )


def test_an_order_shipping_exchange_records_what_wechat_holds_and_sends_no_change_twice(
    client, control
):
    first = exchange.run(_with(client, _osm("EX-1", control)))
    key = key_id(valid_osm_body("EX-1")["order_key"])
    assert (
        first.state == exchange.SENT
        and first.result.accepted
        and first.counts == {key: 1}
    )
    again = exchange.run(
        _with(client, _osm("EX-1"), held=first.held, counts=first.counts)
    )
    # nothing new: nothing sent
    assert again.state == exchange.SENT and again.result is None
    assert len(control.uploads()) == 1


def test_an_exchange_in_doubt_asks_wechat_first_and_does_not_resend_what_it_holds(
    client, control
):
    # accepted, but say its answer was lost
    exchange.run(_with(client, _osm("EX-2", control)))
    answer = exchange.run(_with(client, _osm("EX-2"), in_doubt=True))
    assert (
        answer.state == exchange.SENT and answer.result is None and not answer.in_doubt
    )
    assert len(control.uploads()) == 1
    stats = control.stats()
    assert stats["requests"].get(endpoints.OSM_GET_ORDER) == 1


def test_a_rate_limited_answer_is_retried_and_reported_as_such(client, control):
    control.fault("errcode", count=1, errcode=catalogue.RATE_LIMITED_FREQ)
    answer = exchange.run(_with(client, _osm("EX-3", control)))
    assert answer.state == exchange.RETRYING and answer.rate_limited
    assert answer.result.errcode == catalogue.RATE_LIMITED_FREQ and not answer.in_doubt


def test_many_exchanges_at_once_through_a_pool_each_accepted_once(
    client, control, throttles
):
    pool = call_pool.CallPool(8)
    for index in range(40):
        pool.add(
            index,
            "order-%d" % index,
            APPID,
            exchange.run,
            _with(client, _osm("EX-P%02d" % index, control)),
        )
    answers = dict(_drain(pool))
    assert sorted(answers) == list(range(40))
    assert all(answer.state == exchange.SENT for answer in answers.values())
    uploaded = [upload["order"] for upload in control.uploads()]
    assert len(uploaded) == 40 and len(set(uploaded)) == 40


def _with(client, an_exchange, **changes):
    from dataclasses import replace

    return replace(an_exchange, client=client, **changes)


def test_the_sandbox_counts_the_calls_it_serves_at_once(client, control, throttles):
    control.latency(100)
    pool = call_pool.CallPool(6)
    for index in range(12):
        pool.add(
            index,
            "order-%d" % index,
            APPID,
            exchange.run,
            _with(client, _osm("EX-Q%02d" % index, control)),
        )
    _drain(pool)
    peak = control.stats()["in_flight_peak"]
    assert 2 <= peak <= 6, peak  # several at once, never more than the pool
    control.reset()
    assert control.stats()["in_flight_peak"] == 0


def test_a_rate_limited_question_to_wechat_slows_the_account_too(client, control):
    """In doubt, the exchange asks WeChat first (get_order): refused for the rate, it
    says so."""
    # the token is fetched: the fault hits get_order
    exchange.run(_with(client, _osm("EX-4", control)))
    control.fault("errcode", count=1, errcode=catalogue.RATE_LIMITED)
    answer = exchange.run(_with(client, _osm("EX-4"), in_doubt=True))
    assert answer.state == exchange.RETRYING and answer.rate_limited and answer.in_doubt
    assert answer.result is None and answer.note == exchange.RECORD_UNAVAILABLE
    assert control.stats()["requests"].get(endpoints.OSM_GET_ORDER) == 1
