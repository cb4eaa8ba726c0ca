"""WeChat's message push, from the sandbox's side: events of Order Shipping Management
sent, signed and in safe mode encrypted, to the URL a control endpoint gives (a
merchant's server).
 Events go out after the state's lock is released, one HTTP POST each (5 s timeout,
as WeChat waits), and every attempt is logged with the answer's status for tests to
read."""

import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from wechat_protocol import push

TIMEOUT = (3.05, 5)
MAX_LOG = 1000


@dataclass(frozen=True)
class Target:
    """Where pushes go and how they are encoded."""

    url: str
    settings: push.PushSettings
    xml: bool = False


def event_message(appid, payment, event, now, **extra):
    """An event of `payment` (a payments.Payment) as WeChat words it."""
    return {
        "ToUserName": appid,
        "FromUserName": payment.openid,
        "CreateTime": now,
        "MsgType": "event",
        "Event": event,
        "transaction_id": payment.transaction_id,
        "merchant_id": payment.mchid or "",
        "sub_merchant_id": payment.sub_mchid or "",
        "merchant_trade_no": payment.out_trade_no or "",
        "pay_time": payment.paid_at,
        **extra,
    }


class Pusher:
    """The push target and the log of what was pushed."""

    def __init__(self):
        self._lock = threading.Lock()
        self.target: Target | None = None
        self.log: list[dict] = []
        self._session = requests.Session()

    def configure(self, body, appid) -> dict:
        """{url, token, encoding_aes_key?, format: json|xml}; None url stops pushing."""
        if not isinstance(body, dict):
            raise ValueError(
                "expected {url, token, encoding_aes_key?, format?: json|xml}"
            )
        if body.get("url") is None:
            self.target = None
            return {"pushing": False}
        url, token, key = (
            body.get("url"),
            body.get("token"),
            body.get("encoding_aes_key"),
        )
        if (
            not isinstance(url, str)
            or urlsplit(url).scheme not in ("http", "https")
            or not urlsplit(url).hostname
        ):
            raise ValueError("url: an http(s) address")
        if (
            not isinstance(token, str)
            or not 3 <= len(token) <= 32
            or not token.isalnum()
        ):
            raise ValueError(
                "token: 3 to 32 letters and digits, as WeChat's console takes"
            )
        if key is not None:
            push.aes_key(key)  # raises ValueError with what is wrong
        if body.get("format", "json") not in ("json", "xml"):
            raise ValueError("format: json or xml")
        self.target = Target(
            url, push.PushSettings(token, appid, key), body.get("format") == "xml"
        )
        return {
            "pushing": True,
            "url": url,
            "safe_mode": key is not None,
            "format": body.get("format", "json"),
        }

    def send(self, message: dict) -> dict | None:
        """POST one event to the target, as WeChat would; the log entry, or None when
        not pushing."""
        target = self.target
        if target is None:
            return None
        now = int(time.time())
        nonce = secrets.token_hex(8)
        raw = push.encode_body(message, target.xml)
        encrypted = None
        if target.settings.encoding_aes_key:
            key = push.aes_key(target.settings.encoding_aes_key)
            encrypted = push.encrypt(key, target.settings.appid, raw)
            envelope = {
                "ToUserName": message.get("ToUserName", ""),
                "Encrypt": encrypted,
            }
            raw = push.encode_body(envelope, target.xml)
        query = push.push_query(target.settings, now, nonce, encrypted)
        return self.post(target.url, query, raw, event=message.get("Event"))

    def post(self, url, query, raw, event=None) -> dict:
        """POST a prepared push (a replay sends one again exactly); logged with its
        answer."""
        entry = {
            "event": event,
            "url": url,
            "query": query,
            "body": raw.decode("utf-8"),
            "sent_at": time.time(),
        }
        try:
            response = self._session.post(
                url,
                params=query,
                data=raw,
                timeout=TIMEOUT,
                headers={
                    "Content-Type": "text/xml"
                    if raw.startswith(b"<")
                    else "application/json"
                },
            )
            entry.update(status=response.status_code, answer=response.text[:200])
        except requests.RequestException as error:
            entry.update(status=None, answer=type(error).__name__)
        with self._lock:
            self.log.append(entry)
            del self.log[:-MAX_LOG]
        return entry

    def replay(self, index) -> dict:
        """Send logged push number `index` again, byte for byte (WeChat retries and
        repeats)."""
        with self._lock:
            if (
                not isinstance(index, int)
                or isinstance(index, bool)
                or not -len(self.log) <= index < len(self.log)
            ):
                raise ValueError("index: a position in the push log")
            entry = self.log[index]
        return self.post(
            entry["url"], entry["query"], entry["body"].encode("utf-8"), entry["event"]
        )

    def entries(self) -> list[dict]:
        with self._lock:
            return [dict(entry) for entry in self.log]
