"""Resend to the failed recipients only (the wizard's "Send & close"), and its undo.

For each failed e-mail notification of the messages asked, grouped by the mail Odoo
rendered for it: a new ``mail_mail`` that copies that mail (body, headers, references,
message) to those recipients alone, queued, and the notifications re-pointed to it in
``ready``, as ``_notify_thread_by_email(resend_existing=True)`` leaves them. The old mail
stays as it was, as in Odoo. Recipients that cannot be resent this way are left as they
are, with the reason (console.domain.resend). Inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection

from console.domain.actions import IGNORABLE_NOTIFICATION_STATUSES, WriteOutcome
from console.domain.mailtools import email_normalize
from console.domain.resend import (
    CHANGED,
    FailedNotification,
    MailToCopy,
    why_not_resend,
)
from console.odoo import bus
from console.odoo.schema import OdooSchema
from console.odoo.writes import chunks

NOTHING_TO_RESEND = "no failed e-mail notification to resend"
# What the new mail does not take from the one it copies: its own identity, state and
# times; Odoo's new notification mail has no failure and no schedule.
NOT_COPIED = frozenset(
    {
        "id",
        "state",
        "failure_type",
        "failure_reason",
        "scheduled_date",
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
    }
)


def resend_failed_recipients(
    connection: Connection,
    schema: OdooSchema,
    message_ids: Sequence[int],
    acting: bus.Acting,
) -> WriteOutcome:
    requested = tuple(dict.fromkeys(message_ids))
    failed = _lock_failed(connection, schema, sorted(requested))
    mails = _lock_mails(connection, schema, sorted({f.mail_id for f in failed if f.mail_id}))
    addresses = _addresses_ok(connection, schema, sorted({f.partner_id for f in failed}))
    left: dict[int, str] = {}
    groups: dict[int, list[FailedNotification]] = {}
    for notification in failed:
        mail = mails.get(notification.mail_id) if notification.mail_id else None
        reason = why_not_resend(
            notification,
            mail,
            address_ok=addresses.get(notification.partner_id, False),
            odoo_version=acting.version,
        )
        if reason:
            left[notification.id] = reason
        else:
            groups.setdefault(int(notification.mail_id or 0), []).append(notification)
    new_mails: dict[int, int] = {}
    moved: dict[int, FailedNotification] = {}
    for old_mail, group in groups.items():
        new_mail = _copy_mail(connection, schema, old_mail, [f.partner_id for f in group], acting)
        changed = _point_to(connection, schema, [f.id for f in group], new_mail)
        new_mails[new_mail] = old_mail
        moved.update((f.id, f) for f in group if f.id in changed)
        left.update((f.id, CHANGED) for f in group if f.id not in changed)
    touched = {f.message_id for f in moved.values()}
    announced = bus.notify_message_updates(connection, schema, touched, acting)
    return WriteOutcome(
        action="resend",
        requested=requested,
        applied=tuple(m for m in requested if m in touched),
        skipped=_skipped_messages(requested, touched, failed, left),
        notifications={n: f.status for n, f in moved.items()},
        note=_left_note(failed, left, touched),
        details={
            **acting.details(announced),
            "new_mails": {str(new): old for new, old in new_mails.items()},
            "previous_mail_of": {str(n): f.mail_id for n, f in moved.items()},
            "left": {str(n): reason for n, reason in left.items()},
        },
    )


def _lock_failed(
    connection: Connection, schema: OdooSchema, message_ids: Sequence[int]
) -> list[FailedNotification]:
    """The messages' failed e-mail notifications, locked (PostgreSQL: skipping the ones
    another transaction holds), oldest first as the wizard lists them."""
    notif = schema.t("mail_notification")
    postgres = connection.dialect.name == "postgresql"
    found: list[FailedNotification] = []
    for chunk in chunks(message_ids):
        query: Any = (
            select(
                notif.c.id,
                notif.c.mail_message_id,
                notif.c.res_partner_id,
                notif.c.notification_status,
                notif.c.mail_mail_id,
                notif.c.failure_type,
            )
            .where(
                notif.c.mail_message_id.in_(chunk),
                notif.c.notification_type == "email",
                notif.c.notification_status.in_(IGNORABLE_NOTIFICATION_STATUSES),
                notif.c.res_partner_id.is_not(None),
            )
            .order_by(notif.c.id)
        )
        if postgres:
            query = query.with_for_update(skip_locked=True)
        found.extend(
            FailedNotification(
                id=int(row.id),
                message_id=int(row.mail_message_id),
                partner_id=int(row.res_partner_id),
                status=str(row.notification_status),
                mail_id=None if row.mail_mail_id is None else int(row.mail_mail_id),
                failure_type=row.failure_type,
            )
            for row in connection.execute(query)
        )
    return found


def _lock_mails(
    connection: Connection, schema: OdooSchema, mail_ids: Sequence[int]
) -> dict[int, MailToCopy]:
    """The rendered mails that still exist; on PostgreSQL one that Odoo holds (sending it)
    is reported locked rather than waited for."""
    mail = schema.t("mail_mail")
    found: dict[int, MailToCopy] = {}
    for chunk in chunks(mail_ids):
        query = select(mail.c.id, mail.c.state).where(mail.c.id.in_(chunk))
        found.update(
            (int(i), MailToCopy(int(i), str(state))) for i, state in connection.execute(query)
        )
        if connection.dialect.name == "postgresql":
            held = set(found) - {
                int(i)
                for i in connection.execute(
                    query.with_for_update(key_share=True, skip_locked=True)
                ).scalars()
            }
            for mail_id in held & set(chunk):
                found[mail_id] = MailToCopy(mail_id, found[mail_id].state, locked=True)
    return found


def _addresses_ok(
    connection: Connection, schema: OdooSchema, partner_ids: Sequence[int]
) -> dict[int, bool]:
    """Whether each partner's address is one Odoo can send to now."""
    partner = schema.t("res_partner")
    usable: dict[int, bool] = {}
    for chunk in chunks(partner_ids):
        query = select(partner.c.id, partner.c.email).where(partner.c.id.in_(chunk))
        usable.update(
            (int(i), email_normalize(email) is not None) for i, email in connection.execute(query)
        )
    return usable


