"""Token sources against the sandbox: caching, single fetch, refresh rules, errors."""

import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import APPID, SECRET, closed_port_url
from wechat_protocol import catalogue
from wechat_protocol.tokens import (
    AuthorizerTokenSource,
    ClassicTokenSource,
    StableTokenSource,
    TokenError,
    lifetime,
)


def fetches(control, kind=None):
    stats = control.stats()
    return (
        stats["token_fetches_by_kind"].get(kind, 0) if kind else stats["token_fetches"]
    )


@pytest.mark.parametrize(
    "source_class, kind",
    [(StableTokenSource, "stable"), (ClassicTokenSource, "classic")],
)
def test_token_is_cached_and_valid(sandbox, control, source_class, kind):
    first = source_class(sandbox.url, APPID, SECRET).token()
    second = source_class(sandbox.url, APPID, SECRET).token()
    assert first == second
    assert sandbox.state.check_token(first) == 0
    assert fetches(control, kind) == 1
    assert fetches(control) == 1


@pytest.mark.parametrize("source_class", [StableTokenSource, ClassicTokenSource])
def test_threads_asking_together_cause_one_fetch(sandbox, control, source_class):
    barrier = threading.Barrier(16)

    def ask(_):
        source = source_class(sandbox.url, APPID, SECRET)  # the cache is process-wide
        barrier.wait()
        return source.token()

    with ThreadPoolExecutor(max_workers=16) as pool:
        tokens = list(pool.map(ask, range(16)))
    assert len(set(tokens)) == 1
    assert fetches(control) == 1


def test_stable_and_classic_are_cached_separately(sandbox, control):
    stable = StableTokenSource(sandbox.url, APPID, SECRET).token()
    classic = ClassicTokenSource(sandbox.url, APPID, SECRET).token()
    assert stable != classic
    assert control.stats()["token_fetches_by_kind"] == {"stable": 1, "classic": 1}


def test_classic_fetch_invalidates_previous_classic_token(sandbox):
    source = ClassicTokenSource(sandbox.url, APPID, SECRET)
    old = source.token()
    new = source.token(force_refresh=True)
    assert old != new
    assert sandbox.state.check_token(old) == catalogue.TOKEN_INVALID
    assert sandbox.state.check_token(new) == 0


def test_invalidate_ignores_a_token_no_longer_cached(sandbox, control):
    source = StableTokenSource(sandbox.url, APPID, SECRET)
    current = source.token()
    source.invalidate("some-older-token")
    assert source.token() == current
    assert fetches(control) == 1


def test_stable_refetch_after_expiry_needs_no_force_refresh(sandbox, control):
    source = StableTokenSource(sandbox.url, APPID, SECRET)
    old = source.token()
    control.expire_tokens()
    source.invalidate(old)
    new = source.token()
    assert new != old
    assert fetches(control) == 2  # one plain fetch, no force_refresh call


def test_stable_refetch_forces_refresh_when_wechat_returns_the_rejected_token(
    sandbox, control
):
    source = StableTokenSource(sandbox.url, APPID, SECRET)
    old = source.token()
    source.invalidate(old)  # as after a 40001 while WeChat still thinks the token valid
    new = source.token()
    assert new != old
    assert fetches(control) == 3  # initial, plain refetch (same token), force_refresh
    assert sandbox.state.check_token(old) == catalogue.TOKEN_INVALID


@pytest.mark.parametrize(
    "appid, secret, code",
    [(APPID, "wrong-secret", 40125), ("wxunknown", SECRET, 40013)],
)
@pytest.mark.parametrize("source_class", [StableTokenSource, ClassicTokenSource])
def test_wrong_credentials_raise_permanent_token_error(
    sandbox, source_class, appid, secret, code
):
    source = source_class(sandbox.url, appid, secret)
    with pytest.raises(TokenError) as caught:
        source.token()
    assert caught.value.info.code == code
    assert caught.value.retryable is False
    text = (
        str(caught.value)
        + repr(source)
        + "".join(traceback.format_exception(caught.value))
    )
    assert secret not in text and SECRET not in text


