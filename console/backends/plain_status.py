"""`status` through psycopg alone: no SQLAlchemy, no dialect, no reflection.

A PostgreSQL target (config.plain_target) is opened like the SQL backend opens it
(backends.pg_options) and read in six short statements (console.odoo.plain_reads); the
bundled sample and SQLite files, and targets only SQLAlchemy can read for sure, take the
full backend. Errors are worded as the SQL backend words them (backends.db_errors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.backends.db_errors import Target, connection_failed, query_failed
from console.backends.pg_options import postgres_connect_args
from console.config.plain_target import plain_postgres_target
from console.domain.timefmt import utcnow_naive

if TYPE_CHECKING:
    import psycopg

    from console.config.connection import ConnectionSettings
    from console.config.plain_target import PlainPostgres
    from console.domain.models import DatabaseInfo, QueueStatus


def read_status(settings: ConnectionSettings) -> tuple[DatabaseInfo, QueueStatus] | None:
    """The database's facts and its counts with the red envelopes, or None: open the
    backend instead (console.backends.connect.open_backend)."""
    target = plain_postgres_target(settings)
    if target is None:
        return None
    from dataclasses import replace

    import psycopg

    from console.odoo import plain_reads

    where = target_of(target)
    connection = connect_plain(target, settings)
    with connection:
        cursor = connection.cursor()
        try:
            shape = plain_reads.read_shape(cursor)
            info = plain_reads.database_info(
                cursor,
                shape,
                name=target.database,
                display_url=target.display_url,
                read_only=settings.read_only,
            )
        except psycopg.Error as exc:
            raise connection_failed(exc, where) from None
        try:
            status = plain_reads.queue_status(cursor, utcnow_naive())
            envelopes = plain_reads.envelope_counts(cursor, shape)
            paused = plain_reads.pause_state(cursor, shape)
        except psycopg.Error as exc:
            raise query_failed(exc, where, lost=connection.broken) from None
    return info, replace(status, envelopes=envelopes, paused=paused)


def connect_plain(target: PlainPostgres, settings: ConnectionSettings) -> psycopg.Connection[Any]:
    """A psycopg connection to the target, opened as the SQL backend opens its sessions
    (statement timeout, keepalives, read-only when asked); ConnectionFailed in one line."""
    import psycopg

    try:
        return psycopg.connect(**{**target.connect_kwargs(), **postgres_connect_args(settings)})
    except psycopg.Error as exc:
        raise connection_failed(exc, target_of(target)) from None


def target_of(target: PlainPostgres) -> Target:
    """What the error messages name (the password only to mask it)."""
    host = target.host or dict(target.query).get("host")
    return Target(
        "postgresql", target.database, host, target.port, target.username, target.password
    )
