"""Which blacklist entries an operator means by their addresses, before the removal asks
for confirmation: every address valid, blacklisted, and still active (or said why not)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from console.domain.errors import UsageError
from console.domain.mailtools import email_normalize

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.domain.blacklist import BlacklistEntry


def entries_to_remove(backend: MailQueueBackend, addresses: Sequence[str]) -> list[BlacklistEntry]:
    """The entries of these addresses (normalized as Odoo's ``email_normalize``); a
    UsageError names the first address that is invalid, not blacklisted or already removed."""
    if not addresses:
        raise UsageError("Name at least one address to remove from the blacklist")
    normalized: list[str] = []
    for address in addresses:
        email = email_normalize(address)
        if not email:
            raise UsageError(f"Invalid email address {address!r}")
        normalized.append(email)
    if not _has_blacklist(backend):
        raise UsageError("This database has no e-mail blacklist (mail_blacklist table)")
    found = backend.blacklist_entries(list(dict.fromkeys(normalized)))
    entries: list[BlacklistEntry] = []
    for email in normalized:
        entry = found.get(email)
        if entry is None:
            raise UsageError(f"{email} is not on the blacklist")
        if not entry.active:
            raise UsageError(f"{email} is not blacklisted any more (removed already)")
        if entry not in entries:
            entries.append(entry)
    return entries


def _has_blacklist(backend: MailQueueBackend) -> bool:
    from console.domain.blacklist import BlacklistQuery

    return backend.blacklist(BlacklistQuery(limit=1)).available
