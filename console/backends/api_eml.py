"""A mail as Send now would hand it to SMTP, read over Odoo's external API (the SQL
backend's console.backends.sql_send.read_mail_as_sent): the same rows (``mail.mail``
with its message, the recipients in res.partner's order, the message's attachments in
Odoo's order, the mail servers, the mail parameters, the alias domains) read through
Odoo, then built by the same console.smtp code. Attachments come as ``ir.attachment``
``datas`` (base64) instead of from the filestore. odoo.conf cannot be read over the
API: its SMTP fallback and ``email_from`` are taken as absent, as the SQL backend takes
them without ``-c``."""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import Any

from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, record_id, text, value
from console.domain.errors import NotAvailable
from console.domain.models import Recipient
from console.odoo.send_reads import SETTINGS_PARAMS
from console.smtp.prepare import MailAsSent, TooManyRecipients, prepare_from_rows
from console.smtp.routing import SendContext
from console.smtp.rows import AliasDomain, AttachmentRow, DbSettings, MailRow, PlanRow
from console.smtp.server_choice import ConfSmtp, MailServer

EVERY: dict[str, Any] = {"active_test": False}
MAIL_FIELDS = [
    "state", "mail_message_id", "body_html", "references", "headers", "email_to", "email_cc",
    "auto_delete", "is_notification", "subject", "email_from", "reply_to", "message_id",
    "model", "res_id", "mail_server_id", "scheduled_date", "recipient_ids",
    "unrestricted_attachment_ids", "restricted_attachment_count",
]  # fmt: skip
SERVER_FIELDS = [
    "name", "from_filter", "smtp_host", "smtp_port", "smtp_authentication", "smtp_user",
    "smtp_encryption", "sequence", "active",
]  # fmt: skip
ATTACHMENT_FIELDS = ["name", "mimetype", "file_size", "res_model", "res_id", "url"]


def api_mail_as_sent(
    api: OdooApi,
    mail_id: int,
    *,
    uid: int,
    mailing: bool,
    max_message_mb: float,
    max_recipients: int,
) -> MailAsSent | None:
    """The mail (None: no such mail); SkipMail (TooBig, TooManyRecipients...) when it
    would not be built. The SMTP password is never read (building needs none)."""
    version = api.version.major
    fields = MAIL_FIELDS + (["mailing_id"] if mailing else [])
    fields += ["record_alias_domain_id"] if version >= 17 else []
    found = api.call(
        "mail.mail", "search_read", domain=[("id", "=", mail_id)], fields=fields, context=EVERY
    )
    if not found:
        return None
    row = found[0]
    plan = PlanRow(
        mail_id, text(row["state"]), record_id(row.get("mailing_id")), text(row["email_from"]),
        record_id(row["mail_server_id"]), record_id(row.get("record_alias_domain_id")),
        moment(row["scheduled_date"]),
    )  # fmt: skip
    settings = _settings(api, uid)
    ctx = SendContext(
        version=version, settings=settings, conf=ConfSmtp(), data_dir="", dbname=api.database,
        max_message_mb=max_message_mb,
    )  # fmt: skip
    route = ctx.route(plan)
    recipients = _recipients(api, [int(p) for p in row["recipient_ids"]], max_recipients + 1)
    if len(recipients) > max_recipients:
        raise TooManyRecipients(max_recipients)
    mail = MailRow(
        id=mail_id, state=text(row["state"]),
        mail_message_id=record_id(row["mail_message_id"]) or 0,
        body_html=text(row["body_html"]), references=text(row["references"]),
        headers=text(row["headers"]), email_to=text(row["email_to"]),
        email_cc=text(row["email_cc"]), auto_delete=bool(row["auto_delete"]),
        is_notification=bool(row["is_notification"]), subject=text(row["subject"]),
        email_from=text(row["email_from"]), reply_to=text(row["reply_to"]),
        message_id=text(row["message_id"]), model=text(row["model"]),
        res_id=record_id(row["res_id"]),
    )  # fmt: skip
    if row["restricted_attachment_count"]:
        raise NotAvailable(
            f"Mail {mail_id} has {row['restricted_attachment_count']} attachment(s) the API "
            f"user {api.login!r} may not read: it cannot be exported over the API as sent"
        )
    rows = _attachments(api, [int(a) for a in row["unrestricted_attachment_ids"]], version)
    prepare_from_rows(ctx, route, mail, recipients, rows)  # the checks, before any data is read
    prepared = prepare_from_rows(ctx, route, mail, recipients, _with_data(api, rows))
    return MailAsSent(plan.state, ctx, route, prepared)


