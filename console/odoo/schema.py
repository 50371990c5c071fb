"""Bind our table definitions to the columns one real database has."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import MetaData, Table, inspect
from sqlalchemy.engine import Connection

from console.odoo.tables import KNOWN_COLUMNS, new_column

T = TypeVar("T")


@dataclass
class OdooSchema:
    """The tables of one database, holding only the columns that exist there."""

    tables: dict[str, Table] = field(default_factory=dict)
    column_types: dict[tuple[str, str], str] = field(default_factory=dict)
    # Statements built once for this database and run with new parameters each time.
    statements: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    def has_table(self, name: str) -> bool:
        return name in self.tables

    def has(self, table: str, column: str) -> bool:
        found = self.tables.get(table)
        return found is not None and column in found.c

    def t(self, name: str) -> Table:
        return self.tables[name]

    def statement(self, key: Hashable, build: Callable[[], T]) -> T:
        """The statement built for `key`, built on first use.

        Building a statement and computing SQLAlchemy's cache key for it costs about
        what a small page query costs in the database; a statement object run again
        keeps its key.
        """
        found = self.statements.get(key)
        if found is None:
            found = self.statements[key] = build()
        return found

    def column_type(self, table: str, column: str) -> str:
        """The database's own type name for a column ('' when unknown)."""
        return self.column_types.get((table, column), "")


def load_schema(connection: Connection) -> OdooSchema:
    """Inspect the database once and build the bound tables."""
    inspector = inspect(connection)
    existing = set(inspector.get_table_names())
    wanted = [name for name in KNOWN_COLUMNS if name in existing]
    # One catalog query for every table: per-table inspection costs a round trip each.
    found = inspector.get_multi_columns(filter_names=wanted)
    columns_of = {key[1]: value for key, value in found.items()}
    metadata = MetaData()
    schema = OdooSchema()
    for name in wanted:
        known = KNOWN_COLUMNS[name]
        real = {col["name"]: str(col["type"]) for col in columns_of.get(name, [])}
        columns = [new_column(name, col) for col in known if col in real]
        schema.tables[name] = Table(name, metadata, *columns)
        for col, type_name in real.items():
            schema.column_types[(name, col)] = type_name.upper()
    return schema
