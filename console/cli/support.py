"""The support subcommands: export-eml, bundle, logs, inbound-check, aliases.

Wired into `console.cli.main` with `add_support_parsers(sub)` and `dispatch_support(settings,
args, tz)` (which opens the database only when needed: `logs` reads files and needs the
database only for `--mail`'s Message-Id); `run_support(backend, args, tz)` runs one on an
open backend and `run_logs(args)` runs `logs` without one.

Exit codes: export-eml/bundle 0; logs 0 when something matched, 1 when nothing did;
inbound-check 0 when Odoo accepts the mail, 1 when it would not (or only for some senders).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.cli.logs import configured_mask, run_logs
from console.domain.errors import ConsoleError, UsageError
from console.domain.sanitize import one_line

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings
    from console.domain.inbound import Verdict
    from console.services.support.eml import ExportLimits

SUPPORT_COMMANDS = frozenset({"export-eml", "bundle", "logs", "inbound-check", "aliases"})
EXIT_OK = 0
EXIT_NOT_FOUND = 1


def add_support_parsers(sub: Any) -> None:
    """Register the support subcommands on the main parser's `sub(name, help)` factory."""
    export = sub("export-eml", "write a mail as .eml, exactly as it would be sent")
    export.add_argument("id", type=int, metavar="ID", help="mail.mail id")
    export.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="file, or - for stdout"
    )
    export.add_argument(
        "--all",
        action="store_true",
        help="every message: one file each (FILE-1.eml…), or an mbox stream with -o -",
    )
    export.add_argument(
        "--force", action="store_true", help="replace existing files (never a symbolic link)"
    )
    export.add_argument(
        "--max-message-mb",
        type=float,
        default=None,
        metavar="MB",
        help="largest message built in memory (default 100)",
    )
    export.add_argument(
        "--max-recipients",
        type=int,
        default=None,
        metavar="N",
        help="most recipient partners read (default 1,000,000)",
    )
    bundle = sub("bundle", "write a support bundle (report.md, report.json, eml/) without secrets")
    bundle.add_argument("-o", "--output", required=True, metavar="DIR", help="new folder")
    bundle.add_argument(
        "--redact-addresses",
        action="store_true",
        help="also mask e-mail addresses and people's names",
    )
    bundle.add_argument("--eml", type=int, default=5, metavar="N", help="failed mails as .eml")
    bundle.add_argument(
        "--journal", type=Path, metavar="PATH", default=argparse.SUPPRESS, help="journal file"
    )
    logs = sub("logs", "mail-related lines of Odoo's log, newest first (rotated and .gz too)")
    logs.add_argument(  # also before the command: SUPPRESS keeps that value
        "--log", type=Path, metavar="PATH", default=argparse.SUPPRESS, help="log file or folder"
    )
    logs.add_argument("--grep", metavar="TEXT", default="", help="only records containing TEXT")
    logs.add_argument("--mail", type=int, metavar="ID", help="records about this mail.mail")
    logs.add_argument("--since", metavar="TIME", help="ISO time, HH:MM, or an age: 30m, 2h, 1d")
    logs.add_argument("--all", action="store_true", help="every record, not only mail ones")
    logs.add_argument("--follow", action="store_true", help="then print new records (Ctrl-C)")
    logs.add_argument("--limit", type=int, default=100, metavar="N", help="at most N (100)")
    logs.add_argument("--log-db", metavar="NAME", help="only records of this database")
    inbound = sub("inbound-check", "would Odoo accept a mail sent to ADDRESS, and where to")
    inbound.add_argument("address", metavar="ADDRESS")
    inbound.add_argument("--in-reply-to", metavar="MESSAGE_ID", help="References/In-Reply-To")
    inbound.add_argument("--from", dest="sender", metavar="SENDER", help="the sender's address")
    sub("aliases", "the mail aliases: address, target model, who may write")


def dispatch_support(settings: ConnectionSettings, args: argparse.Namespace, tz: tzinfo) -> int:
    """Run one support command, opening the database only when it is needed; print."""
    if args.command == "logs" and args.mail is None:
        from console.config.connection import sample_log

        on_sample = None if args.log else sample_log(settings)  # its copy, times moved
        output, code = run_logs(args, tz=tz, mask=configured_mask(settings), sample_log=on_sample)
    else:
        from console.backends.connect import open_backend

        backend = open_backend(settings)
        try:
            output, code = run_support(backend, args, tz)
        finally:
            backend.close()
    if output:
        print(output)
    return code


