"""The reads of "Send now": what Odoo's ``send()`` / ``_send()`` read, as SQL, per version
(docs/odoo-sending.md): the settings, the queue cron, the mails' plan rows and one mail's content.

Every function takes the caller's connection; the caller owns the transactions
(console.odoo.send_transactions). Only columns that exist are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from console.domain.mail_crons import EMAIL_QUEUE
from console.domain.models import Recipient
from console.domain.timefmt import as_naive_datetime
from console.odoo.schema import OdooSchema
from console.smtp.prepare import Prepared, TooManyRecipients, prepare_from_rows
from console.smtp.routing import Route, SendContext
from console.smtp.rows import AliasDomain, AttachmentRow, DbSettings, MailRow, PlanRow
from console.smtp.server_choice import MailServer


def has(schema: OdooSchema, table: str, column: str | None = None) -> bool:
    if column is None:
        return schema.has_table(table)
    return (table, column) in schema.column_types or schema.has(table, column)


# -- settings -------------------------------------------------------------------------
SETTINGS_PARAMS = (
    "mail.default.from",
    "mail.catchall.domain",
    "mail.bounce.alias",
    "mail.default.from_filter",
    "web.base.url",
    "base.default_max_email_size",
)


def load_settings(connection: Connection, schema: OdooSchema, uid: int) -> DbSettings:
    servers: list[MailServer] = []
    if has(schema, "ir_mail_server"):
        cols = [
            c
            for c in (
                "from_filter", "smtp_host", "smtp_port", "smtp_authentication", "smtp_user",
                "smtp_pass", "smtp_encryption", "sequence", "active", "max_email_size",
            )
            if has(schema, "ir_mail_server", c)
        ]  # fmt: skip
        order = "sequence, id" if "sequence" in cols else "id"
        rows = connection.execute(
            text(f"SELECT id, name, {', '.join(cols)} FROM ir_mail_server ORDER BY {order}")
        ).mappings()
        for mapping in rows:
            values = dict(mapping)
            values["active"] = bool(values.get("active", True))
            servers.append(MailServer(**values))
    params: dict[str, str] = {}
    if has(schema, "ir_config_parameter"):
        query = text("SELECT key, value FROM ir_config_parameter WHERE key IN :keys")
        query = query.bindparams(bindparam("keys", expanding=True))
        params = {
            str(k): str(v) for k, v in connection.execute(query, {"keys": list(SETTINGS_PARAMS)})
        }
    domains: dict[int, AliasDomain] = {}
    if has(schema, "mail_alias_domain"):
        for row in connection.execute(
            text("SELECT id, name, bounce_alias, default_from FROM mail_alias_domain")
        ):
            domains[int(row.id)] = AliasDomain(
                int(row.id), str(row.name), row.bounce_alias, row.default_from
            )
    company_alias = None
    if has(schema, "res_company", "alias_domain_id"):
        alias_id = connection.execute(
            text(
                "SELECT c.alias_domain_id FROM res_users u JOIN res_company c "
                "ON c.id = u.company_id WHERE u.id = :uid"
            ),
            {"uid": uid},
        ).scalar_one_or_none()
        company_alias = domains.get(int(alias_id)) if alias_id else None
    return DbSettings(tuple(servers), params, company_alias, domains)


def find_queue_cron(connection: Connection, schema: OdooSchema) -> int | None:
    """The Email Queue Manager's id, by the rule of console.domain.mail_crons written in
    SQL: Send now takes this cron's lock before it reads anything else."""
    module, name = EMAIL_QUEUE.xml_id
    found = connection.execute(
        text(
            "SELECT res_id FROM ir_model_data WHERE module = :module "
            "AND name = :name AND model = 'ir.cron'"
        ),
        {"module": module, "name": name},
    ).scalar_one_or_none()
    if found:
        return int(found)
    if not has(schema, "ir_act_server", "code"):
        return None
    found = connection.execute(
        text(
            "SELECT c.id FROM ir_cron c JOIN ir_act_server s ON s.id = c.ir_actions_server_id "
            "WHERE s.code LIKE :calls ORDER BY c.id LIMIT 1"
        ),
        {"calls": f"%{EMAIL_QUEUE.calls}%"},
    ).scalar_one_or_none()
    return int(found) if found else None


