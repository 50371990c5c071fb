"""Retry, cancel, ignore and undo write exactly what Odoo's buttons write (docs/odoo-actions.md).

Each test builds its own database (they write), on SQLite and on PostgreSQL, in the
shapes of Odoo 16, 17 and 18, and compares whole tables before and after.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.domain.errors import ReadOnlyRefused, UsageError
from console.domain.timefmt import utcnow_naive
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.odoo_dbs import build_postgres, build_sqlite
from tests.helpers.cli import run_cli
from tests.helpers.db import execute, rows

CASES = [(e, v) for e in ("sqlite", "pg") for v in (16, 17, 18)]


@pytest.fixture(params=CASES, ids=[f"{e}-odoo{v}" for e, v in CASES])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    engine, version = request.param
    if engine == "sqlite":
        return build_sqlite(tmp_path, version)
    factory = request.getfixturevalue("pg_db_factory")
    return build_postgres(factory(), version)


@pytest.fixture
def backend(db_url: str) -> Iterator[SqlBackend]:
    opened = open_backend(ConnectionSettings(db_url=db_url))
    yield opened
    opened.close()


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.jsonl")


def as_datetime(value: Any) -> datetime:
    """SQLite hands raw SQL timestamps back as text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def ids_in(url: str, state: str, limit: int) -> list[int]:
    found = rows(
        url, "SELECT id FROM mail_mail WHERE state = :s ORDER BY id LIMIT :n", s=state, n=limit
    )
    return [r[0] for r in found]


MAIL_COLUMNS = "id, state, failure_type, failure_reason, write_uid, write_date, mail_message_id"
NOTIF_COLUMNS = (
    "id, mail_message_id, mail_mail_id, res_partner_id, notification_status, "
    "failure_type, failure_reason"
)


def snapshot(url: str) -> tuple[dict[int, tuple[Any, ...]], dict[int, tuple[Any, ...]]]:
    mails = {r[0]: r for r in rows(url, f"SELECT {MAIL_COLUMNS} FROM mail_mail")}
    notifs = {r[0]: r for r in rows(url, f"SELECT {NOTIF_COLUMNS} FROM mail_notification")}
    return mails, notifs


def test_retry_writes_state_and_log_access_only(
    backend: SqlBackend, db_url: str, journal: Journal
) -> None:
    failed = ids_in(db_url, "exception", 3)
    cancelled = ids_in(db_url, "cancel", 1)
    sent = ids_in(db_url, "sent", 1)
    mails_before, notifs_before = snapshot(db_url)
    started = utcnow_naive() - timedelta(seconds=5)
    outcome = Operator(backend, journal, "admin").retry(failed + cancelled + sent)
    assert sorted(outcome.applied) == sorted(failed + cancelled)
    assert set(outcome.skipped) == set(sent)
    assert "now 'sent'" in outcome.skipped[sent[0]]
    assert "Odoo's Email Queue Manager" in outcome.message()
    mails_after, notifs_after = snapshot(db_url)
    admin = rows(db_url, "SELECT id FROM res_users WHERE login = 'admin'")[0][0]
    for mail_id, before in mails_before.items():
        after = mails_after[mail_id]
        if mail_id in failed + cancelled:
            # mark_outgoing writes the state only: failure_type/reason stay (docs/odoo-actions.md).
            assert after[1] == "outgoing"
            assert after[2:4] == before[2:4]
            assert after[4] == admin
            assert as_datetime(after[5]) >= started
        else:
            assert after == before
    assert notifs_after == notifs_before  # Retry never touches notifications


def test_bulk_retry_only_takes_failed_mails(
    backend: SqlBackend, db_url: str, journal: Journal
) -> None:
    failed = ids_in(db_url, "exception", 2)
    cancelled = ids_in(db_url, "cancel", 1)
    outcome = Operator(backend, journal).retry(failed + cancelled, include_cancelled=False)
    assert sorted(outcome.applied) == sorted(failed)
    assert set(outcome.skipped) == set(cancelled)
    superuser = rows(db_url, "SELECT write_uid FROM mail_mail WHERE id = :i", i=failed[0])[0][0]
    assert superuser == 1  # default acting user: the superuser, like Odoo's crons


def test_cancel_keeps_the_rows_and_the_notifications(
    backend: SqlBackend, db_url: str, journal: Journal
) -> None:
    outgoing = ids_in(db_url, "outgoing", 4)
    failed = ids_in(db_url, "exception", 1)
    mails_before, notifs_before = snapshot(db_url)
    outcome = Operator(backend, journal).cancel(outgoing + failed)
    assert sorted(outcome.applied) == sorted(outgoing)
    assert set(outcome.skipped) == set(failed)
    mails_after, notifs_after = snapshot(db_url)
    assert set(mails_after) == set(mails_before)  # cancel is not delete
    assert all(mails_after[i][1] == "cancel" for i in outgoing)
    assert notifs_after == notifs_before


