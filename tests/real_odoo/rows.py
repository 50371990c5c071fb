"""Rows of a real Odoo database, read with plain SQL, for comparing twins.

A twin pair is two records Odoo made identically; the console acts on one, Odoo's own
method on the other, and the rows they leave must be equal apart from what is bound to
differ: ids, the links to each twin's own rows, and times.
"""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row

from tests.real_odoo.odoo_instance import OdooInstance

TIMES = {"create_date", "write_date", "date", "sent_datetime", "read_date"}


def fetch(odoo: OdooInstance, db: str, query: str, *params: Any) -> list[dict[str, Any]]:
    with odoo.cluster.connect(db) as conn, conn.cursor(row_factory=dict_row) as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


def one(odoo: OdooInstance, db: str, table: str, row_id: int) -> dict[str, Any]:
    found = fetch(odoo, db, f"SELECT * FROM {table} WHERE id = %s", row_id)
    assert found, f"no {table} row {row_id}"
    return found[0]


def comparable(row: dict[str, Any], *, ignore: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The row without its id, its times and the given columns."""
    return {k: v for k, v in row.items() if k != "id" and k not in TIMES and k not in ignore}


def assert_twins(
    console: dict[str, Any],
    odoo: dict[str, Any],
    what: str,
    *,
    ignore: frozenset[str] = frozenset(),
) -> None:
    left, right = comparable(console, ignore=ignore), comparable(odoo, ignore=ignore)
    differing = {k: (left.get(k), right.get(k)) for k in left.keys() | right.keys()
                 if left.get(k) != right.get(k)}  # fmt: skip
    assert not differing, f"{what}: console vs Odoo differ in {differing}"


def notifications(odoo: OdooInstance, db: str, message_id: int) -> dict[int, dict[str, Any]]:
    """The message's notification rows by partner."""
    rows = fetch(odoo, db, "SELECT * FROM mail_notification WHERE mail_message_id = %s", message_id)
    return {int(r["res_partner_id"]): r for r in rows}
