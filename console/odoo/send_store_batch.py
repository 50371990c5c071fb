"""The reads and writes of "Send now" for several mails in one transaction: the same rows
and values as ``console.odoo.send_writes`` writes for one mail, in fewer round trips.

Every function takes the caller's connection; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from console.domain.models import Recipient
from console.odoo.schema import OdooSchema
from console.odoo.send_plan import MailBefore, NotificationBefore, placeholder
from console.odoo.send_reads import MAIL_COLUMNS, MAIL_FROM, has, mail_row, partner_name_column
from console.odoo.send_writes import NOT_DONE, unlink_mails
from console.smtp.reasons import NOTIFICATION_PLACEHOLDER_REASON
from console.smtp.rows import MailRow


def _expanding(sql: str, *names: str) -> Any:
    return text(sql).bindparams(*(bindparam(name, expanding=True) for name in names))


def lock_mails(
    connection: Connection, schema: OdooSchema, ids: Sequence[int]
) -> tuple[dict[int, tuple[MailRow, MailBefore]], set[int]]:
    """Lock the rows that are free and read them; also the ids another transaction holds.

    PostgreSQL: ``FOR UPDATE OF m SKIP LOCKED``, i.e. NOWAIT for each row (a locked row is
    skipped, never waited for) in one statement. SQLite: the caller's BEGIN IMMEDIATE.
    """
    postgres = connection.dialect.name == "postgresql"
    failure_type = "m.failure_type" if has(schema, "mail_mail", "failure_type") else "NULL"
    lock = " FOR UPDATE OF m SKIP LOCKED" if postgres else ""
    rows = connection.execute(
        _expanding(
            f"SELECT {MAIL_COLUMNS}, m.failure_reason AS before_reason, "
            f"{failure_type} AS before_type, m.write_uid AS before_uid, "
            f"m.write_date AS before_date {MAIL_FROM} WHERE m.id IN :ids{lock}",
            "ids",
        ),
        {"ids": list(ids)},
    )
    found: dict[int, tuple[MailRow, MailBefore]] = {}
    for row in rows:
        mail = mail_row(row)
        before = MailBefore(
            mail.state, row.before_reason, row.before_type, row.before_uid, row.before_date
        )
        found[mail.id] = (mail, before)
    missing = [i for i in ids if i not in found]
    locked: set[int] = set()
    if missing and postgres:
        query = _expanding("SELECT id FROM mail_mail WHERE id IN :ids", "ids")
        locked = {int(r[0]) for r in connection.execute(query, {"ids": missing})}
    return found, locked


def read_recipients_many(
    connection: Connection, schema: OdooSchema, ids: Sequence[int]
) -> dict[int, list[Recipient]]:
    """``recipient_ids`` of each mail, in res.partner's order (as ``read_recipients``)."""
    found: dict[int, list[Recipient]] = {i: [] for i in ids}
    if not ids or not has(schema, "mail_mail_res_partner_rel"):
        return found
    name_col = partner_name_column(schema)
    rows = connection.execute(
        _expanding(
            "SELECT r.mail_mail_id, p.id, p.name, p.email FROM mail_mail_res_partner_rel r "
            "JOIN res_partner p ON p.id = r.res_partner_id WHERE r.mail_mail_id IN :ids "
            f"ORDER BY r.mail_mail_id, p.{name_col} ASC, p.id DESC",
            "ids",
        ),
        {"ids": list(ids)},
    )
    for row in rows:
        found[int(row.mail_mail_id)].append(Recipient(int(row.id), row.name, row.email))
    return found


