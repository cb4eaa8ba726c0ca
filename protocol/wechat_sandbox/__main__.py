"""Command line: python -m wechat_sandbox [--host H] [--port P] [--appid A] [--secret S]
[--latency MS]."""

import argparse
import contextlib
import signal
import sys

from .server import DEFAULT_APPID, DEFAULT_SECRET, SandboxServer, latency_value
from .state import MAX_LATENCY_MS


def _stop(signum, frame):
    raise KeyboardInterrupt  # unwinds serve_forever() in the main thread


def _latency(text):
    """argparse type of --latency: milliseconds, 0 to MAX_LATENCY_MS."""
    try:
        ms = latency_value(float(text))
    except ValueError:
        ms = None
    if ms is None:
        raise argparse.ArgumentTypeError(
            "a number of milliseconds, 0 to %d" % MAX_LATENCY_MS
        )
    return ms


def main(argv=None):
    """Serve until SIGINT or SIGTERM; the first stdout line gives the URL."""
    # A command-line tool: a parent process reads its first line for the URL.
    # pylint: disable=print-used
    parser = argparse.ArgumentParser(
        prog="python -m wechat_sandbox", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--appid", default=DEFAULT_APPID)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    parser.add_argument(
        "--latency",
        type=_latency,
        default=0,
        metavar="MS",
        help="delay every WeChat API call by MS milliseconds",
    )
    args = parser.parse_args(argv)
    server = SandboxServer(
        (args.host, args.port), args.appid, args.secret, args.latency
    )
    signal.signal(signal.SIGTERM, _stop)
    print(
        f"wechat sandbox listening on http://{args.host}:{server.server_address[1]}",
        flush=True,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):  # how SIGINT and SIGTERM stop it
            server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    print("wechat sandbox stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
