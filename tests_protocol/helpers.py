"""What the protocol tier's tests share besides fixtures and bodies (builders): the
sandbox's credentials, raw token requests as WeChat documents them, and an address
nobody answers."""

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
