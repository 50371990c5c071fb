"""``pause`` / ``resume`` Odoo's queue and ``hold`` / ``release`` mails on the command line
(docs/odoo-pause.md); run by console.cli.actions with the operator's guard done."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from console.cli.action_common import add_write_options, confirm, report
from console.domain.errors import UsageError
from console.domain.pause import hold_not_stopped, not_stopped
from console.domain.timefmt import utcnow_naive

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.domain.actions import WriteOutcome
    from console.services.operations import Operator

PAUSE_COMMANDS = frozenset({"pause", "resume", "hold", "release"})


def add_pause_parsers(sub: Any) -> None:
    pause = sub(
        "pause",
        "pause Odoo's queue: switch the Email Queue Manager off (its state remembered)",
    )
    pause.add_argument(
        "--campaigns", action="store_true", help="also pause the mass-mailing (campaigns) cron"
    )
    add_write_options(pause)
    resume = sub("resume", "resume Odoo's queue: restore exactly what pause changed")
    add_write_options(resume)
    hold = sub("hold", "hold outgoing mails: Odoo's queue and Send now leave them alone")
    hold.add_argument("ids", nargs="*", type=int, metavar="ID")
    hold.add_argument("--all", action="store_true", help="every outgoing mail (with --grep)")
    hold.add_argument("--grep", metavar="TEXT", help="with --all: the outgoing mails matching")
    add_write_options(hold)
    release = sub("release", "release held mails back to the schedule they had")
    release.add_argument("ids", nargs="*", type=int, metavar="ID")
    release.add_argument("--all", action="store_true", help="every held mail")
    add_write_options(release)


def run_pause_action(
    backend: MailQueueBackend, operator: Operator, args: argparse.Namespace
) -> tuple[str, int]:
    if args.command == "pause":
        return _pause(backend, operator, args)
    if args.command == "resume":
        state = backend.pause_state()
        if state is None:
            raise UsageError("The queue is not paused by the console: nothing to resume")
        confirm(args, "resume", len(state.crons), f"the pause {state.describe(utcnow_naive())}")
        return report(operator.resume(), args)
    ids = _targets(operator, args)
    if args.command == "hold":
        if not ids:
            raise UsageError("No mail to hold: give ids or --all (with --grep TEXT)")
        confirm(args, "hold", len(ids), f"#{ids[0]}", [f"Not stopped: {hold_not_stopped()}"])
        return report(operator.hold(ids), args)
    if ids is not None and not ids:
        raise UsageError("No mail to release: give ids or --all")
    count = len(ids) if ids is not None else _held_count(backend)
    confirm(args, "release", count, f"#{ids[0]}" if ids else "every held mail")
    return report(operator.release(ids), args)


def _targets(operator: Operator, args: argparse.Namespace) -> list[int] | None:
    ids = list(dict.fromkeys(args.ids))
    if args.all and ids:
        raise UsageError("Give either ids or --all, not both")
    if getattr(args, "grep", None) and not args.all:
        raise UsageError("--grep goes with --all")
    if not args.all:
        return ids
    if args.command == "release":
        return None
    from console.backends.base import MailQuery

    return operator.matching_ids(MailQuery(states=("outgoing",), text=args.grep or ""))


def _held_count(backend: MailQueueBackend) -> int:
    return len(backend.held_ids())


def _pause(
    backend: MailQueueBackend, operator: Operator, args: argparse.Namespace
) -> tuple[str, int]:
    info = backend.info
    unstopped = not_stopped(info.odoo_version, args.campaigns, info.has_mass_mailing)
    targets = operator.pause_targets(args.campaigns)
    confirm(
        args,
        "pause",
        len(targets),
        ", ".join(job for _, job in targets),
        ["Pausing does NOT stop:", *(f"  - {line}" for line in unstopped)],
    )
    outcome = operator.pause(campaigns=args.campaigns)
    return pause_report(outcome, args)


def pause_report(outcome: WriteOutcome, args: argparse.Namespace) -> tuple[str, int]:
    text, code = report(outcome, args)
    if getattr(args, "json", False) or not outcome.applied:
        return text, code
    lines = outcome.details.get("not_stopped")
    if isinstance(lines, list):
        text += "\nPausing does NOT stop:\n" + "\n".join(f"  - {line}" for line in lines)
    return text, code
