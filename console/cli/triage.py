"""The triage subcommands: causes, doctor, check (Nagios plugin) and probe.

Wired into `console.cli.main` with `add_triage_parsers(sub)` (in console.cli.command_parsers)
and `run_triage(backend, args, tz)`;
`check` must answer UNKNOWN (exit 3) even when the database cannot be opened, which
`dispatch_triage` (or `check_unknown_line`) takes care of.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from console.domain.errors import ConsoleError, UsageError
from console.domain.health import (
    CheckResult,
    Status,
    Thresholds,
    check_line,
    evaluate,
    health_summary,
    overall,
)
from console.domain.sanitize import one_line

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings
    from console.domain.causes import CauseGroup
    from console.services.probe import ProbeResult

TRIAGE_COMMANDS = frozenset({"causes", "doctor", "check", "probe", "test-mail"})
EXIT_OK = 0
EXIT_PROBE_FAILED = 1
EXIT_FINDINGS = 1  # doctor: something is WARNING or CRITICAL (scripts: doctor || alert)
_GLYPHS = {Status.OK: "✔", Status.WARNING: "▲", Status.CRITICAL: "✖", Status.UNKNOWN: "?"}


def _bounce_thresholds(args: argparse.Namespace) -> dict[str, Any]:
    defaults = Thresholds()
    warn = getattr(args, "warn_bounce_rate", defaults.warn_bounce_rate * 100)
    crit = getattr(args, "crit_bounce_rate", defaults.crit_bounce_rate * 100)
    least = getattr(args, "bounce_min_sent", defaults.bounce_min_sent)
    if not (0 < warn <= 100 and 0 < crit <= 100) or warn > crit:
        raise UsageError(
            "--warn-bounce-rate and --crit-bounce-rate are percentages above 0, warn <= crit"
        )
    if least < 1:
        raise UsageError("--bounce-min-sent must be at least 1")
    return {
        "warn_bounce_rate": warn / 100,
        "crit_bounce_rate": crit / 100,
        "bounce_min_sent": least,
    }


def run_triage(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> tuple[str, int]:
    """(output, exit code) of one triage subcommand on an open backend."""
    if args.command == "causes":
        return _causes(backend, args, tz), EXIT_OK
    if args.command == "doctor":
        return _doctor(backend, args)
    if args.command == "check":
        return _check(backend, args)
    if args.command == "probe":
        return _probe(backend, args)
    if args.command == "test-mail":
        from console.cli.testmail import run_test_mail_command

        return run_test_mail_command(backend, args)
    raise UsageError(f"not a triage command: {args.command}")


def check_unknown_line(message: str) -> str:
    """The `check` line when nothing could be checked (exit 3)."""
    return f"MAILQ UNKNOWN - {one_line(message, 300).replace('|', '/')}"


def dispatch_triage(settings: ConnectionSettings, args: argparse.Namespace, tz: tzinfo) -> int:
    """Open the database, run the command, print; `check` turns every error into UNKNOWN."""
    from console.backends.connect import open_backend

    try:
        backend = open_backend(settings)
        try:
            output, code = run_triage(backend, args, tz)
        finally:
            backend.close()
    except ConsoleError as exc:
        if args.command != "check":
            raise
        print(check_unknown_line(str(exc)))
        return int(Status.UNKNOWN)
    except Exception as exc:
        if args.command != "check" or getattr(args, "debug", False):
            raise
        print(check_unknown_line(f"internal error: {type(exc).__name__}: {exc}"))
        return int(Status.UNKNOWN)
    print(output)
    return code


# -- causes ---------------------------------------------------------------------------------
def cause_json(group: CauseGroup) -> dict[str, Any]:
    from console.domain.json_shapes import server_use_json
    from console.domain.timefmt import iso_utc

    c = group.classification
    return {
        "key": group.key,
        "signature": group.signature,
        "count": group.count,
        "class": c.klass,
        "title": c.title,
        "explanation": c.explanation,
        "fix": c.fix,
        "family": c.family,
        "smtp_code": c.smtp_code,
        "enhanced_code": c.enhanced_code,
        "first_seen": iso_utc(group.first_seen),
        "last_seen": iso_utc(group.last_seen),
        "servers": list(group.server_names),
        "by_server": [server_use_json(server, count) for server, count in group.servers],
        "sample_mail_id": group.sample_mail_id,
    }


def _causes(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    from console.cli.text import clip, table
    from console.domain.timefmt import short_local
    from console.services.causes import causes

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    groups = causes(backend)[: args.limit]
    if args.json:
        return json.dumps([cause_json(g) for g in groups], indent=2, ensure_ascii=False)
    if not groups:
        return "No failed mail."
    rows = [
        [
            g.key,
            str(g.count),
            g.classification.klass,
            clip(g.classification.title, 32),
            short_local(g.last_seen, tz),
            one_line(", ".join(g.server_names), 24),
        ]
        for g in groups
    ]
    lines = [table(["KEY", "MAILS", "CLASS", "CAUSE", "LAST SEEN", "SERVER"], rows), ""]
    for g in groups:
        lines.append(f"{g.key}  {one_line(g.signature, 110)}")
        lines.append(f"          {one_line(g.classification.explanation, 110)}")
        lines.append(f"          do: {one_line(g.classification.fix, 106)}")
    total = sum(g.count for g in groups)
    lines.append("")
    lines.append(
        f"{total} failed mails, {len(groups)} causes. Retry one cause: odoo-mailq retry --cause KEY"
    )
    return "\n".join(lines)


# -- doctor / check -------------------------------------------------------------------------
def result_json(result: CheckResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title,
        "status": result.status.name,
        "summary": result.summary,
        "why": result.why,
        "fix": result.fix,
        "perf": {p.label: p.value for p in result.perf},
        "command": result.command,
    }


def _thresholds(args: argparse.Namespace) -> Thresholds:
    warn = getattr(args, "warn_failed", 10)
    crit = getattr(args, "crit_failed", 50)
    if warn < 0 or crit < 0:
        raise UsageError("--warn-failed and --crit-failed must be 0 or more")
    oldest = getattr(args, "max_oldest_outgoing", None)
    if oldest is not None and oldest <= 0:
        raise UsageError("--max-oldest-outgoing must be a positive number of minutes")
    return Thresholds(
        warn_failed=warn,
        crit_failed=crit,
        max_oldest_outgoing_min=oldest,
        **_bounce_thresholds(args),
    )


def _daily_limit(args: argparse.Namespace) -> int | None:
    limit = getattr(args, "daily_limit", None)
    if limit is not None and limit <= 0:
        raise UsageError("--daily-limit must be a positive number of mails")
    return int(limit) if limit is not None else None


def _results(
    backend: MailQueueBackend, args: argparse.Namespace, *, index_advice: bool = False
) -> list[CheckResult]:

    thresholds = _thresholds(args)
    limit = _daily_limit(args)
    results = evaluate(backend.health_facts(), daily_limit=limit, thresholds=thresholds)
    if index_advice:  # doctor only: `check` runs every minute and must stay cheap
        from console.services.queue_index import queue_index_check

        results.append(queue_index_check(backend))
    return results


def doctor_text(results: Sequence[CheckResult], database: str = "") -> str:
    lines = []
    if database:
        lines.append(f"{database}: {health_summary(results)}")
        lines.append("")
    for r in results:
        lines.append(f"{_GLYPHS[r.status]} {r.status.name:<8} {r.title}: {one_line(r.summary)}")
        lines.append(f"    {one_line(r.why)}")
        if r.fix and r.status is not Status.OK:
            lines.append(f"    do: {one_line(r.fix)}")
        if r.command and r.status is not Status.OK:
            lines.append(f"    run: {one_line(r.command)}")
    return "\n".join(lines)


def _doctor(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    """Every check; exit 1 when one is WARNING or CRITICAL, 0 when none is."""
    results = _results(backend, args, index_advice=True)
    found = any(r.status in (Status.WARNING, Status.CRITICAL) for r in results)
    code = EXIT_FINDINGS if found else EXIT_OK
    if args.json:
        payload = {
            "status": overall(results).name,
            "summary": health_summary(results),
            "checks": [result_json(r) for r in results],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False), code
    info = backend.info
    return doctor_text(results, f"{info.name} · Odoo {info.odoo_version_label}"), code


def _check(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    results = _results(backend, args)
    status = overall(results)
    line = check_line(results)
    if args.json:
        payload = {
            "status": status.name,
            "code": int(status),
            "line": line,
            "checks": [result_json(r) for r in results],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False), int(status)
    return line, int(status)


# -- probe ----------------------------------------------------------------------------------
def probe_json(result: ProbeResult) -> dict[str, Any]:
    c = result.classification
    return {
        "server": result.label,
        "key": result.key,
        "where": result.where,
        "status": result.status.name,
        "verdict": result.verdict,
        "fix": result.fix,
        "cause": None if c is None else {"signature": c.signature, "class": c.klass},
        "encryption": result.encryption,
        "certificate_verified": result.certificate_verified,
        "tls_note": result.tls_note or None,
        "steps": [
            {
                "step": s.name,
                "ok": s.ok,
                "reply": s.reply,
                "code": s.code,
                "elapsed_ms": s.elapsed_ms,
                "command": s.command or None,
            }
            for s in result.steps
        ],
    }


def probe_text(results: Sequence[ProbeResult]) -> str:
    if not results:
        return "No outgoing server to probe."
    lines: list[str] = []
    for r in results:
        lines.append(f"{_GLYPHS[r.status]} {r.label}  {r.where}")
        for s in r.steps:
            mark = "ok " if s.ok else "ERR"
            lines.append(f"    {mark} {s.name:<9} {one_line(s.reply, 100)}")
        lines.append(f"    => {one_line(r.verdict)}")
        if r.fix:
            lines.append(f"    do: {one_line(r.fix)}")
        if r.tls_note:
            lines.append(f"    note: {r.tls_note}")
    return "\n".join(lines)


def _probe(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    from console.services.probe import probe_backend

    if args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    mail_from: str | bool | None = None
    if args.mail_from is not None:
        mail_from = args.mail_from or True
    results = probe_backend(backend, timeout=args.timeout, mail_from=mail_from)
    code = EXIT_PROBE_FAILED if any(r.status is Status.CRITICAL for r in results) else EXIT_OK
    if args.json:
        return json.dumps([probe_json(r) for r in results], indent=2, ensure_ascii=False), code
    return probe_text(results), code
