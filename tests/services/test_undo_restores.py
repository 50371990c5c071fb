"""Undo puts back what the action changed, write_uid and write_date included.

"Failures in the last hour" counts failed mails by `write_date` (Odoo keeps no failure
date): if a retry and its undo wrote a fresh date, the operator's own round trip would
make `check` page. The journal keeps the former write_uid/write_date of every row, and
undo restores them on the rows still exactly as the action left them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.timefmt import utcnow_naive
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.odoo_dbs import build_postgres, build_sqlite
from tests.helpers.cli import run_cli
from tests.helpers.db import execute, rows

MAIL_COLUMNS = "id, state, failure_type, failure_reason, write_uid, write_date"


def mails(url: str) -> dict[int, tuple[Any, ...]]:
    """Every mail as stored (SQLite: the stored text of write_date, not a parse of it)."""
    return {r[0]: r for r in rows(url, f"SELECT {MAIL_COLUMNS} FROM mail_mail")}


def without_minutes(line: str) -> str:
    return re.sub(r"\d+", "N", line)


def check_line(*args: str) -> tuple[str, float]:
    done = run_cli("check", *args)
    assert done.returncode in (0, 1, 2), done
    return done.stdout, time.time()


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return build_sqlite(tmp_path, 17)
    return build_postgres(request.getfixturevalue("pg_db_factory")(), 17)


def assert_same_check(before: tuple[str, float], after: tuple[str, float]) -> None:
    """Equal, unless a minute ticked between the two (the ages it prints moved then)."""
    if int(before[1] // 60) == int(after[1] // 60):
        assert after[0] == before[0]
    else:
        assert without_minutes(after[0]) == without_minutes(before[0])
    assert "failures_last_hour=15 " in after[0]


def test_check_after_retry_and_undo_of_every_failed_mail_is_check_before(
    db_url: str, tmp_path: Path
) -> None:
    journal = str(tmp_path / "j.jsonl")
    admin = ("--odoo-user", "admin", "--journal", journal, "--db", db_url)
    before_rows = mails(db_url)
    before = check_line("--db", db_url)
    retried = run_cli("retry", "--all-failed", "--yes", *admin)
    assert retried.returncode == 0, retried.stderr
    assert "failures_last_hour=0 " in run_cli("check", "--db", db_url).stdout
    undone = run_cli("undo", "--yes", *admin)
    assert undone.returncode == 0 and "Undid" in undone.stdout, undone.stderr
    assert_same_check(before, check_line("--db", db_url))
    assert mails(db_url) == before_rows  # every value as it was, to the microsecond


def test_check_on_the_sample_after_retry_and_undo(tmp_path: Path) -> None:
    """The review's case: the bundled sample, the default journal, `odoo-mailq` as is."""
    env = {"XDG_STATE_HOME": str(tmp_path / "state")}
    first = run_cli("check", env=env)
    before = first.stdout, time.time()
    assert "15 failures in the last hour" in before[0]
    assert run_cli("retry", "--all-failed", "--yes", env=env).returncode == 0
    assert run_cli("undo", "--yes", env=env).returncode == 0
    after = run_cli("check", env=env).stdout, time.time()
    assert_same_check(before, after)
    assert "65 failures" not in after[0]


def test_the_journal_keeps_the_former_writes_compactly(tmp_path: Path) -> None:
    url = build_sqlite(tmp_path, 17)
    path = url.removeprefix("sqlite:///")
    journal = Journal(tmp_path / "j.jsonl")
    with sqlite3.connect(path) as db:
        failed = [r[0] for r in db.execute("SELECT id FROM mail_mail WHERE state = 'exception'")]
        stored = dict(db.execute("SELECT id, write_date FROM mail_mail"))
        uids = dict(db.execute("SELECT id, write_uid FROM mail_mail"))
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        Operator(backend, journal, "admin").retry(failed)
    finally:
        backend.close()
    line = json.loads(journal.path.read_text().splitlines()[-1])
    writes = line["previous_writes"]
    assert set(writes) == {"ids", "write_uid", "write_date"}
    assert writes["ids"] == sorted(failed)
    assert writes["write_date"] == [stored[i] for i in sorted(failed)]  # the stored text
    assert writes["write_uid"] == [uids[i] for i in sorted(failed)]
    assert line["written"]["write_uid"] != 1  # admin
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", line["written"]["write_date"])


