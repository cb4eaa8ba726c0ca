"""Protocol tier: plain pytest, no Odoo. The addon root goes on sys.path so that the plain
Python packages (`wechat_protocol`, `wechat_sandbox`) import without the addon itself."""
import sys
from pathlib import Path

ADDON_ROOT = Path(__file__).resolve().parent.parent
if str(ADDON_ROOT) not in sys.path:
    sys.path.insert(0, str(ADDON_ROOT))

import pytest  # noqa: E402
from helpers import APPID, SECRET, stable_token  # noqa: E402


@pytest.fixture(scope="module")
def sandbox_server():
    """One in-process sandbox per test module, on a free port."""
    from wechat_sandbox.server import start

    server = start(appid=APPID, secret=SECRET)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server, monkeypatch):
    """The module's sandbox, reset, and the process's token cache empty: a fresh one, as a new
    process starts with (the sandbox forgot the tokens it issued)."""
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
