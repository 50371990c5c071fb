"""Odoo's mail states and the words its UI uses for them."""

from __future__ import annotations

from datetime import UTC, datetime

# mail_mail.state values, in the order Odoo's selection lists them.
MAIL_STATES: tuple[str, ...] = ("outgoing", "sent", "received", "exception", "cancel")

MAIL_STATE_LABELS: dict[str, str] = {
    "outgoing": "Outgoing",
    "sent": "Sent",
    "received": "Received",
    "exception": "Delivery Failed",
    "cancel": "Cancelled",
}

# The CLI speaks of "failed"; Odoo stores "exception".
CLI_STATE_FILTERS: dict[str, tuple[str, ...]] = {
    "outgoing": ("outgoing",),
    "failed": ("exception",),
    "sent": ("sent",),
    "cancel": ("cancel",),
    "received": ("received",),
    "all": (),
}

FAILURE_TYPE_LABELS: dict[str, str] = {
    "unknown": "Unknown error",
    "mail_bounce": "Bounce",
    "mail_email_invalid": "Invalid email address",
    "mail_email_missing": "Missing email address",
    "mail_from_invalid": "Invalid from address",
    "mail_from_missing": "Missing from address",
    "mail_smtp": "Connection failed (outgoing mail server problem)",
    "mail_bl": "Blacklisted Address",
    "mail_optout": "Opted Out",
    "mail_dup": "Duplicated Email",
    "mail_spam": "Detected As Spam",
}

NOTIFICATION_STATUS_LABELS: dict[str, str] = {
    "ready": "Ready to Send",
    "process": "Processing",
    "pending": "Sent",
    "sent": "Delivered",
    "bounce": "Bounced",
    "exception": "Exception",
    "canceled": "Cancelled",
}

CAMPAIGN_STATE_LABELS: dict[str, str] = {
    "draft": "Draft",
    "in_queue": "In Queue",
    "sending": "Sending",
    "done": "Sent",
}


def mail_state_label(state: str | None) -> str:
    if state is None:
        return "?"
    return MAIL_STATE_LABELS.get(state, state)


def notification_status_label(status: str | None, odoo_version: int) -> str:
    if status is None:
        return "?"
    if odoo_version <= 16 and status == "sent":
        return "Sent"  # 16 has no "pending"/"Delivered" split
    return NOTIFICATION_STATUS_LABELS.get(status, status)


def failure_type_label(failure_type: str | None) -> str:
    if not failure_type:
        return ""
    return FAILURE_TYPE_LABELS.get(failure_type, failure_type)


def scheduled_later(
    state: str | None, scheduled: datetime | None, now: datetime | None = None
) -> bool:
    """An outgoing mail the queue cron leaves alone until its scheduled date (Odoo sends
    outgoing mails whose scheduled_date is empty or past)."""
    if state != "outgoing" or scheduled is None:
        return False
    when = scheduled if scheduled.tzinfo else scheduled.replace(tzinfo=UTC)
    return when > (now or datetime.now(UTC))
