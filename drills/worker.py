"""One Odoo process of a drill: a warehouse (validations), or a cron worker (upload
runs).

Started by drills/run.py the way scripts/odoo-env.sh's `odoo_python` starts scripts; it
loads the registry once, prints {"ready": ...} and then executes JSON commands read from
stdin, one per line, answering each with one JSON line on stdout. Odoo's log goes to
stderr (a file).

Each command works like Odoo does it for real:
- validations and tracking changes run one request each: a fresh cursor and
  environment, `odoo.service.model.retrying` (what the HTTP layer does on serialization
  failures), a commit;
- a cron run is `ir.cron._run_job` on the upload cron: its progress loop calls the
  cron's server action (`model._cron_send_due()`) until it reports no remaining work, at
  most MAX_BATCH_PER_CRON_JOB (10) batches. Only the choice of *when* a run happens is
  the drill's."""

import argparse
import functools
import json
import os
import sys
import time

import odoo_session

COMMAND_OUT = os.fdopen(os.dup(1), "w", buffering=1)
# Whatever Odoo or a library prints goes to the log, never into the protocol.
os.dup2(2, 1)

parser = argparse.ArgumentParser()
parser.add_argument("--name", default="worker")
ARGS = odoo_session.parse_args(parser)

import odoo  # noqa: E402  (configured by parse_args)
from odoo import SUPERUSER_ID, api  # noqa: E402
from odoo.service.model import retrying  # noqa: E402

REGISTRY = odoo.modules.registry.Registry(ARGS.odoo_database)

# Run as a script outside the addon's package, so it cannot import relatively.
# pylint: disable=odoo-addons-relative-import
from odoo.addons.wechat_shipping.demo.scenario import (  # noqa: E402
    CNY_PRICELIST,
    Scenario,
)

CRON_XMLID = "wechat_shipping.ir_cron_wechat_shipping_upload"
ADMIN = 2  # base.user_admin: validations are made by a user, not by the superuser

# ------------------------------------------------------------------ instrumentation
# Counting only: the wrapped methods run unchanged.
DELIVERED = []  # upload ids this process delivered (sent or tried to send), in order
BATCHES = [0]
Upload = REGISTRY["wechat.shipping.upload"]
_original_deliver = Upload._deliver
_original_send_due = Upload._cron_send_due


def _counting_deliver(self, *args, **kwargs):
    DELIVERED.append(self.id)
    return _original_deliver(self, *args, **kwargs)


def _counting_send_due(self, *args, **kwargs):
    BATCHES[0] += 1
    return _original_send_due(self, *args, **kwargs)


Upload._deliver = _counting_deliver
Upload._cron_send_due = _counting_send_due


class DrillScenario(Scenario):
    """The shared Scenario, bound to data an earlier process built (no new company
    set-up)."""

    @classmethod
    def attach(cls, env, prefix="DRILL"):
        scenario = cls.__new__(cls)
        scenario.env = env
        scenario.company = env.company
        scenario.prefix = prefix
        scenario.pricelist = env["product.pricelist"].search(
            [("name", "=", CNY_PRICELIST)], limit=1
        )
        return scenario


def request(func, uid=ADMIN):
    """Run func(env) as one request: own cursor, retried on serialization failures,
    committed."""
    attempts = [0]
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, uid, {})

        def once():
            attempts[0] += 1
            return func(env)

        result = retrying(once, env)
    return result, attempts[0] - 1


# ------------------------------------------------------------------ commands


def cmd_prepare(url, appid, secret):
    """Template data: a configured company, an SF carrier, a product and a WeChat
    customer."""
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        scenario = Scenario(env, url, appid, secret)
        # The drills try the shipping: another system gives WeChat the shopping details
        # here (DrillContext.pay tells the sandbox so), and the queue holds shipping
        # uploads only.
        env.company.wechat_shopping_details_by = "other"
        tea = scenario.product("Longjing tea", "TEA-001")
        return {
            "carrier": scenario.carrier.id,
            "customer": scenario.customer.id,
            "product": tea.id,
        }


def cmd_create_orders(count, prefix, carrier, customer, product):
    """Confirmed WeChat orders of one product, numbered with this process's own
    prefix."""
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        scenario = DrillScenario.attach(env, prefix)
        scenario.carrier = env["delivery.carrier"].browse(carrier)
        scenario.customer = env["res.partner"].browse(customer)
        tea = env["product.product"].browse(product)
        for _ in range(count):
            scenario.order([(tea, 1)])
    return {"orders": count}


def cmd_configure(url, appid, secret, params, families="shopping_order"):
    """Point the company at this drill's sandbox, uploading to `families`; set system
    parameters."""
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        DrillScenario.attach(env).configure(
            env.company, url, appid, secret, families=families
        )
        for key, value in params.items():
            env["ir.config_parameter"].set_param(key, value)
    return {}


def cmd_orders():
    """The unshipped WeChat orders: order id, delivery id and the sandbox's order key
    id."""
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        orders = env["sale.order"].search(
            [("wechat_out_trade_no", "!=", False)], order="id"
        )
        rows = []
        for order in orders:
            picking = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
                and p.state not in ("done", "cancel")
            )
            if len(picking) == 1:
                rows.append(
                    {
                        "order": order.id,
                        "picking": picking.id,
                        "key": f"mch:{order.wechat_mchid}:{order.wechat_out_trade_no}",
                    }
                )
    return {"orders": rows}


