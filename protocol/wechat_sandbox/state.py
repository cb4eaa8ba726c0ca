"""In-memory state of the sandbox: tokens, accepted uploads, counters, faults, latency
and the rate limit."""

import secrets
import threading
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass

from wechat_protocol import catalogue

from .payments import PaymentBook
from .pusher import Pusher
from .shopping import ShoppingBook, received_now

TOKEN_LIFETIME = 7200
MAX_LATENCY_MS = 60000
MAX_PER_SECOND = 100000
_RATE_LIMIT_MESSAGES = {
    catalogue.RATE_LIMITED: "reach max api daily quota limit",
    catalogue.RATE_LIMITED_FREQ: "too many requests per second",
}


@dataclass
class Fault:
    """The next `remaining` API calls misbehave as `kind` says."""

    kind: str
    remaining: int
    errcode: int = -1
    seconds: float = 0.0

    def as_dict(self):
        return {
            "kind": self.kind,
            "remaining": self.remaining,
            "errcode": self.errcode,
            "seconds": self.seconds,
        }


@dataclass
class RateLimit:
    """At most `per_second` API calls served in any one-second window; 0 is no limit."""

    per_second: int = 0
    errcode: int = catalogue.RATE_LIMITED

    def as_dict(self):
        return {"per_second": self.per_second, "errcode": self.errcode}


@dataclass
class _Token:
    kind: str
    expires_at: float
    revoked: bool = False


