"""A database URL checked by its shape alone, without SQLAlchemy or a driver.

The TUI refuses a malformed target before its screen opens, and SQLAlchemy loads only
after the first frame, so the checks that need no driver live here: the scheme and
driver, the port (a number from 1 to 65535, also in `?port=`), a port without a host,
and the percent-encoding of the user, password and database name. Each problem is one
sentence; the password is never part of it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from console.domain.errors import UsageError

EXPECTED = "expected postgresql://user@host:port/dbname or sqlite:///path/to/file.sqlite"
# SQLAlchemy's own URL pattern (sqlalchemy.engine.url._parse_url), so that what passes here
# parses there the same way.
URL_PATTERN = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
POSTGRES_SCHEMES = {"postgresql", "postgres"}
POSTGRES_DRIVERS = {"", "psycopg", "psycopg2"}  # psycopg2 URLs are opened with psycopg 3
SQLITE_DRIVERS = {"", "pysqlite"}
MAX_PORT = 65535


def check_db_url(raw: str, origin: str) -> str:
    """The backend name ('postgresql' or 'sqlite') of a well-formed URL; else UsageError
    with one sentence that starts with `origin` (--db, $ODOO_MAILQ_DB, a file's db_name)."""
    found = URL_PATTERN.match(raw.strip())
    if found is None:
        raise UsageError(f"{origin}: not a database URL ({EXPECTED})")
    scheme, _, driver = found["name"].lower().partition("+")
    if scheme in POSTGRES_SCHEMES:
        if driver not in POSTGRES_DRIVERS:
            raise UsageError(
                f"{origin}: unsupported driver {driver!r} (write postgresql://...; the "
                "console connects with psycopg 3)"
            )
        backend = "postgresql"
    elif scheme == "sqlite":
        if driver not in SQLITE_DRIVERS:
            raise UsageError(f"{origin}: unsupported driver {driver!r} (write sqlite:///...)")
        backend = "sqlite"
    else:
        raise UsageError(
            f"{origin}: unsupported database {scheme!r} (use postgresql:// or sqlite:///)"
        )
    for part, name in (
        ("username", "the user name"),
        ("password", "the password"),
        ("database", "the database name"),
    ):
        if found[part] and _BAD_PERCENT.search(found[part]):
            raise UsageError(
                f"{origin}: bad percent-encoding in {name} (a % must be followed by two hex "
                "digits; write a literal % as %25)"
            )
    if "[" in (found["ipv4host"] or ""):
        raise UsageError(f"{origin}: unclosed [ in the host (an IPv6 host is written [::1]:5432)")
    port = found["port"]
    if port:
        _check_port(port, origin)
        if backend == "postgresql" and not (found["ipv4host"] or found["ipv6host"]):
            raise UsageError(
                f"{origin}: the URL gives port {port} but no host: write "
                f"postgresql://user@HOST:{port}/dbname, or for the local socket "
                f"postgresql://user@/dbname?port={port}"
            )
    for key, value in parse_qsl(found["query"] or "", keep_blank_values=True):
        if key == "port":
            for one in value.split(","):  # libpq takes a list for several hosts
                _check_port(one, origin)
    return backend


def _check_port(port: str, origin: str) -> None:
    if not port.strip().isdigit() or not port.isascii():
        raise UsageError(f"{origin}: the port {port!r} is not a number (for example :5432)")
    if not 1 <= int(port) <= MAX_PORT:
        raise UsageError(f"{origin}: port {int(port)} is out of range (1 to {MAX_PORT})")
