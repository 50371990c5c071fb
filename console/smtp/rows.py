"""What Odoo stores about the mails to send, as the message builder reads it: the rows
of ``mail_mail``/``mail_message``, their attachments, the database's mail settings. The
database layer (console.odoo.send_reads) fills them; nothing here reads a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.smtp.server_choice import MailServer


@dataclass(frozen=True, slots=True)
class AliasDomain:
    id: int
    name: str
    bounce_alias: str | None
    default_from: str | None

    @property
    def bounce_email(self) -> str | None:
        return f"{self.bounce_alias}@{self.name}" if self.bounce_alias else None

    @property
    def default_from_email(self) -> str | None:
        if not self.default_from:
            return None
        return self.default_from if "@" in self.default_from else f"{self.default_from}@{self.name}"


@dataclass(frozen=True, slots=True)
class DbSettings:
    servers: tuple[MailServer, ...]
    params: dict[str, str]
    company_alias: AliasDomain | None
    alias_domains: dict[int, AliasDomain] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PlanRow:
    id: int
    state: str | None
    mailing_id: int | None
    email_from: str | None
    mail_server_id: int | None
    alias_domain_id: int | None
    scheduled_date: datetime | None = None


@dataclass(frozen=True, slots=True)
class MailRow:
    id: int
    state: str | None
    mail_message_id: int
    body_html: str | None
    references: str | None
    headers: str | None
    email_to: str | None
    email_cc: str | None
    auto_delete: bool
    is_notification: bool
    subject: str | None
    email_from: str | None
    reply_to: str | None
    message_id: str | None
    model: str | None
    res_id: int | None


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    id: int
    name: str
    mimetype: str | None
    store_fname: str | None
    db_datas: bytes | None
    file_size: int | None
    res_model: str | None
    res_id: int | None
    url: str | None
