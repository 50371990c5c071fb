"""Pause and resume Odoo's queue, hold and release mails (docs/odoo-pause.md).

A mixin of ``console.services.operations.Operator``, which provides the guard, the
acting user and the journaled transaction these run in. Each is undoable: undo of a
pause resumes, of a resume pauses again, of a hold releases, of a release holds again.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from console.backends.base import MailWriter
from console.domain.actions import WriteOutcome
from console.domain.errors import CronBusy, QueuePaused, UsageError
from console.domain.mail_crons import EMAIL_QUEUE, MASS_MAILING_QUEUE, find_cron
from console.domain.pause import PauseState, hold_not_stopped, not_stopped
from console.domain.timefmt import utcnow_naive

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.services.journal import JournalEntry

Write = Callable[[MailWriter], tuple[WriteOutcome, dict[str, object]]]
PAUSE_ACTIONS = ("pause", "resume", "hold", "release")
BUSY = (
    "running right now (Odoo's cron runner holds it): pause when this run has finished, "
    "or hold the mails it has not reached yet (`odoo-mailq hold --all`)"
)


def who_acts(uid: int) -> str:
    from console.services.journal import _os_user, ssh_origin

    origin = ssh_origin()
    where = socket.gethostname() + (f", from {origin}" if origin else "")
    return f"{_os_user()}@{where} (Odoo uid {uid})"


class PauseActions:
    if TYPE_CHECKING:  # provided by Operator
        backend: MailQueueBackend

        @property
        def uid(self) -> int: ...

        def _guard(self) -> None: ...

        def _journaled(self, write: Write) -> WriteOutcome: ...

    def refuse_if_paused(self) -> None:
        """Send now sends nothing while the console has paused Odoo's queue."""
        state = self.backend.pause_state()
        if state is not None:
            raise QueuePaused(
                f"Odoo's queue is {state.describe(utcnow_naive())}: Send now sends nothing "
                "while it is paused (`odoo-mailq resume` first)"
            )

    def pause_targets(self, campaigns: bool) -> list[tuple[int, str]]:
        """The crons a pause switches off: the queue, and the campaigns' when asked."""
        crons = self.backend.crons()
        queue = find_cron(crons, EMAIL_QUEUE)
        if queue is None:
            raise UsageError("Odoo's Email Queue Manager cron was not found: nothing to pause")
        found = [(queue.id, queue.xml_id or queue.name)]
        if campaigns:
            mailing = find_cron(crons, MASS_MAILING_QUEUE)
            if mailing is None:
                raise UsageError(
                    "--campaigns: this database has no mass-mailing cron (mass_mailing is "
                    "not installed)"
                )
            found.append((mailing.id, mailing.xml_id or mailing.name))
        return found

    def pause(self, *, campaigns: bool = False) -> WriteOutcome:
        """Switch the queue (and the campaigns' cron) off as Odoo's Active toggle does."""
        self._guard()
        targets = self.pause_targets(campaigns)
        return self._pause(targets, campaigns, self.uid)

    def _pause(self, targets: Sequence[tuple[int, str]], campaigns: bool, uid: int) -> WriteOutcome:
        now = utcnow_naive()
        info = self.backend.info
        unstopped = not_stopped(info.odoo_version, campaigns, info.has_mass_mailing)

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            state = writer.pause_queue(
                targets, campaigns=campaigns, by=who_acts(uid), uid=uid, now=now
            )
            outcome = _pause_outcome(state, unstopped)
            return outcome, {"pause": state.to_json(), "campaigns": campaigns}

        try:
            return self._journaled(write)
        except CronBusy:
            return WriteOutcome(
                action="pause",
                requested=tuple(i for i, _ in targets),
                skipped={targets[0][0]: BUSY},
                noun="cron",
            )

    def resume(self) -> WriteOutcome:
        """Put back what the pause changed, where still as it left it; report the rest."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            state, restored, left = writer.resume_queue(uid=uid, now=now)
            ids = tuple(c.id for c in state.crons)
            note = "; ".join([*restored, *left]) or "nothing to restore"
            outcome = WriteOutcome(
                action="resume",
                requested=ids,
                applied=ids,
                note=f"{note}. Mails due now go at the queue's next run",
                details={"restored": restored, "left_alone": left, "was": state.as_json(now)},
                noun="cron",
            )
            return outcome, {"pause": state.to_json(), "campaigns": state.campaigns}

        try:
            outcome = self._journaled(write)
        except CronBusy:
            raise UsageError("A paused cron is locked by another transaction: try again") from None
        return outcome

    def hold(self, ids: Sequence[int]) -> WriteOutcome:
        """postsuper -h: these outgoing mails left alone by the queue until released."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writer.hold_mails(ids, uid=uid, now=now)
            if outcome.applied:
                outcome = _noted(outcome, f"Not stopped: {hold_not_stopped()}")
            return outcome, dict(outcome.details)

        return self._journaled(write)

    def release(self, ids: Sequence[int] | None) -> WriteOutcome:
        """postsuper -H: held mails back to the schedule they had (None: every held mail)."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writer.release_mails(ids, uid=uid, now=now)
            return outcome, dict(outcome.details)

        return self._journaled(write)


def _noted(outcome: WriteOutcome, note: str) -> WriteOutcome:
    return replace(outcome, note=". ".join(filter(None, (outcome.note, note))))


def _pause_outcome(state: PauseState, unstopped: list[str]) -> WriteOutcome:
    switched = [c.job for c in state.crons if c.was_active]
    already = [c.job for c in state.crons if not c.was_active]
    parts = [f"Switched off {', '.join(switched)}" if switched else ""]
    if already:
        parts.append(f"{', '.join(already)} was already inactive")
    if state.limit_set:
        parts.append("notifications are queued (mail.mail.force.send.limit = 0)")
    ids = tuple(c.id for c in state.crons)
    return WriteOutcome(
        action="pause",
        requested=ids,
        applied=ids,
        note="; ".join(filter(None, parts)),
        details={"not_stopped": unstopped, "pause": state.as_json(state.since or utcnow_naive())},
        noun="cron",
    )


def revert_pause_action(writer: MailWriter, entry: JournalEntry, uid: int) -> WriteOutcome:
    """Undo of a pause, resume, hold or release (the journal line ``entry``)."""
    outcome = _revert(writer, entry, uid)
    return replace(outcome, action="undo", noun=outcome.noun or "mail")


def _revert(writer: MailWriter, entry: JournalEntry, uid: int) -> WriteOutcome:
    now = utcnow_naive()
    applied = [int(i) for i in entry.data.get("applied", [])]
    if entry.action == "hold":
        return writer.release_mails(applied, uid=uid, now=now)
    if entry.action == "release":
        return writer.hold_mails(applied, uid=uid, now=now)
    if entry.action == "pause":
        state, restored, left = writer.resume_queue(uid=uid, now=now)
        return WriteOutcome(
            action="resume",
            requested=tuple(c.id for c in state.crons),
            applied=tuple(c.id for c in state.crons),
            note="resumed: " + "; ".join([*restored, *left]),
            noun="cron",
        )
    former = PauseState.from_json(str(entry.data.get("pause") or ""))
    campaigns = bool(entry.data.get("campaigns"))
    targets = [(c.id, c.job) for c in former.crons] if former else []
    paused = writer.pause_queue(targets, campaigns=campaigns, by=who_acts(uid), uid=uid, now=now)
    outcome = _pause_outcome(paused, [])
    return replace(outcome, note=f"paused again: {outcome.note}")
