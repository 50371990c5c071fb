"""The transactions of "Send now": how a connection takes the write lock and waits for a
row lock, and how a lock or driver error reads.

Every function takes the caller's connection; the caller owns it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

LOCK_ERRORS = ("55P03", "40001", "40P01")  # lock_not_available, serialization, deadlock


def is_lock_error(exc: BaseException) -> bool:
    """Another transaction holds the row (PostgreSQL NOWAIT) or the file (SQLite)."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in LOCK_ERRORS:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(orig).lower()


LOCK_TIMEOUT = "5s"  # a row lock we must wait for (not the mail's own: NOWAIT)


@contextmanager
def write_transaction(connection: Connection, *, lock_timeout: bool = True) -> Iterator[None]:
    """One transaction; on SQLite take the write lock at once (``BEGIN IMMEDIATE``).

    ``lock_timeout=False``: the session already has it (``session_lock_timeout``), which
    saves two round trips per transaction.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # honoured by the backend's "begin" listener (console.backends.sql_engine)
        connection.execution_options(sqlite_immediate=True)
    with connection.begin():
        if not sqlite:
            if lock_timeout:
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        elif not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # an engine without that listener
        yield


@contextmanager
def session_lock_timeout(connection: Connection) -> Iterator[None]:
    """``lock_timeout`` for every transaction of this connection until the block ends."""
    if connection.dialect.name == "sqlite":
        yield
        return
    connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    connection.commit()
    try:
        yield
    finally:
        try:
            if connection.in_transaction():
                connection.rollback()
            connection.exec_driver_sql("RESET lock_timeout")
            connection.commit()
        except SQLAlchemyError:
            connection.invalidate()  # never back to the pool with our setting


def describe_db_error(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()
    return first[0][:200] if first else type(orig).__name__