@pytest.mark.parametrize("source_class", [StableTokenSource, ClassicTokenSource])
def test_unreachable_endpoint_is_retryable_and_hides_the_secret(source_class):
    source = source_class(closed_port_url(), APPID, SECRET, timeout=(1, 1))
    with pytest.raises(TokenError) as caught:
        source.token()
    assert caught.value.retryable is True
    assert caught.value.reason == "connection failed"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert SECRET not in "".join(traceback.format_exception(caught.value))


def test_busy_token_endpoint_is_retryable(sandbox, control):
    control.fault("errcode", errcode=catalogue.SYSTEM_BUSY)
    with pytest.raises(TokenError) as caught:
        StableTokenSource(sandbox.url, APPID, SECRET).token()
    assert caught.value.retryable is True
    assert caught.value.info.code == catalogue.SYSTEM_BUSY


def test_http500_from_token_endpoint_is_retryable(sandbox, control):
    control.fault("http500")
    with pytest.raises(TokenError) as caught:
        StableTokenSource(sandbox.url, APPID, SECRET).token()
    assert caught.value.retryable is True
    assert caught.value.reason == "HTTP 500"


def test_reprs_hide_the_secret(sandbox):
    for source in (
        StableTokenSource(sandbox.url, APPID, SECRET),
        ClassicTokenSource(sandbox.url, APPID, SECRET),
    ):
        assert SECRET not in repr(source)
        assert APPID in repr(source)


def test_lifetime_keeps_a_safety_margin():
    assert lifetime(7200) == 6900
    assert lifetime(400) == 200  # half of a short lifetime rather than 300 s
    assert lifetime(0) == 0


def test_authorizer_source_calls_provider_again_only_when_needed():
    handed = iter(["auth-1", "auth-2", "auth-3"])
    calls = []

    def provider():
        calls.append(1)
        return next(handed)

    source = AuthorizerTokenSource(provider)
    assert source.token() == "auth-1"
    assert source.token() == "auth-1"
    source.invalidate("not-held")
    assert source.token() == "auth-1"
    source.invalidate("auth-1")
    assert source.token() == "auth-2"
    assert source.token(force_refresh=True) == "auth-3"
    assert len(calls) == 3
    assert "auth-" not in repr(source)


def test_authorizer_provider_failure_becomes_retryable_token_error():
    def provider():
        raise RuntimeError("platform down, secret=abc")

    with pytest.raises(TokenError) as caught:
        AuthorizerTokenSource(provider).token()
    assert caught.value.retryable is True
    assert "abc" not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize("source_class", [StableTokenSource, ClassicTokenSource])
def test_changed_secret_never_reuses_the_cached_token(sandbox, control, source_class):
    # A token fetched with the old AppSecret is not served once the secret changed: the
    # new secret is asked of WeChat, which refuses a wrong one (40125) instead.
    source_class(sandbox.url, APPID, SECRET).token()
    with pytest.raises(TokenError) as caught:
        source_class(sandbox.url, APPID, "changed-" + SECRET).token()
    assert caught.value.info.code == 40125
    assert SECRET not in str(caught.value)
    assert fetches(control) == 2


def test_changed_appid_never_reuses_the_cached_token(sandbox, control):
    StableTokenSource(sandbox.url, APPID, SECRET).token()
    with pytest.raises(TokenError) as caught:
        StableTokenSource(sandbox.url, "wxother0000000001", SECRET).token()
    assert caught.value.info.code == 40013
    assert fetches(control) == 2


def test_the_cache_key_holds_no_secret(sandbox):
    source = StableTokenSource(sandbox.url, APPID, SECRET)
    source.token()
    assert SECRET not in repr(source._key)
