"""Figure 5: WeChat's state of 100,000 orders whose funds it holds brought current with
pushes off, by the hourly state sync, at each sandbox latency.

The orders are made with SQL (the ORM would take an hour): sale orders, every 50th a
combined order instead, paid over the last 30 days, confirmed, keyed by merchant order
number. WeChat's side is registered in the sandbox in bulk (POST
/sandbox/payments/bulk): each order's payment in one of the held states, plus a tenth
as many payments Odoo has no order of, paid among them: settled, one in ten awaiting
shipment, which the company's payment matcher (by order reference) looks for an order
of. What Odoo knows before
each run is reset the same way (SQL): WeChat's state for nine orders in ten, the state
before it for the tenth; the pay time for nine in ten (the others only their order
date, two minutes after payment); and one order in a thousand paid 40 days before its
order date, outside every slice, which only get_order finds. A run calls
`_cron_wechat_sync_states()` on a fresh cursor (auto_commit, the default time limit)
until nothing remains, as Odoo's cron does; it counts seconds, WeChat calls (the
sandbox's counts), SQL queries (the cursors' sql_log_count) and the share of orders
whose state is WeChat's afterwards."""

import statistics
import time

DAY = 86400
WINDOW = 30 * DAY
HELD_CODES = (1, 2, 3, 6)
STATE_NAMES = {
    1: "awaiting_shipment",
    2: "shipped",
    3: "receipt_confirmed",
    6: "awaiting_settlement",
}
BEFORE = {2: None, 3: 2, 6: 3, 1: None}  # the state before WeChat's, as Odoo knew it
LIST_PATH = "/wxa/sec/order/get_order_list"
GET_PATH = "/wxa/sec/order/get_order"
BULK = 20_000


