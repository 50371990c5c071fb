"""Open the backend a connection's settings call for: the one place that picks the
implementation, so the CLI and the TUI only ever hold a ``MailQueueBackend``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings
    from console.config.server_target import FleetListing
    from console.domain.fleet import FleetReport, FleetRow
    from console.domain.health import Thresholds
    from console.domain.models import DatabaseInfo, QueueStatus


def open_backend(settings: ConnectionSettings) -> MailQueueBackend:
    """A database URL, an odoo.conf or the bundled sample: the SQL backend (SQLAlchemy is
    imported here, on the first connection, not with the TUI's first frame); --url: the
    backend over Odoo's external API."""
    if settings.api_url:
        from console.backends.api import open_api_backend

        return open_api_backend(
            settings.api_url,
            settings.odoo_db or "",
            settings.login or "",
            settings.api_key or "",
            read_only=settings.read_only,
        )
    from console.backends.sql import open_backend as open_sql

    return open_sql(settings)


def read_status_quickly(settings: ConnectionSettings) -> tuple[DatabaseInfo, QueueStatus] | None:
    """What `status` shows (the counts with the red envelopes), read through the driver
    alone where it can be (a PostgreSQL target), without loading SQLAlchemy; None: open
    the backend and ask it."""
    from console.backends.plain_status import read_status

    return read_status(settings)


def discover_databases(
    settings: ConnectionSettings, *, http_host: str | None = None
) -> FleetListing:
    """The databases of the settings' PostgreSQL server as Odoo's database list shows them
    (console.backends.fleet), each with the settings that open it."""
    from console.backends.fleet import discover_databases as discover

    return discover(settings, http_host=http_host)


def odoo_databases(listing: FleetListing) -> FleetListing:
    """The listing's Odoo databases of a version the console knows (and those that cannot
    be opened, to say so): the exporter's targets."""
    from console.backends.fleet_reads import odoo_only

    return odoo_only(listing)


def read_fleet(
    listing: FleetListing,
    thresholds: Thresholds | None = None,
    *,
    on_row: Callable[[FleetRow], None] | None = None,
) -> FleetReport:
    """Each listed database's summary, read in parallel with bounded connections
    (console.backends.fleet_reads)."""
    from console.backends.fleet_reads import read_fleet as read

    return read(listing, thresholds, on_row=on_row)


def target_label(settings: ConnectionSettings) -> str:
    """The name a target's database goes by (the exporter's ``database`` label), decided
    without connecting, as opening it would resolve it: the database of the URL or the
    odoo.conf, a SQLite file's name, the database of Odoo's API. UsageError when the
    settings cannot name one (a malformed URL, an odoo.conf without a database)."""
    if settings.api_url:
        return settings.odoo_db or ""
    from console.config.connection import resolve_target

    url = resolve_target(settings).url
    if url.get_backend_name() == "sqlite":
        return (url.database or "").rsplit("/", 1)[-1]
    return url.database or ""
