"""The support bundle on real databases: what it holds, and that no secret (planted at
random by the test, in every place one hides) nor, with --redact-addresses, any original
e-mail address appears in any byte of any file it writes."""

from __future__ import annotations

import email
import email.policy
import json
import re
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from console.services.journal import Journal
from console.services.support.bundle import write_bundle
from tests.helpers.cli import run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import PDF, Attachment, add_mail

PARIS = ZoneInfo("Europe/Paris")
ADDRESS = re.compile(rb"(?<![\w.+%\-])[\w.+%\-][\w.+%'\-]*@[\w\-]+(?:\.[\w\-]+)+")


def plant(db: Db, tmp_path: Path) -> tuple[dict[str, str], Path, int]:
    """Random secrets in smtp_pass, ICP values, fetchmail, headers, URLs and odoo.conf."""
    s = {
        name: secrets.token_urlsafe(18)
        for name in (
            "smtp1",
            "smtp2",
            "icp_secret",
            "icp_api_key",
            "icp_token",
            "fetchmail",
            "bearer",
            "api_key_header",
            "access_token",
            "url_password",
            "password_pair",
            "conf_db",
            "conf_smtp",
        )
    }
    for n, (hashed,) in enumerate(
        db.sql("SELECT password FROM res_users WHERE password IS NOT NULL")
    ):
        s[f"res_users_hash_{n}"] = str(hashed)
    db.sql("UPDATE ir_mail_server SET smtp_pass = :p WHERE id = 1", p=s["smtp1"])
    db.sql("UPDATE ir_mail_server SET smtp_pass = :p WHERE id = 2", p=s["smtp2"])
    db.sql(
        "UPDATE ir_config_parameter SET value = :v WHERE key = 'database.secret'", v=s["icp_secret"]
    )
    for key, name in (("mail.provider.api_key", "icp_api_key"), ("mail.sync.token", "icp_token")):
        db.insert("ir_config_parameter", key=key, value=s[name], create_uid=1, write_uid=1)
    db.sql("UPDATE fetchmail_server SET password = :p", p=s["fetchmail"])
    body = (
        "<p>Your invoice: <a href='https://erp.acme-shop.example/my/invoices/42?access_token="
        f"{s['access_token']}&amp;report_type=pdf'>view it</a></p>"
    )
    reason = (
        f"SMTPDataError: 550 relay https://api:{s['url_password']}@relay.example.com/v3 "
        f"refused (password={s['password_pair']})"
    )
    mail_id = add_mail(
        db,
        email_to='"Léa Martin" <lea.martin@example.org>',
        partners=(("Ana Costa", "ana.costa@example.net"),),
        body=body,
        headers={"Authorization": f"Bearer {s['bearer']}", "X-Api-Key": s["api_key_header"]},
        attachments=(Attachment("INV_2026_0042.pdf", PDF, "application/pdf"),),
        state="exception",
        failure_reason=reason,
        model="sale.order",
        res_id=77,
    ).id
    conf = tmp_path / "odoo.conf"
    conf.write_text(
        "[options]\n"
        f"db_password = {s['conf_db']}\nsmtp_password = {s['conf_smtp']}\n"
        "smtp_server = smtp.example.com\nlogfile = /var/log/odoo/odoo.log\n"
    )
    return s, conf, mail_id


