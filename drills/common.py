"""Plumbing shared by the drills: databases, Odoo worker processes, the sandbox,
checks."""

import collections
import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql
from wechat_protocol.endpoints import SHIPPING as SHIPPING_PATHS
from wechat_protocol.rfc3339 import parse_rfc3339
from wechat_sandbox.control import SandboxControl
from wechat_sandbox.process import SandboxProcess

ADDON_ROOT = Path(__file__).resolve().parent.parent

APPID = "wxdrill0000000001"
OPENID = (
    "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"  # the payer of every drill order (demo/scenario.py)
)
ORDER_SHIPPING = "order_shipping"


class DrillFailed(Exception):
    """A drill's check failed; the message says which and with what figures."""


def check(condition, message):
    if not condition:
        raise DrillFailed(message)


def deliveries(orders, prefix):
    """[picking id, tracking number] of each order's delivery: `prefix` and the
    order's number."""
    return [[o["picking"], f"{prefix}{o['order']:09d}"] for o in orders]


def validate_all(warehouse, orders, prefix):
    """Validate the delivery of each of `orders` in committed batches, its tracking
    number `prefix` and the order's number; check that all were validated."""
    answer = warehouse.call("validate_batches", deliveries=deliveries(orders, prefix))
    check(
        answer["validated"] == len(orders),
        f"{answer['validated']} of {len(orders)} deliveries validated",
    )


def _die_with_parent():
    # Linux prctl(PR_SET_PDEATHSIG, SIGKILL): a worker never outlives the driver.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


