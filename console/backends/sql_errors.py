"""Turn driver exceptions into one sentence an operator can act on, without secrets."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from console.domain.errors import ConnectionFailed, QueryFailed


def _where(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    host = url.host or url.query.get("host") or "local socket"
    port = f":{url.port}" if url.port else ""
    return f"PostgreSQL at {host}{port}"


def _driver_message(exc: BaseException, url: URL) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    message = lines[0] if lines else type(original).__name__
    # libpq prefixes "connection to server at ... failed:"; keep the reason.
    if "failed:" in message:
        message = message.split("failed:", 1)[1].strip() or message
    if url.password:
        message = message.replace(str(url.password), "***")
    return message[:300]


def connection_error(exc: BaseException, url: URL) -> ConnectionFailed:
    """A failure while connecting or inspecting."""
    message = _driver_message(exc, url)
    lowered = str(getattr(exc, "orig", exc)).lower()
    where = _where(url)
    user = url.username or "(default user)"
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        text = f"{where} refused the login of user {user!r}: wrong or missing password"
    elif 'database "' in lowered and "does not exist" in lowered:
        text = f"{where} has no database {url.database!r}"
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


def query_error(exc: SQLAlchemyError, url: URL) -> QueryFailed:
    """A failure after connecting: timeouts, lost connections, odd data."""
    lowered = str(getattr(exc, "orig", exc)).lower()
    if "statement timeout" in lowered or "canceling statement" in lowered:
        return QueryFailed("The database did not answer in time (statement timeout); try again")
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return QueryFailed(f"Lost the connection to {_where(url)}; it will be retried")
    if "server closed the connection" in lowered or "terminating connection" in lowered:
        return QueryFailed(f"Lost the connection to {_where(url)}; it will be retried")
    return QueryFailed(f"Query failed on {_where(url)}: {_driver_message(exc, url)}")
