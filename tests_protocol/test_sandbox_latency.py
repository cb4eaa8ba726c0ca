"""The sandbox's latency (at start and by switch) and WeChat's frequency limit (45009,
44990)."""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from builders import details_for, valid_single_body
from helpers import APPID, SECRET, stable_token
from wechat_protocol import catalogue as c
from wechat_protocol import endpoints
from wechat_sandbox.control import SandboxControl
from wechat_sandbox.process import SandboxProcess

DELIVERY_LIST = endpoints.DELIVERY_LIST


def fetch_token(url):
    return stable_token(url)["access_token"]


def post(url, path, body, token):
    return requests.post(
        url + path, params={"access_token": token}, json=body, timeout=10
    ).json()


def timed(call, *args):
    """(answer, seconds) of one call."""
    started = time.monotonic()
    answer = call(*args)
    return answer, time.monotonic() - started


def details_of(index):
    """(path, body) of the shopping details of an order of its own (nothing else is
    needed)."""
    shipping = valid_single_body()
    shipping["order_key"]["transaction_id"] = "42000012342021052012%010d" % index
    return details_for(shipping)


# -- latency ---------------------------------------------------------------------------
def test_every_api_call_takes_at_least_the_latency(sandbox, control, token):
    assert control.latency(300) == 300
    assert control.latency_now() == 300 and control.stats()["latency_ms"] == 300
    answer, seconds = timed(post, sandbox.url, DELIVERY_LIST, {}, token)
    assert answer["errcode"] == 0 and seconds >= 0.3
    answer, seconds = timed(fetch_token, sandbox.url)
    assert answer.startswith("SBX") and seconds >= 0.3
    answer, seconds = timed(requests.get, sandbox.url + endpoints.TOKEN)
    assert answer.json()["errcode"] == 40002 and seconds >= 0.3  # refusals wait too


def test_a_fractional_latency_is_kept(control):
    assert control.latency(12.5) == 12.5
    assert control.latency(0) == 0


def test_control_endpoints_and_the_page_are_not_delayed(sandbox, control):
    control.latency(5000)
    # a delayed answer times out
    fast = SandboxControl(sandbox.url, timeout=(3.05, 2.5))
    try:
        assert fast.stats()["latency_ms"] == 5000
        assert fast.latency_now() == 5000
        assert fast.uploads() == []
        assert requests.get(sandbox.url + "/", timeout=2.5).status_code == 200
        assert fast.latency(0) == 0
    finally:
        fast.close()


def test_a_hang_fault_waits_on_top_of_the_latency(sandbox, control, token):
    control.latency(200)
    control.fault("hang", seconds=0.3)
    answer, seconds = timed(post, sandbox.url, DELIVERY_LIST, {}, token)
    assert answer["errcode"] == 0 and seconds >= 0.5


def test_delayed_calls_wait_side_by_side(sandbox, control, token):
    control.latency(300)
    with ThreadPoolExecutor(max_workers=40) as pool:
        started = time.monotonic()
        timings = list(
            pool.map(
                lambda _: timed(post, sandbox.url, DELIVERY_LIST, {}, token), range(40)
            )
        )
        elapsed = time.monotonic() - started
    assert all(answer["errcode"] == 0 and seconds >= 0.3 for answer, seconds in timings)
    assert elapsed < 40 * 0.3 / 4  # one after the other would take 12 s
    assert control.stats()["requests"][DELIVERY_LIST] == 40


@pytest.mark.parametrize(
    "raw",
    [
        '{"ms": -1}',
        '{"ms": 60001}',
        '{"ms": "200"}',
        '{"ms": true}',
        '{"ms": null}',
        "{}",
        '{"ms": NaN}',
        '{"ms": Infinity}',
        '{"ms": [200]}',
        "[200]",
        "not json",
    ],
)
def test_a_bad_latency_is_refused_and_changes_nothing(sandbox, control, raw):
    control.latency(120)
    response = requests.post(sandbox.url + "/sandbox/latency", data=raw, timeout=5)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "ms" in error and "60000" in error and "\n" not in error
    assert control.latency_now() == 120


def test_reset_puts_the_latency_back_to_the_one_given_at_start(sandbox, control):
    control.latency(500)
    control.reset()
    assert control.latency_now() == 0 == sandbox.state.start_latency_ms


def test_sandbox_process_passes_latency_only_when_given():
    assert "--latency" not in SandboxProcess(APPID, SECRET).command
    assert SandboxProcess(APPID, SECRET, latency_ms=250).command[-2:] == [
        "--latency",
        "250",
    ]


def test_latency_given_at_start_delays_calls_and_survives_reset():
    with SandboxProcess(APPID, SECRET, latency_ms=250) as process:
        control = SandboxControl(process.url)
        try:
            assert control.latency_now() == 250
            _token, seconds = timed(fetch_token, process.url)
            assert seconds >= 0.25
            control.latency(0)
            control.reset()
            assert control.latency_now() == 250
        finally:
            control.close()


