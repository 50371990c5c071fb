"""Mails in a test's database, written the way Odoo writes them.

``add_mail`` builds one outgoing (or failed) mail from scratch in a ``Db``: its message,
its recipient partners with their e-mail notifications, its attachments; ``add_failed_mail``
copies a failed mail of the bundled sample (an SQLite file). Then what the tests read back:
``mail_row``, ``notifications``, and ``by_message_id`` at the SMTP test server.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.domain.timefmt import utcnow_naive
from sample_db.vocab import DOMAIN
from testkit.smtp_server import SmtpTestServer
from tests.helpers.db import Db

UID = 2  # the admin: the user who creates the mails and acts on them
CLAIRE = f'"Claire Dubois" <claire.dubois@{DOMAIN}>'
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"  # every byte value: 10 KB


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes | None  # None: the file is in the filestore, at store_fname
    mimetype: str = "application/pdf"
    store_fname: str | None = None


@dataclass
class Mail:
    id: int
    message: int  # its mail_message
    partners: list[int]  # its recipient partners, in the order given
    message_id: str


def add_mail(
    db: Db,
    *,
    email_from: str = CLAIRE,
    email_to: str | None = None,
    email_cc: str | None = None,
    partners: tuple[tuple[str | None, str | None], ...] = (),
    subject: str = "Invoice INV/2026/0042",
    body: str = "<p>Hello,</p><p>Your invoice is attached.</p>",
    headers: dict[str, str] | None = None,
    references: str | None = None,
    auto_delete: bool = False,
    is_notification: bool = True,
    mailing_id: int | None = None,
    mail_server_id: int | None = None,
    attachments: tuple[Attachment, ...] = (),
    state: str = "outgoing",
    failure_reason: str | None = None,
    model: str = "account.move",
    res_id: int = 42,
) -> Mail:
    """A mail like Odoo's notification flow creates it (ids from the database): a partner
    per (name, email) pair, each with its e-mail notification ("ready")."""
    now = utcnow_naive()
    log = {"create_uid": UID, "create_date": now, "write_uid": UID, "write_date": now}
    partner_cols = db.columns("res_partner")
    partner_ids = []
    for name, email in partners:
        values: dict[str, Any] = {"name": name, "email": email, "type": "contact", "active": True}
        values["name"] = name or "Nameless"
        for extra in ("complete_name", "display_name"):
            if extra in partner_cols:
                values[extra] = values["name"]
        partner_ids.append(db.insert("res_partner", **values, **log))
    token = uuid.uuid4().hex[:12]
    message_id = f"<{token}.1764230400.000000000000000-openerp-{res_id}-{model}@acme-odoo-prod-1>"
    message: dict[str, Any] = {
        "subject": subject,
        "date": now,
        "body": body,
        "model": model,
        "res_id": res_id,
        "message_type": "email" if db.version <= 16 else "email_outgoing",
        "email_from": email_from,
        "message_id": message_id,
        "mail_server_id": mail_server_id,
        **log,
    }
    if db.version >= 17:
        message["record_alias_domain_id"] = 1
    message_row = db.insert("mail_message", **message)
    mail_values: dict[str, Any] = {
        "mail_message_id": message_row,
        "body_html": body,
        "references": references or message_id,
        "headers": repr(headers) if headers is not None else None,
        "is_notification": is_notification,
        "email_to": email_to,
        "email_cc": email_cc,
        "state": state,
        "auto_delete": auto_delete,
        "failure_reason": failure_reason,
        **log,
    }
    if mailing_id is not None:
        mail_values["mailing_id"] = mailing_id
    mail_id = db.insert("mail_mail", **mail_values)
    for partner in partner_ids:
        db.sql(
            "INSERT INTO mail_mail_res_partner_rel (mail_mail_id, res_partner_id) VALUES (:m, :p)",
            m=mail_id,
            p=partner,
        )
        db.insert(
            "mail_notification",
            mail_message_id=message_row,
            mail_mail_id=mail_id,
            res_partner_id=partner,
            notification_type="email",
            notification_status="ready",
            is_read=True,
        )
    for attachment in attachments:
        attachment_id = db.insert(
            "ir_attachment",
            name=attachment.name,
            type="binary",
            mimetype=attachment.mimetype,
            db_datas=attachment.data,
            store_fname=attachment.store_fname,
            file_size=len(attachment.data) if attachment.data else 1,
            res_model="mail.message",
            res_id=message_row,
            **log,
        )
        db.sql(
            "INSERT INTO message_attachment_rel (message_id, attachment_id) VALUES (:m, :a)",
            m=message_row,
            a=attachment_id,
        )
    return Mail(mail_id, message_row, partner_ids, message_id)


def _copy_row(db: sqlite3.Connection, table: str, row_id: int, **changes: object) -> int:
    columns = [str(r[1]) for r in db.execute(f'PRAGMA table_info("{table}")') if r[1] != "id"]
    new_id = int(db.execute(f'SELECT max(id) + 1 FROM "{table}"').fetchone()[0])
    names = ", ".join(f'"{c}"' for c in columns)
    source = db.execute(f'SELECT {names} FROM "{table}" WHERE id = ?', (row_id,)).fetchone()
    merged = [changes.get(c, v) for c, v in zip(columns, source, strict=True)]
    marks = ", ".join("?" for _ in columns)
    db.execute(f'INSERT INTO "{table}" (id, {names}) VALUES (?, {marks})', (new_id, *merged))
    return new_id


def add_failed_mail(path: Path, template_id: int) -> int:
    """A new failed mail in an SQLite copy of the sample, as if the queue cron had just
    failed one more: mail ``template_id`` and its message, copied, failed now (its
    write_date, when Odoo's send wrote the failure)."""
    now = utcnow_naive().strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(path) as db:
        message_id = int(
            db.execute(
                "SELECT mail_message_id FROM mail_mail WHERE id = ?", (template_id,)
            ).fetchone()[0]
        )
        new_message = _copy_row(db, "mail_message", message_id, message_id="<new@test>")
        return _copy_row(db, "mail_mail", template_id, mail_message_id=new_message, write_date=now)


def mail_row(db: Db, mail_id: int) -> Any:
    return db.one(
        "SELECT state, failure_type, failure_reason, write_uid, write_date FROM mail_mail "
        "WHERE id = :id",
        id=mail_id,
    )


def notifications(db: Db, mail: Mail) -> dict[int, tuple[Any, ...]]:
    found = db.sql(
        "SELECT res_partner_id, notification_status, failure_type, failure_reason, mail_mail_id "
        "FROM mail_notification WHERE mail_message_id = :m",
        m=mail.message,
    )
    return {int(r[0]): tuple(r[1:]) for r in found}


def by_message_id(server: SmtpTestServer) -> Counter[str]:
    """How many messages the server received per Message-Id."""
    return Counter(str(m["Message-Id"]) for m in server.messages())
