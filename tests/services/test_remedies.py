"""Campaign and cron remedies write what Odoo's buttons write (docs/odoo-actions.md)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.errors import UsageError
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.odoo_dbs import build_postgres, build_sqlite
from tests.helpers.cli import run_cli
from tests.helpers.db import rows

QUEUE_XMLID = "mail.ir_cron_mail_scheduler_action"


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return build_sqlite(tmp_path, 17)
    return build_postgres(request.getfixturevalue("pg_db_factory")(), 18)


def operator_for(url: str, tmp_path: Path) -> Operator:
    return Operator(open_backend(ConnectionSettings(db_url=url)), Journal(tmp_path / "j.jsonl"))


def test_cancel_campaign_only_from_in_queue(db_url: str, tmp_path: Path) -> None:
    operator = operator_for(db_url, tmp_path)
    campaigns = operator.backend.campaigns()
    head = next(c for c in campaigns if c.is_head)
    queued = [c.id for c in campaigns if c.state == "in_queue"]
    before = {r[0]: r for r in rows(db_url, "SELECT id, state, write_uid FROM mailing_mailing")}
    outcome = operator.cancel_campaigns([head.id, *queued])
    assert sorted(outcome.applied) == sorted(queued)
    assert "cannot cancel a campaign that is already Sending" in outcome.skipped[head.id]
    after = rows(
        db_url,
        "SELECT id, state, schedule_date, schedule_type, calendar_date, write_uid "
        "FROM mailing_mailing",
    )
    for mailing_id, state, schedule_date, schedule_type, calendar_date, write_uid in after:
        if mailing_id in queued:
            assert (state, schedule_date, schedule_type, calendar_date) == (
                "draft",
                None,
                "now",
                None,
            )
            assert write_uid == 1
        else:
            assert (state, write_uid) == before[mailing_id][1:]
    operator.backend.close()


def test_set_interval_validates_and_writes_like_the_cron_form(db_url: str, tmp_path: Path) -> None:
    operator = operator_for(db_url, tmp_path)
    queue = next(c for c in operator.backend.crons() if c.xml_id == QUEUE_XMLID)
    with pytest.raises(UsageError, match="floor of 5 minutes"):
        operator.set_cron_interval(queue.id, 2, "minutes")
    nextcall_before = rows(db_url, "SELECT nextcall FROM ir_cron WHERE id = :i", i=queue.id)[0][0]
    outcome = operator.set_cron_interval(queue.id, 15, "minutes")
    assert outcome.complete and "was every 1 hours" in outcome.message()
    interval, unit, nextcall, write_uid = rows(
        db_url,
        "SELECT interval_number, interval_type, nextcall, write_uid FROM ir_cron WHERE id = :i",
        i=queue.id,
    )[0]
    assert (interval, unit, write_uid) == (15, "minutes", 1)
    assert nextcall == nextcall_before  # Odoo does not move nextcall on this write
    entry = list(operator.journal.entries())[-1].data
    assert entry["previous_interval"] == [1, "hours"] and entry["interval"] == [15, "minutes"]
    operator.backend.close()


def test_set_interval_refuses_while_odoo_runs_the_cron(pg_db_factory: Any, tmp_path: Path) -> None:
    url = build_postgres(pg_db_factory(), 17)
    operator = operator_for(url, tmp_path)
    queue = next(c for c in operator.backend.crons() if c.xml_id == QUEUE_XMLID)
    engine = create_engine(url)
    held, release = threading.Event(), threading.Event()

    def odoo_runner() -> None:  # what Odoo's _acquire_one_job keeps during a run
        with engine.begin() as connection:
            connection.execute(
                text("SELECT id FROM ir_cron WHERE id = :i FOR NO KEY UPDATE"), {"i": queue.id}
            )
            held.set()
            release.wait(30)

    runner = threading.Thread(target=odoo_runner)
    runner.start()
    held.wait(10)
    try:
        assert next(c for c in operator.backend.crons() if c.id == queue.id).running is True
        outcome = operator.set_cron_interval(queue.id, 15, "minutes")
        assert outcome.applied == () and "currently being executed" in outcome.skipped[queue.id]
        done = run_cli("--db", url, "set-interval", "15", "minutes", "--yes")
        assert done.returncode == 1, done.stderr  # skipped, not a usage error
        assert "currently being executed" in done.stdout
    finally:
        release.set()
        runner.join()
        engine.dispose()
    assert rows(url, "SELECT interval_number FROM ir_cron WHERE id = :i", i=queue.id) == [(1,)]
    operator.backend.close()
