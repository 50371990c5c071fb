"""Remove addresses from Odoo's blacklist as its wizard does, and put them back (undo), in
the caller's transaction, guarded by the state each expects (docs/odoo-blacklist.md).

``mail.blacklist.remove.action_unblacklist_apply`` archives the entry (``active`` -> false,
``write_uid``/``write_date``); ``active`` is tracked, so Odoo's tracking logs a chatter
line "Active: True -> False" (a ``mail_tracking_value`` with integers 1 -> 0) as the acting
user. The reason: 16 posts it as a separate note before the tracking line is logged
("Unblacklisting Reason: ..."); 17-19 make it the body of the tracking line itself
("<p>Unblock Reason: ...</p>"). Neither writes followers or notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection

from console.domain.actions import WriteOutcome
from console.domain.blacklist import removal_body
from console.domain.errors import ConsoleError
from console.domain.mailtools import formataddr
from console.domain.timefmt import as_naive_datetime
from console.odoo import tracking
from console.odoo.schema import OdooSchema
from console.smtp.build import generate_tracking_message_id

MODEL = "mail.blacklist"
ACTIVE_FIELD: tracking.FieldSpecs = {"active": ("boolean", "Active", tracking.TRACKING_SEQUENCE)}
ALREADY_REMOVED = "already removed from the blacklist"
NOT_REMOVED = "active again (not as the removal left it): left as it is"
CHANGED = "changed since the removal: left as it is"
GONE = "no such blacklist entry, or locked by Odoo right now"


def remove_from_blacklist(
    connection: Connection,
    schema: OdooSchema,
    ids: Sequence[int],
    *,
    reason: str,
    uid: int,
    now: datetime,
    version: int,
) -> WriteOutcome:
    """Archive the active entries among ``ids`` with Odoo's chatter lines; the others are
    skipped with the reason. ``previous_writes`` keeps what undo needs."""
    requested = tuple(dict.fromkeys(ids))
    rows = _lock(connection, schema, requested)
    skipped = {i: GONE for i in requested if i not in rows}
    skipped.update({i: ALREADY_REMOVED for i, row in rows.items() if not row.active})
    eligible = [i for i in requested if i in rows and rows[i].active]
    log = _chatter_log(connection, schema, version, uid) if eligible else None
    applied = _set_active(connection, schema, eligible, False, uid=uid, now=now)
    chatter: dict[int, int] = {}
    body = removal_body(version, reason)
    for entry_id in applied:
        assert log is not None
        if version <= 16 and body:
            _post_note_16(connection, schema, log, entry_id, rows[entry_id].email, body, now)
            body_of_log = ""
        else:
            body_of_log = body
        chatter[entry_id] = tracking.log_tracking(
            connection,
            schema,
            log,
            model=MODEL,
            res_id=entry_id,
            changes=[tracking.FieldChange("active", True, False)],
            now=now,
            body=body_of_log,
        )
    return WriteOutcome(
        action="unblacklist",
        requested=requested,
        applied=tuple(applied),
        skipped=skipped,
        previous={i: "active" for i in applied},
        previous_writes={i: (rows[i].write_uid, _text(rows[i].write_date)) for i in applied},
        chatter=chatter,
        details={"emails": {str(i): rows[i].email for i in requested if i in rows}},
    )


def blacklist_again(
    connection: Connection,
    schema: OdooSchema,
    left_as: dict[int, datetime],
    *,
    uid: int,
    now: datetime,
    version: int,
) -> WriteOutcome:
    """Undo of a removal: Odoo's ``_add`` on an archived entry (``action_unarchive``:
    active again, a tracking line "Active: False -> True" with no body), for the entries
    still exactly as the removal left them (``left_as``: id -> the write_date it wrote)."""
    requested = tuple(left_as)
    rows = _lock(connection, schema, requested)
    skipped = {i: GONE for i in requested if i not in rows}
    eligible: list[int] = []
    for i, row in rows.items():
        if row.active:
            skipped[i] = NOT_REMOVED
        elif as_naive_datetime(row.write_date) != left_as[i]:
            skipped[i] = CHANGED
        else:
            eligible.append(i)
    log = _chatter_log(connection, schema, version, uid) if eligible else None
    applied = _set_active(connection, schema, eligible, True, uid=uid, now=now)
    chatter = {
        i: tracking.log_tracking(
            connection,
            schema,
            log,
            model=MODEL,
            res_id=i,
            changes=[tracking.FieldChange("active", False, True)],
            now=now,
        )
        for i in applied
        if log is not None
    }
    return WriteOutcome(
        action="undo",
        requested=requested,
        applied=tuple(applied),
        skipped=skipped,
        chatter=chatter,
        noun="address",
        details={"emails": {str(i): rows[i].email for i in requested if i in rows}},
    )


def _chatter_log(
    connection: Connection, schema: OdooSchema, version: int, uid: int
) -> tracking.ChatterLog:
    """The tracking line is what Odoo shows of the change: without it, write nothing."""
    try:
        return tracking.prepare_log(
            connection, schema, version=version, uid=uid, model=MODEL, specs=ACTIVE_FIELD
        )
    except tracking.ChatterUnavailable as exc:
        raise ConsoleError(
            f"Cannot write Odoo's chatter line of the blacklist entry: {exc}; nothing changed"
        ) from None


def _lock(connection: Connection, schema: OdooSchema, ids: Sequence[int]) -> dict[int, Any]:
    """Entry id -> (id, email, active, write_uid, write_date); on PostgreSQL locked, skipping
    rows another transaction holds."""
    table = schema.t("mail_blacklist")
    query: Any = select(
        table.c.id, table.c.email, table.c.active, table.c.write_uid, table.c.write_date
    ).where(table.c.id.in_(list(ids)))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return {int(row.id): row for row in connection.execute(query)} if ids else {}


def _set_active(
    connection: Connection,
    schema: OdooSchema,
    ids: Sequence[int],
    active: bool,
    *,
    uid: int,
    now: datetime,
) -> list[int]:
    """The entries written, among those still in the opposite state."""
    if not ids:
        return []
    table = schema.t("mail_blacklist")
    statement = (
        update(table)
        .where(and_(table.c.id.in_(list(ids)), table.c.active == (not active)))
        .values(active=active, write_uid=uid, write_date=now)
        .returning(table.c.id)
    )
    done = {int(i) for i in connection.execute(statement).scalars()}
    return [i for i in ids if i in done]


def _post_note_16(
    connection: Connection,
    schema: OdooSchema,
    log: tracking.ChatterLog,
    entry_id: int,
    email: str,
    body: str,
    now: datetime,
) -> int:
    """16's ``message_post(body=...)`` on the entry: a note (mt_note, type notification)
    attached to the thread's first message, named after the record, with a signature."""
    messages = schema.t("mail_message")
    first = connection.execute(
        select(messages.c.id)
        .where(
            and_(
                messages.c.model == MODEL,
                messages.c.res_id == entry_id,
                messages.c.message_type != "user_notification",
            )
        )
        .order_by(messages.c.id)
        .limit(1)
    ).scalar_one_or_none()
    values: dict[str, Any] = {
        "subject": None,
        "date": now.replace(microsecond=0),
        "body": body,
        "parent_id": first,
        "model": MODEL,
        "res_id": entry_id,
        "record_name": email,
        "message_type": "notification",
        "subtype_id": log.subtype_id,
        "author_id": log.author.author_id,
        "email_from": log.author.email_from,
        "reply_to": _record_reply_to(connection, schema, log, email),
        "message_id": generate_tracking_message_id(f"{entry_id}-{MODEL}"),
        "email_add_signature": True,
        "create_uid": log.uid,
        "create_date": now,
        "write_uid": log.uid,
        "write_date": now,
    }
    return int(
        connection.execute(
            insert(messages)
            .values({k: v for k, v in values.items() if k in messages.c})
            .returning(messages.c.id)
        ).scalar_one()
    )


def _record_reply_to(
    connection: Connection, schema: OdooSchema, log: tracking.ChatterLog, email: str
) -> str | None:
    """16's ``_notify_get_reply_to`` for the entry: with a catchall, "<Company> <address>"
    at the catchall (78-character rule), else the author's From."""
    from console.odoo.message_author import catchall_of_user

    found = catchall_of_user(connection, schema, 16, log.uid)
    if found is None:
        return log.author.email_from
    address, company = found
    if len(address) >= 78:
        return address
    formatted = formataddr((f"{company} {email}" if email else company or "", address))
    if len(formatted) > 78:
        formatted = formataddr((email or company or "", address))
    return address if len(formatted) > 78 else formatted


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
