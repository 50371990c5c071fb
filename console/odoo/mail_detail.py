"""One mail in full, as the detail shows it: its row, its partners, its message's
notifications and attachments."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from console.domain.models import LIST_REASON_CHARS, Attachment, MailDetail, Notification
from console.domain.secrets import SecretMask
from console.odoo import mail_queries as mail_sql
from console.odoo.mail_rows import mail_row, recipients, with_record_names
from console.odoo.schema import OdooSchema

# Partners loaded for one mail: the detail shows more than a list.
DETAIL_RECIPIENTS = 1000


def mail_detail(
    connection: Connection, schema: OdooSchema, mail_id: int, mask: SecretMask
) -> MailDetail | None:
    row = connection.execute(mail_sql.mail_detail_query(schema, mail_id)).first()
    if row is None:
        return None
    partners, count = recipients(connection, schema, [mail_id], DETAIL_RECIPIENTS).get(
        mail_id, ((), 0)
    )
    notifications = _notifications(connection, schema, int(row.mail_message_id), mask)
    attachments = _attachments(connection, schema, int(row.mail_message_id))
    return MailDetail(
        mail=with_record_names(connection, schema, (mail_row(row, partners, count, mask),))[0],
        message_id=row.message_id,
        references=row.references,
        reply_to=row.reply_to,
        email_cc=row.email_cc,
        headers=row.headers,
        server_name=row.server_name,
        campaign_subject=row.campaign_subject,
        auto_delete=row.auto_delete,
        is_notification=row.is_notification,
        message_type=row.message_type,
        body_html=row.body_html,
        failure_reason_full=mask.optional(row.failure_reason),
        notifications=notifications,
        attachments=attachments,
        create_date=row.create_date,
        write_date=row.write_date,
    )


def _notifications(
    connection: Connection, schema: OdooSchema, message_id: int, mask: SecretMask
) -> tuple[Notification, ...]:
    if not schema.has_table("mail_notification"):
        return ()
    return tuple(
        _notification(n, mask)
        for n in connection.execute(mail_sql.notifications_query(schema, message_id))
    )


def _notification(n: Any, mask: SecretMask) -> Notification:
    return Notification(
        id=int(n.id),
        partner_id=n.res_partner_id,
        partner_name=n.name,
        partner_email=n.email,
        notification_type=str(n.notification_type),
        status=n.notification_status,
        failure_type=n.failure_type,
        failure_reason=mask.cut(n.failure_reason, LIST_REASON_CHARS),
        mail_mail_id=n.mail_mail_id,
    )


def _attachments(
    connection: Connection, schema: OdooSchema, message_id: int
) -> tuple[Attachment, ...]:
    if not (schema.has_table("message_attachment_rel") and schema.has_table("ir_attachment")):
        return ()
    return tuple(
        Attachment(int(a.id), str(a.name), a.mimetype, a.file_size)
        for a in connection.execute(mail_sql.attachments_query(schema, message_id))
    )
