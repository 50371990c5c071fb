"""The triage commands end to end: `check` exit codes through a subprocess (as Nagios runs
it), `causes --json`, `doctor --json`, and `--cause` targeting on real databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.errors import UsageError
from console.services.causes import cause_target_ids, causes, ids_for_cause
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.odoo_dbs import build_postgres, build_sqlite
from tests.helpers.cli import run_cli as run
from tests.helpers.db import execute
from tests.helpers.scenario import ADMIN_PARTNER, make_healthy


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cli_triage")
    build_sqlite(directory, 17)
    return directory / "odoo17.sqlite"


@pytest.fixture
def db(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "db.sqlite"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


def count(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


# -- check: the Nagios contract -------------------------------------------------------------
def test_check_critical_on_the_scenario(db: str) -> None:
    done = run("check", "--db", db)
    assert done.returncode == 2, done.stderr
    line = done.stdout.strip()
    assert line.startswith("MAILQ CRITICAL - ")
    assert "queue cron overdue" in line and "failed" in line
    _status, perf = line.split(" | ")
    assert "failed=" in perf and ";10;50" in perf and "oldest_outgoing_min=" in perf
    assert "\n" not in line


def test_check_ok_and_warning(db: str) -> None:
    make_healthy(db)
    ok = run("check", "--db", db)
    assert (ok.returncode, ok.stdout.split(" - ")[0]) == (0, "MAILQ OK"), ok.stdout + ok.stderr
    execute(db, f"UPDATE res_partner SET email = 'admin@example.com' WHERE id = {ADMIN_PARTNER}")
    warn = run("check", "--db", db)
    assert warn.returncode == 1
    assert warn.stdout.startswith("MAILQ WARNING - admin e-mail is a placeholder |")


def test_check_thresholds_change_the_exit_code(db: str) -> None:
    make_healthy(db)
    execute(
        db,
        "UPDATE mail_mail SET state = 'exception' WHERE id IN "
        "(SELECT id FROM mail_mail WHERE state = 'cancel' ORDER BY id LIMIT 3)",
    )
    assert run("check", "--db", db).returncode == 0  # 3 failed < 10
    assert run("check", "--db", db, "--warn-failed", "2").returncode == 1
    tight = run("check", "--db", db, "--warn-failed", "1", "--crit-failed", "3")
    assert tight.returncode == 2 and "failed=3;1;3" in tight.stdout
    execute(
        db,
        "UPDATE ir_cron SET interval_number = 1, interval_type = 'days' WHERE id = "
        "(SELECT res_id FROM ir_model_data WHERE name = 'ir_cron_mail_scheduler_action')",
    )
    # oldest outgoing waited 2 minutes: CRITICAL only with a 1-minute limit
    assert run("check", "--db", db, "--max-oldest-outgoing", "1").returncode == 2


def test_check_unknown_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    missing = run("check", "--db", f"sqlite:///{tmp_path / 'nope.sqlite'}")
    assert missing.returncode == 3
    assert missing.stdout.startswith("MAILQ UNKNOWN - ") and "nope.sqlite" in missing.stdout
    refused = run("check", "--db", "postgresql://nobody@127.0.0.1:1/odoo")
    assert refused.returncode == 3 and refused.stdout.startswith("MAILQ UNKNOWN - ")
    not_odoo = tmp_path / "empty.sqlite"
    create_engine(f"sqlite:///{not_odoo}").connect().close()
    assert run("check", "--db", f"sqlite:///{not_odoo}").returncode == 3
    # the other commands keep the console's usual error exit
    assert run("doctor", "--db", f"sqlite:///{tmp_path / 'nope.sqlite'}").returncode == 2


# -- causes / doctor ------------------------------------------------------------------------
def test_causes_json(db: str) -> None:
    done = run("causes", "--db", db, "--json")
    assert done.returncode == 0, done.stderr
    groups = json.loads(done.stdout)
    failed = count(db, "SELECT count(*) FROM mail_mail WHERE state = 'exception'")
    assert sum(g["count"] for g in groups) == failed
    assert [g["count"] for g in groups] == sorted((g["count"] for g in groups), reverse=True)
    assert all(g["class"] != "unrecognised" for g in groups)
    auth = next(g for g in groups if g["title"] == "535 auth failed")
    assert auth["signature"] == "SMTP 535 5.7.8 authentication failed"
    assert auth["class"] == "configuration" and auth["smtp_code"] == 535
    assert auth["first_seen"] <= auth["last_seen"] and auth["last_seen"].endswith("Z")
    assert isinstance(auth["sample_mail_id"], int) and len(auth["key"]) == 8
    text_output = run("causes", "--db", db)
    assert auth["key"] in text_output.stdout and "retry --cause KEY" in text_output.stdout


def test_doctor_json(db: str) -> None:
    done = run("doctor", "--db", db, "--json", "--daily-limit", "100000")
    assert done.returncode == 1, done.stderr  # CRITICAL findings: not a success
    report = json.loads(done.stdout)
    assert report["status"] == "CRITICAL" and report["summary"].startswith("✖ ")
    ids = [c["id"] for c in report["checks"]]
    assert ids[0] == "neutralized" and ids[-2:] == ["daily_volume", "queue_index"]
    assert all(c["why"] for c in report["checks"])
    assert all(c["fix"] for c in report["checks"] if c["status"] in ("WARNING", "CRITICAL"))
    assert "do:" in run("doctor", "--db", db).stdout


# -- --cause targeting ----------------------------------------------------------------------
def _retry_one_cause(url: str, tmp_path: Path) -> None:
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        groups = causes(backend)
        group = next(g for g in groups if g.classification.family == "auth")
        ids = cause_target_ids(backend, group.key)
        assert ids == cause_target_ids(backend, group.signature)
        assert ids == ids_for_cause(backend, group.signature)
        assert len(ids) == group.count and ids[0] == group.sample_mail_id
        with pytest.raises(UsageError, match="No failed mail has the cause"):
            cause_target_ids(backend, "SMTP 999 nothing like this")
        outcome = Operator(backend, Journal(tmp_path / "j.jsonl")).retry(
            ids, include_cancelled=False
        )
        assert sorted(outcome.applied) == sorted(ids)
        after = {g.signature for g in causes(backend)}
        assert group.signature not in after and len(after) == len(groups) - 1
    finally:
        backend.close()


def test_retry_by_cause_sqlite(db: str, tmp_path: Path) -> None:
    _retry_one_cause(db, tmp_path)


def test_retry_by_cause_postgresql(pg_db_factory: Any, tmp_path: Path) -> None:
    url = build_postgres(pg_db_factory(), 16)
    _retry_one_cause(url, tmp_path)
    done = run("causes", "--db", url, "--json")
    assert done.returncode == 0 and json.loads(done.stdout)
