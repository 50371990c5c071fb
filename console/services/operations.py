"""Operator actions as the CLI and the TUI run them: guard, write, journal, report.

The one path every action takes: refuse in read-only mode before touching the database,
resolve the acting Odoo user, run the guarded write in one transaction, append the
journal line, and return the outcome with its one-line message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from console.backends.base import MailQuery, MailQueueBackend, MailWriter
from console.domain.actions import (
    BULK_RETRY_STATES,
    CANCELLABLE_STATES,
    RETRYABLE_STATES,
    SUPERUSER_ID,
    WriteOutcome,
)
from console.domain.errors import (
    ConsoleError,
    CronBusy,
    JournalUnwritable,
    ReadOnlyRefused,
    UsageError,
)
from console.domain.sanitize import one_line
from console.domain.timefmt import SQL_TIMESTAMP, sql_timestamp, utcnow_naive
from console.services.journal import Journal, JournalContext, JournalEntry
from console.services.pause_actions import PAUSE_ACTIONS, PauseActions, revert_pause_action
from console.services.queue_schedule import checked_queue_interval, interval_note, next_queue_run
from console.services.record_actions import RecordActions
from console.smtp.concurrency import ConcurrencyPolicy

Write = Callable[[MailWriter], tuple[WriteOutcome, dict[str, object]]]


class Operator(RecordActions, PauseActions):
    def __init__(
        self,
        backend: MailQueueBackend,
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
        fixed = self.backend.acting_uid
        if fixed is not None:  # over Odoo's API every call is made as the API user
            if self._odoo_user:
                raise UsageError("--odoo-user does not apply over Odoo's API: it acts as --login")
            return fixed
        if not self._odoo_user:
            return SUPERUSER_ID
        found = self.backend.user_id(self._odoo_user)
        if found is None:
            raise UsageError(f"No Odoo user with login {self._odoo_user!r} (--odoo-user)")
        return found

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

    def _journaled(self, write: Write) -> WriteOutcome:
        """One transaction whose journal line is appended before it commits.

        A journal that cannot be written rolls the transaction back (nothing applied); a
        commit that fails after the line was written gets a line saying it was rolled back.
        What the backend says after the commit (Odoo's listeners woken or not) joins the note.
        """
        _ = self.uid  # the acting user is read (or refused) before the transaction
        entry: JournalEntry | None = None
        intent: list[JournalEntry] = []

        def journal_first(planned: WriteOutcome) -> None:
            if not intent:  # over Odoo's API each call commits: journaled before the first
                intent.append(self.journal.record_intent(planned, **self._journal_context()))

        try:
            with self.backend.writing() as writer:
                writer.journal_first(journal_first)
                outcome, extra = write(writer)
                entry = self._record(outcome, extra)
        except BaseException as exc:
            if entry is not None:
                self._rolled_back(entry, exc)
            elif intent:
                reason = self.backend.secret_mask().text(one_line(str(exc), 200))
                self.journal.record_interrupted(intent[0], reason)
            raise
        if writer.notes:
            outcome = _with_note(outcome, "; ".join(filter(None, (outcome.note, *writer.notes))))
        return outcome

    def _rolled_back(self, entry: JournalEntry, exc: BaseException) -> None:
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
            outcome = _with_note(outcome, next_queue_run(self.backend.crons()))
        return outcome

    def cancel(self, ids: Sequence[int]) -> WriteOutcome:
        return self._set_state("cancel", ids, CANCELLABLE_STATES, "cancel")

    def ignore(self, ids: Sequence[int]) -> WriteOutcome:
        """The resend wizard's "Ignore all", with the bus rows that refresh open chatters
        (written in the same transaction, announced after the commit: docs/odoo-bus.md)."""
        self._guard()
        uid, now = self.uid, utcnow_naive()
        return self._journaled(lambda w: (w.ignore_failures(ids, uid=uid, now=now), {}))

    def ignore_messages(self, message_ids: Sequence[int]) -> WriteOutcome:
        """Ignore all on red envelopes by message id (docs/odoo-envelopes.md), including
        those whose mail row Odoo already deleted."""
        self._guard()
        uid, now = self.uid, utcnow_naive()
        return self._journaled(
            lambda w: (w.ignore_message_failures(message_ids, uid=uid, now=now), {})
        )

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
        from console.services.sample_guard import SEND_NOW, refuse_fictitious_servers

        refuse_fictitious_servers(self.backend, SEND_NOW)  # before the journal's start line
        self.refuse_if_paused()
        if self.backend.info.over_api:  # Odoo's own Send Now: its code talks to the SMTP server
            return self._journaled(
                lambda w: (w.send_by_odoo(ids, include_scheduled=include_scheduled), {})
            )
        from console.services.send.report import send_outcome
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
        outcome, extra = send_outcome(ids, report)
        try:
            self._record(outcome, extra=extra, consequence="the mails were sent")
        except JournalUnwritable as exc:  # sent is sent: say it in the outcome, not instead
            outcome = replace(outcome, errors=(*outcome.errors, str(exc)))
        return outcome

    def trigger(self, cron_id: int) -> str:
        """Ask Odoo's cron runner to run this cron now (``ir.cron._trigger()``): a trigger
        row due now, then its workers woken. An inactive cron gets none, as in Odoo; the
        request is journaled either way."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            name, added = writer.trigger_cron(cron_id, uid=uid, now=now)
            if added:
                message = f"Asked Odoo to run '{name}' now"
                outcome = WriteOutcome(
                    action="trigger", requested=(cron_id,), applied=(cron_id,), note=message
                )
            else:
                message = (
                    f"'{name}' is inactive: Odoo ignores a trigger for now on an inactive "
                    "cron, so none was added"
                )
                outcome = WriteOutcome(
                    action="trigger", requested=(cron_id,), skipped={cron_id: message}
                )
            return outcome, {"cron_id": cron_id}

        outcome = self._journaled(write)
        return outcome.note or next(iter(outcome.skipped.values()), "")

    def cancel_campaigns(self, ids: Sequence[int]) -> WriteOutcome:
        """The mailing's Cancel button (only from In Queue; back to Draft)."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writer.cancel_mailings(ids, uid=uid, now=now)
            return outcome, {"chatter_messages": {str(k): v for k, v in outcome.chatter.items()}}

        return self._journaled(write)

    def _oca_modules(self) -> frozenset[str]:
        """The OCA mail modules that move the interval floor (none when unreadable)."""
        try:
            return self.backend.oca_modules()
        except ConsoleError:
            return frozenset()

    def set_cron_interval(self, cron_id: int, number: int, unit: str) -> WriteOutcome:
        """Change how often a cron runs, as the cron form does (Odoo's NOWAIT lock first)."""
        self._guard()
        minutes = checked_queue_interval(number, unit, self._oca_modules())
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            before = writer.set_cron_interval(cron_id, number=number, unit=unit, uid=uid, now=now)
            outcome = WriteOutcome(
                action="set-interval",
                requested=(cron_id,),
                applied=(cron_id,),
                note=interval_note(before, minutes),
            )
            extra: dict[str, object] = {
                "cron_id": cron_id,
                "interval": [number, unit],
                "previous_interval": list(before),
            }
            return outcome, extra

        try:
            return self._journaled(write)
        except CronBusy:  # skipped, as Odoo's form refuses it: exit 1, not a usage error
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

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writer.set_mail_state(
                action, ids, from_states=from_states, to_state=to_state, uid=uid, now=now
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
                "Nothing to undo: no retry, cancel, ignore, reset-bounce, pause or hold in the "
                "journal for this database"
            )
        uid = self.uid
        extra: dict[str, object] = {"undo_of": entry.id, "undone_action": entry.action}
        return self._journaled(lambda w: (self._revert(w, entry, uid), extra))

    @staticmethod
    def _revert(writer: MailWriter, entry: JournalEntry, uid: int) -> WriteOutcome:
        if entry.action in PAUSE_ACTIONS:
            return revert_pause_action(writer, entry, uid)
        if entry.action == "resend":
            previous_mail = entry.data.get("previous_mail_of", {})
            notifications = {
                int(k): (str(v), previous_mail.get(k))
                for k, v in entry.data.get("previous_notifications", {}).items()
            }
            new_mails = [int(k) for k in entry.data.get("new_mails", {})]
            return writer.restore_resend(notifications, new_mails, uid=uid, now=utcnow_naive())
        if entry.action == "fix-address":
            return writer.fix_partner_email(
                int(entry.data["partner_id"]),
                email=str(entry.data.get("previous_email") or ""),
                expected=str(entry.data["email"]),
                uid=uid,
                now=utcnow_naive(),
            )
        if entry.action == "unblacklist":
            written = entry.data.get("written", {})
            left_at = datetime.strptime(str(written.get("write_date")), SQL_TIMESTAMP)
            left_as = {int(i): left_at for i in entry.data.get("applied", [])}
            return writer.blacklist_again(left_as, uid=uid, now=utcnow_naive())
        if entry.action == "reset-bounce":
            reset = entry.data.get("reset")
            return writer.restore_bounces(
                reset if isinstance(reset, dict) else {},
                left_as=entry.written,
                uid=uid,
                now=utcnow_naive(),
            )
        if entry.action in ("ignore", "ignore-messages"):
            previous = {
                int(k): str(v) for k, v in entry.data.get("previous_notifications", {}).items()
            }
            return writer.restore_notifications(previous)
        left_in = "outgoing" if entry.action == "retry" else "cancel"
        return writer.restore_mail_states(
            entry.previous_states,
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
        return self.journal.record(
            outcome, extra=dict(extra or {}), consequence=consequence, **self._journal_context()
        )

    def _journal_context(self) -> JournalContext:
        info = self.backend.info
        return {
            "database": info.display_url,
            "odoo_version": info.odoo_version_label,
            "odoo_uid": self.uid,
            "mask": self.backend.secret_mask(),
        }


def _with_note(outcome: WriteOutcome, note: str) -> WriteOutcome:
    return replace(outcome, note=note)
