"""What the CLI's write commands share: their options, the confirmation, the report,
and reading the red envelopes a page at a time."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.domain.actions import WriteOutcome, confirmation_prompt, needs_typed_count
from console.domain.errors import UsageError

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.domain.envelopes import Envelope

EXIT_OK = 0
EXIT_PARTIAL = 1


# --odoo-user and --journal exist before the command too: SUPPRESS keeps the subcommand
# from overwriting a value given there (and one given after the command wins).
def add_journal_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--journal", type=Path, metavar="PATH", default=argparse.SUPPRESS, help="journal file"
    )


def add_write_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    command.add_argument(
        "--odoo-user", metavar="LOGIN", default=argparse.SUPPRESS, help="act as this Odoo user"
    )
    add_journal_option(command)


def read_envelopes(backend: MailQueueBackend, limit: int) -> tuple[list[Envelope], bool]:
    """The newest ``limit`` red envelopes, read a keyset page at a time, and whether there
    are more."""
    rows: list[Envelope] = []
    before: int | None = None
    more = True
    while more and len(rows) < limit:
        page = backend.envelopes(before_id=before, limit=min(1000, limit - len(rows)))
        rows.extend(page.rows)
        more = page.has_more and bool(page.rows)
        before = page.rows[-1].message_id if page.rows else None
    return rows, more


def confirm(
    args: argparse.Namespace, action: str, count: int, example: str, notes: Sequence[str] = ()
) -> None:
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{action} needs confirmation: run it in a terminal or add --yes")
    print(confirmation_prompt(action, count, example), file=sys.stderr)
    for note in notes:
        print(note, file=sys.stderr)
    if needs_typed_count(count):
        answer = input(f"Type {count} to confirm: ").strip()
        ok = answer == str(count)
    else:
        ok = input("Proceed? [y/N] ").strip().lower() in {"y", "yes"}
    if not ok:
        raise UsageError("Not confirmed: nothing was changed")


def report(outcome: WriteOutcome, args: argparse.Namespace) -> tuple[str, int]:
    code = EXIT_OK if outcome.complete else EXIT_PARTIAL
    if getattr(args, "json", False):
        return json.dumps(outcome_json(outcome), indent=2), code
    later = outcome.details.get("scheduled_later")
    if isinstance(later, dict) and later.get("count"):
        return outcome.message() + " (--include-scheduled sends those now)", code
    return outcome.message(), code


def outcome_json(outcome: WriteOutcome) -> dict[str, Any]:
    return {
        "action": outcome.action,
        "requested": list(outcome.requested),
        "applied": list(outcome.applied),
        "skipped": {str(k): v for k, v in outcome.skipped.items()},
        "failed": {str(k): v for k, v in outcome.failed.items()},
        "errors": list(outcome.errors),
        "chatter_messages": {str(k): v for k, v in outcome.chatter.items()},
        "note": outcome.note,
        **outcome.details,
        "message": outcome.message(),
    }
