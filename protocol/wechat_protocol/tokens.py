"""Access-token sources for WeChat's server API, with one process-wide cache."""

import hashlib
import logging
import re
import threading
import time
from dataclasses import dataclass

import requests

from . import endpoints
from .catalogue import Outcome, explain
from .sessions import thread_session

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (3.05, 10)
SAFETY_MARGIN = 300

_SECRET_QUERY = re.compile(
    r"((?:access_token|secret|appsecret)=)[^&\s\"']*", re.IGNORECASE
)


def redact(text):
    """Return text with access_token=/secret= query values replaced by ***."""
    return _SECRET_QUERY.sub(r"\1***", text)


class _RedactQueryFilter(logging.Filter):
    """Blanks tokens and secrets in urllib3's debug lines, which quote the request
    URL."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(a) if isinstance(a, str) else a for a in record.args
            )
        return True


def _install_log_redaction():
    """Attach the redacting filter once to the loggers that print request URLs."""
    for name in ("urllib3.connectionpool", "requests"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactQueryFilter) for f in logger.filters):
            logger.addFilter(_RedactQueryFilter())


_install_log_redaction()


def network_reason(exc):
    """Short, secret-free reason for a requests exception (its own text quotes the
    URL)."""
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return f"network error ({type(exc).__name__})"


class TokenError(Exception):
    """The access token could not be obtained; text never contains the secret."""

    def __init__(self, message, info=None, reason=None, retryable=False):
        super().__init__(message)
        self.info = info
        self.reason = reason
        self.retryable = retryable


@dataclass
class _Cached:
    token: str
    valid_until: float  # time.monotonic() deadline, already minus the safety margin


class TokenCache:
    """The tokens of the apps a process calls, by source key; per key, one fetch at a
    time and the token WeChat last refused (it decides a stable force_refresh)."""

    def __init__(self):
        self._held = {}
        self._refused = {}
        self._fetch_locks = {}
        self._guard = threading.Lock()

    def fetch_lock(self, key):
        """The lock a key's fetch holds, so that threads asking together cause one
        fetch."""
        with self._guard:
            return self._fetch_locks.setdefault(key, threading.Lock())

    def valid(self, key):
        """The key's token while it is valid, else None."""
        with self._guard:
            entry = self._held.get(key)
            return (
                entry.token if entry and entry.valid_until > time.monotonic() else None
            )

    def refused(self, key):
        """The key's token WeChat refused since the last fetch, or None."""
        with self._guard:
            return self._refused.get(key)

    def refuse(self, key, token=None):
        """Drop the key's token as refused; with `token`, only while the key still holds
        that one, so that racing refreshes don't cascade."""
        with self._guard:
            entry = self._held.get(key)
            if entry and token in (None, entry.token):
                del self._held[key]
                self._refused[key] = entry.token

    def keep(self, key, token, seconds):
        """Hold a freshly fetched token for `seconds`."""
        with self._guard:
            self._held[key] = _Cached(token, time.monotonic() + seconds)
            self._refused.pop(key, None)


# The process's: WeChat invalidates older classic tokens when a new one is fetched, so
# every client of one app in this process must share a single fetcher and cache.
CACHE = TokenCache()


def _credentials_digest(secret):
    """A digest that tells AppSecrets apart without holding them."""
    return hashlib.sha256((secret or "").encode("utf-8")).hexdigest()


def lifetime(expires_in):
    """Seconds a token is used: expires_in minus 300 s, or half of it when that is
    shorter."""
    expires_in = max(int(expires_in), 0)
    return expires_in - min(SAFETY_MARGIN, expires_in / 2)


