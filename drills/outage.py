"""Drill: WeChat answers -1, then HTTP 500, then hangs, while 200 deliveries are
validated.

Two Odoo processes: a warehouse validating deliveries one committed request at a time,
and a cron worker running the upload cron whenever work is due (as validations trigger
it) during each phase. Between phases the cron's scheduled runs happen: the queue's
clock is moved on by the cron interval (5 minutes) instead of sleeping, and one run is
made. After recovery the drill allows two cron runs: the first right away, the second
one interval later."""

from .common import (
    ORDER_SHIPPING,
    by_order,
    check,
    deliveries,
    finish_counts,
    shipping_requests,
    tracking_numbers,
    upload_time_regressions,
)

ORDERS = 200
READ_TIMEOUT = 0.5
# (fault kind, its arguments, words, deliveries validated, scheduled runs after them)
PHASES = (
    ("errcode", {"errcode": -1}, "errcode -1", 80, 1),
    ("http500", {}, "HTTP 500", 80, 2),
    # A hang costs the read timeout per attempt: no scheduled run here, to keep the
    # drill short.
    ("hang", {"seconds": 3600}, f"hang > {READ_TIMEOUT}s read timeout", 40, 0),
)


def run(ctx, say):
    db = ctx.database("outage")
    sandbox, wechat = ctx.sandbox()
    warehouse, cron = ctx.workers(db.name, "warehouse", "cron")
    ctx.configure(warehouse, sandbox, timeout=f"2,{READ_TIMEOUT}")
    orders = warehouse.call("orders")["orders"][:ORDERS]
    check(
        len(orders) == ORDERS,
        f"the template has {len(orders)} unshipped orders, {ORDERS} needed",
    )
    interval = db.cron_interval_seconds()
    cron.call("warm_token")  # a running cron worker already holds an access token

    validated, failures, attempts, figures, start = 0, [], 0, [], 0
    for kind, fault, words, count, scheduled in PHASES:
        chunk = orders[start : start + count]
        start += count
        wechat.reset()
        wechat.fault(kind, count=1_000_000, **fault)
        stop = ctx.stop_file(f"outage-{kind}")
        warehouse.send(
            "validate",
            deliveries=deliveries(chunk, "SF7"),
        )
        cron.send("drain", stop_file=stop)
        answer = warehouse.recv()
        open(stop, "w").close()
        drained = cron.recv()
        for _ in range(scheduled):  # the cron's next scheduled run, one interval later
            db.advance_clock(interval)
            cron.call("cron")
        validated += answer["validated"]
        failures += answer["failed"]
        stats = wechat.stats()
        tried = shipping_requests(stats) + stats["token_fetches"]
        attempts += tried
        check(
            not stats["uploads_accepted"] and not wechat.uploads(),
            "{} uploads reached WeChat during the {} phase".format(
                stats["uploads_accepted"], words
            ),
        )
        figures.append(
            "{}: {} validated, {} calls failed".format(
                words, answer["validated"], tried
            )
        )
        say(
            "{}: {} validations committed, {} cron runs "
            "while validating, {} scheduled run(s) "
            "after, {} failed calls, 0 accepted, queue {}".format(
                words,
                answer["validated"],
                len(drained["runs"]),
                scheduled,
                tried,
                dict(db.states()),
            )
        )
    check(not failures, f"validations failed during the outage: {failures[:3]}")
    check(validated == ORDERS, f"{validated} of {ORDERS} validations succeeded")
    check(
        db.states() == {"retrying": ORDERS},
        f"after the outage the queue is {dict(db.states())}, expected {ORDERS} "
        "retrying",
    )

    # Recovery: WeChat answers again. Run 1 comes at once, run 2 one cron interval
    # later.
    wechat.reset()
    ctx.pay(wechat, orders)
    runs = []
    for number in (1, 2):
        if number == 2:
            db.advance_clock(interval)
        backoff = db.scalar(
            "SELECT count(*) FROM wechat_shipping_upload WHERE state = 'retrying'"
            " AND next_attempt_at > now() at time zone 'utc'"
        )
        run_ = cron.call("cron")["runs"][0]
        runs.append((number, run_, backoff, wechat.stats()["uploads_accepted"]))
        say(
            "recovery run {} ({}): {} uploads sent in "
            "{} batches ({}), {} were still waiting on "
            "their backoff before it, sandbox holds {}".format(
                number,
                "right away"
                if number == 1
                else f"clock advanced one cron interval, {interval}s",
                len(run_["delivered"]),
                run_["batches"],
                run_["status"],
                backoff,
                runs[-1][3],
            )
        )
        if not db.states().keys() - {"sent"}:
            break

    states = db.states()
    check(
        states == {"sent": ORDERS},
        f"after {len(runs)} cron runs the queue is {dict(states)}",
    )
    uploads = wechat.uploads()
    grouped = by_order(uploads)
    expected = db.upload_keys()
    check(
        set(grouped) == expected,
        f"sandbox orders differ: {len(expected - set(grouped))} "
        f"missing, {len(set(grouped) - expected)} unexpected",
    )
    check(
        len(uploads) == ORDERS,
        f"{len(uploads)} uploads for {ORDERS} orders (duplicates)",
    )
    regressions = upload_time_regressions(grouped)
    check(not regressions, f"upload_time went back for {regressions[:3]}")
    refused = db.scalar(
        "SELECT count(*) FROM wechat_shipping_upload WHERE last_errcode != 0"
    )
    check(not refused, f"{refused} uploads were last answered with a WeChat error")
    tracking = db.tracking()
    wrong = [
        key
        for key, items in grouped.items()
        if tracking_numbers(items[-1]["body"]) != [tracking[key]]
    ]
    check(not wrong, f"last accepted tracking differs from Odoo for {wrong[:3]}")
    completions = ""
    if ctx.family == ORDER_SHIPPING:
        counts = finish_counts(wechat)
        raised = {
            key: count
            for key, count in counts.items()
            if key in expected and count != 1
        }
        check(
            not raised,
            "finish_shipping_count is not 1 (retries counted?): "
            f"{list(raised.items())[:3]}",
        )
        completions = (
            f"; finish_shipping_count 1 for each of the {len(expected)} orders"
        )
    pulled = runs[-1][2]
    if len(runs) == 2 and pulled:
        pulled_words = (
            f"; {pulled} of them were still on backoff and were pulled forward"
        )
    else:
        pulled_words = ""
    return (
        "{}/{} validations committed during the outage ({}); {} "
        "failed calls, 0 reached WeChat; after recovery all {} "
        "orders reached the sandbox in {} cron run(s) ({}{}); "
        "{} uploads, 0 duplicates, 0 upload_time regressions, 0 refusals{}".format(
            validated,
            ORDERS,
            "; ".join(figures),
            attempts,
            ORDERS,
            len(runs),
            ", ".join(
                "run {}: {} sent in {} batches".format(
                    n, len(r["delivered"]), r["batches"]
                )
                for n, r, _, _ in runs
            ),
            pulled_words,
            len(uploads),
            completions,
        )
    )
