"""Several calls to WeChat in flight at once, for different WeChat orders, within
bounds.

WeChat answers in tens to hundreds of milliseconds; a worker that waits for one answer
before asking the next question sends one upload per round trip. A CallPool keeps up to
`size` calls in flight on threads while the caller (a worker with its database
transaction) goes on building and recording in its own thread: it adds work, and
collects what has ended.

Bounds: at most `size` calls at once; one call per key (a WeChat order) at a time, the
others of that key waiting their turn in the order added; per account (a company's
WeChat AppID), a Throttle that halves what may be in flight and pauses when WeChat says
it is called too often (45009, 44990), and recovers one call at a time as answers come
back."""

import collections
import concurrent.futures
import threading
import time

DEFAULT_SIZE = 32
MAX_SIZE = 256
PAUSE_FIRST = 1.0  # seconds an account waits after WeChat's first "too often"
PAUSE_MAX = 60.0

_local = threading.local()


def executor(size):
    """The calling thread's pool of `size` threads, kept from one use to the next, so
    that the threads' connections to WeChat stay open between a worker's batches."""
    current = getattr(_local, "executor", None)
    if current is None or current[0] != size:
        if current is not None:
            current[1].shutdown(wait=False)
        current = _local.executor = (
            size,
            concurrent.futures.ThreadPoolExecutor(size, "wechat-call"),
        )
    return current[1]


class Throttle:
    """How many calls of one account may be in flight: additive increase, multiplicative
    decrease."""

    def __init__(self, ceiling, clock=time.monotonic):
        self.ceiling = ceiling
        self.width = float(ceiling)
        self.pause = PAUSE_FIRST
        self.paused_until = 0.0
        self._clock = clock
        self._lock = threading.Lock()

    def room(self, in_flight):
        """How many more calls may start now, with `in_flight` of this account's under
        way."""
        with self._lock:
            if self._clock() < self.paused_until:
                return 0
            return max(0, min(int(self.width), self.ceiling) - in_flight)

    def wait(self):
        """Seconds until the pause ends (0 when there is none)."""
        with self._lock:
            return max(0.0, self.paused_until - self._clock())

    def observe(self, rate_limited):
        """An answer came back: told too often halves the width and pauses (each pause
        in a row twice the last); any other answer widens by one, and a full width
        forgets the pauses."""
        with self._lock:
            if rate_limited:
                now = self._clock()
                if (
                    now >= self.paused_until
                ):  # calls already in flight report the same limit
                    self.width = max(1.0, self.width / 2)
                    self.paused_until = now + self.pause
                    self.pause = min(PAUSE_MAX, self.pause * 2)
                return
            self.width = min(float(self.ceiling), self.width + 1)
            if self.width >= self.ceiling:
                self.pause = PAUSE_FIRST


class Throttles:
    """The Throttle of each account, made on first use."""

    def __init__(self):
        self._by_account = {}
        self._guard = threading.Lock()

    def get(self, account, ceiling):
        """The account's Throttle (one for all the threads that share this registry), at
        most `ceiling` wide."""
        with self._guard:
            found = self._by_account.get(account)
            if found is None:
                found = self._by_account[account] = Throttle(ceiling)
            found.ceiling = ceiling
            return found


# The process's: an account's workers slow down together, whichever pool they send from.
THROTTLES = Throttles()


class CallPool:
    """Work added by one caller thread, run on `executor(size)`'s threads within the
    bounds above; each account's throttle is the process's (THROTTLES)."""

    def __init__(self, size=DEFAULT_SIZE):
        self.size = max(1, min(int(size), MAX_SIZE))
        self._executor = executor(self.size)
        self._queued = collections.deque()  # (ticket, key, throttle, account, fn, args)
        self._running = {}  # future -> (ticket, key, throttle, account)
        self._busy_keys = set()
        self._in_flight = collections.Counter()

    def __len__(self):
        """Work added and not yet collected."""
        return len(self._queued) + len(self._running)

    def room(self):
        """How much more work the caller may add without it waiting for a thread."""
        return max(0, self.size - len(self))

    def add(self, ticket, key, account, fn, *args):
        """Run fn(*args) when the bounds allow; `collect` hands back (ticket, its answer
        or the exception it raised). `key`: what must not have two calls at once;
        `account`: whose throttle applies."""
        self._queued.append(
            (ticket, key, THROTTLES.get(account, self.size), account, fn, args)
        )
        self._start()

    def collect(self, timeout=None):
        """Wait until some work ends (at most `timeout` seconds, or until an account's
        pause ends when only paused work is left); [(ticket, answer or exception)] of
        what ended."""
        if not self._running:
            if not self._queued:
                return []
            pauses = [entry[2].wait() for entry in self._queued]
            time.sleep(min(pauses + [timeout if timeout is not None else PAUSE_MAX]))
            self._start()
            return []
        done, _pending = concurrent.futures.wait(
            list(self._running),
            timeout=timeout,
            return_when=concurrent.futures.FIRST_COMPLETED,
        )
        ended = []
        for future in done:
            ticket, key, account_throttle, account = self._running.pop(future)
            self._busy_keys.discard(key)
            self._in_flight[account] -= 1
            error = future.exception()
            answer = error if error is not None else future.result()
            account_throttle.observe(getattr(answer, "rate_limited", False))
            ended.append((ticket, answer))
        self._start()
        return ended

    def cancel_queued(self, tickets=None):
        """Drop work that has not started (all of it, or that of `tickets`): the tickets
        dropped."""
        dropped = [
            entry for entry in self._queued if tickets is None or entry[0] in tickets
        ]
        self._queued = collections.deque(
            entry for entry in self._queued if entry not in dropped
        )
        return [entry[0] for entry in dropped]

    def _start(self):
        """Start queued work, oldest first, as far as the bounds allow."""
        waiting = collections.deque()
        while self._queued and len(self._running) < self.size:
            entry = self._queued.popleft()
            ticket, key, account_throttle, account, fn, args = entry
            if key in self._busy_keys or not account_throttle.room(
                self._in_flight[account]
            ):
                waiting.append(entry)
                continue
            self._busy_keys.add(key)
            self._in_flight[account] += 1
            self._running[self._executor.submit(fn, *args)] = (
                ticket,
                key,
                account_throttle,
                account,
            )
        waiting.extend(self._queued)
        self._queued = waiting
