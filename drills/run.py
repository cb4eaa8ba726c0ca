r"""Driver of scripts/drill: prepares the template database, runs the drills.

It prints a verdict per drill. Usage (through scripts/drill, which installs the
template database first):
    python -m drills.run --odoo-config CONF --template DB --run-dir DIR \
        --odoo-src SRC [DRILL...]"""

import argparse
import signal
import sys
import time
import traceback

from . import concurrency, crash, outage
from .common import APPID, ORDER_SHIPPING, Context, DrillFailed

# Each drill for each API family: "outage" uploads to Shopping Order, "outage-osm" to
# Order Shipping Management.
DRILLS = {
    f"{name}{suffix}": (run, family)
    for suffix, family in (("", "shopping_order"), ("-osm", ORDER_SHIPPING))
    for name, run in (
        ("outage", outage.run),
        ("concurrency", concurrency.run),
        ("crash", crash.run),
    )
}
# Confirmed, unshipped WeChat orders every drill database starts with.
TEMPLATE_ORDERS = 330


def _terminate(signum, frame):
    # Unwinds through the finally blocks that stop every process.
    raise SystemExit(128 + signum)


def main():
    # A command-line tool: the verdicts it prints are its output.
    # pylint: disable=print-used
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--odoo-config", required=True)
    parser.add_argument("--template", required=True)
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="the template already holds the orders (re-running drills by hand)",
    )
    parser.add_argument(
        "drills", nargs="*", help="any of {} (default: all)".format(", ".join(DRILLS))
    )
    args = parser.parse_args()
    unknown = set(args.drills) - set(DRILLS)
    if unknown:
        parser.error("unknown drill(s): {}".format(", ".join(sorted(unknown))))
    args.drills = args.drills or list(DRILLS)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)

    ctx = Context(args.odoo_config, args.template, args.run_dir, args.odoo_src)
    verdicts = []
    try:
        started = time.monotonic()
        if not args.prepared:
            # Two processes share the order creation (two cores); each numbers its own
            # orders.
            preparers = ctx.workers(args.template, "prepare-a", "prepare-b")
            data = preparers[0].call(
                "prepare", url="http://127.0.0.1:9", appid=APPID, secret=ctx.secret
            )
            data.pop("ok")
            for index, preparer in enumerate(preparers):
                preparer.send(
                    "create_orders",
                    count=TEMPLATE_ORDERS // len(preparers),
                    prefix="DRILL{}".format("AB"[index]),
                    **data,
                )
            for preparer in preparers:
                preparer.recv()
            ctx.stop_processes()
        print(
            f"drill: template {args.template} ready with {TEMPLATE_ORDERS} "
            f"confirmed WeChat orders ({time.monotonic() - started:.0f}s)",
            flush=True,
        )
        for name in args.drills:
            started = time.monotonic()

            def say(message, name=name, started=started):
                print(
                    f"  drill {name} [+{time.monotonic() - started:.0f}s]: {message}",
                    flush=True,
                )

            try:
                drill, ctx.family = DRILLS[name]
                figures = drill(ctx, say)
                verdict = f"PASS drill {name}: {figures}"
            except DrillFailed as exc:
                verdict = f"FAIL drill {name}: {exc}"
            except Exception as exc:  # noqa: BLE001 (a broken drill is a failed drill)
                traceback.print_exc()
                verdict = f"FAIL drill {name}: {type(exc).__name__}: {exc}"
            ctx.stop_processes()
            passed = verdict.startswith("PASS")
            ctx.finish(keep=not passed)
            verdicts.append(passed)
            print(f"{verdict} [{time.monotonic() - started:.0f}s]", flush=True)
    finally:
        ctx.close()
    return 0 if verdicts and all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
