"""The README's screenshots, taken from the demo (scripts/demo) with headless Chromium.

Starts the demo (about 2 min: it builds its database first), logs in as admin and writes
into docs/screenshots/:
  delivery-banner.png  a delivery whose WeChat upload needs attention, with the reason
  uploads-list.png     the WeChat Uploads list as it opens (those that need attention)
  settings.png         Inventory settings, block WeChat Shipping
  reconciliation.png   Inventory > Operations > WeChat > Reconciliation, after pressing
                       Reconcile with WeChat, every group open
  funds-report.png     Sales > Reporting > WeChat Funds Awaiting Settlement as it opens
then stops the demo. --url uses a demo that is already running instead.

Chromium is driven through the DevTools protocol on a pipe (--remote-debugging-pipe): no
port, no extra Python package."""

import argparse
import base64
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

# A command-line tool: what it prints is its output.
# pylint: disable=print-used

ROOT = Path(__file__).resolve().parent.parent
# scripts/screenshots sets both to the checkout's demo.
RUN_DIR = Path(os.environ["WECHAT_SHIPPING_RUN_DIR"])
WIDTH, HEIGHT = 1400, 900
# True once the condition holds and the web client has nothing in flight.
IDLE = """(() => ({condition}) && document.readyState === "complete"
  && document.fonts.status === "loaded"
  && !document.querySelector(".o_loading_indicator, .o_blockUI"))()"""


def shown(selector):
    """A JavaScript condition: the element is on the page and visible."""
    return f"Boolean(document.querySelector({json.dumps(selector)})?.offsetParent)"


class Failure(Exception):
    """Stops the run with one line on stderr."""


class Chromium:
    """Headless Chromium and one page of it, spoken to through the DevTools protocol on
    a pipe: JSON messages ended by a NUL byte, commands in on fd 3, answers and events
    out on fd 4."""

    def __init__(self, binary, profile):
        if not os.access(binary, os.X_OK):
            raise Failure(
                f"no Chromium at {binary} "
                "(install Debian's chromium or pass --chromium)"
            )
        commands, self._to_browser = os.pipe()
        self._from_browser, answers = os.pipe()
        # Copies, never numbered 3 or 4: dup2 onto 3 and 4 then clears close-on-exec.
        fds = (os.dup(commands), os.dup(answers))
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            preexec_fn=lambda: (os.dup2(fds[0], 3), os.dup2(fds[1], 4)),
            close_fds=False,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in (commands, answers, *fds):
            os.close(fd)
        self._buffer, self._last_id, self.session = b"", 0, None
        try:
            page = next(
                t
                for t in self.call("Target.getTargets")["targetInfos"]
                if t["type"] == "page"
            )
            self.session = self.call(
                "Target.attachToTarget", targetId=page["targetId"], flatten=True
            )["sessionId"]
        except BaseException:
            self.close()
            raise

    def call(self, method, timeout=30, **params):
        """Send a command (to the page once attached) and return its result."""
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._last_id:  # anything else is an event
                if "error" in answer:
                    raise Failure(
                        f"Chromium refused {method}: {answer['error'].get('message')}"
                    )
                return answer["result"]

    def _read(self, deadline):
        while b"\0" not in self._buffer:
            if not select.select(
                [self._from_browser], [], [], max(0, deadline - time.monotonic())
            )[0]:
                raise Failure("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise Failure("Chromium exited (run it by hand to see why)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        """Stop Chromium (it stops its helper processes), then whatever of them is
        left."""
        self.session = None
        with contextlib.suppress(Failure, OSError):
            self.call("Browser.close", timeout=10)
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)
        stop_group(self.process, signal.SIGTERM, grace=10)