class StateSyncBench:
    """Figure 5 on the bench's company and sandbox (bench: odoo_bench.Bench)."""

    # It commits what it made, as the set-up of the other figures does, so that the
    # cron's own cursors see it.
    # pylint: disable=invalid-commit

    def __init__(self, bench, orders, say):
        # Run as a script outside the addon's package, so it cannot import relatively.
        # pylint: disable=odoo-addons-relative-import
        from odoo.addons.wechat_shipping.demo.scenario import MCHID, OPENID

        self.mchid, self.openid = MCHID, OPENID
        self.say = say
        self.bench = bench
        self.env = bench.env
        self.cr = bench.env.cr
        self.orders = orders
        self.now = int(time.time())
        self.rows = []  # see plan()

    def plan(self):
        """What each order is: (code, number, paid_at, WeChat's state, Odoo's state,
        Odoo knows the pay time, order date)."""
        start = self.now - WINDOW
        for index in range(self.orders):
            paid_at = start + index * WINDOW // self.orders
            wechat = HELD_CODES[index * 7 % 4]
            odoo = wechat if index % 10 != 3 else BEFORE[wechat]
            date = paid_at + (120 if index % 10 == 7 else 0)
            if index % 1000 == 999:
                paid_at -= 40 * DAY  # only get_order finds it
            self.rows.append(
                (
                    "c" if index % 50 == 0 else "s",
                    f"SYNC{index:07d}",
                    paid_at,
                    wechat,
                    odoo,
                    index % 10 != 7,
                    date,
                )
            )

    def make(self):
        """The orders in Odoo (SQL) and their payments in the sandbox (bulk)."""
        start = time.perf_counter()
        self.plan()
        company = self.bench.company
        partner = self.bench.scenario.customer.id
        currency = company.currency_id.id
        for code, table in (("s", "sale_order"), ("c", "wechat_combined_order")):
            rows = [row for row in self.rows if row[0] == code]
            extra = (
                ", partner_id, partner_invoice_id, partner_shipping_id, date_order,"
                " picking_policy, state, currency_id"
                if code == "s"
                else ""
            )
            values = (
                f", {partner}, {partner}, {partner},"
                f" to_timestamp(d) at time zone 'utc', 'direct', 'sale', {currency}"
                if code == "s"
                else ""
            )
            self.cr.execute(
                f"""
                INSERT INTO {table}
                    (name, company_id, create_date, write_date, create_uid, write_uid,
                     wechat_order_number_type, wechat_mchid, wechat_out_trade_no,
                     wechat_payer_openid{extra})
                SELECT n, %(company)s, to_timestamp(d) at time zone 'utc',
                       now() at time zone 'utc', 1, 1, 'merchant_trade_number',
                       %(mchid)s, n, %(openid)s{values}
                  FROM unnest(%(numbers)s, %(dates)s) AS t(n, d)""",
                {
                    "company": company.id,
                    "mchid": self.mchid,
                    "openid": self.openid,
                    "numbers": [row[1] for row in rows],
                    "dates": [row[6] for row in rows],
                },
            )
        self.reset_odoo()
        company.write(
            {"wechat_merchant_ids": self.mchid, "wechat_payment_match": "name"}
        )
        self.cr.execute("ANALYZE sale_order")
        self.cr.execute("ANALYZE wechat_combined_order")
        self.cr.commit()
        made = time.perf_counter() - start
        payments = [
            {
                "openid": self.openid,
                "mchid": self.mchid,
                "out_trade_no": row[1],
                "paid_at": row[2],
                "order_state": row[3],
            }
            for row in self.rows
        ]
        payments += [
            {
                "openid": self.openid,
                "mchid": self.mchid,
                "out_trade_no": f"ELSEWHERE{index:07d}",
                "paid_at": self.now - WINDOW + index * WINDOW * 10 // self.orders,
                "order_state": 1 if index % 10 == 0 else 4,
            }
            for index in range(self.orders // 10)
        ]
        self.bench.control.reset()
        for first in range(0, len(payments), BULK):
            self.bench.control.pay_many(payments[first : first + BULK])
        return {"orders_made_seconds": made, "payments": len(payments)}

    def reset_odoo(self):
        """What Odoo knows before a run: states and pay times as planned, no pass under
        way."""
        for code, table in (("s", "sale_order"), ("c", "wechat_combined_order")):
            rows = [row for row in self.rows if row[0] == code]
            self.cr.execute(
                f"""
                UPDATE {table} o
                   SET wechat_order_state = t.s,
                       wechat_paid_at = CASE WHEN t.k
                           THEN to_timestamp(t.p) at time zone 'utc' END
                  FROM unnest(%s, %s::varchar[], %s::bool[], %s::bigint[])
                       AS t(n, s, k, p)
                 WHERE o.wechat_out_trade_no = t.n""",
                [
                    [row[1] for row in rows],
                    [STATE_NAMES.get(row[4]) for row in rows],
                    [row[5] for row in rows],
                    [row[2] for row in rows],
                ],
            )
        self.cr.execute(
            "DELETE FROM ir_config_parameter"
            " WHERE key LIKE 'wechat_shipping.state_sync_cursor.%%'"
        )
        self.cr.commit()
        self.env.registry.clear_cache()
        self.env.invalidate_all()

    def run(self, latency_ms):
        """One pass over every held order, as the cron makes it, then the next pass
        (nothing changed since): their figures."""
        self.reset_odoo()
        self.bench.control.latency(latency_ms)
        figures = self.one_pass(latency_ms)
        again = self.one_pass(latency_ms)
        figures.update(
            {f"again_{name}": again[name] for name in ("seconds", "queries", "changed")}
        )
        return figures

    def one_pass(self, latency_ms):
        """A pass of the cron, called until nothing remains."""
        before = self.bench.control.stats()["requests"]
        queries = calls = changed = 0
        start = time.perf_counter()
        remaining = True
        while remaining:
            with self.bench.fresh() as env:
                report = env["sale.order"]._cron_wechat_sync_states()
                queries += env.cr.sql_log_count
            remaining = report.remaining
            changed += report.changed
            calls += 1
            if report.failures:
                raise SystemExit(f"bench: state sync failed: {report.failures[:3]}")
        elapsed = time.perf_counter() - start
        after = self.bench.control.stats()["requests"]
        return {
            "latency_ms": latency_ms,
            "seconds": elapsed,
            "cron_calls": calls,
            "list_calls": after.get(LIST_PATH, 0) - before.get(LIST_PATH, 0),
            "get_order_calls": after.get(GET_PATH, 0) - before.get(GET_PATH, 0),
            "queries": queries,
            "changed": changed,
            "share": self.share(),
        }

    def share(self):
        """The share of the orders whose WeChat Order State is WeChat's."""
        expected = {row[1]: STATE_NAMES[row[3]] for row in self.rows}
        self.cr.execute(
            "SELECT wechat_out_trade_no, wechat_order_state FROM sale_order"
            " WHERE wechat_out_trade_no LIKE 'SYNC%%'"
            " UNION ALL SELECT wechat_out_trade_no, wechat_order_state"
            " FROM wechat_combined_order WHERE wechat_out_trade_no LIKE 'SYNC%%'"
        )
        right = sum(
            1 for number, state in self.cr.fetchall() if expected[number] == state
        )
        return right / len(expected)

    def figures(self, latencies, runs):
        figures = {"orders": self.orders, **self.make(), "by_latency": {}}
        for latency in latencies:
            results = [self.run(latency) for _run in range(runs)]
            for result in results:
                self.say(
                    "figure 5 at %(latency_ms)d ms: %(seconds).1f s, %(cron_calls)d"
                    " cron calls, %(list_calls)d list pages, %(get_order_calls)d"
                    " get_order, %(queries)d queries, %(changed)d states written,"
                    " share %(share).4f; the next pass %(again_seconds).1f s,"
                    " %(again_queries)d queries" % result
                )
            figures["by_latency"][str(latency)] = {
                "runs": results,
                **{
                    f"{name}_median": statistics.median([r[name] for r in results])
                    for name in (
                        "seconds",
                        "list_calls",
                        "get_order_calls",
                        "queries",
                        "share",
                        "changed",
                        "cron_calls",
                        "again_seconds",
                        "again_queries",
                    )
                },
            }
        return figures