# -- planning -------------------------------------------------------------------------
def plan_rows(connection: Connection, schema: OdooSchema, ids: Sequence[int]) -> dict[int, PlanRow]:
    mailing = "m.mailing_id" if has(schema, "mail_mail", "mailing_id") else "NULL"
    alias = (
        "msg.record_alias_domain_id"
        if has(schema, "mail_message", "record_alias_domain_id")
        else "NULL"
    )
    query = text(
        f"SELECT m.id, m.state, {mailing} AS mailing_id, msg.email_from, msg.mail_server_id, "
        f"{alias} AS alias_domain_id, m.scheduled_date FROM mail_mail m "
        "JOIN mail_message msg ON msg.id = m.mail_message_id WHERE m.id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    found: dict[int, PlanRow] = {}
    for start in range(0, len(ids), 1000):
        for row in connection.execute(query, {"ids": list(ids[start : start + 1000])}):
            found[int(row.id)] = PlanRow(
                int(row.id),
                row.state,
                row.mailing_id,
                row.email_from,
                row.mail_server_id,
                row.alias_domain_id,
                as_naive_datetime(row.scheduled_date),
            )
    return found


# -- one mail -------------------------------------------------------------------------
def lock_mail(connection: Connection, mail_id: int) -> str | None:
    """Lock the row without waiting (PostgreSQL) and return its state; None if gone."""
    lock = " FOR UPDATE NOWAIT" if connection.dialect.name == "postgresql" else ""
    state = connection.execute(
        text(f"SELECT state FROM mail_mail WHERE id = :id{lock}"), {"id": mail_id}
    ).first()
    return None if state is None else str(state[0])


MAIL_COLUMNS = (
    'm.id, m.state, m.mail_message_id, m.body_html, m."references", m.headers, '
    "m.email_to, m.email_cc, m.auto_delete, m.is_notification, msg.subject, "
    "msg.email_from, msg.reply_to, msg.message_id, msg.model, msg.res_id"
)
MAIL_FROM = "FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id"


def mail_row(row: Any) -> MailRow:
    """A row selected with ``MAIL_COLUMNS``."""
    return MailRow(
        id=int(row.id),
        state=row.state,
        mail_message_id=int(row.mail_message_id),
        body_html=row.body_html,
        references=row.references,
        headers=row.headers,
        email_to=row.email_to,
        email_cc=row.email_cc,
        auto_delete=bool(row.auto_delete),
        is_notification=bool(row.is_notification),
        subject=row.subject,
        email_from=row.email_from,
        reply_to=row.reply_to,
        message_id=row.message_id,
        model=row.model,
        res_id=row.res_id,
    )


def read_mail(connection: Connection, mail_id: int) -> MailRow:
    row = connection.execute(
        text(f"SELECT {MAIL_COLUMNS} {MAIL_FROM} WHERE m.id = :id"), {"id": mail_id}
    ).one()
    return mail_row(row)


def partner_name_column(schema: OdooSchema) -> str:
    """res.partner's ``_order`` column: complete_name (17+), display_name (16), name."""
    return next(
        (c for c in ("complete_name", "display_name") if has(schema, "res_partner", c)), "name"
    )


def read_recipients(
    connection: Connection, schema: OdooSchema, mail_id: int, limit: int | None = None
) -> list[Recipient]:
    """``mail.recipient_ids`` in res.partner's order (display_name/complete_name, id desc);
    at most `limit` of them."""
    if not has(schema, "mail_mail_res_partner_rel"):
        return []
    name_col = partner_name_column(schema)
    rows = connection.execute(
        text(
            "SELECT p.id, p.name, p.email FROM mail_mail_res_partner_rel r "
            "JOIN res_partner p ON p.id = r.res_partner_id WHERE r.mail_mail_id = :id "
            f"ORDER BY p.{name_col} ASC, p.id DESC"
            + ("" if limit is None else f" LIMIT {int(limit)}")
        ),
        {"id": mail_id},
    )
    return [Recipient(int(r.id), r.name, r.email) for r in rows]


def read_attachments(
    connection: Connection, schema: OdooSchema, message_id: int, version: int
) -> list[AttachmentRow]:
    """The message's attachments in Odoo's order (id desc; 19 sorts by id)."""
    return read_attachments_many(connection, schema, [message_id], version)[message_id]


def read_attachments_many(
    connection: Connection, schema: OdooSchema, message_ids: Sequence[int], version: int
) -> dict[int, list[AttachmentRow]]:
    """Each message's attachments in Odoo's order (id desc; 19 sorts by id)."""
    found: dict[int, list[AttachmentRow]] = {i: [] for i in message_ids}
    if not message_ids or not has(schema, "message_attachment_rel"):
        return found
    if not has(schema, "ir_attachment"):
        return found
    optional = [
        f"a.{c}" if has(schema, "ir_attachment", c) else f"NULL AS {c}"
        for c in ("mimetype", "store_fname", "db_datas", "file_size", "res_model", "res_id", "url")
    ]
    order = "a.id ASC" if version >= 19 else "a.id DESC"
    rows = connection.execute(
        text(
            f"SELECT r.message_id AS owner, a.id, a.name, {', '.join(optional)} "
            "FROM message_attachment_rel r JOIN ir_attachment a ON a.id = r.attachment_id "
            f"WHERE r.message_id IN :ids ORDER BY r.message_id, {order}"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": list(message_ids)},
    )
    for r in rows:
        found[int(r.owner)].append(
            AttachmentRow(
                int(r.id),
                str(r.name),
                r.mimetype,
                r.store_fname,
                bytes(r.db_datas) if r.db_datas is not None else None,
                r.file_size,
                r.res_model,
                r.res_id,
                r.url,
            )
        )
    return found


def read_content(
    connection: Connection,
    schema: OdooSchema,
    ctx: SendContext,
    mail_id: int,
    route: Route,
    max_recipients: int | None = None,
) -> Prepared:
    """One mail, read now; with `max_recipients`, `TooManyRecipients` above that many
    (read at most one more)."""
    mail = read_mail(connection, mail_id)
    limit = None if max_recipients is None else max_recipients + 1
    recipients = read_recipients(connection, schema, mail_id, limit)
    if max_recipients is not None and len(recipients) > max_recipients:
        raise TooManyRecipients(max_recipients)
    rows = read_attachments(connection, schema, mail.mail_message_id, ctx.version)
    return prepare_from_rows(ctx, route, mail, recipients, rows)
