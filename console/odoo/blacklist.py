"""Reads of Odoo's e-mail blacklist (``mail_blacklist``, docs/odoo-blacklist.md): the
entries newest first, keyset-paged on the id, searched in SQL, each with its newest
chatter line (Odoo keeps the reason there, not in a column) and who carries the address."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.domain.blacklist import BlacklistEntry, BlacklistPage, BlacklistQuery
from console.domain.text import html_to_text
from console.domain.timefmt import as_naive_datetime
from console.odoo.schema import OdooSchema

MODEL = "mail.blacklist"
PARTNERS_SHOWN = 3  # partner names per address; the count says how many
NOTE_CHARS = 500


def readable(schema: OdooSchema) -> bool:
    return schema.has_table("mail_blacklist")


def blacklist_page(
    connection: Connection, schema: OdooSchema, query: BlacklistQuery
) -> BlacklistPage:
    """One page of entries, newest first (``query.limit`` rows at most)."""
    if not readable(schema):
        return BlacklistPage((), False, available=False)
    conditions: list[str] = []
    params: dict[str, Any] = {"limit": query.limit + 1}
    if not query.include_removed:
        conditions.append("b.active = :yes")
        params["yes"] = True
    if query.text.strip():
        conditions.append(_contains(connection, "b.email"))
        params["pattern"] = "%" + _like_escaped(query.text.strip().lower()) + "%"
    if query.before_id is not None:
        conditions.append("b.id < :before")
        params["before"] = query.before_id
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    rows = connection.execute(
        text(
            "SELECT b.id, b.email, b.active, b.create_date, b.write_date FROM mail_blacklist b "
            f"{where} ORDER BY b.id DESC LIMIT :limit"
        ),
        params,
    ).all()
    has_more = len(rows) > query.limit
    return BlacklistPage(_entries(connection, schema, rows[: query.limit]), has_more)


def entries_by_email(
    connection: Connection, schema: OdooSchema, emails: Sequence[str]
) -> dict[str, BlacklistEntry]:
    """Normalized address -> its entry, active or not (the unique index on ``email``)."""
    if not readable(schema) or not emails:
        return {}
    rows = connection.execute(
        text(
            "SELECT b.id, b.email, b.active, b.create_date, b.write_date FROM mail_blacklist b "
            f"WHERE {_in(connection, 'b.email')} ORDER BY b.id DESC"
        ),
        _values(connection, list(emails)),
    ).all()
    return {entry.email: entry for entry in _entries(connection, schema, rows)}


def _entries(
    connection: Connection, schema: OdooSchema, rows: Sequence[Any]
) -> tuple[BlacklistEntry, ...]:
    ids = [int(r[0]) for r in rows]
    notes = _notes(connection, schema, ids)
    emails = [str(r[1]) for r in rows]
    partners = _carriers(connection, schema, "res_partner", emails)
    contacts = _carriers(connection, schema, "mailing_contact", emails)
    return tuple(
        BlacklistEntry(
            id=int(r[0]),
            email=str(r[1]),
            active=bool(r[2]),
            created=as_naive_datetime(r[3]),
            changed=as_naive_datetime(r[4]),
            note=notes.get(int(r[0]), (None, None))[0],
            note_date=notes.get(int(r[0]), (None, None))[1],
            partners=tuple(partners[str(r[1])][0]),
            partner_count=partners[str(r[1])][1],
            contact_count=contacts[str(r[1])][1],
        )
        for r in rows
    )


def _notes(
    connection: Connection, schema: OdooSchema, ids: list[int]
) -> dict[int, tuple[str, Any]]:
    """Entry id -> (text, date) of its newest chatter message with a body."""
    if not ids or not schema.has_table("mail_message"):
        return {}
    found: dict[int, tuple[str, Any]] = {}
    for res_id, body, date in connection.execute(
        text(
            "SELECT res_id, body, date FROM (SELECT m.res_id, m.body, m.date, row_number() "
            "OVER (PARTITION BY m.res_id ORDER BY m.id DESC) AS n FROM mail_message m "
            f"WHERE m.model = :model AND {_in(connection, 'm.res_id')} "
            "AND m.body IS NOT NULL AND m.body <> '') newest WHERE n = 1"
        ),
        {"model": MODEL, **_values(connection, ids)},
    ):
        words = html_to_text(str(body))[:NOTE_CHARS]
        if words:
            found[int(res_id)] = (words, as_naive_datetime(date))
    return found


def _carriers(
    connection: Connection, schema: OdooSchema, table: str, emails: list[str]
) -> dict[str, tuple[list[tuple[int, str | None]], int]]:
    """Address -> (a few (id, name) of the table's rows with that normalized address, count)."""
    found: dict[str, tuple[list[tuple[int, str | None]], int]] = defaultdict(lambda: ([], 0))
    if not emails or not schema.has(table, "email_normalized"):
        return found
    for email, row_id, name, count in connection.execute(
        text(
            "SELECT email_normalized, id, name, c FROM (SELECT t.email_normalized, t.id, t.name, "
            "count(*) OVER (PARTITION BY t.email_normalized) AS c, row_number() OVER "
            "(PARTITION BY t.email_normalized ORDER BY t.id) AS n "
            f"FROM {table} t WHERE {_in(connection, 't.email_normalized')}) shown "
            f"WHERE n <= {PARTNERS_SHOWN} ORDER BY id"
        ),
        _values(connection, emails),
    ):
        shown, _ = found[str(email)]
        shown.append((int(row_id), None if name is None else str(name)))
        found[str(email)] = (shown, int(count))
    return found


def _contains(connection: Connection, column: str) -> str:
    # PostgreSQL: ILIKE uses Odoo's trigram index on mail_blacklist.email (index='trigram').
    if connection.dialect.name == "postgresql":
        return f"{column} ILIKE :pattern ESCAPE '\\'"
    return f"lower({column}) LIKE :pattern ESCAPE '\\'"


def _like_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _in(connection: Connection, column: str) -> str:
    # One array parameter on PostgreSQL: the statement's text is the same for every page.
    if connection.dialect.name == "postgresql":
        return f"{column} = ANY(:values)"
    return f"{column} IN (SELECT value FROM json_each(:values))"


def _values(connection: Connection, values: list[Any]) -> dict[str, Any]:
    if connection.dialect.name == "postgresql":
        return {"values": values}
    return {"values": json.dumps(values)}
