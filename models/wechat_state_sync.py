"""WeChat's state of every order whose funds it holds, read from its order list (not a
model).

One run per company: the orders whose funds WeChat holds (sale orders and combined
orders, keyed, neither trade complete nor refunded) are read from the database once and
indexed by their keys; the protocol's SliceReader lists WeChat's payments over the time
they were paid, slice by slice, several slices in flight, and asks get_order about the
orders no page named. What comes back together is taken into the orders in one go,
writing only what changed, and committed when the cron owns the transaction. A pass
over all of a company's orders may span several cron calls: the pay time it has reached
is kept (a system parameter per company) until the pass ends."""

import dataclasses
import functools
import logging
import time

from wechat_protocol import call_pool, order_list_sync, payload, push

from odoo import fields
from odoo.service.model import retrying
from odoo.tools import SQL, config

from .wechat_order_key_mixin import (
    NUMBER_TYPES,
    STATE_RANK,
    moment_from_unix,
    state_of_code,
    unix_from_moment,
)

_logger = logging.getLogger(__name__)
# Where a company's unfinished pass is: the pay time (Unix s) it has read up to.
CURSOR_PARAM = "wechat_shipping.state_sync_cursor.%d"
# Seconds a cron call keeps to when Odoo's own limit is off (limit_time_real 0).
DEFAULT_SECONDS = 300
# Seconds a cron call waits for an answer before it looks at the clock again.
COLLECT_SECONDS = 0.5
MODELS = {"s": "sale.order", "c": "wechat.combined.order"}


def cron_seconds():
    """How long one cron call may read: half of Odoo's real-time limit of a cron
    (`limit_time_real_cron`, else `limit_time_real`; 120 s by default), so that the
    calls in flight at the stop (up to a read timeout) and the commit end well before
    Odoo kills the worker."""
    limit = config.get("limit_time_real_cron") or -1
    if limit < 0:
        limit = config.get("limit_time_real") or 0
    return limit / 2 if limit > 0 else DEFAULT_SECONDS


@dataclasses.dataclass
class SyncReport:
    """What a sync call did: orders whose state WeChat told (`refreshed`), those still
    to read in the pass (`remaining`), the states written (`changed`), and WeChat's
    payments that name no order of Odoo (`unmatched`: their ids, pay time, state and
    amount, by company id)."""

    refreshed: int = 0
    remaining: int = 0
    changed: int = 0
    failures: list = dataclasses.field(default_factory=list)
    unmatched: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class _Held:
    """One order whose funds WeChat holds, as the run read it."""

    ref: tuple  # (model code, id)
    key: payload.OrderKey
    state: str | None
    paid_at: int  # Unix s: WeChat's pay time, else the order's date
    paid_known: bool