def every_file(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def decoded_texts(data: bytes) -> list[bytes]:
    """Every decoded part of an .eml (so base64/quoted-printable cannot hide anything)."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    return [
        part.get_payload(decode=True) or b"" for part in message.walk() if not part.is_multipart()
    ]


@pytest.mark.parametrize("kind", ["sqlite17", "pg16"])
def test_no_secret_anywhere(kind: str, tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("pg", 16) if kind == "pg16" else make_db("sqlite", 17)
    try:
        planted, conf, mail_id = plant(db, tmp_path)
        folder = write_bundle(
            db.backend(conf), tmp_path / "bundle", tz=PARIS, journal=Journal(tmp_path / "j")
        )
    finally:
        db.close()
    files = every_file(folder)
    assert {p.name for p in files} >= {"report.md", "report.json", f"mail-{mail_id}-1.eml"}
    for path, data in files.items():
        texts = [data, *(decoded_texts(data) if path.suffix == ".eml" else [])]
        for name, value in planted.items():
            for blob in texts:
                assert value.encode() not in blob, f"{name} leaked into {path.name}"
    report = json.loads((folder / "report.json").read_text())
    assert report["errors"] == []
    servers = report["outgoing_servers"]
    assert servers and all("smtp_pass" not in s for s in servers)
    assert {"smtp_host", "smtp_port", "smtp_encryption", "smtp_user", "from_filter"} <= set(
        servers[0]
    )
    assert report["parameters"]["mail.provider.api_key"] == "[redacted]"
    assert "db_password" not in report["odoo_conf"] and report["odoo_conf"]["smtp_server"]
    sample = next(
        s for g in report["failure_groups"] for s in g["samples"] if s["mail_id"] == mail_id
    )
    assert sample["record"] == "sale.order,77"
    assert "[redacted]" in sample["failure_reason"]
    assert sample["date"]["zone"] == "Europe/Paris" and sample["date"]["utc"].endswith("Z")
    markdown = (folder / "report.md").read_text()
    assert "sale.order,77" in markdown and "Europe/Paris" in markdown
    for heading in (
        "## Queue",
        "## Health checks",
        "## Failures by cause",
        "## Mail crons",
        "## Outgoing mail servers",
        "## Failed mails as .eml",
    ):
        assert heading in markdown
    eml = email.message_from_bytes(
        (folder / "eml" / f"mail-{mail_id}-1.eml").read_bytes(), policy=email.policy.default
    )
    assert eml["Authorization"] == "[redacted]" and eml["X-Api-Key"] == "[redacted]"
    assert eml.get_body(preferencelist=("html",)) is not None
    (attachment,) = list(eml.iter_attachments())
    assert attachment.get_filename() == "INV_2026_0042.pdf"
    assert b"left out of the support bundle" in (attachment.get_payload(decode=True) or b"")


def test_redact_addresses_everywhere(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    try:
        _planted, conf, mail_id = plant(db, tmp_path)
        originals = original_addresses(db)
        folder = write_bundle(
            db.backend(conf), tmp_path / "b", redact_addresses=True, journal=Journal(tmp_path / "j")
        )
    finally:
        db.close()
    assert "lea.martin@example.org" in originals and len(originals) > 20
    for path, data in every_file(folder).items():
        texts = [data, *(decoded_texts(data) if path.suffix == ".eml" else [])]
        for blob in texts:
            low = blob.lower()
            for address in originals:
                assert address.encode() not in low, f"{address} in {path.name}"
            for found in ADDRESS.findall(blob):
                assert re.fullmatch(rb"u\d+@d\d+\.example", found), (found, path.name)
    report = json.loads((folder / "report.json").read_text())
    sample = next(
        s for g in report["failure_groups"] for s in g["samples"] if s["mail_id"] == mail_id
    )
    masked_to = re.search(r"u\d+@d\d+\.example", sample["to"][0])
    assert masked_to is not None
    first = email.message_from_bytes(
        (folder / "eml" / f"mail-{mail_id}-1.eml").read_bytes(), policy=email.policy.default
    )
    assert first["To"].addresses[0].addr_spec == masked_to.group(0)  # same address, same mask


def original_addresses(db: Db) -> set[str]:
    found: set[str] = set()
    for statement in (
        "SELECT email FROM res_partner",
        "SELECT email_to FROM mail_mail",
        "SELECT email_cc FROM mail_mail",
        "SELECT email_from FROM mail_message",
        "SELECT reply_to FROM mail_message",
        "SELECT smtp_user FROM ir_mail_server",
        "SELECT value FROM ir_config_parameter",
        "SELECT login FROM res_users",
        "SELECT headers FROM mail_mail",
    ):
        for (value,) in db.sql(statement):
            for address in ADDRESS.findall(str(value or "").encode()):
                found.add(address.decode().lower())
    return found


def test_cli_bundle(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 16)
    try:
        add_mail(db, email_to="x@example.org", state="exception", failure_reason="535 nope")
    finally:
        db.close()
    target = tmp_path / "bundle"
    done = run_cli(
        "bundle",
        "-o",
        str(target),
        "--redact-addresses",
        "--db",
        db.url,
        "--tz",
        "Europe/Paris",
        "--journal",
        str(tmp_path / "j"),
    )
    assert done.returncode == 0, done.stderr
    assert "addresses and names masked" in done.stdout
    assert (target / "report.md").is_file() and (target / "report.json").is_file()
    again = run_cli("bundle", "-o", str(target), "--db", db.url)
    assert again.returncode == 2 and "not an empty folder" in again.stderr
