"""Mails that are big in every direction: the export and Send now stay bounded.

Real databases (SQLite copies of a generated Odoo 17), the real CLI in a child process,
a real SMTP server (aiosmtpd) on loopback. A body of 200,000 nested <div>s is exported
and sent without a traceback; a mail with thousands of partners streams to ``-o -``
one message at a time (observed from outside: the first message arrives while the
export, blocked on the pipe, has used little memory); past a limit the export stops
with one line and exit 2, and Send now leaves the mail to Odoo's queue.
"""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import os
import sqlite3
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from console.domain.timefmt import utcnow_naive
from console.services.send.send_now import send_now
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import ROOT, assert_one_line_error, run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import UID, add_mail

DEPTH = 200_000
PARTNERS = 3_000
MEMORY_BOUND_MB = 150  # building all 3,000 messages first takes over 500 MB


@pytest.fixture
def db(make_db: MakeDb) -> Db:
    made = make_db("sqlite", 17)
    made.cancel_outgoing()
    return made


def add_partners(db: Db, mail_id: int, count: int) -> None:
    """Many recipient partners at once (the test helper inserts one per connection)."""
    now = utcnow_naive().isoformat(sep=" ")
    with sqlite3.connect(db.url.removeprefix("sqlite:///")) as connection:
        first = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM res_partner").fetchone()
        ids = range(int(first[0]), int(first[0]) + count)
        connection.executemany(
            "INSERT INTO res_partner (id, name, complete_name, email, type, active, "
            "create_uid, create_date, write_uid, write_date) "
            "VALUES (?, ?, ?, ?, 'contact', 1, 1, ?, 1, ?)",
            [(i, f"P{i:07d}", f"P{i:07d}", f"p{i}@example.org", now, now) for i in ids],
        )
        connection.executemany(
            "INSERT INTO mail_mail_res_partner_rel (mail_mail_id, res_partner_id) VALUES (?, ?)",
            [(mail_id, i) for i in ids],
        )


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_part(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).strip()


# -- deep nesting ----------------------------------------------------------------------------
def test_200000_nested_divs_export_and_send(db: Db) -> None:
    body = "<div>" * DEPTH + "<p>deep <b>text</b></p>" + "</div>" * DEPTH
    mail_id = add_mail(db, email_to="x@example.org", body=body).id

    done = run_cli("--db", db.url, "export-eml", str(mail_id), "-o", "-", binary=True)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    exported = parse(done.stdout)
    # Odoo's parser (libxml2) stops past depth 256, so Odoo's text part is empty, not absent
    assert text_part(exported) == ""

    with SmtpTestServer() as smtp:
        db.sql(
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = :port, "
            "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL",
            port=smtp.port,
        )
        sent = run_cli("--db", db.url, "send", str(mail_id), "--yes", "--json")
    assert sent.returncode == 0, sent.stderr
    assert "Traceback" not in sent.stderr
    assert json.loads(sent.stdout)["applied"] == [mail_id]
    (received,) = smtp.messages()
    assert text_part(received) == ""
    html = received.get_body(("html",))
    assert html is not None and str(html.get_content()).count("<div>") == DEPTH
    assert db.sql("SELECT state FROM mail_mail WHERE id = :i", i=mail_id) == [("sent",)]


