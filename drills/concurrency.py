"""Drill: four Odoo processes drain one queue, first as it stands, then while deliveries
change.

Each keeps several calls to WeChat in flight (wechat_shipping.calls_in_flight). All four
run the upload cron's own progress loop (ir.cron._run_job) at the same moment. Real Odoo
never runs one ir.cron job in two workers at once (the scheduler locks the job's row),
so this is stricter than production: only the addon's claims (FOR UPDATE SKIP LOCKED, a
lease per claim) keep them apart, as they must against a manual "Upload now" or a second
Odoo instance calling the method."""

import collections

from .common import (
    ORDER_SHIPPING,
    by_order,
    check,
    deliveries,
    finish_counts,
    tracking_numbers,
    upload_time_regressions,
    validate_all,
)

ORDERS = 300
NEW_ORDERS = 30
CHANGED = 60  # orders whose tracking number is corrected while the queue drains
TWICE = 20  # ... of which this many are corrected twice in a row
FIRST_LATENCY = (
    100  # ms the sandbox takes per call in the first stage: every process gets a share
)
LATENCY = 50  # ms the sandbox takes per call in the second stage
RETRIED = (
    "SERIALIZATION_FAILURE"  # what odoo.service.model.retrying logs before a retry
)
CRONS = ("cron-a", "cron-b", "cron-c", "cron-d")
CALLS_IN_FLIGHT = 8  # per cron process


