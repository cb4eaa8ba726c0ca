"""HTTP sessions: one requests.Session per thread, so calls made from a pool of threads
each keep their own connections to WeChat open from one call to the next."""

import threading

import requests

_local = threading.local()


def thread_session():
    """The calling thread's requests.Session (made on first use)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session
