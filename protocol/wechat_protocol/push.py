"""WeChat's message push (消息推送) to the Mini Program's server URL: the URL check,
signatures, safe mode's AES-256-CBC envelope, JSON and XML bodies.

WeChat signs every call with the message Token: `signature = sha1(sorted(token,
timestamp, nonce))`; in safe mode the body carries `Encrypt`, signed as `msg_signature =
sha1(sorted(token, timestamp, nonce, Encrypt))`, and decrypts under the EncodingAESKey
(43 characters: base64 of the 32-byte key without its `=`) to 16 random bytes, the
message's length (4 bytes, big-endian), the message and the AppID. The cipher is
`cryptography`'s; nothing here is hand-written crypto."""

import base64
import hashlib
import hmac
import json
import os
import struct
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# WeChat pads to 32-byte blocks (PKCS#7 with a block of 32), not AES's 16.
PAD_BLOCK = 32
MAX_BODY_BYTES = 64 * 1024  # an event is well under 2 KiB
MAX_AGE_SECONDS = 300  # a push older (or later) than this is a replay or a wrong clock
PAYMENT_ID_FIELDS = (
    "transaction_id",
    "merchant_id",
    "sub_merchant_id",
    "merchant_trade_no",
)


class PushRefused(ValueError):
    """A push Odoo must not act on: `status` is the HTTP status to answer, `reason` why
    (English, bounded, never quoting the body)."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key of an EncodingAESKey; ValueError unless it is 43 base64
    characters."""
    if not isinstance(encoding_aes_key, str) or len(encoding_aes_key) != 43:
        raise ValueError("an EncodingAESKey is 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except ValueError:
        raise ValueError(
            "an EncodingAESKey is base64 (letters, digits, + and /)"
        ) from None
    if len(key) != 32:
        raise ValueError("an EncodingAESKey decodes to 32 bytes")
    return key


def signature(token: str, *parts: str) -> str:
    """sha1 of the token and the parts, sorted and joined: `signature` (timestamp,
    nonce) or `msg_signature` (timestamp, nonce, Encrypt)."""
    return hashlib.sha1("".join(sorted([token, *parts])).encode("utf-8")).hexdigest()


def signed(token: str, expected: str, *parts: str) -> bool:
    """Whether `expected` is the signature of the parts, compared in constant time."""
    return isinstance(expected, str) and hmac.compare_digest(
        signature(token, *parts), expected.lower()
    )


def encrypt(
    key: bytes, appid: str, message: bytes, random16: bytes | None = None
) -> str:
    """The base64 `Encrypt` of a message for `appid` (as WeChat, or the sandbox, sends
    it)."""
    plain = (
        (random16 or os.urandom(16))
        + struct.pack(">I", len(message))
        + message
        + appid.encode("utf-8")
    )
    pad = PAD_BLOCK - len(plain) % PAD_BLOCK
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(
        encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
    ).decode("ascii")


def decrypt(key: bytes, appid: str, encrypted: str) -> bytes:
    """The message inside `Encrypt`; PushRefused(400) when it is not WeChat's envelope
    for `appid`."""
    try:
        data = base64.b64decode(encrypted, validate=True)
    except (ValueError, TypeError):
        raise PushRefused(400, "Encrypt is not base64") from None
    if not data or len(data) % 16:
        raise PushRefused(400, "Encrypt is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if (
        not 1 <= pad <= PAD_BLOCK
        or plain[-pad:] != bytes([pad]) * pad
        or len(plain) - pad < 20
    ):
        raise PushRefused(400, "Encrypt does not decrypt under this EncodingAESKey")
    plain = plain[:-pad]
    (length,) = struct.unpack(">I", plain[16:20])
    message, rest = plain[20 : 20 + length], plain[20 + length :]
    if len(message) != length:
        raise PushRefused(400, "Encrypt holds a truncated message")
    if not hmac.compare_digest(rest, appid.encode("utf-8")):
        raise PushRefused(403, "the encrypted message is for another AppID")
    return message


def encode_body(message: dict, xml: bool = False) -> bytes:
    """A flat message as a JSON object, or as WeChat's `<xml>` (texts escaped, no CDATA
    needed)."""
    if not xml:
        return json.dumps(message, ensure_ascii=False).encode("utf-8")
    fields = "".join(
        f"<{key}>{escape(str(value))}</{key}>" for key, value in message.items()
    )
    return f"<xml>{fields}</xml>".encode()


def parse_body(raw: bytes) -> dict:
    """A push body, JSON or XML (`<xml><Field>value</Field>...</xml>`), as a flat dict
    of texts and numbers; PushRefused(400) for anything else."""
    if len(raw) > MAX_BODY_BYTES:
        raise PushRefused(413, "body larger than %d bytes" % MAX_BODY_BYTES)
    text = raw.strip()
    if text.startswith(b"{"):
        try:
            data = json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise PushRefused(400, "body is not JSON") from None
        if not isinstance(data, dict):
            raise PushRefused(400, "body is not a JSON object")
        try:
            # JSON's escapes can carry half a UTF-16 pair ("\ud800"), which no UTF-8
            # text (a signature, a database query) can hold.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise PushRefused(400, "body holds an unpaired surrogate") from None
        return data
    if text.startswith(b"<"):
        if b"<!DOCTYPE" in text.upper() or b"<!ENTITY" in text.upper():
            raise PushRefused(400, "XML body declares a document type")
        try:
            root = ElementTree.fromstring(text)
        except ElementTree.ParseError:
            raise PushRefused(400, "body is not XML") from None
        if root.tag != "xml" or any(len(child) for child in root):
            raise PushRefused(400, "XML body is not WeChat's flat <xml> message")
        return {child.tag: (child.text or "").strip() for child in root}
    raise PushRefused(400, "body is neither JSON nor XML")


def payment_ids(message: dict) -> dict:
    """The ids naming a payment in a pushed event, or in an order of get_order and
    get_order_list, which name it alike: transaction_id, merchant_id, sub_merchant_id
    (a service provider's sub-merchant; empty for a direct merchant's payment) and
    merchant_trade_no, each as text ('' when absent, or neither text nor a number)."""
    return {name: _id_text(message.get(name)) for name in PAYMENT_ID_FIELDS}


def _id_text(value) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a JSON body may give a merchant id as a number
    return ""


@dataclass(frozen=True)
class PushSettings:
    """What a server needs to check WeChat's pushes: the message Token, the
    EncodingAESKey (None in plain mode) and the AppID the encrypted messages must
    name."""

    token: str
    appid: str
    encoding_aes_key: str | None = None


def url_check(settings: PushSettings, query: dict, now: float) -> str:
    """The `echostr` to answer WeChat's URL check (GET), or PushRefused."""
    _check_signature(settings, query, now)
    echostr = query.get("echostr")
    if not isinstance(echostr, str) or not echostr or len(echostr) > 128:
        raise PushRefused(400, "echostr missing")
    return echostr


def read_event(settings: PushSettings, query: dict, raw: bytes, now: float) -> dict:
    """The event a POST carries, checked: signature and age, and in safe mode
    msg_signature, decryption and AppID; PushRefused when any check fails."""
    _check_signature(settings, query, now)
    body = parse_body(raw)
    encrypted = body.get("Encrypt")
    if encrypted is None:
        if settings.encoding_aes_key and query.get("encrypt_type") == "aes":
            raise PushRefused(400, "safe mode push without Encrypt")
        return body
    if not settings.encoding_aes_key:
        raise PushRefused(400, "encrypted push, but no EncodingAESKey is set")
    if not isinstance(encrypted, str) or not signed(
        settings.token,
        query.get("msg_signature"),
        query["timestamp"],
        query["nonce"],
        encrypted,
    ):
        raise PushRefused(403, "msg_signature does not match")
    return parse_body(
        decrypt(aes_key(settings.encoding_aes_key), settings.appid, encrypted)
    )


def _check_signature(settings: PushSettings, query: dict, now: float) -> None:
    timestamp, nonce = query.get("timestamp"), query.get("nonce")
    if (
        not isinstance(timestamp, str)
        or not timestamp.isdigit()
        or not isinstance(nonce, str)
        or not nonce
    ):
        raise PushRefused(400, "timestamp or nonce missing")
    if not signed(settings.token, query.get("signature"), timestamp, nonce):
        raise PushRefused(403, "signature does not match")
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        raise PushRefused(
            403, "timestamp more than %d s away from now" % MAX_AGE_SECONDS
        )


def push_query(
    settings: PushSettings, timestamp: int, nonce: str, encrypted: str | None = None
) -> dict:
    """The query string WeChat signs a push with (the sandbox sends pushes this way)."""
    query = {
        "timestamp": str(timestamp),
        "nonce": nonce,
        "signature": signature(settings.token, str(timestamp), nonce),
    }
    if encrypted is not None:
        query.update(
            encrypt_type="aes",
            msg_signature=signature(settings.token, str(timestamp), nonce, encrypted),
        )
    return query
