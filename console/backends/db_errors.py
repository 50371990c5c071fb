"""Driver exceptions as one sentence an operator can act on, without secrets.

The wording lives here, free of SQLAlchemy, for the SQL backend (console.backends.sql_errors
reads the target from its URL) and the driver-only status read (console.backends.plain_status).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.domain.errors import ConnectionFailed, QueryFailed


@dataclass(frozen=True, slots=True)
class Target:
    """What the messages name: the engine, where it is, which database, as which user."""

    backend: str  # "postgresql" or "sqlite"
    database: str | None
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # only to mask it in messages

    def where(self) -> str:
        if self.backend == "sqlite":
            return f"SQLite file {self.database}"
        port = f":{self.port}" if self.port else ""
        return f"PostgreSQL at {self.host or 'local socket'}{port}"


def driver_message(original: BaseException, target: Target) -> str:
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    message = lines[0] if lines else type(original).__name__
    # libpq prefixes "connection to server at ... failed:" (psycopg adds "connection
    # failed: " before it); keep the reason after the last one.
    if "failed:" in message:
        message = message.rsplit("failed:", 1)[1].strip() or message
    if target.password:
        message = message.replace(str(target.password), "***")
    return message[:300]


def connection_failed(original: BaseException, target: Target) -> ConnectionFailed:
    """A failure while connecting or inspecting; `original` is the driver's exception."""
    message = driver_message(original, target)
    lowered = str(original).lower()
    where = target.where()
    user = target.username or "(default user)"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        text = f"{where} refused the login of user {user!r}: wrong or missing password"
    elif 'database "' in lowered and "does not exist" in lowered:
        text = f"{where} has no database {target.database!r}"
    elif "permission denied for database" in lowered:
        text = (
            f"{where} refused user {user!r} access to database {target.database!r} "
            "(no CONNECT privilege)"
        )
    elif "role " in lowered and "does not exist" in lowered:
        text = f"{where} has no user {user!r}"
    elif "connection refused" in lowered:
        text = f"Cannot connect to {where}: connection refused (is PostgreSQL running there?)"
    elif "timeout expired" in lowered or "timed out" in lowered:
        text = f"Cannot connect to {where}: no answer within the timeout"
    elif "could not translate host name" in lowered or "name or service not known" in lowered:
        text = f"Cannot connect to {where}: unknown host name"
    elif "file is not a database" in lowered or "not a database" in lowered:
        text = f"{where} is not an SQLite database"
    elif "unable to open database file" in lowered:
        text = f"Cannot open {where}"
    else:
        text = f"Cannot use {where}: {message}"
    return ConnectionFailed(text)


def query_failed(original: BaseException, target: Target, *, lost: bool = False) -> QueryFailed:
    """A failure after connecting: timeouts, lost connections (`lost`: the driver said so),
    odd data."""
    lowered = str(original).lower()
    if "statement timeout" in lowered or "canceling statement" in lowered:
        return QueryFailed("The database did not answer in time (statement timeout); try again")
    if lost or "server closed the connection" in lowered or "terminating connection" in lowered:
        return QueryFailed(f"Lost the connection to {target.where()}; it will be retried")
    return QueryFailed(f"Query failed on {target.where()}: {driver_message(original, target)}")
