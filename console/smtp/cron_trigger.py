"""Asking Odoo's cron runner to run a cron now, as ``ir.cron._trigger()`` does: an
``ir_cron_trigger`` row due now, then NOTIFY on the ``postgres`` database."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from console.backends.errors import query_error
from console.backends.sql import SqlBackend
from console.errors import ConsoleError, ReadOnlyRefused
from console.odoo.crons import cron_name_text
from console.smtp import store
from console.timefmt import utcnow_naive


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
    url = backend.target.url.set(database="postgres")
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": 5, "application_name": "odoo-mailq"},
    )
    try:
        with engine.connect() as conn:
            if backend.version.major <= 16:
                literal = "'" + dbname.replace("'", "''") + "'"
                conn.exec_driver_sql(f"NOTIFY cron_trigger, {literal}")
            else:
                conn.execute(text("SELECT pg_notify('cron_trigger', :db)"), {"db": dbname})
            conn.commit()
        return None
    except SQLAlchemyError as exc:
        reason = store.describe_db_error(exc)
        if url.password:
            reason = reason.replace(str(url.password), "***")
        return (
            f"could not reach the 'postgres' database to wake Odoo's cron workers ({reason}); "
            "the trigger still runs at their next poll, within 60 s"
        )
    finally:
        engine.dispose()