class Worker:
    """An Odoo process (drills/worker.py) answering JSON commands, one line each."""

    def __init__(self, ctx, database, name):
        self.name = name
        self.log_path = ctx.run_dir / (f"{database}-{name}.log")
        self._log = open(self.log_path, "ab")
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(
                filter(
                    None,
                    [
                        ctx.odoo_src,
                        str(ADDON_ROOT / "scripts"),
                        os.environ.get("PYTHONPATH"),
                    ],
                )
            ),
        )
        self.process = subprocess.Popen(
            [
                ctx.python,
                str(ADDON_ROOT / "drills" / "worker.py"),
                "--name",
                name,
                "--odoo-config",
                ctx.odoo_config,
                "--odoo-database",
                database,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            cwd=ctx.run_dir,
            env=env,
            preexec_fn=_die_with_parent,
        )
        ctx.processes.append(self)
        self.pid = self.process.pid

    def __repr__(self):
        return f"Worker({self.name}, pid {self.pid})"

    def ready(self):
        answer = self._read()
        check(answer.get("ready") == self.name, f"{self} did not start: {answer!r}")
        return self

    def send(self, cmd, **kwargs):
        self.process.stdin.write(json.dumps({"cmd": cmd, **kwargs}) + "\n")
        self.process.stdin.flush()

    def recv(self):
        answer = self._read()
        check(
            answer.get("ok"),
            "{}: {} (see {})".format(self.name, answer.get("error"), self.log_path),
        )
        return answer

    def call(self, cmd, **kwargs):
        self.send(cmd, **kwargs)
        return self.recv()

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise DrillFailed(
                f"{self} exited (code {self.process.wait()}); see {self.log_path}"
            )
        return json.loads(line)

    def log_count(self, text):
        """How many lines of this process's log contain `text`."""
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return sum(text in line for line in log)

    def kill(self):
        """SIGKILL, as the OOM killer or a power cut would: no cleanup of any kind."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            try:
                self.send("exit")
                self.process.wait(timeout=20)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._log.close()


class Database:
    """Direct SQL on a drill database, to observe the queue as an administrator
    would."""

    def __init__(self, name):
        self.name = name
        self.conn = psycopg2.connect(dbname=name)
        self.conn.autocommit = True

    def rows(self, query, params=()):
        with self.conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else []

    def scalar(self, query, params=()):
        return self.rows(query, params)[0][0]

    def states(self):
        return collections.Counter(
            dict(
                self.rows(
                    "SELECT state, count(*) FROM wechat_shipping_upload GROUP BY state"
                )
            )
        )

    def upload_keys(self, where="TRUE"):
        """Order key id (as the sandbox names it) of the uploads matching `where`."""
        return {
            key
            for (key,) in self.rows(
                "SELECT 'mch:' || so.wechat_mchid || ':' || so.wechat_out_trade_no"
                "  FROM wechat_shipping_upload u"
                "  JOIN sale_order so ON so.id = u.sale_order_id"
                " WHERE " + where
            )
        }

    def tracking(self):
        """Order key id -> tracking number of its (one) done delivery."""
        return dict(
            self.rows(
                "SELECT 'mch:' || so.wechat_mchid || ':' || so.wechat_out_trade_no,"
                "       sp.carrier_tracking_ref"
                "  FROM stock_picking sp JOIN sale_order so ON so.id = sp.sale_id"
                " WHERE sp.state = 'done'"
            )
        )

    def cron_interval_seconds(self):
        number, unit = self.rows(
            "SELECT c.interval_number, c.interval_type FROM ir_cron c"
            "  JOIN ir_model_data d ON d.res_id = c.id AND d.model = 'ir.cron'"
            " WHERE d.module = 'wechat_shipping'"
            "   AND d.name = 'ir_cron_wechat_shipping_upload'"
        )[0]
        return number * {"minutes": 60, "hours": 3600, "days": 86400}[unit]

    def advance_clock(self, seconds):
        """Let `seconds` pass for the queue: every due date and lease moves that much
        earlier.
         Used between scheduled cron runs instead of sleeping through the cron
        interval."""
        self.rows(
            "UPDATE wechat_shipping_upload"
            "   SET next_attempt_at = next_attempt_at - make_interval(secs => %(s)s),"
            "       claimed_until = claimed_until - make_interval(secs => %(s)s),"
            "       last_attempt_at = last_attempt_at - make_interval(secs => %(s)s),"
            "       sent_at = sent_at - make_interval(secs => %(s)s)",
            {"s": seconds},
        )

    def close(self):
        self.conn.close()


class Context:
    """What a drill run owns: the template database, processes, and where logs go."""

    def __init__(self, odoo_config, template, run_dir, odoo_src, python=sys.executable):
        self.odoo_config = odoo_config
        self.template = template
        self.run_dir = Path(run_dir)
        self.odoo_src = odoo_src
        self.python = python
        self.secret = "drill-secret-" + os.urandom(6).hex()
        self.family = "shopping_order"  # the WeChat API the drill's company uploads to
        self.processes = []
        self.sandboxes = []
        self.databases = []

    def database(self, suffix):
        """A fresh copy of the template database for one drill."""
        name = f"{self.template}_{suffix}"
        admin = psycopg2.connect(dbname="postgres")
        admin.autocommit = True
        with admin.cursor() as cr:
            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
            )
            cr.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(self.template)
                )
            )
        admin.close()
        database = Database(name)
        self.databases.append(database)
        return database

    def drop(self, database):
        database.close()
        admin = psycopg2.connect(dbname="postgres")
        admin.autocommit = True
        with admin.cursor() as cr:
            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(
                    sql.Identifier(database.name)
                )
            )
        admin.close()

    def workers(self, database, *names):
        """Start Odoo processes on a database together; return them once all are
        ready."""
        started = [Worker(self, database, name) for name in names]
        return [worker.ready() for worker in started]

    def sandbox(self):
        sandbox = SandboxProcess(APPID, self.secret).start()
        self.sandboxes.append(sandbox)
        return sandbox, SandboxControl(sandbox.url, timeout=(3.05, 30))

    def configure(self, worker, sandbox, **params):
        worker.call(
            "configure",
            url=sandbox.url,
            appid=APPID,
            secret=self.secret,
            families=self.family,
            params={
                f"wechat_shipping.{key}": str(value) for key, value in params.items()
            },
        )

    def pay(self, wechat, orders):
        """Have the sandbox know what WeChat knows of the orders before their shipping
        (it refuses shipping without): for Order Shipping Management their payments, as
        WeChat Pay would tell it; for Shopping Order their shopping details, uploaded by
        another system."""
        for order in orders:
            _kind, mchid, out_trade_no = order["key"].split(":")
            if self.family == ORDER_SHIPPING:
                wechat.pay(OPENID, mchid=mchid, out_trade_no=out_trade_no)
            else:
                wechat.details_from_elsewhere(
                    {
                        "order_number_type": 1,
                        "mchid": mchid,
                        "out_trade_no": out_trade_no,
                    }
                )

    def stop_file(self, name):
        path = self.run_dir / (f"stop-{name}")
        if path.exists():
            path.unlink()
        return str(path)

    def stop_processes(self):
        while self.processes:
            self.processes.pop().stop()
        while self.sandboxes:
            self.sandboxes.pop().stop()

    def finish(self, keep):
        """Drop the drill's databases, or keep them (with the logs) to look into a
        failure."""
        while self.databases:
            database = self.databases.pop()
            if keep:
                database.close()
                # Part of the drill's report: where to look into the failure.
                # pylint: disable=print-used
                print(
                    f"  kept database {database.name} and logs in {self.run_dir}",
                    flush=True,
                )
            else:
                self.drop(database)

    def close(self):
        self.stop_processes()
        for database in self.databases:
            database.close()


# ------------------------------------------------------------ reading what WeChat got


def by_order(uploads):
    """Accepted uploads grouped by order key id, in the order the sandbox accepted
    them."""
    grouped = collections.defaultdict(list)
    for upload in sorted(uploads, key=lambda u: u["seq"]):
        grouped[upload["order"]].append(upload)
    return grouped


def tracking_numbers(body):
    """Tracking numbers an accepted body carries (single or combined)."""
    orders = body.get("sub_orders") or [body]
    return [
        s["tracking_no"] for order in orders for s in order.get("shipping_list", [])
    ]


def upload_time_regressions(grouped):
    """Orders whose accepted upload_time is not strictly later than the one accepted
    before."""
    bad = []
    for order, uploads in grouped.items():
        times = [parse_rfc3339(u["upload_time"]) for u in uploads]
        if any(
            later <= earlier for earlier, later in zip(times, times[1:], strict=False)
        ):
            bad.append(order)
    return bad


def shipping_requests(stats):
    return sum(stats["requests"].get(path, 0) for path in SHIPPING_PATHS)


def finish_counts(wechat):
    """Order key id -> WeChat's finish_shipping_count (Order Shipping Management)."""
    return {
        "mch:{}:{}".format(p["merchant_id"], p["merchant_trade_no"]): p["shipping"][
            "finish_shipping_count"
        ]
        for p in wechat.payments()
    }


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise DrillFailed(f"timed out after {timeout}s waiting for {what}")
