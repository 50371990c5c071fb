"""An action is journaled before it counts.

A journal that cannot be appended to refuses every action before the database is touched
(one line: which file, why, --journal); a journal line that cannot be written inside the
transaction rolls the action back; a commit that fails after the line was written gets a
line saying it was rolled back, and audit and undo take it as not applied. Through the CLI
on SQLite and PostgreSQL, and through the TUI at 80x24.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from testkit.odoo_dbs import build_postgres, build_sqlite
from tests.helpers.cli import ROOT, run_cli
from tests.helpers.db import rows, state_ids
from tests.helpers.tui import SIZE, dialog, make_app, settle, started

FULL = Path("/dev/full")  # opens for writing, every write fails (ENOSPC)


def sqlite_db(tmp_path: Path) -> tuple[str, Path]:
    url = build_sqlite(tmp_path, 17)
    return url, Path(url.removeprefix("sqlite:///"))


def closed_servers(path: Path) -> None:
    """The generated database's servers (fictitious: Send now refuses them) to a closed
    loopback port."""
    from testkit.net import free_port

    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = ?, "
            "smtp_encryption = 'none'",
            (free_port(),),
        )


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def first(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute(sql).fetchone()[0])


def action_commands(path: Path) -> dict[str, list[str]]:
    """One command line per action, each with a target it would really change."""
    failed = first(path, "SELECT min(id) FROM mail_mail WHERE state = 'exception'")
    ignorable = first(
        path,
        "SELECT min(m.id) FROM mail_mail m JOIN mail_notification n "
        "ON n.mail_message_id = m.mail_message_id WHERE m.state = 'exception' "
        "AND n.notification_type = 'email' AND n.notification_status IN ('exception', 'bounce')",
    )
    outgoing = first(
        path, "SELECT min(id) FROM mail_mail WHERE state = 'outgoing' AND mailing_id IS NULL"
    )
    queued = first(path, "SELECT min(id) FROM mailing_mailing WHERE state = 'in_queue'")
    return {
        "retry": ["retry", str(failed)],
        "cancel": ["cancel", str(outgoing)],
        "ignore": ["ignore", str(ignorable)],
        "send": ["send", str(outgoing)],
        "cancel-campaign": ["cancel-campaign", str(queued)],
        "set-interval": ["set-interval", "20", "minutes"],
        "trigger": ["trigger"],
        "undo": ["undo"],
    }


ACTIONS = [
    "retry",
    "cancel",
    "ignore",
    "send",
    "cancel-campaign",
    "set-interval",
    "trigger",
    "undo",
]


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unwritable_journal_refuses_every_action_before_the_database(
    tmp_path: Path, action: str
) -> None:
    url, path = sqlite_db(tmp_path)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("a file, not a folder\n")
    journal = a_file / "journal.jsonl"
    before = dump(path)
    command = action_commands(path)[action]
    done = run_cli(*command, "--yes", "--db", url, "--journal", str(journal))
    assert done.returncode == 2, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"Cannot write the journal {journal}: {a_file} is not a folder" in lines[0]
    assert "nothing was changed" in lines[0] and "--journal PATH" in lines[0]
    assert done.stdout == ""
    assert dump(path) == before
    # Without --yes: refused for the journal before any question is asked.
    unasked = run_cli(*command, "--db", url, "--journal", str(journal))
    assert "Cannot write the journal" in unasked.stderr and "--yes" not in unasked.stderr
    assert dump(path) == before


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full")
@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "undo"])
def test_a_journal_line_that_cannot_be_written_rolls_the_action_back(
    tmp_path: Path, action: str
) -> None:
    """/dev/full opens for appending (the check passes) and refuses the line itself: the
    transaction that was about to commit is rolled back."""
    url, path = sqlite_db(tmp_path)
    if action == "send":  # past the sample's fictitious servers (the journal fails first)
        closed_servers(path)
    before = dump(path)
    done = run_cli(*action_commands(path)[action], "--yes", "--db", url, "--journal", str(FULL))
    assert done.returncode == 2, done
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Cannot write the journal /dev/full: No space left on device" in lines[0]
    assert dump(path) == before


def test_the_journal_is_0600_and_the_check_creates_nothing_else(tmp_path: Path) -> None:
    url, path = sqlite_db(tmp_path)
    journal = tmp_path / "new" / "j.jsonl"
    done = run_cli(*action_commands(path)["retry"], "--yes", "--db", url, "--journal", str(journal))
    assert done.returncode == 0, done.stderr
    assert journal.stat().st_mode & 0o777 == 0o600
    assert (journal.parent.stat().st_mode & 0o777) == 0o700
    assert [json.loads(line)["action"] for line in journal.read_text().splitlines()] == ["retry"]


# ------------------------------------------------------------------ PostgreSQL


def pg_execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(sql)
    finally:
        engine.dispose()


def test_a_commit_that_fails_after_the_line_is_journaled_as_rolled_back(
    pg_db_factory: Any, tmp_path: Path
) -> None:
    """A deferred constraint refuses the COMMIT itself: the journal already has the retry,
    then gets the line saying it was rolled back; audit says so and undo skips it."""
    url = build_postgres(pg_db_factory(), 17)
    journal = tmp_path / "j.jsonl"
    failed = [
        r[0]
        for r in rows(url, "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id LIMIT 2")
    ]
    pg_execute(
        url,
        "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused at commit by a deferred check'; END $$; "
        "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER UPDATE ON mail_mail "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()",
    )
    done = run_cli("retry", *map(str, failed), "--yes", "--db", url, "--journal", str(journal))
    assert done.returncode == 2, done
    assert len(done.stderr.splitlines()) == 1 and "refused at commit" in done.stderr
    states = rows(
        url, f"SELECT DISTINCT state FROM mail_mail WHERE id IN ({failed[0]}, {failed[1]})"
    )
    assert states == [("exception",)]
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [line["action"] for line in lines] == ["retry", "rolled-back"]
    assert lines[1]["rolled_back"] == lines[0]["id"]
    assert "NOT APPLIED" in lines[1]["result"] and "refused at commit" in lines[1]["result"]
    audit = run_cli("audit", "--journal", str(journal))
    assert "[ROLLED BACK, not applied] Retried 2 mails" in audit.stdout
    audit_json = json.loads(run_cli("audit", "--json", "--journal", str(journal)).stdout)
    assert audit_json[0]["rolled_back"] is True
    undo = run_cli("undo", "--yes", "--db", url, "--journal", str(journal))
    assert undo.returncode == 2 and "Nothing to undo" in undo.stderr
    # With the check gone the same retry commits, and undo takes that one.
    pg_execute(url, "DROP TRIGGER refuse_at_commit ON mail_mail")
    assert (
        run_cli(
            "retry", *map(str, failed), "--yes", "--db", url, "--journal", str(journal)
        ).returncode
        == 0
    )
    undo = run_cli("undo", "--yes", "--db", url, "--journal", str(journal))
    assert undo.returncode == 0 and "Undid 2 mails" in undo.stdout


def test_an_undo_whose_line_cannot_be_appended_is_rolled_back(
    pg_db_factory: Any, tmp_path: Path
) -> None:
    """The journal is readable (undo finds the retry) but no byte can be added to it (the
    process's file size limit is the journal's size): the undo is not applied."""
    url = build_postgres(pg_db_factory(), 17)
    journal = tmp_path / "j.jsonl"
    failed = [
        r[0]
        for r in rows(url, "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id LIMIT 3")
    ]
    retried = run_cli("retry", *map(str, failed), "--yes", "--db", url, "--journal", str(journal))
    assert retried.returncode == 0, retried.stderr
    size = journal.stat().st_size

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    env = {k: v for k, v in os.environ.items() if k != "ODOO_MAILQ_DB"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "console", "undo", "--yes", "--db", url, "--journal", str(journal)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
        preexec_fn=limit_file_size,
    )
    assert done.returncode == 2, done
    assert "Cannot write the journal" in done.stderr and "File too large" in done.stderr
    assert journal.stat().st_size == size
    ids = ", ".join(map(str, failed))
    assert rows(url, f"SELECT DISTINCT state FROM mail_mail WHERE id IN ({ids})") == [("outgoing",)]
    undo = run_cli("undo", "--yes", "--db", url, "--journal", str(journal))
    assert undo.returncode == 0 and "Undid 3 mails" in undo.stdout


# ------------------------------------------------------------------ the TUI


async def test_the_tui_refuses_retry_and_send_with_an_unwritable_journal(
    sample_path: Path, tmp_path: Path
) -> None:
    from textual.widgets import Button

    journal = tmp_path / "a-folder"
    journal.mkdir()
    closed_servers(sample_path)  # past the sample's fictitious servers, to the journal
    before = dump(sample_path)
    target = state_ids(sample_path, "exception")[0]
    app = make_app(sample_path, journal_path=journal)

    async def confirm_key(key: str) -> tuple[str, str, str]:
        await pilot.press(key)
        await pilot.pause()
        screen = dialog(app)
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#confirm-go", Button)
        await pilot.press("enter")
        await settle(pilot, app)
        return app.toasts[-1]

    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        title, message, severity = await confirm_key("r")
        assert title == "Retry" and severity == "error"
        assert f"Cannot write the journal {journal}: Is a directory; nothing was changed" in message
        assert "--journal PATH" in message and "Retried" not in message
        await pilot.press("1")
        await settle(pilot, app)
        title, message, severity = await confirm_key("S")
        assert title == "Send now" and severity == "error"
        assert "Cannot write the journal" in message and "stay sent" not in message
    assert dump(sample_path) == before
    assert target in state_ids(sample_path, "exception")


def test_send_journals_its_start_before_its_first_commit(tmp_path: Path) -> None:
    """Send now commits as it goes: its start is in the journal before anything is
    committed, its outcome after (here a refused connection: the mail failed)."""
    url, path = sqlite_db(tmp_path)
    closed_servers(path)
    outgoing = action_commands(path)["send"][1]
    journal = tmp_path / "j.jsonl"
    done = run_cli(
        "send", outgoing, "--include-scheduled", "--yes", "--db", url, "--journal", str(journal)
    )  # the mail may be one of the sample's scheduled for later
    assert done.returncode == 1, done
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [line["action"] for line in lines] == ["send-start", "send"]
    assert lines[0]["ids"] == [int(outgoing)] and lines[1]["failed"]
