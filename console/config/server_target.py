"""The PostgreSQL server of a fleet: where to list the databases, and each database's own
settings (console.backends.fleet).

A fleet is asked for with `fleet` or `--all-databases` (any PostgreSQL target: its
database part is left aside), and is what the TUI opens when a server is named but no
database: `-c odoo.conf` whose db_name lists none or several and no `-d`, or a
`postgresql://user@host:port/` URL without a database name. Passwords stay inside
PlainPostgres and the per-database settings; nothing here prints them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlsplit, urlunsplit

from console.config.connection import ENV_DB_URL, ConnectionSettings, settings_odoo_conf
from console.config.plain_target import DEFAULT_SOCKET_DIR, PlainPostgres, parse_postgres_url
from console.config.url_check import POSTGRES_SCHEMES, URL_PATTERN
from console.domain.errors import UsageError

MAINTENANCE_DATABASE = "postgres"  # where Odoo's list_dbs connects to list the others


@dataclass(frozen=True, slots=True)
class ServerTarget:
    """A PostgreSQL server, and what Odoo's configuration says of its database list."""

    server: PlainPostgres  # its database: the one to list from (postgres)
    source: str  # "odoo.conf", "--db" or "$ODOO_MAILQ_DB"
    db_names: tuple[str, ...] = ()  # odoo.conf's db_name (restricts the list)
    dbfilter: str | None = None  # odoo.conf's dbfilter (a regexp)
    db_template: str = "template0"
    url: str | None = field(default=None, repr=False)  # the URL given (may hold a password)

    @property
    def display(self) -> str:
        """The server as the operator may see it (no password): user@host:port."""
        user = f"{self.server.username}@" if self.server.username else ""
        host = self.server.host or dict(self.server.query).get("host") or "local socket"
        port = f":{self.server.port}" if self.server.port else ""
        return f"{user}{host}{port}"


def server_target(settings: ConnectionSettings) -> ServerTarget:
    """The server the settings name, whatever database they name; UsageError when they
    name none (the bundled sample, an SQLite file, Odoo's external API)."""
    if settings.api_url:
        raise UsageError("a fleet needs a PostgreSQL server (--db or -c odoo.conf), not --url")
    conf = settings_odoo_conf(settings)
    raw = settings.db_url or ""
    source = "--db"
    if not raw and conf is None:
        raw = os.environ.get(ENV_DB_URL, "").strip()
        source = f"${ENV_DB_URL}"
    if raw:
        parsed = parse_postgres_url(raw, source)
        return ServerTarget(replace(parsed, database=MAINTENANCE_DATABASE), source, url=raw)
    if conf is None:
        raise UsageError(
            "a fleet needs a PostgreSQL server: give --db postgresql://user@host:port/ "
            "or -c odoo.conf"
        )
    query: list[tuple[str, str]] = []
    if conf.db_sslmode:
        query.append(("sslmode", conf.db_sslmode))
    if conf.db_host is None:
        query.append(("host", DEFAULT_SOCKET_DIR))
    server = PlainPostgres(
        database=MAINTENANCE_DATABASE,
        username=conf.db_user,
        password=conf.db_password,
        host=conf.db_host,
        port=conf.db_port,
        query=tuple(query),
    )
    return ServerTarget(
        server,
        "odoo.conf",
        db_names=conf.db_names,
        dbfilter=conf.dbfilter,
        db_template=conf.db_template or "template0",
    )


def wants_fleet(settings: ConnectionSettings) -> bool:
    """True when a server is named but no database: the TUI opens the fleet first."""
    if settings.api_url or settings.database:
        return False
    conf = settings_odoo_conf(settings)
    if settings.db_url:
        return _names_no_database(settings.db_url)
    if conf is not None:
        return len(conf.db_names) != 1
    raw = os.environ.get(ENV_DB_URL, "").strip()
    return bool(raw) and _names_no_database(raw)


def _names_no_database(raw: str) -> bool:
    """A PostgreSQL URL with no database name (a malformed URL: False, and the usual
    checks say what is wrong with it)."""
    found = URL_PATTERN.match(raw.strip())
    if found is None or found["name"].lower().partition("+")[0] not in POSTGRES_SCHEMES:
        return False
    return not found["database"]


def database_settings(
    settings: ConnectionSettings, target: ServerTarget, name: str
) -> ConnectionSettings:
    """The settings that open database `name` of the server, as if it had been chosen with
    -d (odoo.conf keeps its SMTP options, data_dir and log for the chosen database)."""
    if target.url is None:
        return replace(settings, database=name)
    parts = urlsplit(target.url.strip())
    url = urlunsplit(parts._replace(path="/" + quote(name, safe="")))
    return replace(settings, db_url=url, database=None, odoo_config=settings.odoo_config)


@dataclass(frozen=True, slots=True)
class FleetDatabase:
    """A database of the fleet and the settings that open it (as with -d NAME)."""

    name: str
    settings: ConnectionSettings = field(repr=False)


@dataclass(frozen=True, slots=True)
class FleetListing:
    """What console.backends.fleet.discover_databases found on a server: the databases
    Odoo would list, in its order, and those of odoo.conf's db_name that are not there."""

    server: str  # ServerTarget.display: no password
    rule: str  # how the list was made, in one sentence
    databases: tuple[FleetDatabase, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(database.name for database in self.databases)
