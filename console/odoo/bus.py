"""The ``bus.bus`` rows Odoo writes when a message's e-mail notifications change state.

Odoo's ``mail.message._notify_message_notification_update()`` (after "Ignore all" and after
a send that failed for some recipients) tells every open web client at once, so a chatter
turns its envelope red or white without a reload. This module writes the same rows, in the
caller's transaction (never for a change that rolls back); the caller NOTIFYs ``imbus`` on
the ``postgres`` database after the commit (``notify_payloads``). The Odoo facts are in
docs/odoo-bus.md; the payload formats in console.odoo.bus_format.

Per chunk of messages a handful of statements, never one per message: the messages, their
notifications with the recipients, the model names, the authors' users, and the rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from console.odoo import bus_access
from console.odoo.bus_format import Message, Notification, Recipient, bus_message
from console.odoo.schema import OdooSchema

CHUNK = 5000  # messages per bus message (Odoo: all in one; docs/odoo-bus.md §1)
NOTIFY_PAYLOAD_MAX_LENGTH = 8000  # bytes: Odoo's default split size for NOTIFY imbus
NO_BUS = "Odoo's bus_bus table is missing: open chatters were not told (they show it on reload)"


@dataclass(frozen=True, slots=True)
class BusWrite:
    """What was written: the bus rows and their channels (for the NOTIFY after commit)."""

    rows: int = 0
    channels: tuple[tuple[Any, ...], ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Acting:
    """Who writes the bus rows, on which database and Odoo version, and when."""

    uid: int
    version: int
    dbname: str
    now: datetime

    def details(self, written: BusWrite) -> dict[str, object]:
        """The outcome's JSON details: rows written and their channels (for the NOTIFY)."""
        return {"bus_rows": written.rows, "bus_channels": [list(c) for c in written.channels]}


@dataclass(slots=True)
class _Actor:
    uid: int
    partner_id: int | None
    lang: str
    public: bool


def json_dump(value: Any) -> str:
    """``bus.json_dump``: compact JSON (Odoo's separators, non-ASCII escaped)."""
    return json.dumps(value, separators=(",", ":"))


def _expanding(sql: str, *names: str) -> Any:
    return text(sql).bindparams(*(bindparam(name, expanding=True) for name in names))


def notify_message_updates(
    connection: Connection,
    schema: OdooSchema,
    message_ids: Iterable[int],
    acting: Acting,
    *,
    thread_only: bool = False,
) -> BusWrite:
    """``_notify_message_notification_update()`` on these messages, as ``acting.uid``.

    ``thread_only``: ``_postprocess_sent_message`` first keeps the thread messages.
    """
    version, uid, dbname, now = acting.version, acting.uid, acting.dbname, acting.now
    ids = sorted(set(message_ids))
    if not ids:
        return BusWrite()
    if not schema.has_table("bus_bus"):
        return BusWrite(note=NO_BUS)
    actor = _actor(connection, schema, uid)
    rows: list[dict[str, Any]] = []
    channels: dict[tuple[Any, ...], None] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        messages = _read_messages(connection, schema, chunk, version, actor, thread_only)
        for partner_id, theirs in _per_partner(connection, schema, messages, actor, version):
            kind, payload = bus_message(version, theirs)
            channel = (dbname, "res.partner", partner_id)
            channels[channel] = None
            rows.append(
                {
                    "channel": json_dump(channel),
                    "message": json_dump({"type": kind, "payload": payload}),
                    "uid": uid,
                    "now": now,
                }
            )
    if rows:
        connection.execute(
            text(
                "INSERT INTO bus_bus (channel, message, create_uid, create_date, write_uid, "
                "write_date) VALUES (:channel, :message, :uid, :now, :uid, :now)"
            ),
            rows,
        )
    return BusWrite(len(rows), tuple(channels))


