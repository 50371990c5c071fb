"""Discovery: the databases of a PostgreSQL server as Odoo's own database list shows them
(console.odoo.database_list), each with the settings that open it.

`discover_databases(settings)` is the one entry point (also for the exporter, through
console.backends.connect): it connects once to the server's `postgres` database (else
`template1`), read-only, with the settings' statement timeout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.backends.db_errors import query_failed
from console.backends.plain_status import connect_plain, target_of
from console.config.server_target import (
    FleetDatabase,
    FleetListing,
    ServerTarget,
    database_settings,
    server_target,
)
from console.domain.errors import ConnectionFailed, UsageError

if TYPE_CHECKING:
    import psycopg

    from console.config.connection import ConnectionSettings

FALLBACK_DATABASE = "template1"  # a server without `postgres` (dropped) still lists


def discover_databases(
    settings: ConnectionSettings, *, http_host: str | None = None
) -> FleetListing:
    """Every database of the settings' server that Odoo would list (docs/odoo-databases.md),
    whatever database the settings name. UsageError: no PostgreSQL server, or a dbfilter
    that is no regexp; ConnectionFailed: the server cannot be reached."""
    import psycopg

    from console.odoo import database_list

    target = server_target(settings)
    pattern = None
    if target.dbfilter:
        try:
            pattern = database_list.dbfilter_pattern(target.dbfilter, http_host)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    read_only = _read_only(settings)
    connection = _connect_server(target, read_only)
    with connection:
        cursor = connection.cursor()
        try:
            if target.db_names and pattern is None:
                names = sorted(set(target.db_names))
                there = database_list.existing_databases(cursor, names)
                missing = tuple(name for name in names if name not in there)
                names = [name for name in names if name in there]
                rule = "db_name of odoo.conf (no dbfilter): Odoo lists these names as given"
            else:
                names = database_list.owned_databases(cursor, target.db_template)
                missing = ()
                rule = (
                    f"databases owned by role {_role(connection)!r}, not templates, "
                    f"not postgres or {target.db_template}"
                )
        except psycopg.Error as exc:
            raise query_failed(exc, target_of(target.server), lost=connection.broken) from None
    if pattern is not None:
        assert target.dbfilter is not None
        names = database_list.filtered(names, pattern)
        host = f"host {http_host}" if http_host else "any host for %h/%d"
        rule += f", matching dbfilter {target.dbfilter!r} ({host})"
    databases = tuple(
        FleetDatabase(name, database_settings(settings, target, name)) for name in names
    )
    return FleetListing(target.display, rule, databases, missing)


def _read_only(settings: ConnectionSettings) -> ConnectionSettings:
    from dataclasses import replace

    return replace(settings, read_only=True)


def _connect_server(target: ServerTarget, settings: ConnectionSettings) -> psycopg.Connection:
    from dataclasses import replace

    try:
        return connect_plain(target.server, settings)
    except ConnectionFailed as exc:
        if "has no database" not in str(exc):
            raise
        first = exc
    fallback = replace(target.server, database=FALLBACK_DATABASE)
    try:
        return connect_plain(fallback, settings)
    except ConnectionFailed:
        raise first from None


def _role(connection: psycopg.Connection) -> str:
    row = connection.execute("SELECT current_user").fetchone()
    return str(row[0]) if row else "?"
