"""A fleet of Odoo databases on one server: one summary row per database, the health
checks a summary can judge, the sort orders and the JSON shape (README "Fleet").

A row is read by console.backends.fleet_reads; a database that could not be read is a
row with `error` (UNKNOWN), never a missing row. Datetimes are naive UTC, as Odoo's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.domain.envelopes import EnvelopeCounts
from console.domain.health import (
    CheckResult,
    HealthFacts,
    Status,
    Thresholds,
    check_envelopes,
    check_failed,
    check_line,
    check_neutralized,
    check_oldest_outgoing,
    check_queue_cron,
    check_queue_cron_failures,
    check_queue_cron_interval,
    health_summary,
    overall,
)
from console.domain.models import CronRow
from console.domain.timefmt import human_age, iso_utc

# The checks a fleet row judges: the queue's own (the others need the servers, the
# bounces, the campaigns... `doctor -d NAME` runs them all on one database).
FLEET_CHECKS: tuple[Callable[[HealthFacts, Thresholds], CheckResult], ...] = (
    check_neutralized,
    check_queue_cron,
    check_queue_cron_interval,
    check_queue_cron_failures,
    check_oldest_outgoing,
    check_failed,
    check_envelopes,
)


@dataclass(frozen=True, slots=True)
class SkippedDatabase:
    """A database of the list that is not shown: why, as a key and as a sentence."""

    name: str
    reason: str  # "not_odoo", "unsupported_version" or "missing"
    detail: str


@dataclass(frozen=True, slots=True)
class FleetRow:
    """One database's summary (or why it could not be read: `error`)."""

    name: str
    version: int | None = None
    version_label: str | None = None
    outgoing: int | None = None
    failed: int | None = None
    envelopes: EnvelopeCounts | None = None
    oldest_due: datetime | None = None
    queue_cron: CronRow | None = None
    cron_read: bool = False
    neutralized: bool | None = None
    now: datetime | None = None
    checks: tuple[CheckResult, ...] = ()
    error: str | None = None

    @property
    def status(self) -> Status:
        return Status.UNKNOWN if self.error else overall(self.checks)

    @property
    def reason(self) -> str:
        """The one-line reason of the status: the worst checks' summaries."""
        if self.error:
            return self.error
        line = check_line(self.checks, name="")
        return line.partition(" - ")[2].partition(" | ")[0]

    @property
    def oldest_age_s(self) -> float | None:
        if self.oldest_due is None or self.now is None:
            return None
        return max(0.0, (self.now - self.oldest_due).total_seconds())

    @property
    def cron_late_s(self) -> float | None:
        """How far the queue cron's next run is behind now (0: on time; None: no cron,
        inactive, or unread)."""
        cron = self.queue_cron
        if cron is None or not cron.active or cron.nextcall is None or self.now is None:
            return None
        return max(0.0, (self.now - cron.nextcall).total_seconds())

    @property
    def cron_text(self) -> str:
        """The queue cron in a word or two: on time, late 2h, off, none, ?."""
        if self.error or not self.cron_read:
            return "?"
        cron = self.queue_cron
        if cron is None:
            return "none"
        if not cron.active:
            return "off"
        late = self.cron_late_s
        if cron.overdue and late:
            return f"late {human_age(late)}"
        return "on time"


def fleet_checks(facts: HealthFacts, thresholds: Thresholds) -> tuple[CheckResult, ...]:
    results = [check(facts, thresholds) for check in FLEET_CHECKS]
    if facts.version < 18:
        results = [r for r in results if r.id != "queue_cron_failures"]
    return tuple(results)


def judged(row: FleetRow, thresholds: Thresholds) -> FleetRow:
    """The row with its checks, judged from its own facts."""
    if row.error or row.version is None or row.now is None:
        return row
    from dataclasses import replace

    facts = HealthFacts(
        now=row.now,
        version=row.version,
        neutralized=row.neutralized,
        crons_read=row.cron_read,
        queue_cron=row.queue_cron,
        failed=row.failed,
        outgoing=row.outgoing,
        oldest_due_outgoing=row.oldest_due,
        envelopes=row.envelopes,
    )
    return replace(row, checks=fleet_checks(facts, thresholds))


