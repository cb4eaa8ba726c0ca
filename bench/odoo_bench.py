"""Figures 1 and 2 in a dedicated Odoo database, against the sandbox running as its own
process.

1. Validation overhead: outgoing deliveries of WeChat sale orders (1 to 3 lines)
   validated one by one, each in its own transaction like one click in the UI
   (button_validate, flush, commit; the cache is cold at each start because commit
   clears it), with the company's `wechat_auto_upload` on or off. On and off alternate
   in blocks (ABBA order, mirrored each round) so that drift (tables growing, other
   load on the machine) hits both alike. Orders are created and their pickings
   prepared (quantities, tracking number) outside the timer.
2. Drain: the deliveries of figure 1 (all shipped) are queued again and sent to the
   sandbox by `_cron_send_due()` called in a loop with auto_commit=True until nothing
   is due, as the cron does, with the sandbox answering each call after a latency (0,
   50 and 200 ms by default: WeChat is 20-50 ms from a server in mainland China,
   150-250 ms from one abroad). Then SQL queries per upload for orders of 10 lines and
   of 100 lines (each shipped as two parcels, so every item is on the wire), counted
   with the cursor's sql_log_count.
4. Backlog: the same drain with 100,000 other uploads due behind it (rows made with
   SQL), against none: queries per upload and the peak of Python memory (tracemalloc)
   must not grow with it.

Run by scripts/bench through odoo_python; writes its figures as JSON to --out."""

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import secrets
import statistics
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import odoo_session
from state_sync_bench import StateSyncBench
from wechat_protocol import tokens
from wechat_sandbox.control import SandboxControl
from wechat_sandbox.process import SandboxProcess

import odoo
from odoo import SUPERUSER_ID, api, fields

APPID = "wxbench0000000001"
SECRET = "bench-secret-" + secrets.token_hex(8)
SMALL_PRODUCTS = 20
BIG_LINES = 100


HOOK_SECONDS = [0.0]


def time_queue_hook():
    """Add the time spent in stock.picking._wechat_queue_uploads (the addon's part of a
    validation) to HOOK_SECONDS."""
    # Run as a script outside the addon's package, so it cannot import relatively.
    # pylint: disable=odoo-addons-relative-import
    from odoo.addons.wechat_shipping.models import stock_picking

    original = stock_picking.StockPicking._wechat_queue_uploads

    def _wechat_queue_uploads(self):
        start = time.perf_counter()
        try:
            return original(self)
        finally:
            HOOK_SECONDS[0] += time.perf_counter() - start

    stock_picking.StockPicking._wechat_queue_uploads = _wechat_queue_uploads


def say(message):
    # A command-line tool: what it prints is its output.
    # pylint: disable=print-used
    print("bench: " + message, flush=True)


def median(values):
    return statistics.median(values) if values else None


