"""Read-only that really is, and the plain truth about TLS and passwords.

- `--read-only` on an SQLite file whose path holds `#` or `?` opens that file, and SQLite
  itself refuses a write (the file: URI is percent-encoded);
- `probe` says, in text and JSON, that `starttls`/`ssl` do not verify the certificate;
- a PostgreSQL URL without a password works with `~/.pgpass` or `$PGPASSWORD`, the ways
  `--help` recommends instead of a password in `--db` (which `ps` shows).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from testkit.odoo_dbs import build_sqlite
from testkit.pgcluster import PgCluster
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli

# ------------------------------------------------------------------ read-only SQLite


@pytest.mark.parametrize("name", ["odoo#1.sqlite", "what?mode=rw.sqlite", "a b%20c#d?e.sqlite"])
def test_read_only_opens_that_very_file_and_sqlite_refuses_writes(
    tmp_path: Path, name: str
) -> None:
    built = Path(build_sqlite(tmp_path, 17).removeprefix("sqlite:///"))
    folder = tmp_path / "copies"
    folder.mkdir()
    path = folder / name
    shutil.copyfile(built, path)
    failed = (
        sqlite3.connect(path)
        .execute("SELECT count(*) FROM mail_mail WHERE state = 'exception'")
        .fetchone()[0]
    )
    before = sorted(p.name for p in folder.iterdir())

    url = "sqlite:///" + quote(str(path))  # in a URL, ? and % are written %3F and %25
    status = run_cli("status", "--json", "--read-only", "--db", url)
    assert status.returncode == 0, status.stderr
    payload = json.loads(status.stdout)
    assert payload["counts"]["exception"] == failed and payload["database"]["read_only"]

    backend = open_backend(ConnectionSettings(db_url=url, read_only=True))
    try:
        with backend.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM mail_mail")).scalar_one() > 0
            with pytest.raises(OperationalError, match="readonly database"):
                connection.execute(text("UPDATE mail_mail SET state = 'outgoing'"))
    finally:
        backend.close()
    assert sorted(p.name for p in folder.iterdir()) == before  # no other file opened
    assert (
        sqlite3.connect(path)
        .execute("SELECT count(*) FROM mail_mail WHERE state = 'exception'")
        .fetchone()[0]
        == failed
    )


# ------------------------------------------------------------------ probe and TLS


@pytest.fixture(scope="module")
def starttls_server() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer(tls="starttls")
    server.start()
    yield server
    server.stop()


def test_probe_says_the_certificate_is_not_verified(
    starttls_server: SmtpTestServer, tmp_path: Path
) -> None:
    url = build_sqlite(tmp_path, 17)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = :p, "
                "smtp_user = NULL, smtp_pass = NULL, smtp_authentication = 'login', "
                "smtp_encryption = CASE id WHEN 1 THEN 'starttls' ELSE 'none' END"
            ),
            {"p": starttls_server.port},
        )
    engine.dispose()
    done = run_cli("probe", "--db", url, "--timeout", "3")
    lines = done.stdout.splitlines()
    notes = [line for line in lines if line.strip().startswith("note:")]
    assert len(notes) == 1, done.stdout  # the starttls server only
    assert "the TLS certificate is NOT verified" in notes[0] and "starttls_strict" in notes[0]
    payload = json.loads(run_cli("probe", "--json", "--db", url, "--timeout", "3").stdout)
    by_encryption = {p["encryption"]: p for p in payload}
    assert by_encryption["starttls"]["certificate_verified"] is False
    assert "NOT verified" in by_encryption["starttls"]["tls_note"]
    assert by_encryption["none"]["certificate_verified"] is None
    assert by_encryption["none"]["tls_note"] is None


# ------------------------------------------------------------------ passwords out of argv


def test_help_warns_that_a_password_in_db_shows_in_ps() -> None:
    done = run_cli("--help")
    text_ = " ".join(done.stdout.split())
    assert "shows in ps" in text_ and "~/.pgpass" in text_ and "PGPASSWORD" in text_


def test_a_url_without_password_uses_pgpass_or_pgpassword(
    pg_cluster: PgCluster, odoo_databases: Any, tmp_path: Path
) -> None:
    url = odoo_databases.get("pg", 17)
    dbname = url.rsplit("/", 1)[1]
    with pg_cluster.connect("postgres") as connection:
        connection.execute(f'GRANT ALL ON DATABASE "{dbname}" TO {PgCluster.PW_USER}')
    with pg_cluster.connect(dbname) as connection:
        connection.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {PgCluster.PW_USER}")
    bare = f"postgresql://{PgCluster.PW_USER}@127.0.0.1:{pg_cluster.port}/{dbname}"
    home = tmp_path / "home"
    home.mkdir()
    clean = {"HOME": str(home), "PGPASSFILE": str(home / ".pgpass"), "PGPASSWORD": ""}
    refused = run_cli("status", "--db", bare, env=clean)
    assert refused.returncode == 2 and "password" in refused.stderr.lower()

    with_env = run_cli(
        "status", "--json", "--db", bare, env={**clean, "PGPASSWORD": PgCluster.PW_PASSWORD}
    )
    assert with_env.returncode == 0, with_env.stderr
    assert json.loads(with_env.stdout)["odoo_version"] == 17

    pgpass = home / ".pgpass"
    pgpass.write_text(
        f"127.0.0.1:{pg_cluster.port}:{dbname}:{PgCluster.PW_USER}:{PgCluster.PW_PASSWORD}\n"
    )
    pgpass.chmod(0o600)
    with_file = run_cli("status", "--json", "--db", bare, env=clean)
    assert with_file.returncode == 0, with_file.stderr
    assert PgCluster.PW_PASSWORD not in with_file.stdout + with_file.stderr
