"""System parameters (``ir_config_parameter``) as ``set_param`` writes them, inside the
caller's transaction, and the cache signal Odoo sends after such a write.

Odoo caches parameters in each worker (``ormcache`` on ``_get_param``); its ``set_param``
clears that cache and, after the commit, signals it through the database so that the
other workers clear theirs before their next request or cron run. A parameter written by
SQL needs the same signal (``signal_parameter_caches``), else the workers keep the old value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.domain.timefmt import as_naive_datetime


@dataclass(frozen=True, slots=True)
class Param:
    value: str
    write_uid: int | None
    write_date: datetime | None


def get_param(connection: Connection, key: str, *, lock: bool = False) -> Param | None:
    statement = "SELECT value, write_uid, write_date FROM ir_config_parameter WHERE key = :key"
    if lock and connection.dialect.name == "postgresql":
        statement += " FOR UPDATE"
    row = connection.execute(text(statement), {"key": key}).first()
    if row is None:
        return None
    return Param(
        str(row.value),
        None if row.write_uid is None else int(row.write_uid),
        as_naive_datetime(row.write_date),
    )


def set_param(connection: Connection, key: str, value: str, *, uid: int, now: datetime) -> None:
    """``set_param(key, value)``: the row updated, or created with its log-access columns."""
    updated = connection.execute(
        text(
            "UPDATE ir_config_parameter SET value = :value, write_uid = :uid, "
            "write_date = :now WHERE key = :key"
        ),
        {"key": key, "value": value, "uid": uid, "now": now},
    )
    if updated.rowcount:
        return
    connection.execute(
        text(
            "INSERT INTO ir_config_parameter (key, value, create_uid, create_date, write_uid, "
            "write_date) VALUES (:key, :value, :uid, :now, :uid, :now)"
        ),
        {"key": key, "value": value, "uid": uid, "now": now},
    )


def delete_param(connection: Connection, key: str) -> None:
    """``set_param(key, False)``: Odoo deletes the row."""
    connection.execute(text("DELETE FROM ir_config_parameter WHERE key = :key"), {"key": key})


def signal_parameter_caches(connection: Connection, version: int) -> bool:
    """After the commit: tell Odoo's workers to drop their parameter caches, as
    ``Registry.signal_changes`` does. 16: ``nextval('base_cache_signaling')``; 17-18:
    ``nextval('base_cache_signaling_default')``; 19: a row in the table
    ``orm_signaling_stable`` (the ``stable`` cache, whose clearing also clears ``default``).
    False when the database has no such sequence or table."""
    if connection.dialect.name != "postgresql":
        return False
    if version >= 19:
        name, kind = "orm_signaling_stable", "r"
    else:
        name = "base_cache_signaling" if version <= 16 else "base_cache_signaling_default"
        kind = "S"
    found = connection.execute(
        text("SELECT 1 FROM pg_class WHERE relkind = :kind AND relname = :name"),
        {"kind": kind, "name": name},
    ).first()
    if found is None:
        return False
    if kind == "r":
        connection.execute(text(f"INSERT INTO {name} DEFAULT VALUES"))
    else:
        connection.execute(text("SELECT nextval(:name)"), {"name": name})
    return True
