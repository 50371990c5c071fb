"""Export as .eml on real Odoo databases (SQLite, PostgreSQL; Odoo 16-19), parsed back with
the standard ``email`` package; the export is byte-for-byte what Send now hands to a real
SMTP server (apart from the Date header and MIME boundaries); CR/LF cannot inject headers.
"""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from console.services.send.send_now import send_now
from console.services.support.eml import ExportRefused, build_export, export_eml
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.helpers.db import MakeDb
from tests.helpers.mails import PDF, UID, Attachment, add_mail

CSV = "date;montant\n2026-11-27;42,00 €\n".encode()


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


# -- the export itself -----------------------------------------------------------------
@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_export_has_headers_alternative_parts_and_attachments(
    version: int, tmp_path: Path, make_db: MakeDb
) -> None:
    db = make_db("sqlite", version)
    mail_id = add_mail(
        db,
        email_to='"Léa Martin" <lea.martin@example.org>',
        headers={"X-Odoo-Objects": "account.move-42", "Return-Path": "bounce@acme-shop.example"},
        attachments=(
            Attachment("INV_2026_0042.pdf", PDF, "application/pdf"),
            Attachment("relevé.csv", CSV, "text/csv"),
        ),
    ).id
    (data,) = export_eml(db.backend(), mail_id)
    assert b"\r\n" in data and b"\n\n" not in data.replace(b"\r\n", b"")
    message = parse(data)
    (stored,) = db.sql(
        "SELECT msg.message_id FROM mail_mail m JOIN mail_message msg "
        "ON msg.id = m.mail_message_id WHERE m.id = :id",
        id=mail_id,
    )
    assert message["Message-Id"] == stored[0]
    assert message["Subject"] == "Invoice INV/2026/0042"
    assert message["To"].addresses[0].addr_spec == "lea.martin@example.org"
    assert message["To"].addresses[0].display_name == "Léa Martin"
    assert message["X-Odoo-Objects"] == "account.move-42"
    assert message["Return-Path"] == "bounce@acme-shop.example"
    assert (
        "claire.dubois@acme-shop.example" in message["From"]
        or "acme-shop.example" in message["From"]
    )
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert body is not None and html is not None
    assert "Your invoice is attached." in body.get_content()
    assert "<p>Your invoice is attached.</p>" in html.get_content()
    found = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(found) == {"INV_2026_0042.pdf", "relevé.csv"}
    assert found["INV_2026_0042.pdf"].get_content_type() == "application/pdf"
    assert found["INV_2026_0042.pdf"].get_payload(decode=True) == PDF
    assert found["relevé.csv"].get_payload(decode=True) == CSV


def test_one_message_per_partner_and_the_cli(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    mail_id = add_mail(
        db, partners=(("Ana Costa", "ana@example.org"), ("Bruno Dias", "bruno@example.net"))
    ).id
    export = build_export(db.backend(), mail_id)
    assert len(export.messages) == 2
    tos = sorted(str(parse(m.data)["To"]) for m in export.messages)
    assert tos == ["Ana Costa <ana@example.org>", "Bruno Dias <bruno@example.net>"]

    target = tmp_path / "out.eml"
    done = run_cli("export-eml", str(mail_id), "-o", str(target), "--db", db.url)
    assert done.returncode == 0, done.stderr
    assert "message 1 of 2" in done.stdout and target.is_file()
    assert parse(target.read_bytes())["To"] is not None

    done = run_cli("export-eml", str(mail_id), "-o", str(target), "--db", db.url)
    assert done.returncode == 2 and "exists" in done.stderr  # no silent overwrite
    every = tmp_path / "all.eml"
    done = run_cli("export-eml", str(mail_id), "-o", str(every), "--all", "--db", db.url)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in tmp_path.glob("all-*.eml"))
    assert written == ["all-1.eml", "all-2.eml"]
    tos = sorted(str(parse((tmp_path / name).read_bytes())["To"]) for name in written)
    assert tos == ["Ana Costa <ana@example.org>", "Bruno Dias <bruno@example.net>"]

    done = run_cli("export-eml", str(mail_id), "-o", "-", "--db", db.url, binary=True)
    assert done.returncode == 0
    assert parse(done.stdout)["Message-Id"] == parse(target.read_bytes())["Message-Id"]


