"""A query that hangs is bounded by the statement timeout and says so in one line."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import open_backend
from console.config import ConnectionSettings
from console.errors import QueryFailed
from tests.odoo_dbs import build_postgres


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
