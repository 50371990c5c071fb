"""The reads and writes of "Send now": what Odoo's ``send()`` / ``_send()`` /
``_postprocess_sent_message`` read and write, as SQL, per version (model §4.3, §4.4).

Every function takes the caller's connection; the caller owns the transactions
(``write_transaction``: ``BEGIN IMMEDIATE`` on SQLite). Only columns that exist are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from console.domain.models import Recipient
from console.domain.timefmt import as_naive_datetime
from console.odoo.schema import OdooSchema
from console.odoo.send_plan import placeholder
from console.smtp.prepare import Prepared, TooManyRecipients, prepare_from_rows
from console.smtp.reasons import NOTIFICATION_PLACEHOLDER_REASON
from console.smtp.routing import Route, SendContext
from console.smtp.rows import AliasDomain, AttachmentRow, DbSettings, MailRow, PlanRow
from console.smtp.server_choice import MailServer

LOCK_ERRORS = ("55P03", "40001", "40P01")  # lock_not_available, serialization, deadlock


def is_lock_error(exc: BaseException) -> bool:
    """Another transaction holds the row (PostgreSQL NOWAIT) or the file (SQLite)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in LOCK_ERRORS:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(orig).lower()


def has(schema: OdooSchema, table: str, column: str | None = None) -> bool:
    if column is None:
        return schema.has_table(table)
    return (table, column) in schema.column_types or schema.has(table, column)


LOCK_TIMEOUT = "5s"  # a row lock we must wait for (not the mail's own: NOWAIT)


@contextmanager
def write_transaction(connection: Connection, *, lock_timeout: bool = True) -> Iterator[None]:
    """One transaction; on SQLite take the write lock at once (``BEGIN IMMEDIATE``).

    ``lock_timeout=False``: the session already has it (``session_lock_timeout``), which
    saves two round trips per transaction.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # honoured by the backend's "begin" listener (console.backends.sql)
        connection.execution_options(sqlite_immediate=True)
    with connection.begin():
        if not sqlite:
            if lock_timeout:
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        elif not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # an engine without that listener
        yield


@contextmanager
def session_lock_timeout(connection: Connection) -> Iterator[None]:
    """``lock_timeout`` for every transaction of this connection until the block ends."""
    if connection.dialect.name == "sqlite":
        yield
        return
    connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    connection.commit()
    try:
        yield
    finally:
        try:
            if connection.in_transaction():
                connection.rollback()
            connection.exec_driver_sql("RESET lock_timeout")
            connection.commit()
        except SQLAlchemyError:
            connection.invalidate()  # never back to the pool with our setting


# -- settings -------------------------------------------------------------------------
_PARAMS = (
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
        params = {str(k): str(v) for k, v in connection.execute(query, {"keys": list(_PARAMS)})}
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
    """``mail.ir_cron_mail_scheduler_action``, else the cron running process_email_queue."""
    found = connection.execute(
        text(
            "SELECT res_id FROM ir_model_data WHERE module = 'mail' "
            "AND name = 'ir_cron_mail_scheduler_action' AND model = 'ir.cron'"
        )
    ).scalar_one_or_none()
    if found:
        return int(found)
    if not has(schema, "ir_act_server", "code"):
        return None
    found = connection.execute(
        text(
            "SELECT c.id FROM ir_cron c JOIN ir_act_server s ON s.id = c.ir_actions_server_id "
            "WHERE s.code LIKE '%process_email_queue%' ORDER BY c.id LIMIT 1"
        )
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


# -- writes ---------------------------------------------------------------------------
_NOT_DONE = "(notification_status NOT IN ('sent', 'canceled') OR notification_status IS NULL)"


def write_placeholder(
    connection: Connection,
    schema: OdooSchema,
    mail_id: int,
    version: int,
    uid: int,
    now: datetime,
    *,
    no_recipients: bool = False,
) -> str:
    """``_send``'s pre-send write, so a rollback after SMTP can never cause a second send."""
    reason, failure_type = placeholder(version, no_recipients)
    values: dict[str, Any] = {"state": "exception", "failure_reason": reason}
    if failure_type is not None:
        values["failure_type"] = failure_type
    write_mail(connection, mail_id, values, uid, now)
    if has(schema, "mail_notification"):
        connection.execute(
            text(
                "UPDATE mail_notification SET notification_status = 'exception', "
                "failure_type = 'unknown', failure_reason = :reason "
                f"WHERE notification_type = 'email' AND mail_mail_id = :id AND {_NOT_DONE}"
            ),
            {"id": mail_id, "reason": NOTIFICATION_PLACEHOLDER_REASON},
        )
    return reason


