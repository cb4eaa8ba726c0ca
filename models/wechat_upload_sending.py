"""A worker sending claimed uploads with several calls to WeChat in flight (not a
model).

The worker's thread keeps the database: it builds the payloads of what it claimed, hands
each exchange with WeChat to a CallPool, and records the answers as they come back
(those that come back together in one transaction, committed when the worker owns it).
The pool's threads only talk to WeChat."""

import functools
from datetime import timedelta

from wechat_protocol import call_pool, exchange

from odoo import fields
from odoo.service.model import retrying

# Calls one exchange may make: a token, get_order, the upload, get_order again (and a
# token replay).
CALLS_PER_UPLOAD = 4
# How long the worker waits for an answer before it looks at its claims again.
COLLECT_SECONDS = 1.0


class UploadSending:
    """Claimed uploads on their way to WeChat: `add` them, `collect` answers;
    `delivered` holds the ids of those whose outcome was recorded under this worker's
    claim.

    `commit`: the worker owns the transaction (the cron), so outcomes are committed as
    they come back (the answers that came back together, in one transaction). Used as a
    context manager: should anything fail, the uploads whose call never started go back
    to the queue at once; those in flight stay claimed, so that a worker taking them
    over after the lease knows their outcome is in doubt."""

    def __init__(self, uploads, pool_size, commit=False):
        self.env = uploads.env
        self.Upload = uploads.browse()
        self.pool = call_pool.CallPool(pool_size)
        self.commit = commit
        self.delivered = []
        # upload id -> (held_until, body, info) while its exchange runs
        self._outstanding = {}
        # upload id -> held_until: claimed, nothing recorded or started yet
        self._untried = {}
        self._lost = set()  # in flight, but another worker took the upload over
        self._senders = {}
        timeout = sum(self.env.company._wechat_timeout())
        self._margin = timedelta(
            seconds=2 * CALLS_PER_UPLOAD * timeout + COLLECT_SECONDS
        )

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, traceback):
        if error_type is None:
            return
        for upload_id in self.pool.cancel_queued():
            self._untried[upload_id] = self._outstanding.pop(upload_id)[0]
        if self.commit and self._untried:
            self.env.cr.rollback()
            for held_until in set(self._untried.values()):
                ids = [
                    upload_id
                    for upload_id, held in self._untried.items()
                    if held == held_until
                ]
                retrying(
                    functools.partial(
                        self.Upload.browse(ids)._release_claim, held_until
                    ),
                    self.env,
                )

    def add(self, claimed):
        """Build the payloads of these claimed uploads together (the ORM reads the
        records of the whole claim in a few queries), record at once those with nothing
        to send, and hand the others' exchanges to the pool. A claim that would run out
        before their calls end is renewed first; an upload another worker took over
        meanwhile is left to it, so that a payload built under a claim that ran out
        never goes out."""
        held_until = claimed[:1].claimed_until
        # Clients are made per claim: an authorizer token the platform rotated since the
        # last commit is read anew (a stable or classic token comes from the process's
        # cache).
        self._senders = {}
        self._untried.update(dict.fromkeys(claimed.ids, held_until))
        built = dict(
            zip(
                claimed.ids,
                (upload._build_payload_or_problem() for upload in claimed),
                strict=False,
            )
        )
        if claimed and held_until < fields.Datetime.now() + self._margin:
            held, held_until = self._renew(claimed, held_until)
            for upload_id in set(claimed.ids) - set(held.ids):
                del self._untried[upload_id]
            claimed = held
        for upload in claimed:
            outcome = upload._deliver(
                built[upload.id],
                self._sender(upload.company_id),
                held_until,
                commit=self.commit,
            )
            del self._untried[upload.id]
            if isinstance(outcome, tuple):
                to_send, body = outcome
                self._outstanding[upload.id] = (held_until, body, to_send.info)
                field, order, _family = upload._wechat_target()
                self.pool.add(
                    upload.id,
                    (field, order.id),
                    self._account(upload.company_id),
                    exchange.run,
                    to_send,
                )
            else:
                self.delivered += outcome.ids

    def collect(self):
        """Record the answers that came back (waiting a moment for one), together,
        committed at once when the worker owns the transaction; keep the claims of the
        rest alive. How many answers were recorded."""
        answers = self.pool.collect(timeout=COLLECT_SECONDS)
        if answers:
            record = functools.partial(self._record, answers)
            self.delivered += retrying(record, self.env) if self.commit else record()
            for upload_id, _answer in answers:
                del self._outstanding[upload_id]
                self._lost.discard(upload_id)
        self._renew_claims()
        return len(answers)

    def _record(self, answers):
        """Record these answers in this transaction (run again whole after a
        serialization failure): the ids of the uploads recorded under this worker's
        claim."""
        uploads = self.Upload.browse([upload_id for upload_id, _answer in answers])
        locked = uploads._lock_claims()
        recorded = []
        for upload, (_upload_id, answer) in zip(uploads, answers, strict=True):
            held_until, body, info = self._outstanding[upload.id]
            recorded += upload._record_answer(
                answer, held_until, body, info, locked=locked
            ).ids
        return recorded

    def finish(self):
        """Collect until every exchange added has been answered."""
        while self.pool:
            self.collect()

    def _sender(self, company):
        if company.id not in self._senders:
            self._senders[company.id] = company._wechat_sender()
        return self._senders[company.id]

    @staticmethod
    def _account(company):
        """Whose rate limit applies: WeChat counts calls per AppID."""
        return company.sudo().wechat_appid or f"company-{company.id}"

    def _renew_claims(self):
        """Extend the claims that would run out before a call started now could end; an
        upload another worker took over meanwhile is dropped before its call starts."""
        soon = fields.Datetime.now() + self._margin
        live = {
            upload_id: entry[0]
            for upload_id, entry in self._outstanding.items()
            if upload_id not in self._lost
        }
        for held_until in {held for held in live.values() if held < soon}:
            ids = [upload_id for upload_id, held in live.items() if held == held_until]
            held, until = self._renew(self.Upload.browse(ids), held_until)
            lost = set(ids) - set(held.ids)
            for upload_id in self.pool.cancel_queued(lost):
                del self._outstanding[upload_id]
            self._lost |= lost & set(self._outstanding)
            for upload_id in set(ids) - lost:
                self._outstanding[upload_id] = (
                    until,
                    *self._outstanding[upload_id][1:],
                )

    def _renew(self, uploads, held_until):
        """_renew_claim, committed when the worker owns the transaction: (those still
        held, the new end)."""
        renew = functools.partial(uploads._renew_claim, held_until)
        return retrying(renew, self.env) if self.commit else renew()