class Bench:
    # It commits as a click in the UI and the upload cron do: that is what it measures.
    # pylint: disable=invalid-commit

    def __init__(self, env, sandbox_url, args):
        # Run as a script outside the addon's package, so it cannot import relatively.
        # pylint: disable=odoo-addons-relative-import
        from odoo.addons.wechat_shipping.demo.scenario import Scenario

        self.env = env
        self.cr = env.cr
        self.args = args
        self.control = SandboxControl(sandbox_url)
        self.scenario = Scenario(
            env, sandbox_url, APPID, SECRET, prefix="B" + secrets.token_hex(3)
        )
        self.company = self.scenario.company
        # stock_sms asks once per company, outside tests, whether to text customers (a
        # wizard instead of a validation) and then texts them through IAP: not what is
        # measured here.
        self.company.stock_move_sms_validation = False
        # The figures measure shipping: another system gives WeChat the shopping details
        # here (the sandbox is told so before each drain), as the earlier figures were
        # made.
        self.company.wechat_shopping_details_by = "other"
        self.products = [
            self.scenario.product(f"Bench item {index}", f"BI-{index:03d}")
            for index in range(BIG_LINES)
        ]
        self.Upload = env["wechat.shipping.upload"]
        self.serial = 0
        self.cr.commit()

    # ------------------------------------------------------------------ helpers

    def small_order(self, index):
        """One to three lines, quantities 1 to 3, among the first SMALL_PRODUCTS
        products."""
        lines = [
            (self.products[(index * 7 + line * 3) % SMALL_PRODUCTS], 1 + line)
            for line in range(1 + index % 3)
        ]
        return self.scenario.order(lines)

    def tracking(self):
        self.serial += 1
        return f"SF{self.serial:013d}"

    def prepare(self, picking):
        """What Scenario.ship does before validating: tracking number, quantities,
        picked."""
        picking.carrier_tracking_ref = self.tracking()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True

    @contextlib.contextmanager
    def fresh(self):
        """A new cursor and environment, as an HTTP request or a cron run gets;
        committed at the end.

        Timed work never runs on the set-up cursor: a transaction keeps every
        environment made in it (one per context, e.g. per button_validate) and Odoo
        scans them all whenever it makes another, which would slow the later
        measurements down."""
        # the set-up transaction's snapshot must not hide what comes next
        self.cr.commit()
        with self.env.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})
        self.env.invalidate_all()

    def set_families(self, families):
        """Which WeChat APIs the company uploads to from now on (order_shipping,
        shopping_order, both)."""
        self.company.wechat_families = families
        self.cr.commit()

    def set_auto_upload(self, on):
        self.company.wechat_auto_upload = on
        self.cr.commit()

    def park_due(self, keep=()):
        """Push every due upload except `keep` a day ahead, so a drain sends only what
        it measures."""
        self.Upload.flush_model()
        self.cr.execute(
            "UPDATE wechat_shipping_upload SET next_attempt_at = %s"
            " WHERE state IN ('pending', 'retrying') AND NOT (id = ANY(%s))",
            [fields.Datetime.now() + timedelta(days=1), list(keep) or [0]],
        )
        self.cr.commit()

    # ------------------------------------------------------------------ figure 1

    def validation(self, deliveries, rounds, block):
        results = {
            "on": [],
            "off": [],
            "ratio": [],
            "on_core": [],
            "off_core": [],
            "ratio_core": [],
            "on_queries": [],
            "off_queries": [],
            "on_each_ms": [],
            "off_each_ms": [],
            "ratio_each": [],
            "on_hook_ms": [],
            "off_hook_ms": [],
        }
        shipped = []
        for round_index in range(rounds):
            start = time.perf_counter()
            orders = [
                self.small_order(len(shipped) + index)
                for index in range(2 * deliveries)
            ]
            picking_ids = []
            for order in orders:
                self.prepare(order.picking_ids)
                picking_ids.extend(order.picking_ids.ids)
            self.cr.commit()
            if len(picking_ids) != 2 * deliveries:
                raise SystemExit(
                    "bench: expected one delivery per order, got %d" % len(picking_ids)
                )
            made = time.perf_counter() - start
            total = {True: 0.0, False: 0.0}
            core = {True: 0.0, False: 0.0}
            queries = {True: 0, False: 0}
            done = {True: [], False: []}
            each = {True: [], False: []}
            hook = {True: 0.0, False: 0.0}
            blocks = [
                picking_ids[i : i + block] for i in range(0, len(picking_ids), block)
            ]
            for block_index, ids in enumerate(blocks):
                # ABBA ABBA ... in even rounds, BAAB BAAB ... in odd ones.
                on = (block_index % 4 in (0, 3)) != bool(round_index % 2)
                self.set_auto_upload(on)
                for picking_id in ids:
                    with self.fresh() as env:
                        picking = env["stock.picking"].browse(picking_id)
                        count = env.cr.sql_log_count
                        HOOK_SECONDS[0] = 0.0
                        t0 = time.perf_counter()
                        picking.with_context(
                            skip_backorder=True, skip_sms=True
                        ).button_validate()
                        env.flush_all()
                        t1 = time.perf_counter()
                        env.cr.commit()
                        t2 = time.perf_counter()
                        queries[on] += env.cr.sql_log_count - count
                    core[on] += t1 - t0
                    total[on] += t2 - t0
                    each[on].append(t2 - t0)
                    hook[on] += HOOK_SECONDS[0]
                    done[on].append(picking_id)
            self.check_validated(done)
            shipped.extend(o.id for o in orders)
            results["on"].append(total[True])
            results["off"].append(total[False])
            results["ratio"].append(total[True] / total[False])
            results["on_core"].append(core[True])
            results["off_core"].append(core[False])
            results["ratio_core"].append(core[True] / core[False])
            results["on_queries"].append(queries[True] / len(done[True]))
            results["off_queries"].append(queries[False] / len(done[False]))
            results["on_each_ms"].append(1000 * median(each[True]))
            results["off_each_ms"].append(1000 * median(each[False]))
            results["ratio_each"].append(median(each[True]) / median(each[False]))
            results["on_hook_ms"].append(1000 * hook[True] / len(done[True]))
            results["off_hook_ms"].append(1000 * hook[False] / len(done[False]))
            say(
                "figure 1 round %d/%d: on %.2f s, off %.2f s, ratio %.3f; "
                "addon hook %.1f ms/delivery (orders made in %.0f s)"
                % (
                    round_index + 1,
                    rounds,
                    total[True],
                    total[False],
                    total[True] / total[False],
                    results["on_hook_ms"][-1],
                    made,
                )
            )
        self.set_auto_upload(True)
        return {
            "deliveries": deliveries,
            "rounds": rounds,
            "block": block,
            **{key: values for key, values in results.items()},
            **{key + "_median": median(values) for key, values in results.items()},
        }, shipped

    def check_validated(self, done):
        """Every delivery done; an upload per WeChat API queued for each one validated
        with auto-upload on only."""
        pickings = self.env["stock.picking"].browse(done[True] + done[False])
        if set(pickings.mapped("state")) != {"done"}:
            raise SystemExit(
                "bench: some deliveries were not validated: {}".format(
                    set(pickings.mapped("state"))
                )
            )
        on = self.Upload.search_count(
            [("sale_order_id", "in", pickings.browse(done[True]).sale_id.ids)]
        )
        off = self.Upload.search_count(
            [("sale_order_id", "in", pickings.browse(done[False]).sale_id.ids)]
        )
        expected = len(done[True]) * len(self.company._wechat_family_names())
        if on != expected or off:
            raise SystemExit(
                f"bench: expected {expected} queued uploads and 0, got {on} and {off}"
            )

    # ------------------------------------------------------------------ figure 2

    def drain(
        self, upload_ids, profile=None, latency_ms=0, backlog=False, memory=False
    ):
        """Queue these uploads again and send them all as the cron would, the sandbox
        answering after `latency_ms`; figures of that drain. `backlog`: other due
        uploads wait behind these (they go first, and the drain stops once they are
        sent); `memory`: trace Python's memory (slower: no time figure then)."""
        uploads = self.Upload.browse(upload_ids)
        if not backlog:
            self.park_due(keep=upload_ids)
        uploads._request_upload(trigger=False)
        uploads.flush_recordset()
        # The sandbox forgets what it holds (reset below), so Odoo forgets what it
        # sent: an upload WeChat holds unchanged is never sent again.
        self.cr.execute(
            "UPDATE wechat_shipping_upload"
            "   SET next_attempt_at = now() at time zone 'utc' - interval '1 day',"
            "       request_body = NULL"
            " WHERE id = ANY(%s)",
            [list(upload_ids)],
        )
        self.cr.commit()
        self.control.reset()
        self.control.latency(latency_ms)
        for order in uploads.sale_order_id:
            self.control.details_from_elsewhere(
                {
                    "order_number_type": 1,
                    "mchid": order.wechat_mchid,
                    "out_trade_no": order.wechat_out_trade_no,
                }
            )
        # no token held, as in a worker just started
        tokens.CACHE = tokens.TokenCache()
        queries = calls = 0
        if profile:
            profile.enable()
        if memory:
            tracemalloc.start()
        start = time.perf_counter()
        due = len(upload_ids)
        while due:
            # One cron run per batch, each on its own cursor as the scheduler runs it.
            with self.fresh() as env:
                Upload = env["wechat.shipping.upload"]
                Upload._cron_send_due(
                    batch_size=due if backlog else None, auto_commit=True
                )
                due = (
                    Upload.search_count(
                        [("id", "in", upload_ids), ("state", "!=", "sent")]
                    )
                    if backlog
                    else Upload._count_due()
                )
                queries += env.cr.sql_log_count
            calls += 1
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if memory else None
        if memory:
            tracemalloc.stop()
        if profile:
            profile.disable()
        accepted = self.control.stats()["uploads_accepted"]
        sent = self.Upload.search_count(
            [("id", "in", upload_ids), ("state", "=", "sent")]
        )
        if accepted != len(upload_ids) or sent != len(upload_ids):
            raise SystemExit(
                f"bench: drain of {len(upload_ids)} uploads: "
                f"sandbox accepted {accepted}, {sent} sent"
            )
        stats = self.control.stats()
        return {
            "uploads": len(upload_ids),
            "seconds": elapsed,
            "per_second": len(upload_ids) / elapsed,
            "queries_per_upload": queries / len(upload_ids),
            "cron_calls": calls,
            "latency_ms": latency_ms,
            "in_flight_peak": stats["in_flight_peak"],
            "peak_kib": peak / 1024 if peak else None,
        }

    def throughput(self, order_ids, size, runs, latencies):
        orders = self.env["sale.order"].browse(order_ids)
        missing = size - len(orders)
        if missing > 0:
            say("figure 2: shipping %d more orders" % missing)
            extra = [self.small_order(len(orders) + index) for index in range(missing)]
            for order in extra:
                self.scenario.ship(order.picking_ids, self.tracking())
            orders |= self.env["sale.order"].concat(*extra)
            self.cr.commit()
        orders = orders[:size]
        upload_ids = self.drain_upload_ids = self.Upload._for_orders(orders).ids
        self.cr.commit()
        figures = {
            "uploads": size,
            "calls_in_flight": self.Upload._pool_size(),
            "by_latency": {},
        }
        for latency in latencies:
            drains = []
            for run in range(runs):
                drains.append(self.drain(upload_ids, latency_ms=latency))
                say(
                    "figure 2 drain %d/%d at %d ms: %d uploads in %.2f s, "
                    "%.0f/s, %.1f queries/upload, %d calls at once at most"
                    % (
                        run + 1,
                        runs,
                        latency,
                        size,
                        drains[-1]["seconds"],
                        drains[-1]["per_second"],
                        drains[-1]["queries_per_upload"],
                        drains[-1]["in_flight_peak"],
                    )
                )
            figures["by_latency"][str(latency)] = {
                "latency_ms": latency,
                "runs": drains,
                "per_second_median": median([d["per_second"] for d in drains]),
                "seconds_median": median([d["seconds"] for d in drains]),
                "queries_per_upload_median": median(
                    [d["queries_per_upload"] for d in drains]
                ),
            }
        return figures

    def backlog(self, upload_ids, filler, runs):
        """The drain of `upload_ids` with no other upload due, then with `filler`
        more due behind them: queries per upload and peak Python memory of each
        (figure 4)."""
        figures = {"uploads": len(upload_ids), "backlog": filler}
        for name, rows in (("none", 0), ("filler", filler)):
            if rows:
                self.add_filler(rows)
            drains = [
                self.drain(upload_ids, backlog=bool(rows), memory=True)
                for _run in range(runs)
            ]
            figures[name] = {
                "due_behind": self.Upload._count_due(),
                "queries_per_upload": [d["queries_per_upload"] for d in drains],
                "queries_per_upload_median": median(
                    [d["queries_per_upload"] for d in drains]
                ),
                "peak_mib": [d["peak_kib"] / 1024 for d in drains],
                "peak_mib_median": median([d["peak_kib"] / 1024 for d in drains]),
                "seconds_median": median([d["seconds"] for d in drains]),
            }
            say(
                "figure 4: drain of %d uploads with %d more "
                "due behind: %.1f queries/upload, peak %.1f MiB"
                % (
                    len(upload_ids),
                    figures[name]["due_behind"],
                    figures[name]["queries_per_upload_median"],
                    figures[name]["peak_mib_median"],
                )
            )
        self.cr.execute(
            "DELETE FROM wechat_shipping_upload WHERE combined_order_id IN"
            " (SELECT id FROM wechat_combined_order WHERE name LIKE 'BACKLOG-%%')"
        )
        self.cr.execute(
            "DELETE FROM wechat_combined_order WHERE name LIKE 'BACKLOG-%%'"
        )
        self.cr.commit()
        return figures

    def add_filler(self, rows):
        """`rows` due uploads of as many combined orders, made with SQL (the ORM would
        take an hour)."""
        start = time.perf_counter()
        self.cr.execute(
            """
            WITH made AS (
                INSERT INTO wechat_combined_order
                            (name, company_id, create_date, write_date)
                SELECT 'BACKLOG-' || n, %(company)s,
                       now() at time zone 'utc', now() at time zone 'utc'
                  FROM generate_series(1, %(rows)s) n RETURNING id)
            INSERT INTO wechat_shipping_upload
                        (name, family, company_id, combined_order_id, state, revision,
                         claimed_revision, attempt_count, in_doubt, next_attempt_at)
            SELECT 'BACKLOG', 'order_shipping', %(company)s, id, 'pending', 1, 0, 0,
                   false, now() at time zone 'utc' - interval '1 minute'
              FROM made""",
            {"company": self.company.id, "rows": rows},
        )
        self.cr.execute("ANALYZE wechat_shipping_upload")
        self.cr.commit()
        say(
            "figure 4: %d more uploads due, made in %.1f s"
            % (rows, time.perf_counter() - start)
        )

    def big_orders(self, lines, count):
        """`count` orders of `lines` products, each delivered in two packages (two
        parcels)."""
        products = self.products[:lines]
        halves = [products[: lines // 2], products[lines // 2 :]]
        orders = []
        for _index in range(count):
            order = self.scenario.order([(product, 1) for product in products])
            self.scenario.ship(
                order.picking_ids,
                f"{self.tracking()},{self.tracking()}",
                packages=halves,
            )
            orders.append(order)
        self.cr.commit()
        return self.Upload._for_orders(self.env["sale.order"].concat(*orders)).ids

    def queries_by_lines(self, count, runs):
        start = time.perf_counter()
        groups = {
            10: self.big_orders(10, count),
            BIG_LINES: self.big_orders(BIG_LINES, count),
        }
        say(
            "figure 2: %d orders of 10 and of %d lines shipped in %.0f s"
            % (count, BIG_LINES, time.perf_counter() - start)
        )
        self.check_wire(groups)
        results = {lines: [] for lines in groups}
        for _run in range(runs):
            for lines, upload_ids in groups.items():
                results[lines].append(self.drain(upload_ids))
        figures = {
            lines: {
                "orders": count,
                "queries_per_upload": [d["queries_per_upload"] for d in drains],
                "queries_per_upload_median": median(
                    [d["queries_per_upload"] for d in drains]
                ),
                "ms_per_upload_median": median(
                    [1000 * d["seconds"] / d["uploads"] for d in drains]
                ),
            }
            for lines, drains in results.items()
        }
        ratio = (
            figures[BIG_LINES]["queries_per_upload_median"]
            / figures[10]["queries_per_upload_median"]
        )
        say(
            "figure 2: queries/upload %.1f (10 lines) vs %.1f (%d lines), ratio %.2f"
            % (
                figures[10]["queries_per_upload_median"],
                figures[BIG_LINES]["queries_per_upload_median"],
                BIG_LINES,
                ratio,
            )
        )
        return {"10": figures[10], str(BIG_LINES): figures[BIG_LINES], "ratio": ratio}

    def check_wire(self, groups):
        """The big orders really put all their items on the wire (split delivery, two
        parcels)."""
        self.drain(groups[BIG_LINES][:1])
        body = self.control.uploads()[-1]["body"]
        items = [
            item
            for parcel in body["shipping_list"]
            for item in parcel.get("item_list", ())
        ]
        if body["delivery_mode"] != 2 or len(items) != BIG_LINES:
            raise SystemExit(
                "bench: a %d-line order went out with %d items in mode %s"
                % (BIG_LINES, len(items), body["delivery_mode"])
            )

    def profile(self, upload_ids, path):
        profile = cProfile.Profile()
        figures = self.drain(upload_ids, profile=profile)
        profile.dump_stats(path)
        text = io.StringIO()
        stats = pstats.Stats(path, stream=text)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        Path(path + ".txt").write_text(text.getvalue())
        say(
            "profile of one drain of %d uploads (%.2f s under cProfile): %s.txt"
            % (len(upload_ids), figures["seconds"], path)
        )
        return figures


def latencies(args):
    """The sandbox latencies asked for (ms)."""
    return [int(value) for value in args.latency.split(",") if value.strip()]


def state_sync(bench, args, asked):
    """Figure 5 at 0 ms and at the largest latency asked for (200 by default)."""
    bench.set_families("both")
    chosen = sorted({0, max(asked)})
    return StateSyncBench(bench, args.held, say).figures(chosen, args.held_runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--deliveries", type=int, default=200, help="per mode and round (figure 1)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--block", type=int, default=10, help="deliveries per on/off block"
    )
    parser.add_argument(
        "--drain", type=int, default=1000, help="uploads per drain (figure 2)"
    )
    parser.add_argument("--drain-runs", type=int, default=3)
    parser.add_argument(
        "--line-orders", type=int, default=50, help="orders of 10 and of 100 lines"
    )
    parser.add_argument("--line-runs", type=int, default=2)
    parser.add_argument(
        "--latency",
        default="0,50,200",
        help="sandbox latencies of figure 2 (ms, comma-separated)",
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=100_000,
        help="uploads due behind the drain (figure 4)",
    )
    parser.add_argument(
        "--backlog-drain", type=int, default=300, help="uploads drained in figure 4"
    )
    parser.add_argument(
        "--profile", help="cProfile one drain of the figure-2 uploads into this file"
    )
    parser.add_argument(
        "--held",
        type=int,
        default=100_000,
        help="orders whose funds WeChat holds, brought current by the state sync "
        "(figure 5; 0 skips it)",
    )
    parser.add_argument("--held-runs", type=int, default=3)
    parser.add_argument(
        "--only-state-sync",
        action="store_true",
        help="figure 5 alone (figures 1-4 skipped)",
    )
    args = odoo_session.parse_args(parser)
    odoo.modules.module.initialize_sys_path()

    time_queue_hook()
    sandbox = SandboxProcess(APPID, SECRET).start()
    try:
        with odoo_session.environment(args.odoo_database) as env:
            env.cr.execute("SHOW server_version")
            figures = {"postgresql": env.cr.fetchone()[0], "odoo": odoo.release.version}
            bench = Bench(env, sandbox.url, args)
            if args.only_state_sync:
                figures["state_sync"] = state_sync(bench, args, latencies(args))
                Path(args.out).write_text(json.dumps(figures, indent=1))
                return
            start = time.perf_counter()
            # Validation with both APIs on: each delivery queues two uploads. The drains
            # below measure Shopping Order uploads (Order Shipping Management ones make
            # the same calls).
            bench.set_families("both")
            figures["validation"], shipped = bench.validation(
                args.deliveries, args.rounds, args.block
            )
            bench.set_families("shopping_order")
            figures["validation"]["seconds_total"] = time.perf_counter() - start
            start = time.perf_counter()
            figures["drain"] = bench.throughput(
                shipped, args.drain, args.drain_runs, latencies(args)
            )
            figures["queries"] = bench.queries_by_lines(
                args.line_orders, args.line_runs
            )
            if args.backlog:
                figures["backlog"] = bench.backlog(
                    bench.drain_upload_ids[: args.backlog_drain], args.backlog, 2
                )
            figures["drain"]["seconds_total"] = time.perf_counter() - start
            if args.profile:
                figures["profile"] = bench.profile(bench.drain_upload_ids, args.profile)
            if args.held:
                figures["state_sync"] = state_sync(bench, args, latencies(args))
    finally:
        sandbox.stop()
    Path(args.out).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
