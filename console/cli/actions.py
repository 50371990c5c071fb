"""The write commands of the CLI: retry, cancel, ignore, send, undo, trigger, audit (their
options are in console.cli.action_parsers)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from console.backends.base import MailQuery
from console.cli.action_common import EXIT_OK, confirm, read_envelopes, report
from console.domain.envelopes import retry_resends_note
from console.domain.errors import UsageError
from console.domain.mail_crons import EMAIL_QUEUE, find_cron
from console.domain.sanitize import one_line
from console.domain.secrets import NO_SECRETS, SecretMask
from console.domain.timefmt import iso_utc

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.domain.models import CronRow
    from console.services.operations import Operator


# Which rows a filter may target for each action (the states the action accepts).
FILTER_STATES = {
    "retry": ("exception",),
    "ignore": ("exception",),
    "cancel": ("outgoing",),
    "send": ("outgoing",),
}


def run_action(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    from console.services.journal import Journal
    from console.services.operations import Operator

    operator = Operator(
        backend, Journal(args.journal), args.odoo_user, getattr(args, "send_policy", None)
    )
    operator.preflight()  # read-only, or a journal that cannot be written: refused first
    if args.command == "send":  # the sample's fictitious servers: refused before the question
        from console.services.sample_guard import SEND_NOW, refuse_fictitious_servers

        refuse_fictitious_servers(backend, SEND_NOW)
        operator.refuse_if_paused()
    if args.command == "undo":
        confirm(args, "undo", 1, _undo_example(operator))
        return report(operator.undo(), args)
    if args.command == "trigger":
        return _trigger(operator, args)
    from console.cli.pause import PAUSE_COMMANDS, run_pause_action

    if args.command in PAUSE_COMMANDS:
        return run_pause_action(backend, operator, args)
    from console.cli.envelope_actions import ENVELOPE_ACTIONS, run_envelope_action

    if args.command in ENVELOPE_ACTIONS:
        return run_envelope_action(backend, operator, args)
    if args.command == "cancel-campaign":
        confirm(args, "cancel-campaign", len(args.ids), f"campaign #{args.ids[0]}")
        return report(operator.cancel_campaigns(args.ids), args)
    if args.command == "set-interval":
        cron = _find_cron(backend.crons(), args.cron)
        confirm(
            args,
            "set-interval",
            1,
            f"cron #{cron.id} {cron.name!r} to every {args.number} {args.unit}",
        )
        return report(operator.set_cron_interval(cron.id, args.number, args.unit), args)
    if args.command == "ignore" and (args.messages or args.all_envelopes):
        return _ignore_messages(backend, operator, args)
    ids = _targets(operator, args)
    if not ids:
        raise UsageError(
            f"No mail to {args.command}: give ids, --grep TEXT, --all-failed or --cause KEY"
        )
    notes: list[str] = []
    if args.command == "send" and not args.include_scheduled:
        notes = _scheduled_notes(backend.scheduled_later(ids))
    if args.command == "retry" and not args.yes:
        resends = retry_resends_note(*backend.already_delivered(ids), cli=True)
        notes = [resends] if resends else []
    confirm(args, args.command, len(ids), _example(backend, ids[0]), notes)
    if args.command == "retry":
        outcome = operator.retry(ids, include_cancelled=not args.all_failed)
    elif args.command == "cancel":
        outcome = operator.cancel(ids)
    elif args.command == "ignore":
        outcome = operator.ignore(ids)
    else:
        if args.wait_for_odoo < 0:
            raise UsageError("--wait-for-odoo must be 0 or more seconds")
        outcome = operator.send(
            ids, include_scheduled=args.include_scheduled, quiet_wait=args.wait_for_odoo
        )
    return report(outcome, args)


def _ignore_messages(
    backend: MailQueueBackend, operator: Operator, args: argparse.Namespace
) -> tuple[str, int]:
    """Ignore all on red envelopes named by message id (or every one)."""
    if args.grep or args.all_failed or args.cause:
        raise UsageError("--messages and --all-envelopes take message ids, not mail filters")
    ids = list(dict.fromkeys(args.ids))
    if args.all_envelopes:
        if ids:
            raise UsageError("Give either message ids or --all-envelopes, not both")
        ids = _every_envelope(backend)
    if not ids:
        raise UsageError("No message to ignore: give message ids or --all-envelopes")
    confirm(args, "ignore-messages", len(ids), _envelope_example(backend, ids[0]))
    return report(operator.ignore_messages(ids), args)


def _every_envelope(backend: MailQueueBackend, cap: int = 1_000_000) -> list[int]:
    rows, _ = read_envelopes(backend, cap)
    return [e.message_id for e in rows]


def _envelope_example(backend: MailQueueBackend, message_id: int) -> str:
    page = backend.envelopes(before_id=message_id + 1, limit=1)
    found = next((e for e in page.rows if e.message_id == message_id), None)
    if found is None:
        return f"message #{message_id}"
    document = found.record_name or f"{found.model} #{found.res_id}"
    return f"message #{message_id} on {one_line(document, 40)!r}"


def _targets(operator: Operator, args: argparse.Namespace) -> list[int]:
    ids = list(dict.fromkeys(args.ids))
    if getattr(args, "cause", None):
        if ids or args.grep or getattr(args, "all_failed", False):
            raise UsageError("Give either ids, a filter or --cause, not several")
        from console.services.causes import cause_target_ids

        return list(cause_target_ids(operator.backend, args.cause))
    if getattr(args, "all_failed", False) or args.grep:
        if ids:
            raise UsageError("Give either ids or a filter (--grep / --all-failed), not both")
        states = FILTER_STATES[args.command]
        ids = operator.matching_ids(MailQuery(states=states, text=args.grep or ""))
    return ids


def _example(backend: MailQueueBackend, mail_id: int) -> str:
    page = backend.mail_page(MailQuery(before_id=mail_id + 1, limit=1))
    mail = next((m for m in page.rows if m.id == mail_id), None)
    if mail is None:
        return f"#{mail_id}"
    to = mail.email_to or ", ".join(r.email or r.name or "?" for r in mail.recipients[:2])
    return f"#{mail.id} {one_line(mail.subject, 40)!r} to {one_line(to, 40)}"


def _undo_example(operator: Operator) -> str:
    entry = operator.journal.last_undoable(operator.backend.info.display_url)
    if entry is None:
        return "nothing"
    return (
        f"{entry.action} of {len(entry.data.get('applied', []))} mails at {entry.data.get('time')}"
    )


def _scheduled_notes(later: Sequence[datetime]) -> list[str]:
    if not later:
        return []
    span = str(iso_utc(later[0])) + (f" to {iso_utc(later[-1])}" if len(later) > 1 else "")
    return [
        f"{len(later)} of them are scheduled for later ({span}): they stay in the queue "
        "(--include-scheduled sends them now too)"
    ]


def _trigger(operator: Operator, args: argparse.Namespace) -> tuple[str, int]:
    cron = _find_cron(operator.backend.crons(), args.cron)
    confirm(args, "trigger", 1, f"cron #{cron.id} {cron.name!r}")
    message = operator.trigger(cron.id)
    if getattr(args, "json", False):
        return json.dumps({"action": "trigger", "cron_id": cron.id, "message": message}), EXIT_OK
    return message, EXIT_OK


def _find_cron(crons: Sequence[CronRow], wanted: str | None) -> CronRow:
    if wanted is None:
        queue = find_cron(crons, EMAIL_QUEUE)
        if queue is None:
            raise UsageError("Odoo's Email Queue Manager cron was not found: name a cron")
        return queue
    for cron in crons:
        if str(cron.id) == wanted or cron.xml_id == wanted or cron.name == wanted:
            return cron
    raise UsageError(f"No cron {wanted!r} (give its id, XML id or exact name; see `crons`)")


def audit_text(args: argparse.Namespace, mask: SecretMask = NO_SECRETS) -> str:
    """The newest journal entries; masked again (entries written by an older console,
    or on another database, may hold a secret a server echoed)."""
    from console.services.journal import Journal

    journal = Journal(args.journal)
    everything = list(journal.entries())
    rolled_back = journal.rolled_back_ids(everything)
    entries = everything[-args.limit :]
    if getattr(args, "json", False):
        masked = [
            mask.value({**e.data, "rolled_back": True} if e.id in rolled_back else e.data)
            for e in entries
        ]
        return json.dumps(masked, indent=2, ensure_ascii=False)
    if not entries:
        return "The journal is empty."
    lines = []
    for entry in entries:
        data = entry.data
        who = data.get("os_user", "?") + (
            f" from {data['ssh_origin']}" if data.get("ssh_origin") else ""
        )
        where = mask.text(str(data.get("database", "?")))
        result = one_line(mask.text(str(data.get("result", ""))), 120)
        flag = "[ROLLED BACK, not applied] " if entry.id in rolled_back else ""
        lines.append(f"{data.get('time', '?')}  {mask.text(who)}  {where}  {flag}{result}")
    return "\n".join(lines)