def write_mail(
    connection: Connection, mail_id: int, values: dict[str, Any], uid: int, now: datetime
) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    connection.execute(
        text(
            f"UPDATE mail_mail SET {assignments}, write_uid = :uid, write_date = :now "
            "WHERE id = :id"
        ),
        {**values, "id": mail_id, "uid": uid, "now": now},
    )


def write_message_id(
    connection: Connection, message_row_id: int, message_id: str, uid: int, now: datetime
) -> None:
    """``mail.write({'message_id': res})`` goes to the inherited mail.message row."""
    connection.execute(
        text(
            "UPDATE mail_message SET message_id = :mid, write_uid = :uid, write_date = :now "
            "WHERE id = :id"
        ),
        {"mid": message_id, "uid": uid, "now": now, "id": message_row_id},
    )


def postprocess(
    connection: Connection,
    schema: OdooSchema,
    mail: MailRow,
    *,
    version: int,
    success_pids: Sequence[int],
    success_emails: Sequence[str] = (),
    failure_reason: str | None = None,
    failure_type: str | None = None,
) -> Postprocessed:
    """``_postprocess_sent_message``: whether the mail was auto-deleted, and whether its
    message's open chatters must be told of failed recipients (docs/odoo-bus.md §1)."""
    failed: list[int] = []
    if mail.is_notification and has(schema, "mail_notification"):
        address = (
            "mail_email_address"
            if has(schema, "mail_notification", "mail_email_address")
            else "NULL AS mail_email_address"
        )
        notifications = list(
            connection.execute(
                text(
                    f"SELECT id, res_partner_id, {address} FROM mail_notification "
                    f"WHERE notification_type = 'email' AND mail_mail_id = :id AND {_NOT_DONE}"
                ),
                {"id": mail.id},
            )
        )
        if failure_type:
            for notif in notifications:
                partner_ok = (
                    notif.res_partner_id is not None and notif.res_partner_id in success_pids
                )
                email_ok = version >= 19 and notif.mail_email_address in success_emails
                if not partner_ok and not email_ok:
                    failed.append(int(notif.id))
        succeeded = [int(n.id) for n in notifications if int(n.id) not in failed]
        _update_notifications(connection, succeeded, "sent", None, "")
        _update_notifications(connection, failed, "exception", failure_type, failure_reason)
    announce = mail.mail_message_id if failed else None
    keep = failure_type and failure_type not in ("mail_email_invalid", "mail_email_missing")
    if mail.auto_delete and not keep:  # other failures keep the mail (Odoo's comment)
        unlink_mail(connection, schema, mail)
        return Postprocessed(True, announce)
    return Postprocessed(False, announce)


class Postprocessed(NamedTuple):
    deleted: bool
    announce: int | None  # the message whose failed notifications Odoo's bus announces


def _update_notifications(
    connection: Connection,
    ids: list[int],
    status: str,
    failure_type: str | None,
    failure_reason: str | None,
) -> None:
    if not ids:
        return
    query = text(
        "UPDATE mail_notification SET notification_status = :status, "
        "failure_type = :ftype, failure_reason = :reason WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    connection.execute(
        query, {"status": status, "ftype": failure_type, "reason": failure_reason, "ids": ids}
    )