def stop_group(process, sig, grace):
    """Signal a process group, wait for its leader, then kill whatever of the group is
    left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            print(
                f"screenshots: process {process.pid} ignored {sig.name} "
                f"for {grace} s; killed",
                file=sys.stderr,
            )
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def start_demo(log_path, http_port, sandbox_port):
    """Start scripts/demo in its own process group; return it and Odoo's URL."""
    url = f"http://127.0.0.1:{http_port}"
    print(f"screenshots: starting the demo on {url} (log {log_path}; about 2 min)")
    with open(log_path, "wb") as log:
        demo = subprocess.Popen(
            [
                "bash",
                str(ROOT / "scripts/demo"),
                "--http-port",
                str(http_port),
                "--sandbox-port",
                str(sandbox_port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return demo, url


def wait_for_demo(demo, log_path, timeout):
    """Wait until the demo says that Odoo answers (it prints "Ctrl-C stops" then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = log_path.read_text(errors="replace")
        if demo.poll() is not None:
            last = (log.strip().splitlines() or ["no output"])[-1]
            raise Failure(
                f"the demo stopped (exit {demo.returncode}): "
                f"{last} (all of it in {log_path})"
            )
        if "Ctrl-C stops" in log:
            return
        time.sleep(1)
    raise Failure(f"Odoo did not answer within {timeout} s; see {log_path}")


def stop_demo(demo):
    """Ctrl-C, as in a terminal: the demo stops Odoo and the sandbox itself."""
    stop_group(demo, signal.SIGINT, grace=30)


def rpc(session, url, path, **params):
    """Odoo's JSON-RPC: the result, or a Failure with Odoo's message."""
    try:
        answer = session.post(
            f"{url}{path}",
            timeout=30,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
        )
        answer = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise Failure(f"{url}{path} did not answer ({type(error).__name__})") from None
    if "error" in answer:
        error = answer["error"]
        message = error.get("data", {}).get("message") or error
        raise Failure(f"{url}{path}: {message}")
    return answer["result"]


def login(url, db, user, password):
    """An Odoo session (requests) logged in through JSON-RPC."""
    session = requests.Session()
    if not rpc(
        session, url, "/web/session/authenticate", db=db, login=user, password=password
    ).get("uid"):
        raise Failure(f"cannot log in to {url} as {user}")
    return session


def attention_delivery(session, url):
    """The id of a delivery whose WeChat upload needs attention (the demo ships one)."""
    # wechat_upload_state is computed, not searchable: read the done deliveries' states.
    deliveries = rpc(
        session,
        url,
        "/web/dataset/call_kw",
        model="stock.picking",
        method="search_read",
        args=[[("state", "=", "done")]],
        kwargs={"fields": ["wechat_upload_state"], "order": "id"},
    )
    for picking in deliveries:
        if picking["wechat_upload_state"] == "attention":
            return picking["id"]
    raise Failure(f"no delivery of {url} has a WeChat upload that needs attention")


def wait_for(browser, condition, what, timeout):
    """Wait until the condition has held, the web client idle, for a second (animations
    over)."""
    deadline, since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        idle = browser.call(
            "Runtime.evaluate",
            expression=IDLE.format(condition=condition),
            returnByValue=True,
        )
        if idle["result"].get("value") is True:
            since = since or time.monotonic()
            if time.monotonic() - since > 1:
                return
        else:
            since = None
        time.sleep(0.2)
    raise Failure(f"{what} within {timeout} s")


def show(browser, url, selector, timeout):
    """Open a page and wait until it shows the selector."""
    browser.call("Page.navigate", url=url)
    wait_for(browser, shown(selector), f"{url} did not show {selector}", timeout)


def run(browser, script):
    """Run JavaScript in the page (statements; the value they return comes back)."""
    answer = browser.call(
        "Runtime.evaluate", expression=f"(() => {{ {script} }})()", returnByValue=True
    )
    return answer["result"].get("value")


def capture(browser, path, down_to=None):
    """A PNG of the window, or of its top down to the lowest end of the elements down_to
    (plus a margin)."""
    params = {"format": "png"}
    if down_to:
        bottom = browser.call(
            "Runtime.evaluate",
            returnByValue=True,
            expression=(
                f"Math.max(...[...document.querySelectorAll({json.dumps(down_to)})]"
                ".map(el => el.getBoundingClientRect().bottom))"
            ),
        )["result"]["value"]
        size = browser.call("Page.getLayoutMetrics")["cssVisualViewport"]
        params["clip"] = {
            "x": 0,
            "y": 0,
            "width": size["clientWidth"],
            "scale": 1,
            "height": min(size["clientHeight"], bottom + 16),
        }
    path.write_bytes(
        base64.b64decode(browser.call("Page.captureScreenshot", **params)["data"])
    )
    print(f"screenshots: wrote {path}")


def reconciliation(browser, url, out, timeout):
    """Press Reconcile with WeChat (the demo's sandbox holds payments of each kind),
    open every group of the list and take it."""
    show(
        browser,
        f"{url}/odoo/action-wechat_shipping.wechat_reconciliation_line_action",
        "button[name=action_reconcile]",
        timeout,
    )
    run(browser, 'document.querySelector("button[name=action_reconcile]").click();')
    wait_for(
        browser,
        shown(".o_list_view .o_group_header"),
        "Reconcile with WeChat listed no payment",
        timeout,
    )
    # One group at a time: opening one renders the list again.
    folded = ".o_list_view .o_group_header:not(.o_group_open)"
    while run(
        browser,
        f"const group = document.querySelector({json.dumps(folded)});"
        "if (group) { group.click(); } return Boolean(group);",
    ):
        wait_for(
            browser,
            "true",
            "a group of the reconciliation did not open",
            timeout,
        )
    capture(browser, out / "reconciliation.png", down_to=".o_list_view .o_list_table")


def funds_report(browser, url, out, timeout):
    """The funds report as it opens, whichever view it opens in."""
    show(
        browser,
        f"{url}/odoo/action-wechat_shipping.sale_order_action_wechat_settlement",
        ".o_action_manager .o_view_controller .o_content",
        timeout,
    )
    time.sleep(1)  # a chart draws itself after the data came
    capture(browser, out / "funds-report.png")


def take(browser, session, url, out, timeout):
    """Log the browser in with the session's cookie and take the shots."""
    browser.call(
        "Network.setCookie",
        name="session_id",
        value=session.cookies["session_id"],
        url=url,
    )
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=WIDTH,
        height=HEIGHT,
        deviceScaleFactor=1,
        mobile=False,
    )
    picking = attention_delivery(session, url)
    show(
        browser,
        f"{url}/odoo/action-stock.action_picking_tree_all/{picking}",
        ".o_form_view .alert-danger",
        timeout,
    )
    capture(browser, out / "delivery-banner.png", down_to=".o_form_view .o_notebook")

    # As it opens: with its default filter, and its search panel when it has one.
    show(
        browser,
        f"{url}/odoo/action-wechat_shipping.wechat_shipping_upload_action",
        ".o_list_view .o_data_row",
        timeout,
    )
    capture(
        browser,
        out / "uploads-list.png",
        down_to=".o_list_view .o_list_table, .o_search_panel_section",
    )
    reconciliation(browser, url, out, timeout)
    funds_report(browser, url, out, timeout)
    settings(browser, url, out, timeout)


def settings(browser, url, out, timeout):
    """The addon's blocks of the Inventory settings, found by their settings' ids (all
    `wechat_...`; the blocks' titles are translated), in a window as tall as they
    are."""
    blocks = ".o_settings_container:has([id^=wechat_])"
    show(
        browser,
        f"{url}/odoo/action-stock.action_stock_config_settings",
        blocks,
        timeout,
    )
    # From the first block's title to the last block's end, plus the navigation bar and
    # the control panel above them.
    height = run(
        browser,
        f"const found = [...document.querySelectorAll({json.dumps(blocks)})];"
        "const top = found[0].previousElementSibling.getBoundingClientRect().top;"
        "return Math.ceil(found.at(-1).getBoundingClientRect().bottom - top);",
    )
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        width=WIDTH,
        height=max(HEIGHT, height + 300),
        deviceScaleFactor=1,
        mobile=False,
    )
    run(
        browser,
        f"document.querySelector({json.dumps(blocks)})"
        ".previousElementSibling.scrollIntoView();",
    )
    wait_for(browser, shown(blocks), "the settings did not settle", timeout)
    capture(browser, out / "settings.png", down_to=blocks)


def chinese_font():
    """Fail unless a Chinese font is installed: the demo's names would show as boxes."""
    if not shutil.which("fc-list"):
        return  # no fontconfig to ask
    found = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    )
    if not found.stdout.strip():
        raise Failure(
            "no Chinese font for Chromium (apt-get install "
            "fonts-noto-cjk): the demo's names would show as boxes"
        )


def interrupted(signum, frame):
    """Ctrl-C or a TERM: stop as after an error, the demo and Chromium with it."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(
        prog="scripts/screenshots",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "docs/screenshots",
        help="where the PNG files go (default: docs/screenshots/ of this checkout)",
    )
    parser.add_argument(
        "--url",
        help="a running demo's Odoo, e.g. http://127.0.0.1:8069 (not started then)",
    )
    parser.add_argument(
        "--http-port",
        type=int,
        default=8069,
        help="the demo's Odoo port (default: %(default)s)",
    )
    parser.add_argument(
        "--sandbox-port",
        type=int,
        default=8765,
        help=(
            "the demo's WeChat sandbox port, shown "
            "in the settings (default: %(default)s)"
        ),
    )
    parser.add_argument(
        "--db",
        default=os.environ["WECHAT_SHIPPING_DEMO_DB"],
        help="default: the checkout's demo database, %(default)s",
    )
    parser.add_argument(
        "--chromium",
        default=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        help="default: $CHROMIUM or %(default)s",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=60,
        help="seconds a page may take (default: %(default)s)",
    )
    args = parser.parse_args()
    # Also when started in the background, where SIGINT is ignored until a handler is
    # set.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    started, demo, browser = time.monotonic(), None, None
    with tempfile.TemporaryDirectory(prefix="ws_screenshots.") as profile:
        try:
            # first: fail before the demo when missing
            browser = Chromium(args.chromium, profile)
            chinese_font()
            url = args.url
            if not url:
                RUN_DIR.mkdir(parents=True, exist_ok=True)
                demo, url = start_demo(
                    RUN_DIR / "screenshots-demo.log", args.http_port, args.sandbox_port
                )
                wait_for_demo(demo, RUN_DIR / "screenshots-demo.log", timeout=900)
            args.out.mkdir(parents=True, exist_ok=True)
            take(
                browser,
                login(url.rstrip("/"), args.db, "admin", "admin"),
                url.rstrip("/"),
                args.out,
                args.timeout,
            )
        except Failure as error:
            print(f"screenshots: FAILED: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("screenshots: interrupted", file=sys.stderr)
            return 130
        finally:
            if browser:
                browser.close()
            if demo:
                stop_demo(demo)
    print(f"screenshots: done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
