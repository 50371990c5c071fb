"""The writes of the data boundary (``console.backends.base``): what a backend's
``writing()`` block offers, each write checking the state it expects and saying what it
skipped. Kept apart from the reads so that each half stays readable; import it from
``console.backends.base``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from console.domain.actions import WriteOutcome
    from console.domain.pause import PauseState


class MailWriter(Protocol):
    """The writes of one transaction (``MailQueueBackend.writing``). Each checks the state
    it expects and reports what it skipped; nothing counts until the transaction commits.
    ``notes`` say what happened after the commit (Odoo's listeners woken, or why not)."""

    notes: list[str]

    def journal_first(self, hook: Callable[[WriteOutcome], None]) -> None:
        """Over a backend whose every call commits on its own (Odoo's API), ``hook`` gets
        what the action is about to write before its first committing call, so that the
        journal has it even if the console dies then. A transactional backend never calls
        it: its action line is journaled before its one commit."""
        ...

    def send_by_odoo(self, ids: Sequence[int], *, include_scheduled: bool) -> WriteOutcome:
        """Send now by Odoo's own code (the list's Send Now, ``mail.mail.send``), over a
        backend that cannot hold the queue's lock itself; NotAvailable over a database
        connection, where the console sends through SMTP itself (``send_session``)."""
        ...

    def set_mail_state(
        self,
        action: str,
        ids: Sequence[int],
        *,
        from_states: Sequence[str],
        to_state: str,
        uid: int,
        now: datetime,
    ) -> WriteOutcome:
        """Retry or cancel: the mails still in ``from_states`` move to ``to_state``."""
        ...

    def ignore_failures(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        """The resend wizard's Ignore all, with the bus rows that refresh open chatters."""
        ...

    def ignore_message_failures(
        self, message_ids: Sequence[int], *, uid: int, now: datetime
    ) -> WriteOutcome:
        """Ignore all on chatter messages (red envelopes), mail row or not."""
        ...

    def resend_failed_recipients(
        self, message_ids: Sequence[int], *, uid: int, now: datetime
    ) -> WriteOutcome:
        """Send & close on chatter messages: a queued copy of each rendered mail to its
        failed recipients only (console.domain.resend says which cannot be)."""
        ...

    def fix_partner_email(
        self, partner_id: int, *, email: str, expected: str | None, uid: int, now: datetime
    ) -> WriteOutcome:
        """The wizard's address fix: the partner's e-mail, if it is still ``expected``,
        with the chatter line Odoo's tracking logs."""
        ...

    def cancel_mailings(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        """The mailing's Cancel button: from In Queue back to Draft."""
        ...

    def set_cron_interval(
        self, cron_id: int, *, number: int, unit: str, uid: int, now: datetime
    ) -> tuple[int | None, str | None]:
        """How often a cron runs; returns the former interval. CronBusy while it runs,
        LookupError when there is no such cron."""
        ...

    def trigger_cron(self, cron_id: int, *, uid: int, now: datetime) -> tuple[str, bool]:
        """Ask Odoo to run a cron now; returns its name and whether a trigger was added
        (not for an inactive cron). ConsoleError when there is no such cron."""
        ...

    def restore_mail_states(
        self,
        previous: dict[int, str],
        *,
        expected_state: str,
        uid: int,
        now: datetime,
        previous_writes: dict[int, tuple[int | None, str | None]] | None,
        left_as: tuple[int, str] | None,
    ) -> WriteOutcome:
        """Undo of retry and cancel, for the rows still as the action left them."""
        ...

    def restore_notifications(self, previous: dict[int, str]) -> WriteOutcome:
        """Undo of Ignore all, for the notifications still cancelled."""
        ...

    def restore_resend(
        self,
        previous: dict[int, tuple[str, int | None]],
        new_mails: Sequence[int],
        *,
        uid: int,
        now: datetime,
    ) -> WriteOutcome:
        """Undo of a resend: its new mails still queued are cancelled, and their
        notifications go back to the status and mail they had."""
        ...

    def remove_from_blacklist(
        self, ids: Sequence[int], *, reason: str, uid: int, now: datetime
    ) -> WriteOutcome:
        """The Unblacklist wizard on these entries (the active ones), with its chatter."""
        ...

    def blacklist_again(
        self, left_as: dict[int, datetime], *, uid: int, now: datetime
    ) -> WriteOutcome:
        """Undo of a removal: the entries still as it left them (id -> its write_date)
        blacklisted again as Odoo's ``_add`` does."""
        ...

    # -- bounces (docs/odoo-bounces.md) --
    def reset_bounces(self, addresses: Sequence[str], *, uid: int, now: datetime) -> WriteOutcome:
        """As Odoo on a mail from each (normalized) address: ``message_bounce = 0`` on the
        active records with bounces of every blacklist model; addresses without any are
        skipped. ``details["reset"]`` keeps the former counters for undo."""
        ...

    def restore_bounces(
        self, reset: dict[str, object], *, left_as: tuple[int, str] | None, uid: int,
        now: datetime,
    ) -> WriteOutcome:  # fmt: skip
        """Undo of a reset, for the records whose counter is still 0."""
        ...

    # -- pause and hold (docs/odoo-pause.md) --
    def pause_queue(
        self, crons: Sequence[tuple[int, str]], *, campaigns: bool, by: str, uid: int,
        now: datetime,
    ) -> PauseState:  # fmt: skip
        """Deactivate these crons (id, external id) as Odoo's Active toggle, on 17+ queue
        the notifications, and record it in the ``odoo_mailq.pause`` parameter. Raises
        ``CronBusy`` when one is running, ``UsageError`` when already paused."""
        ...

    def resume_queue(self, *, uid: int, now: datetime) -> tuple[PauseState, list[str], list[str]]:
        """Undo the pause where still as it left it: (the pause, restored, left alone)."""
        ...

    def hold_mails(self, ids: Sequence[int], *, uid: int, now: datetime) -> WriteOutcome:
        """Hold these outgoing mails: their schedule to the hold date, the former one kept."""
        ...

    def release_mails(self, ids: Sequence[int] | None, *, uid: int, now: datetime) -> WriteOutcome:
        """Release these held mails (None: all) to the schedule they had."""
        ...
