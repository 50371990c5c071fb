"""Reads: the console's backend calls next to the same SQL run by hand with psycopg."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import event

from bench import raw_sql
from bench.pgenv import BenchCluster, say
from bench.report import INFO, Row, Target, size_label
from bench.timing import Samples, interleaved, timed
from console.backends.base import MailQuery
from console.backends.sql import TEXT_SEARCH_WORK_MEM, SqlBackend, open_backend
from console.config.connection import ConnectionSettings

RARE_WORD = "INV/2026/00248"  # one invoice number: about 0.04% of the mails
COMMON_WORD = "invoice"  # about 5% of the mails
PAGE_LIMIT = 200  # the TUI's page size
FAST_MS = 100.0
QUERY_TARGET = Target("max_ratio", 2.0)
CAUSES_AVAILABLE = importlib.util.find_spec("console.services.causes") is not None


@dataclass(frozen=True, slots=True)
class Explained:
    title: str
    plan: str


@dataclass(slots=True)
class QueryResults:
    rows: list[Row]
    explains: list[Explained]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _reps_for(seconds: float, reps: int, budget: float) -> int:
    """Fewer repetitions for slow operations: about ``budget`` seconds per side."""
    if seconds <= 0:
        return reps
    return max(3, min(reps, int(budget / seconds)))


class QueryBench:
    def __init__(self, env: BenchCluster, dbname: str, mails: int, reps: int, budget: float):
        self.env = env
        self.dbname = dbname
        self.size = size_label(mails)
        self.reps = reps
        self.budget = budget
        self.backend: SqlBackend = open_backend(ConnectionSettings(db_url=env.url(dbname)))
        never_prepare(self.backend)
        self.conn: psycopg.Connection[Any] = env.connect(dbname, prepare=False)
        self.rows: list[Row] = []
        self.slow: list[tuple[str, Callable[[], str]]] = []

    def close(self) -> None:
        self.backend.close()
        self.conn.close()

    def compare(
        self,
        metric: str,
        candidate: Callable[[], object],
        baseline: Callable[[], object],
        explain: Callable[[], str] | None = None,
        baseline_explain: Callable[[], str] | None = None,
        target: Target = QUERY_TARGET,
        note: str = "",
    ) -> Samples:
        warm = timed(candidate)
        timed(baseline)
        reps = _reps_for(warm, self.reps, self.budget)
        samples = interleaved(lambda: timed(candidate), lambda: timed(baseline), reps)
        console_s = samples.candidate_median
        fast = "under 100 ms" if console_s * 1000 < FAST_MS else "over 100 ms"
        notes = [n for n in (note, fast, f"median of {reps}") if n]
        self.rows.append(
            Row(
                metric, self.size, console_s, samples.baseline_median, "s", target, "; ".join(notes)
            )
        )
        say(
            f"  {metric} @ {self.size}: {console_s * 1000:.1f} ms vs "
            f"{samples.baseline_median * 1000:.1f} ms"
        )
        if explain is not None and console_s * 1000 >= FAST_MS:
            self.slow.append((f"{metric} @ {self.size} (console SQL)", explain))
            if baseline_explain is not None:
                self.slow.append((f"{metric} @ {self.size} (baseline SQL)", baseline_explain))
        return samples

    # -- the console's own SQL, explained -------------------------------------------
    def explain_console(self, statement: Any, text_search: bool = False) -> str:
        compiled = statement.compile(
            dialect=self.backend.engine.dialect, compile_kwargs={"render_postcompile": True}
        )
        if text_search:
            self.conn.execute(f"SET LOCAL work_mem = '{TEXT_SEARCH_WORK_MEM}'")
        return raw_sql.explain(self.conn, str(compiled), compiled.params)

    def run(self) -> QueryResults:
        from console.odoo import mail_queries as mail_sql
        from console.odoo.failed_order import failed_page_select

        backend, conn, schema = self.backend, self.conn, self.backend.schema
        failed_page = MailQuery(states=("exception",), limit=PAGE_LIMIT, by_failure=True)
        self.compare(
            "page: first 200 failed mails, newest failure first",
            lambda: backend.mail_page(failed_page),
            lambda: raw_sql.failed_page(conn, PAGE_LIMIT),
            lambda: self.explain_console(
                failed_page_select(
                    schema, ("exception",), "", before=None, after=None,
                    fetch=PAGE_LIMIT + 1, postgres=True,
                )
            ),
            baseline_explain=lambda: raw_sql.explain(
                conn, raw_sql.FAILED_PAGE, {"limit": PAGE_LIMIT + 1}
            ),
            note="Odoo has no index on state nor write_date: both sides read every failed "
            "mail and keep the newest (top-N sort)",
        )  # fmt: skip
        outgoing_page = MailQuery(states=("outgoing",), limit=PAGE_LIMIT)
        self.compare(
            "page: first 200 outgoing mails",
            lambda: backend.mail_page(outgoing_page),
            lambda: raw_sql.page(conn, ("outgoing",), PAGE_LIMIT),
            lambda: self.explain_console(
                mail_sql.mail_page_query(schema, ("outgoing",), "", None, None, PAGE_LIMIT)
            ),
        )
        self.compare(
            "counts per state (status)",
            backend.status,
            lambda: raw_sql.status(conn, _now()),
            lambda: self.explain_console(mail_sql.status_query(schema, _now())),
        )
        self._chatter_reads()
        if CAUSES_AVAILABLE:
            self._causes()
        for label, word in (("rare", RARE_WORD), ("common", COMMON_WORD)):
            self._text_filter(label, word)
        return QueryResults(self.rows, [Explained(t, f()) for t, f in self.slow])

    def _chatter_reads(self) -> None:
        """Issue 12's reads: the red envelopes' first page and the bounce overview."""
        backend, conn = self.backend, self.conn
        self.compare(
            "red envelopes: first 200 messages",
            lambda: backend.envelopes(limit=PAGE_LIMIT),
            lambda: raw_sql.fetch_all(conn, raw_sql.ENVELOPE_PAGE, {"limit": PAGE_LIMIT}),
            note="baseline: one hand-written query for the same page, its failed "
            "recipients and their names (no record names, no masking)",
        )
        self.compare(
            "bounce overview vs the 7-day rate alone",
            backend.bounce_overview,
            lambda: raw_sql.fetch_all(conn, raw_sql.BOUNCE_RATE_7D, {"now": _now()}),
            target=INFO,
            note="not like for like: the console reads 24 h, 7 days, 14 days, campaigns and "
            "the most bounced records; the baseline one 7-day rate, filtered on the "
            "unindexed dates",
        )

    def _causes(self) -> None:
        from console.domain.causes import group_rows
        from console.domain.classify import KNOWN_TEXTS
        from console.odoo.causes import text_groups_query
        from console.services.causes import causes

        backend, conn = self.backend, self.conn
        failed = fetch_failed_rows(conn)
        started = time.perf_counter()
        groups = group_rows(iter(failed))
        classify_s = time.perf_counter() - started
        note = (
            f"{len(failed)} failed mails, {len(groups)} causes; "
            f"the classifier alone {classify_s * 1000:.0f} ms"
        )

        def raw_then_classify() -> object:
            return group_rows(iter(fetch_failed_rows(conn)))

        def cold_causes() -> object:
            KNOWN_TEXTS.forget()  # every text classified again, as at the first grouping
            return causes(backend)

        self.compare(
            "failures by cause vs SQL GROUP BY",
            lambda: causes(backend),
            lambda: raw_sql.fetch_all(conn, raw_sql.CAUSES_GROUP_BY),
            lambda: self.explain_console(text_groups_query(backend.schema, postgres=True)),
            note=note + "; texts classified by an earlier grouping are remembered, "
            "as between two refreshes of the TUI",
        )
        self.compare(
            "failures by cause, first grouping, vs SQL GROUP BY",
            cold_causes,
            lambda: raw_sql.fetch_all(conn, raw_sql.CAUSES_GROUP_BY),
            target=INFO,
            note="every distinct text classified afresh; the baseline classifies nothing",
        )
        self.compare(
            "failures by cause vs raw fetch + same classifier",
            cold_causes,
            raw_then_classify,
            note="isolates paging + SQLAlchemy: both sides classify every text afresh",
        )

    def _text_filter(self, label: str, word: str) -> None:
        from console.odoo import mail_queries as mail_sql

        backend, conn, schema = self.backend, self.conn, self.backend.schema
        query = MailQuery(states=(), text=word, limit=PAGE_LIMIT)
        matches = raw_sql.filter_count(conn, word)
        pattern = raw_sql.like_pattern(word)
        note = f"{word!r} matches {matches} mails, all states"
        self.compare(
            f"filter page, {label} word",
            lambda: backend.mail_page(query),
            lambda: raw_sql.filter_page(conn, word, PAGE_LIMIT),
            lambda: self.explain_console(
                mail_sql.mail_page_query(schema, (), word, None, None, PAGE_LIMIT), True
            ),
            lambda: raw_sql.explain(
                conn, raw_sql.FILTER_PAGE, {"pattern": pattern, "limit": PAGE_LIMIT + 1}
            ),
            note=note,
        )
        self.compare(
            f"filter count, {label} word",
            lambda: backend.count_mails(query),
            lambda: raw_sql.filter_count(conn, word),
            lambda: self.explain_console(mail_sql.mail_count_query(schema, (), word), True),
            lambda: raw_sql.explain(conn, raw_sql.FILTER_COUNT, {"pattern": pattern}),
            note=note,
        )


def never_prepare(backend: SqlBackend) -> None:
    """Plan every statement afresh on both sides, as the first run of a typed filter is.

    psycopg prepares a statement run 5 times on a connection, and PostgreSQL may then
    switch to a generic plan that ignores the search word: the plan (and the time) would
    depend on which word ran before. The console's engine is left as it is otherwise.
    """

    @event.listens_for(backend.engine, "connect")
    def _no_prepare(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.prepare_threshold = None

    backend.engine.dispose()  # the connection opened for the schema goes; new ones obey


def fetch_failed_rows(conn: psycopg.Connection[Any]) -> list[Any]:
    from console.domain.causes import FailedRow

    return [
        FailedRow(id=int(r[0]), failure_type=r[1], failure_reason=r[2], seen_at=r[3], server=r[4])
        for r in raw_sql.fetch_all(conn, raw_sql.FAILED_ROWS)
    ]


def run_queries(
    env: BenchCluster, dbname: str, mails: int, reps: int, budget: float
) -> QueryResults:
    bench = QueryBench(env, dbname, mails, reps, budget)
    try:
        return bench.run()
    finally:
        bench.close()