def test_a_row_written_by_someone_else_since_gets_a_fresh_date(db_url: str, tmp_path: Path) -> None:
    """Still in the state the retry left, but edited since: its state goes back, and its
    write_uid/write_date say this undo wrote it (not the retry's former values)."""
    failed = [
        r[0]
        for r in rows(
            db_url, "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id LIMIT 3"
        )
    ]
    before = mails(db_url)
    journal = Journal(tmp_path / "j.jsonl")
    backend = open_backend(ConnectionSettings(db_url=db_url))
    try:
        operator = Operator(backend, journal)
        operator.retry(failed)
        edited = datetime(2030, 1, 2, 3, 4, 5)
        execute(
            db_url,
            "UPDATE mail_mail SET write_uid = 2, write_date = :at WHERE id = :i",
            at=edited,
            i=failed[0],
        )
        started = utcnow_naive() - timedelta(seconds=5)
        outcome = operator.undo()
    finally:
        backend.close()
    assert sorted(outcome.applied) == sorted(failed)
    after = mails(db_url)
    assert after[failed[1]] == before[failed[1]] and after[failed[2]] == before[failed[2]]
    state, write_uid, write_date = after[failed[0]][1], after[failed[0]][4], after[failed[0]][5]
    assert state == "exception" and write_uid == 1
    written = write_date if isinstance(write_date, datetime) else datetime.fromisoformat(write_date)
    assert written >= started and written != edited


def test_an_older_journal_line_without_former_writes_is_undone_as_before(tmp_path: Path) -> None:
    url = build_sqlite(tmp_path, 17)
    failed = [
        r[0]
        for r in rows(url, "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id LIMIT 2")
    ]
    journal = Journal(tmp_path / "j.jsonl")
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        operator = Operator(backend, journal)
        operator.retry(failed)
        line = json.loads(journal.path.read_text())
        del line["previous_writes"], line["written"]
        journal.path.write_text(json.dumps(line) + "\n")
        assert sorted(operator.undo().applied) == sorted(failed)
    finally:
        backend.close()
    assert {
        r[0]
        for r in rows(url, f"SELECT state FROM mail_mail WHERE id IN ({failed[0]}, {failed[1]})")
    } == {"exception"}


def test_rows_retried_past_a_held_row_get_their_dates_back(
    pg_db_factory: Any, tmp_path: Path
) -> None:
    """A held row sends the retry the guarded (SKIP LOCKED) way: the former values still
    come from the rows it locked, and undo restores them."""
    url = build_postgres(pg_db_factory(), 17)
    failed = [
        r[0]
        for r in rows(url, "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id LIMIT 4")
    ]
    before = mails(url)
    engine = create_engine(url)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with engine.begin() as connection:
            connection.execute(
                text("SELECT id FROM mail_mail WHERE id = :i FOR UPDATE"), {"i": failed[0]}
            )
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        operator = Operator(backend, Journal(tmp_path / "j.jsonl"))
        outcome = operator.retry(failed)
        assert sorted(outcome.applied) == sorted(failed[1:])
        release.set()
        holder.join()
        assert sorted(operator.undo().applied) == sorted(failed[1:])
    finally:
        release.set()
        holder.join()
        backend.close()
        engine.dispose()
    assert mails(url) == before


def test_cancel_and_its_undo_leave_the_mails_as_they_were(db_url: str, tmp_path: Path) -> None:
    outgoing = [
        r[0]
        for r in rows(
            db_url, "SELECT id FROM mail_mail WHERE state = 'outgoing' ORDER BY id LIMIT 3"
        )
    ]
    before = mails(db_url)
    journal = str(tmp_path / "j.jsonl")
    common = ("--yes", "--odoo-user", "admin", "--db", db_url, "--journal", journal)
    assert run_cli("cancel", *map(str, outgoing), *common).returncode == 0
    assert {mails(db_url)[i][1] for i in outgoing} == {"cancel"}
    undone = run_cli("undo", *common)
    assert undone.returncode == 0 and "Undid 3 mails" in undone.stdout, undone.stderr
    assert mails(db_url) == before