def _ship(env, picking_id, tracking):
    picking = env["stock.picking"].browse(picking_id)
    DrillScenario.attach(env).ship(picking, tracking)
    return picking.state


def cmd_validate(deliveries, pause=0.0):
    """Validate each (picking id, tracking) in its own committed request; count what
    succeeded."""
    done, failed, retries = 0, [], 0
    for picking_id, tracking in deliveries:
        try:
            state, retried = request(
                functools.partial(_ship, picking_id=picking_id, tracking=tracking)
            )
        except Exception as exc:  # a failed validation is a finding, not a crash
            failed.append([picking_id, f"{type(exc).__name__}: {exc}"])
            continue
        retries += retried
        if state == "done":
            done += 1
        else:
            failed.append([picking_id, f"state {state}"])
        if pause:
            time.sleep(pause)
    return {"validated": done, "failed": failed, "serialization_retries": retries}


def _ship_many(env, deliveries):
    scenario = DrillScenario.attach(env)
    pickings = env["stock.picking"].browse([picking_id for picking_id, _ in deliveries])
    for picking, (_, tracking) in zip(pickings, deliveries, strict=False):
        scenario.ship(picking, tracking)
    return sum(1 for picking in pickings if picking.state == "done")


def cmd_validate_batches(deliveries, size=50):
    """Validate deliveries `size` per committed request (a warehouse clearing a
    wave)."""
    done = retries = 0
    for start in range(0, len(deliveries), size):
        count, retried = request(
            functools.partial(_ship_many, deliveries=deliveries[start : start + size])
        )
        done += count
        retries += retried
    return {"validated": done, "failed": [], "serialization_retries": retries}


def _retrack(env, picking_id, tracking):
    picking = env["stock.picking"].browse(picking_id)
    picking.carrier_tracking_ref = (
        tracking  # a done delivery: queues an update of its order
    )
    return picking.carrier_tracking_ref


def cmd_retrack(changes, pause=0.0):
    """Correct the tracking number of done deliveries, each change its own committed
    request."""
    applied, failed, retries = [], [], 0
    for picking_id, tracking in changes:
        try:
            _, retried = request(
                functools.partial(_retrack, picking_id=picking_id, tracking=tracking)
            )
        except Exception as exc:
            failed.append([picking_id, f"{type(exc).__name__}: {exc}"])
            continue
        retries += retried
        applied.append([picking_id, tracking])
        if pause:
            time.sleep(pause)
    return {"applied": applied, "failed": failed, "serialization_retries": retries}


def cmd_warm_token():
    """Fetch the access token now, as a cron worker that has sent before holds one."""
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env.company._wechat_client().token_source.token()
    return {}


def _cron_job():
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron_id = env.ref(CRON_XMLID).id
        # The row the scheduler hands to _process_job (_acquire_one_job selects
        # ir_cron.*).
        cr.execute("SELECT * FROM ir_cron WHERE id = %s", [cron_id])
        job = cr.dictfetchone()
    job.update(timed_out_counter=0, done=0, remaining=0)
    return job


def _count_due():
    with REGISTRY.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["wechat.shipping.upload"]._count_due()


def cron_run():
    """One run of the upload cron, through ir.cron's own progress loop."""
    first, batches = len(DELIVERED), BATCHES[0]
    started = time.monotonic()
    status = REGISTRY["ir.cron"]._run_job(_cron_job())
    return {
        "status": status,
        "batches": BATCHES[0] - batches,
        "delivered": DELIVERED[first:],
        "seconds": round(time.monotonic() - started, 2),
    }


def cmd_cron(runs=1):
    """`runs` cron runs back to back."""
    return {"runs": [cron_run() for _ in range(runs)]}


def cmd_drain(stop_file=None, idle=0.2, limit=600):
    """Run the cron whenever there is work, as triggers would, until `stop_file` exists
    and nothing is due (at once when no stop file is given)."""
    runs = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        run = cron_run()
        if run["delivered"] or run["status"] != "fully done":
            runs.append(run)
        if not run["delivered"]:
            if (stop_file is None or os.path.exists(stop_file)) and not _count_due():
                break
            time.sleep(idle)
    delivered = [upload for run in runs for upload in run["delivered"]]
    return {"runs": runs, "delivered": delivered}


COMMANDS = {
    name[4:]: func for name, func in globals().items() if name.startswith("cmd_")
}


def main():
    # The command protocol: one JSON line on COMMAND_OUT per answer.
    # pylint: disable=print-used
    print(json.dumps({"ready": ARGS.name, "pid": os.getpid()}), file=COMMAND_OUT)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        name = command.pop("cmd")
        if name == "exit":
            break
        try:
            answer = {"ok": True, **COMMANDS[name](**command)}
        except Exception as exc:  # noqa: BLE001 (reported to the driver, which fails the drill)
            import traceback

            traceback.print_exc()
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer, default=str), file=COMMAND_OUT)


if __name__ == "__main__":
    main()