@pytest.mark.parametrize("value", ["-1", "60001", "fast", "nan"])
def test_a_bad_latency_at_start_is_refused(value):
    done = subprocess.run(
        [sys.executable, "-m", "wechat_sandbox", "--port", "0", "--latency", value],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode == 2
    assert (
        "--latency" in done.stderr
        and "milliseconds" in done.stderr
        and "listening" not in done.stdout
    )


# -- rate limit ------------------------------------------------------------------------
def test_calls_beyond_the_limit_are_45009_and_store_nothing(sandbox, control, token):
    assert control.rate_limit(5) == {"per_second": 5, "errcode": 45009}
    answers = [post(sandbox.url, *details_of(index), token) for index in range(20)]
    refused = [a for a in answers if a["errcode"] == c.RATE_LIMITED]
    served = [a for a in answers if a["errcode"] == 0]
    assert len(served) + len(refused) == 20
    assert len(served) < 20 and [a["errcode"] for a in answers[:5]] == [0] * 5
    assert "more than 5 calls in one second" in refused[0]["errmsg"]
    # a refused call keeps nothing
    assert len(control.shopping_details()) == len(served)
    stats = control.stats()
    assert stats["rate_limited"] == len(refused)
    assert stats["rate_limit"] == {"per_second": 5, "errcode": 45009}
    assert stats["requests"][endpoints.SHOPPING_DETAILS] == 20
    assert fetch_token(sandbox.url)  # token calls are not limited


def test_the_44990_variant(sandbox, control, token):
    assert control.rate_limit(3, errcode=44990) == {"per_second": 3, "errcode": 44990}
    codes = [post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"] for _ in range(10)]
    assert codes[:3] == [0, 0, 0]
    assert c.RATE_LIMITED_FREQ in codes and c.RATE_LIMITED not in codes
    assert control.stats()["rate_limited"] == codes.count(c.RATE_LIMITED_FREQ)


def test_the_window_slides_and_refused_calls_do_not_fill_it(sandbox, control, token):
    control.rate_limit(2)
    codes = [post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"] for _ in range(3)]
    assert codes == [0, 0, c.RATE_LIMITED]
    time.sleep(0.6)
    assert [
        post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"] for _ in range(2)
    ] == [c.RATE_LIMITED] * 2
    # the served calls left the window; the refused ones never were in it
    time.sleep(0.5)
    assert post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"] == 0


def test_concurrent_calls_share_one_limit(sandbox, control, token):
    control.rate_limit(10)
    with ThreadPoolExecutor(max_workers=25) as pool:
        started = time.monotonic()
        codes = list(
            pool.map(
                lambda _: post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"],
                range(50),
            )
        )
        elapsed = time.monotonic() - started
    served = codes.count(0)
    assert served + codes.count(c.RATE_LIMITED) == 50
    assert 10 <= served <= 10 * (int(elapsed) + 1)
    assert control.stats()["rate_limited"] == 50 - served


def test_zero_turns_the_limit_off_and_reset_too(sandbox, control, token):
    control.rate_limit(1)
    assert [
        post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"] for _ in range(2)
    ] == [0, c.RATE_LIMITED]
    assert control.rate_limit(0) == {"per_second": 0, "errcode": 45009}
    assert all(
        post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"] == 0 for _ in range(10)
    )
    control.rate_limit(1, errcode=44990)
    control.reset()
    stats = control.stats()
    assert (
        stats["rate_limit"] == {"per_second": 0, "errcode": 45009}
        and stats["rate_limited"] == 0
    )
    token = fetch_token(sandbox.url)  # reset forgot the tokens
    assert all(
        post(sandbox.url, DELIVERY_LIST, {}, token)["errcode"] == 0 for _ in range(5)
    )


@pytest.mark.parametrize(
    "raw",
    [
        '{"per_second": -1}',
        '{"per_second": 100001}',
        '{"per_second": 2.5}',
        '{"per_second": "5"}',
        '{"per_second": true}',
        "{}",
        '{"per_second": 5, "errcode": 45011}',
        '{"per_second": 5, "errcode": "45009"}',
        '{"per_second": 5, "errcode": null}',
        "not json",
    ],
)
def test_a_bad_rate_limit_is_refused_and_changes_nothing(sandbox, control, raw):
    control.rate_limit(7, errcode=44990)
    response = requests.post(sandbox.url + "/sandbox/rate_limit", data=raw, timeout=5)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "per_second" in error and "45009 or 44990" in error and "\n" not in error
    assert control.stats()["rate_limit"] == {"per_second": 7, "errcode": 44990}
