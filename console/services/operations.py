"""Operator actions as the CLI and the TUI run them: guard, write, journal, report.

The one path every action takes: refuse in read-only mode before touching the database,
resolve the acting Odoo user, run the guarded write in one transaction, append the
journal line, and return the outcome with its one-line message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.backends.base import MailQuery
from console.backends.sql import SqlBackend
from console.backends.sql_notify import notify_bus
from console.domain.actions import (
    BULK_RETRY_STATES,
    CANCELLABLE_STATES,
    RETRYABLE_STATES,
    WriteOutcome,
)
from console.domain.errors import JournalUnwritable, ReadOnlyRefused, UsageError
from console.domain.timefmt import human_age, iso_utc, utcnow_naive
from console.odoo import bus, restore, writes
from console.odoo import crons as cron_sql
from console.odoo.restore import sql_timestamp
from console.services.journal import Journal, JournalEntry
from console.smtp.concurrency import ConcurrencyPolicy

SUPERUSER_ID = 1  # base.user_root: what Odoo's crons and sudo() write as
MIN_QUEUE_INTERVAL_MINUTES = 5  # Odoo's documented floor for the Email Queue Manager
RECOMMENDED_QUEUE_INTERVAL_MINUTES = 15
_UNIT_MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080, "months": 43200}


def interval_minutes(number: int, unit: str) -> int:
    if unit not in _UNIT_MINUTES:
        raise UsageError(f"Unknown interval unit {unit!r} (minutes, hours, days, weeks, months)")
    if number <= 0:
        raise UsageError("The interval must be a positive number")
    return number * _UNIT_MINUTES[unit]


class Operator:
    def __init__(
        self,
        backend: SqlBackend,
        journal: Journal,
        odoo_user: str | None = None,
        send_policy: ConcurrencyPolicy | None = None,
    ):
        self.backend = backend
        self.journal = journal
        self._odoo_user = odoo_user
        self.send_policy = send_policy  # SMTP connections per server for send (None: default)
        self._uid: int | None = None

    # -- who acts ---------------------------------------------------------------
    @property
    def uid(self) -> int:
        if self._uid is None:
            self._uid = self._resolve_uid()
        return self._uid

    def _resolve_uid(self) -> int:
        if not self._odoo_user:
            return SUPERUSER_ID
        users = self.backend.schema.t("res_users")
        found = self.backend._run(
            lambda c: c.execute(
                select(users.c.id).where(users.c.login == self._odoo_user)
            ).scalar_one_or_none()
        )
        if found is None:
            raise UsageError(f"No Odoo user with login {self._odoo_user!r} (--odoo-user)")
        return int(found)

    def _guard(self) -> None:
        """Before any write touches the database: not read-only, and the journal can take
        the action's line (else JournalUnwritable, and nothing is written)."""
        if self.backend.info.read_only:
            raise ReadOnlyRefused("Read-only session: this console does not write (--read-only)")
        self.journal.check_writable()

    def preflight(self) -> None:
        """What every action checks first, for a caller that asks the operator before it
        acts (the CLI's confirmation): refused now rather than after the question."""
        self._guard()

    def _journaled(
        self,
        write: Callable[[Connection], tuple[WriteOutcome, dict[str, object]]],
    ) -> WriteOutcome:
        """One transaction whose journal line is appended before it commits.

        A journal that cannot be written rolls the transaction back (nothing applied); a
        commit that fails after the line was written gets a line saying it was rolled back.
        """
        _ = self.uid  # the acting user is read (or refused) before the transaction
        entry: JournalEntry | None = None
        try:
            with self.backend.write_transaction() as connection:
                outcome, extra = write(connection)
                entry = self._record(outcome, extra)
        except BaseException as exc:
            if entry is not None:
                self._rolled_back(entry, exc)
            raise
        return outcome

    def _rolled_back(self, entry: JournalEntry, exc: BaseException) -> None:
        from console.domain.sanitize import one_line

        reason = one_line(str(exc), 200) or type(exc).__name__
        try:
            self.journal.record_rollback(entry, reason)
        except JournalUnwritable as unwritable:  # say both: the action failed, the line too
            raise JournalUnwritable(f"{reason}; and {unwritable}") from exc

    # -- targets ----------------------------------------------------------------
    def matching_ids(self, query: MailQuery, cap: int = 1_000_000) -> list[int]:
        """Every id matching a filter (its states and text), newest first, paged in SQL."""
        return self.backend.mail_ids(MailQuery(states=query.states, text=query.text), cap)

    # -- actions ----------------------------------------------------------------
    def retry(self, ids: Sequence[int], *, include_cancelled: bool = True) -> WriteOutcome:
        """mark_outgoing; `include_cancelled=False` is the list header's action_retry."""
        states = RETRYABLE_STATES if include_cancelled else BULK_RETRY_STATES
        outcome = self._set_state("retry", ids, states, "outgoing")
        if outcome.applied:
            outcome = _with_note(outcome, self.next_queue_run())
        return outcome

    def cancel(self, ids: Sequence[int]) -> WriteOutcome:
        return self._set_state("cancel", ids, CANCELLABLE_STATES, "cancel")

    def ignore(self, ids: Sequence[int]) -> WriteOutcome:
        """The resend wizard's "Ignore all", with the bus rows that refresh open chatters
        (written in the same transaction, NOTIFYed after the commit: docs/odoo-bus.md)."""
        self._guard()
        schema = self.backend.schema
        acting = bus.Acting(
            self.uid, self.backend.info.odoo_version, self.backend.info.name, utcnow_naive()
        )
        outcome = self._journaled(
            lambda c: (writes.ignore_failures(c, schema, list(ids), acting), {})
        )
        # after the commit: Odoo's web clients fetch the rows when told (console.odoo.bus)
        problem = notify_bus(self.backend, _channels(outcome.details))
        if problem:
            outcome = _with_note(outcome, "; ".join(filter(None, (outcome.note, problem))))
        return outcome

    def send(
        self,
        ids: Sequence[int],
        *,
        concurrency: int | None = None,
        include_scheduled: bool = False,
        quiet_wait: float | None = None,
    ) -> WriteOutcome:
        """Send now through SMTP, holding the queue cron's lock (console.services.send.send_now).

        ``concurrency`` replaces the policy's generic number of connections per server.
        Mails scheduled for later stay queued unless ``include_scheduled``.
        """
        self._guard()
        from console.services.send.send_now import send_now

        # Send now commits as it goes and cannot be rolled back: its start is journaled
        # before the first commit, its outcome when it ends.
        start = WriteOutcome(
            action="send-start",
            requested=tuple(dict.fromkeys(ids)),
            note="Send now started; its outcome is the next send line",
        )
        self._record(start, consequence="nothing was sent")
        report = send_now(
            self.backend,
            list(ids),
            uid=self.uid,
            concurrency=concurrency,
            policy=self.send_policy,
            include_scheduled=include_scheduled,
            **({} if quiet_wait is None else {"quiet_wait": quiet_wait}),
        )
        notes = list(report.notes)
        later = report.scheduled_later
        if later:
            span = f"{iso_utc(later[0])}" + (f" to {iso_utc(later[-1])}" if len(later) > 1 else "")
            notes.append(
                f"{len(later)} scheduled for later ({span}) left in the queue: Odoo sends each "
                "when it falls due"
            )
        if report.deferred_campaign_ids:
            notes.append(
                f"{len(report.deferred_campaign_ids)} campaign mails left to Odoo's queue, "
                "which was asked to run now"
            )
        if report.connections:
            notes.append(report.connections_note())
        details: dict[str, object] = {
            "connections": [c.as_json() for c in report.connections],
            "possibly_delivered": list(report.possibly_delivered),
            "scheduled_later": {
                "count": len(later),
                "first": iso_utc(later[0]) if later else None,
                "last": iso_utc(later[-1]) if later else None,
            },
        }
        outcome = WriteOutcome(
            action="send",
            requested=tuple(dict.fromkeys(ids)),
            applied=tuple(report.sent),
            failed=dict(report.failed),
            skipped=dict(report.skipped),
            previous={i: "outgoing" for i in [*report.sent, *report.failed]},
            note="; ".join(notes),
            details=details,
        )
        extra = {"deferred_campaigns": list(report.deferred_campaign_ids), **details}
        try:
            self._record(outcome, extra=extra, consequence="the mails were sent")
        except JournalUnwritable as exc:  # sent is sent: say it in the outcome, not instead
            outcome = replace(outcome, errors=(*outcome.errors, str(exc)))
        return outcome

    def trigger(self, cron_id: int) -> str:
        """Ask Odoo's cron runner to run this cron now (ir_cron_trigger + NOTIFY)."""
        self._guard()
        from console.backends.sql_notify import trigger_cron

        entries: list[JournalEntry] = []

        def journal(message: str) -> None:  # in the trigger's transaction, before commit
            entries.append(self._record(_trigger_outcome(cron_id, message), {"cron_id": cron_id}))

        try:
            message = trigger_cron(self.backend, cron_id, uid=self.uid, before_commit=journal)
        except BaseException as exc:
            if entries:
                self._rolled_back(entries[0], exc)
            raise
        if not entries:  # nothing was written (an inactive cron): still journal the request
            self._record(_trigger_outcome(cron_id, message), {"cron_id": cron_id})
        return message

    def cancel_campaigns(self, ids: Sequence[int]) -> WriteOutcome:
        """The mailing's Cancel button (only from In Queue; back to Draft)."""
        self._guard()
        uid = self.uid

        def write(connection: Connection) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writes.cancel_mailings(
                connection,
                self.backend.schema,
                list(ids),
                uid=uid,
                now=utcnow_naive(),
                version=self.backend.info.odoo_version,
            )
            return outcome, {"chatter_messages": {str(k): v for k, v in outcome.chatter.items()}}

        return self._journaled(write)

    def set_cron_interval(self, cron_id: int, number: int, unit: str) -> WriteOutcome:
        """Change how often a cron runs, as the cron form does (Odoo's NOWAIT lock first)."""
        self._guard()
        minutes = interval_minutes(number, unit)
        if minutes < MIN_QUEUE_INTERVAL_MINUTES:
            raise UsageError(
                f"{number} {unit} is below Odoo's floor of {MIN_QUEUE_INTERVAL_MINUTES} minutes "
                f"({RECOMMENDED_QUEUE_INTERVAL_MINUTES} minutes is the recommended value)"
            )
        uid = self.uid

        def write(connection: Connection) -> tuple[WriteOutcome, dict[str, object]]:
            before = writes.set_cron_interval(
                connection,
                self.backend.schema,
                cron_id,
                number=number,
                unit=unit,
                uid=uid,
                now=utcnow_naive(),
            )
            note = f"was every {before[0]} {before[1]}; the next run time is unchanged"
            if minutes > 60:
                note += (
                    f"; above an hour mail waits long: {RECOMMENDED_QUEUE_INTERVAL_MINUTES} "
                    "minutes is recommended"
                )
            outcome = WriteOutcome(
                action="set-interval", requested=(cron_id,), applied=(cron_id,), note=note
            )
            extra: dict[str, object] = {
                "cron_id": cron_id,
                "interval": [number, unit],
                "previous_interval": list(before),
            }
            return outcome, extra

        try:
            return self._journaled(write)
        except writes.CronBusy:  # skipped, as Odoo's form refuses it: exit 1, not a usage error
            return WriteOutcome(
                action="set-interval",
                requested=(cron_id,),
                skipped={
                    cron_id: "Record cannot be modified right now: this cron task is currently "
                    "being executed (Odoo holds its lock); try again when it has finished"
                },
            )
        except LookupError:
            raise UsageError(f"No cron with id {cron_id}") from None

    def _set_state(
        self, action: str, ids: Sequence[int], from_states: Sequence[str], to_state: str
    ) -> WriteOutcome:
        self._guard()
        uid = self.uid
        now = utcnow_naive()

        def write(connection: Connection) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writes.set_mail_state(
                connection,
                self.backend.schema,
                action,
                list(ids),
                from_states=from_states,
                to_state=to_state,
                uid=uid,
                now=now,
            )
            # What the rows got, so undo knows which are still exactly as this left them.
            return outcome, {"written": {"write_uid": uid, "write_date": sql_timestamp(now)}}

        return self._journaled(write)

    def undo(self) -> WriteOutcome:
        """Revert the last retry/cancel/ignore on this database, row by row where still true."""
        self._guard()
        entry = self.journal.last_undoable(self.backend.info.display_url)
        if entry is None:
            raise UsageError(
                "Nothing to undo: no retry, cancel or ignore in the journal for this database"
            )
        uid = self.uid
        extra: dict[str, object] = {"undo_of": entry.id, "undone_action": entry.action}
        return self._journaled(lambda c: (self._revert(c, entry, uid), extra))

    def _revert(self, connection: Connection, entry: JournalEntry, uid: int) -> WriteOutcome:
        schema = self.backend.schema
        if entry.action == "ignore":
            previous = {
                int(k): str(v) for k, v in entry.data.get("previous_notifications", {}).items()
            }
            return restore.restore_notifications(connection, schema, previous)
        previous = entry.previous_states
        left_in = "outgoing" if entry.action == "retry" else "cancel"
        return restore.restore_mail_states(
            connection,
            schema,
            previous,
            expected_state=left_in,
            uid=uid,
            now=utcnow_naive(),
            previous_writes=entry.previous_writes,
            left_as=entry.written,
        )

    def _record(
        self,
        outcome: WriteOutcome,
        extra: dict[str, object] | None = None,
        consequence: str = "nothing was changed (the transaction is rolled back)",
    ) -> JournalEntry:
        info = self.backend.info
        return self.journal.record(
            outcome,
            database=info.display_url,
            odoo_version=info.odoo_version_label,
            odoo_uid=self.uid,
            extra=dict(extra or {}),
            consequence=consequence,
            mask=self.backend.secret_mask(),
        )

    # -- what happens next ------------------------------------------------------
    def next_queue_run(self, now: datetime | None = None) -> str:
        """When Odoo's Email Queue Manager will pick retried mails up."""
        now = now or utcnow_naive()
        crons = self.backend.crons()
        queue = next(
            (c for c in crons if c.xml_id == "mail." + cron_sql.QUEUE_CRON_XMLID[1]), None
        ) or next((c for c in crons if "email queue" in c.name.lower()), None)
        if queue is None:
            return "Odoo's Email Queue Manager cron was not found: nothing will send these mails"
        if not queue.active:
            return "Odoo's Email Queue Manager is inactive: these mails wait until it is re-enabled"
        if queue.running:
            return "Odoo's Email Queue Manager is running right now"
        if queue.nextcall is None:
            return "Odoo's Email Queue Manager has no next call"
        if queue.nextcall <= now:
            late = human_age((now - queue.nextcall).total_seconds())
            return f"Odoo's Email Queue Manager is late by {late}: it sends them at its next poll"
        wait = human_age((queue.nextcall - now).total_seconds())
        return f"Odoo's Email Queue Manager sends them at its next run, in {wait}"


def _channels(details: dict[str, object]) -> list[list[Any]]:
    channels = details.get("bus_channels")
    return list(channels) if isinstance(channels, list) else []


def _with_note(outcome: WriteOutcome, note: str) -> WriteOutcome:
    return replace(outcome, note=note)


def _trigger_outcome(cron_id: int, message: str) -> WriteOutcome:
    return WriteOutcome(action="trigger", requested=(cron_id,), applied=(cron_id,), note=message)
