"""WeChat's state of many payments in few calls: its order list read over a long pay
window (plain Python; Odoo's state sync drives it).

`get_order_list` answers a page of at most 100 payments paid in a window and an opaque
`last_index` that only the page before gives (api_getorderlist), so one window is read
one page after another: 1,000 pages, 200 s at a 200 ms round trip, for 100,000
payments. The window is therefore cut in slices of pay time (`plan_slices`), each read
page after page, several side by side through a CallPool (the slice is the pool's key,
so its pages never overlap). The orders a slice was expected to hold that no page named
(a pay time Odoo only guessed, a payment the list left out) are asked one by one
(`get_order`), through the same pool.

An `OrderIndex` finds the orders a listed payment names, by transaction id or by
merchant id, sub-merchant and merchant order number, as pushes name them."""

import dataclasses
import itertools

from . import endpoints, push

PAGE_SIZE = 100  # WeChat's largest page (api_getorderlist: page_size, default 100)
# Orders expected per slice: five pages when WeChat holds little else in the slice.
# Small enough that 100,000 orders make 200 slices (32 in flight keep a pool busy and
# a slice that must be read again after a stop costs a second at 200 ms), large
# enough that a slice's first page, its only page with no order of the one before,
# is a small share of its calls.
SLICE_ORDERS = 500
# A slice never spans a gap this long without an expected order: WeChat lists every
# payment of the window, also those whose funds it released long ago.
MAX_GAP = 6 * 3600
# Seconds a slice reaches beyond its first and last expected orders: a pay time Odoo
# guessed from the order's date is near the true one, not equal to it.
MARGIN = 3600
# A slice expecting fewer orders than this asks each by get_order: fewer calls than the
# pages of everything else paid in its stretch of time (a lone pre-sale order among a
# month of settled payments).
MIN_LISTED = 20
# A slice is read in at most this many pages (100,000 payments): a list that never
# says it has no more is not followed forever.
MAX_PAGES = 1000


@dataclasses.dataclass(frozen=True)
class Slice:
    """A stretch of pay time, both ends included (Unix seconds), and the orders
    expected in it (`refs`, the caller's names for them). `listed`: read from the order
    list; else its orders are asked one by one."""

    begin: int
    end: int
    refs: tuple
    listed: bool = True