class StateSync:
    """One company's pass: `run(deadline)` reads until the pass ends or the deadline
    comes, and adds what it did to `report`."""

    def __init__(self, company, report, commit, per_slice=None, pool_size=None):
        self.env = company.env
        self.company = company
        self.report = report
        self.commit = commit
        self.per_slice = per_slice or order_list_sync.SLICE_ORDERS
        self.pool_size = pool_size
        self.held = {}
        self.refreshed = set()

    def run(self, deadline):
        """Read this company's pass until it ends or `deadline` (time.monotonic())."""
        client, error = self.company._wechat_sender()
        if error:
            return
        cursor = self._cursor()
        self.held = self._held_orders()
        slices = order_list_sync.plan_slices(
            [(h.paid_at, h.ref) for h in self.held.values() if h.paid_at > cursor],
            per_slice=self.per_slice,
            after=cursor or None,
        )
        index = order_list_sync.OrderIndex()
        for held in self.held.values():
            index.add(held.ref, **_key_ids(held.key))
        reader = order_list_sync.SliceReader(
            client,
            call_pool.CallPool(
                self.pool_size or self.env["wechat.shipping.upload"].sudo()._pool_size()
            ),
            self.company.sudo().wechat_appid or f"company-{self.company.id}",
            index,
            lambda ref: self.held[ref].key,
        )
        done = self._read(reader, slices, deadline)
        # The pass goes on from the end of the slices read in a row from its start.
        reached = next((i for i, ended in enumerate(done) if not ended), len(done))
        if reached == len(slices):
            self._save_cursor(None)
        elif reached:
            self._save_cursor(slices[reached - 1].end)
        self.report.refreshed += len(self.refreshed)
        self.report.remaining += sum(len(s.refs) for s in slices[reached:])

    def _read(self, reader, slices, deadline):
        """Read `slices` side by side, taking what comes back into the orders; which
        slices ended read."""
        done = [False] * len(slices)
        position = 0
        while position < len(slices) or reader:
            if time.monotonic() >= deadline and not reader.stopped:
                reader.stop()
            events = []
            while (
                not reader.stopped
                and position < len(slices)
                and len(reader) < reader.pool.size
            ):
                events += reader.add(position, slices[position])
                position += 1
            events += reader.collect(timeout=COLLECT_SECONDS)
            if reader.stopped and position < len(slices):
                position = len(slices)
            self._take_events(events, done)
        return done

    def _take_events(self, events, done):
        """Take the orders the events name into Odoo (committed together) and mark the
        slices that ended."""
        told, unnamed = [], []
        for event in events:
            if isinstance(event, order_list_sync.Page):
                told += event.named
                unnamed += event.unnamed
            elif isinstance(event, order_list_sync.Answer):
                if event.order is not None:
                    told.append((event.ref, event.order))
            elif event.failure is None:
                done[event.slice_id] = True
            else:
                text = _failure_text(event.failure)
                _logger.info(
                    "WeChat order list of %s not read: %s", self.company.name, text
                )
                self.report.failures.append(text)
        if told or unnamed:
            take = functools.partial(self._take, told, unnamed)
            states, paid, unmatched = (
                retrying(take, self.env) if self.commit else take()
            )
            # Kept in memory once written: a retry after a serialization failure starts
            # again from what the run knew before.
            for ref, state in states.items():
                self.held[ref].state = state
            for ref, moment in paid.items():
                self.held[ref].paid_at = unix_from_moment(moment)
                self.held[ref].paid_known = True
            self.refreshed.update(ref for ref, _order in told)
            self.report.changed += len(states)
            self.report.unmatched.setdefault(self.company.id, []).extend(unmatched)

    def _take(self, told, unnamed):
        """Write what WeChat told of these orders, and look up the payments naming
        none of the held ones: (the new states written, the pay times written, the
        payments naming no order). Run again whole after a serialization failure, it
        changes nothing in memory."""
        states, paid = {}, {}
        for ref, order in told:
            held = self.held[ref]
            state = state_of_code(order.get("order_state"))
            current = states.get(ref, held.state)
            # WeChat's states only move on: a page older than the last never takes
            # one back.
            if (
                state
                and state != current
                and (not current or STATE_RANK[state] >= STATE_RANK[current])
            ):
                states[ref] = state
            moment = moment_from_unix(order.get("pay_time"))
            if moment and (
                not held.paid_known or unix_from_moment(moment) != held.paid_at
            ):
                paid[ref] = moment
        now = fields.Datetime.now()
        by_value = {}
        for (code, record_id), state in states.items():
            by_value.setdefault((code, state), []).append(record_id)
        for (code, state), ids in by_value.items():
            self.env[MODELS[code]].sudo().browse(ids).write(
                {"wechat_order_state": state, "wechat_state_since": now}
            )
        for code in MODELS:
            rows = [(ref[1], moment) for ref, moment in paid.items() if ref[0] == code]
            if rows:
                self._write_paid_at(code, rows)
        return states, paid, self._take_unnamed(unnamed) if unnamed else []

    def _write_paid_at(self, code, rows):
        """WeChat's pay time of these orders ((id, moment) rows of the model `code`
        names), in one UPDATE: a fact of WeChat's that nothing depends on, not tracked,
        learnt for every order once."""
        Model = self.env[MODELS[code]]
        Model.flush_model(["wechat_paid_at"])
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET wechat_paid_at = v.paid"
                " FROM (VALUES %s) AS v(id, paid) WHERE %s.id = v.id",
                SQL.identifier(Model._table),
                SQL(", ").join(SQL("(%s, %s::timestamp)", *row) for row in rows),
                SQL.identifier(Model._table),
            )
        )
        Model.invalidate_model(["wechat_paid_at"])

    def _take_unnamed(self, orders):
        """Listed payments naming no held order: the state of those naming another
        order of the company (settled, a sub-order, a quotation) is taken into it as a
        push's would be; the others, WeChat's payments Odoo has no order of, are
        returned (their ids, pay time, state and amount)."""
        found = order_list_sync.OrderIndex()
        records = {}
        for code, model in MODELS.items():
            for record in self._orders_named(model, orders):
                records[(code, record.id)] = record
                found.add((code, record.id), **_key_ids(record._wechat_order_key()))
        unmatched = []
        now = fields.Datetime.now()
        for order in orders:
            refs = found.find(order)
            state = state_of_code(order.get("order_state"))
            for ref in refs:
                if state:
                    records[ref]._wechat_take_state(
                        {"wechat_order_state": state, "wechat_state_since": now}
                    )
            if not refs:
                unmatched.append(_payment_of(order))
        return unmatched

    def _orders_named(self, model, orders):
        """The orders of `model` of this company carrying a transaction id or merchant
        order number of `orders` (one query)."""
        ids = [push.payment_ids(order) for order in orders]
        transaction_ids = [i["transaction_id"] for i in ids if i["transaction_id"]]
        numbers = [i["merchant_trade_no"] for i in ids if i["merchant_trade_no"]]
        return (
            self.env[model]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company.id),
                    "|",
                    ("wechat_transaction_id", "in", [t for t in transaction_ids if t]),
                    ("wechat_out_trade_no", "in", [n for n in numbers if n]),
                ]
            )
        )

    def _held_orders(self):
        """The company's orders whose funds WeChat holds, read in one query per
        model: {ref: _Held}."""
        held = {}
        for code, model in MODELS.items():
            Model = self.env[model].sudo()
            Model.flush_model()
            domain = Model._wechat_held_domain(self.company)
            query = Model._where_calc(domain)
            fallback = SQL.identifier(Model._table, Model._wechat_paid_fallback)
            self.env.cr.execute(
                query.select(
                    SQL.identifier(Model._table, "id"),
                    *(
                        SQL.identifier(Model._table, name)
                        for name in (
                            "wechat_order_number_type",
                            "wechat_transaction_id",
                            "wechat_mchid",
                            "wechat_out_trade_no",
                            "wechat_sub_mchid",
                            "wechat_order_state",
                            "wechat_paid_at",
                        )
                    ),
                    fallback,
                )
            )
            for row in self.env.cr.fetchall():
                record_id, kind, tid, mchid, number, sub, state, paid, date = row
                ref = (code, record_id)
                held[ref] = _Held(
                    ref,
                    payload.OrderKey(
                        order_number_type=NUMBER_TYPES.get(kind, 0),
                        transaction_id=(tid or "").strip() or None,
                        mchid=(mchid or "").strip() or None,
                        out_trade_no=(number or "").strip() or None,
                        sub_mchid=(sub or "").strip() or None,
                    ),
                    state,
                    unix_from_moment(paid or date),
                    bool(paid),
                )
        return held

    def _cursor(self):
        """The pay time the company's pass under way has read up to (0: a new pass)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(CURSOR_PARAM % self.company.id)
        )
        return int(value) if value and value.isdigit() else 0

    def _save_cursor(self, reached):
        """Keep where the pass is (None: it ended, the next begins anew)."""
        self.env["ir.config_parameter"].sudo().set_param(
            CURSOR_PARAM % self.company.id, str(reached) if reached else False
        )


def sync_states(env, seconds, commit, per_slice=None, pool_size=None):
    """WeChat's state of the held orders of every company that follows them, read for
    at most `seconds`: a SyncReport."""
    deadline = time.monotonic() + seconds
    report = SyncReport()
    for company in env["sale.order"]._wechat_state_companies():
        if time.monotonic() >= deadline:
            break
        StateSync(company, report, commit, per_slice, pool_size).run(deadline)
        if report.unmatched.get(company.id):
            env["sale.order"]._wechat_payments_unmatched(
                company, report.unmatched[company.id]
            )
    return report


def _key_ids(key):
    """An order key's ids as OrderIndex.add takes them."""
    return {
        "transaction_id": key.transaction_id,
        "mchid": key.mchid,
        "out_trade_no": key.out_trade_no,
        "sub_mchid": key.sub_mchid,
    }


def _payment_of(order):
    """What the run keeps of a listed payment naming no order: its ids, payer, pay
    time (Unix s), state and amount (fen), what the payment matcher reads."""
    return {
        **push.payment_ids(order),
        "openid": order.get("openid") or "",
        "pay_time": order.get("pay_time"),
        "order_state": order.get("order_state"),
        "paid_amount": order.get("paid_amount"),
    }


def _failure_text(failure):
    """A failed call in English, for the log and the report."""
    if hasattr(failure, "describe"):
        return failure.describe("en_US")
    return type(failure).__name__
