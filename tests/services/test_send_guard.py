"""Send now's guard against Odoo's other senders (console.odoo.senders_guard), on a real
PostgreSQL with other sessions holding snapshots as Odoo's senders do. (Against real Odoo:
tests/real_odoo/test_send_races.py.)"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import psycopg
import pytest

from console.odoo.senders_guard import stale_sessions, transaction_id
from testkit.pgcluster import PgCluster
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.helpers.db import Db
from tests.helpers.mails import add_mail, mail_row


@pytest.fixture
def pg17(make_db: Callable[[str, int], Db]) -> Db:
    db = make_db("pg", 17)
    db.cancel_outgoing()
    return db


def _open_snapshot(conninfo: str, application: str = "odoo-4242") -> psycopg.Connection:
    """A session in a REPEATABLE READ transaction that has read: what every Odoo sender
    holds while it decides and sends."""
    session = psycopg.connect(conninfo, application_name=application)
    session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    session.execute("SELECT count(*) FROM mail_mail")
    return session


def _conninfo(db: Db, cluster: PgCluster) -> str:
    return cluster.conninfo(db.url.rsplit("/", 1)[1])


def test_send_waits_while_another_session_could_be_sending(pg17: Db, pg_cluster: PgCluster) -> None:
    with SmtpTestServer() as smtp:
        pg17.point_servers(smtp.port)
        mail = add_mail(pg17, email_to="x@y.test")
        odoo = _open_snapshot(_conninfo(pg17, pg_cluster))
        threading.Timer(1.5, odoo.rollback).start()
        started = time.monotonic()
        done = run_cli("--db", pg17.url, "send", str(mail.id), "--yes", "--json")
        waited = time.monotonic() - started
        odoo.close()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [mail.id]
    assert waited >= 1.5  # it claimed only once the other snapshot was gone
    assert len(smtp.received) == 1 and mail_row(pg17, mail.id)[0] == "sent"


def test_a_session_that_stays_busy_leaves_the_mails_to_odoos_queue(
    pg17: Db, pg_cluster: PgCluster
) -> None:
    with SmtpTestServer() as smtp:
        pg17.point_servers(smtp.port)
        mail = add_mail(pg17, email_to="x@y.test")
        odoo = _open_snapshot(_conninfo(pg17, pg_cluster))
        try:
            done = run_cli(
                "--db", pg17.url, "send", str(mail.id), "--wait-for-odoo", "1", "--yes", "--json"
            )
        finally:
            odoo.close()
    assert done.returncode == 1, done.stderr
    result = json.loads(done.stdout)
    reason = result["skipped"][str(mail.id)]
    assert reason.startswith("not attempted: other sessions of the database")
    assert "(odoo-4242) holds a snapshot" in reason and "stayed busy for 1 s" in reason
    assert smtp.received == [] and mail_row(pg17, mail.id)[0] == "outgoing"
    triggers = pg17.sql("SELECT count(*) FROM ir_cron_trigger")[0][0]
    assert triggers >= 1  # Odoo's queue was asked to send it instead


def test_the_consoles_own_sessions_do_not_count(pg17: Db, pg_cluster: PgCluster) -> None:
    with SmtpTestServer() as smtp:
        pg17.point_servers(smtp.port)
        mail = add_mail(pg17, email_to="x@y.test")
        other_console = _open_snapshot(_conninfo(pg17, pg_cluster), application="odoo-mailq")
        try:
            done = run_cli(
                "--db", pg17.url, "send", str(mail.id), "--wait-for-odoo", "1", "--yes", "--json"
            )
        finally:
            other_console.close()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [mail.id]


def test_a_snapshot_taken_before_a_commit_is_found_after_it(
    pg17: Db, pg_cluster: PgCluster
) -> None:
    """The check after the claim: a session whose snapshot cannot see the claim."""
    conninfo = _conninfo(pg17, pg_cluster)
    engine_url = pg17.url
    from sqlalchemy import create_engine, text

    engine = create_engine(engine_url)
    try:
        with engine.connect() as claim:
            claim.begin()
            claim.execute(text("UPDATE ir_cron SET priority = priority WHERE id = 1"))
            xid = transaction_id(claim)
            early = _open_snapshot(conninfo)  # between the claim's check and its commit
            claim.commit()
            late = _open_snapshot(conninfo)  # after the commit: sees the claim
            with engine.connect() as checker, checker.begin():
                found = {s.pid for s in stale_sessions(checker, xid)}
            early_pid = early.info.backend_pid
            late_pid = late.info.backend_pid
            early.close()
            late.close()
    finally:
        engine.dispose()
    assert early_pid in found and late_pid not in found