def unlink_mail(connection: Connection, schema: OdooSchema, mail: MailRow) -> None:
    unlink_mails(connection, schema, [mail])


def unlink_mails(connection: Connection, schema: OdooSchema, mails: Sequence[MailRow]) -> None:
    """``mail.mail.unlink()``: the rows, and their mail.message unless a notification.

    The ON DELETE actions Odoo's schema declares are applied explicitly so SQLite files
    without foreign keys end up the same. Each statement runs once for all the mails
    (``executemany``: one pipeline on PostgreSQL).
    """
    if not mails:
        return
    statements = []
    if has(schema, "ir_attachment", "res_model"):
        statements.append(
            "DELETE FROM ir_attachment WHERE res_model = 'mail.mail' AND res_id = :id"
        )
    statements.append("DELETE FROM ir_model_data WHERE model = 'mail.mail' AND res_id = :id")
    if has(schema, "mail_notification"):
        statements.append(
            "UPDATE mail_notification SET mail_mail_id = NULL WHERE mail_mail_id = :id"
        )
    if has(schema, "mailing_trace", "mail_mail_id"):
        statements.append("UPDATE mailing_trace SET mail_mail_id = NULL WHERE mail_mail_id = :id")
    if has(schema, "mail_mail_res_partner_rel"):
        statements.append("DELETE FROM mail_mail_res_partner_rel WHERE mail_mail_id = :id")
    statements.append("DELETE FROM mail_mail WHERE id = :id")
    params = [{"id": mail.id, "msg": mail.mail_message_id} for mail in mails]
    for statement in statements:
        connection.execute(text(statement), params)
    messages = [{"msg": mail.mail_message_id} for mail in mails if not mail.is_notification]
    if messages:
        for statement in _message_unlink_statements(schema):
            connection.execute(text(statement), messages)


def _message_unlink_statements(schema: OdooSchema) -> list[str]:
    """``mail.message.unlink()`` plus the cascades of its foreign keys."""
    statements = []
    if has(schema, "ir_attachment", "res_model") and has(schema, "message_attachment_rel"):
        statements.append(
            "DELETE FROM ir_attachment WHERE res_model = 'mail.message' "
            "AND (res_id = :msg OR res_id = 0) AND id IN "
            "(SELECT attachment_id FROM message_attachment_rel WHERE message_id = :msg)"
        )
    if has(schema, "ir_attachment", "res_model"):
        statements.append(
            "DELETE FROM ir_attachment WHERE res_model = 'mail.message' AND res_id = :msg"
        )
    statements.append("DELETE FROM ir_model_data WHERE model = 'mail.message' AND res_id = :msg")
    for table, column in (
        ("message_attachment_rel", "message_id"),
        ("mail_message_res_partner_rel", "mail_message_id"),
        ("mail_notification", "mail_message_id"),
    ):
        if has(schema, table):
            statements.append(f"DELETE FROM {table} WHERE {column} = :msg")
    statements.append("UPDATE mail_message SET parent_id = NULL WHERE parent_id = :msg")
    statements.append("DELETE FROM mail_mail WHERE mail_message_id = :msg")
    statements.append("DELETE FROM mail_message WHERE id = :msg")
    return statements


def insert_trigger(connection: Connection, cron_id: int, uid: int, now: datetime) -> None:
    """``ir.cron._trigger()``: one ``ir_cron_trigger`` row due now. Odoo's ``call_at`` is
    ``fields.Datetime.now()``, whole seconds; the log dates keep the microseconds."""
    connection.execute(
        text(
            "INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid, create_date, "
            "write_uid, write_date) VALUES (:cron, :call_at, :uid, :now, :uid, :now)"
        ),
        {"cron": cron_id, "call_at": now.replace(microsecond=0), "now": now, "uid": uid},
    )


def describe_db_error(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()
    return first[0][:200] if first else type(orig).__name__
