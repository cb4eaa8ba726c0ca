"""What the protocol tier's tests share besides fixtures and bodies (builders): the
sandbox's credentials, raw token requests as WeChat documents them, and an address
nobody answers."""

import json
import pathlib
import socket

import requests
from wechat_protocol import endpoints

APPID = "wxsandbox0000001"
SECRET = "sandbox-secret-DO-NOT-LEAK-7f3a"
_CREDENTIALS = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}


def stable_token(url, **fields):
    """The JSON answer to POST stable_token with the sandbox's credentials (`fields`
    override or add)."""
    return requests.post(
        url + endpoints.STABLE_TOKEN, timeout=5, json={**_CREDENTIALS, **fields}
    ).json()


def classic_token(url, **params):
    """The JSON answer to GET token with the sandbox's credentials (`params` override or
    add)."""
    return requests.get(
        url + endpoints.TOKEN, timeout=5, params={**_CREDENTIALS, **params}
    ).json()


def closed_port_url():
    """URL of a loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


EXAMPLES = pathlib.Path(__file__).parent / "wechat_examples"


def wechat_example_text(name):
    """A body of WeChat's published examples as copied (wechat_examples/, sources.json
    names where each was copied from). Some copies start with a byte-order mark, which
    is the copy's, not WeChat's: it is read off, the rest is as WeChat wrote it."""
    return (EXAMPLES / name).read_text(encoding="utf-8-sig")


def wechat_example(name):
    """wechat_example_text(name), parsed."""
    return json.loads(wechat_example_text(name))
