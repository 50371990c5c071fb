"""Turn SQLAlchemy's exceptions into one sentence an operator can act on, without secrets
(the wording: console.backends.db_errors)."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from console.backends.db_errors import Target, connection_failed, query_failed
from console.domain.errors import ConnectionFailed, QueryFailed


def _target(url: URL) -> Target:
    host = url.host or url.query.get("host")
    return Target(
        backend=url.get_backend_name(),
        database=url.database,
        host=host if isinstance(host, str) else None,
        port=url.port,
        username=url.username,
        password=None if url.password is None else str(url.password),
    )


def connection_error(exc: BaseException, url: URL) -> ConnectionFailed:
    """A failure while connecting or inspecting."""
    return connection_failed(getattr(exc, "orig", None) or exc, _target(url))


def query_error(exc: SQLAlchemyError, url: URL) -> QueryFailed:
    """A failure after connecting: timeouts, lost connections, odd data."""
    lost = isinstance(exc, DBAPIError) and exc.connection_invalidated
    return query_failed(getattr(exc, "orig", None) or exc, _target(url), lost=lost)
