"""The fleet's summaries: every database of a listing read in parallel, each in its own
psycopg connection (read-only, the settings' statement timeout), at most MAX_WORKERS at
once. A database that fails (dropped meanwhile, permission denied, a timeout) is a row
with its error; a database that is not Odoo's, or of a version the console does not know,
is skipped with the reason. The reads are console.odoo.plain_reads's, as `status`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from console.backends.db_errors import connection_failed, query_failed
from console.backends.plain_status import connect_plain, target_of
from console.config.plain_target import plain_postgres_target
from console.domain.errors import ConsoleError, NotOdooDatabase, UnsupportedOdooVersion
from console.domain.fleet import FleetReport, FleetRow, SkippedDatabase, judged
from console.domain.health import Thresholds
from console.domain.timefmt import utcnow_naive

if TYPE_CHECKING:
    from console.config.server_target import FleetDatabase, FleetListing

MAX_WORKERS = 8  # connections open at once to the server


def read_fleet(
    listing: FleetListing,
    thresholds: Thresholds | None = None,
    *,
    workers: int = MAX_WORKERS,
    on_row: Callable[[FleetRow], None] | None = None,
) -> FleetReport:
    """Every database of the listing, summarised; `on_row` hears each row as it comes."""
    thresholds = thresholds or Thresholds()
    found: dict[str, FleetRow | SkippedDatabase] = {}
    databases = listing.databases
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(databases) or 1))) as pool:
        futures = {db.name: pool.submit(read_database, db, thresholds) for db in databases}
        for name, future in futures.items():
            result = future.result()  # read_database never raises
            found[name] = result
            if on_row is not None and isinstance(result, FleetRow):
                on_row(result)
    rows = tuple(r for r in found.values() if isinstance(r, FleetRow))
    skipped = [r for r in found.values() if isinstance(r, SkippedDatabase)]
    skipped += [
        SkippedDatabase(name, "missing", "listed in db_name but not on the server")
        for name in listing.missing
    ]
    return FleetReport(listing.server, listing.rule, rows, tuple(skipped))


def read_database(database: FleetDatabase, thresholds: Thresholds) -> FleetRow | SkippedDatabase:
    """One database's row, or why it is skipped; never raises."""
    try:
        return judged(_read(database), thresholds)
    except NotOdooDatabase as exc:
        return SkippedDatabase(database.name, "not_odoo", str(exc))
    except UnsupportedOdooVersion as exc:
        return SkippedDatabase(database.name, "unsupported_version", str(exc))
    except ConsoleError as exc:
        return FleetRow(database.name, error=str(exc))
    except Exception as exc:  # odd data: this row says so, the others still answer
        return FleetRow(database.name, error=f"internal error: {type(exc).__name__}: {exc}")


def odoo_only(listing: FleetListing, *, workers: int = MAX_WORKERS) -> FleetListing:
    """The listing without the databases the fleet skips (not Odoo's, a version the
    console does not know), told by their module table alone; one that cannot be opened
    stays (its reader says why). For the exporter, which lists again every minute."""
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(listing.databases) or 1))) as pool:
        kept = list(pool.map(_is_odoo_or_unknown, listing.databases))
    databases = tuple(db for db, keep in zip(listing.databases, kept, strict=True) if keep)
    return replace(listing, databases=databases)


def _is_odoo_or_unknown(database: FleetDatabase) -> bool:
    import psycopg

    from console.odoo import plain_reads

    settings = replace(database.settings, read_only=True)
    target = plain_postgres_target(settings)
    if target is None:
        return True
    try:
        with connect_plain(target, settings) as connection:
            cursor = connection.cursor()
            shape = plain_reads.read_shape(cursor)
            plain_reads.database_info(
                cursor, shape, name=database.name, display_url="", read_only=True
            )
    except (NotOdooDatabase, UnsupportedOdooVersion):
        return False
    except (ConsoleError, psycopg.Error):
        return True
    return True


def _read(database: FleetDatabase) -> FleetRow:
    import psycopg

    from console.odoo import plain_reads

    settings = replace(database.settings, read_only=True)
    target = plain_postgres_target(settings)
    if target is None:
        raise ConsoleError(f"{database.name}: not a PostgreSQL database the console can read")
    where = target_of(target)
    connection = connect_plain(target, settings)
    with connection:
        cursor = connection.cursor()
        try:
            shape = plain_reads.read_shape(cursor)
            info = plain_reads.database_info(
                cursor, shape, name=database.name, display_url="", read_only=True
            )
        except psycopg.Error as exc:
            raise connection_failed(exc, where) from None
        now = utcnow_naive()
        try:
            status = plain_reads.queue_status(cursor, now)
            envelopes = plain_reads.envelope_counts(cursor, shape)
            cron = plain_reads.queue_cron(cursor, shape, now, info.odoo_version)
        except psycopg.Error as exc:
            raise query_failed(exc, where, lost=connection.broken) from None
    return FleetRow(
        database.name,
        version=info.odoo_version,
        version_label=info.odoo_version_label,
        outgoing=status.counts.get("outgoing", 0),
        failed=status.counts.get("exception", 0),
        envelopes=envelopes,
        oldest_due=status.oldest_due_outgoing,
        queue_cron=cron,
        cron_read=True,
        neutralized=info.neutralized,
        now=now,
    )
