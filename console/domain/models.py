"""What the console shows, as plain frozen dataclasses filled by a backend.

Datetimes are naive UTC, exactly as Odoo stores them; conversion to the operator's
time zone happens at display time (console.domain.timefmt).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

# A failure reason can be megabytes long; lists only need its beginning (every backend
# cuts it here; the detail view shows it whole).
LIST_REASON_CHARS = 4000
LIST_RECIPIENTS = 20  # partners a mail list reads per mail (it shows the first and a count)

if TYPE_CHECKING:
    from console.domain.envelopes import EnvelopeCounts
    from console.domain.mail_crons import MailJob
    from console.domain.pause import PauseState


@dataclass(frozen=True, slots=True)
class DatabaseInfo:
    """Where we are connected and what the database is."""

    name: str
    dialect: str  # "postgresql" or "sqlite"
    display_url: str  # password masked
    odoo_version: int  # 16, 17, 18 or 19
    odoo_version_label: str  # e.g. "17.0" or "saas~17.2"
    read_only: bool
    has_mass_mailing: bool
    neutralized: bool
    notes: tuple[str, ...] = ()  # schema oddities worth telling the operator
    over_api: bool = False  # Odoo's external API, not the database: Odoo's methods write
    # the console's generated sample (its odoo_mailq.sample parameter): fictitious servers
    sample: bool = False


@dataclass(frozen=True, slots=True)
class Recipient:
    """A partner the mail is addressed to (mail_mail_res_partner_rel)."""

    partner_id: int
    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class ServerUse:
    """The outgoing server a mail went or goes through, and why that one
    (console.smtp.server_choice, per version: set on the mail, else ``_find_mail_server``
    with today's servers)."""

    server_id: int | None  # None: no ir_mail_server, odoo.conf's SMTP settings
    name: str | None
    why: str  # "set on the mail", "chosen by from_filter match on example.com", ...

    @property
    def label(self) -> str:
        return self.name or "odoo.conf"


@dataclass(frozen=True, slots=True)
class MailRow:
    """One line of a mail list: a mail_mail joined with its mail_message."""

    id: int
    state: str
    date: datetime | None
    scheduled_date: datetime | None
    email_from: str | None
    email_to: str | None
    recipients: tuple[Recipient, ...]
    subject: str | None
    model: str | None
    res_id: int | None
    record_name: str | None
    failure_type: str | None
    failure_reason: str | None  # may be cut to a prefix in lists
    mailing_id: int | None
    recipient_count: int = 0  # partners in all; `recipients` may hold only the first ones
    # A failed mail whose red envelope is gone from the chatter: "ignored" (its failed
    # notifications were set to canceled) or "resent" (they now point to a newer mail).
    chatter: str | None = None
    # When it failed: its write_date, to the second, while it is in 'exception' (Odoo's
    # failing send writes the state and the reason; docs/failures.md). None otherwise.
    failed_at: datetime | None = None
    # What decides its server (the message's columns) and the server so decided.
    mail_server_id: int | None = None
    alias_domain_id: int | None = None  # the message's record_alias_domain_id (17+)
    server: ServerUse | None = None


@dataclass(frozen=True, slots=True)
class MailPage:
    """A keyset page of mails, newest first."""

    rows: tuple[MailRow, ...]
    has_more: bool  # older rows exist beyond the last one


@dataclass(frozen=True, slots=True)
class Notification:
    """A recipient's delivery status for the mail's message (mail_notification)."""

    id: int
    partner_id: int | None
    partner_name: str | None
    partner_email: str | None
    notification_type: str
    status: str | None
    failure_type: str | None
    failure_reason: str | None
    mail_mail_id: int | None


@dataclass(frozen=True, slots=True)
class Attachment:
    id: int
    name: str
    mimetype: str | None
    file_size: int | None


@dataclass(frozen=True, slots=True)
class MailDetail:
    """Everything about one mail, for the detail view."""

    mail: MailRow
    message_id: str | None  # RFC 5322 Message-Id
    references: str | None
    reply_to: str | None
    email_cc: str | None
    headers: str | None  # the raw Python-dict literal of mail_mail.headers
    server_name: str | None
    campaign_subject: str | None
    auto_delete: bool | None
    is_notification: bool | None
    message_type: str | None
    body_html: str | None
    failure_reason_full: str | None
    notifications: tuple[Notification, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    create_date: datetime | None = None
    write_date: datetime | None = None


# ir_cron.interval_type and how long each unit lasts (Odoo adds calendar months; 30 days
# is close enough for "is this cron late").
CRON_INTERVAL_UNITS = {
    "minutes": timedelta(minutes=1),
    "hours": timedelta(hours=1),
    "days": timedelta(days=1),
    "weeks": timedelta(weeks=1),
    "months": timedelta(days=30),
}


def cron_interval_of(number: int | None, unit: str | None) -> timedelta | None:
    """How often a cron runs (None: no or an unknown interval)."""
    if not number or unit not in CRON_INTERVAL_UNITS:
        return None
    return CRON_INTERVAL_UNITS[unit] * int(number)


@dataclass(frozen=True, slots=True)
class CronRow:
    """A scheduled action (ir_cron) as the console judges it."""

    id: int
    name: str
    xml_id: str | None
    active: bool
    interval_number: int | None
    interval_type: str | None
    nextcall: datetime | None
    lastcall: datetime | None
    priority: int | None
    failure_count: int | None  # 18+ only
    first_failure_date: datetime | None  # 18+ only
    running: bool | None  # None: cannot tell (SQLite, read-only session)
    pending_triggers: int
    overdue: bool
    is_mail_related: bool
    job: MailJob | None = None  # which of Odoo's mail jobs it runs (console.domain.mail_crons)


@dataclass(frozen=True, slots=True)
class CampaignRow:
    """A queued or sending mass mailing, in the order Odoo's cron takes them."""

    id: int
    name: str | None  # utm_source.name
    subject: str
    state: str
    schedule_type: str | None
    schedule_date: datetime | None
    calendar_date: datetime | None
    create_date: datetime | None
    position: int | None  # 1 = head of the queue; None = not due yet
    is_head: bool
    due: bool
    recipients: int | None  # None when Odoo's domain cannot be evaluated here
    traces: int
    traces_sent: int
    traces_failed: int
    mails_outgoing: int
    last_trace_at: datetime | None


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """Counts per mail_mail state and a few headline numbers."""

    counts: dict[str, int] = field(default_factory=dict)
    oldest_due_outgoing: datetime | None = None
    scheduled_future: int = 0
    envelopes: EnvelopeCounts | None = None  # the chatter's red envelopes
    paused: PauseState | None = None  # the console's pause of Odoo's queue (None: not paused)
