"""The bundled sample from the command line: `logs` reads the sample's own Odoo log (moved in
time with the copy), `logs --mail` finds mails Odoo already deleted, and Send now and the
probe refuse its fictitious servers without touching a row, while a copy whose servers
point at a real (loopback) SMTP server sends."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from console.config.sample import BUNDLED_LOG, BUNDLED_SAMPLE
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import sql

TABLES = ("mail_mail", "mail_message", "mail_notification", "mailing_trace", "ir_cron")


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A state directory of its own: the console copies the sample (and its log) there."""
    return {"XDG_STATE_HOME": str(tmp_path_factory.mktemp("state"))}


def copy_of(state: dict[str, str]) -> Path:
    return Path(state["XDG_STATE_HOME"]) / "odoo-mailq" / "sample.sqlite"


def snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


def outgoing(path: Path) -> int:
    query = "SELECT id FROM mail_mail WHERE state = 'outgoing' AND mailing_id IS NULL"
    return int(str(sql(path, query + " ORDER BY id DESC LIMIT 1")[0][0]))


def test_logs_reads_the_samples_own_log_at_the_copys_times(state: dict[str, str]) -> None:
    done = run_cli("logs", "--since", "150m", "--json", env=state)
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    since = datetime.now() - timedelta(minutes=152)
    assert records and all(r["source"] == "sample.log" for r in records)
    assert all(datetime.fromisoformat(r["time"]).replace(tzinfo=None) >= since for r in records)
    # the queue cron's run that started two hours ago and never ended
    assert records[0]["message"] == "Starting job `Mail: Email Queue Manager`. "

    text = run_cli("logs", env=state)
    assert text.returncode == 0 and "==> sample.log <==" in text.stdout
    assert "successfully sent" in text.stdout and "Traceback" not in text.stderr


def test_logs_mail_finds_a_failed_mail_of_the_sample(state: dict[str, str]) -> None:
    failed = sql(
        BUNDLED_SAMPLE,
        "SELECT id FROM mail_mail WHERE failure_reason LIKE 'Mail Delivery Failed%' LIMIT 1",
    )[0][0]
    done = run_cli("logs", "--mail", str(failed), env=state)
    assert done.returncode == 0, done.stderr
    assert f"failed sending mail (id: {failed}) due to Mail Delivery Failed" in done.stdout
    assert "smtplib." in done.stdout  # the traceback came with its record


def test_logs_mail_of_a_deleted_mail_matches_its_id(state: dict[str, str]) -> None:
    logged = {int(i) for i in re.findall(r"Mail with ID (\d+) ", BUNDLED_LOG.read_text())}
    kept = {int(str(r[0])) for r in sql(BUNDLED_SAMPLE, "SELECT id FROM mail_mail")}
    gone = min(logged - kept)
    done = run_cli("logs", "--mail", str(gone), env=state)
    assert done.returncode == 0, done.stderr
    assert f"Mail with ID {gone} and Message-Id" in done.stdout
    note = done.stderr.strip().splitlines()
    assert len(note) == 1 and "no longer in the database" in note[0] and "id only" in note[0]
    assert "error" not in note[0]

    nowhere = run_cli("logs", "--mail", "999999", env=state)
    assert_one_line_error(nowhere, "no mail with id 999999", "sample.log")


def test_send_now_and_the_probe_refuse_the_fictitious_servers(state: dict[str, str]) -> None:
    run_cli("logs", "--limit", "1", env=state)  # the copy exists
    path = copy_of(state)
    before = snapshot(path)
    target = outgoing(path)
    refused = run_cli("send", str(target), "--yes", env=state)
    line = assert_one_line_error(refused, "fictitious", "nothing was sent", "no mail was changed")
    assert "smtp-relay.brevo.example" in line and "--db" in line
    probe = run_cli("probe", env=state)
    assert_one_line_error(probe, "fictitious", "nothing was contacted")
    assert snapshot(path) == before
    assert not (path.parent / "journal.jsonl").exists()  # refused before the journal


def test_a_copy_of_the_sample_sends_once_its_servers_are_real(sample_path: Path) -> None:
    """The marker travels with the copy; pointing its servers at an SMTP server lifts it."""
    target, db = outgoing(sample_path), f"sqlite:///{sample_path}"
    journal = ["--journal", str(sample_path.parent / "journal.jsonl")]
    before = snapshot(sample_path)
    assert_one_line_error(run_cli("send", str(target), "--db", db, "--yes", *journal), "fictitious")
    assert snapshot(sample_path) == before
    with SmtpTestServer() as smtp:
        sql(
            sample_path,
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = ?, "
            "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL",
            smtp.port,
        )
        sent = run_cli("send", str(target), "--db", db, "--yes", "--json", *journal)
        assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["applied"] == [target]
    # sent, then deleted as Odoo does with auto_delete
    assert sql(sample_path, "SELECT state FROM mail_mail WHERE id = ?", target) in ([], [("sent",)])
    assert len(smtp.received) == 1