# -- sorting ------------------------------------------------------------------------------
_SEVERITY = {Status.OK: 0, Status.UNKNOWN: 1, Status.WARNING: 2, Status.CRITICAL: 3}


def _number(value: float | None) -> float:
    return -1.0 if value is None else float(value)


# column -> (key, largest first?): numbers and health put the worst on top.
SORTS: dict[str, tuple[Callable[[FleetRow], Any], bool]] = {
    "name": (lambda r: r.name, False),
    "version": (lambda r: (r.version or 0, r.version_label or ""), True),
    "outgoing": (lambda r: _number(r.outgoing), True),
    "failed": (lambda r: _number(r.failed), True),
    "red": (lambda r: _number(None if r.envelopes is None else r.envelopes.messages), True),
    "oldest": (lambda r: _number(r.oldest_age_s), True),
    "cron": (lambda r: (_number(r.cron_late_s), r.cron_text), True),
    "health": (lambda r: (_SEVERITY[r.status], _number(r.failed)), True),
}
SORT_COLUMNS = tuple(SORTS)


def sorted_rows(rows: Sequence[FleetRow], column: str) -> list[FleetRow]:
    """The rows in `column`'s order, ties by name (the worst first for numbers)."""
    key, descending = SORTS[column]
    by_name = sorted(rows, key=lambda r: r.name)
    return sorted(by_name, key=key, reverse=descending)


# -- JSON ---------------------------------------------------------------------------------
def row_json(row: FleetRow) -> dict[str, Any]:
    cron = row.queue_cron
    return {
        "database": row.name,
        "status": row.status.name,
        "reason": row.reason,
        "error": row.error,
        "odoo_version": row.version_label,
        "outgoing": row.outgoing,
        "failed": row.failed,
        "red_envelopes": None if row.envelopes is None else row.envelopes.messages,
        "oldest_due_outgoing": iso_utc(row.oldest_due) if row.oldest_due else None,
        "oldest_due_age_s": None if row.oldest_age_s is None else round(row.oldest_age_s),
        "queue_cron": None
        if cron is None
        else {
            "active": cron.active,
            "nextcall": iso_utc(cron.nextcall) if cron.nextcall else None,
            "late_s": None if row.cron_late_s is None else round(row.cron_late_s),
            "overdue": cron.overdue,
        },
        "neutralized": row.neutralized,
        "health": health_summary(row.checks) if row.checks else None,
        "checks": [{"id": r.id, "status": r.status.name, "summary": r.summary} for r in row.checks],
    }


def skipped_json(skipped: SkippedDatabase) -> dict[str, str]:
    return {"database": skipped.name, "reason": skipped.reason, "detail": skipped.detail}


@dataclass(frozen=True, slots=True)
class FleetReport:
    """A fleet read: the server (no password), how its list was made, the rows of the
    databases read (errors included) and the databases left out, with why."""

    server: str
    rule: str
    rows: tuple[FleetRow, ...] = ()
    skipped: tuple[SkippedDatabase, ...] = ()

    @property
    def status(self) -> Status:
        from console.domain.health import worst

        return worst([row.status for row in self.rows])


# -- cells (the CLI's table and the TUI's) ------------------------------------------------
COLUMNS = ("Database", "Ver", "Out", "Failed", "Red", "Oldest", "Cron", "Health")
# The sort column each header sorts by.
COLUMN_SORTS = dict(zip(COLUMNS, SORT_COLUMNS, strict=True))
HEALTH_WORDS = {
    Status.OK: "✔ ok",
    Status.WARNING: "▲ warn",
    Status.CRITICAL: "✖ crit",
    Status.UNKNOWN: "? unkn",
}


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def row_cells(row: FleetRow) -> tuple[str, ...]:
    """The row as the table's cells, in COLUMNS order."""
    if row.error:
        return (row.name, "—", "—", "—", "—", "—", "?", "? error")
    red = None if row.envelopes is None else row.envelopes.messages
    age = row.oldest_age_s
    return (
        row.name,
        row.version_label or "—",
        _count(row.outgoing),
        _count(row.failed),
        _count(red),
        "—" if age is None else human_age(age),
        row.cron_text,
        HEALTH_WORDS[row.status],
    )
