"""The resend wizard's "Ignore all": a mail's failed e-mail notifications set
to canceled, guarded by the status they had, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection

from console.domain.actions import IGNORABLE_NOTIFICATION_STATUSES, WriteOutcome
from console.odoo import bus
from console.odoo.schema import OdooSchema
from console.odoo.writes import GONE, chunks

NOTHING_TO_IGNORE = "no failed e-mail notification to ignore"


def ignore_failures(
    connection: Connection,
    schema: OdooSchema,
    ids: Sequence[int],
    acting: bus.Acting | None = None,
) -> WriteOutcome:
    """The resend wizard's "Ignore all": the message's failed e-mail notifications -> canceled.

    Odoo touches neither mail_mail nor the failure fields; mail_notification has no
    write_uid/write_date (`_log_access = False`). With ``acting``, also the bus rows that
    refresh open chatters, as ``cancel_mail_action`` writes them (docs/odoo-bus.md); the
    caller NOTIFYs after the commit (``details["bus_channels"]``).
    """
    requested = tuple(dict.fromkeys(ids))
    message_of = messages_of(connection, schema, requested)
    by_message = ignore_message_failures(
        connection, schema, list(dict.fromkeys(message_of.values())), acting
    )
    touched = set(by_message.applied)
    return replace(
        by_message,
        action="ignore",
        requested=requested,
        applied=tuple(i for i in requested if message_of.get(i) in touched),
        skipped={
            i: GONE if i not in message_of else NOTHING_TO_IGNORE
            for i in requested
            if message_of.get(i) not in touched
        },
    )


def ignore_message_failures(
    connection: Connection,
    schema: OdooSchema,
    message_ids: Sequence[int],
    acting: bus.Acting | None = None,
) -> WriteOutcome:
    """Ignore all on chatter messages (the red envelopes), whether or not a mail row still
    exists for them: the same rows and bus notifications as ``ignore_failures``."""
    requested = tuple(dict.fromkeys(message_ids))
    before = _lock_ignorable(connection, schema, sorted(requested))
    changed = _cancel_notifications(connection, schema, sorted(before))
    touched = {before[n][0] for n in changed}
    announced = bus.BusWrite()
    if acting is not None:
        announced = bus.notify_message_updates(connection, schema, touched, acting)
    return WriteOutcome(
        action="ignore-messages",
        requested=requested,
        applied=tuple(m for m in requested if m in touched),
        skipped={m: NOTHING_TO_IGNORE for m in requested if m not in touched},
        notifications={n: before[n][1] for n in changed},
        note=announced.note,
        details=acting.details(announced) if acting is not None else {},
    )


def messages_of(
    connection: Connection, schema: OdooSchema, mail_ids: Sequence[int]
) -> dict[int, int]:
    """Mail id -> its mail.message id, for the mails that still exist."""
    mail = schema.t("mail_mail")
    message_of: dict[int, int] = {}
    for chunk in chunks(mail_ids):
        for mail_id, message_id in connection.execute(
            select(mail.c.id, mail.c.mail_message_id).where(mail.c.id.in_(chunk))
        ):
            message_of[int(mail_id)] = int(message_id)
    return message_of


def _lock_ignorable(
    connection: Connection, schema: OdooSchema, message_ids: Sequence[int]
) -> dict[int, tuple[int, str]]:
    """Notification id -> (message id, status) of the messages' failed e-mail
    notifications; on PostgreSQL locked, skipping those another transaction holds."""
    notif = schema.t("mail_notification")
    postgres = connection.dialect.name == "postgresql"
    before: dict[int, tuple[int, str]] = {}
    for chunk in chunks(message_ids):
        query: Any = select(notif.c.id, notif.c.mail_message_id, notif.c.notification_status).where(
            notif.c.mail_message_id.in_(chunk),
            notif.c.notification_type == "email",
            notif.c.notification_status.in_(IGNORABLE_NOTIFICATION_STATUSES),
        )
        if postgres:
            query = query.with_for_update(skip_locked=True)
        for notif_id, message_id, status in connection.execute(query):
            before[int(notif_id)] = (int(message_id), str(status))
    return before


def _cancel_notifications(
    connection: Connection, schema: OdooSchema, notification_ids: Sequence[int]
) -> list[int]:
    """The notifications set to canceled: those still in a failed status."""
    notif = schema.t("mail_notification")
    changed: list[int] = []
    for chunk in chunks(notification_ids):
        statement = (
            update(notif)
            .where(
                and_(
                    notif.c.id.in_(chunk),
                    notif.c.notification_status.in_(IGNORABLE_NOTIFICATION_STATUSES),
                )
            )
            .values(notification_status="canceled")
            .returning(notif.c.id)
        )
        changed.extend(int(i) for i in connection.execute(statement).scalars())
    return changed
