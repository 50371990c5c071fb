"""A PostgreSQL target resolved without SQLAlchemy, for the reads that need only the driver
(`status`: console.backends.plain_status).

The same precedence as console.config.connection.resolve_target (--db > -c odoo.conf >
$ODOO_MAILQ_DB), the URL read as SQLAlchemy reads it (config.url_check holds its pattern)
and shown as SQLAlchemy shows it. Where resolve_target would raise, or where only
SQLAlchemy's URL can be sure (several hosts, a repeated query key), and for SQLite, the
answer is None and the caller takes the full path: its errors are the ones the operator
sees. tests/config/test_plain_target.py compares both on every form of target.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote

from console.config.connection import ENV_DB_URL, ConnectionSettings, settings_odoo_conf
from console.config.url_check import POSTGRES_SCHEMES, URL_PATTERN, check_db_url
from console.domain.errors import UsageError

DRIVERNAME = "postgresql+psycopg"  # what resolve_target routes every PostgreSQL URL to
DEFAULT_SOCKET_DIR = "/var/run/postgresql"  # odoo.conf without db_host, as Odoo connects


@dataclass(frozen=True, slots=True)
class PlainPostgres:
    """The fields of the SQLAlchemy URL resolve_target would make."""

    database: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    host: str | None = None
    port: int | None = None
    query: tuple[tuple[str, str], ...] = ()

    @property
    def display_url(self) -> str:
        """As SQLAlchemy's URL.render_as_string(hide_password=True) writes it."""
        text = f"{DRIVERNAME}://"
        if self.username is not None:
            text += quote(self.username, safe=" +")
            if self.password is not None:
                text += ":***"
            text += "@"
        if self.host is not None:
            text += f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            text += f":{self.port}"
        text += "/" + quote(self.database, safe=" +/")
        if self.query:
            text += "?" + "&".join(
                f"{quote_plus(key)}={quote_plus(value)}" for key, value in sorted(self.query)
            )
        return text

    def connect_kwargs(self) -> dict[str, Any]:
        """psycopg.connect's keywords for this target, as SQLAlchemy's psycopg dialect
        builds them (the URL's query items last)."""
        found: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "user": self.username,
            "password": self.password,
            "dbname": self.database,
        }
        kwargs = {key: value for key, value in found.items() if value}  # "" is left out too
        kwargs.update(self.query)
        return kwargs


def plain_postgres_target(settings: ConnectionSettings) -> PlainPostgres | None:
    """The PostgreSQL database resolve_target would open, or None (see the module)."""
    if settings.api_url:
        return None
    try:
        conf = settings_odoo_conf(settings)
    except UsageError:
        return None
    if settings.db_url:
        return _with_database(_parse(settings.db_url), settings.database)
    if conf is not None:
        names = conf.db_names
        name = settings.database or (names[0] if len(names) == 1 else None)
        if not name:
            return None
        if name.startswith(("postgres://", "postgresql://")):
            return _parse(name)
        query: list[tuple[str, str]] = []
        if conf.db_sslmode:
            query.append(("sslmode", conf.db_sslmode))
        if conf.db_host is None:
            query.append(("host", DEFAULT_SOCKET_DIR))
        return PlainPostgres(
            database=name,
            username=conf.db_user,
            password=conf.db_password,
            host=conf.db_host,
            port=conf.db_port,
            query=tuple(query),
        )
    raw = os.environ.get(ENV_DB_URL, "").strip()
    if raw:
        return _with_database(_parse(raw), settings.database)
    return None  # the bundled sample: SQLite


def _with_database(target: PlainPostgres | None, database: str | None) -> PlainPostgres | None:
    if target is None or not database:
        return target
    return PlainPostgres(
        database, target.username, target.password, target.host, target.port, target.query
    )


def parse_postgres_url(raw: str, origin: str) -> PlainPostgres:
    """A PostgreSQL server URL, with or without a database name (a fleet's server);
    UsageError in one line when it is not one."""
    backend = check_db_url(raw, origin)  # scheme, driver, port, percent-encoding
    if backend != "postgresql":
        raise UsageError(f"{origin}: a fleet needs a PostgreSQL server, not {backend}")
    found = _parse(raw, require_database=False)
    if found is None:
        raise UsageError(f"{origin}: cannot read this PostgreSQL URL (one host, one port)")
    return found


def _parse(raw: str, *, require_database: bool = True) -> PlainPostgres | None:
    """A PostgreSQL URL read as sqlalchemy.engine.url._parse_url reads it."""
    try:
        if check_db_url(raw, "") != "postgresql":
            return None
    except UsageError:
        return None
    found = URL_PATTERN.match(raw.strip())
    if found is None or found["name"].lower().partition("+")[0] not in POSTGRES_SCHEMES:
        return None
    query: dict[str, str] = {}
    for key, value in parse_qsl(found["query"] or ""):
        if key in query:
            return None  # a list (several hosts): SQLAlchemy's dialect joins those
        query[key] = value
    database = unquote(found["database"]) if found["database"] is not None else None
    if not database and require_database:
        return None
    port = found["port"]
    if port is not None and not port.isdigit():
        return None
    return PlainPostgres(
        database=database or "",
        username=None if found["username"] is None else unquote(found["username"]),
        password=None if found["password"] is None else unquote(found["password"]),
        host=found["ipv4host"] or found["ipv6host"],
        port=int(port) if port else None,
        query=tuple(query.items()),
    )