# -- thousands of partners ---------------------------------------------------------------------
def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
def test_thousands_of_partners_stream_to_stdout_one_at_a_time(db: Db, tmp_path: Path) -> None:
    body = "<p>Hello,</p><p>" + "Your invoice is attached. " * 200 + "</p>"
    mail_id = add_mail(db, body=body).id
    add_partners(db, mail_id, PARTNERS)
    env = {k: v for k, v in os.environ.items() if k != "ODOO_MAILQ_DB"}
    command = [sys.executable, "-m", "console", "--db", db.url]
    child = subprocess.Popen(
        [*command, "export-eml", str(mail_id), "--all", "-o", "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    assert child.stdout is not None
    try:
        received = b""
        while received.count(b"\nFrom ") < 1:  # the second message has begun
            chunk = child.stdout.read1(65536)
            assert chunk, child.stderr.read() if child.stderr else "no output"
            received += chunk
        # We stop reading: the export blocks on the full pipe after a few messages. Had it
        # built every message before writing the first, it would have needed far more.
        assert child.poll() is None
        assert peak_memory_mb(child.pid) < MEMORY_BOUND_MB
        first = received.split(b"\nFrom ", 1)[0]
        assert first.startswith(b"From ")
        ((lowest,),) = db.sql("SELECT MIN(id) FROM res_partner WHERE name LIKE 'P0%'")
        to = str(parse(first.split(b"\n", 1)[1])["To"])
        assert to == f"P{lowest:07d} <p{lowest}@example.org>"  # Odoo's first: by name
        received += child.stdout.read()
    finally:
        child.stdout.close()
        code = child.wait(timeout=300)
    assert code == 0
    path = tmp_path / "all.mbox"
    path.write_bytes(received)
    messages = list(mailbox.mbox(path))
    assert len(messages) == PARTNERS
    assert len({str(m["To"]) for m in messages}) == PARTNERS


def test_only_the_first_message_without_all(db: Db) -> None:
    mail_id = add_mail(db).id
    add_partners(db, mail_id, PARTNERS)
    done = run_cli("--db", db.url, "export-eml", str(mail_id), "-o", "-", binary=True)
    assert done.returncode == 0, done.stderr
    assert parse(done.stdout)["To"] is not None and done.stdout.count(b"Message-Id:") == 1
    assert f"message 1 of {PARTNERS}".encode() in done.stderr


# -- limits ------------------------------------------------------------------------------------
def test_limits_stop_the_export_with_one_line(db: Db, tmp_path: Path) -> None:
    big = add_mail(db, email_to="x@example.org", body="<p>" + "word " * 300_000 + "</p>").id
    target = tmp_path / "big.eml"
    done = run_cli(
        "--db", db.url, "export-eml", str(big), "-o", str(target), "--max-message-mb", "1"
    )
    line = assert_one_line_error(done)
    assert "over the export's limit of 1 MB per message" in line
    assert "--max-message-mb 10 raises it" in line
    assert not target.exists()
    done = run_cli(
        "--db", db.url, "export-eml", str(big), "-o", str(target), "--max-message-mb", "5"
    )
    assert done.returncode == 0, done.stderr
    assert target.stat().st_size > 1_500_000

    many = add_mail(db).id
    add_partners(db, many, 20)
    done = run_cli("--db", db.url, "export-eml", str(many), "-o", "-", "--max-recipients", "10")
    assert "more than 10 recipient partners" in assert_one_line_error(done)
    assert "--max-recipients N raises it" in assert_one_line_error(done)
    assert done.stdout == ""
    for bad in (("--max-message-mb", "0"), ("--max-recipients", "0")):
        done = run_cli("--db", db.url, "export-eml", str(many), "-o", "-", *bad)
        assert bad[0] in assert_one_line_error(done)


def test_send_now_leaves_a_too_big_mail_to_odoo(db: Db) -> None:
    mail_id = add_mail(db, email_to="x@example.org", body="<p>" + "word " * 300_000 + "</p>").id
    with SmtpTestServer() as smtp:
        db.sql(
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = :port, "
            "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL",
            port=smtp.port,
        )
        backend = db.backend()
        report = send_now(backend, [mail_id], uid=UID, max_message_mb=1)
    assert report.sent == [] and report.failed == {}
    assert "more than the 1 MB the console builds in memory" in report.skipped[mail_id]
    assert "asked Odoo's queue to run instead" in report.skipped[mail_id]
    assert smtp.received == []
    assert db.sql("SELECT state FROM mail_mail WHERE id = :i", i=mail_id) == [("outgoing",)]
    assert db.sql("SELECT count(*) FROM ir_cron_trigger")[0][0] >= 1  # Odoo's queue asked
