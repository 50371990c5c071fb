"""`odoo-mailq pause / resume / hold / release` as an operator's shell runs them, and what
`status`, `check`, `send` and `mails` say of a paused queue and held mails."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import Db
from tests.helpers.mails import add_mail


def cli(db: Db, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("--db", db.url, "--journal", str(tmp_path / "j.jsonl"), *args)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_pause_status_check_send_resume(
    make_db: Callable[[str, int], Db], tmp_path: Path, kind: str
) -> None:
    db = make_db(kind, 17)
    db.cancel_outgoing()
    mail = add_mail(db, email_to="a@x.test")

    code, out, err = cli(db, tmp_path, "pause")  # no terminal: asks for --yes
    assert code == 2 and "needs confirmation" in err
    code, out, _ = cli(db, tmp_path, "pause", "--yes")
    assert code == 0
    assert out.startswith("Paused Odoo's queue. Switched off mail.ir_cron_mail_scheduler_action")
    assert "Pausing does NOT stop:" in out and "Send Now button" in out

    code, out, _ = cli(db, tmp_path, "status", "--json")
    paused = json.loads(out)["paused"]
    assert paused["paused"] is True and paused["force_send_limit_set"] is True
    assert paused["crons"][0]["job"] == "mail.ir_cron_mail_scheduler_action"
    code, out, _ = cli(db, tmp_path, "status")
    assert "QUEUE PAUSED: Odoo's queue is paused by " in out

    code, out, _ = cli(db, tmp_path, "check")
    assert "queue paused" in out and "queue cron inactive" not in out
    assert "queue_paused_min=0" in out

    with SmtpTestServer() as smtp:
        db.point_servers(smtp.port)
        code, out, err = cli(db, tmp_path, "send", str(mail.id), "--yes")
    assert code == 1 and "Send now sends nothing while it is paused" in err
    assert len(err.strip().splitlines()) == 1
    assert smtp.received == []

    code, out, err = cli(db, tmp_path, "pause", "--yes")
    assert code == 2 and "already paused" in err

    code, out, _ = cli(db, tmp_path, "resume", "--yes", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["action"] == "resume"
    assert "cron mail.ir_cron_mail_scheduler_action active again" in data["restored"]
    code, out, _ = cli(db, tmp_path, "status", "--json")
    assert json.loads(out)["paused"] is None
    assert_one_line_error(run_cli("--db", db.url, "resume", "--yes"), "not paused")


def test_hold_release_and_the_held_marker(
    make_db: Callable[[str, int], Db], tmp_path: Path
) -> None:
    db = make_db("sqlite", 18)
    db.cancel_outgoing()
    first = add_mail(db, email_to="a@x.test", subject="Order 1")
    second = add_mail(db, email_to="b@x.test", subject="Order 2")
    other = add_mail(db, email_to="c@x.test", subject="Invoice 3")

    code, out, err = cli(db, tmp_path, "hold", "--all", "--grep", "Order", "--yes", "--json")
    assert code == 0, err
    assert sorted(json.loads(out)["applied"]) == sorted([first.id, second.id])
    code, out, _ = cli(db, tmp_path, "mails", "--state", "outgoing", "--json")
    held = {m["id"]: m["held"] for m in json.loads(out)}
    assert held == {first.id: True, second.id: True, other.id: False}
    code, out, _ = cli(db, tmp_path, "mails", "--state", "outgoing")
    lines = {line.split()[0]: line for line in out.splitlines() if line[:1].isdigit()}
    assert lines[str(first.id)].split()[1] == "HELD"
    assert lines[str(other.id)].split()[1] == "Outgoing"

    code, out, _ = cli(db, tmp_path, "release", str(first.id), "--yes")
    assert code == 0 and out.startswith("Released 1 mail")
    code, out, _ = cli(db, tmp_path, "release", "--all", "--yes")
    assert code == 0 and out.startswith("Released 1 mail")
    code, out, _ = cli(db, tmp_path, "undo", "--yes")  # the last release: held again
    assert code == 0
    code, out, _ = cli(db, tmp_path, "mails", "--state", "outgoing", "--json")
    assert {m["id"] for m in json.loads(out) if m["held"]} == {second.id}


def test_bad_input_is_one_line(make_db: Callable[[str, int], Db], tmp_path: Path) -> None:
    db = make_db("sqlite", 16)
    assert_one_line_error(run_cli("--db", db.url, "hold", "--yes"), "No mail to hold")
    assert_one_line_error(run_cli("--db", db.url, "hold", "1", "--all", "--yes"), "not both")
    assert_one_line_error(run_cli("--db", db.url, "release", "--grep", "x", "--yes"))
    assert_one_line_error(
        run_cli("--db", db.url, "--read-only", "pause", "--yes"), "Read-only session"
    )
    assert_one_line_error(
        run_cli("--db", db.url, "--read-only", "hold", "1", "--yes"), "Read-only session"
    )
