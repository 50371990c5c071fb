"""The exporter's collection on a real PostgreSQL database: scrapes asked for while one
runs share it instead of reading again, a session opened read-only still sees the queue
cron a worker holds, and targets are read each under its own label."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest

from console.config.connection import ConnectionSettings
from console.domain.errors import UsageError
from console.services.metrics_targets import MetricsCollector, MetricsTarget, TargetReading
from tests.helpers.db import Db

QUEUE_CRON_ID = (
    "SELECT res_id FROM ir_model_data WHERE module = 'mail' "
    "AND name = 'ir_cron_mail_scheduler_action'"
)


def conninfo(db: Db) -> str:
    return db.url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def holding(db: Db, statement: str) -> Iterator[psycopg.Connection]:
    """A transaction of another session that ran ``statement`` and holds its locks."""
    with psycopg.connect(conninfo(db)) as other:
        other.execute(statement)
        yield other
        other.rollback()


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def waiting_on_a_lock(db: Db) -> bool:
    with psycopg.connect(conninfo(db), autocommit=True) as watcher:
        row = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'odoo-mailq' "
            "AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(row and row[0])


def test_a_scrape_during_a_scrape_shares_it(make_db: Callable[[str, int], Db]) -> None:
    db = make_db("pg", 17)
    collector = MetricsCollector([MetricsTarget("shop", ConnectionSettings(db_url=db.url))])
    results: list[list[TargetReading]] = []
    try:
        with holding(db, "LOCK TABLE mail_mail IN ACCESS EXCLUSIVE MODE"):
            first = threading.Thread(target=lambda: results.append(collector.scrape()))
            first.start()
            wait_until(lambda: waiting_on_a_lock(db), "the first scrape to wait on the lock")
            second = threading.Thread(target=lambda: results.append(collector.scrape()))
            second.start()
            time.sleep(0.3)  # the second one is in scrape(), waiting on the first
            assert len(results) == 0
        first.join(30)
        second.join(30)
        assert len(results) == 2 and results[0] is results[1]
        assert collector.scrapes == 1
        assert results[0][0].snapshot is not None and results[0][0].error is None
        later = collector.scrape()  # once it ended, the next scrape reads again
        assert later is not results[0] and collector.scrapes == 2
    finally:
        collector.close()


def test_a_read_only_session_sees_the_queue_cron_running(
    make_db: Callable[[str, int], Db],
) -> None:
    db = make_db("pg", 17)
    cron_id = int(db.one(QUEUE_CRON_ID)[0])
    db.sql(
        "UPDATE ir_cron SET active = true, nextcall = now() at time zone 'utc' - interval "
        "'1 hour' WHERE id = :id",
        id=cron_id,
    )
    collector = MetricsCollector([MetricsTarget("shop", ConnectionSettings(db_url=db.url))])
    try:
        idle = collector.scrape()[0].snapshot
        assert idle is not None and idle.queue_cron is not None
        assert idle.queue_cron.running is False and idle.queue_cron.late_seconds >= 3600
        # Odoo's runner holds the job's row as long as it runs it (ir_cron._acquire_one_job)
        lock = f"SELECT id FROM ir_cron WHERE id = {cron_id} FOR NO KEY UPDATE SKIP LOCKED"
        with holding(db, lock):
            held = collector.scrape()[0].snapshot
            assert held is not None and held.queue_cron is not None
            assert held.queue_cron.running is True
        after = collector.scrape()[0].snapshot
        assert after is not None and after.queue_cron is not None
        assert after.queue_cron.running is False
    finally:
        collector.close()


def test_targets_are_read_each_under_its_label(make_db: Callable[[str, int], Db]) -> None:
    pg, lite = make_db("pg", 17), make_db("sqlite", 16)
    down = ConnectionSettings(db_url="postgresql://odoo@127.0.0.1:1/nowhere")
    targets = [
        MetricsTarget("a", ConnectionSettings(db_url=pg.url)),
        MetricsTarget("b", ConnectionSettings(db_url=lite.url), daily_limit=300),
        MetricsTarget("c", down),
    ]
    collector = MetricsCollector(targets)
    try:
        a, b, c = collector.scrape()
    finally:
        collector.close()
    assert [r.target.label for r in (a, b, c)] == ["a", "b", "c"]
    assert a.snapshot is not None and a.snapshot.odoo_version == "17.0"
    assert b.snapshot is not None and b.snapshot.odoo_version == "16.0"
    for reading, db in ((a, pg), (b, lite)):
        assert reading.snapshot is not None
        rows = db.sql("SELECT state, count(*) FROM mail_mail GROUP BY state")
        counts = {str(state): int(n) for state, n in rows}
        assert {s: n for s, n in reading.snapshot.counts.items() if n} == counts
    assert c.snapshot is None and c.error and c.errors_total == 1


def exporter_sessions(db: Db) -> int:
    with psycopg.connect(conninfo(db), autocommit=True) as watcher:
        row = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'odoo-mailq' "
            "AND datname = current_database()"
        ).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.parametrize("keep_open", [True, False])
def test_connections_kept_or_closed_between_scrapes(
    make_db: Callable[[str, int], Db], keep_open: bool
) -> None:
    """A long list of databases (every one of a server) must not hold idle sessions."""
    db = make_db("pg", 17)
    target = MetricsTarget("shop", ConnectionSettings(db_url=db.url))
    collector = MetricsCollector([target], keep_open=keep_open)
    try:
        for _ in range(2):
            reading = collector.scrape()[0]
            assert reading.snapshot is not None, reading.error
            if keep_open:
                assert exporter_sessions(db) > 0
            else:  # closed by the client; the server notices within moments
                wait_until(lambda: exporter_sessions(db) == 0, "the sessions to end", 10)
    finally:
        collector.close()
    wait_until(lambda: exporter_sessions(db) == 0, "the sessions to end", 10)


def test_two_targets_with_one_label_are_refused() -> None:
    same = ConnectionSettings(db_url="postgresql://odoo@127.0.0.1:1/x")
    with pytest.raises(UsageError, match="two databases share the label 'x'"):
        MetricsCollector([MetricsTarget("x", same), MetricsTarget("x", same)])
