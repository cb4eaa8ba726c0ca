"""The order list read in slices of pay time, side by side (order_list_sync), against
the sandbox over real HTTP; and the sandbox's bulk registration and indexes that let
it hold the benchmark's 100,000 payments."""

import pytest
import requests
from builders import MCHID, OPENID
from helpers import APPID, SECRET
from wechat_protocol import call_pool, endpoints, order_list_sync
from wechat_protocol.client import WeChatClient
from wechat_protocol.order_list_sync import OrderIndex, Page, SliceEnd, plan_slices
from wechat_protocol.payload import OrderKey, OrderNumberType
from wechat_protocol.tokens import StableTokenSource

SUB_MCHID = "1900000109"
BASE = 1_700_000_000


@pytest.fixture
def client(sandbox):
    wechat = WeChatClient(sandbox.url, StableTokenSource(sandbox.url, APPID, SECRET))
    yield wechat
    wechat.close()


def _payments(count, start=BASE, step=60, **extra):
    return [
        {
            "openid": OPENID,
            "mchid": MCHID,
            "out_trade_no": f"BULK{index:06d}",
            "paid_at": start + index * step,
            **extra,
        }
        for index in range(count)
    ]


def _held(numbers):
    """(index, [(pay time, ref)]) of the orders Odoo holds of _payments' `numbers`."""
    index, paid = OrderIndex(), []
    for number in numbers:
        ref = f"BULK{number:06d}"
        index.add(ref, mchid=MCHID, out_trade_no=ref)
        paid.append((BASE + number * 60, ref))
    return index, paid


def _key(number):
    return OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER, mchid=MCHID, out_trade_no=number
    )


def _read(client, slices, index, pool_size=8, page_size=10, stop_after=None):
    """Every event of reading `slices` (refs are merchant order numbers)."""
    reader = order_list_sync.SliceReader(
        client,
        call_pool.CallPool(pool_size),
        APPID,
        index,
        _key,
        page_size=page_size,
    )
    events = []
    for slice_id, slice_ in enumerate(slices):
        events += reader.add(slice_id, slice_)
    while reader:
        if stop_after is not None and len(events) >= stop_after:
            reader.stop()
        events += reader.collect(timeout=1)
    return events


# ------------------------------------------------------------------ planning slices


def test_slices_hold_at_most_so_many_orders_and_never_overlap():
    paid = [(BASE + 10 * i, f"o{i}") for i in range(1000)]
    slices = plan_slices(reversed(paid), per_slice=100, margin=30)
    assert [len(s.refs) for s in slices] == [100] * 10
    assert [ref for s in slices for ref in s.refs] == [ref for _t, ref in paid]
    assert slices[0].begin == BASE - 30 and slices[-1].end == BASE + 9990 + 30
    for before, after in zip(slices, slices[1:], strict=False):
        assert after.begin == before.end + 1
    for slice_ in slices:
        times = [BASE + 10 * int(ref[1:]) for ref in slice_.refs]
        assert slice_.begin <= min(times) and max(times) <= slice_.end


def test_a_long_gap_cuts_a_slice_and_a_lone_order_is_asked_not_listed():
    paid = [(BASE + i, f"new{i}") for i in range(50)] + [(BASE - 90 * 86400, "old")]
    old, new = plan_slices(paid, max_gap=3600, margin=60, min_listed=20)
    assert (old.refs, old.listed) == (("old",), False)
    assert old.end < BASE - 60 and new.begin == BASE - 60 and new.listed
    assert len(new.refs) == 50


def test_orders_paid_in_one_second_stay_in_one_slice():
    paid = [(BASE, f"a{i}") for i in range(30)] + [(BASE + 5, "b")]
    slices = plan_slices(paid, per_slice=10, margin=0)
    assert [len(s.refs) for s in slices] == [30, 1]


# ------------------------------------------------------------------ the index


def test_the_index_finds_an_order_by_transaction_id_or_by_its_merchant_key():
    index = OrderIndex()
    index.add("direct", mchid=MCHID, out_trade_no="N1")
    index.add("sub", mchid=MCHID, out_trade_no="N1", sub_mchid=SUB_MCHID)
    index.add("wxpay", transaction_id="4200001")
    listed = {"merchant_id": MCHID, "merchant_trade_no": "N1", "sub_merchant_id": ""}
    assert index.find(listed) == ["direct"]
    assert index.find({**listed, "sub_merchant_id": SUB_MCHID}) == ["sub"]
    assert index.find({"transaction_id": "4200001", **listed}) == ["wxpay", "direct"]
    assert index.find({"merchant_id": MCHID, "merchant_trade_no": "N2"}) == []


# ------------------------------------------------------------------ reading slices


