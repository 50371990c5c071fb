"""The chatter's red envelopes: a message whose e-mail notification failed for at least
one recipient, as Odoo's chatter and its systray count them (docs/odoo-envelopes.md).

Odoo keeps such a failure on ``mail_notification`` (status ``exception`` or ``bounce``),
often after the mail row itself is gone (``auto_delete``): the console's mail lists
cannot show these, so they have their own reads and pane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# mail.notification failure_type and the words Odoo shows for it (16 has the first four;
# 17 adds bounce and the From failures; 19 the mass-mailing ones).
FAILURE_TYPE_LABELS = {
    "unknown": "Unknown error",
    "mail_email_invalid": "Invalid email address",
    "mail_email_missing": "Missing email address",
    "mail_smtp": "Connection failed (outgoing mail server problem)",
    "mail_bounce": "Bounce",
    "mail_from_invalid": "Invalid from address",
    "mail_from_missing": "Missing from address",
    "mail_spam": "Detected As Spam",
    "mail_bl": "Blacklisted Address",
    "mail_optout": "Opted Out",
    "mail_dup": "Duplicated Email",
}
FAILED_STATUSES = ("exception", "bounce")
RECIPIENTS_PER_ENVELOPE = 50  # recipients read per message; the count says how many more


def failure_words(failure_type: str | None, reason: str | None) -> str:
    """What the resend wizard shows for one recipient (``format_failure_reason``): the
    failure type's label, or "Unknown error: <reason>"."""
    if failure_type and failure_type != "unknown":
        return FAILURE_TYPE_LABELS.get(failure_type, failure_type)
    return f"Unknown error: {reason}" if reason else "Unknown error"


@dataclass(frozen=True, slots=True)
class FailedRecipient:
    """One failed e-mail notification of a message."""

    notification_id: int
    partner_id: int | None
    name: str | None
    email: str | None
    status: str  # exception | bounce
    failure_type: str | None
    failure_reason: str | None  # masked
    mail_id: int | None  # the mail_mail row it points to (None: gone or never set)
    mail_state: str | None  # that row's state, None when the row is gone
    # When that row failed (its write_date, to the second) while it is failed: the only
    # failure time Odoo keeps, mail_notification has no dates (docs/odoo-queue.md).
    mail_failed_at: datetime | None = None

    @property
    def words(self) -> str:
        return failure_words(self.failure_type, self.failure_reason)


@dataclass(frozen=True, slots=True)
class Envelope:
    """A chatter message with failed e-mail notifications."""

    message_id: int
    date: datetime | None
    model: str | None
    res_id: int | None
    record_name: str | None
    author_id: int | None
    author_name: str | None
    subject: str | None
    recipients: tuple[FailedRecipient, ...]
    recipient_count: int  # every failed recipient, when more than the rows read

    @property
    def bounced(self) -> bool:
        return any(r.status == "bounce" for r in self.recipients)

    @property
    def failed_at(self) -> datetime | None:
        """The newest failure time of its recipients' mail rows (None: none is kept)."""
        return max((r.mail_failed_at for r in self.recipients if r.mail_failed_at), default=None)

    @property
    def when(self) -> datetime | None:
        """When it failed as far as Odoo keeps it, else the message's date."""
        return self.failed_at or self.date

    @property
    def mail_exists(self) -> bool:
        """Whether a mail row still exists for a failed recipient (retry can resend it)."""
        return any(r.mail_state is not None for r in self.recipients)


@dataclass(frozen=True, slots=True)
class EnvelopeCounts:
    """How many red envelopes (messages) and failed recipients (notifications) there are,
    as Odoo's systray counts them, all authors together and per author."""

    messages: int
    notifications: int
    bounced: int  # notifications in bounce
    mail_gone: int  # failed notifications whose mail row no longer exists
    by_author: tuple[tuple[int | None, str | None, int], ...]  # (partner id, name, messages)


@dataclass(frozen=True, slots=True)
class EnvelopePage:
    rows: tuple[Envelope, ...]
    has_more: bool


def retry_resends_note(mails: int, recipients: int, *, cli: bool = False) -> str | None:
    """What the retry dialog says when some of the mails already reached a recipient, and
    the resend it offers instead."""
    if not mails:
        return None
    some = "1 of them" if mails == 1 else f"{mails} of them"
    instead = "`resend --mails IDS`" if cli else "Resend to failed only"
    return (
        f"{some} already reached {recipients} recipient{'s' if recipients != 1 else ''}: "
        "Retry (as Odoo's Retry) sends to every recipient again. To send only to the "
        f"recipients that failed, as the chatter's Send & close: {instead}"
    )


@dataclass(frozen=True, slots=True)
class PartnerFailures:
    """A partner as the resend wizard's recipient line shows it, and the messages whose
    e-mail to it failed (newest first): what fixing its address then resends."""

    partner_id: int
    name: str | None
    email: str | None
    message_ids: tuple[int, ...]
