"""Export as .eml on real Odoo databases (SQLite, PostgreSQL; Odoo 16-19), parsed back with
the standard ``email`` package; the export is byte-for-byte what Send now hands to a real
SMTP server (apart from the Date header and MIME boundaries); CR/LF cannot inject headers.

The helpers here (``Db``, ``add_mail``, ``template``) are shared with test_bundle.py.
"""

from __future__ import annotations

import atexit
import email
import email.policy
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.domain.timefmt import utcnow_naive
from console.services.send.send_now import send_now
from console.services.support.eml import ExportRefused, build_export, export_eml
from sample_db.generate import build_database
from testkit.smtp_server import SmtpTestServer
from tests.cli_run import run_cli

UID = 2
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
CSV = "date;montant\n2026-11-27;42,00 €\n".encode()


# -- databases -------------------------------------------------------------------------
@dataclass
class Db:
    url: str
    version: int
    backends: list[SqlBackend] = field(default_factory=list)

    def sql(self, statement: str, **params: Any) -> list[Any]:
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    def insert(self, table: str, **values: Any) -> int:
        names = ", ".join(f'"{k}"' for k in values)
        marks = ", ".join(f":{k}" for k in values)
        rows = self.sql(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id", **values)
        return int(rows[0][0])

    def backend(self, conf: Path | None = None) -> SqlBackend:
        backend = open_backend(ConnectionSettings(db_url=self.url, odoo_config=conf))
        self.backends.append(backend)
        return backend

    def close(self) -> None:
        for backend in self.backends:
            backend.close()


_TEMPLATES: dict[int, Path] = {}


def sqlite_db(tmp_path: Path, version: int) -> Db:
    """A fresh copy of a generated Odoo database (built once per version and session)."""
    if version not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="mailq-support-tpl-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / f"odoo{version}.sqlite"
        build_database(f"sqlite:///{path}", version=version, mails=0)
        _TEMPLATES[version] = path
    copy = tmp_path / f"odoo{version}-{uuid.uuid4().hex[:6]}.sqlite"
    shutil.copy(_TEMPLATES[version], copy)
    return Db(f"sqlite:///{copy}", version)


def pg_db(factory: Any, version: int) -> Db:
    url = factory(prefix=f"mailq_sup{version}")
    build_database(url, version=version, mails=0)
    return Db(url, version)


@pytest.fixture
def dbs() -> Any:
    made: list[Db] = []
    yield made
    for db in made:
        db.close()


def add_mail(
    db: Db,
    *,
    email_from: str = '"Claire Dubois" <claire.dubois@acme-shop.fr>',
    email_to: str | None = None,
    partners: tuple[tuple[str, str], ...] = (),
    subject: str = "Invoice INV/2026/0042",
    body: str = "<p>Hello,</p><p>Your invoice is attached.</p>",
    headers: dict[str, str] | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    state: str = "outgoing",
    failure_reason: str | None = None,
    model: str = "account.move",
    res_id: int = 42,
) -> int:
    now = utcnow_naive()
    log = {"create_uid": UID, "create_date": now, "write_uid": UID, "write_date": now}
    message_id = f"<{uuid.uuid4().hex[:12]}.1764230400.0-openerp-{res_id}-{model}@odoo-prod>"
    message: dict[str, Any] = {
        "subject": subject,
        "date": now,
        "body": body,
        "model": model,
        "res_id": res_id,
        "message_type": "email" if db.version <= 16 else "email_outgoing",
        "email_from": email_from,
        "message_id": message_id,
        **log,
    }
    if db.version >= 17:
        message["record_alias_domain_id"] = 1
    message_row = db.insert("mail_message", **message)
    mail_id = db.insert(
        "mail_mail",
        mail_message_id=message_row,
        body_html=body,
        references=message_id,
        headers=repr(headers) if headers is not None else None,
        is_notification=True,
        email_to=email_to,
        state=state,
        auto_delete=False,
        failure_reason=failure_reason,
        **log,
    )
    for name, address in partners:
        display = "display_name" if db.version <= 16 else "complete_name"
        partner = db.insert(
            "res_partner",
            name=name,
            email=address,
            type="contact",
            active=True,
            **{display: name},
            **log,
        )
        db.sql(
            "INSERT INTO mail_mail_res_partner_rel (mail_mail_id, res_partner_id) VALUES (:m, :p)",
            m=mail_id,
            p=partner,
        )
    for name, data, mimetype in attachments:
        attachment = db.insert(
            "ir_attachment",
            name=name,
            type="binary",
            mimetype=mimetype,
            db_datas=data,
            file_size=len(data),
            res_model="mail.message",
            res_id=message_row,
            **log,
        )
        db.sql(
            "INSERT INTO message_attachment_rel (message_id, attachment_id) VALUES (:m, :a)",
            m=message_row,
            a=attachment,
        )
    return mail_id


def parse(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


# -- the export itself -----------------------------------------------------------------
@pytest.mark.parametrize("version", [16, 17, 18, 19])
def test_export_has_headers_alternative_parts_and_attachments(
    version: int, tmp_path: Path, dbs: list[Db]
) -> None:
    db = sqlite_db(tmp_path, version)
    dbs.append(db)
    mail_id = add_mail(
        db,
        email_to='"Léa Martin" <lea.martin@example.org>',
        headers={"X-Odoo-Objects": "account.move-42", "Return-Path": "bounce@acme-shop.fr"},
        attachments=(
            ("INV_2026_0042.pdf", PDF, "application/pdf"),
            ("relevé.csv", CSV, "text/csv"),
        ),
    )
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
    assert message["Return-Path"] == "bounce@acme-shop.fr"
    assert "claire.dubois@acme-shop.fr" in message["From"] or "acme-shop.fr" in message["From"]
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


def test_one_message_per_partner_and_the_cli(tmp_path: Path, dbs: list[Db]) -> None:
    db = sqlite_db(tmp_path, 17)
    dbs.append(db)
    mail_id = add_mail(
        db, partners=(("Ana Costa", "ana@example.org"), ("Bruno Dias", "bruno@example.net"))
    )
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


def test_export_is_what_send_now_delivers(tmp_path: Path, dbs: list[Db]) -> None:
    db = sqlite_db(tmp_path, 17)
    dbs.append(db)
    db.sql("UPDATE mail_mail SET state = 'cancel' WHERE state = 'outgoing'")
    mail_id = add_mail(
        db,
        email_to="direct@example.org",
        partners=(("Ana Costa", "ana@example.org"),),
        headers={"X-Odoo-Objects": "account.move-42"},
        attachments=(("INV.pdf", PDF, "application/pdf"),),
    )
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


def test_line_breaks_cannot_inject_headers(tmp_path: Path, dbs: list[Db]) -> None:
    db = sqlite_db(tmp_path, 17)
    dbs.append(db)
    mail_id = add_mail(
        db,
        email_to="victim@example.org\r\nBcc: hidden@attacker.example",
        subject="Invoice\r\nBcc: evil@attacker.example\r\nX-Injected: 1",
        headers={"X-Note": "a\r\nBcc: evil@attacker.example", "Bad\r\nName": "x"},
        partners=(("Ana\r\nX-Injected: 2", "ana@example.org"),),
    )
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


def test_missing_mail_and_pg(pg_db_factory: Any, dbs: list[Db]) -> None:
    db = pg_db(pg_db_factory, 18)
    dbs.append(db)
    mail_id = add_mail(
        db, email_to="x@example.org", attachments=(("a.pdf", PDF, "application/pdf"),)
    )
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


def test_filestore_attachment_and_refusal(tmp_path: Path, dbs: list[Db]) -> None:
    db = sqlite_db(tmp_path, 17)
    dbs.append(db)
    mail_id = add_mail(db, email_to="x@example.org")
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
