"""The SQLAlchemy engine of the SQL backend: PostgreSQL (psycopg 3) with timeouts and
keepalives, or an SQLite file with the pragmas and listeners the console relies on."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine

from console.backends.pg_options import postgres_connect_args
from console.config.connection import ConnectionSettings


def build_engine(url: URL, settings: ConnectionSettings) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings)
    return _postgres_engine(url, settings)


def _postgres_engine(url: URL, settings: ConnectionSettings) -> Engine:
    return create_engine(
        url,
        pool_size=3,
        max_overflow=2,
        pool_pre_ping=True,
        connect_args=postgres_connect_args(settings),
    )


def file_identity(url: URL) -> tuple[int, int] | None:
    """(device, inode) of a SQLite database file; None for a server database, and (0, 0)
    for a file that is gone."""
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    try:
        stat = os.stat(url.database)
    except OSError:
        return (0, 0)
    return (stat.st_dev, stat.st_ino)


def _sqlite_engine(url: URL, settings: ConnectionSettings) -> Engine:
    database = url.database or ""
    if settings.read_only:
        # mode=ro: SQLite itself refuses every write on this connection. The path is
        # percent-encoded: in a file: URI a raw "?" or "#" would end the path there, and
        # SQLite would open another file, read-write.
        path = quote(os.path.abspath(database), safe="/")
        url = URL.create("sqlite", database=f"file:{path}?mode=ro", query={"uri": "true"})
    engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        # Bytes that are not UTF-8 (a hostile or damaged row) read as U+FFFD, not a crash.
        dbapi_connection.text_factory = _decode_lenient
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE), so a check-then-write
        # sequence cannot be interleaved with another writer.
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _decode_lenient(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")
