"""Protocol tier: plain pytest, no Odoo. `wechat_protocol` and `wechat_sandbox` are the
installed distribution wechat-shipping-protocol (protocol/, installed editable by
scripts/setup)."""

import pytest
from helpers import APPID, SECRET, stable_token


@pytest.fixture(scope="module")
def sandbox_server():
    """One in-process sandbox per test module, on a free port."""
    from wechat_sandbox.server import start

    server = start(appid=APPID, secret=SECRET)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server, monkeypatch):
    """The module's sandbox, reset, and the process's token cache empty: a fresh one, as
    a new process starts with (the sandbox forgot the tokens it issued)."""
    from wechat_protocol import tokens

    sandbox_server.state.reset()
    monkeypatch.setattr(tokens, "CACHE", tokens.TokenCache())
    return sandbox_server


@pytest.fixture
def token(sandbox):
    """A stable access token of the fresh sandbox, asked for as WeChat documents it."""
    return stable_token(sandbox.url)["access_token"]


@pytest.fixture
def control(sandbox):
    """SandboxControl on the fresh sandbox."""
    from wechat_sandbox.control import SandboxControl

    ctl = SandboxControl(sandbox.url)
    yield ctl
    ctl.close()
