"""Pause / resume of Odoo's queue and hold / release of mails (docs/odoo-pause.md), on
SQLite and PostgreSQL copies of generated Odoo 16-19 databases: the rows each writes, what
resume restores or leaves alone, undo, the refusals, and Send now against a real SMTP
server refusing a paused queue and skipping held mails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.backends.connect import open_backend
from console.config.connection import ConnectionSettings
from console.domain.errors import QueuePaused, ReadOnlyRefused, UsageError
from console.domain.health.model import Status, Thresholds
from console.domain.health.queue_cron import check_queue_cron
from console.domain.pause import HOLD_DATE
from console.domain.timefmt import as_naive_datetime, utcnow_naive
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.smtp_server import SmtpTestServer
from tests.helpers.db import Db
from tests.helpers.mails import add_mail

QUEUE_CRON = (
    "SELECT c.id, c.active, c.write_uid, c.write_date FROM ir_cron c JOIN ir_model_data d "
    "ON d.model = 'ir.cron' AND d.res_id = c.id AND d.module = 'mail' "
    "AND d.name = 'ir_cron_mail_scheduler_action'"
)
CASES = [(k, v) for k in ("sqlite", "pg") for v in (16, 17, 18, 19)]


def operator(db: Db, tmp_path: Path) -> Operator:
    return Operator(db.backend(), Journal(tmp_path / "journal.jsonl"))


def param(db: Db, key: str) -> str | None:
    found = db.sql("SELECT value FROM ir_config_parameter WHERE key = :k", k=key)
    return None if not found else str(found[0][0])


def queue_cron(db: Db) -> Any:
    return db.one(QUEUE_CRON)


@pytest.mark.parametrize(("kind", "version"), CASES, ids=[f"{k}-{v}" for k, v in CASES])
def test_pause_then_resume_restores_exactly_what_was_there(
    make_db: Callable[[str, int], Db], tmp_path: Path, kind: str, version: int
) -> None:
    db = make_db(kind, version)
    db.sql("UPDATE ir_cron SET active = true WHERE id = :i", i=queue_cron(db).id)
    if version >= 17:  # a value the administrator chose, to be put back as it was
        db.sql("DELETE FROM ir_config_parameter WHERE key = 'mail.mail.force.send.limit'")
        db.insert("ir_config_parameter", key="mail.mail.force.send.limit", value="42")
    cron_before = queue_cron(db)
    ops = operator(db, tmp_path)

    outcome = ops.pause()
    cron = queue_cron(db)
    assert not cron.active  # as Odoo's Active toggle writes it
    assert cron.write_uid == 1
    assert outcome.applied == (cron.id,) and "not_stopped" in outcome.details
    assert param(db, "mail.mail.force.send.limit") == ("0" if version >= 17 else None)
    state = ops.backend.pause_state()
    assert state is not None and state.crons[0].was_active
    assert ops.backend.status().paused is not None
    facts = ops.backend.health_facts()
    result = check_queue_cron(facts, Thresholds())
    assert result.status == Status.WARNING and "paused" in result.summary  # not CRITICAL

    with pytest.raises(UsageError, match="already paused"):
        ops.pause()

    resumed = ops.resume()
    assert "active again" in resumed.message()
    after = queue_cron(db)
    assert bool(after.active) is True
    assert param(db, "mail.mail.force.send.limit") == ("42" if version >= 17 else None)
    assert param(db, "odoo_mailq.pause") is None
    assert ops.backend.pause_state() is None
    assert cron_before.id == after.id
    actions = [e.action for e in Journal(tmp_path / "journal.jsonl").entries()]
    assert actions == ["pause", "resume"]


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_resume_reports_a_cron_changed_in_odoo_meanwhile_and_leaves_it(
    make_db: Callable[[str, int], Db], tmp_path: Path, kind: str
) -> None:
    db = make_db(kind, 17)
    ops = operator(db, tmp_path)
    ops.pause()
    cron = queue_cron(db)
    later = utcnow_naive() + timedelta(seconds=5)  # someone edits it in Odoo's form
    db.sql("UPDATE ir_cron SET interval_number = 7, write_uid = 2, write_date = :d WHERE id = :i",
           d=later, i=cron.id)  # fmt: skip
    db.sql("UPDATE ir_config_parameter SET value = '5', write_uid = 2, write_date = :d "
           "WHERE key = 'mail.mail.force.send.limit'", d=later)  # fmt: skip
    outcome = ops.resume()
    text = outcome.message()
    assert "changed in Odoo since the pause by Odoo user 2" in text
    assert "left inactive" in text
    assert "mail.mail.force.send.limit was changed since the pause (now '5'" in text
    assert not bool(queue_cron(db).active)  # reported, not overwritten
    assert param(db, "mail.mail.force.send.limit") == "5"
    assert param(db, "odoo_mailq.pause") is None


def test_a_cron_inactive_before_the_pause_stays_inactive(
    make_db: Callable[[str, int], Db], tmp_path: Path
) -> None:
    db = make_db("sqlite", 18)
    cron = queue_cron(db)
    db.sql("UPDATE ir_cron SET active = false WHERE id = :i", i=cron.id)
    ops = operator(db, tmp_path)
    ops.pause()
    assert not bool(queue_cron(db).active)
    outcome = ops.resume()
    assert "already inactive before the pause" in outcome.message()
    assert not bool(queue_cron(db).active)


def test_pause_with_campaigns_and_undo(make_db: Callable[[str, int], Db], tmp_path: Path) -> None:
    db = make_db("pg", 17)
    mailing = db.one(
        "SELECT c.id FROM ir_cron c JOIN ir_model_data d ON d.model = 'ir.cron' AND "
        "d.res_id = c.id AND d.name = 'ir_cron_mass_mailing_queue'"
    ).id
    db.sql("UPDATE ir_cron SET active = true WHERE id = :i", i=mailing)
    ops = operator(db, tmp_path)
    ops.pause(campaigns=True)
    assert not db.one("SELECT active FROM ir_cron WHERE id = :i", i=mailing).active
    undone = ops.undo()  # undo of a pause resumes
    assert undone.action == "undo" and "active again" in undone.message()
    assert db.one("SELECT active FROM ir_cron WHERE id = :i", i=mailing).active
    assert bool(queue_cron(db).active)
    with pytest.raises(UsageError, match="Nothing to undo"):
        ops.undo()


def test_pause_refuses_while_odoos_runner_holds_the_cron(
    make_db: Callable[[str, int], Db], tmp_path: Path, pg_cluster: Any
) -> None:
    import psycopg

    db = make_db("pg", 17)
    cron = queue_cron(db)
    runner = psycopg.connect(pg_cluster.conninfo(db.url.rsplit("/", 1)[1]))
    runner.execute("SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE", [cron.id])
    try:
        outcome = operator(db, tmp_path).pause()
    finally:
        runner.rollback()
        runner.close()
    assert not outcome.applied and "running right now" in outcome.message()
    assert bool(queue_cron(db).active) and param(db, "odoo_mailq.pause") is None


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_hold_then_release_restores_each_schedule(
    make_db: Callable[[str, int], Db], tmp_path: Path, kind: str
) -> None:
    db = make_db(kind, 17)
    db.cancel_outgoing()
    due, later, failed = (add_mail(db, email_to=f"{n}@x.test") for n in ("a", "b", "c"))
    planned = datetime(2031, 3, 4, 5, 6, 7)
    db.sql("UPDATE mail_mail SET scheduled_date = :d WHERE id = :i", d=planned, i=later.id)
    db.sql("UPDATE mail_mail SET state = 'exception' WHERE id = :i", i=failed.id)
    ops = operator(db, tmp_path)

    held = ops.hold([due.id, later.id, failed.id, 999999])
    assert set(held.applied) == {due.id, later.id}
    assert "not outgoing" in held.skipped[failed.id] and "no such mail" in held.skipped[999999]
    for mail in (due, later):
        when = db.one("SELECT scheduled_date FROM mail_mail WHERE id = :i", i=mail.id)[0]
        assert as_naive_datetime(when) == HOLD_DATE
    rows = ops.backend.mail_page(ops_query(due.id)).rows
    assert rows and rows[0].scheduled_date == HOLD_DATE
    assert sorted(ops.backend.held_ids()) == sorted([due.id, later.id])

    released = ops.release(None)  # every held mail
    assert set(released.applied) == {due.id, later.id}
    assert db.one("SELECT scheduled_date FROM mail_mail WHERE id = :i", i=due.id)[0] is None
    back = db.one("SELECT scheduled_date FROM mail_mail WHERE id = :i", i=later.id)[0]
    assert as_naive_datetime(back) == planned
    assert param(db, "odoo_mailq.held") is None
    ops.undo()  # undo of a release holds again
    assert ops.backend.held_ids() == sorted([due.id, later.id], reverse=True)


def ops_query(mail_id: int) -> Any:
    from console.backends.base import MailQuery

    return MailQuery(states=("outgoing",), before_id=mail_id + 1, limit=1)


def test_release_leaves_a_mail_whose_schedule_changed(
    make_db: Callable[[str, int], Db], tmp_path: Path
) -> None:
    db = make_db("sqlite", 16)
    db.cancel_outgoing()
    mail = add_mail(db, email_to="a@x.test")
    ops = operator(db, tmp_path)
    ops.hold([mail.id])
    moved = datetime(2030, 1, 1)
    db.sql("UPDATE mail_mail SET scheduled_date = :d WHERE id = :i", d=moved, i=mail.id)
    outcome = ops.release([mail.id])
    assert not outcome.applied and "changed since it was held" in outcome.skipped[mail.id]
    when = db.one("SELECT scheduled_date FROM mail_mail WHERE id = :i", i=mail.id)[0]
    assert as_naive_datetime(when) == moved


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_send_now_sends_no_held_mail_and_nothing_while_paused(
    make_db: Callable[[str, int], Db], tmp_path: Path, kind: str
) -> None:
    db = make_db(kind, 17)
    db.cancel_outgoing()
    held, free = (add_mail(db, email_to=f"{n}@x.test") for n in ("held", "free"))
    with SmtpTestServer() as smtp:
        db.point_servers(smtp.port)
        ops = operator(db, tmp_path)
        ops.hold([held.id])
        ops.pause()
        with pytest.raises(QueuePaused):
            ops.send([held.id, free.id], include_scheduled=True)
        assert smtp.received == []
        ops.resume()
        outcome = ops.send([held.id, free.id], include_scheduled=True)
        assert outcome.applied == (free.id,)
        assert "held" in outcome.skipped[held.id]
        assert len(smtp.received) == 1
    state = db.one("SELECT state FROM mail_mail WHERE id = :i", i=held.id)[0]
    assert state == "outgoing"


def test_read_only_refuses_pause_and_hold(
    make_db: Callable[[str, int], Db], tmp_path: Path
) -> None:
    db = make_db("sqlite", 17)
    before = tuple(queue_cron(db))
    backend = open_backend(ConnectionSettings(db_url=db.url, read_only=True))
    try:
        ops = Operator(backend, Journal(tmp_path / "journal.jsonl"))
        with pytest.raises(ReadOnlyRefused):
            ops.pause()
        with pytest.raises(ReadOnlyRefused):
            ops.hold([1])
    finally:
        backend.close()
    assert param(db, "odoo_mailq.pause") is None
    assert tuple(queue_cron(db)) == before


@pytest.mark.parametrize("version", [17, 19])
def test_odoos_workers_are_told_to_reload_the_parameter(
    make_db: Callable[[str, int], Db], tmp_path: Path, version: int
) -> None:
    """As set_param after its commit: 17-18 advance base_cache_signaling_default, 19 add a
    row to orm_signaling_stable (Odoo's workers compare them before each request)."""
    db = make_db("pg", version)
    if version >= 19:
        db.sql(
            "CREATE TABLE IF NOT EXISTS orm_signaling_stable "
            "(id SERIAL PRIMARY KEY, date TIMESTAMP)"
        )
        db.sql("INSERT INTO orm_signaling_stable DEFAULT VALUES")
        signal = "SELECT max(id) FROM orm_signaling_stable"
    else:
        db.sql("CREATE SEQUENCE IF NOT EXISTS base_cache_signaling_default")
        db.sql("SELECT nextval('base_cache_signaling_default')")
        signal = "SELECT last_value FROM base_cache_signaling_default"
    before = db.one(signal)[0]
    ops = operator(db, tmp_path)
    paused = ops.pause()
    assert "reload their system parameters" in paused.message()
    assert db.one(signal)[0] == before + 1
    ops.resume()
    assert db.one(signal)[0] == before + 2
