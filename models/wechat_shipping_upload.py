import dataclasses
import functools
import json
import logging
from datetime import datetime, timedelta, timezone

from psycopg2.errors import SerializationFailure
from wechat_protocol import (
    call_pool,
    catalogue,
    exchange,
    labels,
    payload,
    report,
    rfc3339,
)

from odoo import api, fields, models
from odoo.osv import expression
from odoo.service.model import retrying
from odoo.tools import LazyTranslate

from .field_labels import field_labels
from .wechat_order_key_mixin import key_text, notification
from .wechat_upload_payload import (
    DELIVERY_CODES,
    ORDER_SHIPPING,
    SHOPPING_DETAILS,
    SHOPPING_ORDER,
    Waiting,
)
from .wechat_upload_sending import UploadSending

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

STATES = [
    ("pending", "Pending"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("waiting", "Waiting"),
    ("retrying", "Retrying"),
    ("attention", "Needs Attention"),
]
# From the most to the least pressing: what an order or a delivery shows of its uploads.
STATE_URGENCY = ("attention", "retrying", "pending", "sending", "waiting", "sent")
FAMILIES = [
    (ORDER_SHIPPING, "Order Shipping Management"),
    (SHOPPING_DETAILS, "Shopping Details"),
    (SHOPPING_ORDER, "Shopping Order"),
]
# Of uploads equally pressing, what an order or a delivery shows first: its shipping.
FAMILY_SHOWN = (ORDER_SHIPPING, SHOPPING_ORDER, SHOPPING_DETAILS)
DETAILS_ELSEWHERE_MISSING = _lt(
    "The shopping details of %(order)s are uploaded by another system "
    "([[shopping_details_by]] in the WeChat Shipping settings), and WeChat holds "
    "none for order key %(key)s. Have that system upload them with this order key, "
    "then retry."
)
CORRECTION_USED = _lt(
    "WeChat allows one change of a payment's complete shipping, and "
    "this order's change has been used: WeChat would refuse this one "
    "(10060003), so Odoo does not send it. Correct the shipment in the "
    "WeChat Pay merchant platform (发货信息管理) or ask WeChat support."
)
RECORD_UNAVAILABLE = _lt(
    "The answer to the last attempt was lost and WeChat could not be "
    "asked what it holds; asked again later, before anything is sent."
)
SEND_FAILED = _lt(
    "Sending failed in Odoo (see the server log); the upload is "
    "tried again later, as one whose answer from WeChat was lost."
)
ANSWER_NOTES = {
    exchange.CORRECTION_USED: CORRECTION_USED,
    exchange.RECORD_UNAVAILABLE: RECORD_UNAVAILABLE,
}
RETRY_BASE_SECONDS = 60
RETRY_CAP_SECONDS = 3600
# A wake-up this much later covers a job run that starts while a delivery's transaction
# is open.
WAKE_UP_LATER_SECONDS = 10
# Uploads claimed together at most; their payloads are built with a few reads for all of
# them.
CLAIM_SIZE = 20
# A cron run sends this many uploads per call the pool keeps in flight, then the cron
# comes back.
BATCH_PER_CALL_IN_FLIGHT = 10
# Uploads an Upload now notification names with their reasons; the list shows the rest.
NOTIFIED_UPLOADS = 5
# Who reads deliveries (stock.picking): inventory users, and salespeople through
# sale_stock.
PICKING_READERS = "stock.group_stock_user,sales_team.group_sale_salesman"
# How an attempt a person asked for ended, as a notification says it, most pressing
# first: refused or failed, nothing to send yet (both followed by the state's label and
# the reason), taken by the upload job, nothing sent as WeChat holds exactly this,
# accepted.
REFUSED, WAITING, SENDING, QUEUED, HELD, ACCEPTED = (
    "refused",
    "waiting",
    "sending",
    "queued",
    "held",
    "accepted",
)
OUTCOME_ORDER = (REFUSED, WAITING, SENDING, QUEUED, HELD, ACCEPTED)
OUTCOME_LINES = {
    ACCEPTED: _lt("%s: WeChat accepted it."),
    HELD: _lt("%s: WeChat already holds exactly this; nothing was sent."),
    SENDING: _lt(
        "%s: the upload job is sending it right now; reload the screen in a moment "
        "to see how it went."
    ),
    QUEUED: _lt("%s: queued; the upload job sends it in a moment."),
}


def _wire_key_text(order_key_wire):
    """An order key of the wire as a person reads it: `transaction_id …` or `mchid … /
    out_trade_no …`."""
    if (
        order_key_wire.get("order_number_type")
        == payload.OrderNumberType.WXPAY_TRADE_NUMBER
    ):
        names = ("transaction_id",)
    else:
        names = ("mchid", "out_trade_no")
    return key_text(names, [order_key_wire.get(name) for name in names])


def _without_upload_time(body):
    """A stored request body as data without its upload_time, or None if damaged."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    data.pop("upload_time", None)
    return data


def _open_records(action_xmlid, records):
    """The window action `action_xmlid` on `records`: a form for one, else a list of all
    of them whatever the action's default filters (the uploads list opens on Needs
    Attention)."""
    action = records.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
    if len(records) == 1:
        action.update(res_id=records.id, view_mode="form", views=[(False, "form")])
    else:
        action.update(domain=[("id", "in", records.ids)], context={})
    return action


class WechatShippingUpload(models.Model):
    """One WeChat order's shipping information and where its upload stands.

    Every field belongs to the upload job: people read uploads (ir.model.access grants
    no write, create or unlink to anyone) and act on them only through the actions
    below, which check their rights before anything is written or sent. They still
    discuss an upload and close its activities with read access alone."""

    _name = "wechat.shipping.upload"
    _inherit = [
        "wechat.upload.queue",
        "wechat.upload.payload",
        "wechat.upload.chatter",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _description = "WeChat Shipping Upload"
    _order = "id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(compute="_compute_name", store=True)
    family = fields.Selection(
        FAMILIES,
        string="WeChat API",
        required=True,
        default=SHOPPING_ORDER,
        readonly=True,
        index=True,
        help="Order Shipping Management (发货信息管理, /wxa/sec/order) releases the "
        "funds of the payment; Shopping Details (购物详情, "
        "/user-order/orders) tell WeChat what the order holds; Shopping Order "
        "(购物订单, /user-order/.../shippings) ships those shopping details.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    combined_order_id = fields.Many2one(
        "wechat.combined.order",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    state = fields.Selection(
        STATES,
        default="pending",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        help="Pending: waits for the next run of the upload job. Sending: being "
        "sent now. Sent: WeChat accepted the latest shipping information. Waiting: "
        "nothing to send yet (the reason says what it waits for). Retrying: WeChat "
        "could not be reached or was busy; sent again automatically. Needs attention: "
        "WeChat or this addon refused the data; fix what the reason says, then retry.",
    )
    sent_at = fields.Datetime("Accepted On", readonly=True)
    last_errcode = fields.Integer("WeChat errcode", readonly=True, tracking=True)
    last_errmsg = fields.Char("WeChat errmsg", readonly=True)
    problems = fields.Json(readonly=True, copy=False)
    reason = fields.Text(compute="_compute_reason")
    problem_code = fields.Integer(
        compute="_compute_problem_code",
        store=True,
        aggregator=False,
        help="WeChat's error code of the first problem, whether WeChat answered it "
        "or Odoo found it before sending (Odoo's checks "
        "use WeChat's codes); empty when nothing is wrong.",
    )
    upload_time = fields.Char(
        "Upload Time Sent (RFC 3339)",
        readonly=True,
        help="upload_time of the last request sent, as WeChat received it (China "
        "Standard Time, +08:00, unless the company's address says otherwise); each "
        "update carries a later one.",
    )
    upload_time_at = fields.Datetime(
        "Upload Time Sent",
        compute="_compute_upload_time_at",
        help="upload_time of the last request sent, in your time zone; each update "
        "carries a later one.",
    )
    request_body = fields.Text("Request Body (masked)", readonly=True)
    request_body_pretty = fields.Text(
        "Request Body", compute="_compute_request_body_pretty"
    )
    wechat_held = fields.Json(
        "Held by WeChat",
        readonly=True,
        copy=False,
        help="Order Shipping Management: per payment order, the shipping WeChat holds.",
    )
    wechat_finish_counts = fields.Json(
        "WeChat Completions",
        readonly=True,
        copy=False,
        help="Order Shipping Management: per payment order, WeChat's "
        "finish_shipping_count (1 once complete, 2 once its one change is used).",
    )
    # For those who may read deliveries: a WeChat Shipping user without inventory or
    # sales rights reads uploads, not the deliveries behind them.
    picking_ids = fields.Many2many(
        "stock.picking",
        compute="_compute_picking_ids",
        search="_search_picking_ids",
        string="Deliveries",
        groups=PICKING_READERS,
    )
    picking_count = fields.Integer(
        compute="_compute_picking_ids", string="Delivery Count", groups=PICKING_READERS
    )

    _sql_constraints = [
        (
            "sale_order_uniq",
            "unique(sale_order_id, family)",
            "A sale order has one WeChat upload per API.",
        ),
        (
            "combined_order_uniq",
            "unique(combined_order_id, family)",
            "A combined order has one WeChat upload per API.",
        ),
        (
            "one_order",
            "CHECK((sale_order_id IS NULL) != (combined_order_id IS NULL))",
            "An upload carries either one sale order or one combined order.",
        ),
    ]

    @api.depends("sale_order_id.name", "combined_order_id.name")
    def _compute_name(self):
        for upload in self:
            upload.name = upload.combined_order_id.name or upload.sale_order_id.name

    @api.depends("problems")
    @api.depends_context("lang")
    def _compute_reason(self):
        # Stored with the placeholders of the fields they name: filled in with the
        # labels the reader sees now.
        lang = self.env.lang or "en_US"
        names = field_labels(self.env)
        for upload in self:
            upload.reason = (
                report.render(upload.problems, lang, names)
                if upload.problems
                else False
            )

    @api.depends("problems")
    def _compute_problem_code(self):
        for upload in self:
            problems = upload.problems if isinstance(upload.problems, list) else []
            codes = (p.get("code") for p in problems if isinstance(p, dict))
            upload.problem_code = next(
                (c for c in codes if isinstance(c, int) and not isinstance(c, bool)), 0
            )

    @api.depends("upload_time")
    def _compute_upload_time_at(self):
        for upload in self:
            try:
                moment = (
                    rfc3339.parse_rfc3339(upload.upload_time)
                    if upload.upload_time
                    else None
                )
            except ValueError:
                moment = None  # damaged: the text itself is shown beside
            upload.upload_time_at = (
                moment.astimezone(timezone.utc).replace(tzinfo=None)
                if moment
                else False
            )

    @api.depends("request_body")
    def _compute_request_body_pretty(self):
        for upload in self:
            try:
                body = json.loads(upload.request_body) if upload.request_body else None
            except ValueError:
                body = None
            pretty = (
                json.dumps(body, ensure_ascii=False, indent=2)
                if body is not None
                else False
            )
            upload.request_body_pretty = pretty or upload.request_body

    def _compute_picking_ids(self):
        for upload in self:
            orders = upload.combined_order_id.sale_order_ids or upload.sale_order_id
            upload.picking_ids = orders.picking_ids.filtered(
                lambda p: p.picking_type_code in DELIVERY_CODES
            )
            upload.picking_count = len(upload.picking_ids)

    def _search_picking_ids(self, operator, value):
        """Uploads carrying the deliveries that match (by name from the search bar, else
        by id)."""
        negative = operator in expression.NEGATIVE_TERM_OPERATORS
        if negative:
            operator = expression.TERM_OPERATORS_NEGATION[operator]
        field = "name" if isinstance(value, str) else "id"
        pickings = self.env["stock.picking"]._search(
            [(field, operator, value), ("picking_type_code", "in", DELIVERY_CODES)]
        )
        domain = [
            "|",
            ("sale_order_id.picking_ids", "in", pickings),
            ("combined_order_id.sale_order_ids.picking_ids", "in", pickings),
        ]
        return ["!", *domain] if negative else domain

    # ------------------------------------------------------------------ actions

    def action_upload_now(self):
        """Send now, in this request, and say how it went."""
        self._check_send_access()
        uploads = self.sudo()
        # Shopping details first, those the shipping waits for included: it goes once
        # WeChat has them.
        waiting = uploads.filtered(lambda u: u._wechat_waits_for_details())
        orders = waiting.combined_order_id.sale_order_ids | waiting.sale_order_id
        uploads |= (
            self._for_orders(orders, families=[SHOPPING_DETAILS])
            .sudo()
            ._without_accepted_details()
        )
        sent_before = {upload.id: upload.upload_time for upload in uploads}
        details = uploads.filtered(lambda u: u.family == SHOPPING_DETAILS)
        for batch in (details, uploads - details):
            if batch:
                batch._request_upload(trigger=False)
                batch._claim(batch.ids, batch_size=len(batch))._send_claimed()
        return uploads._sent_notification(sent_before)

    def action_retry(self):
        """Send again now, whatever the backoff said, with a new count of attempts,
        and say how it went."""
        self._check_send_access()
        self.sudo().filtered(lambda u: u.state != "sending").write({"attempt_count": 0})
        return self.action_upload_now()

    def action_view_pickings(self):
        """The deliveries this upload carries."""
        return _open_records("stock.action_picking_tree_all", self.picking_ids)

    def _sent_notification(self, sent_before):
        """How an Upload now or a Retry of these uploads went, one line per upload
        (`sent_before`: {upload id: its upload_time before}); the screen behind it is
        reloaded (it shows the new state)."""
        if not self:
            return notification(
                self.env._("Nothing to send to WeChat"),
                [
                    self.env._(
                        "Nothing here is a WeChat order: a sale order needs its "
                        "WeChat order key, a combined order its sale orders."
                    )
                ],
                reload=True,
            )
        outcomes = {
            upload: upload._attempt_outcome(sent_before.get(upload.id))
            for upload in self
        }
        return notification(
            self._outcome_title(list(outcomes.values())),
            self._outcome_lines(outcomes),
            kind=self._outcome_kind(list(outcomes.values())),
            reload=True,
        )

    def _attempt_outcome(self, upload_time_before):
        """How the attempt a person just asked for ended for this upload: REFUSED,
        WAITING, SENDING, QUEUED, HELD (nothing sent: WeChat holds exactly this, or
        said so) or ACCEPTED. A call WeChat answered moves upload_time on."""
        if self.state == "sent":
            unsent = self.upload_time == upload_time_before
            return HELD if unsent or self.last_errcode else ACCEPTED
        return {"waiting": WAITING, "sending": SENDING, "pending": QUEUED}.get(
            self.state, REFUSED
        )

    def _outcome_title(self, outcomes):
        """The title of a notification of these outcomes."""
        held = sum(outcome in (HELD, ACCEPTED) for outcome in outcomes)
        if held < len(outcomes):
            return self.env._(
                "WeChat accepted %(sent)s of %(total)s", sent=held, total=len(outcomes)
            )
        if ACCEPTED in outcomes:
            return self.env._("WeChat accepted the shipping information")
        return self.env._(
            "Nothing to send: WeChat already holds this shipping information"
        )

    @staticmethod
    def _outcome_kind(outcomes):
        """The notification's colour: success when WeChat took something and holds
        everything, a warning when something was not taken, else information."""
        if REFUSED in outcomes:
            return "warning"
        if ACCEPTED in outcomes and set(outcomes) <= {ACCEPTED, HELD}:
            return "success"
        return "info"

    def _outcome_lines(self, outcomes):
        """One line per upload, the most pressing first, naming the order (and its
        WeChat API when the order has several uploads here); the first few only."""
        lang = self.env.lang or "en_US"
        states = dict(self._fields["state"]._description_selection(self.env))
        families = dict(self._fields["family"]._description_selection(self.env))
        names = [upload.name for upload in outcomes]
        ordered = sorted(outcomes, key=lambda u: OUTCOME_ORDER.index(outcomes[u]))
        lines = []
        for upload in ordered[:NOTIFIED_UPLOADS]:
            outcome = outcomes[upload]
            details = [families[upload.family]] if names.count(upload.name) > 1 else []
            if outcome in (REFUSED, WAITING):
                details.append(states[upload.state])
            label = f"{upload.name} ({', '.join(details)})" if details else upload.name
            if outcome in OUTCOME_LINES:
                lines.append(OUTCOME_LINES[outcome]._translate(lang) % label)
            elif upload.reason:
                lines.append(f"{label}: {report.shorten(upload.reason, 300)}")
            else:
                lines.append(label)
        if len(ordered) > NOTIFIED_UPLOADS:
            lines.append(
                self.env._(
                    "… and %s more: see the WeChat Uploads list.",
                    len(ordered) - NOTIFIED_UPLOADS,
                )
            )
        return lines

    def _check_send_access(self):
        """Who may send or retry: the WeChat Shipping group (which alone reads uploads),
        for uploads of their own companies (the record rule). Raises AccessError
        otherwise."""
        self.check_access("read")

    def _wechat_reasons(self):
        """Why WeChat lacks what these uploads (one order's) carry, one reason per
        upload not sent; named after its WeChat API unless it is the one shipping API's
        only reason."""
        names = dict(self._fields["family"]._description_selection(self.env))
        reasons = [(u.family, u.reason) for u in self if u.reason and u.state != "sent"]
        shipping_apis = len(self.filtered(lambda u: u.family != SHOPPING_DETAILS))
        if (
            len(reasons) == 1
            and reasons[0][0] != SHOPPING_DETAILS
            and shipping_apis == 1
        ):
            return reasons[0][1]
        return (
            "\n".join(f"{names[family]}: {reason}" for family, reason in reasons)
            or False
        )

    def _action_open(self):
        """Open these uploads (a form for one)."""
        return _open_records("wechat_shipping.wechat_shipping_upload_action", self)

    # ----------------------------------------------------------------- business methods

    @api.model
    def _for_orders_of_user(self, orders, create=True):
        """_for_orders for a person's action on `orders`: their rights on the orders and
        on uploads are checked first, so a refused action writes and sends nothing."""
        orders.check_access("read")
        self.check_access("read")
        return self._for_orders(orders, create=create)

    @api.model
    def _for_orders(self, orders, create=True, families=None):
        """The uploads that carry these sale orders (their combined orders for
        sub-orders).

        `create`: those of the families each company sends to (or of `families` among
        them), created where missing; else every existing one."""
        orders = orders.sudo().filtered(lambda o: o._wechat_is_wechat_order())
        combined = orders.wechat_combined_order_id
        targets = [("combined_order_id", order) for order in combined] + [
            ("sale_order_id", order)
            for order in orders
            if not order.wechat_combined_order_id
        ]
        uploads = self.sudo().search(
            [
                "|",
                ("combined_order_id", "in", combined.ids),
                (
                    "sale_order_id",
                    "in",
                    [order.id for field, order in targets if field == "sale_order_id"],
                ),
            ]
        )
        if not create:
            return uploads.with_env(self.env)
        wanted = [
            (field, order, family)
            for field, order in targets
            for family in order.company_id._wechat_family_names()
            if families is None or family in families
        ]
        wanted_set = set(wanted)
        uploads = uploads.filtered(lambda u: u._wechat_target() in wanted_set)
        held = {upload._wechat_target() for upload in uploads}
        # Created without chatter, followers or tracking (the job's record of its own):
        # the "created" note and subscribing whoever validated were most of what
        # auto-upload adds to validating a delivery. Changes of state are tracked from
        # then on.
        uploads |= uploads.with_context(tracking_disable=True).create(
            [
                {field: order.id, "family": family, "company_id": order.company_id.id}
                for field, order, family in wanted
                if (field, order, family) not in held
            ]
        )
        return uploads.with_env(self.env)

    def _without_accepted_details(self):
        """These uploads but the shopping details WeChat holds already: a delivery, or
        an action on an order or a delivery, changes nothing in them."""
        return self.filtered(
            lambda upload: upload.family != SHOPPING_DETAILS or upload.state != "sent"
        )

    def _wechat_target(self):
        """(the field naming this upload's WeChat order, that order, the family)."""
        if self.combined_order_id:
            return "combined_order_id", self.combined_order_id, self.family
        return "sale_order_id", self.sale_order_id, self.family

    def _request_upload(self, trigger=True):
        """Mark for sending; a claim under way keeps its state and sends the change
        after it.

        An upload already pending and due (a new one, say) is only locked: no worker can
        claim it before this transaction ends, and the claim after reads what it
        changed."""
        if not self:
            return
        now = fields.Datetime.now()
        self._lock_for_update()
        for upload in self.sudo():
            if upload.state == "pending" and upload.next_attempt_at <= now:
                continue
            vals = {"revision": upload.revision + 1, "next_attempt_at": now}
            if upload.state != "sending":
                vals["state"] = "pending"
            upload.write(vals)
        if trigger:
            self._wake_upload_job()

    @api.model
    def _wake_upload_job(self):
        """Have the upload job run at once; a wake-up already due serves a burst of
        deliveries.

        A trigger for now also wakes the cron workers after the commit
        (ir.cron._notifydb, the largest part of what auto-upload adds to a validation).
        When one is already due, a trigger a few seconds later, which wakes nobody, only
        covers a run that began before this transaction's commit and would miss its
        upload: a cron worker then finds it when it next looks (Odoo's cron threads look
        at least once a minute)."""
        cron = self.env.ref("wechat_shipping.ir_cron_wechat_shipping_upload").sudo()
        now = fields.Datetime.now()
        already_due = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id), ("call_at", "<=", now)], limit=1)
        )
        cron._trigger(
            now + timedelta(seconds=WAKE_UP_LATER_SECONDS) if already_due else now
        )

    @api.model
    def _cron_send_due(self, batch_size=None, auto_commit=True):
        """Send up to `batch_size` due uploads (by default ten per call the pool keeps
        in flight), claiming a few more whenever the pool has room; the cron comes back
        for more."""
        uploads = self.sudo()
        with UploadSending(
            uploads, uploads._pool_size(), commit=auto_commit
        ) as sending:
            batch_size = batch_size or BATCH_PER_CALL_IN_FLIGHT * sending.pool.size
            # Claims large enough that building their payloads together pays, small
            # enough to keep the pool full: whatever room there is, once it is half a
            # claim.
            claim_size = min(CLAIM_SIZE, sending.pool.size)
            claimed, more = 0, True
            while more or sending.pool:
                room = min(sending.pool.room(), batch_size - claimed)
                if more and room and (2 * room >= claim_size or not sending.pool):
                    batch = uploads._claim_for(
                        min(room, claim_size), commit=auto_commit
                    )
                    claimed += len(batch)
                    more = bool(batch) and claimed < batch_size
                    sending.add(batch)
                elif sending.collect():
                    # What WeChat accepted may have made more due (a shipping waiting
                    # for its details).
                    more = claimed < batch_size
        uploads._pull_forward_after(sending, commit=auto_commit)
        self.env["ir.cron"]._notify_progress(
            done=len(sending.delivered), remaining=uploads._count_due()
        )

    def _claim_for(self, size, commit):
        """Claim up to `size` due uploads; committed at once when the worker owns the
        transaction, so that other workers see the claim before the slow calls
        (retrying() also retries the serialization failure REPEATABLE READ raises when
        another worker claimed, or a delivery changed, a due row since this transaction
        began)."""
        claim = functools.partial(self._claim, batch_size=size)
        return retrying(claim, self.env) if commit else claim()

    def _send_claimed(self):
        """Send these claimed uploads in this transaction (an action's, never committed
        here); how many were delivered under this worker's claim."""
        with UploadSending(self, self._pool_size()) as sending:
            sending.add(self)
            sending.finish()
        self._pull_forward_after(sending, commit=False)
        return len(sending.delivered)

    @api.model
    def _pool_size(self):
        """Calls to WeChat one worker keeps in flight: system parameter
        `wechat_shipping.calls_in_flight` (1 sends one call after another)."""
        size = self._int_param(
            "wechat_shipping.calls_in_flight", call_pool.DEFAULT_SIZE
        )
        return min(max(size, 1), call_pool.MAX_SIZE)

    def _pull_forward_after(self, sending, commit):
        """After a run in which WeChat accepted uploads, what waits on a backoff in
        their companies goes next."""
        pull = self.browse(sending.delivered)._pull_forward_retrying
        if commit:
            retrying(pull, self.env)
        else:
            pull()

    def _pull_forward_retrying(self):
        """WeChat answers again: what waits on a backoff in the companies of these
        uploads that it accepted goes out with the next run.

        Best effort: uploads another transaction changed meanwhile keep their backoff.
        Failing here would have Odoo retry the whole request of "Upload now", and send
        again what WeChat has just accepted."""
        companies = self.filtered(lambda upload: upload.state == "sent").company_id
        if not companies:
            return
        now = fields.Datetime.now()
        waiting = self.search(
            [
                ("state", "=", "retrying"),
                ("company_id", "in", companies.ids),
                ("next_attempt_at", ">", now),
            ]
        )
        try:
            with self.env.cr.savepoint():
                waiting.browse(waiting._lock_for_update(skip_locked=True)).write(
                    {"next_attempt_at": now}
                )
        except SerializationFailure:
            _logger.info(
                "WeChat uploads changed meanwhile keep their backoff: %s", waiting.ids
            )

    def _deliver(self, built, sender, held_until, commit=False):
        """Record at once the outcome of a payload built by _build_payload_or_problem
        that is not to be sent (nothing to send yet, or known to be refused): this
        upload if recorded under this worker's claim (ending at `held_until`), else an
        empty recordset; or, for a payload to send, (its exchange.Exchange, the body to
        store), which UploadSending sends and _record_answer records.

        `sender`: the company's res.company._wechat_sender(). `commit`: the caller owns
        the transaction (the cron); an outcome is then recorded and committed through
        _finish_committed."""
        self.ensure_one()
        client, config_error = sender
        finish = functools.partial(
            self._finish_committed if commit else self._finish, held_until
        )
        info, found = built
        if info is None:
            return finish("attention", found)
        if isinstance(info, Waiting):
            return finish("waiting", self._odoo_problem(info.reason))
        # A payload built a moment ago goes out with the time it is sent.
        sent_now = self._next_upload_time(datetime.now(info.upload_time.tzinfo))
        info = dataclasses.replace(info, upload_time=sent_now)
        body = self._masked_body(client, info)
        found.extend(info.check())
        if found.problems:
            return finish("attention", found.as_dicts(), body=body, info=info)
        if config_error:
            return finish("attention", self._odoo_problem(config_error), body=body)
        if self._wechat_holds_body(body):
            # Nothing sent: the upload keeps the body and upload_time WeChat holds.
            return finish("sent", [])
        held, counts = self._wechat_known()
        return exchange.Exchange(
            client,
            info,
            self.family == ORDER_SHIPPING,
            self.in_doubt,
            held,
            counts,
            self.attempt_count,
        ), body

    def _wechat_holds_body(self, body):
        """Whether WeChat holds exactly `body`, upload_time aside: a Shopping Order
        shipping whose last attempt WeChat accepted with that body (Shopping Order has
        no get_order). Any later attempt would have left a problem behind (a refusal, a
        lost answer, a wait), so the stored body is then what WeChat accepted."""
        if (
            self.family != SHOPPING_ORDER
            or self.in_doubt
            or self.problems
            or self.last_errcode
            or not self.request_body
        ):
            return False
        held, wanted = (
            _without_upload_time(self.request_body),
            _without_upload_time(body),
        )
        return held is not None and held == wanted

    def _record_answer(self, answer, held_until, body, info, locked=None):
        """Record how this upload's exchange ended: an exchange.Answer, or the exception
        it raised (a defect: the call may have gone out, so the outcome is in doubt).
        This upload if recorded under this worker's claim, else an empty recordset.
        `locked`: see _finish."""
        finish = functools.partial(self._finish, held_until, locked=locked)
        if isinstance(answer, BaseException):
            _logger.error("WeChat upload %s: sending failed", self.id, exc_info=answer)
            return finish(
                "retrying",
                self._odoo_problem(SEND_FAILED),
                body=body,
                extra={"in_doubt": True},
            )
        result = answer.result
        problems = self._result_problems(result) if result else []
        if answer.note:
            problems += self._odoo_problem(ANSWER_NOTES[answer.note])
        if (
            result
            and result.errcode == catalogue.SHOPPING_ORDER_MISSING
            and self.family == SHOPPING_ORDER
            and self.company_id.sudo().wechat_shopping_details_by == "other"
        ):
            problems += self._odoo_problem(
                DETAILS_ELSEWHERE_MISSING,
                key=_wire_key_text(info.to_wire()["order_key"]),
            )
        extra = {"in_doubt": answer.in_doubt}
        if answer.held is not None:
            extra.update(wechat_held=answer.held, wechat_finish_counts=answer.counts)
        if answer.sent is not None:
            body = json.dumps(answer.sent, ensure_ascii=False)
        elif result is None:
            # Nothing went out (WeChat holds it already): the stored body stays the one
            # WeChat got, as upload_time does.
            body = None
        return finish(
            answer.state,
            problems,
            body=body,
            info=info if result else None,
            result=result,
            extra=extra,
        )

    @staticmethod
    def _result_problems(result):
        """A refused or failed call as problems, in both languages (none when
        accepted)."""
        return (
            []
            if result.accepted
            else [
                {
                    "code": result.errcode,
                    "path": "",
                    "label": "",
                    "en": result.describe("en_US", labels.KEEP),
                    "zh": result.describe("zh_CN", labels.KEEP),
                }
            ]
        )

    def _finish_committed(self, *args, **kwargs):
        """_finish, retried in a new transaction on a serialization failure, then
        committed.

        The cron's transaction started before the HTTP call: a delivery validated
        meanwhile raises this upload's revision, and under REPEATABLE READ _finish's
        locking read then fails. Retrying as Odoo retries a request keeps WeChat's
        answer instead of losing it and leaving the rest of the batch 'sending' until
        the claim lease runs out."""
        return retrying(functools.partial(self._finish, *args, **kwargs), self.env)

    def _finish(
        self,
        held_until,
        state,
        problems,
        body=None,
        info=None,
        result=None,
        extra=None,
        locked=None,
    ):
        """Record how an attempt ended and what comes next; this upload, or an empty
        recordset when the claim that ended at `held_until` ran out and another worker
        took the upload over (that worker's outcome is the one to keep). `locked`:
        _lock_claims() of uploads recorded together, this one among them (else it is
        locked here)."""
        self.ensure_one()
        revision, claimed_until = (locked or self._lock_claims())[self.id]
        if claimed_until != held_until:
            _logger.warning(
                "WeChat upload %s: the claim ran out during the "
                "attempt and another worker took the upload "
                "over; this attempt's outcome (%s) is left to it",
                self.id,
                state,
            )
            return self.browse()
        vals = self._finish_vals(state, problems, body, info, result, extra)
        if revision > self.claimed_revision and state != "retrying":
            # Changed while it was being sent: what WeChat got is already behind.
            vals.update(state="pending", next_attempt_at=fields.Datetime.now())
        # An acceptance after an attempt that went well leaves no chatter line, as a job
        # queue logs failures rather than each success ("Accepted On" says when); every
        # failure, and the acceptance that ends one, stays in the chatter.
        routine = state == "sent" and not self.problems
        (self.with_context(mail_notrack=True) if routine else self).write(vals)
        self._after_finish(state, routine)
        return self

    def _finish_vals(self, state, problems, body, info, result, extra):
        """The values an attempt that ended in `state` writes on this upload."""
        now = fields.Datetime.now()
        vals = {
            "state": state,
            "problems": problems or False,
            "claimed_until": False,
            "in_doubt": False,
            **(extra or {}),
        }
        if body is not None:
            vals["request_body"] = body
        if info is not None and result is not None:
            vals["upload_time"] = rfc3339.format_rfc3339(info.upload_time)
        if result is not None:
            vals.update(last_errcode=result.errcode or 0, last_errmsg=result.errmsg)
        if state == "sent":
            vals["attempt_count"] = 0
            # Accepted now, or known now to be held; an unchanged order sent nothing.
            if result is not None or self.in_doubt or not self.sent_at:
                vals["sent_at"] = now
        elif state == "retrying":
            delay = min(
                RETRY_CAP_SECONDS,
                RETRY_BASE_SECONDS * 2 ** max(self.attempt_count - 1, 0),
            )
            vals["next_attempt_at"] = now + timedelta(seconds=delay)
        return vals

    def _after_finish(self, state, routine):
        """What the end of an attempt sets going: the shipping that waited for these
        shopping details, and the salesperson's activity."""
        if state == "sent" and self.family == SHOPPING_DETAILS:
            # The shipping waiting for these details goes now (if claimed meanwhile,
            # right after).
            uploads = (
                self.combined_order_id.upload_ids
                or self.sale_order_id.wechat_upload_ids
            )
            uploads.filtered(
                lambda u: u.family == SHOPPING_ORDER
                and u.state in ("waiting", "sending")
            )._request_upload()
        if state == "attention":
            self._notify_attention()
        elif state == "sent" and not routine:
            self._close_attention()