def test_export_is_what_send_now_delivers(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    db.sql("UPDATE mail_mail SET state = 'cancel' WHERE state = 'outgoing'")
    mail_id = add_mail(
        db,
        email_to="direct@example.org",
        partners=(("Ana Costa", "ana@example.org"),),
        headers={"X-Odoo-Objects": "account.move-42"},
        attachments=(Attachment("INV.pdf", PDF, "application/pdf"),),
    ).id
    with SmtpTestServer() as server:
        db.sql(
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = :port, "
            "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL",
            port=server.port,
        )
        exported = build_export(db.backend(), mail_id)
        report = send_now(db.backend(), [mail_id], uid=UID)
        assert report.sent == [mail_id], report
        received = sorted(server.received, key=lambda r: r.rcpt_tos)
    messages = sorted(exported.messages, key=lambda m: m.envelope_to)
    assert [r.rcpt_tos for r in received] == [m.envelope_to for m in messages]
    assert [r.mail_from for r in received] == [m.envelope_from for m in messages]
    for got, want in zip(received, messages, strict=True):
        assert shape(parse(got.data)) == shape(parse(want.data))


def shape(message: EmailMessage) -> list[Any]:
    """Headers (without Date and boundaries) and every part's type and decoded payload."""
    out: list[Any] = []
    for part in message.walk():
        headers = [(k, str(v)) for k, v in part.items() if k.lower() != "date"]
        headers = [(k, v.split("boundary=")[0]) for k, v in headers]
        payload = None if part.is_multipart() else part.get_payload(decode=True)
        out.append((part.get_content_type(), headers, payload))
    return out


def test_line_breaks_cannot_inject_headers(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    mail_id = add_mail(
        db,
        email_to="victim@example.org\r\nBcc: hidden@attacker.example",
        subject="Invoice\r\nBcc: evil@attacker.example\r\nX-Injected: 1",
        headers={"X-Note": "a\r\nBcc: evil@attacker.example", "Bad\r\nName": "x"},
        partners=(("Ana\r\nX-Injected: 2", "ana@example.org"),),
    ).id
    export = build_export(db.backend(), mail_id)
    assert any("subject contains a line break" in note for note in export.notes)
    assert any("recipient name" in note for note in export.notes)
    assert len(export.messages) == 2
    for exported in export.messages:
        message = parse(exported.data)
        names = [k.lower() for k in message]
        assert "bcc" not in names and "x-injected" not in names and "bad" not in names
        assert names.count("subject") == 1 and names.count("to") == 1
        assert message["Subject"] == "Invoice Bcc: evil@attacker.example X-Injected: 1"
        assert message["X-Note"] == "a Bcc: evil@attacker.example"
        assert "evil@attacker.example" not in exported.envelope_to
    # like Odoo, the address after the line break is split out as a visible recipient
    first = parse(export.messages[0].data)
    assert [a.addr_spec for a in first["To"].addresses] == [
        "victim@example.org",
        "hidden@attacker.example",
    ]


def test_missing_mail_and_pg(make_db: MakeDb) -> None:
    db = make_db("pg", 18)
    mail_id = add_mail(
        db, email_to="x@example.org", attachments=(Attachment("a.pdf", PDF, "application/pdf"),)
    ).id
    (data,) = export_eml(db.backend(), mail_id)
    attachment = next(parse(data).iter_attachments())
    assert attachment.get_payload(decode=True) == PDF
    with pytest.raises(Exception, match="no mail with id"):
        export_eml(db.backend(), 99_999_999)


@pytest.mark.parametrize(
    "module",
    [
        "console.domain.inbound",
        "console.services.support.logs",
        "console.services.support.redact",
    ],
)
def test_pure_modules_need_no_database_driver(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in ('sqlalchemy', 'psycopg', 'textual') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_filestore_attachment_and_refusal(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    mail_id = add_mail(db, email_to="x@example.org").id
    (message_row,) = db.sql("SELECT mail_message_id FROM mail_mail WHERE id = :id", id=mail_id)[0]
    attachment = db.insert(
        "ir_attachment",
        name="scan.pdf",
        type="binary",
        mimetype="application/pdf",
        store_fname="ab/abcdef0123",
        file_size=len(PDF),
        res_model="mail.message",
        res_id=message_row,
        create_uid=UID,
        write_uid=UID,
    )
    db.sql(
        "INSERT INTO message_attachment_rel (message_id, attachment_id) VALUES (:m, :a)",
        m=message_row,
        a=attachment,
    )
    data_dir = tmp_path / "odoo-data"
    conf = tmp_path / "odoo.conf"
    conf.write_text(f"[options]\ndata_dir = {data_dir}\n")
    with pytest.raises(ExportRefused, match="filestore"):
        export_eml(db.backend(conf), mail_id)
    backend = db.backend(conf)
    stored = data_dir / "filestore" / backend.info.name / "ab" / "abcdef0123"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(PDF)
    (data,) = export_eml(backend, mail_id)
    (part,) = list(parse(data).iter_attachments())
    assert part.get_filename() == "scan.pdf" and part.get_payload(decode=True) == PDF