def test_ignore_cancels_failed_notifications_of_the_messages(
    backend: SqlBackend, db_url: str, journal: Journal
) -> None:
    target = rows(
        db_url,
        "SELECT m.id, m.mail_message_id FROM mail_mail m WHERE m.state = 'exception' AND EXISTS "
        "(SELECT 1 FROM mail_notification n WHERE n.mail_message_id = m.mail_message_id "
        "AND n.notification_type = 'email' AND n.notification_status IN ('exception', 'bounce')) "
        "ORDER BY m.id LIMIT 2",
    )
    mail_ids = [r[0] for r in target]
    messages = {r[1] for r in target}
    mails_before, notifs_before = snapshot(db_url)
    outcome = Operator(backend, journal).ignore(mail_ids)
    assert sorted(outcome.applied) == sorted(mail_ids)
    mails_after, notifs_after = snapshot(db_url)
    assert mails_after == mails_before  # "no mail_mail row is touched"
    types = dict(rows(db_url, "SELECT id, notification_type FROM mail_notification"))
    for notif_id, before in notifs_before.items():
        after = notifs_after[notif_id]
        if (
            before[1] in messages
            and types[notif_id] == "email"
            and before[4] in ("exception", "bounce")
        ):
            assert after[4] == "canceled"
            assert after[5:] == before[5:]  # failure_type and failure_reason are kept
            assert outcome.notifications[notif_id] == before[4]
        else:
            assert after == before


def test_undo_restores_what_is_still_as_the_action_left_it(
    backend: SqlBackend, db_url: str, journal: Journal
) -> None:
    failed = ids_in(db_url, "exception", 3)
    operator = Operator(backend, journal)
    operator.retry(failed)
    execute(
        db_url, "UPDATE mail_mail SET state = 'sent' WHERE id = :i", i=failed[0]
    )  # Odoo sent it
    outcome = operator.undo()
    assert sorted(outcome.applied) == sorted(failed[1:])
    assert set(outcome.skipped) == {failed[0]}
    states = dict(
        rows(
            db_url,
            "SELECT id, state FROM mail_mail WHERE id IN (:a, :b, :c)",
            a=failed[0],
            b=failed[1],
            c=failed[2],
        )
    )
    assert states == {failed[0]: "sent", failed[1]: "exception", failed[2]: "exception"}
    with pytest.raises(UsageError, match="Nothing to undo"):
        operator.undo()


def test_undo_puts_each_mail_back_in_its_own_state_also_from_older_journal_lines(
    backend: SqlBackend, db_url: str, journal: Journal
) -> None:
    failed = ids_in(db_url, "exception", 2)
    cancelled = ids_in(db_url, "cancel", 1)
    operator = Operator(backend, journal)
    operator.retry(failed + cancelled)
    entry = list(journal.entries())[-1]
    assert entry.data["previous_state_ids"] == {"exception": failed, "cancel": cancelled}
    assert entry.previous_states == {**dict.fromkeys(failed, "exception"), cancelled[0]: "cancel"}
    assert sorted(operator.undo().applied) == sorted(failed + cancelled)
    states = dict(rows(db_url, "SELECT id, state FROM mail_mail"))
    assert [states[i] for i in [*failed, *cancelled]] == ["exception", "exception", "cancel"]
    # A line in the form journals had before ({id: state}) is undone the same way.
    operator.retry(failed)
    line = json.loads(journal.path.read_text().splitlines()[-1])
    line["previous_states"] = {str(i): "exception" for i in failed}
    del line["previous_state_ids"]
    journal.path.write_text(journal.path.read_text() + json.dumps(line) + "\n")
    assert sorted(operator.undo().applied) == sorted(failed)
    states = dict(rows(db_url, "SELECT id, state FROM mail_mail"))
    assert [states[i] for i in failed] == ["exception", "exception"]


def test_undo_of_ignore_restores_notification_statuses(
    backend: SqlBackend, db_url: str, journal: Journal
) -> None:
    failed = ids_in(db_url, "exception", 5)
    _, notifs_before = snapshot(db_url)
    operator = Operator(backend, journal)
    ignored = operator.ignore(failed)
    assert ignored.notifications
    operator.undo()
    _, notifs_after = snapshot(db_url)
    assert notifs_after == notifs_before


def test_journal_records_who_what_and_before(
    backend: SqlBackend, db_url: str, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "203.0.113.9 52144 10.0.0.5 22")
    failed = ids_in(db_url, "exception", 2)
    Operator(backend, journal).retry(failed)
    entry = list(journal.entries())[-1].data
    assert entry["action"] == "retry"
    assert entry["ssh_origin"] == "203.0.113.9"
    assert entry["ids"] == failed
    assert entry["previous_state_ids"] == {"exception": failed}
    assert list(journal.entries())[-1].previous_states == dict.fromkeys(failed, "exception")
    assert entry["odoo_version"] == backend.info.odoo_version_label
    assert entry["os_user"]
    assert entry["time"].endswith("Z")
    assert "Retried 2 mails" in entry["result"]
    assert (journal.path.stat().st_mode & 0o777) == 0o600


