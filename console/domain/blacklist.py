"""Odoo's e-mail blacklist (``mail.blacklist``) as plain data, and the chatter text Odoo's
"Unblacklist" wizard writes, per version (docs/odoo-blacklist.md). No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.domain.timefmt import iso_utc

# What the wizard's chatter line says (addons/mail/wizard/mail_blacklist_remove.py and
# models/mail_blacklist.py): 16 posts "Unblacklisting Reason: %s" as its own note; 17-19
# put "Unblock Reason: %(reason)s" in a paragraph as the body of the tracking message.
REASON_16 = "Unblacklisting Reason: {reason}"
REASON_17 = "Unblock Reason: {reason}"
MAX_REASON_CHARS = 1000  # a Char field has no limit; a line in a chatter should be short


@dataclass(frozen=True, slots=True)
class BlacklistQuery:
    """Which entries a list shows: active only unless ``include_removed``; ``text`` is a
    case-insensitive substring of the address; keyset paging newest first on the id."""

    text: str = ""
    include_removed: bool = False
    before_id: int | None = None
    limit: int = 200


@dataclass(frozen=True, slots=True)
class BlacklistEntry:
    id: int
    email: str
    active: bool
    created: datetime | None  # blacklisted on (create_date)
    changed: datetime | None  # write_date: for a removed entry, when it was removed
    note: str | None  # the newest chatter line with text (the removal reason, or why added)
    note_date: datetime | None
    partners: tuple[tuple[int, str | None], ...]  # partners with this normalized address
    partner_count: int
    contact_count: int  # mailing contacts with this address (None table: 0)

    @property
    def removed_on(self) -> datetime | None:
        return None if self.active else self.changed


@dataclass(frozen=True, slots=True)
class BlacklistPage:
    rows: tuple[BlacklistEntry, ...]
    has_more: bool
    available: bool = True  # False: this database has no mail_blacklist table


def html_escape_text(text: str) -> str:
    """``&``, ``<`` and ``>`` escaped, quotes kept: what Odoo's HTML sanitizer leaves of an
    escaped plain text in a stored body."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def removal_body(version: int, reason: str) -> str:
    """The body of the chatter line that carries the reason ('' when there is none: 17+
    then log the tracking line with an empty body, 16 posts no note)."""
    if not reason:
        return ""
    template = REASON_16 if version <= 16 else REASON_17
    return f"<p>{template.format(reason=html_escape_text(reason))}</p>"


def checked_reason(reason: str) -> str:
    """The reason as the wizard's one-line Char field takes it."""
    cleaned = " ".join(reason.split())
    if len(cleaned) > MAX_REASON_CHARS:
        raise ValueError(f"the reason is longer than {MAX_REASON_CHARS} characters")
    return cleaned


def blacklist_json(entry: BlacklistEntry) -> dict[str, object]:
    """One entry as ``blacklist --json`` prints it (times ISO 8601 UTC, as the other commands)."""
    return {
        "id": entry.id,
        "email": entry.email,
        "active": entry.active,
        "blacklisted_on": iso_utc(entry.created),
        "removed_on": iso_utc(entry.removed_on),
        "last_change": iso_utc(entry.changed),
        "note": entry.note,
        "note_date": iso_utc(entry.note_date),
        "partners": [{"id": i, "name": name} for i, name in entry.partners],
        "partner_count": entry.partner_count,
        "mailing_contact_count": entry.contact_count,
    }
