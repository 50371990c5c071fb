"""Bulk retry of failed mails: the console's guarded retry next to one raw UPDATE.

Every repetition runs on a fresh copy of a prepared database in which exactly N mails
(the newest) are in ``exception``; the copy is dropped afterwards.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.pgenv import BenchCluster, say
from bench.report import Row, Target, size_label
from console.backends.base import MailQuery
from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.services.journal import Journal
from console.services.operations import Operator

RETRY_TARGET = Target("max_ratio", 1.5)
RAW_RETRY = (
    "UPDATE mail_mail SET state = 'outgoing', write_uid = 1, write_date = %(now)s "
    "WHERE state = 'exception'"
)
LOCK_CHUNK = "SELECT id, state FROM mail_mail WHERE id = ANY(%(ids)s) FOR UPDATE SKIP LOCKED"
UPDATE_CHUNK = (
    "UPDATE mail_mail SET state = 'outgoing', write_uid = 1, write_date = %(now)s "
    "WHERE id = ANY(%(ids)s) AND state = 'exception' RETURNING id"
)
CHUNK = 5000
PER_ROW = (
    "UPDATE mail_mail SET state = 'outgoing', write_uid = 1, write_date = %(now)s "
    "WHERE id = %(id)s AND state = 'exception'"
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(slots=True)
class RetryBench:
    env: BenchCluster
    source: str
    mails: int
    failed: int
    template: str = ""
    ids: tuple[int, ...] = ()

    def prepare(self) -> None:
        """A template database with exactly ``failed`` mails in exception (the newest)."""
        self.template = self.env.copy(self.source, "retry_template")
        with self.env.connect(self.template) as conn:
            conn.execute(
                "UPDATE mail_mail SET state = 'sent' WHERE state = 'exception' AND id NOT IN "
                "(SELECT id FROM mail_mail ORDER BY id DESC LIMIT %(n)s)",
                {"n": self.failed},
            )
            conn.execute(
                "UPDATE mail_mail SET state = 'exception', "
                "failure_reason = coalesce(failure_reason, 'bench: made to fail') "
                "WHERE id IN (SELECT id FROM mail_mail ORDER BY id DESC LIMIT %(n)s)",
                {"n": self.failed},
            )
            rows = conn.execute(
                "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id DESC"
            ).fetchall()
            conn.commit()
        self.ids = tuple(int(r[0]) for r in rows)
        self.env.vacuum_analyze(self.template)
        say(f"  retry template: {len(self.ids)} failed mails in {self.template}")

    def _on_copy(self, run: str) -> float:
        copy = self.env.copy(self.template, "retry_run")
        try:
            runs = {
                "console": self._console,
                "raw": self._raw,
                "guarded": self._guarded,
                "per_row": self._per_row,
            }
            return runs[run](copy)
        finally:
            self.env.drop(copy)

    def _console(self, dbname: str) -> float:
        backend = open_backend(ConnectionSettings(db_url=self.env.url(dbname)))
        with tempfile.TemporaryDirectory() as tmp:
            operator = Operator(backend, Journal(Path(tmp) / "journal.jsonl"))
            try:
                started = time.perf_counter()
                outcome = operator.retry(list(self.ids))
                elapsed = time.perf_counter() - started
            finally:
                backend.close()
        if len(outcome.applied) != len(self.ids):
            raise RuntimeError(f"console retried {len(outcome.applied)} of {len(self.ids)}")
        return elapsed

    def _raw(self, dbname: str) -> float:
        with self.env.connect(dbname) as conn:
            started = time.perf_counter()
            count = conn.execute(RAW_RETRY, {"now": _now()}).rowcount
            conn.commit()
            elapsed = time.perf_counter() - started
        if count != len(self.ids):
            raise RuntimeError(f"raw UPDATE changed {count} rows, not {len(self.ids)}")
        return elapsed

    def _guarded(self, dbname: str) -> float:
        """The console's semantics by hand: lock and re-check, then update, 5000 ids a
        statement, each chunk one array parameter instead of 5000 bind parameters."""
        with self.env.connect(dbname) as conn:
            now = _now()
            started = time.perf_counter()
            conn.execute("SET LOCAL lock_timeout = '5s'")
            eligible: list[int] = []
            for start in range(0, len(self.ids), CHUNK):
                chunk = list(self.ids[start : start + CHUNK])
                rows = conn.execute(LOCK_CHUNK, {"ids": chunk}).fetchall()
                eligible += [int(i) for i, state in rows if state == "exception"]
            applied = 0
            for start in range(0, len(eligible), CHUNK):
                chunk = eligible[start : start + CHUNK]
                applied += len(conn.execute(UPDATE_CHUNK, {"ids": chunk, "now": now}).fetchall())
            conn.commit()
            elapsed = time.perf_counter() - started
        if applied != len(self.ids):
            raise RuntimeError(f"guarded raw retry changed {applied} rows, not {len(self.ids)}")
        return elapsed

    def _per_row(self, dbname: str) -> float:
        with self.env.connect(dbname) as conn:
            now = _now()
            started = time.perf_counter()
            for mail_id in self.ids:
                conn.execute(PER_ROW, {"now": now, "id": mail_id})
            conn.commit()
            return time.perf_counter() - started

    def _select_all(self) -> tuple[float, float]:
        """The ids the TUI's "select all matching" collects before a bulk retry."""
        backend = open_backend(ConnectionSettings(db_url=self.env.url(self.template)))
        try:
            operator = Operator(backend, Journal(Path(tempfile.gettempdir()) / "unused.jsonl"))
            started = time.perf_counter()
            ids = operator.matching_ids(MailQuery(states=("exception",)))
            console_s = time.perf_counter() - started
        finally:
            backend.close()
        with self.env.connect(self.template) as conn:
            started = time.perf_counter()
            conn.execute(
                "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id DESC"
            ).fetchall()
            raw_s = time.perf_counter() - started
        if len(ids) != len(self.ids):
            raise RuntimeError(f"matching_ids found {len(ids)} of {len(self.ids)}")
        return console_s, raw_s

    def run(self, reps: int) -> list[Row]:
        self.prepare()
        try:
            times: dict[str, list[float]] = {"console": [], "raw": [], "guarded": []}
            for rep in range(reps):
                order = list(times) if rep % 2 == 0 else list(reversed(times))
                for run in order:
                    times[run].append(self._on_copy(run))
            per_row = self._on_copy("per_row")
            select_console, select_raw = self._select_all()
        finally:
            self.env.drop(self.template)
        size = size_label(self.mails)
        n = f"{len(self.ids):,}"
        console_s, raw_s, guarded_s = (statistics.median(times[k]) for k in times)
        say(f"  retry {n} @ {size}: {console_s:.2f} s vs {raw_s:.2f} s; per row {per_row:.2f} s")
        return [
            Row(
                f"bulk retry of {n} failed mails (Operator.retry)",
                size,
                console_s,
                raw_s,
                "s",
                RETRY_TARGET,
                f"baseline: one UPDATE ... WHERE state='exception'; fresh copy per run; "
                f"median of {reps}",
            ),
            Row(
                f"bulk retry of {n}, same guards in raw SQL",
                size,
                console_s,
                guarded_s,
                "s",
                RETRY_TARGET,
                "baseline: SELECT ... FOR UPDATE SKIP LOCKED + UPDATE ... RETURNING, "
                f"id = ANY(array) 5000 a statement; median of {reps}",
            ),
            Row(
                f"per-row retry of {n} (one UPDATE per id, one commit)",
                size,
                per_row,
                raw_s,
                "s",
                note="what an id-by-id loop costs, against the same single UPDATE; one run",
            ),
            Row(
                f"select all {n} failed ids (matching_ids)",
                size,
                select_console,
                select_raw,
                "s",
                note="what the TUI's select-all reads before a bulk retry; baseline: one SELECT",
            ),
        ]


def run_retry(env: BenchCluster, source: str, mails: int, failed: int, reps: int) -> list[Row]:
    return RetryBench(env, source, mails, min(failed, mails)).run(reps)
