"""The scriptable CLI as a user runs it: a real process, real databases, exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from console.config.sample import BUNDLED_SAMPLE
from testkit.net import free_port
from testkit.pgcluster import PgCluster
from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import OdooDatabases

MAIL_KEYS = {
    "id",
    "state",
    "email_from",
    "email_to",
    "subject",
    "date",
    "scheduled_date",
    "failure_type",
    "failure_reason",
    "model",
    "res_id",
    "mailing_id",
    "failed_at",
    "server",
}


@pytest.mark.parametrize("engine", ["sqlite", "pg"])
@pytest.mark.parametrize("version", [16, 17, 18])
def test_status_and_failed_mails_json(
    odoo_databases: OdooDatabases, engine: str, version: int
) -> None:
    url = odoo_databases.get(engine, version)
    status = run_cli("status", "--json", "--db", url)
    assert status.returncode == 0, status.stderr
    payload = json.loads(status.stdout)
    assert payload["odoo_version"] == version
    assert set(payload["counts"]) >= {"outgoing", "sent", "exception", "cancel", "received"}
    mails = run_cli("mails", "--state", "failed", "--json", "--limit", "1000", "--db", url)
    assert mails.returncode == 0, mails.stderr
    rows = json.loads(mails.stdout)
    assert len(rows) == payload["counts"]["exception"] >= 40
    assert all(set(row) >= MAIL_KEYS and row["state"] == "exception" for row in rows)
    # newest failure first, the id breaking ties: the whole list over pages of 1000
    keys = [(r["failed_at"], r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=True) and all(r["failed_at"] for r in rows)
    assert keys != sorted(keys, key=lambda k: k[1], reverse=True)  # not the id order
    assert all(r["date"] is None or r["date"].endswith("Z") for r in rows)
    assert all(r["server"]["name"] and r["server"]["why"] for r in rows)


def test_text_commands_on_sqlite(odoo_databases: OdooDatabases) -> None:
    url = odoo_databases.get("sqlite", 17)
    for command in ("status", "crons", "campaigns"):
        result = run_cli(command, "--db", url, "--tz", "Europe/Paris")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
    crons = run_cli("crons", "--db", url)
    assert "Mail: Email Queue Manager" in crons.stdout and "OVERDUE" in crons.stdout
    campaigns = run_cli("campaigns", "--db", url)
    assert "HEAD" in campaigns.stdout
    limited = json.loads(run_cli("mails", "--limit", "3", "--json", "--db", url).stdout)
    assert len(limited) == 3


def test_crons_and_campaigns_json(odoo_databases: OdooDatabases) -> None:
    url = odoo_databases.get("pg", 18)
    crons = json.loads(run_cli("crons", "--json", "--db", url).stdout)
    queue = next(c for c in crons if c["xml_id"] == "mail.ir_cron_mail_scheduler_action")
    assert queue["overdue"] is True and queue["running"] is False
    campaigns = json.loads(run_cli("campaigns", "--json", "--db", url).stdout)
    assert campaigns[0]["head"] is True and campaigns[0]["state"] == "sending"


def test_default_is_the_sample_copied_to_the_state_dir(tmp_path: Path) -> None:
    before = hashlib.sha256(BUNDLED_SAMPLE.read_bytes()).hexdigest()
    result = run_cli("status", "--json", env={"XDG_STATE_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["odoo_version"] == 17
    copy = tmp_path / "odoo-mailq" / "sample.sqlite"
    assert copy.is_file()
    assert hashlib.sha256(BUNDLED_SAMPLE.read_bytes()).hexdigest() == before
    # The copy is rebased on today: the queue cron is overdue now, not on the build day.
    crons = json.loads(run_cli("crons", "--json", env={"XDG_STATE_HOME": str(tmp_path)}).stdout)
    queue = next(c for c in crons if c["name"] == "Mail: Email Queue Manager")
    assert queue["overdue"] is True


def test_env_url_is_used(odoo_databases: OdooDatabases) -> None:
    url = odoo_databases.get("sqlite", 16)
    result = run_cli("status", "--json", env={"ODOO_MAILQ_DB": url})
    assert json.loads(result.stdout)["odoo_version"] == 16


def test_odoo_conf_with_password_never_shows_it(
    odoo_databases: OdooDatabases, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    url = odoo_databases.get("pg", 17)
    dbname = url.rsplit("/", 1)[1]
    with pg_cluster.connect("postgres") as connection:
        connection.execute(f'GRANT ALL ON DATABASE "{dbname}" TO {PgCluster.PW_USER}')
    with pg_cluster.connect(dbname) as connection:
        connection.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {PgCluster.PW_USER}")
    conf = tmp_path / "odoo.conf"
    base = (
        "[options]\nadmin_passwd = admin\ndb_host = 127.0.0.1\n"
        f"db_port = {pg_cluster.port}\ndb_user = {PgCluster.PW_USER}\n"
    )
    conf.write_text(base + f"db_password = {PgCluster.PW_PASSWORD}\ndb_name = {dbname}\n")
    result = run_cli("status", "--json", "-c", str(conf))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["odoo_version"] == 17
    assert PgCluster.PW_PASSWORD not in result.stdout
    assert "***" in payload["database"]["url"]

    conf.write_text(base + f"db_password = wrong-{PgCluster.PW_PASSWORD}x\ndb_name = {dbname}\n")
    wrong = run_cli("status", "-c", str(conf))
    line = assert_one_line_error(wrong, "refused the login", PgCluster.PW_USER)
    assert PgCluster.PW_PASSWORD not in line

    conf.write_text(base + f"db_password = {PgCluster.PW_PASSWORD}\ndb_name = a,b\n")
    assert_one_line_error(run_cli("status", "-c", str(conf)), "several databases", "-d")
    picked = run_cli("status", "--json", "-c", str(conf), "-d", dbname)
    assert picked.returncode == 0, picked.stderr


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
def test_bad_inputs_give_one_line_and_exit_2(
    pg_cluster: PgCluster, pg_db_factory: Any, tmp_path: Path
) -> None:
    assert_one_line_error(run_cli("status", "--db", "not a url"), "not a database URL")
    assert_one_line_error(run_cli("status", "--db", "mysql://u@h/db"), "unsupported database")
    assert_one_line_error(
        run_cli("status", "--db", "sqlite:///nowhere/x.sqlite"), "no SQLite database file"
    )
    wrong_pw = pg_cluster.url("postgres", user=PgCluster.PW_USER, password="hunter2-wrong")
    line = assert_one_line_error(run_cli("status", "--db", wrong_pw), "refused the login")
    assert "hunter2" not in line
    closed = f"postgresql://postgres:pw-in-url@127.0.0.1:{free_port()}/odoo"
    line = assert_one_line_error(run_cli("status", "--db", closed), "connection refused")
    assert "pw-in-url" not in line
    assert_one_line_error(
        run_cli("status", "--db", "postgresql://postgres@no-such-host.invalid:5432/odoo"),
        "unknown host",
    )
    empty_pg = pg_db_factory()
    assert_one_line_error(run_cli("status", "--db", empty_pg), "not an Odoo database")
    assert_one_line_error(
        run_cli("status", "--db", pg_cluster.url("no_such_db")), "has no database"
    )
    not_sqlite = tmp_path / "notes.sqlite"
    not_sqlite.write_text("hello, this is not a database\n" * 100)
    assert_one_line_error(
        run_cli("status", "--db", f"sqlite:///{not_sqlite}"), "not an SQLite database"
    )
    other_app = tmp_path / "other.sqlite"
    with sqlite3.connect(other_app) as connection:
        connection.execute("CREATE TABLE customers (id integer)")
    assert_one_line_error(
        run_cli("mails", "--db", f"sqlite:///{other_app}"), "not an Odoo database"
    )
    assert_one_line_error(run_cli("status", "--tz", "Mars/Olympus"), "unknown time zone")
    assert_one_line_error(run_cli("mails", "--state", "weird"), "invalid choice")
    assert_one_line_error(run_cli("mails", "--limit", "0"), "--limit")
    assert_one_line_error(run_cli("status", "-c", str(tmp_path / "missing.conf")), "not found")


def test_old_and_future_odoo_versions_are_refused(tmp_path: Path) -> None:
    from testkit.odoo_dbs import build_sqlite

    url = build_sqlite(tmp_path, 17)
    path = url.removeprefix("sqlite:///")
    for version, fragment in (("15.0.1.3", "Odoo 15.0"), ("saas~20.1.1.3", "saas~20.1")):
        with sqlite3.connect(path) as connection:
            connection.execute(
                "UPDATE ir_module_module SET latest_version = ? WHERE name = 'base'", (version,)
            )
        assert_one_line_error(run_cli("status", "--db", url), fragment, "16 to 19")


def test_a_database_without_mass_mailing_still_works(pg_db_factory: Any) -> None:
    """Odoo with only `mail` installed: no mailing tables, no mail_mail.mailing_id."""
    import psycopg

    from testkit.odoo_dbs import build_postgres

    url = build_postgres(pg_db_factory(), 17)
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        connection.execute("ALTER TABLE mail_mail DROP COLUMN mailing_id")
        connection.execute("DROP TABLE mailing_trace, mailing_mailing CASCADE")
        connection.execute(
            "UPDATE ir_module_module SET state = 'uninstalled' WHERE name LIKE 'mass_mailing%'"
        )
    status = json.loads(run_cli("status", "--json", "--db", url).stdout)
    assert status["database"]["mass_mailing"] is False
    mails = json.loads(run_cli("mails", "--state", "failed", "--json", "--db", url).stdout)
    assert mails and all(m["mailing_id"] is None for m in mails)
    campaigns = run_cli("campaigns", "--db", url)
    assert campaigns.returncode == 0 and "No mass-mailing campaign" in campaigns.stdout
    assert run_cli("mails", "--grep", "acme", "--db", url).returncode == 0


def test_a_test_run_never_writes_the_operators_journal(tmp_path: Path) -> None:
    """The suite's consoles write their journal under the session's private state dir."""
    from console.config.state import state_dir

    assert str(state_dir()).startswith(os.environ["XDG_STATE_HOME"])
    assert not str(state_dir()).startswith(str(Path.home() / ".local" / "state"))


def test_version_says_which_console_this_is() -> None:
    from importlib.metadata import version

    done = run_cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"odoo-mailq {version('odoo-mailq')}"


def test_grep_finds_the_mails_of_a_document_and_still_matches_text(tmp_path: Path) -> None:
    database = tmp_path / "copy.sqlite"
    database.write_bytes(BUNDLED_SAMPLE.read_bytes())
    url = f"sqlite:///{database}"
    with sqlite3.connect(database) as conn:
        expected = [
            row[0]
            for row in conn.execute(
                "SELECT x.id FROM mail_mail x JOIN mail_message m ON m.id = x.mail_message_id "
                "WHERE m.model = 'account.move' AND m.res_id = 1401 ORDER BY x.id DESC"
            )
        ]
        on_model = conn.execute(
            "SELECT count(*) FROM mail_mail x JOIN mail_message m ON m.id = x.mail_message_id "
            "WHERE m.model = 'account.move'"
        ).fetchone()[0]
    assert expected
    for needle in ("account.move,1401", 'account.move,1401 "INV/2026/0042"'):
        found = run_cli("--db", url, "mails", "--json", "--grep", needle)
        assert [m["id"] for m in json.loads(found.stdout)] == expected, needle
    everything = run_cli(
        "--db", url, "mails", "--json", "--limit", "1000", "--grep", "account.move"
    )
    assert len(json.loads(everything.stdout)) == on_model
    # a dotted word that is no model is still text: an address domain
    domain = run_cli(
        "--db", url, "mails", "--json", "--limit", "1000", "--grep", "acme-shop.example"
    )
    assert json.loads(domain.stdout)
