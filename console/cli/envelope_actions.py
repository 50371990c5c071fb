"""The chatter wizard's other two buttons on the command line: ``resend`` (Send & close,
to the failed recipients only) and ``fix-address`` (the recipient line's address)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from console.cli.action_common import (
    EXIT_OK,
    EXIT_PARTIAL,
    add_write_options,
    confirm,
    outcome_json,
    read_envelopes,
    report,
)
from console.domain.errors import UsageError
from console.domain.sanitize import one_line

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.services.operations import Operator

ENVELOPE_ACTIONS = frozenset({"resend", "fix-address"})


def add_envelope_action_parsers(sub: Any) -> None:
    resend = sub(
        "resend",
        "resend red envelopes to their failed recipients only, as the chatter's Send & close",
    )
    resend.add_argument("ids", nargs="*", type=int, metavar="MESSAGE_ID")
    resend.add_argument(
        "--mails", action="store_true", help="the ids are mail ids: resend their messages"
    )
    resend.add_argument(
        "--all-envelopes", action="store_true", help="every red envelope (see `envelopes`)"
    )
    add_write_options(resend)
    fix = sub("fix-address", "correct a partner's e-mail address, as the resend wizard lets you")
    fix.add_argument("partner", type=int, metavar="PARTNER_ID")
    fix.add_argument("email", metavar="NEW_ADDRESS")
    fix.add_argument(
        "--resend",
        action="store_true",
        help="then resend every red envelope whose e-mail to this partner failed",
    )
    add_write_options(fix)


def run_envelope_action(
    backend: MailQueueBackend, operator: Operator, args: argparse.Namespace
) -> tuple[str, int]:
    if args.command == "resend":
        ids = _resend_targets(backend, args)
        confirm(args, "resend", len(ids), f"message #{ids[0]}", [_RESEND_NOTE])
        return report(operator.resend(ids), args)
    found = backend.partner_failures(args.partner)
    if found is None:
        raise UsageError(f"No partner with id {args.partner}")
    name = one_line(found.name or "?", 40)
    example = f"partner #{found.partner_id} {name!r}: {found.email or '(none)'} -> {args.email}"
    notes = []
    if args.resend:
        count = len(found.message_ids)
        notes.append(f"then resend {count} red envelope{'s' if count != 1 else ''} to it")
    confirm(args, "fix-address", 1, example, notes)
    fixed = operator.fix_address(found.partner_id, args.email, found.email)
    if not (args.resend and fixed.applied and found.message_ids):
        return report(fixed, args)
    resent = operator.resend(list(found.message_ids))
    code = EXIT_OK if fixed.complete and resent.complete else EXIT_PARTIAL
    if getattr(args, "json", False):
        both = {"fix-address": outcome_json(fixed), "resend": outcome_json(resent)}
        return json.dumps(both, indent=2), code
    return f"{fixed.message()}\n{resent.message()}", code


_RESEND_NOTE = (
    "Only the recipients whose e-mail failed get it again, in new queued mails that copy the "
    "one Odoo rendered; the recipients it reached are not mailed twice"
)


def _resend_targets(backend: MailQueueBackend, args: argparse.Namespace) -> list[int]:
    ids = list(dict.fromkeys(args.ids))
    if args.all_envelopes:
        if ids or args.mails:
            raise UsageError("Give either ids or --all-envelopes, not both")
        rows, _ = read_envelopes(backend, 1_000_000)
        ids = [e.message_id for e in rows]
    elif args.mails:
        ids = backend.messages_of_mails(ids)
        if args.ids and not ids:
            raise UsageError("None of these mails exists any more")
    if not ids:
        raise UsageError("No message to resend: give message ids, --mails IDS or --all-envelopes")
    return ids
