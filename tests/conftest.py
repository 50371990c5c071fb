"""Shared pytest fixtures for odoo-mailq.

Sections (add new fixtures to the matching section, or start a new one):

* markers     -- custom markers, registered in ``pytest_configure``;
* PostgreSQL  -- ``pg_cluster`` (one throwaway server per session) and
                 ``pg_db_factory`` (fresh databases, dropped after the test).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.backends.base import MailQueueBackend
from testkit.pgcluster import PgCluster

# ---------------------------------------------------------------- markers

PG_FIXTURES = frozenset({"pg_cluster", "pg_db_factory"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "pg: needs the throwaway PostgreSQL server (deselect with -m 'not pg')"
    )
    config.addinivalue_line(
        "markers", "real_odoo: runs real Odoo from ODOO_SRC_<V> (deselect with -m 'not real_odoo')"
    )
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests that use a PostgreSQL fixture are marked `pg` automatically.
    for item in items:
        if PG_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pg)


# ---------------------------------------------------------------- isolation


@pytest.fixture(scope="session", autouse=True)
def private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The journal and the sample copy go to a throwaway state directory, for this process
    and the consoles it starts: a test run never writes into the operator's own journal."""
    import os

    state = tmp_path_factory.mktemp("state")
    before = os.environ.get("XDG_STATE_HOME")
    os.environ["XDG_STATE_HOME"] = str(state)
    yield state
    if before is None:
        os.environ.pop("XDG_STATE_HOME", None)
    else:
        os.environ["XDG_STATE_HOME"] = before


# ---------------------------------------------------------------- PostgreSQL

PgDbFactory = Callable[..., str]


@pytest.fixture(scope="session")
def pg_cluster(request: pytest.FixtureRequest) -> Iterator[PgCluster]:
    """One throwaway PostgreSQL server for the whole test session.

    ``pg_cluster.url(dbname, user, password)`` gives SQLAlchemy URLs;
    ``PgCluster.PW_USER`` / ``PgCluster.PW_PASSWORD`` is the password role.
    """
    cluster = PgCluster()
    request.addfinalizer(cluster.stop)  # registered before start: runs even if start fails
    cluster.start()
    yield cluster


@pytest.fixture
def pg_db_factory(pg_cluster: PgCluster) -> Iterator[PgDbFactory]:
    """``make(prefix="mailq_t", owner=None) -> url``: a fresh, uniquely named database.

    Every database made this way is dropped when the test ends.
    """
    created: list[str] = []

    def make(prefix: str = "mailq_t", owner: str | None = None) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        url = pg_cluster.create_database(name, owner=owner)
        created.append(name)
        return url

    yield make
    for name in reversed(created):
        pg_cluster.drop_database(name)


# ---------------------------------------------------------------- Odoo databases


class OdooDatabases:
    """Odoo-shaped databases built once per session, for tests that only read.

    ``get("sqlite" | "pg", version)`` returns a SQLAlchemy URL; the PostgreSQL
    server is started only when a PostgreSQL database is first asked for.
    """

    def __init__(self, request: pytest.FixtureRequest, directory: Path) -> None:
        self._request = request
        self._directory = directory
        self._urls: dict[tuple[str, int], str] = {}

    def get(self, engine: str, version: int) -> str:
        from testkit.odoo_dbs import build_postgres, build_sqlite

        key = (engine, version)
        if key not in self._urls:
            if engine == "sqlite":
                self._urls[key] = build_sqlite(self._directory, version)
            else:
                cluster: PgCluster = self._request.getfixturevalue("pg_cluster")
                url = cluster.create_database(f"odoo{version}_shared")
                self._urls[key] = build_postgres(url, version)
        return self._urls[key]


@pytest.fixture(scope="session")
def odoo_databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> OdooDatabases:
    return OdooDatabases(request, tmp_path_factory.mktemp("odoo_dbs"))


# ---------------------------------------------------------------- the bundled sample


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """A private copy of the bundled sample database, safe to write.

    Its timestamps are moved to "now" exactly as the console does for users, so the
    scenario the tests assert on (an overdue cron, failures in the last hour, a stuck
    campaign) does not drift with the calendar.
    """
    import shutil

    from console.config.sample import BUNDLED_SAMPLE, SAMPLE_ANCHOR, shift_timestamps
    from console.domain.timefmt import utcnow_naive

    path = tmp_path / "odoo17_sample.sqlite"
    shutil.copyfile(BUNDLED_SAMPLE, path)
    shift_timestamps(path, utcnow_naive() - SAMPLE_ANCHOR)
    return path


def sqlite_connector(path: Path, read_only: bool = False) -> Callable[[], MailQueueBackend]:
    """What the TUI's `connect` argument expects: opens the real backend on this file."""

    def connect() -> MailQueueBackend:
        from console.backends.sql import open_backend
        from console.config.connection import ConnectionSettings

        return open_backend(ConnectionSettings(db_url=f"sqlite:///{path}", read_only=read_only))

    return connect