def write_placeholders(
    connection: Connection,
    schema: OdooSchema,
    mails: Sequence[tuple[int, bool]],
    *,
    version: int,
    uid: int,
    now: datetime,
) -> dict[int, tuple[NotificationBefore, ...]]:
    """``_send``'s pre-send write (``send_writes.write_placeholder``) for (mail id, no recipients).

    Returns, per mail, the notifications it overwrote and their values before.
    """
    by_values: dict[tuple[str, str | None], list[int]] = {}
    for mail_id, no_recipients in mails:
        by_values.setdefault(placeholder(version, no_recipients), []).append(mail_id)
    for (reason, failure_type), ids in by_values.items():
        extra = ", failure_type = :ftype" if failure_type is not None else ""
        connection.execute(
            _expanding(
                f"UPDATE mail_mail SET state = 'exception', failure_reason = :reason{extra}, "
                "write_uid = :uid, write_date = :now WHERE id IN :ids",
                "ids",
            ),
            {"reason": reason, "ftype": failure_type, "uid": uid, "now": now, "ids": ids},
        )
    ids = [mail_id for mail_id, _ in mails]
    found: dict[int, list[NotificationBefore]] = {i: [] for i in ids}
    if ids and has(schema, "mail_notification"):
        for row in _placeholder_notifications(connection, ids):
            found[int(row.mail_mail_id)].append(
                NotificationBefore(int(row.id), row.status, row.failure_type, row.failure_reason)
            )
    return {mail_id: tuple(notes) for mail_id, notes in found.items()}


_NOTIFIED = f"notification_type = 'email' AND mail_mail_id IN :ids AND {NOT_DONE}"
_PLACEHOLDER_SET = (
    "notification_status = 'exception', failure_type = 'unknown', failure_reason = :reason"
)


def _placeholder_notifications(connection: Connection, ids: list[int]) -> list[Any]:
    """Set the placeholder on the mails' pending e-mail notifications; their old values."""
    params = {"reason": NOTIFICATION_PLACEHOLDER_REASON, "ids": ids}
    if connection.dialect.name == "postgresql":  # one round trip: the old row in RETURNING
        return list(
            connection.execute(
                _expanding(
                    f"UPDATE mail_notification n SET {_PLACEHOLDER_SET} FROM (SELECT id, "
                    "notification_status, failure_type, failure_reason FROM mail_notification "
                    f"WHERE {_NOTIFIED} FOR UPDATE) old WHERE n.id = old.id RETURNING n.id, "
                    "n.mail_mail_id, old.notification_status AS status, old.failure_type, "
                    "old.failure_reason",
                    "ids",
                ),
                params,
            )
        )
    before = list(
        connection.execute(
            _expanding(
                "SELECT id, mail_mail_id, notification_status AS status, failure_type, "
                f"failure_reason FROM mail_notification WHERE {_NOTIFIED}",
                "ids",
            ),
            params,
        )
    )
    connection.execute(
        _expanding(f"UPDATE mail_notification SET {_PLACEHOLDER_SET} WHERE {_NOTIFIED}", "ids"),
        params,
    )
    return before


def restore(
    connection: Connection,
    mail_id: int,
    before: MailBefore,
    *,
    version: int,
    placeholder_reason: str,
    uid: int,
    placed_at: datetime,
) -> bool:
    """Undo the placeholder of a mail never handed to SMTP: every value as it was.

    Only if the row is still exactly as the placeholder left it (nobody retried,
    cancelled or edited it meanwhile); returns whether it was put back.
    """
    restore_type = ", failure_type = :old_type" if version >= 19 else ""
    changed = connection.execute(
        text(
            "UPDATE mail_mail SET state = :old_state, failure_reason = :old_reason"
            f"{restore_type}, write_uid = :old_uid, write_date = :old_date "
            "WHERE id = :id AND state = 'exception' AND failure_reason = :placeholder "
            "AND write_uid = :uid AND write_date = :placed_at"
        ),
        {
            "old_state": before.state,
            "old_reason": before.failure_reason,
            "old_type": before.failure_type,
            "old_uid": before.write_uid,
            "old_date": before.write_date,
            "id": mail_id,
            "placeholder": placeholder_reason,
            "uid": uid,
            "placed_at": placed_at,
        },
    ).rowcount
    if changed != 1:
        return False
    if before.notifications:
        connection.execute(
            text(
                "UPDATE mail_notification SET notification_status = :status, "
                "failure_type = :ftype, failure_reason = :reason WHERE id = :id "
                "AND notification_status = 'exception' AND failure_reason = :placeholder"
            ),
            [
                {
                    "status": n.status,
                    "ftype": n.failure_type,
                    "reason": n.failure_reason,
                    "id": n.id,
                    "placeholder": NOTIFICATION_PLACEHOLDER_REASON,
                }
                for n in before.notifications
            ],
        )
    return True


