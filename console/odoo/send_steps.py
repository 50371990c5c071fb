"""The database steps of "Send now", run one at a time in its database thread.

``claim``: lock a small window of mails (never waiting for a row another transaction
holds), re-check each is ``outgoing``, read what the messages need, write Odoo's
pre-send placeholder and COMMIT, all before any of them is handed to SMTP. On PostgreSQL
the commit waits for a moment when no Odoo session could be sending the same mails
(console.odoo.senders_guard): a claim made while one is busy is rolled back and reported
as ``busy``, to be tried again.
``record``: write the SMTP outcomes of the mails sent meanwhile, in one transaction
(one per mail if that fails). ``release``: put back, exactly as they were, claimed
mails that were never handed to SMTP (their connection broke first).
``connect_failed``: what ``send()`` writes when a batch's SMTP connection fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from console.domain.actions import SKIP_GONE, SKIP_LOCKED
from console.domain.timefmt import utcnow_naive
from console.odoo import bus, send_reads, send_transactions, send_writes, senders_guard
from console.odoo import send_store_batch as store_batch
from console.odoo.schema import OdooSchema
from console.odoo.send_plan import (
    Claim,
    Claimed,
    MailBefore,
    Planned,
    Recorded,
    Session,
    not_outgoing,
)
from console.smtp.deliver import Outcome
from console.smtp.prepare import Prepared, SkipMail, prepare_from_rows
from console.smtp.routing import SendContext
from console.smtp.rows import MailRow

CHUNK = 500  # mails per statement for the connection-failure writes


class _OdooBusy(Exception):
    def __init__(self, sessions: list[Session]) -> None:
        super().__init__("Odoo sessions are busy")
        self.sessions = sessions


class SendSteps:
    def __init__(
        self, conn: Connection, schema: OdooSchema, context: SendContext, uid: int
    ) -> None:
        self.conn = conn
        self.schema = schema
        self.context = context
        self.version = context.version
        self.uid = uid
        self.guarded = conn.dialect.name == "postgresql"
        # bus channels written by committed transactions, to NOTIFY (docs/odoo-bus.md)
        self.announced: list[tuple[Any, ...]] = []
        self.bus_note = ""  # why no bus rows were written (no bus_bus table)

    def _transaction(self) -> AbstractContextManager[None]:
        # the run set lock_timeout on the session (send_transactions.session_lock_timeout)
        return send_transactions.write_transaction(self.conn, lock_timeout=False)

    def _commit_when_quiet(self) -> int:
        """Last statements of a claim: its transaction id, then the guard's check (the
        caller's transaction is rolled back when an Odoo session is busy)."""
        xid = senders_guard.transaction_id(self.conn)
        busy = senders_guard.busy_sessions(self.conn)
        if busy:
            raise _OdooBusy(busy)
        return xid

    def quiet(self) -> list[Session]:
        """The Odoo sessions that would make a claim wait now (none on SQLite)."""
        if not self.guarded:
            return []
        with self.conn.begin():
            return senders_guard.busy_sessions(self.conn)

    def _contenders(self, xid: int) -> list[Session]:
        with self.conn.begin():
            return senders_guard.stale_sessions(self.conn, xid)

    # -- claim -------------------------------------------------------------------------
    def claim(self, items: Sequence[Planned]) -> Claim:
        try:
            with self._transaction():
                claim = self._claim(items)
                xid = self._commit_when_quiet() if claim.claimed and self.guarded else None
            if xid is not None:
                contenders = self._contenders(xid)
                if contenders:
                    claim.contested, claim.claimed = claim.claimed, []
                    claim.contenders = contenders
            return claim
        except _OdooBusy as busy:
            return Claim(busy=busy.sessions)
        except SQLAlchemyError as exc:
            if len(items) > 1:  # one mail's problem must not hold back the others
                merged = Claim()
                for item in items:
                    merged.merge(self.claim([item]))
                return merged
            return Claim(skipped={items[0].id: _db_skip(exc)})

    def _claim(self, items: Sequence[Planned]) -> Claim:
        conn, schema = self.conn, self.schema
        found, locked = store_batch.lock_mails(conn, schema, [i.id for i in items])
        claim = Claim()
        candidates: list[tuple[Planned, MailRow, MailBefore]] = []
        for item in items:
            entry = found.get(item.id)
            if entry is None:
                claim.skipped[item.id] = SKIP_LOCKED if item.id in locked else SKIP_GONE
            elif entry[0].state != "outgoing":
                claim.skipped[item.id] = not_outgoing(entry[0].state)
            else:
                candidates.append((item, *entry))
        if not candidates:
            return claim
        recipients = store_batch.read_recipients_many(conn, schema, [c[0].id for c in candidates])
        attachments = send_reads.read_attachments_many(
            conn, schema, sorted({c[1].mail_message_id for c in candidates}), self.version
        )
        ready: list[tuple[Planned, Prepared, MailBefore]] = []
        for item, mail, before in candidates:
            try:
                prepared = prepare_from_rows(
                    self.context,
                    item.route,
                    mail,
                    recipients[item.id],
                    list(attachments[mail.mail_message_id]),
                )
            except SkipMail as skip:
                claim.skipped[item.id] = str(skip)
                claim.deferred = claim.deferred or skip.deferred
                continue
            ready.append((item, prepared, before))
        if not ready:
            return claim
        now = utcnow_naive()
        notifications = store_batch.write_placeholders(
            conn,
            schema,
            [(item.id, prepared.no_recipients) for item, prepared, _ in ready],
            version=self.version,
            uid=self.uid,
            now=now,
        )
        claim.claimed = [
            Claimed(item, prepared, replace(before, notifications=notifications[item.id]), now)
            for item, prepared, before in ready
        ]
        return claim

    # -- record ------------------------------------------------------------------------
    def record(self, results: Sequence[tuple[Claimed, Outcome]]) -> list[Recorded]:
        try:
            with self._transaction():
                done, channels = self._record(results, utcnow_naive())
            self.announced.extend(channels)  # committed: the NOTIFY may go
            return done
        except SQLAlchemyError as exc:
            if len(results) > 1:
                return [done for result in results for done in self.record([result])]
            claimed, outcome = results[0]
            return [Recorded(claimed, outcome, error=send_transactions.describe_db_error(exc))]

    def _record(
        self, results: Sequence[tuple[Claimed, Outcome]], now: datetime
    ) -> tuple[list[Recorded], tuple[tuple[Any, ...], ...]]:
        plain = [
            (c, o) for c, o in results if o.kind == "sent" and o.message_id and not o.failure_type
        ]
        deleted = set(
            store_batch.mark_sent(
                self.conn,
                self.schema,
                [(c.prepared.mail, str(o.message_id)) for c, o in plain],
                version=self.version,
                uid=self.uid,
                now=now,
            )
        )
        done = [Recorded(c, o, None, c.item.id in deleted) for c, o in plain]
        plain_ids = {c.item.id for c, _ in plain}
        announce: set[int] = set()
        for claimed, outcome in results:
            if claimed.item.id not in plain_ids:
                recorded, message_id = self._record_one(claimed, outcome, now)
                done.append(recorded)
                if message_id is not None:
                    announce.add(message_id)
        return done, self._announce(announce, now)

    def _announce(self, message_ids: set[int], now: datetime) -> tuple[tuple[Any, ...], ...]:
        """The bus rows of ``_postprocess_sent_message`` for messages with failed
        recipients, one per partner for the whole transaction (docs/odoo-bus.md §1)."""
        if not message_ids:
            return ()
        acting = bus.Acting(self.uid, self.version, self.context.dbname, now)
        written = bus.notify_message_updates(
            self.conn, self.schema, message_ids, acting, thread_only=True
        )
        self.bus_note = written.note or self.bus_note
        return written.channels

    def _record_one(
        self, claimed: Claimed, outcome: Outcome, now: datetime
    ) -> tuple[Recorded, int | None]:
        """``_send`` + ``_postprocess_sent_message`` for one mail (docs/odoo-sending.md)."""
        conn, version, mail_id = self.conn, self.version, claimed.item.id
        mail = claimed.prepared.mail
        stored: str | None = claimed.placeholder_reason
        values: dict[str, Any]
        if outcome.kind == "sent" and outcome.message_id:
            values = {"state": "sent", "failure_reason": None}
            if version >= 19:
                values["failure_type"] = None
            send_writes.write_mail(conn, mail_id, values, self.uid, now)
            send_writes.write_message_id(
                conn, mail.mail_message_id, outcome.message_id, self.uid, now
            )
            stored = None
        elif outcome.kind == "none" and version >= 19:
            values = {}
            if outcome.failure_reason:
                values["failure_reason"] = stored = outcome.failure_reason
            if outcome.failure_type:
                values["failure_type"] = outcome.failure_type
            if values:
                send_writes.write_mail(conn, mail_id, values, self.uid, now)
        elif outcome.kind == "failed":
            values = {"state": "exception", "failure_reason": outcome.failure_reason}
            if version >= 17:
                values["failure_type"] = outcome.failure_type
            send_writes.write_mail(conn, mail_id, values, self.uid, now)
            stored = outcome.failure_reason
        done = send_writes.Postprocessed(False, None)
        if outcome.kind != "dropped":  # Odoo re-raises SMTPServerDisconnected: nothing more
            done = send_writes.postprocess(
                conn,
                self.schema,
                mail,
                version=version,
                success_pids=outcome.success_pids,
                success_emails=outcome.success_emails,
                failure_reason=(
                    outcome.failure_reason if outcome.kind == "failed" or version >= 19 else None
                ),
                failure_type=outcome.failure_type,
            )
        return Recorded(claimed, outcome, stored, done.deleted), done.announce

    # -- release -----------------------------------------------------------------------
    def release(self, claimed: Sequence[Claimed]) -> dict[int, str | None]:
        """Mail id -> None when put back to ``outgoing``, else why it could not be."""
        try:
            with self._transaction():
                return {
                    c.item.id: None
                    if store_batch.restore(
                        self.conn,
                        c.item.id,
                        c.before,
                        version=self.version,
                        placeholder_reason=c.placeholder_reason,
                        uid=self.uid,
                        placed_at=c.placed_at,
                    )
                    else "it was changed meanwhile by someone else"
                    for c in claimed
                }
        except SQLAlchemyError as exc:
            if len(claimed) > 1:
                return {k: v for c in claimed for k, v in self.release([c]).items()}
            return {
                claimed[0].item.id: f"database error: {send_transactions.describe_db_error(exc)}"
            }

    # -- the connection failed -----------------------------------------------------------
    def connection_failed(
        self, items: Sequence[Planned], reason: str
    ) -> tuple[list[int], dict[int, str]]:
        """(mails now in exception with ``reason``, mails skipped with why)."""
        failed: list[int] = []
        skipped: dict[int, str] = {}
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            try:
                with self._transaction():
                    done, why, channels = self._connection_failed(chunk, reason)
                    if done and self.guarded:
                        self._commit_when_quiet()
                self.announced.extend(channels)
            except _OdooBusy as busy:
                for item in chunk:
                    skipped[item.id] = _busy_skip(busy.sessions)
                continue
            except SQLAlchemyError as exc:
                if len(chunk) == 1:
                    skipped[chunk[0].id] = _db_skip(exc)
                    continue
                for item in chunk:
                    one_failed, one_skipped = self.connection_failed([item], reason)
                    failed.extend(one_failed)
                    skipped.update(one_skipped)
                continue
            failed.extend(done)
            skipped.update(why)
        return failed, skipped

    def _connection_failed(
        self, items: Sequence[Planned], reason: str
    ) -> tuple[list[int], dict[int, str], tuple[tuple[Any, ...], ...]]:
        found, locked = store_batch.lock_mails(self.conn, self.schema, [i.id for i in items])
        mails: list[MailRow] = []
        skipped: dict[int, str] = {}
        for item in items:
            entry = found.get(item.id)
            if entry is None:
                skipped[item.id] = SKIP_LOCKED if item.id in locked else SKIP_GONE
            elif entry[0].state != "outgoing":
                skipped[item.id] = not_outgoing(entry[0].state)
            else:
                mails.append(entry[0])
        now = utcnow_naive()
        failed = store_batch.mark_connect_failed(
            self.conn, self.schema, mails, reason, uid=self.uid, now=now
        )
        return [m.id for m in mails], skipped, self._announce(failed, now)


def _busy_skip(sessions: Sequence[Session]) -> str:
    first = sessions[0].describe() if sessions else "an Odoo session"
    return f"not attempted, left outgoing: Odoo was busy at that moment ({first})"


def _db_skip(exc: SQLAlchemyError) -> str:
    if send_transactions.is_lock_error(exc):
        return SKIP_LOCKED
    return f"database error, left outgoing: {send_transactions.describe_db_error(exc)}"
