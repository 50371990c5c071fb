"""Hostile data never breaks the console, never reaches the terminal raw, never injects headers.

1 MB failure reasons, 10 MB bodies, invalid UTF-8, NULL in every nullable column, CR/LF
and terminal escapes in subjects and addresses, enormous recipient lists.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from console.backends.base import MailQuery
from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.odoo_dbs import build_sqlite
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli

ESCAPES = "\x1b[2J\x1b]0;owned\x07"
INJECTION = "Hello\r\nBcc: evil@attacker.example\r\nX-Evil: 1"


def nullable_columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [
        row[1]
        for row in connection.execute(f'PRAGMA table_info("{table}")')
        if not row[3] and row[1] != "id"  # row[3]: NOT NULL
    ]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, int]]:
    url = build_sqlite(tmp_path_factory.mktemp("hostile"), 17)
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        failed = [
            r[0]
            # Not campaign mails: Send now leaves those to Odoo's mass-mailing cron, and which
            # failed mails are campaign mails depends on the clock the database is built around.
            for r in db.execute(
                "SELECT id FROM mail_mail WHERE state = 'exception' AND mailing_id IS NULL "
                "ORDER BY id"
            )
        ]
        huge_reason, huge_body, escapes, null_mail, invalid, crowd = failed[:6]
        db.execute(
            "UPDATE mail_mail SET failure_reason = ? WHERE id = ?",
            ("535 " + "x" * 1_000_000, huge_reason),
        )
        db.execute(
            "UPDATE mail_mail SET body_html = ? WHERE id = ?",
            ("<p>" + "lorem " * 1_750_000 + "</p>", huge_body),
        )
        message_of = dict(db.execute("SELECT id, mail_message_id FROM mail_mail"))
        db.execute(
            "UPDATE mail_message SET subject = ?, email_from = ? WHERE id = ?",
            (
                f"Invoice {ESCAPES}{INJECTION}",
                f"Eve {ESCAPES}<eve@x.example>\r\nBcc: a@b.c",
                message_of[escapes],
            ),
        )
        db.execute(
            "UPDATE mail_mail SET email_to = ? WHERE id = ?", (f"to@x.example{INJECTION}", escapes)
        )
        # invalid UTF-8 stored as text
        db.execute(
            "UPDATE mail_message SET subject = CAST(X'496e766f696365fffe20c328' AS TEXT) "
            "WHERE id = ?",
            (message_of[invalid],),
        )
        db.execute(
            "UPDATE mail_mail SET failure_reason = CAST(X'35353020ff00fe' AS TEXT) WHERE id = ?",
            (invalid,),
        )
        # NULL in every nullable column of the mail and of its message
        for table, row_id in (("mail_mail", null_mail), ("mail_message", message_of[null_mail])):
            columns = nullable_columns(db, table)
            db.execute(
                f"UPDATE {table} SET "
                + ", ".join(f'"{c}" = NULL' for c in columns)
                + " WHERE id = ?",
                (row_id,),
            )
        # an enormous recipient list: 10,000 raw addresses and 3,000 partners
        db.execute(
            "UPDATE mail_mail SET email_to = ? WHERE id = ?",
            (", ".join(f"user{i}@crowd.example" for i in range(10_000)), crowd),
        )
        db.execute("PRAGMA foreign_keys = OFF")
        start = db.execute("SELECT max(id) FROM res_partner").fetchone()[0] + 1
        db.executemany(
            "INSERT INTO res_partner (id, name, email, active, type) "
            "VALUES (?, ?, ?, 1, 'contact')",
            [(start + i, f"Crowd {i}", f"crowd{i}@crowd.example") for i in range(3000)],
        )
        db.executemany(
            "INSERT INTO mail_mail_res_partner_rel (mail_mail_id, res_partner_id) VALUES (?, ?)",
            [(crowd, start + i) for i in range(3000)],
        )
        crowd_partners = db.execute(
            "SELECT count(*) FROM mail_mail_res_partner_rel WHERE mail_mail_id = ?", (crowd,)
        ).fetchone()[0]
    ids = {
        "crowd_partners": crowd_partners,
        "huge_reason": huge_reason,
        "huge_body": huge_body,
        "escapes": escapes,
        "null_mail": null_mail,
        "invalid": invalid,
        "crowd": crowd,
    }
    return url, ids


def assert_printable(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text


def test_cli_reads_hostile_rows(hostile_db: tuple[str, dict[str, int]]) -> None:
    url, ids = hostile_db
    for args in (
        ("status",),
        ("mails", "--state", "failed", "--limit", "1000"),
        ("causes",),
        ("doctor",),
    ):
        result = run_cli(*args, "--db", url, timeout=300)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert_printable(result.stdout)
        assert "\nBcc: evil" not in result.stdout
    rows = {
        m["id"]: m
        for m in json.loads(
            run_cli(
                "mails", "--state", "failed", "--json", "--limit", "1000", "--db", url, timeout=300
            ).stdout
        )
    }
    assert len(rows[ids["huge_reason"]]["failure_reason"]) <= 4000  # lists carry a prefix only
    assert "\ufffd" in rows[ids["invalid"]]["subject"]
    assert rows[ids["crowd"]]["recipient_count"] == ids["crowd_partners"] >= 3000
    assert len(rows[ids["crowd"]]["recipients"]) <= 20


def test_backend_detail_of_hostile_rows(hostile_db: tuple[str, dict[str, int]]) -> None:
    url, ids = hostile_db
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        for key, mail_id in ids.items():
            if key == "crowd_partners":
                continue
            detail = backend.mail_detail(mail_id)
            assert detail is not None and detail.mail.id == mail_id
        assert backend.mail_detail(ids["huge_reason"]).failure_reason_full.startswith("535 x")  # type: ignore[union-attr]
        crowd = backend.mail_detail(ids["crowd"])
        assert crowd is not None and crowd.mail.recipient_count == ids["crowd_partners"]
        page = backend.mail_page(MailQuery(states=("exception",), text="crowd"))
        assert ids["crowd"] in {m.id for m in page.rows}
    finally:
        backend.close()


def test_no_header_injection_when_sending(
    hostile_db: tuple[str, dict[str, int]], tmp_path: Path
) -> None:
    url, ids = hostile_db
    path = url.removeprefix("sqlite:///")
    copy = tmp_path / "send.sqlite"
    copy.write_bytes(Path(path).read_bytes())
    copy_url = f"sqlite:///{copy}"
    with SmtpTestServer() as smtp, sqlite3.connect(copy) as db:
        db.execute(
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = ?, "
            "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL",
            (smtp.port,),
        )
        db.execute("UPDATE mail_mail SET state = 'outgoing' WHERE id = ?", (ids["escapes"],))
        db.commit()
        backend = open_backend(ConnectionSettings(db_url=copy_url))
        try:
            outcome = Operator(backend, Journal(tmp_path / "j.jsonl")).send([ids["escapes"]])
        finally:
            backend.close()
        envelopes: list[Any] = list(smtp.received)
    # Python's email package refuses CR/LF in a header value, as it does inside Odoo: the
    # mail ends in Delivery Failed with that reason, and nothing reaches the server.
    assert outcome.failed == {
        ids["escapes"]: "Header values may not contain linefeed or carriage return characters"
    }
    assert envelopes == []
    with sqlite3.connect(copy) as db:
        state = db.execute("SELECT state FROM mail_mail WHERE id = ?", (ids["escapes"],)).fetchone()
    assert state == ("exception",)
