"""The throwaway PostgreSQL cluster used by the suite really works."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from testkit.pgcluster import PgCluster
from tests.helpers.db import PgDbFactory

pytestmark = pytest.mark.pg


def _conninfo_from_url(url: str, password: str | None = None) -> str:
    u = make_url(url)
    return psycopg.conninfo.make_conninfo(
        host=u.host,
        port=u.port,
        dbname=u.database,
        user=u.username,
        password=password if password is not None else u.password,
        connect_timeout=10,
    )


def test_superuser_connects_and_version(pg_cluster: PgCluster) -> None:
    with psycopg.connect(_conninfo_from_url(pg_cluster.url())) as conn:
        assert conn.info.server_version >= 130000
        row = conn.execute("SELECT current_user, current_setting('fsync')").fetchone()
    assert row == ("postgres", "off")


def test_listens_on_loopback_free_port(pg_cluster: PgCluster) -> None:
    assert pg_cluster.host == "127.0.0.1"
    assert 0 < pg_cluster.port < 65536
    url = make_url(pg_cluster.url("somedb", user="u", password="p@ss:/w"))
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database) == ("127.0.0.1", pg_cluster.port, "somedb")
    assert (url.username, url.password) == ("u", "p@ss:/w")


def test_password_role_rejects_wrong_password(pg_cluster: PgCluster) -> None:
    url = pg_cluster.url(user=PgCluster.PW_USER, password="wrong")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(_conninfo_from_url(url))
    # No password at all is refused too (no trust fallback for this role).
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(_conninfo_from_url(pg_cluster.url(user=PgCluster.PW_USER), password=""))


def test_password_role_accepts_right_password(pg_cluster: PgCluster) -> None:
    url = pg_cluster.url(user=PgCluster.PW_USER, password=PgCluster.PW_PASSWORD)
    with psycopg.connect(_conninfo_from_url(url)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (PgCluster.PW_USER,)


def test_created_database_is_usable_and_dropped(pg_cluster: PgCluster) -> None:
    name = "mailq_pgcluster_selftest"
    url = pg_cluster.create_database(name)
    assert make_url(url).database == name
    with psycopg.connect(_conninfo_from_url(url), autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id serial PRIMARY KEY, v text)")
        conn.execute("INSERT INTO t (v) VALUES ('a'), ('b')")
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (2,)
        # drop_database must work even while a session is still connected
        pg_cluster.drop_database(name)
    with psycopg.connect(_conninfo_from_url(pg_cluster.url()), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    assert exists is None


def test_db_factory_makes_unique_databases(
    pg_cluster: PgCluster, pg_db_factory: PgDbFactory
) -> None:
    first, second = pg_db_factory(), pg_db_factory("other")
    assert make_url(first).database != make_url(second).database
    for url in (first, second):
        with psycopg.connect(_conninfo_from_url(url)) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (make_url(url).database,)


def test_db_factory_owner_lets_password_role_work(
    pg_cluster: PgCluster, pg_db_factory: PgDbFactory
) -> None:
    dbname = make_url(pg_db_factory(owner=PgCluster.PW_USER)).database
    assert dbname is not None
    url = pg_cluster.url(dbname, user=PgCluster.PW_USER, password=PgCluster.PW_PASSWORD)
    with psycopg.connect(_conninfo_from_url(url), autocommit=True) as conn:
        conn.execute("CREATE TABLE owned (id int)")
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'owned'"
        ).fetchone()
    assert owner == (PgCluster.PW_USER,)
