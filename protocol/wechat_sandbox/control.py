"""Client for the sandbox's /sandbox/ control endpoints (tests and demos)."""

import requests


class SandboxControl:
    """Reads what the sandbox accepted and switches its faults."""

    def __init__(self, url, timeout=(3.05, 10)):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()

    def __repr__(self):
        return f"SandboxControl({self.url!r})"

    def _call(self, method, path, **kwargs):
        response = self._session.request(
            method, self.url + path, timeout=self.timeout, **kwargs
        )
        response.raise_for_status()
        return response.json()

    def uploads(self, order=None):
        """Accepted uploads, oldest first; `order` filters by order key id."""
        params = {"order": order} if order is not None else None
        return self._call("GET", "/sandbox/uploads", params=params)

    def stats(self):
        """Request counts per path, token fetches, accepted count, pending faults, the
        latency and the rate limit with the count of calls it refused."""
        return self._call("GET", "/sandbox/stats")

    def tokens(self):
        """Every access token the sandbox issued since its last reset."""
        return self._call("GET", "/sandbox/tokens")

    def fault(self, kind, count=1, errcode=-1, seconds=0):
        """Make the next `count` API calls answer errcode, HTTP 500, or hang
        `seconds`."""
        return self._call(
            "POST",
            "/sandbox/faults",
            json={"kind": kind, "count": count, "errcode": errcode, "seconds": seconds},
        )

    def latency(self, ms):
        """Delay every later WeChat API call by `ms` milliseconds; the latency now in
        force."""
        return self._call("POST", "/sandbox/latency", json={"ms": ms})["latency_ms"]

    def latency_now(self):
        """The latency in force, in milliseconds."""
        return self._call("GET", "/sandbox/latency")["latency_ms"]

    def rate_limit(self, per_second, errcode=45009):
        """Answer `errcode` (45009 or 44990) to API calls beyond `per_second` in any
        one-second window, token calls excepted; 0 turns it off. The settings now in
        force."""
        return self._call(
            "POST",
            "/sandbox/rate_limit",
            json={"per_second": per_second, "errcode": errcode},
        )

    def expire_tokens(self):
        """Expire every issued token now."""
        return self._call("POST", "/sandbox/tokens/expire")

    def pay(self, openid, **key):
        """Register a payment as WeChat Pay knows it (`transaction_id`, `mchid` +
        `out_trade_no`, `paid_at`, `sub_orders`...); the payment as get_order shows
        it."""
        return self._call("POST", "/sandbox/payments", json={"openid": openid, **key})

    def pay_many(self, payments):
        """Register many payments in one call (bodies as `pay` takes them, at most
        payments.MAX_BULK): all or none; {registered, payments (the book's count)}."""
        return self._call(
            "POST", "/sandbox/payments/bulk", json={"payments": list(payments)}
        )

    def payments(self):
        """Every registered payment, with WeChat's side of its shipping."""
        return self._call("GET", "/sandbox/payments")

    def order_shape(self, shape):
        """How get_order and get_order_list answer until the next reset: "example"
        (WeChat's example answer's fields, the default) or "rich" (each parcel's
        goods_desc and contact too, as the SDKs' models allow)."""
        return self._call("POST", "/sandbox/order_shape", json={"shape": shape})

    def unknown_younger_than(self, seconds):
        """Payments younger than `seconds` are unknown to WeChat (10060001); 0 turns it
        off."""
        return self._call("POST", "/sandbox/payments/young", json={"seconds": seconds})

    def order_event(self, event, **key):
        """confirm_receipt, settle, refund, or remind_shipping (WeChat's 48-hour
        reminder, at once) the payment the key names; a push goes out when one is
        configured."""
        return self._call("POST", f"/sandbox/orders/{event}", json=key)

    def push_to(self, url, token, encoding_aes_key=None, fmt="json"):
        """Push Order Shipping Management's events to `url`, signed with `token`,
        encrypted in safe mode when an EncodingAESKey is given; `url` None stops
        pushing."""
        body = {"url": url, "token": token, "format": fmt}
        if encoding_aes_key:
            body["encoding_aes_key"] = encoding_aes_key
        return self._call("POST", "/sandbox/push", json=body)

    def pushes(self):
        """Every push sent since the last reset, with its query, body and the answer's
        status."""
        return self._call("GET", "/sandbox/pushes")

    def replay_push(self, index=-1):
        """Send a logged push again, byte for byte."""
        return self._call("POST", "/sandbox/pushes/replay", json={"index": index})

    def shopping_details(self, order=None):
        """The shopping details WeChat holds (Shopping Order family); `order` filters by
        key id."""
        params = {"order": order} if order is not None else None
        return self._call("GET", "/sandbox/shopping_details", params=params)

    def details_from_elsewhere(self, order_key, sub_orders=None):
        """Tell the sandbox that another system uploaded the shopping details of the
        order `order_key` names (a combined order: with its sub-orders' keys)."""
        body = {"order_key": order_key}
        if sub_orders is not None:
            body["sub_orders"] = [{"order_key": key} for key in sub_orders]
        return self._call("POST", "/sandbox/shopping_details/external", json=body)

    def reset(self):
        """Forget uploads, counts, faults, tokens and the rate limit; the latency goes
        back to the one given at start."""
        return self._call("POST", "/sandbox/reset")

    def close(self):
        self._session.close()
