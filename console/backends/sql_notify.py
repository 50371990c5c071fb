"""Asking Odoo's cron runner to run a cron now, as ``ir.cron._trigger()`` does: an
``ir_cron_trigger`` row due now, then NOTIFY on the ``postgres`` database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from console.backends.sql import SqlBackend
from console.backends.sql_errors import query_error
from console.domain.errors import ConsoleError, ReadOnlyRefused
from console.domain.timefmt import utcnow_naive
from console.odoo import bus
from console.odoo import send_store as store
from console.odoo.crons import cron_name_text


def trigger_cron(
    backend: SqlBackend,
    cron_id: int,
    *,
    uid: int,
    before_commit: Callable[[str], None] | None = None,
) -> str:
    """``ir.cron._trigger()``: a trigger row due now, then wake the cron workers.

    ``before_commit(message)`` runs in the transaction once the trigger row is written (the
    journal line); if it raises, nothing is committed.
    """
    if backend.info.read_only:
        raise ReadOnlyRefused("Opened read-only: triggering a cron is disabled")
    try:
        with backend.engine.connect() as conn, store.write_transaction(conn):
            row = conn.execute(
                text("SELECT id, cron_name, active FROM ir_cron WHERE id = :id"), {"id": cron_id}
            ).first()
            if row is None:
                raise ConsoleError(f"There is no cron with id {cron_id}")
            name = cron_name_text(row.cron_name) or f"cron {cron_id}"
            if not row.active:
                return (
                    f"'{name}' is inactive: Odoo ignores a trigger for now on an inactive "
                    "cron, so none was added"
                )
            store.insert_trigger(conn, cron_id, uid, utcnow_naive())
            if before_commit is not None:
                before_commit(f"Asked Odoo to run '{name}' now")
    except SQLAlchemyError as exc:
        raise query_error(exc, backend.target.url) from None
    message = f"Asked Odoo to run '{name}' now"
    if not backend.is_postgres:
        return message + " (its cron runner picks the trigger up at its next poll)"
    problem = notify_cron_runners(backend)
    return f"{message}; {problem}" if problem else message + "; Odoo's cron workers were woken up"


def notify_cron_runners(backend: SqlBackend) -> str | None:
    """``ir.cron._notifydb``: NOTIFY cron_trigger on the ``postgres`` database.

    Returns None when done, else a sentence saying the trigger waits for the next poll.
    """
    dbname = backend.target.url.database or ""
    problem = notify_postgres(backend, "cron_trigger", [dbname])
    if problem is None:
        return None
    return (
        f"could not reach the 'postgres' database to wake Odoo's cron workers ({problem}); "
        "the trigger still runs at their next poll, within 60 s"
    )


def notify_bus(backend: SqlBackend, channels: Sequence[Sequence[Any]]) -> str | None:
    """``bus.bus``'s post-commit NOTIFY imbus with the channels written, split as Odoo
    splits it (docs/odoo-bus.md §4); None when done (or nothing to say), else why not."""
    if not channels or not backend.is_postgres:
        return None  # SQLite: no listener to wake
    problem = notify_postgres(backend, "imbus", bus.notify_payloads(channels))
    if problem is None:
        return None
    return (
        f"could not reach the 'postgres' database to wake Odoo's bus ({problem}); open "
        "chatters show the change at their next poll or reload"
    )


def notify_postgres(backend: SqlBackend, channel: str, payloads: Sequence[str]) -> str | None:
    """NOTIFY ``channel`` with each payload on the ``postgres`` database, where Odoo's
    cron runner and bus listener LISTEN (16: the NOTIFY statement; 17+: pg_notify, as Odoo
    does). Returns None when done, else the error (password masked)."""
    url = backend.target.url.set(database="postgres")
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": 5, "application_name": "odoo-mailq"},
    )
    try:
        with engine.connect() as conn:
            for payload in payloads:
                if backend.version.major <= 16:
                    literal = "'" + payload.replace("'", "''") + "'"
                    conn.exec_driver_sql(f"NOTIFY {channel}, {literal}")
                else:
                    conn.execute(
                        text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": channel, "payload": payload},
                    )
            conn.commit()
        return None
    except SQLAlchemyError as exc:
        reason = store.describe_db_error(exc)
        if url.password:
            reason = reason.replace(str(url.password), "***")
        return reason
    finally:
        engine.dispose()
