"""Odoo databases in the tests: plain SQL on a URL or an SQLite file, ``Db`` (a database a
test writes to), and the session's stores of generated databases behind the fixtures
``odoo_databases`` and ``make_db`` (tests/conftest.py).

The databases themselves are built by the sample generator (testkit.odoo_dbs, sample_db/).
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg import sql as pgsql
from sqlalchemy import create_engine, inspect, text

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from sample_db.generate import build_database
from testkit.odoo_dbs import build_postgres, build_sqlite
from testkit.pgcluster import PgCluster

PgDbFactory = Callable[..., str]
"""``pg_db_factory(prefix="mailq_t", owner=None) -> url``: a fresh database, dropped after."""


# -- plain SQL -----------------------------------------------------------------------------
def rows(url: str, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """Run one statement in its own transaction (committed); its rows, as tuples."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def execute(url: str, *statements: str, **params: Any) -> None:
    """Run the statements in one transaction, each with the same parameters."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement), params)
    finally:
        engine.dispose()


def sql(path: Path, query: str, *params: object) -> list[tuple[object, ...]]:
    """One statement on an SQLite file with sqlite3 (``?`` parameters), committed."""
    with sqlite3.connect(path) as db:
        return list(db.execute(query, params))


def state_ids(path: Path, state: str) -> list[int]:
    """The ids of the mails in ``state`` in an SQLite file, newest first, as the console
    lists them: failed mails by failure second (write_date), then id; others by id."""
    order = "id DESC"
    if state == "exception":
        order = "substr(coalesce(write_date, create_date, '1970'), 1, 19) DESC, id DESC"
    found = sql(path, f"SELECT id FROM mail_mail WHERE state = ? ORDER BY {order}", state)
    return [int(str(r[0])) for r in found]


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


# -- a database a test writes to -------------------------------------------------------------
@dataclass
class Db:
    """One Odoo database of one version, for one test: raw SQL, inserts that return the
    new id, and the console's own backend on it (closed when the test ends)."""

    url: str
    version: int
    tmp: Path  # the test's own folder (the SQLite file is there)
    backends: list[SqlBackend] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``sqlite`` or ``pg``."""
        return "sqlite" if self.url.startswith("sqlite") else "pg"

    def sql(self, statement: str, **params: Any) -> list[Any]:
        """One statement, committed; its rows (SQLAlchemy rows) or []."""
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    def one(self, statement: str, **params: Any) -> Any:
        found = self.sql(statement, **params)
        assert len(found) == 1, found
        return found[0]

    def columns(self, table: str) -> set[str]:
        engine = create_engine(self.url)
        try:
            return {c["name"] for c in inspect(engine).get_columns(table)}
        finally:
            engine.dispose()

    def insert(self, table: str, **values: Any) -> int:
        names = ", ".join(f'"{k}"' for k in values)
        marks = ", ".join(f":{k}" for k in values)
        row = self.one(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id", **values)
        return int(row[0])

    def backend(self, conf: Path | None = None) -> SqlBackend:
        backend = open_backend(ConnectionSettings(db_url=self.url, odoo_config=conf))
        self.backends.append(backend)
        return backend

    def cancel_outgoing(self) -> None:
        """Cancel the generated outgoing mails: the test's own mails are then the queue."""
        self.sql("UPDATE mail_mail SET state = 'cancel' WHERE state = 'outgoing'")

    def point_servers(
        self,
        port: int,
        encryption: str = "none",
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        """Every ``ir_mail_server`` row to 127.0.0.1:``port``."""
        self.sql(
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = :port, "
            "smtp_encryption = :enc, smtp_user = :user, smtp_pass = :pw, "
            "smtp_authentication = 'login'",
            port=port,
            enc=encryption,
            user=user,
            pw=password,
        )

    def close(self) -> None:
        for backend in self.backends:
            backend.close()
        self.backends.clear()


# -- the session's generated databases -------------------------------------------------------
MakeDb = Callable[[str, int], Db]
"""The ``make_db`` fixture: ``make_db("sqlite" | "pg", version) -> Db``."""


class EmptyTemplates:
    """Generated Odoo databases without the bulk mails (the scenario's few rows only), one
    per (engine, version), built on first use; ``make_db`` copies one for each test."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.built: dict[tuple[str, int], str] = {}

    def template(self, kind: str, version: int, cluster: PgCluster | None) -> str:
        key = (kind, version)
        if key not in self.built:
            if kind == "sqlite":
                url = f"sqlite:///{self.directory / f'empty_tpl_{version}.sqlite'}"
            else:
                assert cluster is not None
                url = cluster.create_database(f"mailq_empty_tpl_{version}")
            build_database(url, version=version, mails=0)
            self.built[key] = url
        return self.built[key]

    def copy(self, kind: str, version: int, tmp: Path, cluster: PgCluster | None) -> Db:
        """A fresh copy of the template, in ``tmp`` (SQLite) or in ``cluster``."""
        source = self.template(kind, version, cluster)
        if kind == "sqlite":
            path = tmp / f"odoo{version}_{uuid.uuid4().hex[:6]}.sqlite"
            shutil.copy(sqlite_path(source), path)
            return Db(f"sqlite:///{path}", version, tmp)
        assert cluster is not None
        name = f"mailq_db_{uuid.uuid4().hex[:10]}"
        with cluster.connect() as conn:
            conn.execute(
                pgsql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    pgsql.Identifier(name), pgsql.Identifier(f"mailq_empty_tpl_{version}")
                )
            )
        return Db(cluster.url(name), version, tmp)


class OdooDatabases:
    """Odoo-shaped databases with the whole generated scenario, for tests that only read:
    ``get("sqlite" | "pg", version)`` returns a SQLAlchemy URL. Each is built once per
    session (``built`` is the session's); ``cluster`` gives the PostgreSQL server, and is
    asked each time a PostgreSQL database is handed out (the test uses PostgreSQL)."""

    def __init__(
        self, built: dict[tuple[str, int], str], directory: Path, cluster: Callable[[], PgCluster]
    ) -> None:
        self._built = built
        self._directory = directory
        self._cluster = cluster

    def get(self, engine: str, version: int) -> str:
        key = (engine, version)
        if engine == "sqlite":
            if key not in self._built:
                self._built[key] = build_sqlite(self._directory, version)
            return self._built[key]
        cluster = self._cluster()
        if key not in self._built:
            url = cluster.create_database(f"odoo{version}_shared")
            self._built[key] = build_postgres(url, version)
        return self._built[key]
