"""Figure 3: build and validate one large combined payload with the protocol core only
(no Odoo).

20 sub-orders x 10 parcels x 50 items: the largest body WeChat's documented limits allow
per sub-order (shipping_list <= 10, item_list <= 50). Times `to_wire()` and `check()`
(which serializes again, then validates) separately, medians of several repeats, and
measures the peak memory of each with tracemalloc in separate passes (tracemalloc slows
what it traces).

Run by scripts/bench; writes its figures as JSON to --out."""

import argparse
import gc
import json
import statistics
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

from wechat_protocol import payload

SUB_ORDERS = 20
PARCELS = 10
ITEMS = 50
MCHID = "1230000109"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def combined_info(sub_orders=SUB_ORDERS, parcels=PARCELS, items=ITEMS):
    """A valid CombinedShippingInfo of the given shape (split delivery in every
    sub-order)."""
    contact = payload.Contact(
        consignor_contact="021-****1234", receiver_contact="189****5678"
    )
    key = payload.OrderNumberType.MERCHANT_TRADE_NUMBER
    subs = tuple(
        payload.OrderShipping(
            payload.OrderKey(key, mchid=MCHID, out_trade_no=f"SUB{order:04d}"),
            tuple(
                payload.Shipment(
                    tracking_no=f"SF{order:03d}{parcel:02d}0000001",
                    express_company="SF",
                    merchant_item_ids=tuple(
                        f"SKU-{order:02d}-{parcel:02d}-{item:02d}"
                        for item in range(items)
                    ),
                    contact=contact,
                )
                for parcel in range(parcels)
            ),
        )
        for order in range(sub_orders)
    )
    upload_time = datetime(
        2024, 5, 20, 13, 29, 35, 120000, tzinfo=timezone(timedelta(hours=8))
    )
    return payload.CombinedShippingInfo(
        payload.OrderKey(key, mchid=MCHID, out_trade_no="COMBINED0001"),
        subs,
        upload_time,
        OPENID,
    )


def timed(function, repeats):
    """Milliseconds of each call, garbage collector off during the call (on between
    calls)."""
    samples = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            function()
            samples.append((time.perf_counter() - start) * 1000)
        finally:
            gc.enable()
    return samples


def peak_kib(function):
    """Peak traced memory (KiB) while function runs, what it returns included."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = function()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak / 1024


def run(repeats):
    info = combined_info()
    problems = info.check()
    if problems:
        raise SystemExit(f"bench: the benchmark payload is not valid: {problems[:3]}")
    body = json.dumps(info.to_wire(), ensure_ascii=False).encode("utf-8")
    timed(info.to_wire, 2)  # warm-up
    build = timed(info.to_wire, repeats)
    check = timed(info.check, repeats)
    return {
        "shape": {
            "sub_orders": SUB_ORDERS,
            "parcels": PARCELS,
            "items": ITEMS,
            "item_ids": SUB_ORDERS * PARCELS * ITEMS,
        },
        "body_bytes": len(body),
        "repeats": repeats,
        "build_ms": build,
        "build_ms_median": statistics.median(build),
        "check_ms": check,
        "check_ms_median": statistics.median(check),
        "build_peak_kib": peak_kib(info.to_wire),
        "check_peak_kib": peak_kib(info.check),
        "objects_peak_kib": peak_kib(combined_info),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    figures = run(args.repeats)
    Path(args.out).write_text(json.dumps(figures, indent=1))
    # A command-line tool: what it prints is its output.
    # pylint: disable=print-used
    print(
        "bench: figure 3 done: build %.1f ms, check %.1f ms (medians of %d)"
        % (figures["build_ms_median"], figures["check_ms_median"], args.repeats),
        flush=True,
    )


if __name__ == "__main__":
    main()
