"""Drill: the Odoo process draining the queue is killed (SIGKILL) in the middle of a
batch.

The sandbox answers slowly so that the kill lands inside a batch: the rows that process
claimed stay 'sending'. A new process is started; its drains must leave those rows alone
until their claim lease expires (system parameter wechat_shipping.claim_lease_seconds,
short here), then send them. Only the uploads in flight at the kill (WeChat got them,
Odoo never recorded the answers; at most the calls the process keeps in flight) may
reach WeChat twice."""

import time

from .common import (
    ORDER_SHIPPING,
    by_order,
    check,
    finish_counts,
    tracking_numbers,
    upload_time_regressions,
    validate_all,
    wait_for,
)

ORDERS = 80
LEASE = 25  # seconds (system parameter); the default is 300
LATENCY = 0.1  # seconds the sandbox takes per call while the first process drains
SLOW_CALLS = 45
KILL_AFTER = 15  # accepted uploads before the kill
CALLS_IN_FLIGHT = 8  # per process (system parameter)


def run(ctx, say):
    db = ctx.database("crash")
    sandbox, wechat = ctx.sandbox()
    warehouse, doomed = ctx.workers(db.name, "warehouse", "cron-killed")
    ctx.configure(
        warehouse, sandbox, claim_lease_seconds=LEASE, calls_in_flight=CALLS_IN_FLIGHT
    )
    orders = warehouse.call("orders")["orders"][:ORDERS]
    check(
        len(orders) == ORDERS,
        f"the template has {len(orders)} unshipped orders, {ORDERS} needed",
    )
    validate_all(warehouse, orders, "SF3")
    ctx.pay(wechat, orders)

    wechat.fault("hang", count=SLOW_CALLS, seconds=LATENCY)
    doomed.send("drain")

    def claimed_and_unanswered():
        # Rows claimed whose calls WeChat has not answered: the kill lands inside a
        # batch. A count of accepted uploads alone can be read, on a loaded machine,
        # after a batch ended and before the next one was claimed.
        accepted = {u["order"] for u in wechat.uploads()}
        sending = db.upload_keys("u.state = 'sending'")
        return len(accepted) >= KILL_AFTER and sending - accepted

    wait_for(
        claimed_and_unanswered,
        60,
        what=f"{KILL_AFTER} uploads before the kill, and a batch under way",
    )
    doomed.kill()
    killed_at = time.monotonic()
    # a request in flight at the kill still completes inside WeChat
    time.sleep(LATENCY + 0.5)
    sending = db.upload_keys("u.state = 'sending'")
    accepted = {u["order"] for u in wechat.uploads()}
    in_flight = sending & accepted
    states_after_kill = dict(db.states())
    say(
        f"killed the draining process (SIGKILL) after {len(accepted)} accepted "
        f"uploads: queue {states_after_kill}, {len(in_flight)} of the "
        "'sending' rows already reached WeChat (in flight at the kill)"
    )
    check(
        sending,
        "no row was 'sending' after the kill: the kill did not land inside a batch",
    )
    check(
        len(in_flight) <= CALLS_IN_FLIGHT,
        f"{len(in_flight)} uploads in flight at once in one process",
    )

    # Restart: a new process drains at once; the dead process's claims are not due yet.
    (restarted,) = ctx.workers(db.name, "cron-restarted")
    early = restarted.call("drain")
    leased = db.scalar(
        "SELECT min(claimed_until) > now() at time zone 'utc'"
        "  FROM wechat_shipping_upload WHERE state = 'sending'"
    )
    still = db.upload_keys("u.state = 'sending'")
    say(
        "restarted process {:.1f}s after the kill, first drain: "
        "sent {}, {} rows still 'sending' (lease {})".format(
            time.monotonic() - killed_at,
            len(early["delivered"]),
            len(still),
            "not expired yet" if leased else "expired meanwhile",
        )
    )
    # Every dead claim was still leased during that drain: none may have been taken.
    if leased:
        check(
            still == sending,
            "a claim was taken over before its lease expired: "
            f"{sorted(sending - still)[:3]}",
        )
    expires = db.scalar(
        "SELECT extract(epoch FROM max(claimed_until) - (now() at time zone 'utc'))"
        "  FROM wechat_shipping_upload WHERE state = 'sending'"
    )
    if expires is not None and expires > -1:
        # Odoo's clock (fields.Datetime.now) has whole seconds: a lease is over one
        # second after.
        time.sleep(float(expires) + 1.2)
    late = restarted.call("drain")
    say("after the lease expired: sent {}".format(len(late["delivered"])))

    states = db.states()
    check(states == {"sent": ORDERS}, f"queue after restart: {dict(states)}")
    uploads = wechat.uploads()
    grouped = by_order(uploads)
    check(
        set(grouped) == db.upload_keys(),
        f"sandbox orders differ from Odoo's: {len(db.upload_keys() - set(grouped))} "
        "missing",
    )
    duplicates = {key for key, items in grouped.items() if len(items) > 1}
    check(
        duplicates <= in_flight,
        "orders sent twice that were not in flight at the kill: "
        f"{sorted(duplicates - in_flight)[:3]}",
    )
    completions = ""
    if ctx.family == ORDER_SHIPPING:
        # The restarted process asks WeChat about the dead process's claims before
        # sending.
        check(
            not duplicates,
            f"Order Shipping Management got orders twice: {sorted(duplicates)[:3]}",
        )
        raised = {
            key: count for key, count in finish_counts(wechat).items() if count != 1
        }
        check(
            not raised,
            "finish_shipping_count is not 1 after the crash: "
            f"{list(raised.items())[:3]}",
        )
        completions = (
            ", finish_shipping_count 1 for every order (asked WeChat, not sent twice)"
        )
    regressions = upload_time_regressions(grouped)
    check(not regressions, f"upload_time went back for {regressions[:3]}")
    tracking = db.tracking()
    wrong = [
        key
        for key, items in grouped.items()
        if tracking_numbers(items[-1]["body"]) != [tracking[key]]
    ]
    check(not wrong, f"last accepted tracking differs from Odoo for {wrong[:3]}")
    return (
        "killed mid-batch after {} of {} accepted, leaving {} rows 'sending' "
        "({} in flight); restarted process sent {} at once and left the "
        "claimed rows alone until the {}s lease expired, then sent {}; all "
        "{} orders in the sandbox, none 'sending', {} duplicate(s){}, "
        "upload_time always increasing{}".format(
            len(accepted),
            ORDERS,
            len(sending),
            len(in_flight),
            len(early["delivered"]),
            LEASE,
            len(late["delivered"]),
            ORDERS,
            len(duplicates),
            " (uploads in flight at the kill)" if duplicates else "",
            completions,
        )
    )