class SandboxState:
    """Everything the sandbox remembers; every method holds the one lock."""

    def __init__(self, appid, secret, latency_ms=0):
        self.appid = appid
        self.secret = secret
        self.start_latency_ms = latency_ms
        self._lock = threading.Lock()
        self._in_flight = 0  # API calls being served now; they outlive a reset
        self.reset()

    def reset(self):
        """Forget uploads, counters, faults, tokens and the rate limit; the latency goes
        back to the one given at start."""
        with self._lock:
            self._latency_ms = self.start_latency_ms
            self._rate_limit = RateLimit()
            # monotonic times of the calls served in the last second
            self._served = deque()
            self._rate_limited = 0
            self._tokens = {}
            self._stable = None
            self._uploads = []
            self._last_time = {}
            self._requests = Counter()
            self._token_fetches = Counter()
            self._faults = deque()
            self._in_flight_peak = 0
            self._payments = PaymentBook()
            self._shopping = ShoppingBook()
            self.pusher = Pusher()

    @contextmanager
    def payments(self):
        """The payments and their Order Shipping Management records, under the state's
        lock."""
        with self._lock:
            yield self._payments

    @contextmanager
    def shopping(self):
        """The shopping details (Shopping Order family) and the payments, under the
        state's lock."""
        with self._lock:
            yield self._shopping, self._payments

    # -- tokens ------------------------------------------------------------------------
    def credentials_error(self, appid, secret):
        """WeChat's errcode for bad credentials, or 0."""
        if not appid:
            return 41002
        if appid != self.appid:
            return 40013
        if not secret:
            return 41004
        if secret != self.secret:
            return 40125
        return 0

    def count_token_fetch(self, kind):
        with self._lock:
            self._token_fetches[kind] += 1

    def issue(self, kind, force_refresh=False):
        """Return (token, expires_in); classic revokes older classic tokens, stable
        reuses."""
        now = time.time()
        with self._lock:
            if kind == "stable" and self._stable and not force_refresh:
                current = self._tokens[self._stable]
                if not current.revoked and current.expires_at > now:
                    return self._stable, int(current.expires_at - now)
            for record in self._tokens.values():
                if record.kind == kind:
                    record.revoked = True
            token = f"SBX{secrets.token_hex(32)}"
            self._tokens[token] = _Token(kind, now + TOKEN_LIFETIME)
            if kind == "stable":
                self._stable = token
            return token, TOKEN_LIFETIME

    def check_token(self, token):
        """0 when usable, else 41001 missing / 40001 unknown or revoked / 42001
        expired."""
        if not token:
            return 41001
        with self._lock:
            record = self._tokens.get(token)
            if record is None or record.revoked:
                return 40001
            if record.expires_at <= time.time():
                return 42001
        return 0

    def issued_tokens(self):
        """Every token handed out since the last reset (tests assert none leaks)."""
        with self._lock:
            return list(self._tokens)

    def expire_tokens(self):
        with self._lock:
            for record in self._tokens.values():
                record.expires_at = min(record.expires_at, time.time() - 1)

    # -- faults and counters -----------------------------------------------------------
    def add_fault(self, fault):
        with self._lock:
            self._faults.append(fault)

    def count_request(self, path):
        """Count an API request and return the fault it must suffer, if any."""
        with self._lock:
            self._requests[path] += 1
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.popleft()
            return Fault(fault.kind, 1, fault.errcode, fault.seconds)

    @contextmanager
    def serving(self):
        """An API call being served: counts the calls served at once and their peak."""
        with self._lock:
            self._in_flight += 1
            self._in_flight_peak = max(self._in_flight_peak, self._in_flight)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    # -- latency and rate limit --------------------------------------------------------
    def latency_ms(self):
        """The delay every WeChat API call waits before it is served, in
        milliseconds."""
        with self._lock:
            return self._latency_ms

    def set_latency(self, ms):
        with self._lock:
            self._latency_ms = ms

    def set_rate_limit(self, limit):
        with self._lock:
            self._rate_limit = limit
            self._served.clear()  # a new limit starts with an empty window

    def rate_limit(self):
        with self._lock:
            return self._rate_limit.as_dict()

    def admit(self):
        """None when the call may be served (and is counted in the window), else the
        (errcode, errmsg) WeChat answers to a call beyond its frequency limit."""
        with self._lock:
            now = time.monotonic()  # taken under the lock: the window stays in order
            limit = self._rate_limit
            if not limit.per_second:
                return None
            while self._served and self._served[0] <= now - 1.0:
                self._served.popleft()
            if len(self._served) < limit.per_second:
                self._served.append(now)
                return None
            self._rate_limited += 1
            return limit.errcode, "%s (sandbox: more than %d calls in one second)" % (
                _RATE_LIMIT_MESSAGES[limit.errcode],
                limit.per_second,
            )

    def stats(self):
        with self._lock:
            return {
                "requests": dict(self._requests),
                "token_fetches": sum(self._token_fetches.values()),
                "token_fetches_by_kind": dict(self._token_fetches),
                "uploads_accepted": len(self._uploads),
                "payments": len(self._payments.payments),
                "shopping_details": len(self._shopping.details),
                "faults": [f.as_dict() for f in self._faults],
                "latency_ms": self._latency_ms,
                "rate_limit": self._rate_limit.as_dict(),
                "rate_limited": self._rate_limited,
                "in_flight_peak": self._in_flight_peak,
            }

    # -- uploads -----------------------------------------------------------------------
    def accept(self, path, body, key_id, upload_time, when):
        """Store an upload unless an accepted one for this order is as late; True if
        stored."""
        with self._lock:
            last = self._last_time.get(key_id)
            if last is not None and when <= last:
                return False
            self._last_time[key_id] = when
            self._keep(path, body, key_id, upload_time)
            return True

    def keep(self, path, body, key_id, upload_time):
        """Store an upload the caller's own rules accepted (Order Shipping
        Management)."""
        with self._lock:
            self._keep(path, body, key_id, upload_time)

    def _keep(self, path, body, key_id, upload_time):
        self._uploads.append(
            {
                "seq": len(self._uploads) + 1,
                "path": path,
                "order": key_id,
                "upload_time": upload_time,
                "received_at": received_now(),
                "body": body,
            }
        )

    def uploads(self, order=None):
        with self._lock:
            return [
                dict(u) for u in self._uploads if order is None or u["order"] == order
            ]