def notify_payloads(channels: Sequence[Sequence[Any]]) -> list[str]:
    """``bus.get_notify_payloads``: the channel list as JSON, halved while too long."""
    if not channels:
        return []
    payload = json_dump([list(c) for c in channels])
    if len(channels) == 1 or len(payload.encode()) < NOTIFY_PAYLOAD_MAX_LENGTH:
        return [payload]
    pivot = -(-len(channels) // 2)
    return notify_payloads(channels[:pivot]) + notify_payloads(channels[pivot:])


# -- who is told ------------------------------------------------------------------------
def _actor(connection: Connection, schema: OdooSchema, uid: int) -> _Actor:
    lang = "res_partner.lang" if schema.has("res_partner", "lang") else "NULL"
    row = connection.execute(
        text(
            f"SELECT res_users.partner_id, {lang} AS lang FROM res_users "
            "LEFT JOIN res_partner ON res_partner.id = res_users.partner_id "
            "WHERE res_users.id = :uid"
        ),
        {"uid": uid},
    ).first()
    partner_id = int(row.partner_id) if row is not None and row.partner_id else None
    public = bool(bus_access.public_users(connection, schema, [uid]))
    return _Actor(uid, partner_id, str(row.lang) if row and row.lang else "en_US", public)


def _per_partner(
    connection: Connection,
    schema: OdooSchema,
    messages: list[Message],
    actor: _Actor,
    version: int,
) -> list[tuple[int, list[Message]]]:
    """docs/odoo-bus.md §1: the acting user's partner (unless public) gets every message,
    each author (unless one of its users is public) its own; 19 only partners with a user."""
    authors = {m.author_id for m in messages if m.author_id}
    told_authors = bus_access.authors_told(
        connection, schema, authors, version=version, actor_partner=actor.partner_id
    )
    per_partner: dict[int, list[Message]] = {}
    for message in messages:
        if not actor.public and actor.partner_id:
            per_partner.setdefault(actor.partner_id, []).append(message)
        author = message.author_id
        if author and author in told_authors:
            theirs = per_partner.setdefault(author, [])
            if not theirs or theirs[-1] is not message:
                theirs.append(message)
    return list(per_partner.items())


# -- what they are told -----------------------------------------------------------------
def thread_message_sql(version: int) -> str:
    """``is_thread_message()`` (16-18) / ``_is_thread_message()`` (19), beyond the model
    and res_id every bus update needs (docs/odoo-bus.md §1)."""
    if version >= 19:
        return "model <> 'mail.thread'"
    return "(message_type IS NULL OR message_type <> 'user_notification')"


def _read_messages(
    connection: Connection,
    schema: OdooSchema,
    ids: list[int],
    version: int,
    actor: _Actor,
    thread_only: bool,
) -> list[Message]:
    guest = "author_guest_id" if schema.has("mail_message", "author_guest_id") else "NULL"
    thread = f" AND {thread_message_sql(version)}" if thread_only else ""
    rows = list(
        connection.execute(
            _expanding(
                "SELECT id, model, res_id, date, message_type, body, author_id, "
                f"{guest} AS author_guest_id FROM mail_message WHERE id IN :ids "
                "AND model IS NOT NULL AND model <> '' AND res_id IS NOT NULL AND res_id <> 0"
                f"{thread} ORDER BY id",
                "ids",
            ),
            {"ids": ids},
        )
    )
    records: dict[str, set[int]] = {}
    for row in rows:
        records.setdefault(str(row.model), set()).add(int(row.res_id))
    readable = bus_access.readable_models(connection, schema, actor.uid, set(records))
    names = None  # 19 only: the thread's display name, and whether the record exists
    if version >= 19:
        names = bus_access.thread_names(connection, schema, records, actor.lang)
    model_names = _model_names(connection, set(records), actor.lang)
    notifications = _read_notifications(connection, schema, [int(r.id) for r in rows], version)
    messages: list[Message] = []
    for row in rows:
        model, res_id = str(row.model), int(row.res_id)
        if model not in readable:
            continue
        if names is not None and (model, res_id) not in names:
            continue  # 19 skips a message whose record is gone (docs/odoo-bus.md §1)
        messages.append(
            Message(
                id=int(row.id),
                model=model,
                res_id=res_id,
                date=row.date,
                message_type=row.message_type,
                body=row.body,
                author_id=int(row.author_id) if row.author_id else None,
                author_guest_id=int(row.author_guest_id) if row.author_guest_id else None,
                model_name=model_names.get(model),
                thread_name=names.get((model, res_id)) if names is not None else None,
                notifications=tuple(notifications.get(int(row.id), ())),
            )
        )
    return messages


def _model_names(connection: Connection, models: set[str], lang: str) -> dict[str, str]:
    """``ir.model._get(model).display_name``: the model's name in the user's language."""
    if not models:
        return {}
    found = connection.execute(
        _expanding("SELECT model, name FROM ir_model WHERE model IN :models", "models"),
        {"models": sorted(models)},
    )
    return {str(model): bus_access.translated(name, lang) for model, name in found}


def _read_notifications(
    connection: Connection, schema: OdooSchema, message_ids: list[int], version: int
) -> dict[int, list[Notification]]:
    """Every notification of these messages, in ``notification_ids`` order (id)."""
    found: dict[int, list[Notification]] = {}
    if not message_ids:
        return found
    has_address = schema.has("mail_notification", "mail_email_address")
    address = "n.mail_email_address" if has_address else "NULL"
    shown_name = "p.display_name" if version <= 16 else "p.complete_name"
    if not schema.has("res_partner", shown_name[2:]):
        shown_name = "p.name"
    share = "p.partner_share" if schema.has("res_partner", "partner_share") else "NULL"
    rows = connection.execute(
        _expanding(
            "SELECT n.id, n.mail_message_id, n.notification_type, n.notification_status, "
            f"n.failure_type, {address} AS address, p.id AS partner_id, p.name, "
            f"{shown_name} AS shown_name, p.email, {share} AS share, "
            "(m.subtype_id IS NULL OR s.track_recipients) AS tracks "
            "FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id "
            "LEFT JOIN mail_message_subtype s ON s.id = m.subtype_id "
            "LEFT JOIN res_partner p ON p.id = n.res_partner_id "
            "WHERE n.mail_message_id IN :ids ORDER BY n.id",
            "ids",
        ),
        {"ids": message_ids},
    )
    for r in rows:
        partner = (
            Recipient(int(r.partner_id), r.name, r.shown_name, r.email, bool(r.share))
            if r.partner_id
            else None
        )
        found.setdefault(int(r.mail_message_id), []).append(
            Notification(
                id=int(r.id),
                message_id=int(r.mail_message_id),
                type=r.notification_type,
                status=r.notification_status,
                failure_type=r.failure_type,
                email_address=r.address,
                partner=partner,
                subtype_tracks=bool(r.tracks),
            )
        )
    return found
