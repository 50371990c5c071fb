"""Resetting bounce counters as Odoo does when a mail arrives from an address, and undoing
it (docs/odoo-bounces.md).

Odoo (``mail.thread._routing_reset_bounce``) searches every model that inherits
``mail.thread.blacklist`` (``ir_model.is_mail_blacklist``: partners, and mailing contacts
with mass_mailing) for records with ``message_bounce > 0`` and that normalized address, and
writes ``message_bounce = 0`` on them (``_message_reset_bounce``): an ORM write, so
``write_uid`` and ``write_date`` change too. Its search leaves archived records out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from console.domain.actions import WriteOutcome
from console.domain.bounces import BLACKLIST_MODELS, MODEL_WORDS
from console.domain.timefmt import as_naive_datetime, sql_timestamp
from console.odoo.schema import OdooSchema

NOTHING_TO_RESET = "no active record with bounces has this address"
CHANGED = "its bounce counter changed meanwhile"
GONE = "no longer exists"


def blacklist_tables(connection: Connection, schema: OdooSchema) -> list[tuple[str, str]]:
    """(model, table) of every model Odoo resets, as ``_routing_reset_bounce`` finds them."""
    models: list[str] = list(BLACKLIST_MODELS)
    if schema.has("ir_model", "is_mail_blacklist"):
        models = [
            str(m)
            for (m,) in connection.execute(
                text(
                    "SELECT model FROM ir_model WHERE is_mail_blacklist "
                    "AND model <> 'mail.thread.blacklist' ORDER BY id"
                )
            )
        ]
    found = []
    inspector = None
    for model in models:
        table = model.replace(".", "_")
        if schema.has_table(table):
            columns = {c.name for c in schema.t(table).c}
        else:  # another heir (crm.lead...): the console does not map its table
            inspector = inspector or inspect(connection)
            if not inspector.has_table(table):
                continue
            columns = {str(c["name"]) for c in inspector.get_columns(table)}
        if {"message_bounce", "email_normalized"} <= columns:
            found.append((model, table))
    return found


def _has_active(connection: Connection, schema: OdooSchema, table: str) -> bool:
    if schema.has_table(table):
        return schema.has(table, "active")
    return any(c["name"] == "active" for c in inspect(connection).get_columns(table))


def _as_stored(value: object) -> str | None:
    """A write_date as undo writes it back: SQLite's own text, PostgreSQL's as text."""
    if value is None or isinstance(value, str):
        return value
    return _timestamp(value)


def _lock(connection: Connection) -> str:
    return " FOR UPDATE" if connection.dialect.name == "postgresql" else ""


def _timestamp(value: object) -> str | None:
    moment = as_naive_datetime(value)
    return None if moment is None else sql_timestamp(moment)


def reset_bounces(
    connection: Connection,
    schema: OdooSchema,
    addresses: Sequence[str],
    *,
    uid: int,
    now: datetime,
) -> WriteOutcome:
    """``message_bounce = 0`` on the active records of each normalized address that have
    bounces; the addresses with none are skipped (by their position, 1 first)."""
    reset: dict[str, dict[str, list[Any]]] = {}
    applied: list[int] = []
    matched: set[str] = set()
    for model, table in blacklist_tables(connection, schema):
        active = " AND active" if _has_active(connection, schema, table) else ""
        rows = [
            row
            for address in addresses
            for row in connection.execute(
                text(
                    f"SELECT id, message_bounce, write_uid, write_date, email_normalized "
                    f"FROM {table} WHERE email_normalized = :address AND message_bounce > 0"
                    f"{active} ORDER BY id{_lock(connection)}"
                ),
                {"address": address},
            )
        ]
        if not rows:
            continue
        for row in rows:
            connection.execute(
                text(
                    f"UPDATE {table} SET message_bounce = 0, write_uid = :uid, "
                    "write_date = :now WHERE id = :id AND message_bounce > 0"
                ),
                {"uid": uid, "now": now, "id": int(row[0])},
            )
            matched.add(str(row[4]))
            applied.append(int(row[0]))
        reset[model] = {
            "ids": [int(r[0]) for r in rows],
            "bounces": [int(r[1]) for r in rows],
            "write_uid": [None if r[2] is None else int(r[2]) for r in rows],
            "write_date": [_as_stored(r[3]) for r in rows],
        }
    skipped = {
        position: NOTHING_TO_RESET
        for position, address in enumerate(addresses, start=1)
        if address not in matched
    }
    counts = ", ".join(f"{len(v['ids'])} {MODEL_WORDS.get(m, m)}" for m, v in reset.items())
    missing = [addresses[p - 1] for p in skipped]
    notes = [f"{counts} set to 0, as Odoo does on a mail from the address"] if reset else []
    if missing:
        more = " ..." if len(missing) > 5 else ""
        notes.append("nothing to reset for " + ", ".join(missing[:5]) + more)
    return WriteOutcome(
        action="reset-bounce",
        requested=tuple(range(1, len(addresses) + 1)),
        applied=tuple(applied),
        skipped=skipped,
        noun="record",
        note="; ".join(notes),
        details={
            "addresses": list(addresses),
            "skipped_addresses": missing,
            "reset": reset,
            "written": {"write_uid": uid, "write_date": sql_timestamp(now)},
        },
    )


def restore_bounces(
    connection: Connection,
    schema: OdooSchema,
    reset: dict[str, Any],
    *,
    left_as: tuple[int, str] | None,
    uid: int,
    now: datetime,
) -> WriteOutcome:
    """Undo of a reset: each record still at 0 gets its counter back, and its former
    write_uid/write_date when nobody wrote it since (else a fresh one, as any write)."""
    applied: list[int] = []
    skipped: dict[int, str] = {}
    tables = dict(blacklist_tables(connection, schema))
    for model, saved in reset.items():
        table = tables.get(model)
        ids = [int(i) for i in saved.get("ids", [])]
        if table is None:
            skipped.update({i: GONE for i in ids})
            continue
        former = dict(
            zip(
                ids,
                zip(saved["bounces"], saved["write_uid"], saved["write_date"], strict=False),
                strict=False,
            )
        )
        for record_id, (bounces, write_uid, write_date) in former.items():
            row = connection.execute(
                text(
                    f"SELECT message_bounce, write_uid, write_date FROM {table} "
                    f"WHERE id = :id{_lock(connection)}"
                ),
                {"id": record_id},
            ).first()
            if row is None:
                skipped[record_id] = GONE
                continue
            if int(row[0] or 0) != 0:
                skipped[record_id] = CHANGED
                continue
            untouched = left_as is not None and (row[1], _timestamp(row[2])) == left_as
            connection.execute(
                text(
                    f"UPDATE {table} SET message_bounce = :bounces, write_uid = :uid, "
                    "write_date = :date WHERE id = :id AND message_bounce = 0"
                ),
                {
                    "bounces": int(bounces),
                    "uid": write_uid if untouched else uid,
                    "date": write_date if untouched else now,
                    "id": record_id,
                },
            )
            applied.append(record_id)
    return WriteOutcome(
        action="undo",
        requested=tuple(applied) + tuple(skipped),
        applied=tuple(applied),
        skipped=skipped,
        noun="bounce counter",
    )
