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

from testkit.pgcluster import PgCluster
from tests.helpers.db import Db, EmptyTemplates, OdooDatabases, PgDbFactory
from tests.helpers.fleet import FleetServer

# ---------------------------------------------------------------- markers

PG_FIXTURES = frozenset({"pg_cluster", "pg_db_factory", "fleet_server"})


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


@pytest.fixture(scope="session")
def _odoo_database_urls() -> dict[tuple[str, int], str]:
    return {}


@pytest.fixture
def odoo_databases(
    request: pytest.FixtureRequest,
    _odoo_database_urls: dict[tuple[str, int], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> OdooDatabases:
    """Odoo-shaped databases with the whole generated scenario, built once per session, for
    tests that only read: ``get("sqlite" | "pg", version)`` returns a SQLAlchemy URL. The
    PostgreSQL server is started only when a PostgreSQL database is first asked for."""
    directory = tmp_path_factory.getbasetemp() / "odoo_dbs"
    directory.mkdir(exist_ok=True)
    return OdooDatabases(
        _odoo_database_urls, directory, lambda: request.getfixturevalue("pg_cluster")
    )


@pytest.fixture(scope="session")
def _empty_templates(tmp_path_factory: pytest.TempPathFactory) -> EmptyTemplates:
    return EmptyTemplates(tmp_path_factory.mktemp("empty_tpl"))


@pytest.fixture
def make_db(
    request: pytest.FixtureRequest, _empty_templates: EmptyTemplates, tmp_path: Path
) -> Iterator[Callable[[str, int], Db]]:
    """``make_db("sqlite" | "pg", version) -> Db``: a fresh copy of a generated Odoo database
    without the bulk mails (the scenario's few rows only), for a test that writes. Its
    backends are closed, and a PostgreSQL copy dropped, when the test ends."""
    made: list[Db] = []

    def make(kind: str, version: int) -> Db:
        cluster = request.getfixturevalue("pg_cluster") if kind == "pg" else None
        db = _empty_templates.copy(kind, version, tmp_path, cluster)
        made.append(db)
        return db

    yield make
    for db in made:
        db.close()
        if db.kind == "pg":
            cluster: PgCluster = request.getfixturevalue("pg_cluster")
            cluster.drop_database(db.url.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def fleet_server(
    request: pytest.FixtureRequest, _empty_templates: EmptyTemplates
) -> Iterator[FleetServer]:
    """A server with a small fleet (tests/helpers/fleet.py): Odoo databases of 16 to 19,
    one not Odoo's, one its role may not open, one of another owner. Built once."""
    from tests.helpers.fleet import build_fleet, drop_fleet

    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    yield build_fleet(cluster, _empty_templates)
    drop_fleet(cluster)


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
