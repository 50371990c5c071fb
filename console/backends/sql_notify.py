"""Waking Odoo's listeners after a commit: its cron workers (``ir.cron._notifydb``) and
its bus (``bus.bus``'s NOTIFY imbus), both LISTENing on the ``postgres`` database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from console.odoo import bus, send_transactions

if TYPE_CHECKING:
    from console.backends.sql import SqlBackend


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
        reason = send_transactions.describe_db_error(exc)
        if url.password:
            reason = reason.replace(str(url.password), "***")
        return reason
    finally:
        engine.dispose()


def signal_caches(backend: SqlBackend) -> str | None:
    """After a system parameter was written: bump Odoo's cache-signaling sequence so its
    workers reload parameters (console.odoo.params); None when done or not needed."""
    if not backend.is_postgres:
        return None
    from console.odoo.params import signal_parameter_caches

    try:
        with backend.engine.begin() as conn:
            if signal_parameter_caches(conn, backend.version.major):
                return "Odoo's workers were told to reload their system parameters"
        return None
    except SQLAlchemyError as exc:
        return (
            f"could not tell Odoo's workers to reload their system parameters "
            f"({send_transactions.describe_db_error(exc)}); they see the change after a restart"
        )