def test_read_only_refuses_before_the_database(db_url: str, journal: Journal) -> None:
    backend = open_backend(ConnectionSettings(db_url=db_url, read_only=True))
    try:
        before = snapshot(db_url)
        operator = Operator(backend, journal)
        failed = ids_in(db_url, "exception", 2)
        for action in (operator.retry, operator.cancel, operator.ignore):
            with pytest.raises(ReadOnlyRefused):
                action(failed)
        with pytest.raises(ReadOnlyRefused):
            operator.undo()
        assert snapshot(db_url) == before
        assert list(journal.entries()) == []
    finally:
        backend.close()


def test_row_held_by_another_transaction_is_skipped_not_waited_for(
    pg_db_factory: Any, journal: Journal
) -> None:
    """Rows Odoo holds (a row lock, or its own uncommitted write) are skipped at once; a key
    share lock (a foreign key check of an insert elsewhere) does not stop the write."""
    url = build_postgres(pg_db_factory(), 17)
    failed = ids_in(url, "exception", 5)
    gone = 10_000_000
    engine = create_engine(url)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with engine.begin() as connection:
            connection.execute(
                text("SELECT id FROM mail_mail WHERE id = :i FOR UPDATE"), {"i": failed[0]}
            )
            connection.execute(
                text("UPDATE mail_mail SET write_date = now() WHERE id = :i"), {"i": failed[1]}
            )
            connection.execute(
                text("SELECT id FROM mail_mail WHERE id = :i FOR KEY SHARE"), {"i": failed[2]}
            )
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        started = time.monotonic()
        outcome = Operator(backend, journal).retry([*failed, gone])
        # Not waited for: the plain UPDATE gives up within 10 ms, the guarded one skips.
        # (Waiting would take the session's whole 5 s lock_timeout, then fail.)
        assert time.monotonic() - started < 4.0
    finally:
        release.set()
        holder.join()
        backend.close()
        engine.dispose()
    assert sorted(outcome.applied) == sorted(failed[2:])
    assert set(outcome.skipped) == {failed[0], failed[1], gone}
    assert "locked" in outcome.skipped[failed[0]] and "locked" in outcome.skipped[failed[1]]
    assert "no such mail" in outcome.skipped[gone]
    assert outcome.previous == dict.fromkeys(failed[2:], "exception")


def test_a_bulk_write_leaves_the_sessions_lock_timeout_as_it_was(pg_db_factory: Any) -> None:
    """The plain UPDATE waits at most 10 ms for a held row; the rest of the transaction
    keeps the session's 5 s (a table lock is still waited for, not failed at once)."""
    from console.domain.actions import RETRYABLE_STATES
    from console.odoo import writes

    url = build_postgres(pg_db_factory(), 17)
    failed = ids_in(url, "exception", 4) + ids_in(url, "cancel", 2)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        with backend.write_transaction() as connection:
            outcome = writes.set_mail_state(
                connection,
                backend.schema,
                "retry",
                failed,
                from_states=RETRYABLE_STATES,
                to_state="outgoing",
                uid=1,
                now=utcnow_naive(),
            )
            assert connection.exec_driver_sql("SHOW lock_timeout").scalar_one() == "5s"
    finally:
        backend.close()
    assert sorted(outcome.applied) == sorted(failed) and not outcome.skipped
    assert set(outcome.previous.values()) == {"exception", "cancel"}


def test_cli_actions_exit_codes_and_json(tmp_path: Path) -> None:
    url = build_sqlite(tmp_path, 17)
    journal = str(tmp_path / "j.jsonl")
    failed = ids_in(url, "exception", 2)
    sent = ids_in(url, "sent", 1)
    refused = run_cli("retry", str(failed[0]), "--db", url, "--journal", journal)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert rows(url, "SELECT state FROM mail_mail WHERE id = :i", i=failed[0]) == [("exception",)]
    done = run_cli("retry", str(failed[0]), "--yes", "--json", "--db", url, "--journal", journal)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [failed[0]]
    partial = run_cli(
        "retry", str(failed[1]), str(sent[0]), "--yes", "--db", url, "--journal", journal
    )
    assert partial.returncode == 1
    assert "1 skipped" in partial.stdout
    all_failed = run_cli(
        "retry", "--all-failed", "--yes", "--json", "--db", url, "--journal", journal
    )
    remaining = rows(url, "SELECT count(*) FROM mail_mail WHERE state = 'exception'")[0][0]
    assert all_failed.returncode == 0 and remaining == 0
    audit = json.loads(run_cli("audit", "--json", "--journal", journal).stdout)
    assert [e["action"] for e in audit] == ["retry", "retry", "retry"]
    undo = run_cli("undo", "--yes", "--db", url, "--journal", journal)
    assert undo.returncode == 0, undo.stderr
    assert rows(url, "SELECT count(*) FROM mail_mail WHERE state = 'exception'")[0][0] > 0
    ro = run_cli(
        "cancel", str(failed[0]), "--yes", "--read-only", "--db", url, "--journal", journal
    )
    assert ro.returncode == 2 and "read-only" in ro.stderr.lower()
