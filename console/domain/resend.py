"""Resend to the failed recipients only: the chatter wizard's "Send & close", as rules.

Odoo's wizard renders the notification again for the recipients ticked and queues one new
mail per recipient group; the others are not mailed again (docs/odoo-envelopes.md). The
console cannot render Odoo's layout, so it queues a copy of the mail Odoo rendered for
that group, to the failed recipients alone, and says so plainly when that mail is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

# Failures that mean the partner's address itself was wrong: resending before it is
# fixed would fail the same way.
ADDRESS_FAILURES = ("mail_email_invalid", "mail_email_missing")
QUEUED_AGAIN = "its mail is queued again already (retried): it will go to every recipient"
LOCKED = "its mail is locked by another transaction (Odoo may be sending it right now)"
ADDRESS_STILL_BAD = "the partner's address is still invalid or missing: fix it first"
CHANGED = "its notification changed meanwhile"


def rendered_mail_gone(odoo_version: int) -> str:
    """Why a recipient whose mail row Odoo deleted cannot be resent from here."""
    gone = "Odoo deleted the mail it rendered for this recipient"
    if odoo_version >= 19:
        return f"{gone}, and Odoo {odoo_version} has no resend: post the message again"
    return f"{gone}; Odoo's Send & close renders it again: use the red envelope in Odoo"


@dataclass(frozen=True, slots=True)
class FailedNotification:
    """One failed e-mail notification, as the resend wizard lists it."""

    id: int
    message_id: int
    partner_id: int
    status: str
    mail_id: int | None
    failure_type: str | None


@dataclass(frozen=True, slots=True)
class MailToCopy:
    """The mail Odoo rendered for a group of recipients, as far as resend cares."""

    id: int
    state: str
    locked: bool = False


def why_not_resend(
    failed: FailedNotification,
    mail: MailToCopy | None,
    *,
    address_ok: bool,
    odoo_version: int,
) -> str | None:
    """None when this recipient can be resent by copying its mail; else the reason."""
    if mail is None:
        return rendered_mail_gone(odoo_version)
    if mail.locked:
        return LOCKED
    if mail.state == "outgoing":
        return QUEUED_AGAIN
    if failed.failure_type in ADDRESS_FAILURES and not address_ok:
        return ADDRESS_STILL_BAD
    return None