def run_support(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> tuple[str, int]:
    """(output, exit code) of one support command on an open backend."""
    if args.command == "export-eml":
        return _export(backend, args)
    if args.command == "bundle":
        return _bundle(backend, args, tz)
    if args.command == "logs":
        return run_logs(args, backend, tz=tz)
    if args.command == "inbound-check":
        return _inbound(backend, args)
    if args.command == "aliases":
        return _aliases(backend, args)
    raise UsageError(f"not a support command: {args.command}")


# -- export-eml ------------------------------------------------------------------------
def _export(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    """Each message is written as soon as it is built: one file each with --all, the
    first only without; with -o - to stdout (--all: an mbox stream)."""
    from console.services.support.eml import open_export

    source = open_export(backend, args.id, limits=_export_limits(args))
    count = source.count
    if not count:
        raise ConsoleError(f"Mail {args.id} has no recipient: there is no message to export")
    if args.output == "-":
        return _export_to_stdout(source, args, count)
    return _export_to_files(source, args, count)


def _export_to_stdout(source: Any, args: argparse.Namespace, count: int) -> tuple[str, int]:
    from console.services.support.private_files import terminal_hazard

    out = sys.stdout.buffer
    terminal = sys.stdout.isatty()
    limit = count if args.all else 1
    for message in source.messages(limit=limit):
        data = mbox_entry(message.envelope_from, message.data) if args.all else message.data
        if terminal and terminal_hazard(data):
            raise UsageError(
                f"Mail {args.id} holds control characters or escape sequences that your "
                "terminal would run: not shown; write it to a file (-o FILE) or pipe it "
                "(-o - | ...) for the exact bytes"
            )
        out.write(data)
        out.flush()
    if count > 1 and not args.all:
        hint = f"message 1 of {count} (one per recipient partner); --all: all (an mbox)"
        print(hint, file=sys.stderr)
    return "", EXIT_OK


def _export_to_files(source: Any, args: argparse.Namespace, count: int) -> tuple[str, int]:
    from console.services.support.private_files import write_private

    target = Path(args.output)
    several = args.all and count > 1
    paths = [_numbered(target, n) for n in range(1, count + 1)] if several else [target]
    for path in paths:
        if path.is_symlink():
            raise UsageError(f"Cannot write {path}: it is a symbolic link (give the real path)")
        if path.exists() and not args.force:
            raise UsageError(f"{path} exists (add --force to overwrite)")
    messages = source.messages(limit=len(paths))
    for written, (path, message) in enumerate(zip(paths, messages, strict=False)):
        try:  # 0600 (a mail is personal data), never through a link, a new file unless --force
            write_private(path, message.data, overwrite=args.force)
        except FileExistsError:
            raise UsageError(f"{path} exists (add --force to overwrite)") from None
        except OSError as exc:
            done = f" ({written:,} of {len(paths):,} written)" if several else ""
            raise UsageError(f"Cannot write {path}: {exc.strerror or exc}{done}") from None
    notes = "".join(f"\nnote: {one_line(n)}" for n in source.notes)
    if args.json:
        return json.dumps(
            {
                "mail_id": args.id,
                "messages": count,
                "files": [str(p) for p in paths],
                "notes": list(source.notes),
            },
            indent=2,
        ), EXIT_OK
    if count > 1 and not args.all:
        return (
            f"Wrote {target}: message 1 of {count} (one per recipient partner); "
            f"--all writes them all{notes}"
        ), EXIT_OK
    if len(paths) > 3:
        return f"Wrote {len(paths):,} files: {paths[0]} … {paths[-1]}{notes}", EXIT_OK
    return f"Wrote {', '.join(str(p) for p in paths)}{notes}", EXIT_OK


def _export_limits(args: argparse.Namespace) -> ExportLimits:
    from console.services.support.eml import ExportLimits

    limits = ExportLimits()
    if args.max_message_mb is not None:
        if not args.max_message_mb > 0:
            raise UsageError("--max-message-mb must be more than 0")
        limits = replace(limits, max_message_mb=args.max_message_mb)
    if args.max_recipients is not None:
        if args.max_recipients < 1:
            raise UsageError("--max-recipients must be at least 1")
        limits = replace(limits, max_recipients=args.max_recipients)
    return limits


_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def mbox_entry(sender: str | None, data: bytes) -> bytes:
    """One message of an mbox stream (mboxrd: "From " lines quoted, LF line ends)."""
    body = _FROM_LINE.sub(rb">\1", data.replace(b"\r\n", b"\n"))
    stamp = time.asctime(time.gmtime())
    sender = (sender or "MAILER-DAEMON").replace(" ", "") or "MAILER-DAEMON"
    return (
        b"From "
        + sender.encode("utf-8", "replace")
        + b" "
        + stamp.encode()
        + b"\n"
        + (body if body.endswith(b"\n") else body + b"\n")
        + b"\n"
    )


def _numbered(target: Path, number: int) -> Path:
    if target.suffix.lower() == ".eml":
        return target.with_name(f"{target.stem}-{number}.eml")
    return target.with_name(f"{target.name}-{number}.eml")


# -- bundle -----------------------------------------------------------------------------
def _bundle(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> tuple[str, int]:
    from console.services.journal import Journal
    from console.services.support.bundle import write_bundle

    if args.eml < 0:
        raise UsageError("--eml must be 0 or more")
    path = write_bundle(
        backend,
        Path(args.output),
        redact_addresses=args.redact_addresses,
        tz=tz,
        journal=Journal(getattr(args, "journal", None)),
        eml_mails=args.eml,
    )
    if args.json:
        return json.dumps({"bundle": str(path)}), EXIT_OK
    masked = " (addresses and names masked)" if args.redact_addresses else ""
    return f"Support bundle written to {path}{masked}: start with {path / 'report.md'}", EXIT_OK


# -- inbound-check / aliases -----------------------------------------------------------
def verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "address": verdict.address,
        "odoo_version": verdict.version,
        "outcome": verdict.outcome,
        "accepted": verdict.accepted,
        "bounced": verdict.bounced,
        "reason": verdict.reason,
        "routes": [
            {"model": r.model, "res_id": r.res_id, "alias": r.alias.address if r.alias else None}
            for r in verdict.routes
        ],
        "steps": list(verdict.steps),
        "line": verdict.line(),
    }


def _inbound(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:

    if "@" not in args.address:
        raise UsageError(f"{args.address!r} is not an e-mail address")
    verdict = backend.inbound_check(args.address, in_reply_to=args.in_reply_to, sender=args.sender)
    code = EXIT_OK if verdict.accepted else EXIT_NOT_FOUND
    if args.json:
        return json.dumps(verdict_json(verdict), indent=2, ensure_ascii=False), code
    lines = [one_line(verdict.line(), 400)]
    lines += [f"  - {one_line(step, 200)}" for step in verdict.steps]
    return "\n".join(lines), code


def _aliases(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    from console.cli.text import clip, table
    from console.domain.json_shapes import routing_setup_json

    setup = backend.routing_setup()
    if args.json:
        return json.dumps(routing_setup_json(setup), indent=2), EXIT_OK
    lines: list[str] = []
    if setup.domains:
        lines.append("Alias domains:")
        for d in setup.domains:
            parts = [f"bounce {d.bounce_email or '-'}", f"catchall {d.catchall_email or '-'}"]
            if d.default_from:
                parts.append(f"default From {d.default_from}")
            lines.append(f"  {one_line(d.name, 60)}: " + ", ".join(parts))
    elif setup.version >= 17:
        lines.append("No alias domain: Odoo builds no catchall or bounce address.")
    else:
        lines.append(
            f"Catchall domain {setup.catchall_domain or '(not set)'}: "
            f"bounce {setup.bounce_alias or '-'}, catchall {setup.catchall_alias or '-'}"
        )
    if not setup.aliases:
        return "\n".join([*lines, "No mail alias."]), EXIT_OK
    rows = [
        [
            str(a.id),
            clip(a.address, 40),
            a.model or "?",
            a.contact,
            str(a.force_thread_id or ""),
            a.status or "",
        ]
        for a in setup.aliases
    ]
    header = ["ID", "ADDRESS", "MODEL", "CONTACT", "THREAD", "STATUS"]
    return "\n".join([*lines, "", table(header, rows)]), EXIT_OK
