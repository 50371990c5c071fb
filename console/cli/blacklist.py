"""The blacklist subcommands: ``blacklist`` (Odoo's e-mail blacklist, searched and paged in
SQL) and ``unblacklist`` (Odoo's Unblacklist wizard with a reason, through the operator:
confirmation, journal, undo).

Wired into ``console.cli.main`` with ``add_blacklist_parsers(sub)`` (in
console.cli.command_parsers) and ``dispatch_blacklist(settings, args, tz)``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from console.domain.blacklist import (
    BlacklistEntry,
    BlacklistQuery,
    blacklist_json,
    checked_reason,
)
from console.domain.errors import UsageError
from console.domain.sanitize import one_line
from console.domain.timefmt import short_local

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings

BLACKLIST_COMMANDS = frozenset({"blacklist", "unblacklist"})
MAX_LIMIT = 100_000
PAGE = 1000


def dispatch_blacklist(settings: ConnectionSettings, args: argparse.Namespace, tz: tzinfo) -> int:
    """Open the database, run the command, print its output; the exit code."""
    from console.backends.connect import open_backend

    backend = open_backend(settings)
    try:
        if args.command == "blacklist":
            output, code = blacklist_output(backend, args, tz), 0
        else:
            output, code = unblacklist(backend, args)
    finally:
        backend.close()
    print(output)
    return code


def read_blacklist(
    backend: MailQueueBackend, query: BlacklistQuery, limit: int
) -> tuple[list[BlacklistEntry], bool, bool]:
    """Up to ``limit`` entries, a keyset page at a time: (entries, more, table exists)."""
    rows: list[BlacklistEntry] = []
    before: int | None = None
    while True:
        page = backend.blacklist(
            BlacklistQuery(
                text=query.text,
                include_removed=query.include_removed,
                before_id=before,
                limit=min(PAGE, limit - len(rows)),
            )
        )
        rows.extend(page.rows)
        if not page.has_more or not page.rows or len(rows) >= limit:
            return rows, page.has_more, page.available
        before = page.rows[-1].id


def blacklist_output(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}")
    query = BlacklistQuery(text=args.search, include_removed=args.all)
    rows, more, available = read_blacklist(backend, query, args.limit)
    if args.json:
        return json.dumps([blacklist_json(e) for e in rows], indent=2, ensure_ascii=False)
    if not available:
        return "This database has no e-mail blacklist (no mail_blacklist table)"
    return blacklist_text(rows, more, tz, searched=args.search, removed=args.all)


def blacklist_text(
    rows: Sequence[BlacklistEntry], more: bool, tz: tzinfo, *, searched: str, removed: bool
) -> str:
    from console.cli.text import clip, table

    if not rows:
        what = "blacklist entry" if removed else "blacklisted address"
        return f"No {what}" + (f" matching {searched!r}" if searched else "")
    lines = table(
        ("ID", "Address", "State", "Blacklisted", "Removed", "Carried by", "Last note"),
        [
            (
                str(e.id),
                clip(e.email, 40),
                "blacklisted" if e.active else "removed",
                short_local(e.created, tz),
                short_local(e.removed_on, tz) if e.removed_on else "",
                carriers(e),
                clip(e.note or "", 50),
            )
            for e in rows
        ],
    )
    return lines + ("\n(more: --limit N or --search TEXT)" if more else "")


def carriers(entry: BlacklistEntry) -> str:
    """'Ann Lee, +2 partners, 1 contact' or ''."""
    parts: list[str] = []
    if entry.partners:
        parts.append(one_line(entry.partners[0][1] or f"partner #{entry.partners[0][0]}", 24))
        if entry.partner_count > 1:
            parts.append(f"+{entry.partner_count - 1} partners")
    if entry.contact_count:
        parts.append(f"{entry.contact_count} contact{'s' if entry.contact_count > 1 else ''}")
    return ", ".join(parts)


def unblacklist(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    """Refused first when the console does not write; then every address is checked,
    confirmed, and removed in one journaled transaction."""
    from console.cli.action_common import confirm, outcome_json
    from console.services.blacklist import entries_to_remove
    from console.services.journal import Journal
    from console.services.operations import Operator

    operator = Operator(backend, Journal(args.journal), args.odoo_user)
    operator.preflight()
    try:
        reason = checked_reason(args.reason)
    except ValueError as exc:
        raise UsageError(f"--reason: {exc}") from None
    entries = entries_to_remove(backend, args.addresses)
    confirm(args, "unblacklist", len(entries), entries[0].email)
    outcome = operator.unblacklist([e.id for e in entries], reason)
    code = 0 if outcome.complete else 1
    if args.json:
        return json.dumps(outcome_json(outcome), indent=2, ensure_ascii=False), code
    return outcome.message(), code
