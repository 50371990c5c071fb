"""`status` through psycopg alone (console.backends.plain_status) says exactly what the SQL
backend says through SQLAlchemy: the same database facts, counts and red envelopes on every
Odoo version, the same shape notes, the same refusals; and it loads no SQLAlchemy."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from typing import Any

import psycopg
import pytest

from console.backends.connect import open_backend
from console.backends.plain_status import read_status
from console.config.connection import ConnectionSettings
from console.domain.errors import ConsoleError
from console.domain.models import DatabaseInfo, QueueStatus
from testkit.odoo_dbs import VERSIONS
from tests.helpers.cli import ROOT
from tests.helpers.db import Db


def _through_the_backend(settings: ConnectionSettings) -> tuple[DatabaseInfo, QueueStatus]:
    backend = open_backend(settings)
    try:
        return backend.info, replace(backend.status(), envelopes=backend.envelope_counts())
    finally:
        backend.close()


def _plain(settings: ConnectionSettings) -> tuple[DatabaseInfo, QueueStatus]:
    found = read_status(settings)
    assert found is not None, "a PostgreSQL target is read through the driver"
    return found


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_same_answers_as_the_backend_on_every_version(
    odoo_databases: Any, version: int
) -> None:
    settings = ConnectionSettings(db_url=odoo_databases.get("pg", version))
    info, status = _plain(settings)
    assert status.counts and status.envelopes is not None and status.envelopes.messages
    assert (info, status) == _through_the_backend(settings)


def test_neutralized_without_mass_mailing_and_odd_shapes(make_db: Any) -> None:
    db: Db = make_db("pg", 17)
    _execute(
        db.url,
        "DELETE FROM ir_config_parameter WHERE key = 'database.is_neutralized'",
        "INSERT INTO ir_config_parameter (key, value) VALUES ('database.is_neutralized', 'True')",
        "UPDATE ir_module_module SET state = 'uninstalled' WHERE name = 'mass_mailing'",
        "DROP TABLE mail_alias_domain CASCADE",
        "ALTER TABLE ir_cron ADD COLUMN failure_count integer",
    )
    settings = ConnectionSettings(db_url=db.url, read_only=True)
    info, status = _plain(settings)
    assert info.neutralized and not info.has_mass_mailing and info.read_only
    assert len(info.notes) == 2
    assert (info, status) == _through_the_backend(settings)


def test_without_the_chatter_tables_nothing_is_counted_as_envelopes(make_db: Any) -> None:
    db: Db = make_db("pg", 16)
    _execute(db.url, "DROP TABLE mail_notification CASCADE")
    settings = ConnectionSettings(db_url=db.url)
    assert _plain(settings) == _through_the_backend(settings)


def _refusal(call: Any, settings: ConnectionSettings) -> str:
    with pytest.raises(ConsoleError) as raised:
        call(settings)
    return f"{type(raised.value).__name__}: {raised.value}"


def test_the_same_refusals_as_the_backend(pg_cluster: Any, pg_db_factory: Any) -> None:
    for url in (
        pg_db_factory(),  # not Odoo's
        pg_cluster.url("no_such_db"),
        pg_cluster.url("postgres", user=pg_cluster.PW_USER, password="wrong-pw"),
        pg_cluster.url("postgres", user="nobody_here"),
    ):
        settings = ConnectionSettings(db_url=url)
        assert _refusal(_plain, settings) == _refusal(_through_the_backend, settings), url


def test_sqlite_and_the_sample_take_the_backend(tmp_path: Any) -> None:
    from testkit.odoo_dbs import build_sqlite

    assert read_status(ConnectionSettings(db_url=build_sqlite(tmp_path, 17))) is None
    assert read_status(ConnectionSettings()) is None


def test_status_loads_no_sqlalchemy(odoo_databases: Any) -> None:
    url = odoo_databases.get("pg", 17)
    code = (
        "import json, sys\n"
        "from console.cli.main import main\n"
        f"code = main(['status', '--json', '--db', {url!r}])\n"
        "print(json.dumps(sorted(m for m in ('sqlalchemy', 'textual', 'httpx') "
        "if m in sys.modules)), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["odoo_version"] == 17
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
