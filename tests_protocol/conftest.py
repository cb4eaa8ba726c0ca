"""Protocol tier: plain pytest, no Odoo. The addon root goes on sys.path so that the plain
Python packages (`wechat_protocol`, `wechat_sandbox`) import without the addon itself."""
import sys
from pathlib import Path

ADDON_ROOT = Path(__file__).resolve().parent.parent
if str(ADDON_ROOT) not in sys.path:
    sys.path.insert(0, str(ADDON_ROOT))

import pytest  # noqa: E402

APPID = "wxsandbox0000001"
SECRET = "sandbox-secret-DO-NOT-LEAK-7f3a"


@pytest.fixture(scope="module")
def sandbox_server():
    """One in-process sandbox per test module, on a free port."""
    from wechat_sandbox.server import start

    server = start(appid=APPID, secret=SECRET)
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server):
    """The module's sandbox, reset, with the process-wide token cache emptied."""
    from wechat_protocol import tokens

    sandbox_server.state.reset()
    tokens.clear_cache()
    yield sandbox_server
    tokens.clear_cache()


@pytest.fixture
def control(sandbox):
    """SandboxControl on the fresh sandbox."""
    from wechat_sandbox.control import SandboxControl

    ctl = SandboxControl(sandbox.url)
    yield ctl
    ctl.close()