class _FetchingSource:
    """Shared logic of the appid/secret sources: cache, single fetch, invalidation."""

    kind = ""

    def __init__(self, base_url, appid, secret, session=None, timeout=DEFAULT_TIMEOUT):
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self._secret = secret
        self._given_session = session  # None: the calling thread's session
        self.timeout = timeout
        # Keyed by the credentials themselves: once the AppSecret or AppID changes, no
        # worker process uses a token fetched with the old ones (each builds its sources
        # from the database), with no message between processes. Only a digest of the
        # secret is kept.
        self._key = (self.base_url, appid, self.kind, _credentials_digest(secret))

    def __repr__(self):
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, appid={self.appid!r}, "
            "secret='***')"
        )

    def token(self, force_refresh=False):
        """Return a valid token, fetching at most once even when many threads ask
        together."""
        cache = CACHE
        if not force_refresh and (held := cache.valid(self._key)):
            return held
        with cache.fetch_lock(self._key):
            if force_refresh:
                cache.refuse(self._key)
            # Another thread may have fetched while this one waited for the lock.
            elif held := cache.valid(self._key):
                return held
            token, expires_in = self._fetch(cache.refused(self._key))
            cache.keep(self._key, token, lifetime(expires_in))
            return token

    def invalidate(self, token):
        """Drop the cached token if it is still `token`, so racing refreshes don't
        cascade."""
        CACHE.refuse(self._key, token)

    @property
    def _session(self):
        return self._given_session or thread_session()

    def _fetch(self, rejected):
        raise NotImplementedError

    def _answer(self, send):
        """Run one token request and return (token, expires_in) or raise TokenError."""
        try:
            response = send()
        except requests.RequestException as exc:
            reason = network_reason(exc)
            _logger.warning("WeChat token endpoint unreachable (%s)", reason)
            # `from None`: the chained requests exception would print the URL/secret.
            raise TokenError(
                f"WeChat token endpoint unreachable ({reason})",
                reason=reason,
                retryable=True,
            ) from None
        if response.status_code >= 500 or response.status_code == 429:
            reason = f"HTTP {response.status_code}"
            raise TokenError(
                f"WeChat token endpoint answered {reason}",
                reason=reason,
                retryable=True,
            )
        try:
            data = response.json()
        except ValueError:
            raise TokenError(
                "WeChat token endpoint answer is not JSON",
                reason="answer is not JSON",
                retryable=True,
            ) from None
        if not isinstance(data, dict):
            raise TokenError(
                "WeChat token endpoint answer is not an object",
                reason="unexpected answer",
                retryable=True,
            )
        token = data.get("access_token")
        if isinstance(token, str) and token:
            return token, data.get("expires_in") or 7200
        code = data.get("errcode")
        if not isinstance(code, int):
            raise TokenError(
                "WeChat token endpoint answered without a token",
                reason="unexpected answer",
                retryable=True,
            )
        info = explain(code)
        errmsg = str(data.get("errmsg", ""))
        if self._secret:
            errmsg = errmsg.replace(self._secret, "***")
        _logger.warning("WeChat token request for %s refused: %s", self.appid, code)
        raise TokenError(
            f"WeChat refused the token request for "
            f"{self.appid}: {code} {redact(errmsg)}",
            info=info,
            retryable=info.outcome == Outcome.RETRYABLE,
        )


class StableTokenSource(_FetchingSource):
    """Token from POST /cgi-bin/stable_token (preferred: independent of other
    fetchers)."""

    kind = "stable"

    def _fetch(self, rejected):
        # Decision: stable_token returns the same token while it is valid, and
        # force_refresh is limited to 20 a day.  After WeChat rejected a token we first
        # ask normally; only if the answer is that very token (WeChat still thinks it
        # valid, e.g. revoked by a force refresh elsewhere) do we spend one
        # force_refresh=true call.
        token, expires_in = self._post(False)
        if rejected is not None and token == rejected:
            token, expires_in = self._post(True)
        return token, expires_in

    def _post(self, force):
        body = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self._secret,
            "force_refresh": force,
        }
        return self._answer(
            lambda: self._session.post(
                self.base_url + endpoints.STABLE_TOKEN, json=body, timeout=self.timeout
            )
        )


class ClassicTokenSource(_FetchingSource):
    """Token from GET /cgi-bin/token; each fetch invalidates the app's previous
    token."""

    kind = "classic"

    def _fetch(self, rejected):
        params = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self._secret,
        }
        return self._answer(
            lambda: self._session.get(
                self.base_url + endpoints.TOKEN, params=params, timeout=self.timeout
            )
        )


class AuthorizerTokenSource:
    """authorizer_access_token handed in by a third-party platform through
    get_token()."""

    def __init__(self, get_token):
        self._get_token = get_token
        self._token = None
        self._lock = threading.Lock()

    def __repr__(self):
        return "AuthorizerTokenSource(get_token={!r})".format(
            getattr(self._get_token, "__qualname__", type(self._get_token).__name__)
        )

    def token(self, force_refresh=False):
        """Return the held token; a refresh (or an invalidated token) calls get_token
        again."""
        with self._lock:
            if self._token and not force_refresh:
                return self._token
            try:
                token = self._get_token()
            except TokenError:
                raise
            except Exception as exc:
                raise TokenError(
                    f"authorizer token unavailable ({type(exc).__name__})",
                    reason="authorizer token unavailable",
                    retryable=True,
                ) from None
            if not isinstance(token, str) or not token:
                raise TokenError(
                    "authorizer token provider returned no token",
                    reason="authorizer token unavailable",
                    retryable=True,
                )
            self._token = token
            return token

    def invalidate(self, token):
        """Forget the token if it is the held one; we cannot refresh it ourselves."""
        with self._lock:
            if self._token == token:
                self._token = None
