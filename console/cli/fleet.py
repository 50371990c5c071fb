"""`fleet` (every Odoo database of a server, one row each) and `check --all-databases`
(the Nagios plugin over the fleet: one line per database, the worst exit code).

The databases are found as Odoo's database list finds them and read in parallel
(console.backends.connect.discover_databases / read_fleet). Passwords are never printed:
the server is shown as user@host:port.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import TYPE_CHECKING, Any

from console.domain.errors import ConsoleError
from console.domain.fleet import (
    COLUMNS,
    FleetReport,
    FleetRow,
    row_cells,
    row_json,
    skipped_json,
    sorted_rows,
)
from console.domain.health import Status, Thresholds
from console.domain.sanitize import one_line

if TYPE_CHECKING:
    from console.config.connection import ConnectionSettings

EXIT_OK = 0


def read_report(
    settings: ConnectionSettings, args: argparse.Namespace, thresholds: Thresholds | None = None
) -> FleetReport:
    from console.backends.connect import discover_databases, read_fleet

    listing = discover_databases(settings, http_host=getattr(args, "http_host", None))
    return read_fleet(listing, thresholds)


def run_fleet(settings: ConnectionSettings, args: argparse.Namespace) -> int:
    report = read_report(settings, args)
    rows = sorted_rows(report.rows, args.sort)
    if args.json:
        payload = {
            "server": report.server,
            "rule": report.rule,
            "status": report.status.name,
            "databases": [row_json(row) for row in rows],
            "skipped": [skipped_json(s) for s in report.skipped],
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(fleet_text(report, rows))
    return EXIT_OK


def fleet_text(report: FleetReport, rows: list[FleetRow]) -> str:
    from console.cli.text import table

    lines = [f"Server {report.server}: {len(rows)} Odoo databases ({report.rule})", ""]
    if rows:
        lines.append(table([c.upper() for c in COLUMNS], [list(row_cells(r)) for r in rows]))
        lines.append("")
        for row in rows:
            if row.status is not Status.OK:
                lines.append(f"{row.name}: {one_line(row.reason, 140)}")
    else:
        lines.append("No Odoo database found.")
    for skipped in report.skipped:
        lines.append(f"skipped {skipped.name} ({skipped.reason}): {one_line(skipped.detail)}")
    return "\n".join(lines).rstrip()


# -- check --all-databases ------------------------------------------------------------------
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def perf_label(database: str, label: str) -> str:
    """`database:label`, quoted as Nagios wants when the name holds other characters."""
    text = f"{database}:{label}".replace("'", "_").replace("=", "_")
    return f"'{text}'" if _LABEL_UNSAFE.search(text) else text


def check_all(settings: ConnectionSettings, args: argparse.Namespace) -> int:
    """Print the plugin's lines; the worst status is the exit code. Any failure before the
    databases are read (no server, a bad threshold) is UNKNOWN, as `check`'s."""
    from console.cli.triage import _thresholds, check_unknown_line

    try:
        report = read_report(settings, args, _thresholds(args))
    except ConsoleError as exc:
        print(check_unknown_line(str(exc)))
        return int(Status.UNKNOWN)
    status = report.status if report.rows else Status.UNKNOWN
    if args.json:
        print(json.dumps(_check_json(report, status), indent=2, ensure_ascii=False))
    else:
        print(check_all_text(report, status))
    return int(status)


def check_all_text(report: FleetReport, status: Status) -> str:
    """Nagios's multi-line output: the summary line, one line per database (worst first),
    then the performance data of every database after a `|`, one database a line."""
    rows = sorted_rows(report.rows, "health")
    if not rows:
        return f"MAILQ UNKNOWN - no Odoo database on {report.server}"
    counts = {s: sum(1 for r in rows if r.status is s) for s in Status}
    parts = [f"{counts[s]} {s.name}" for s in Status if counts[s]]
    worst = [r.name for r in rows if r.status is status and status is not Status.OK]
    named = f": {', '.join(worst[:5])}{', ...' if len(worst) > 5 else ''}" if worst else ""
    head = f"MAILQ {status.name} - {len(rows)} databases, {', '.join(parts)}{named}"
    lines = [head.replace("|", "/")]
    lines += [
        f"{r.name} {r.status.name} - {one_line(r.reason, 200).replace('|', '/')}" for r in rows
    ]
    perf = [
        " ".join(
            f"{perf_label(r.name, p.label)}={p.render().partition('=')[2]}"
            for c in r.checks
            for p in c.perf
        )
        for r in sorted(rows, key=lambda r: r.name)
        if r.checks
    ]
    if perf:
        lines[-1] += f" | {perf[0]}"
        lines += perf[1:]
    return "\n".join(lines)


def _check_json(report: FleetReport, status: Status) -> dict[str, Any]:
    from console.cli.triage import result_json

    return {
        "status": status.name,
        "code": int(status),
        "server": report.server,
        "databases": [
            {
                "database": r.name,
                "status": r.status.name,
                "code": int(r.status),
                "reason": r.reason,
                "checks": [result_json(c) for c in r.checks],
            }
            for r in sorted_rows(report.rows, "health")
        ],
        "skipped": [skipped_json(s) for s in report.skipped],
    }