def test_slices_are_paged_side_by_side_and_unlisted_orders_asked(
    client, control, sandbox
):
    control.pay_many(_payments(400))
    index, paid = _held(range(0, 400, 2))  # Odoo holds every other payment
    # One Odoo guessed wrong by a day (outside every slice), one WeChat never had.
    index.add("BULK000399", mchid=MCHID, out_trade_no="BULK000399")
    paid.append((BASE - 86400, "BULK000399"))
    index.add("NOPE", mchid=MCHID, out_trade_no="NOPE")
    paid.append((BASE + 100, "NOPE"))
    slices = plan_slices(paid, per_slice=45, margin=0, min_listed=2)
    assert len(slices) >= 5
    events = _read(client, slices, index)
    pages = [e for e in events if isinstance(e, Page)]
    named = {ref for page in pages for ref, _order in page.named}
    assert named == {f"BULK{n:06d}" for n in range(0, 400, 2)}
    answers = {e.ref: e for e in events if isinstance(e, order_list_sync.Answer)}
    assert set(answers) == {"BULK000399", "NOPE"}
    assert answers["BULK000399"].order["merchant_trade_no"] == "BULK000399"
    assert answers["NOPE"].order is None and answers["NOPE"].failure.errcode
    ends = [e for e in events if isinstance(e, SliceEnd)]
    assert sorted(e.slice_id for e in ends) == list(range(len(slices)))
    assert all(e.failure is None for e in ends)
    # Pages of 10: the slices took several pages each, and no page twice.
    stats = control.stats()
    assert (
        stats["requests"][endpoints.OSM_GET_ORDER_LIST] == len(pages) > 2 * len(slices)
    )
    assert stats["requests"][endpoints.OSM_GET_ORDER] == 2
    assert stats["in_flight_peak"] > 1


def test_a_failing_page_ends_its_slice_with_the_failure_and_the_rest_read(
    client, control
):
    control.pay_many(_payments(100))
    index, paid = _held(range(100))
    slices = plan_slices(paid, per_slice=50, margin=0, min_listed=1)
    control.fault("errcode", count=1, errcode=-1)
    events = _read(client, slices, index, pool_size=1)
    ends = {e.slice_id: e for e in events if isinstance(e, SliceEnd)}
    assert ends[0].failure.errcode == -1 and ends[1].failure is None
    answers = [e for e in events if isinstance(e, order_list_sync.Answer)]
    assert not answers, "a slice that failed asks nothing one by one"


def test_a_stop_starts_nothing_more_and_ends_no_slice_it_cut(client, control):
    control.pay_many(_payments(300))
    index, paid = _held(range(300))
    slices = plan_slices(paid, per_slice=100, margin=0)
    events = _read(client, slices, index, pool_size=2, stop_after=2)
    ends = [e for e in events if isinstance(e, SliceEnd)]
    assert not ends, "every slice was cut before its last page"
    pages = control.stats()["requests"][endpoints.OSM_GET_ORDER_LIST]
    assert 2 <= pages < 30


# ------------------------------------------------------------------ the sandbox


def test_the_bulk_registration_takes_all_or_none_and_says_which_is_refused(
    control, sandbox
):
    answer = control.pay_many(_payments(3))
    assert answer == {"registered": 3, "payments": 3}
    bad = [p | {"out_trade_no": f"NEW{i}"} for i, p in enumerate(_payments(3))]
    bad[1]["out_trade_no"] = "BULK000000"  # registered already
    response = requests.post(
        sandbox.url + "/sandbox/payments/bulk", json={"payments": bad}, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("payments[1]: payment BULK000000")
    twice = [_payments(1, start=BASE + 5)[0] | {"out_trade_no": "TWICE"}] * 2
    response = requests.post(
        sandbox.url + "/sandbox/payments/bulk", json={"payments": twice}, timeout=5
    )
    assert response.json()["error"].startswith("payments[1]:")
    for body in (
        {},
        {"payments": []},
        {"payments": [{"openid": ""}]},
        {"payments": [{"openid": OPENID, "order_state": 7}]},
    ):
        response = requests.post(
            sandbox.url + "/sandbox/payments/bulk", json=body, timeout=5
        )
        assert response.status_code == 400 and response.json()["error"]
    assert len(control.payments()) == 3, "nothing of a refused lot was kept"
    settled = control.pay_many([{"openid": OPENID, "order_state": 4, "paid_at": BASE}])
    assert settled == {"registered": 1, "payments": 4}


def test_the_sandbox_lists_many_payments_by_pay_time_and_finds_them_by_key(
    client, control
):
    for lot in (1, 0):
        payments = _payments(20_000, start=BASE + 20_000 * lot * 7, step=7)
        for payment in payments:
            payment["out_trade_no"] = f"L{lot}-{payment['out_trade_no']}"
        control.pay_many(payments)
    control.pay(OPENID, mchid=MCHID, sub_mchid=SUB_MCHID, out_trade_no="L0-BULK000000")
    # Registered later lot first: listed by pay time all the same.
    orders = client.order_list(BASE + 7 * 19_990, BASE + 7 * 20_009, page_size=7)
    assert [o["merchant_trade_no"] for o in orders] == [
        *(f"L0-BULK{n:06d}" for n in range(19_990, 20_000)),
        *(f"L1-BULK{n:06d}" for n in range(10)),
    ]
    found = client.get_order(_key("L1-BULK000005")).data["order"]
    assert found["pay_time"] == BASE + 7 * (20_000 + 5)
    sub = client.get_order(
        OrderKey(
            OrderNumberType.MERCHANT_TRADE_NUMBER,
            mchid=MCHID,
            out_trade_no="L0-BULK000000",
            sub_mchid=SUB_MCHID,
        )
    ).data["order"]
    assert sub["sub_merchant_id"] == SUB_MCHID


def test_a_pass_under_way_never_reaches_back_before_where_it_is():
    # The orders paid up to BASE + 900 were read in this pass's earlier calls.
    paid = [(BASE + 600 * i, f"o{i}") for i in range(2, 6)]
    first, *_rest = plan_slices(paid, per_slice=2, margin=3600, after=BASE + 900)
    assert first.begin == BASE + 901 and first.refs == ("o2", "o3")
