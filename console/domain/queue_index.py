"""Index advice for Odoo's mail queue, as a health check over measured facts (no I/O).

Odoo creates no index on ``mail_mail.state``. Every run of the Email Queue Manager
searches ``state = 'outgoing'`` and due (``process_email_queue``, docs/odoo-queue.md), and the
console counts and pages the outgoing and failed mails the same way: on a large table
with a short queue, each of those reads the whole table. The console never changes the
customer's schema; this check measures (``console.services.queue_index``) and, when an index would
clearly pay, gives the statement and the measured gain: the operator decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.domain.health import CheckResult, Perf, Status
from console.domain.health.model import not_available_result

CHECK_ID = "queue_index"
TITLE = "Index for the mail queue"
INDEX_NAME = "mail_mail_state_queue_idx"
# Partial: only the outgoing and failed mails are in it (a few thousand rows, not the
# million sent ones). (state, id) serves Odoo's queue search (state = 'outgoing',
# newest first) and the console's counts and keyset pages of Outgoing and Failed.
CREATE_STATEMENT = (
    f"CREATE INDEX CONCURRENTLY {INDEX_NAME} ON mail_mail (state, id) "
    "WHERE state IN ('outgoing', 'exception')"
)
DROP_STATEMENT = f"DROP INDEX CONCURRENTLY {INDEX_NAME}"


MIN_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class AdviceThresholds:
    min_rows: int = MIN_ROWS  # below this (pg_class.reltuples) a full scan is cheap
    min_ratio: float = 5.0  # advise only when the index is this many times faster
    min_saving_ms: float = 10.0  # ... and saves at least this much per search


@dataclass(frozen=True, slots=True)
class SearchCost:
    """One measured run of a statement (EXPLAIN ANALYZE)."""

    milliseconds: float
    rows_scanned: int  # rows the scans read (kept or filtered out)
    rows_matched: int  # rows the statement returned


@dataclass(frozen=True, slots=True)
class QueueIndexFacts:
    dialect: str  # "postgresql" or "sqlite"
    rows: int | None = None  # pg_class.reltuples of mail_mail (None: unknown)
    covering_index: str | None = None  # a valid index on mail_mail that serves state
    invalid_index: str | None = None  # one left INVALID by a failed CONCURRENTLY build
    batch: int = 10_000  # the queue search's LIMIT for this version / ICP
    now: SearchCost | None = None  # the queue search as Odoo runs it
    indexed: SearchCost | None = None  # the same rows fetched by id, as an index would
    timed_out: bool = False  # the measurement hit the statement timeout
    timeout_s: float | None = None
    error: str | None = None  # why the facts could not be read
    not_available: str | None = None  # why this connection cannot measure at all (the API)


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _how_to() -> str:
    return (
        "If you decide to add it: run the statement below as the database owner, outside "
        "any transaction (CREATE INDEX CONCURRENTLY cannot run inside one; it lets Odoo "
        "keep writing while it builds). It changes the customer's schema: one small "
        "partial index (outgoing and failed mails only) that every change of a mail's "
        "state also updates. The console never creates it; the operator decides. "
        f"To remove it: {DROP_STATEMENT}"
    )


def check_queue_index(
    facts: QueueIndexFacts, thresholds: AdviceThresholds | None = None
) -> CheckResult:
    thresholds = thresholds or AdviceThresholds()
    not_measured = _without_measurement(facts) or _small_or_timed_out(facts, thresholds)
    if not_measured is not None:
        return not_measured
    return _measured_advice(facts, thresholds)


def _without_measurement(facts: QueueIndexFacts) -> CheckResult | None:
    """Over the API, SQLite, an unreadable catalogue, or an index already there."""
    if facts.not_available is not None:
        return not_available_result(CHECK_ID, TITLE, facts.not_available)
    if facts.dialect != "postgresql":
        return CheckResult(
            CHECK_ID,
            TITLE,
            Status.OK,
            "skipped: SQLite",
            "Index advice measures PostgreSQL plans; an SQLite copy is not a production database",
        )
    if facts.error is not None:
        return CheckResult(
            CHECK_ID,
            TITLE,
            Status.UNKNOWN,
            "could not measure",
            f"Could not measure the queue search: {facts.error}",
            "Check the database user's rights (pg_class, pg_index, EXPLAIN)",
        )
    if facts.covering_index is not None:
        return CheckResult(
            CHECK_ID,
            TITLE,
            Status.OK,
            f"index {facts.covering_index}",
            f"mail_mail has an index on state ({facts.covering_index}): the queue search "
            "does not read the whole table",
        )
    if facts.invalid_index is not None:
        return CheckResult(
            CHECK_ID,
            TITLE,
            Status.WARNING,
            f"index {facts.invalid_index} is INVALID",
            f"The index {facts.invalid_index} on mail_mail.state is INVALID (a CREATE "
            "INDEX CONCURRENTLY that failed or was interrupted): PostgreSQL keeps "
            "updating it but never uses it",
            f"Drop it (DROP INDEX CONCURRENTLY {facts.invalid_index}) and create it "
            "again, outside any transaction; the operator decides",
            command=CREATE_STATEMENT,
        )
    return None


def _small_or_timed_out(facts: QueueIndexFacts, thresholds: AdviceThresholds) -> CheckResult | None:
    """A table too small to matter, or a queue search that hit the statement timeout."""
    rows = facts.rows
    if rows is None or rows < thresholds.min_rows:
        size = "an unknown number of" if rows is None else f"about {rows:,}"
        return CheckResult(
            CHECK_ID,
            TITLE,
            Status.OK,
            "not needed: small table",
            f"mail_mail has {size} rows (advice from {thresholds.min_rows:,}): reading it all "
            "is cheap, no index is advised",
        )
    if facts.timed_out:
        limit = f" ({facts.timeout_s:g} s)" if facts.timeout_s else ""
        return CheckResult(
            CHECK_ID,
            TITLE,
            Status.WARNING,
            "queue search over the statement timeout",
            f"Odoo's queue search (state = 'outgoing' and due) on about {rows:,} mails did "
            f"not finish within the statement timeout{limit}: there is no index on "
            "mail_mail.state, so every run of the Email Queue Manager reads the table",
            _how_to(),
            command=CREATE_STATEMENT,
        )
    return None


def _measured_advice(facts: QueueIndexFacts, thresholds: AdviceThresholds) -> CheckResult:
    """The queue search as Odoo runs it against the same rows fetched by id."""
    rows = facts.rows
    now, indexed = facts.now, facts.indexed
    if now is None or indexed is None:
        return CheckResult(
            CHECK_ID, TITLE, Status.UNKNOWN, "not measured", "The queue search was not measured"
        )
    ratio = now.milliseconds / max(indexed.milliseconds, 0.01)
    saving = now.milliseconds - indexed.milliseconds
    perf = (
        Perf("queue_search_ms", round(now.milliseconds, 1)),
        Perf("queue_search_indexed_ms", round(indexed.milliseconds, 1)),
    )
    measured = (
        f"Odoo's queue search (state = 'outgoing' and due, the newest {facts.batch:,}; "
        f"every run of the Email Queue Manager) read {now.rows_scanned:,} of about "
        f"{rows:,} mails to find {now.rows_matched:,}: {_ms(now.milliseconds)}. Fetching "
        f"those {now.rows_matched:,} mails by id, as an index on state would, took "
        f"{_ms(indexed.milliseconds)}"
    )
    if ratio < thresholds.min_ratio or saving < thresholds.min_saving_ms:
        return CheckResult(
            CHECK_ID,
            TITLE,
            Status.OK,
            f"not needed now: {_ms(now.milliseconds)}",
            f"{measured}: an index would not pay now (measured with the queue as it is; a "
            "short queue makes the search read the whole table)",
            "",
            perf,
        )
    times = "over 100x" if ratio >= 100 else f"{ratio:.0f}x"
    return CheckResult(
        CHECK_ID,
        TITLE,
        Status.WARNING,
        f"measured: {_ms(now.milliseconds)} now, about {_ms(indexed.milliseconds)} "
        f"with the index ({times})",
        f"{measured}: {times} faster. The console's Outgoing and Failed counts "
        "and lists would use the same index",
        _how_to(),
        perf,
        command=CREATE_STATEMENT,
    )