def _copy_mail(
    connection: Connection,
    schema: OdooSchema,
    old_mail: int,
    partner_ids: Sequence[int],
    acting: bus.Acting,
) -> int:
    """A queued copy of ``old_mail`` for ``partner_ids``, as the acting user creates it."""
    mail = schema.t("mail_mail")
    row = connection.execute(select(mail).where(mail.c.id == old_mail)).mappings().one()
    values = {k: v for k, v in row.items() if k not in NOT_COPIED}
    values.update(
        state="outgoing",
        create_uid=acting.uid,
        create_date=acting.now,
        write_uid=acting.uid,
        write_date=acting.now,
    )
    new_mail = int(
        connection.execute(insert(mail).values(values).returning(mail.c.id)).scalar_one()
    )
    rel = schema.t("mail_mail_res_partner_rel")
    connection.execute(
        insert(rel), [{"mail_mail_id": new_mail, "res_partner_id": p} for p in partner_ids]
    )
    return new_mail


def _point_to(
    connection: Connection, schema: OdooSchema, notification_ids: Sequence[int], mail_id: int
) -> set[int]:
    """The notifications re-pointed to the new mail, in ``ready``: those still failed."""
    notif = schema.t("mail_notification")
    statement = (
        update(notif)
        .where(
            and_(
                notif.c.id.in_(list(notification_ids)),
                notif.c.notification_status.in_(IGNORABLE_NOTIFICATION_STATUSES),
            )
        )
        .values(notification_status="ready", mail_mail_id=mail_id)
        .returning(notif.c.id)
    )
    return {int(i) for i in connection.execute(statement).scalars()}


def _skipped_messages(
    requested: Sequence[int],
    touched: set[int],
    failed: Sequence[FailedNotification],
    left: dict[int, str],
) -> dict[int, str]:
    """Each message nothing was resent for, with its first recipient's reason."""
    first_reason: dict[int, str] = {}
    for notification in failed:
        if notification.id in left:
            first_reason.setdefault(notification.message_id, left[notification.id])
    return {m: first_reason.get(m, NOTHING_TO_RESEND) for m in requested if m not in touched}


def _left_note(
    failed: Sequence[FailedNotification], left: dict[int, str], touched: set[int]
) -> str:
    """Recipients left behind on messages that were otherwise resent."""
    partial = [f for f in failed if f.id in left and f.message_id in touched]
    if not partial:
        return ""
    reasons = sorted({left[f.id] for f in partial})
    count = len(partial)
    return f"{count} failed recipient{'s' if count != 1 else ''} left as they were: " + "; ".join(
        reasons
    )


def restore_resend(
    connection: Connection,
    schema: OdooSchema,
    previous: dict[int, tuple[str, int | None]],
    new_mails: Sequence[int],
    *,
    uid: int,
    now: datetime,
) -> WriteOutcome:
    """Undo: the new mails still queued are cancelled (never deleted), and the
    notifications still waiting on them go back to their failed status and old mail."""
    mail = schema.t("mail_mail")
    cancelled = {
        int(i)
        for i in connection.execute(
            update(mail)
            .where(and_(mail.c.id.in_(list(new_mails)), mail.c.state == "outgoing"))
            .values(state="cancel", write_uid=uid, write_date=now)
            .returning(mail.c.id)
        ).scalars()
    }
    notif = schema.t("mail_notification")
    restored: dict[int, str] = {}
    for notification_id, (status, old_mail) in previous.items():
        done = connection.execute(
            update(notif)
            .where(
                and_(
                    notif.c.id == notification_id,
                    notif.c.notification_status == "ready",
                    notif.c.mail_mail_id.in_(list(cancelled)),
                )
            )
            .values(notification_status=status, mail_mail_id=old_mail)
            .returning(notif.c.id)
        ).first()
        if done is not None:
            restored[notification_id] = "ready"
    sent_on = "its new mail was sent (or changed) meanwhile"
    return WriteOutcome(
        action="undo",
        requested=tuple(previous),
        applied=tuple(restored),
        skipped={n: sent_on for n in previous if n not in restored},
        notifications=restored,
        noun="notification",
    )
