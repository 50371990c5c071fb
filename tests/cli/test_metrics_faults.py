"""The exporter while PostgreSQL goes away and comes back: it keeps serving, says `up 0`
and counts the failed scrapes, and reads the database again once it is back. The server
is a private throwaway cluster (testkit/pgcluster.py) stopped and started on its port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testkit.odoo_dbs import build_postgres
from testkit.pgcluster import PgCluster
from tests.helpers.metrics import exporter, value

DB_NAME = "mailq_metrics_faults"


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    """A private server: stopping it must not disturb the session's shared one."""
    server = PgCluster()
    try:
        server.start()
    except Exception as exc:  # no PostgreSQL binaries on this machine
        server.stop()
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield server
    server.stop()


def _running(cluster: PgCluster) -> bool:
    return (cluster.data_dir / "postmaster.pid").exists()


def _stop(cluster: PgCluster) -> None:
    cluster._run_pg(["pg_ctl", "-D", str(cluster.data_dir), "-m", "fast", "-w", "stop"])


def _start(cluster: PgCluster) -> None:
    # postgresql.auto.conf holds the port: the server comes back where the exporter looks.
    cluster._run_pg(
        ["pg_ctl", "-D", str(cluster.data_dir), "-l", str(cluster.log_file), "-w", "start"]
    )
    cluster._wait_ready()


@pytest.fixture
def pg_url(cluster: PgCluster) -> Iterator[str]:
    cluster.drop_database(DB_NAME)
    yield build_postgres(cluster.create_database(DB_NAME), 17)
    if not _running(cluster):
        _start(cluster)
    cluster.drop_database(DB_NAME)


@pytest.mark.slow
def test_a_restart_reads_as_up_0_then_recovers(cluster: PgCluster, pg_url: str) -> None:
    with exporter("--db", pg_url) as running:
        before = running.samples()
        assert value(before, "odoo_mailq_up", database=DB_NAME) == 1
        outgoing = value(before, "odoo_mailq_mails", database=DB_NAME, state="outgoing")
        assert outgoing is not None and outgoing > 0

        _stop(cluster)
        for failures in (1, 2):  # it keeps answering, one error counted per scrape
            down = running.samples(openmetrics=failures == 2)
            assert value(down, "odoo_mailq_up", database=DB_NAME) == 0
            assert value(down, "odoo_mailq_scrape_errors_total", database=DB_NAME) == failures
            assert value(down, "odoo_mailq_mails", database=DB_NAME, state="outgoing") is None

        _start(cluster)
        after = running.samples()
        assert value(after, "odoo_mailq_up", database=DB_NAME) == 1
        assert value(after, "odoo_mailq_scrape_errors_total", database=DB_NAME) == 2
        assert value(after, "odoo_mailq_mails", database=DB_NAME, state="outgoing") == outgoing
    lines = running.stderr.strip().splitlines()
    assert len(lines) == 3, running.stderr  # serving, down once, back once
    assert "serving http://127.0.0.1:" in lines[0]
    assert f"database {DB_NAME} is down" in lines[1]
    assert lines[2].endswith(f"database {DB_NAME} answers again")
    assert "Traceback" not in running.stderr
