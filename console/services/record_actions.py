"""The operator's actions on Odoo records besides mails: the chatter wizard's Send &
close and its address fix, the blacklist's removal, a bounce counter's reset.

A mixin of ``console.services.operations.Operator``, which provides the guard, the
acting user and the journaled transaction these run in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from console.backends.base import MailWriter
from console.domain.actions import WriteOutcome
from console.domain.errors import UsageError
from console.domain.sanitize import one_line
from console.domain.timefmt import sql_timestamp, utcnow_naive
from console.services.queue_schedule import next_queue_run

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend

Write = Callable[[MailWriter], tuple[WriteOutcome, dict[str, object]]]


class RecordActions:
    if TYPE_CHECKING:  # provided by Operator
        backend: MailQueueBackend

        @property
        def uid(self) -> int: ...

        def _guard(self) -> None: ...

        def _journaled(self, write: Write) -> WriteOutcome: ...

        def trigger(self, cron_id: int) -> str: ...

    def resend(self, message_ids: Sequence[int]) -> WriteOutcome:
        """Send & close on red envelopes: the failed recipients only, in new queued mails
        (docs/odoo-envelopes.md); Odoo's queue is woken to send them."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writer.resend_failed_recipients(message_ids, uid=uid, now=now)
            keep = ("new_mails", "previous_mail_of")
            return outcome, {k: outcome.details[k] for k in keep if k in outcome.details}

        outcome = self._journaled(write)
        if outcome.applied:
            outcome = _with_note(
                outcome, ". ".join(filter(None, (outcome.note, self.wake_queue())))
            )
        return outcome

    def wake_queue(self) -> str:
        """Ask Odoo's Email Queue Manager to run now, as a journaled trigger."""
        from console.domain.mail_crons import EMAIL_QUEUE, find_cron

        cron = find_cron(self.backend.crons(), EMAIL_QUEUE)
        return self.trigger(cron.id) if cron is not None else next_queue_run([])

    def fix_address(self, partner_id: int, email: str, expected: str | None) -> WriteOutcome:
        """The wizard's recipient line: the partner's address, if still ``expected``."""
        from console.domain.mailtools import email_normalize

        clean = one_line(email, 320).strip()
        if clean != email.strip() or email_normalize(clean) is None:
            raise UsageError(f"Not one e-mail address: {one_line(email, 80)!r}")
        self._guard()
        uid, now = self.uid, utcnow_naive()
        return self._journaled(
            lambda w: (
                w.fix_partner_email(partner_id, email=clean, expected=expected, uid=uid, now=now),
                {"partner_id": partner_id, "previous_email": expected, "email": clean},
            )
        )

    def unblacklist(self, ids: Sequence[int], reason: str) -> WriteOutcome:
        """Odoo's Unblacklist wizard on these blacklist entries (console.odoo.blacklist_writes):
        the active ones archived with the reason in their chatter; undo blacklists again."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writer.remove_from_blacklist(ids, reason=reason, uid=uid, now=now)
            outcome = replace(outcome, details={**outcome.details, "reason": reason})
            extra: dict[str, object] = {
                "reason": reason,
                "written": {"write_uid": uid, "write_date": sql_timestamp(now)},
                "chatter_messages": {str(k): v for k, v in outcome.chatter.items()},
            }
            return outcome, extra

        return self._journaled(write)

    def reset_bounces(self, addresses: Sequence[str]) -> WriteOutcome:
        """As Odoo when a mail arrives from each address (docs/odoo-bounces.md): the bounce
        counters of its active partners and mailing contacts back to 0, journaled with the
        former counters for undo; an address with none is skipped."""
        self._guard()
        uid, now = self.uid, utcnow_naive()

        def write(writer: MailWriter) -> tuple[WriteOutcome, dict[str, object]]:
            outcome = writer.reset_bounces(addresses, uid=uid, now=now)
            return outcome, dict(outcome.details)

        return self._journaled(write)


def _with_note(outcome: WriteOutcome, note: str) -> WriteOutcome:
    return replace(outcome, note=note)
