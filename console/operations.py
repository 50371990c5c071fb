"""Operator actions as the CLI and the TUI run them: guard, write, journal, report.

The one path every action takes: refuse in read-only mode before touching the database,
resolve the acting Odoo user, run the guarded write in one transaction, append the
journal line, and return the outcome with its one-line message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.backends.base import MailQuery
from console.backends.sql import SqlBackend
from console.domain.actions import (
    BULK_RETRY_STATES,
    CANCELLABLE_STATES,
    RETRYABLE_STATES,
    WriteOutcome,
)
from console.errors import ReadOnlyRefused, UsageError
from console.journal import Journal, JournalEntry
from console.odoo import bus, writes
from console.odoo import crons as cron_sql
from console.smtp.concurrency import ConcurrencyPolicy
from console.smtp.context import database_name
from console.smtp.cron_trigger import notify_bus
from console.timefmt import human_age, iso_utc, utcnow_naive

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
        if self.backend.info.read_only:
            raise ReadOnlyRefused("Read-only session: this console does not write (--read-only)")

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
        acting = bus.Acting(
            self.uid, self.backend.info.odoo_version, database_name(self.backend), utcnow_naive()
        )
        with self.backend.write_transaction() as connection:
            outcome = writes.ignore_failures(connection, self.backend.schema, list(ids), acting)
        problem = notify_bus(self.backend, _channels(outcome.details))
        if problem:
            outcome = _with_note(outcome, "; ".join(filter(None, (outcome.note, problem))))
        self._record(outcome)
        return outcome

    def send(
        self,
        ids: Sequence[int],
        *,
        concurrency: int | None = None,
        include_scheduled: bool = False,
    ) -> WriteOutcome:
        """Send now through SMTP, holding the queue cron's lock (console.smtp.send_now).

        ``concurrency`` replaces the policy's generic number of connections per server.
        Mails scheduled for later stay queued unless ``include_scheduled``.
        """
        self._guard()
        from console.smtp.send_now import send_now

        report = send_now(
            self.backend,
            list(ids),
            uid=self.uid,
            concurrency=concurrency,
            policy=self.send_policy,
            include_scheduled=include_scheduled,
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
        self._record(
            outcome, extra={"deferred_campaigns": list(report.deferred_campaign_ids), **details}
        )
        return outcome

    def trigger(self, cron_id: int) -> str:
        """Ask Odoo's cron runner to run this cron now (ir_cron_trigger + NOTIFY)."""
        self._guard()
        from console.smtp.cron_trigger import trigger_cron

        message = trigger_cron(self.backend, cron_id, uid=self.uid)
        outcome = WriteOutcome(
            action="trigger", requested=(cron_id,), applied=(cron_id,), note=message
        )
        self._record(outcome, extra={"cron_id": cron_id})
        return message

    def cancel_campaigns(self, ids: Sequence[int]) -> WriteOutcome:
        """The mailing's Cancel button (only from In Queue; back to Draft)."""
        self._guard()
        uid = self.uid
        with self.backend.write_transaction() as connection:
            outcome = writes.cancel_mailings(
                connection,
                self.backend.schema,
                list(ids),
                uid=uid,
                now=utcnow_naive(),
                version=self.backend.info.odoo_version,
            )
        chatter = {str(k): v for k, v in outcome.chatter.items()}
        self._record(outcome, extra={"chatter_messages": chatter})
        return outcome

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
        try:
            with self.backend.write_transaction() as connection:
                before = writes.set_cron_interval(
                    connection,
                    self.backend.schema,
                    cron_id,
                    number=number,
                    unit=unit,
                    uid=uid,
                    now=utcnow_naive(),
                )
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
        note = f"was every {before[0]} {before[1]}; the next run time is unchanged"
        if minutes > 60:
            note += (
                f"; above an hour mail waits long: {RECOMMENDED_QUEUE_INTERVAL_MINUTES} minutes "
                "is recommended"
            )
        outcome = WriteOutcome(
            action="set-interval", requested=(cron_id,), applied=(cron_id,), note=note
        )
        self._record(
            outcome,
            extra={
                "cron_id": cron_id,
                "interval": [number, unit],
                "previous_interval": list(before),
            },
        )
        return outcome

    def _set_state(
        self, action: str, ids: Sequence[int], from_states: Sequence[str], to_state: str
    ) -> WriteOutcome:
        self._guard()
        uid = self.uid
        with self.backend.write_transaction() as connection:
            outcome = writes.set_mail_state(
                connection,
                self.backend.schema,
                action,
                list(ids),
                from_states=from_states,
                to_state=to_state,
                uid=uid,
                now=utcnow_naive(),
            )
        self._record(outcome)
        return outcome

    def undo(self) -> WriteOutcome:
        """Revert the last retry/cancel/ignore on this database, row by row where still true."""
        self._guard()
        entry = self.journal.last_undoable(self.backend.info.display_url)
        if entry is None:
            raise UsageError(
                "Nothing to undo: no retry, cancel or ignore in the journal for this database"
            )
        uid = self.uid
        with self.backend.write_transaction() as connection:
            outcome = self._revert(connection, entry, uid)
        self._record(outcome, extra={"undo_of": entry.id, "undone_action": entry.action})
        return outcome

    def _revert(self, connection: Connection, entry: JournalEntry, uid: int) -> WriteOutcome:
        schema = self.backend.schema
        if entry.action == "ignore":
            previous = {
                int(k): str(v) for k, v in entry.data.get("previous_notifications", {}).items()
            }
            return writes.restore_notifications(connection, schema, previous)
        previous = entry.previous_states
        left_in = "outgoing" if entry.action == "retry" else "cancel"
        return writes.restore_mail_states(
            connection, schema, previous, expected_state=left_in, uid=uid, now=utcnow_naive()
        )

    def _record(self, outcome: WriteOutcome, extra: dict[str, object] | None = None) -> None:
        info = self.backend.info
        self.journal.record(
            outcome,
            database=info.display_url,
            odoo_version=info.odoo_version_label,
            odoo_uid=self.uid,
            extra=dict(extra or {}),
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
