"""Index advice in `doctor`: measured on a real PostgreSQL database, never applied.

The database has 30,000 mails (generated once, copied per test); the advice threshold is
lowered to 20,000 rows through its parameter, which the defaults keep at 100,000. The
queue is made short the way a healthy production queue is (a few dozen outgoing mails
among many sent ones), which is when Odoo's queue search reads the whole table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.domain.health import Status
from console.domain.queue_index import (
    CREATE_STATEMENT,
    INDEX_NAME,
    AdviceThresholds,
    QueueIndexFacts,
    SearchCost,
    check_queue_index,
)
from console.services.health import run_health
from console.services.queue_index import queue_index_check
from console.tui.panes.health_pane import render_checks
from testkit.odoo_dbs import build_postgres
from testkit.pgcluster import PgCluster
from tests.helpers.cli import ROOT

TEMPLATE = "mailq_index_tpl"
LOW = AdviceThresholds(min_rows=20_000, min_saving_ms=1.0)
SHORT_QUEUE = 20


@pytest.fixture(scope="module")
def template(pg_cluster: PgCluster) -> Iterator[str]:
    url = pg_cluster.create_database(TEMPLATE)
    build_postgres(url, 17, mails=30_000)
    with pg_cluster.connect(TEMPLATE) as conn:
        conn.execute(
            "UPDATE mail_mail SET state = 'sent' WHERE state = 'outgoing' AND id NOT IN "
            "(SELECT id FROM mail_mail WHERE state = 'outgoing' ORDER BY id DESC LIMIT %s)",
            (SHORT_QUEUE,),
        )
        conn.execute("VACUUM ANALYZE mail_mail")
    yield TEMPLATE
    pg_cluster.drop_database(TEMPLATE)


@pytest.fixture
def db(pg_cluster: PgCluster, template: str) -> Iterator[str]:
    name = f"mailq_index_{uuid.uuid4().hex[:10]}"
    with pg_cluster.connect() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    yield name
    pg_cluster.drop_database(name)


def backend(cluster: PgCluster, name: str, **settings: object) -> SqlBackend:
    return open_backend(ConnectionSettings(db_url=cluster.url(name), **settings))  # type: ignore[arg-type]


def indexes(cluster: PgCluster, name: str) -> list[str]:
    with cluster.connect(name) as conn:
        rows = conn.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = 'mail_mail'::regclass ORDER BY 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def run_doctor(cluster: PgCluster, name: str, *extra: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "console", "doctor", "--json", "--db", cluster.url(name), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode in (0, 1), result.stderr  # 1: some check found a problem
    checks = json.loads(result.stdout)["checks"]
    found = [c for c in checks if c["id"] == "queue_index"]
    assert len(found) == 1, [c["id"] for c in checks]
    return dict(found[0])


# -- on PostgreSQL ------------------------------------------------------------------------
def test_a_short_queue_on_a_large_table_gets_the_statement_and_its_measured_gain(
    pg_cluster: PgCluster, db: str
) -> None:
    before = indexes(pg_cluster, db)
    assert not [i for i in before if "state" in i]  # Odoo creates no index on state
    read_only = backend(pg_cluster, db, read_only=True)  # measuring only reads
    try:
        facts = read_only.queue_index_facts(min_rows=LOW.min_rows)
        result = check_queue_index(facts, LOW)
    finally:
        read_only.close()
    assert facts.rows is not None and facts.rows >= 30_000
    assert facts.now is not None and facts.indexed is not None
    # Odoo's search read the whole table for the few mails it found; by id: just those.
    matched = facts.now.rows_matched
    assert 0 < matched <= SHORT_QUEUE and facts.indexed.rows_matched == matched
    assert facts.now.rows_scanned >= 30_000
    assert facts.indexed.rows_scanned == matched
    assert result.status is Status.WARNING
    assert result.summary.startswith("measured: ") and "with the index" in result.summary
    assert result.command == CREATE_STATEMENT
    assert "CONCURRENTLY cannot run inside" in result.fix and "operator decides" in result.fix
    perf = {p.label: p.value for p in result.perf}
    assert perf["queue_search_ms"] > perf["queue_search_indexed_ms"]
    # The advice never applies itself: same indexes after measuring.
    assert indexes(pg_cluster, db) == before


def test_the_advised_statement_works_and_the_advice_disappears(
    pg_cluster: PgCluster, db: str
) -> None:
    with pg_cluster.connect(db) as conn:  # autocommit: CONCURRENTLY needs it
        conn.execute(CREATE_STATEMENT)
    assert INDEX_NAME in indexes(pg_cluster, db)
    session = backend(pg_cluster, db)
    try:
        result = queue_index_check(session, thresholds=LOW)
    finally:
        session.close()
    assert result.status is Status.OK
    assert result.summary == f"index {INDEX_NAME}"
    assert result.command == ""


def test_an_operators_own_index_on_state_counts_and_an_invalid_one_is_named(
    pg_cluster: PgCluster, db: str
) -> None:
    # A unique index on state cannot be built: CONCURRENTLY leaves it INVALID.
    with pg_cluster.connect(db) as conn, pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("CREATE UNIQUE INDEX CONCURRENTLY broken_state_idx ON mail_mail (state)")
    session = backend(pg_cluster, db)
    try:
        invalid = queue_index_check(session, thresholds=LOW)
        with pg_cluster.connect(db) as conn:
            conn.execute("CREATE INDEX my_state_idx ON mail_mail (state)")
        covered = queue_index_check(session, thresholds=LOW)
    finally:
        session.close()
    assert invalid.status is Status.WARNING
    assert invalid.summary == "index broken_state_idx is INVALID"
    assert "DROP INDEX CONCURRENTLY broken_state_idx" in invalid.fix
    assert covered.status is Status.OK and covered.summary == "index my_state_idx"


def test_the_measurement_is_bounded_by_the_statement_timeout(
    pg_cluster: PgCluster, db: str
) -> None:
    holding, release = threading.Event(), threading.Event()

    def lock_the_table() -> None:  # e.g. a migration holding mail_mail
        with psycopg.connect(pg_cluster.conninfo(db)) as conn:
            conn.execute("LOCK TABLE mail_mail IN ACCESS EXCLUSIVE MODE")
            holding.set()
            release.wait(30)

    session = backend(pg_cluster, db, statement_timeout_ms=1000)
    thread = threading.Thread(target=lock_the_table)
    thread.start()
    try:
        assert holding.wait(10)
        result = queue_index_check(session, thresholds=LOW)
    finally:
        release.set()
        thread.join()
        session.close()
    assert result.status is Status.WARNING
    assert result.summary == "queue search over the statement timeout"
    assert "statement timeout (1 s)" in result.why
    assert result.command == CREATE_STATEMENT


def test_doctor_json_says_a_small_table_needs_none_and_the_check_list_has_it(
    pg_cluster: PgCluster, db: str
) -> None:
    """With the default threshold (100,000 rows) these 30,000 mails need no index: said."""
    check = run_doctor(pg_cluster, db, "--read-only")
    assert check["status"] == "OK"
    assert check["summary"] == "not needed: small table"
    assert "advice from 100,000" in str(check["why"])
    assert check["command"] == ""
    session = backend(pg_cluster, db)
    try:
        ids = [r.id for r in run_health(session)]  # what the Health pane and bundle show
    finally:
        session.close()
    assert ids[-1] == "queue_index"


def test_the_measurement_is_reused_for_the_tuis_polling(pg_cluster: PgCluster, db: str) -> None:
    session = backend(pg_cluster, db)
    try:
        first = queue_index_check(session, thresholds=LOW, max_age=900)
        with pg_cluster.connect(db) as conn:
            conn.execute(CREATE_STATEMENT)
        reused = queue_index_check(session, thresholds=LOW, max_age=900)
        fresh = queue_index_check(session, thresholds=LOW)
    finally:
        session.close()
    assert first.status is reused.status is Status.WARNING
    assert fresh.status is Status.OK


# -- the rule alone ---------------------------------------------------------------------------
def test_sqlite_and_unreadable_facts() -> None:
    assert check_queue_index(QueueIndexFacts(dialect="sqlite")).summary == "skipped: SQLite"
    broken = check_queue_index(QueueIndexFacts(dialect="postgresql", error="permission denied"))
    assert broken.status is Status.UNKNOWN and "permission denied" in broken.why


def test_no_advice_when_the_index_would_not_pay() -> None:
    """A long backlog: Odoo's batch fills from the newest mails, the search is cheap."""
    facts = QueueIndexFacts(
        dialect="postgresql",
        rows=1_000_000,
        now=SearchCost(34.0, 12_600, 10_000),
        indexed=SearchCost(29.0, 10_000, 10_000),
    )
    result = check_queue_index(facts)
    assert result.status is Status.OK and result.summary == "not needed now: 34 ms"
    assert result.command == ""


def test_the_health_pane_shows_the_statement_to_run() -> None:
    from rich.console import Console

    from console.tui.widgets.formatting import Palette

    facts = QueueIndexFacts(
        dialect="postgresql",
        rows=1_000_000,
        now=SearchCost(312.0, 1_000_000, 50),
        indexed=SearchCost(4.0, 50, 50),
    )
    result = check_queue_index(facts)
    assert result.summary == "measured: 312 ms now, about 4.0 ms with the index (78x)"
    console = Console(width=200, record=True, color_system=None)
    console.print(render_checks([result], Palette({})))
    lines = [" ".join(line.split()) for line in console.export_text().splitlines()]
    assert "▲ WARNING Index for the mail queue: measured: 312 ms now, about 4.0 ms" in lines[1]
    assert f"run {CREATE_STATEMENT}" in lines