def mark_sent(
    connection: Connection,
    schema: OdooSchema,
    sent: Sequence[tuple[MailRow, str]],
    *,
    version: int,
    uid: int,
    now: datetime,
) -> list[int]:
    """``_send`` after a success without any recipient failure, for (mail, Message-Id):
    ``state='sent'``, the Message-Id on the message, ``_postprocess_sent_message``
    (notifications sent, ``auto_delete`` mails unlinked). Returns the unlinked ids."""
    if not sent:
        return []
    clear_type = ", failure_type = NULL" if version >= 19 else ""
    connection.execute(
        _expanding(
            f"UPDATE mail_mail SET state = 'sent', failure_reason = NULL{clear_type}, "
            "write_uid = :uid, write_date = :now WHERE id IN :ids",
            "ids",
        ),
        {"uid": uid, "now": now, "ids": [mail.id for mail, _ in sent]},
    )
    connection.execute(
        text(
            "UPDATE mail_message SET message_id = :mid, write_uid = :uid, write_date = :now "
            "WHERE id = :id"
        ),
        [
            {"mid": message_id, "uid": uid, "now": now, "id": mail.mail_message_id}
            for mail, message_id in sent
        ],
    )
    notified = [mail.id for mail, _ in sent if mail.is_notification]
    if notified and has(schema, "mail_notification"):
        connection.execute(
            _expanding(
                "UPDATE mail_notification SET notification_status = 'sent', "
                "failure_type = NULL, failure_reason = '' WHERE notification_type = 'email' "
                f"AND mail_mail_id IN :ids AND {NOT_DONE}",
                "ids",
            ),
            {"ids": notified},
        )
    deleted = [mail for mail, _ in sent if mail.auto_delete]
    unlink_mails(connection, schema, deleted)
    return [mail.id for mail in deleted]


def mark_connect_failed(
    connection: Connection,
    schema: OdooSchema,
    mails: Sequence[MailRow],
    reason: str,
    *,
    uid: int,
    now: datetime,
) -> set[int]:
    """``send()`` when the batch's SMTP connection fails: ``state='exception'`` with the
    reason (failure_type untouched), notifications ``exception``/``mail_smtp`` with no
    reason; the mails are kept (``mail_smtp`` is not an address failure). Returns the
    messages whose notifications failed, which Odoo's bus announces (docs/odoo-bus.md)."""
    if not mails:
        return set()
    connection.execute(
        _expanding(
            "UPDATE mail_mail SET state = 'exception', failure_reason = :reason, "
            "write_uid = :uid, write_date = :now WHERE id IN :ids",
            "ids",
        ),
        {"reason": reason, "uid": uid, "now": now, "ids": [m.id for m in mails]},
    )
    notified = [m.id for m in mails if m.is_notification]
    if not notified or not has(schema, "mail_notification"):
        return set()
    failed = connection.execute(
        _expanding(
            "UPDATE mail_notification SET notification_status = 'exception', "
            "failure_type = 'mail_smtp', failure_reason = NULL "
            f"WHERE notification_type = 'email' AND mail_mail_id IN :ids AND {NOT_DONE} "
            "RETURNING mail_message_id",
            "ids",
        ),
        {"ids": notified},
    )
    return {int(message_id) for message_id in failed.scalars()}
