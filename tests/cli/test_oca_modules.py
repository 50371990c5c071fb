"""The OCA mail modules, as an operator sees them through `doctor --json`, `check` and
`set-interval`, on Odoo-shaped databases (SQLite and PostgreSQL) holding the modules'
ir_module_module rows, their tables and the queue cron as their install hooks leave it.

Each test also runs the same database without the module: the verdict must change
because of the module, not by accident."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.domain.timefmt import utcnow_naive
from tests.helpers.cli import run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.oca import (
    add_job,
    add_tracking,
    create_queue_job,
    create_tracking,
    install_modules,
    queue_cron_id,
    set_queue_cron,
)

KINDS = [pytest.param("sqlite", id="sqlite"), pytest.param("pg", id="pg")]


def doctor(db: Db) -> dict[str, dict[str, Any]]:
    done = run_cli("doctor", "--json", "--db", db.url)
    assert done.returncode in (0, 1), done.stderr
    return {c["id"]: c for c in json.loads(done.stdout)["checks"]}


def check_line(db: Db) -> str:
    done = run_cli("check", "--db", db.url)
    assert "Traceback" not in done.stderr
    return done.stdout.strip()


def mail_ids(db: Db, count: int) -> list[int]:
    return [int(r[0]) for r in db.sql(f"SELECT id FROM mail_mail ORDER BY id LIMIT {count}")]


@pytest.mark.parametrize("kind", KINDS)
def test_mail_queue_job_cron_off_is_intended_and_the_jobs_are_read(
    make_db: MakeDb, kind: str
) -> None:
    db = make_db(kind, 17)
    now = utcnow_naive()
    create_queue_job(db)
    set_queue_cron(db, active=False)  # mail_queue_job's post_init_hook
    first, second, third = mail_ids(db, 3)
    add_job(db, first, "pending", now - timedelta(minutes=3))
    add_job(db, second, "enqueued", now - timedelta(minutes=1))
    add_job(db, third, "done", now - timedelta(days=3))
    add_job(db, third, "pending", now - timedelta(days=2), model="res.partner", method="x")

    without = doctor(db)
    assert without["queue_cron"]["status"] == "CRITICAL"
    assert "oca_mail_jobs" not in without and "oca_modules" not in without
    assert "queue cron inactive" in check_line(db)

    install_modules(db, "mail_queue_job", "queue_job")
    checks = doctor(db)
    cron = checks["queue_cron"]
    assert cron["status"] == "OK" and "mail_queue_job" in cron["why"], cron
    assert checks["queue_cron_interval"]["status"] == "OK"
    jobs = checks["oca_mail_jobs"]
    assert jobs["status"] == "OK", jobs
    assert jobs["summary"] == "2 waiting, 0 running, 0 failed"  # not the done nor other jobs
    assert "the oldest queued 3m ago" in jobs["why"], jobs["why"]
    assert "mail_queue_job" in checks["oca_modules"]["summary"]
    assert "queue cron inactive" not in check_line(db)


@pytest.mark.parametrize("kind", KINDS)
def test_failed_and_stale_mail_jobs_are_reported(make_db: MakeDb, kind: str) -> None:
    db = make_db(kind, 16)
    now = utcnow_naive()
    create_queue_job(db)
    install_modules(db, "queue_job", "mail_queue_job")
    set_queue_cron(db, active=False)
    ids = mail_ids(db, 12)
    for mail_id in ids[:11]:
        add_job(db, mail_id, "failed", now - timedelta(minutes=20))
    warned = doctor(db)["oca_mail_jobs"]
    assert warned["status"] == "WARNING" and "11 send jobs failed" in warned["why"], warned
    assert warned["fix"] and "job runner" in warned["fix"]

    add_job(db, ids[11], "pending", now - timedelta(hours=3))  # nobody takes the jobs
    stale = doctor(db)["oca_mail_jobs"]
    assert stale["status"] == "CRITICAL", stale
    assert "no job runner" in stale["why"]
    assert "mail_jobs_waiting=1" in check_line(db)


def test_odoo_18_switch_off_after_failures_stays_critical(make_db: MakeDb) -> None:
    db = make_db("sqlite", 18)
    create_queue_job(db)
    install_modules(db, "queue_job", "mail_queue_job")
    set_queue_cron(db, active=False)
    db.sql(
        "UPDATE ir_cron SET failure_count = 5, first_failure_date = :at WHERE id = :id",
        at=datetime(2024, 1, 1),
        id=queue_cron_id(db),
    )
    cron = doctor(db)["queue_cron"]
    assert cron["status"] == "CRITICAL" and "5 consecutive failures" in cron["why"]


@pytest.mark.parametrize("kind", KINDS)
def test_mail_post_defer_every_minute_is_intended(make_db: MakeDb, kind: str) -> None:
    db = make_db(kind, 17)
    set_queue_cron(db, active=True, interval=(1, "minutes"))  # its post_init_hook
    interval = doctor(db)["queue_cron_interval"]
    assert interval["status"] == "WARNING" and "floor" in interval["why"]
    refused = run_cli("set-interval", "2", "minutes", "--yes", "--db", db.url, "--no-read-only")
    assert refused.returncode == 2 and "floor of 5 minutes" in refused.stderr

    install_modules(db, "mail_post_defer")
    interval = doctor(db)["queue_cron_interval"]
    assert interval["status"] == "OK" and "mail_post_defer" in interval["why"], interval
    done = run_cli("set-interval", "2", "minutes", "--yes", "--db", db.url, "--no-read-only")
    assert done.returncode == 0, done.stderr
    row = db.one("SELECT interval_number, interval_type FROM ir_cron WHERE id = :id",
                 id=queue_cron_id(db))  # fmt: skip
    assert tuple(row) == (2, "minutes")


@pytest.mark.parametrize("kind", KINDS)
def test_mail_tracking_errors_are_counted(make_db: MakeDb, kind: str, tmp_path: Path) -> None:
    db = make_db(kind, 16)
    now = utcnow_naive()
    create_tracking(db)
    first, second = mail_ids(db, 2)
    db.sql("UPDATE mail_mail SET state = 'sent' WHERE id = :id", id=first)
    add_tracking(db, first, "error", now - timedelta(hours=1), "SMTPRecipientsRefused")
    add_tracking(db, second, "error", now - timedelta(hours=2), "SMTPRecipientsRefused")
    add_tracking(db, second, "error", now - timedelta(hours=3), "SMTPDataError")
    add_tracking(db, second, "error", now - timedelta(days=3), "SMTPDataError")  # too old
    add_tracking(db, first, "sent", now - timedelta(hours=1))
    assert "oca_tracking_errors" not in doctor(db)

    install_modules(db, "mail_tracking")
    found = doctor(db)["oca_tracking_errors"]
    assert found["status"] == "WARNING", found
    assert found["summary"] == "3 send errors in 24 h"
    assert "SMTPRecipientsRefused 2, SMTPDataError 1" in found["why"]
    assert "1 of them belong to mails Odoo shows as sent" in found["why"]


def test_uninstalled_module_rows_do_not_count(make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    set_queue_cron(db, active=False)
    install_modules(db, "mail_queue_job", state="uninstalled")
    checks = doctor(db)
    assert checks["queue_cron"]["status"] == "CRITICAL"
    assert "oca_modules" not in checks
