"""`odoo-mailq test-mail` end to end: a real aiosmtpd server on 127.0.0.1, an Odoo-shaped
database whose servers point at it, the console run as a child process. The message is
checked where it arrives; the database is checked unchanged, row for row."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.mailtools import email_normalize
from testkit.net import free_port
from testkit.smtp_server import SmtpTestServer
from tests.helpers.checksum import checksum
from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import Db, MakeDb

USER, PASSWORD = "relay-user@acme-shop.example", "T3st-Ma1l-Pa55!"
TO = "operator@example.net"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def secrets_shown(output: str) -> list[str]:
    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    login = base64.b64encode(PASSWORD.encode()).decode()
    return [s for s in (PASSWORD, plain, login) if s in output]


def default_from(db: Db) -> str:
    backend = open_backend(ConnectionSettings(db_url=db.url))
    try:
        found = backend.default_from_address()
    finally:
        backend.close()
    assert found
    return found


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_a_test_mail_is_delivered_and_nothing_is_written(make_db: MakeDb, kind: str) -> None:
    db = make_db(kind, 17)
    with SmtpTestServer(auth=(USER, PASSWORD)) as smtp:
        db.point_servers(smtp.port, user=USER, password=PASSWORD)
        db.sql("UPDATE ir_mail_server SET from_filter = NULL")
        before = checksum(db.url)
        done = run_cli("test-mail", "--to", TO, "--db", db.url, "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert checksum(db.url) == before  # not a row written, in any mail table
        assert len(smtp.received) == 1
        received = smtp.received[0]
    message = received.message
    assert received.rcpt_tos == (TO,) and report["to"] == [TO]
    assert received.mail_from == report["envelope_from"]
    assert str(message["Subject"]).startswith("Test mail from odoo-mailq")
    assert message["Message-Id"] == report["message_id"] and message["Date"]
    assert message["From"] == report["from"] == default_from(db)
    assert report["delivered"] is True and report["fix"] is None
    commands = [s["command"] for s in report["dialogue"]]
    assert "MAIL FROM:<" + received.mail_from + ">" in commands
    assert f"RCPT TO:<{TO}>" in commands and commands[-1] == "QUIT"
    assert any(c and c.startswith("DATA (") for c in commands)
    auth = next(s for s in report["dialogue"] if s["step"] == "login")
    assert auth["reply"].startswith("235") and "masked" in auth["command"]
    assert secrets_shown(done.stdout + done.stderr) == []


def test_the_from_is_rewritten_as_odoo_would(make_db: MakeDb) -> None:
    """17: no server for the asked From's domain; the one for the default From's domain
    is chosen, and From becomes the default From with the author's name."""
    db = make_db("sqlite", 17)
    notifications = default_from(db)
    domain = notifications.split("@")[1]
    with SmtpTestServer() as smtp:
        db.point_servers(smtp.port)
        db.sql("UPDATE ir_mail_server SET from_filter = :f", f=domain)
        done = run_cli(
            "test-mail", "--to", TO, "--from", "Jane <jane@elsewhere.example>", "--db", db.url
        )
        assert done.returncode == 0, done.stdout + done.stderr
        received = smtp.received[0]
    header_from = str(received.message["From"])
    assert email_normalize(header_from) == notifications and "Jane" in header_from
    assert "rewritten by Odoo's rules from Jane <jane@elsewhere.example>" in done.stdout
    assert f"chosen by from_filter match on {domain}" in done.stdout
    assert "> RCPT TO:<operator@example.net>" in done.stdout
    assert "Delivered:" in done.stdout and "Nothing was written" in done.stdout


def test_a_refused_recipient_fails_with_its_cause(make_db: MakeDb) -> None:
    db = make_db("sqlite", 16)
    with SmtpTestServer(refuse=[TO]) as smtp:
        db.point_servers(smtp.port)
        done = run_cli("test-mail", "--to", TO, "--db", db.url, "--json")
        assert smtp.received == []
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["delivered"] is False
    failed = [s for s in report["dialogue"] if not s["ok"]]
    assert failed[0]["step"] == "rcpt" and failed[0]["code"] == 550
    assert report["cause"] is not None and report["fix"]


def test_a_refused_login_fails_and_shows_no_secret(make_db: MakeDb) -> None:
    db = make_db("pg", 18)
    with SmtpTestServer(auth=(USER, "another password"), auth_echo=True) as smtp:
        db.point_servers(smtp.port, user=USER, password=PASSWORD)
        done = run_cli("test-mail", "--to", TO, "--db", db.url)
        assert smtp.received == []
    assert done.returncode == 1, done.stderr
    assert "FAILED: login failed" in done.stdout and "535" in done.stdout
    assert "do: " in done.stdout
    assert secrets_shown(done.stdout + done.stderr) == []


def test_a_server_that_is_down_fails_with_its_cause(make_db: MakeDb) -> None:
    db = make_db("sqlite", 19)
    db.point_servers(free_port())  # nothing listens there
    done = run_cli("test-mail", "--to", TO, "--db", db.url, "--timeout", "2")
    assert done.returncode == 1, done.stderr
    assert "FAILED: connect failed" in done.stdout
    assert "Traceback" not in done.stderr


def test_bad_input_and_the_sample_are_refused(make_db: MakeDb, sample_path: Path) -> None:
    db = make_db("sqlite", 17)
    db.point_servers(free_port())
    assert_one_line_error(
        run_cli("test-mail", "--to", "not an address", "--db", db.url), "not an e-mail address"
    )
    assert_one_line_error(
        run_cli("test-mail", "--to", TO, "--server", "nope", "--db", db.url),
        "no outgoing server named 'nope'",
    )
    before = checksum(f"sqlite:///{sample_path}")
    refused = run_cli("test-mail", "--to", TO, "--db", f"sqlite:///{sample_path}")
    assert_one_line_error(refused, "a test mail is off on the bundled sample", "fictitious")
    assert checksum(f"sqlite:///{sample_path}") == before