def _settings(api: OdooApi, uid: int) -> DbSettings:
    version = api.version.major
    fields = SERVER_FIELDS + (["max_email_size"] if version >= 18 else [])
    servers = tuple(
        MailServer(
            id=int(s["id"]), name=str(s["name"]), from_filter=text(s["from_filter"]),
            smtp_host=text(s["smtp_host"]), smtp_port=value(s["smtp_port"]),
            smtp_authentication=text(s["smtp_authentication"]), smtp_user=text(s["smtp_user"]),
            smtp_encryption=text(s["smtp_encryption"]), sequence=value(s["sequence"]),
            active=bool(s["active"]), max_email_size=value(s.get("max_email_size", False)),
        )
        for s in api.call(
            "ir.mail_server", "search_read", domain=[], fields=fields, order="sequence, id",
            context=EVERY,
        )
    )  # fmt: skip
    params = {
        str(p["key"]): str(p["value"])
        for p in api.call(
            "ir.config_parameter", "search_read", domain=[("key", "in", list(SETTINGS_PARAMS))],
            fields=["key", "value"],
        )
    }  # fmt: skip
    if version < 17:
        return DbSettings(servers, params, None, {})
    domains = {
        int(d["id"]): AliasDomain(
            int(d["id"]), str(d["name"]), text(d["bounce_alias"]), text(d["default_from"])
        )
        for d in api.call(
            "mail.alias.domain", "search_read", domain=[],
            fields=["name", "bounce_alias", "default_from"],
        )
    }  # fmt: skip
    users = api.call("res.users", "read", [[uid]], fields=["company_id"], context=EVERY)
    company_id = many2one(users[0]["company_id"])[0] if users else None
    company_alias = None
    if company_id:
        company = api.call("res.company", "read", [[company_id]], fields=["alias_domain_id"])
        alias_id = many2one(company[0]["alias_domain_id"])[0] if company else None
        company_alias = domains.get(alias_id) if alias_id else None
    return DbSettings(servers, params, company_alias, domains)


def _recipients(api: OdooApi, ids: list[int], limit: int) -> list[Recipient]:
    """``mail.recipient_ids`` in res.partner's order (Odoo's own ``_order``)."""
    if not ids:
        return []
    found = api.call(
        "res.partner", "search_read", domain=[("id", "in", ids)], fields=["name", "email"],
        limit=limit, context=EVERY,
    )  # fmt: skip
    return [Recipient(int(p["id"]), text(p["name"]), text(p["email"])) for p in found]


def _attachments(api: OdooApi, ids: list[int], version: int) -> list[AttachmentRow]:
    """The message's attachments in Odoo's order (id desc; 19 sorts by id), without data."""
    if not ids:
        return []
    found = api.call("ir.attachment", "read", [sorted(ids)], fields=ATTACHMENT_FIELDS)
    found.sort(key=lambda a: int(a["id"]), reverse=version < 19)
    return [
        AttachmentRow(
            int(a["id"]), str(a["name"]), text(a["mimetype"]), None, None, value(a["file_size"]),
            text(a["res_model"]), record_id(a["res_id"]), text(a["url"]),
        )
        for a in found
    ]  # fmt: skip


def _with_data(api: OdooApi, rows: list[AttachmentRow]) -> list[AttachmentRow]:
    """The rows with their bytes (``datas``, base64), read in one call."""
    if not rows:
        return rows
    datas = {
        int(a["id"]): a["datas"]
        for a in api.call("ir.attachment", "read", [[r.id for r in rows]], fields=["datas"])
    }
    return [
        replace(row, db_datas=base64.b64decode(datas[row.id]) if datas.get(row.id) else None)
        for row in rows
    ]