def plan_slices(
    paid,
    per_slice=SLICE_ORDERS,
    max_gap=MAX_GAP,
    margin=MARGIN,
    min_listed=MIN_LISTED,
    after=None,
):
    """Slices covering the pay times of `paid` ((Unix seconds, ref) pairs, any order),
    by pay time, none overlapping the next: at most `per_slice` orders each (more only
    when they were paid in the same second), cut where no order was paid for longer
    than `max_gap`, each reaching `margin` seconds beyond its orders. A slice of fewer
    than `min_listed` orders (or `per_slice`, when smaller) is not listed. `after`: the
    pay time up to which a pass already read; no slice reaches back to it."""
    groups, group, last = [], [], None
    for paid_at, ref in sorted(paid, key=lambda pair: pair[0]):
        if group and (
            paid_at - last > max_gap or (len(group) >= per_slice and paid_at != last)
        ):
            groups.append(group)
            group = []
        group.append((paid_at, ref))
        last = paid_at
    if group:
        groups.append(group)
    slices, floor = [], None if after is None else after + 1
    for index, group in enumerate(groups):
        begin = group[0][0] - margin
        if floor is not None:
            begin = max(begin, floor)
        end = group[-1][0] + margin
        if index + 1 < len(groups):
            # Up to the next group's margin, or halfway to it when the two margins meet.
            following = groups[index + 1][0][0]
            end = min(end, max(following - margin - 1, (group[-1][0] + following) // 2))
        slices.append(
            Slice(
                begin,
                end,
                tuple(ref for _paid_at, ref in group),
                listed=len(group) >= min(min_listed, per_slice),
            )
        )
        floor = end + 1
    return slices


class OrderIndex:
    """The orders a run expects, found by the ids a listed payment carries."""

    def __init__(self):
        self._by_transaction = {}
        self._by_merchant = {}

    def add(
        self, ref, transaction_id=None, mchid=None, out_trade_no=None, sub_mchid=None
    ):
        """Index `ref` under its transaction id and its merchant key (a direct
        merchant's payment has no sub-merchant)."""
        if transaction_id:
            self._by_transaction.setdefault(transaction_id, []).append(ref)
        if mchid and out_trade_no:
            key = (mchid, sub_mchid or "", out_trade_no)
            self._by_merchant.setdefault(key, []).append(ref)

    def find(self, order):
        """The refs a listed (or get_order) `order` names, each once."""
        ids = push.payment_ids(order)
        found = list(self._by_transaction.get(ids["transaction_id"], ()))
        key = (ids["merchant_id"], ids["sub_merchant_id"], ids["merchant_trade_no"])
        for ref in self._by_merchant.get(key, ()) if key[0] and key[2] else ():
            if ref not in found:
                found.append(ref)
        return found


@dataclasses.dataclass(frozen=True)
class Page:
    """Payments a slice's page listed: (ref, order) for each order of the index it
    names, and the orders naming none."""

    slice_id: object
    named: list
    unnamed: list


@dataclasses.dataclass(frozen=True)
class Answer:
    """get_order's answer about one expected order: WeChat's `order`, or None with the
    CallResult (or exception) saying why."""

    slice_id: object
    ref: object
    order: dict | None
    failure: object = None


@dataclasses.dataclass(frozen=True)
class SliceEnd:
    """A slice is read: every page, then every get_order it needed (`failure`: the
    CallResult or exception of the page that stopped it, whose orders stay unread)."""

    slice_id: object
    failure: object = None


class _Reading:
    """Where the reading of one slice is."""

    def __init__(self, slice_):
        self.slice = slice_
        self.pages = 0  # pages read
        self.paging = False  # a page call in flight or queued
        self.asking = 0  # get_order calls in flight or queued
        self.cut = False  # stopped before its end: no SliceEnd

    @property
    def busy(self):
        return self.paging or self.asking


class SliceReader:
    """Slices read through a CallPool: `add` them, `collect` Page, Answer and SliceEnd
    events as calls end. `key_of(ref)`: the payload.OrderKey get_order asks for an
    expected order."""

    def __init__(self, client, pool, account, index, key_of, page_size=PAGE_SIZE):
        self.client = client
        self.pool = pool
        self.account = account
        self.index = index
        self.key_of = key_of
        self.page_size = page_size
        self.named = set()  # refs any page named so far
        self.stopped = False
        self._readings = {}  # slice id -> _Reading, until nothing of it is in flight
        self._tickets = itertools.count()

    def __len__(self):
        """Slices added with calls still in flight or to make."""
        return len(self._readings)

    def add(self, slice_id, slice_):
        """Start reading `slice_`: its first page, or get_order for each of its orders
        when it is not listed."""
        self._readings[slice_id] = _Reading(slice_)
        if slice_.listed:
            self._page(slice_id, None)
            return []
        return self._ask(slice_id, slice_.refs)

    def collect(self, timeout=None):
        """Events of the calls that ended (waiting up to `timeout` for one)."""
        events = []
        for (kind, slice_id, detail), answer in self.pool.collect(timeout=timeout):
            if kind == "page":
                events += self._on_page(slice_id, answer)
            else:
                events += self._on_answer(slice_id, detail, answer)
        return events

    def stop(self):
        """Start no more calls: those not started are dropped, and their slices end
        without a SliceEnd once their calls in flight come back (collect them)."""
        self.stopped = True
        for kind, slice_id, _detail in self.pool.cancel_queued():
            reading = self._readings[slice_id]
            reading.cut = True
            if kind == "page":
                reading.paging = False
            else:
                reading.asking -= 1
            if not reading.busy:
                del self._readings[slice_id]

    def _page(self, slice_id, last_index):
        reading = self._readings[slice_id]
        slice_ = reading.slice
        body = {
            "pay_time_range": {"begin_time": slice_.begin, "end_time": slice_.end},
            "page_size": self.page_size,
        }
        if last_index:
            # The first page goes without last_index (api_getorderlist: 获取第一页时不用
            # 传入); the next carries the one WeChat answered, unchanged.
            body["last_index"] = last_index
        reading.paging = True
        self.pool.add(
            ("page", slice_id, next(self._tickets)),
            ("slice", slice_id),
            self.account,
            self.client.call,
            endpoints.OSM_GET_ORDER_LIST,
            body,
        )

    def _ask(self, slice_id, refs):
        """get_order for each of `refs`; the SliceEnd when there are none."""
        reading = self._readings[slice_id]
        for ref in refs:
            reading.asking += 1
            self.pool.add(
                ("order", slice_id, ref),
                ("order", ref),
                self.account,
                self.client.get_order,
                self.key_of(ref),
            )
        return self._end_if_done(slice_id)

    def _end_if_done(self, slice_id, failure=None):
        reading = self._readings[slice_id]
        if reading.busy and failure is None:
            return []
        if not reading.busy:
            del self._readings[slice_id]
        else:
            reading.cut = True
        return [] if reading.cut and failure is None else [SliceEnd(slice_id, failure)]

    def _on_page(self, slice_id, result):
        reading = self._readings[slice_id]
        reading.paging = False
        if not getattr(result, "accepted", False):
            return self._end_if_done(slice_id, result)
        reading.pages += 1
        named, unnamed = [], []
        for order in result.data.get("order_list") or []:
            if not isinstance(order, dict):
                continue
            refs = self.index.find(order)
            named += [(ref, order) for ref in refs]
            self.named.update(refs)
            if not refs:
                unnamed.append(order)
        events = [Page(slice_id, named, unnamed)]
        last_index = result.data.get("last_index")
        more = (
            result.data.get("has_more")
            and isinstance(last_index, str)
            and last_index
            and reading.pages < MAX_PAGES
        )
        missing = [ref for ref in reading.slice.refs if ref not in self.named]
        if self.stopped and (more or missing):
            reading.cut = True
            return events + self._end_if_done(slice_id)
        if more:
            self._page(slice_id, last_index)
            return events
        return events + self._ask(slice_id, missing)

    def _on_answer(self, slice_id, ref, result):
        reading = self._readings[slice_id]
        reading.asking -= 1
        order = None
        if getattr(result, "accepted", False):
            order = (result.data or {}).get("order")
        if not isinstance(order, dict):
            order = None
        answer = Answer(slice_id, ref, order, None if order else result)
        return [answer, *self._end_if_done(slice_id)]
