"""The writes of "Send now": what Odoo's ``_send()`` and ``_postprocess_sent_message``
write, as SQL, per version (docs/odoo-sending.md): the pre-send placeholder, the result, the
notifications, the unlink of an auto-deleted mail, and the queue cron's trigger.

Every function takes the caller's connection; the caller owns the transactions
(console.odoo.send_transactions). Only columns that exist are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from console.odoo.schema import OdooSchema
from console.odoo.send_plan import placeholder
from console.odoo.send_reads import has
from console.smtp.reasons import NOTIFICATION_PLACEHOLDER_REASON
from console.smtp.rows import MailRow

# A notification this send has not settled yet (sent and canceled ones stay as they are).
NOT_DONE = "(notification_status NOT IN ('sent', 'canceled') OR notification_status IS NULL)"


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
                f"WHERE notification_type = 'email' AND mail_mail_id = :id AND {NOT_DONE}"
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
                    f"WHERE notification_type = 'email' AND mail_mail_id = :id AND {NOT_DONE}"
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
