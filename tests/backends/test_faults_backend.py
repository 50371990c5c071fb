"""A query that hangs is bounded by the statement timeout and says so in one line."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.errors import QueryFailed
from testkit.odoo_dbs import build_postgres


def test_a_blocked_query_ends_at_the_statement_timeout(pg_db_factory: Any) -> None:
    url = build_postgres(pg_db_factory(), 17)
    backend = open_backend(ConnectionSettings(db_url=url, statement_timeout_ms=700))
    engine = create_engine(url)
    locked, release = threading.Event(), threading.Event()

    def migration() -> None:  # e.g. an Odoo upgrade holding the table
        with engine.begin() as connection:
            connection.execute(text("LOCK TABLE mail_mail IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=migration)
    holder.start()
    locked.wait(10)
    try:
        started = time.monotonic()
        with pytest.raises(QueryFailed, match="did not answer in time"):
            backend.status()
        assert time.monotonic() - started < 10  # bounded, far below the 30 s lock hold
    finally:
        release.set()
        holder.join()
        engine.dispose()
    assert backend.status().counts  # and the same backend works again at once
    backend.close()


def test_tcp_connections_detect_a_silent_network_cut(pg_db_factory: Any) -> None:
    """A cut without a reset must not hang a query for the OS's ~15 minute retransmit
    timeout: libpq's keepalives and tcp_user_timeout are on for every connection."""
    url = build_postgres(pg_db_factory(), 17)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        with backend.engine.connect() as connection:
            driver_connection: Any = connection.connection.driver_connection
            assert driver_connection.info.host.startswith("127.")  # TCP, not a Unix socket
            parameters = driver_connection.info.get_parameters()
            assert parameters["keepalives"] == "1"
            assert (
                int(parameters["keepalives_idle"]) + 3 * int(parameters["keepalives_interval"])
                <= 60
            )
            assert 0 < int(parameters["tcp_user_timeout"]) <= 60_000
            # the server watches its side too: a console cut off while holding the queue
            # cron's lock must not block Odoo's queue for the default two hours
            show = connection.exec_driver_sql
            assert show("SHOW tcp_keepalives_idle").scalar() in {"10", "10s"}
            assert show("SHOW tcp_user_timeout").scalar() in {"30000", "30s"}
    finally:
        backend.close()
