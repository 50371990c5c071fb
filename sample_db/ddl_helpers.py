"""Column helpers that apply Odoo's ORM mapping rules (docs/odoo-tables.md).

Char -> varchar, Text/Html -> text, translatable -> jsonb (JSON on SQLite),
Many2one -> int4 + FK named ``<table>_<column>_fkey``, Datetime -> timestamp without
time zone, Binary(attachment=False) -> bytea. No column defaults.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

TRANSLATABLE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def ident(name: str) -> str:
    """PostgreSQL silently truncates identifiers to 63 bytes; so do we."""
    return name[:63]


def pk() -> sa.Column[Any]:
    """``id SERIAL PRIMARY KEY`` (sequence ``<table>_id_seq`` on PostgreSQL)."""
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def char(name: str, *, nullable: bool = True, length: int | None = None) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def text(name: str, *, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.Text, nullable=nullable)


def jsonb(name: str, *, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, TRANSLATABLE, nullable=nullable)


def integer(name: str, *, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer, nullable=nullable)


def boolean(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Boolean(create_constraint=False))


def dt(name: str, *, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=False), nullable=nullable)


def float8(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Double())


def binary(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.LargeBinary)


def m2o(
    table: str,
    name: str,
    target: str,
    ondelete: str,
    *,
    nullable: bool = True,
    use_alter: bool = False,
) -> sa.Column[Any]:
    """A Many2one column with Odoo's FK name and ON DELETE action."""
    fk = sa.ForeignKey(
        f"{target}.id",
        name=f"{table}_{name}_fkey",
        ondelete=ondelete.upper(),
        use_alter=use_alter,
    )
    return sa.Column(name, sa.Integer, fk, nullable=nullable)


def log_access(table: str) -> list[sa.Column[Any]]:
    """create_uid/create_date/write_uid/write_date, FKs to res_users ON DELETE SET NULL."""
    return [
        m2o(table, "create_uid", "res_users", "set null", use_alter=True),
        dt("create_date"),
        m2o(table, "write_uid", "res_users", "set null", use_alter=True),
        dt("write_date"),
    ]


def index(table: str, column: str, version: int, **kw: Any) -> sa.Index:
    """``index=True``: ``<table>_<col>_index`` in 16, ``<table>__<col>_index`` in 17+."""
    sep = "_" if version <= 16 else "__"
    return sa.Index(ident(f"{table}{sep}{column}_index"), column, **kw)


def not_null_index(table: str, column: str, version: int) -> sa.Index:
    """``index='btree_not_null'``: a partial index ``WHERE col IS NOT NULL``."""
    where = sa.text(f"{column} IS NOT NULL")
    return index(table, column, version, postgresql_where=where, sqlite_where=where)


def m2m(
    metadata: sa.MetaData, name: str, col1: str, table1: str, col2: str, table2: str
) -> sa.Table:
    """An ORM many2many table: two NOT NULL int4, PK (col1, col2), index (col2, col1)."""
    return sa.Table(
        name,
        metadata,
        sa.Column(
            col1,
            sa.Integer,
            sa.ForeignKey(f"{table1}.id", name=f"{name}_{col1}_fkey", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column(
            col2,
            sa.Integer,
            sa.ForeignKey(f"{table2}.id", name=f"{name}_{col2}_fkey", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Index(ident(f"{name}_{col2}_{col1}_idx"), col2, col1),
    )
