"""The document's name for Odoo 19, which no longer stores ``mail_message.record_name``.

19 computes ``record_name`` as the record's ``display_name``. Without Odoo's Python we
read what that name is made of in the usual case: the model's ``_rec_name`` column in the
record's own table (``name`` by default, ``x_name`` for custom models; a few mail-related
models name themselves otherwise, listed below). A model whose display name is computed
from other things, or whose table has none of these columns, gets no name: the console
shows the model and id alone, as it says in the README.

Bounded: one catalog query per table the first time it is seen (cached on the schema),
then one ``UNION ALL`` query for a whole page of mails, never one per row.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BindParameter, bindparam, text
from sqlalchemy.engine import Connection

from console.odoo.schema import OdooSchema

# Models whose display name is not their `name` column (res.partner: complete_name, the
# "Company, Person" form 19's display_name gives without a context; mailing: subject)
_NAME_COLUMN = {"res.partner": "complete_name", "mailing.mailing": "subject"}
_TABLE = re.compile(r"[a-z0-9_]+")
_MAX_MODELS = 50  # models named in one page (a page holds at most 1000 mails)


def _column_for(connection: Connection, schema: OdooSchema, model: str) -> str | None:
    table = model.replace(".", "_")
    if not _TABLE.fullmatch(table):
        return None

    def find() -> str:
        wanted = [_NAME_COLUMN.get(model, "name"), "name", "x_name"]
        if connection.dialect.name == "sqlite":  # the bundled sample's shape
            rows = connection.execute(text(f'PRAGMA table_info("{table}")'))
            found = {str(row[1]) for row in rows}
        else:
            found = {
                str(name)
                for (name,) in connection.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND table_name = :table"
                    ),
                    {"table": table},
                )
            }
        return next((column for column in wanted if column in found), "")

    return schema.statement(("record_name_column", model), find) or None


def name_column(connection: Connection, schema: OdooSchema, model: str) -> str | None:
    """The column holding the record's display name (the usual case, see above)."""
    return _column_for(connection, schema, model)


def _text(value: object) -> str | None:
    """A translated name (jsonb, one value per language) gives its en_US value."""
    if value is None:
        return None
    name = str(value)
    if name.startswith("{"):
        try:
            parsed = json.loads(name)
        except ValueError:
            return name
        if isinstance(parsed, dict) and parsed:
            return str(parsed.get("en_US") or next(iter(parsed.values())))
    return name


def record_names(
    connection: Connection, schema: OdooSchema, documents: Iterable[tuple[str | None, int | None]]
) -> dict[tuple[str, int], str]:
    """(model, res_id) -> the record's name, for the documents that have one."""
    by_model: dict[str, set[int]] = defaultdict(set)
    for model, res_id in documents:
        if model and res_id:
            by_model[model].add(int(res_id))
    parts: list[str] = []
    params: dict[str, object] = {}
    binds: list[BindParameter[Any]] = []
    for number, (model, ids) in enumerate(sorted(by_model.items())[:_MAX_MODELS]):
        column = _column_for(connection, schema, model)
        if column is None:
            continue
        table = model.replace(".", "_")
        parts.append(
            f'SELECT CAST(:m{number} AS TEXT) AS model, id, CAST("{column}" AS TEXT) AS name '
            f'FROM "{table}" WHERE id IN :ids{number}'
        )
        params[f"m{number}"] = model
        params[f"ids{number}"] = sorted(ids)
        binds.append(bindparam(f"ids{number}", expanding=True))
    if not parts:
        return {}
    statement = text(" UNION ALL ".join(parts)).bindparams(*binds)
    names: dict[tuple[str, int], str] = {}
    for model, res_id, name in connection.execute(statement, params):
        value = _text(name)
        if value:
            names[(str(model), int(res_id))] = value
    return names