def run(ctx, say):
    db = ctx.database("concurrency")
    sandbox, wechat = ctx.sandbox()
    warehouse, *crons = ctx.workers(db.name, "warehouse", *CRONS)
    ctx.configure(warehouse, sandbox, calls_in_flight=CALLS_IN_FLIGHT)
    orders = warehouse.call("orders")["orders"]
    check(
        len(orders) >= ORDERS + NEW_ORDERS,
        f"the template has {len(orders)} unshipped orders, {ORDERS + NEW_ORDERS} "
        "needed",
    )
    queued, fresh = orders[:ORDERS], orders[ORDERS : ORDERS + NEW_ORDERS]
    ctx.pay(wechat, queued + fresh)

    # Stage 1: a queue of 300 pending uploads, drained by the four processes at once.
    validate_all(warehouse, queued, "SF5")
    check(
        db.states() == {"pending": ORDERS},
        f"queue before draining: {dict(db.states())}",
    )
    wechat.latency(FIRST_LATENCY)
    for cron in crons:
        cron.send("drain")
    results = [cron.recv() for cron in crons]
    sent = [len(r["delivered"]) for r in results]
    overlap = _overlap(results)
    failed_runs = [
        run_ for r in results for run_ in r["runs"] if run_["status"] == "failed"
    ]
    uploads = wechat.uploads()
    grouped = by_order(uploads)
    say(
        f"stage 1: {_each(sent)}, sandbox accepted {len(uploads)} "
        f"uploads for {len(grouped)} orders, queue {dict(db.states())}"
    )
    check(not overlap, f"more than one process sent uploads {sorted(overlap)[:5]}")
    check(not failed_runs, f"{len(failed_runs)} cron runs failed; see the cron logs")
    check(db.states() == {"sent": ORDERS}, f"queue after draining: {dict(db.states())}")
    duplicates = {
        order: len(items) for order, items in grouped.items() if len(items) > 1
    }
    check(
        not duplicates,
        f"orders uploaded more than once: {list(duplicates.items())[:5]}",
    )
    check(
        set(grouped) == db.upload_keys(),
        f"the sandbox does not hold exactly the {ORDERS} orders",
    )
    check(
        all(sent),
        f"a process sent nothing ({sent}): the drill did not exercise concurrency",
    )
    conflicts = sum(worker.log_count(RETRIED) for worker in crons)
    stage1 = (
        f"stage 1: {ORDERS} pending uploads, {CALLS_IN_FLIGHT} calls in flight per "
        f"process, {_each(sent)}, each order exactly once, {conflicts} serialization "
        "conflicts retried by the crons"
    )

    # Stage 2: while the crons drain, the warehouse corrects tracking numbers (some
    # twice in a row, so that a change lands while its order is being sent) and
    # validates new deliveries.
    accepted_before = len(uploads)
    wechat.latency(LATENCY)
    changes = []
    for index, order in enumerate(queued[:CHANGED]):
        changes += deliveries([order], "SF6")
        if index < TWICE:
            changes += deliveries([order], "SF8")
    stop = ctx.stop_file("concurrency")
    for cron in crons:
        cron.send("drain", stop_file=stop)
    retracked = warehouse.call("retrack", changes=changes, pause=0.02)
    validated = warehouse.call("validate", deliveries=deliveries(fresh, "SF9"))
    open(stop, "w").close()
    results = [cron.recv() for cron in crons]
    check(
        not retracked["failed"],
        "tracking changes failed: {}".format(retracked["failed"][:3]),
    )
    check(
        validated["validated"] == NEW_ORDERS and not validated["failed"],
        "{} of {} new deliveries validated: {}".format(
            validated["validated"], NEW_ORDERS, validated["failed"][:3]
        ),
    )
    sent = [len(r["delivered"]) for r in results]
    failed_runs = [
        run_ for r in results for run_ in r["runs"] if run_["status"] == "failed"
    ]
    states = db.states()
    say(
        "stage 2: {} tracking changes and {} validations committed "
        "({} serialization retries), {}, queue {}".format(
            len(changes),
            NEW_ORDERS,
            retracked["serialization_retries"] + validated["serialization_retries"],
            _each(sent),
            dict(states),
        )
    )
    check(not failed_runs, f"{len(failed_runs)} cron runs failed; see the cron logs")
    twice = {order["key"] for order in queued[:TWICE]}
    # Order Shipping Management allows one change of a complete shipping: an order
    # corrected twice after its correction went out needs attention, and its second
    # change is not sent.
    attention = db.upload_keys("u.state = 'attention'")
    allowed = twice if ctx.family == ORDER_SHIPPING else set()
    check(
        attention <= allowed and states["sent"] + len(attention) == ORDERS + NEW_ORDERS,
        f"queue after the second drain: {dict(states)} "
        f"(attention: {sorted(attention - allowed)[:3]})",
    )

    uploads = wechat.uploads()
    new = by_order([u for u in uploads if u["seq"] > accepted_before])
    per_order = collections.Counter()
    key_of = {o["picking"]: o["key"] for o in orders}
    for picking, _ in changes:
        per_order[key_of[picking]] += 1
    for order in fresh:
        per_order[order["key"]] += 1
    check(
        set(new) == set(per_order),
        "orders uploaded in stage 2 differ from the orders changed: "
        f"{sorted(set(per_order) - set(new))[:3]} missing, "
        f"{sorted(set(new) - set(per_order))[:3]} unexpected",
    )
    too_many = {
        key: (len(new[key]), per_order[key])
        for key in new
        if len(new[key]) > per_order[key]
    }
    check(
        not too_many,
        f"more uploads than changes (uploads, changes): {list(too_many.items())[:5]}",
    )
    tracking = db.tracking()
    stale = [
        key
        for key, items in new.items()
        if key not in attention
        and tracking_numbers(items[-1]["body"]) != [tracking[key]]
    ]
    check(not stale, f"last accepted tracking number is not Odoo's for {stale[:3]}")
    refused = [
        key
        for key in attention
        if tracking_numbers(new[key][-1]["body"])[0][:3] != "SF6"
    ]
    check(not refused, f"an order WeChat holds a second change of: {refused[:3]}")
    completions = ""
    if ctx.family == ORDER_SHIPPING:
        changed = {key_of[picking] for picking, _ in changes}
        counts = finish_counts(wechat)
        wrong = {
            key: count
            for key, count in counts.items()
            if count != (2 if key in changed else 1)
        }
        check(
            not wrong,
            "finish_shipping_count is not 1, or 2 after a change: "
            f"{list(wrong.items())[:3]}",
        )
        completions = (
            f"; finish_shipping_count 2 for the {len(changed)} changed "
            f"orders, 1 for the others; {len(attention)} orders "
            "changed twice need attention, their second change never sent"
        )
    regressions = upload_time_regressions(by_order(uploads))
    check(not regressions, f"upload_time went back for {regressions[:3]}")
    conflicts = sum(worker.log_count(RETRIED) for worker in crons) - conflicts
    coalesced = sum(per_order.values()) - sum(len(items) for items in new.values())
    resent = sum(1 for key, items in new.items() if len(items) > 1)
    return (
        "{}; stage 2 (changes while draining): {} changes to {} orders ({} "
        "corrected twice) and {} new validations, {} ({} serialization "
        "conflicts retried by the crons, {} by the warehouse); sandbox got "
        "{} uploads, never more than one per change ({} changes coalesced, "
        "{} orders sent twice), last accepted tracking number = Odoo's "
        "for all {} orders{}, upload_time always increasing{}".format(
            stage1,
            len(changes),
            CHANGED,
            TWICE,
            NEW_ORDERS,
            _each(sent),
            conflicts,
            retracked["serialization_retries"] + validated["serialization_retries"],
            sum(len(items) for items in new.values()),
            coalesced,
            resent,
            len(new) - len(attention),
            " (the others need attention)" if attention else "",
            completions,
        )
    )


def _each(sent):
    """What each cron process sent, in words."""
    return ", ".join(
        f"{name} sent {count}" for name, count in zip(CRONS, sent, strict=False)
    )


def _overlap(results):
    """Uploads more than one process delivered."""
    seen = collections.Counter(
        upload for result in results for upload in set(result["delivered"])
    )
    return {upload for upload, count in seen.items() if count > 1}
