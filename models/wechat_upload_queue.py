from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# A worker that died while sending loses its claim after this long; another worker
# resends. System parameter `wechat_shipping.claim_lease_seconds` overrides it (drills
# use a short one).
CLAIM_LEASE_SECONDS = 300
CRON_BATCH = 50


class WechatUploadQueue(models.AbstractModel):
    """Claims and leases of a queue of rows that workers send, committing as they go.

    A row is due when its state is 'pending' or 'retrying' and its next attempt has
    come, or when it is 'sending' under a claim that ran out (the worker died). A worker
    claims due rows with one locking statement that skips rows other workers hold,
    renews its claim while it works, and records an outcome only where its claim
    (`claimed_until`) still stands; a row changed while it was being sent (`revision`
    above `claimed_revision`) is sent again after. The model using it has a `state`
    selection with those three values."""

    _name = "wechat.upload.queue"
    _description = "WeChat upload queue"

    revision = fields.Integer(
        default=1, readonly=True, help="Raised by each change to send."
    )
    claimed_revision = fields.Integer(default=0, readonly=True)
    attempt_count = fields.Integer("Attempts", default=0, readonly=True)
    next_attempt_at = fields.Datetime(
        "Next Attempt", default=fields.Datetime.now, readonly=True
    )
    claimed_until = fields.Datetime(readonly=True)
    last_attempt_at = fields.Datetime("Last Attempt", readonly=True)
    in_doubt = fields.Boolean(
        "Outcome Unknown",
        readonly=True,
        help="The last attempt's answer was lost (a timeout, or a worker that died "
        "during the call): WeChat may hold what was sent.",
    )

    def _lock_for_update(self, skip_locked=False):
        """Lock these rows before changing them, waiting for a worker that holds them
        (or, `skip_locked`, leaving those out); the ids locked.

        A row another transaction changed since this one began raises PostgreSQL's
        serialization failure here, where it is not logged, and Odoo retries the request
        or job (retrying() for the job): left to the ORM's UPDATE, the same failure is
        first logged as an ERROR "bad query"."""
        return list(self._lock_rows((), skip_locked))

    def _lock_claims(self):
        """Lock these rows, waiting for a transaction that holds them: {id: (revision,
        claimed_until)}, what an outcome is recorded against (see _lock_for_update for
        the serialization failure this may raise)."""
        return self._lock_rows(("revision", "claimed_until"))

    def _lock_rows(self, columns, skip_locked=False):
        """Lock these rows as _lock_for_update does and read `columns` of each:
        {id: (values of columns)}."""
        if not self:
            return {}
        if columns:
            self.flush_recordset(list(columns))
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE id IN %s FOR UPDATE %s",
                SQL(", ").join(map(SQL.identifier, ("id", *columns))),
                SQL.identifier(self._table),
                tuple(self.ids),
                SQL("SKIP LOCKED") if skip_locked else SQL(),
            ),
            log_exceptions=False,
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _due_condition(self, now):
        """SQL condition of the rows a worker may take at `now` (ran-out claims
        included)."""
        return SQL(
            "(state IN ('pending', 'retrying') AND next_attempt_at <= %(now)s)"
            " OR (state = 'sending' AND claimed_until < %(now)s)",
            now=now,
        )

    @api.model
    def _count_due(self):
        """How many rows are waiting to be sent."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM %s WHERE %s",
                SQL.identifier(self._table),
                self._due_condition(fields.Datetime.now()),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _claim(self, ids=None, batch_size=CRON_BATCH):
        """Take due rows (or the given ones) for this worker; rows another worker holds
        are skipped.

        Taking over a row whose claim ran out marks it in doubt: the dead worker may
        have sent it."""
        self.flush_model()
        now = fields.Datetime.now()
        until = now + timedelta(seconds=self._claim_lease_seconds())
        where = (
            SQL(
                "id IN %s AND (state != 'sending' OR claimed_until < %s)",
                tuple(ids),
                now,
            )
            if ids
            else self._due_condition(now)
        )
        table = SQL.identifier(self._table)
        # The locking SELECT sits in a CTE, which PostgreSQL runs once; as an IN
        # (subquery) with LIMIT the planner may run it again per row and claim more rows
        # than the limit.
        # a serialization failure is retried, see _lock_for_update
        self.env.cr.execute(
            SQL(
                """
            WITH due AS (SELECT id FROM %(table)s WHERE %(where)s
                       ORDER BY next_attempt_at, id LIMIT %(limit)s
                       FOR UPDATE SKIP LOCKED)
            UPDATE %(table)s queued
               SET state = 'sending', claimed_until = %(until)s,
                   claimed_revision = revision,
                   attempt_count = attempt_count + 1, last_attempt_at = %(now)s,
                   in_doubt = in_doubt OR queued.state = 'sending'
              FROM due
             WHERE queued.id = due.id
         RETURNING queued.id""",
                table=table,
                where=where,
                limit=batch_size,
                until=until,
                now=now,
            ),
            log_exceptions=False,
        )
        claimed = self.browse([row[0] for row in self.env.cr.fetchall()])
        claimed.invalidate_recordset()
        return claimed

    @api.model
    def _claim_lease_seconds(self):
        """How long a claim lasts: system parameter
        `wechat_shipping.claim_lease_seconds`, else 300."""
        seconds = self._int_param(
            "wechat_shipping.claim_lease_seconds", CLAIM_LEASE_SECONDS
        )
        return seconds if seconds > 0 else CLAIM_LEASE_SECONDS

    @api.model
    def _int_param(self, key, default):
        """System parameter `key` as an integer; `default` when unset or not one."""
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return int(value) if value else default
        except ValueError:
            return default

    def _renew_claim(self, held_until):
        """Extend this worker's claim on these rows: (the ones still held, the new
        end)."""
        until = fields.Datetime.now() + timedelta(seconds=self._claim_lease_seconds())
        return self._update_held(held_until, SQL("claimed_until = %s", until)), until

    def _release_claim(self, held_until):
        """Hand rows this worker still holds back to the queue, this attempt not
        counted."""
        self._update_held(
            held_until,
            SQL(
                "state = 'pending', claimed_until = "
                "NULL, attempt_count = attempt_count - 1"
            ),
        )

    def _update_held(self, held_until, assignments):
        """Apply `assignments` (SQL) to those of these rows this worker's claim (ending
        at `held_until`) still holds; those rows."""
        if not self:
            return self
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s WHERE id IN %s"
                " AND state = 'sending' AND claimed_until = %s RETURNING id",
                SQL.identifier(self._table),
                assignments,
                tuple(self.ids),
                held_until,
            ),
            log_exceptions=False,
        )
        held = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.invalidate_recordset()
        return held
