"""Which databases Odoo would list on a server: `odoo.service.db.list_dbs` and
`odoo.http.db_filter` (16 to 19 alike), over a DB-API cursor (docs/odoo-databases.md).

- Without dbfilter, a db_name (a comma list) is the list itself: Odoo does not even ask
  the server. The names that are not on it are kept, to be told as missing.
- Otherwise the server's databases owned by the connecting role (`datdba`), that are not
  templates, accept connections, and are neither `postgres` nor db_template; then, with a
  dbfilter, those whose name the regexp matches from its start (`re.match`).
- `%h` and `%d` in dbfilter stand for the HTTP host and its first label, which a command
  line does not have: with `http_host` given they are replaced as Odoo replaces them,
  else they match any host (see HOST_WILDCARD).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

# What %h and %d become without a host: any host name, any first label. A dbfilter
# `^%d$` then lists every database whose name has no dot, as some host would reach it.
HOST_WILDCARD = ".+"
DOMAIN_WILDCARD = "[^.]+"

# list_dbs's query, with the role compared by oid (pg_roles sees the same as pg_user).
_OWNED_SQL = (
    "SELECT datname FROM pg_catalog.pg_database "
    "WHERE datdba = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) "
    "AND NOT datistemplate AND datallowconn AND datname <> ALL(%(excluded)s) "
    "ORDER BY datname"
)
_EXISTING_SQL = "SELECT datname FROM pg_catalog.pg_database WHERE datname = ANY(%(names)s)"


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchall(self) -> list[Any]: ...


def owned_databases(cursor: Cursor, db_template: str = "template0") -> list[str]:
    """list_dbs's answer without db_name: the role's own databases, sorted."""
    cursor.execute(_OWNED_SQL, {"excluded": sorted({"postgres", db_template})})
    return [str(name) for (name,) in cursor.fetchall()]


def existing_databases(cursor: Cursor, names: Sequence[str]) -> set[str]:
    cursor.execute(_EXISTING_SQL, {"names": list(names)})
    return {str(name) for (name,) in cursor.fetchall()}


def dbfilter_pattern(dbfilter: str, http_host: str | None = None) -> re.Pattern[str]:
    """The regexp odoo.http.db_filter compiles; ValueError when it is not one."""
    if http_host is None:
        host, domain = HOST_WILDCARD, DOMAIN_WILDCARD
    else:
        bare = http_host.partition(":")[0]
        bare = bare[4:] if bare.startswith("www.") else bare
        host, domain = re.escape(bare), re.escape(bare.partition(".")[0])
    try:
        return re.compile(dbfilter.replace("%h", host).replace("%d", domain))
    except re.error as exc:
        raise ValueError(f"dbfilter {dbfilter!r} is not a regular expression: {exc}") from None


def filtered(names: Iterable[str], pattern: re.Pattern[str]) -> list[str]:
    return [name for name in names if pattern.match(name)]
