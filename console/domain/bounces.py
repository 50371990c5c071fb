"""Bounces: the mails that came back, the records whose bounce counter grew, and the bounce
rates (docs/odoo-bounces.md).

Odoo counts a bounce in three places: the e-mail notification of a chatter message
(``mail_notification.notification_status = 'bounce'``), the trace of a mass mailing
(``mailing_trace.trace_status = 'bounce'``) and the counter of every record with that
address (``message_bounce`` on partners and, with mass_mailing, mailing contacts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.domain.envelopes import failure_words
from console.domain.errors import UsageError
from console.domain.mailtools import email_normalize

# The statuses of a mail the receiving server accepted (the console's rate denominator):
# a notification handed over (sent) or bounced later; a trace delivered or bounced.
SENT_NOTIFICATION_STATUSES = ("sent", "bounce")
SENT_TRACE_STATUSES = ("sent", "open", "reply", "bounce")
# The models whose records Odoo resets on a mail from their address when ir_model cannot
# say (mail.thread.blacklist's heirs in mail and mass_mailing).
BLACKLIST_MODELS = ("res.partner", "mailing.contact")
MODEL_WORDS = {"res.partner": "partner", "mailing.contact": "mailing contact"}
MAX_RESET_ADDRESSES = 1000


def normalized_addresses(addresses: list[str]) -> list[str]:
    """The addresses as Odoo normalizes them (``email_normalize``), each once; UsageError
    naming the first that is not one e-mail address."""
    found: list[str] = []
    if len(addresses) > MAX_RESET_ADDRESSES:
        raise UsageError(f"At most {MAX_RESET_ADDRESSES} addresses at a time")
    for address in addresses:
        normalized = email_normalize(address.strip())
        if not normalized:
            raise UsageError(f"Not one e-mail address: {address!r}")
        if normalized not in found:
            found.append(normalized)
    return found


@dataclass(frozen=True, slots=True)
class BouncedNotification:
    """A chatter message's e-mail notification that bounced."""

    notification_id: int
    message_id: int
    date: datetime | None  # the message's date (mail_notification keeps no time of its own)
    model: str | None
    res_id: int | None
    record_name: str | None
    partner_id: int | None
    partner_name: str | None
    email: str | None
    failure_type: str | None
    failure_reason: str | None  # masked

    @property
    def words(self) -> str:
        return failure_words(self.failure_type, self.failure_reason)


@dataclass(frozen=True, slots=True)
class BouncedTrace:
    """A mass mailing's trace that bounced."""

    trace_id: int
    mailing_id: int | None
    campaign: str | None  # the mailing's subject
    email: str | None
    model: str | None
    res_id: int | None
    sent: datetime | None
    bounced: datetime | None  # the trace's write_date: when Odoo set it to bounce
    failure_reason: str | None  # 17+; masked


@dataclass(frozen=True, slots=True)
class BounceCounter:
    """A record with a bounce counter above zero."""

    model: str  # res.partner | mailing.contact
    record_id: int
    name: str | None
    email: str | None
    bounces: int


@dataclass(frozen=True, slots=True)
class RateWindow:
    """Of the mails the receiving servers accepted in a period (``label``: "24h", "7d" or
    a day), how many bounced. Notifications are dated by their message, traces by
    ``sent_datetime``."""

    label: str
    sent: int  # accepted: notifications sent or bounced, traces sent/open/reply/bounce
    bounced: int

    @property
    def rate(self) -> float | None:
        """Bounced per sent, 0..1 (None when nothing was sent)."""
        return self.bounced / self.sent if self.sent else None


def campaign_denominator(version: int, expected: int, canceled: int, failed: int) -> int:
    """Odoo's denominator of a mailing's Bounced ratio (``_compute_statistics``): every
    trace but the canceled ones; 19 also leaves out the failed ones (never sent)."""
    return expected - canceled - (failed if version >= 19 else 0)


@dataclass(frozen=True, slots=True)
class CampaignRate:
    """A mass mailing's bounces as its statistics count them."""

    mailing_id: int
    subject: str | None
    expected: int  # every trace
    canceled: int
    failed: int  # trace_status error
    bounced: int
    version: int

    @property
    def denominator(self) -> int:
        return campaign_denominator(self.version, self.expected, self.canceled, self.failed)

    @property
    def ratio(self) -> float:
        """Odoo's bounced_ratio, a percentage (it divides by 1 when the denominator is 0;
        16 stores it as an integer, cut, 17+ rounded to 2 digits)."""
        value = 100.0 * self.bounced / (self.denominator or 1)
        return float(int(value)) if self.version <= 16 else round(value, 2)


@dataclass(frozen=True, slots=True)
class BounceOverview:
    """What the Bounces pane and command show: the rates over the last day and week, per
    day and per campaign, and the records with the most bounces."""

    last_24h: RateWindow
    last_7d: RateWindow
    days: tuple[RateWindow, ...]  # oldest first, one per day, empty days included
    campaigns: tuple[CampaignRate, ...]  # newest mailing first
    counters: tuple[BounceCounter, ...]  # most bounces first
    contacts_readable: bool  # False: mass_mailing is not installed (no mailing_contact)


@dataclass(frozen=True, slots=True)
class BouncePage:
    rows: tuple[BouncedNotification, ...] | tuple[BouncedTrace, ...]
    has_more: bool


def percent(rate: float | None) -> str:
    """'2.5%' ('-' when there is no rate)."""
    return "-" if rate is None else f"{rate * 100:.1f}%"
