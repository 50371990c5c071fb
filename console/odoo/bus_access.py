"""Who may see a message's bus update, and the names it carries (docs/odoo-bus.md §1).

Odoo tells the acting user's partner unless that user is public, the message's author
unless one of the author's users is public, and (19) only partners that have a user; it
skips a message whose record the acting user cannot read. Read access is the model's
access rights (``ir.model.access`` for the user's groups, implied groups included); the
record rules are not evaluated here (docs/odoo-bus.md §1). The superuser (uid 1) reads everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from console.domain.actions import SUPERUSER_ID
from console.odoo import record_names
from console.odoo.schema import OdooSchema


def _expanding(sql: str, *names: str) -> Any:
    return text(sql).bindparams(*(bindparam(name, expanding=True) for name in names))


def translated(value: Any, lang: str) -> str:
    """A translatable column (jsonb from 16 on; JSON text on SQLite) in ``lang``, else en_US."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en_US") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _xmlid(connection: Connection, module: str, name: str) -> int | None:
    found = connection.execute(
        text("SELECT res_id FROM ir_model_data WHERE module = :module AND name = :name"),
        {"module": module, "name": name},
    ).scalar_one_or_none()
    return int(found) if found else None


def public_users(connection: Connection, schema: OdooSchema, uids: Iterable[int]) -> set[int]:
    """``_is_public()``: the users in ``base.group_public`` (a group nothing implies)."""
    wanted = sorted(set(uids))
    if not wanted or not schema.has_table("res_groups_users_rel"):
        return set()
    group = _xmlid(connection, "base", "group_public")
    if group is None:
        return set()
    found = connection.execute(
        _expanding(
            "SELECT uid FROM res_groups_users_rel WHERE gid = :gid AND uid IN :uids", "uids"
        ),
        {"gid": group, "uids": wanted},
    )
    return {int(uid) for uid in found.scalars()}


def authors_told(
    connection: Connection,
    schema: OdooSchema,
    authors: Iterable[int],
    *,
    version: int,
    actor_partner: int | None,
) -> set[int]:
    """The authors that get the bus message: none of their users (archived included) is
    public; on 19 also a ``main_user_id`` (an active user, the acting user's own partner,
    or OdooBot's partner ``base.partner_root``)."""
    wanted = sorted(set(authors))
    if not wanted:
        return set()
    users = list(
        connection.execute(
            _expanding(
                "SELECT id, partner_id, active FROM res_users WHERE partner_id IN :ids", "ids"
            ),
            {"ids": wanted},
        )
    )
    public = public_users(connection, schema, [int(u.id) for u in users])
    barred = {int(u.partner_id) for u in users if int(u.id) in public}
    told = {a for a in wanted if a not in barred}
    if version < 19:
        return told
    with_user = {int(u.partner_id) for u in users if u.active}
    with_user.add(actor_partner or 0)
    root = _xmlid(connection, "base", "partner_root")
    if root is not None:
        with_user.add(root)
    return told & with_user


_GROUPS_SQL = """
WITH RECURSIVE user_groups(gid) AS (
    SELECT gid FROM res_groups_users_rel WHERE uid = :uid
    UNION
    SELECT implied.hid FROM res_groups_implied_rel implied
      JOIN user_groups ON user_groups.gid = implied.gid
)
SELECT DISTINCT m.model FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
 WHERE a.active AND a.perm_read AND m.model IN :models
   AND (a.group_id IS NULL OR a.group_id IN (SELECT gid FROM user_groups))
"""


def readable_models(
    connection: Connection, schema: OdooSchema, uid: int, models: set[str]
) -> set[str]:
    """The models the user may read (``check_access_rights('read')``)."""
    needed = ("ir_model_access", "res_groups_users_rel", "res_groups_implied_rel")
    if uid == SUPERUSER_ID or not all(schema.has_table(t) for t in needed) or not models:
        return set(models)
    found = connection.execute(
        _expanding(_GROUPS_SQL, "models"), {"uid": uid, "models": sorted(models)}
    )
    return {str(model) for model in found.scalars()}


def _table_exists(connection: Connection, table: str) -> bool:
    if connection.dialect.name == "postgresql":
        return bool(
            connection.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar()
        )
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}
    ).first()
    return found is not None


def thread_names(
    connection: Connection, schema: OdooSchema, records: dict[str, set[int]], lang: str
) -> dict[tuple[str, int], str | None]:
    """19: the records that still exist, with their display name in the user's language
    (the name column console.odoo.record_names knows; docs/odoo-bus.md §3). One statement
    per model."""
    names: dict[tuple[str, int], str | None] = {}
    for model, ids in sorted(records.items()):
        table = model.replace(".", "_")  # Odoo's default _table
        if not table.replace("_", "").isalnum() or not _table_exists(connection, table):
            continue
        column = record_names.name_column(connection, schema, model)
        shown = f'"{column}"' if column else "NULL"
        rows = connection.execute(
            _expanding(f'SELECT id, {shown} AS name FROM "{table}" WHERE id IN :ids', "ids"),
            {"ids": sorted(ids)},
        )
        for res_id, name in rows:
            names[(model, int(res_id))] = translated(name, lang) or None
    return names
