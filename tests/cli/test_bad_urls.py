"""Malformed connection targets: one line on stderr, exit 2, before any screen opens.

The TUI path (no command) checks the target before App.run(), without loading SQLAlchemy;
the commands check it again when they parse it. Both are run here as a user runs them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from console.config.url_check import check_db_url
from console.domain.errors import UsageError
from tests.helpers.cli import run_cli

BAD_URLS = [
    ("postgresql://u@host:notaport/db", "the port 'notaport' is not a number"),
    ("postgresql://u@host:99999/db", "port 99999 is out of range"),
    ("postgresql://u@host:0/db", "port 0 is out of range"),
    ("postgresql://u@host:-1/db", "the port '-1' is not a number"),
    ("postgresql://u@:5432/db", "the URL gives port 5432 but no host"),
    ("postgresql:///db?host=/tmp&port=abc", "the port 'abc' is not a number"),
    ("postgresql://u@[::1/db", "unclosed ["),
    ("mysql://u@host/db", "unsupported database 'mysql'"),
    ("postgresql+asyncpg://u@host/db", "unsupported driver 'asyncpg'"),
    ("postgresql://u:pa%zzword@host/db", "bad percent-encoding in the password"),
    ("postgresql://u%G1@host/db", "bad percent-encoding in the user name"),
    ("postgresql://u@host/d%b", "bad percent-encoding in the database name"),
    ("not a url", "not a database URL"),
]


def assert_one_line_before_any_screen(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""  # no screen was drawn, no escape sequence written
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and text in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "pa%zzword" not in result.stderr


@pytest.mark.parametrize("url, text", BAD_URLS, ids=[u for u, _ in BAD_URLS])
def test_a_malformed_url_is_one_line_for_the_tui_and_a_command(url: str, text: str) -> None:
    assert_one_line_before_any_screen(run_cli("--db", url), f"--db: {text}")
    assert_one_line_before_any_screen(run_cli("status", "--db", url), f"--db: {text}")
    from_env = run_cli(env={"ODOO_MAILQ_DB": url})
    assert_one_line_before_any_screen(from_env, f"$ODOO_MAILQ_DB: {text}")


@pytest.mark.parametrize(
    "options, text",
    [
        ("db_port = abc\ndb_name = x\n", "db_port = 'abc' is not a number"),
        ("db_port = 70000\ndb_name = x\n", "db_port = 70000 is out of range"),
        ("smtp_port = 25x\ndb_name = x\n", "smtp_port = '25x' is not a number"),
        ("db_name = postgresql://u@h:port/x\n", "db_name: the port 'port' is not a number"),
    ],
)
def test_a_malformed_odoo_conf_is_one_line_for_the_tui_and_a_command(
    tmp_path: Path, options: str, text: str
) -> None:
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\n" + options)
    assert_one_line_before_any_screen(run_cli("-c", str(conf)), text)
    assert_one_line_before_any_screen(run_cli("status", "-c", str(conf)), text)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://odoo@dbhost:5432/acme",
        "postgresql://odoo:p%40ss%25w@dbhost/acme",
        "postgres://odoo@[::1]:5432/acme",
        "postgresql+psycopg2://odoo@dbhost/acme",
        "postgresql://odoo@/acme?host=/var/run/postgresql&port=5433",
        "postgresql:///acme",
        "sqlite:///relative/copy.sqlite",
        "sqlite:////abs/100%25.sqlite",
    ],
)
def test_well_formed_urls_pass_the_shape_check(url: str) -> None:
    from sqlalchemy.engine import make_url

    make_url(url)  # SQLAlchemy parses it too
    assert check_db_url(url, "--db") in ("postgresql", "sqlite")


def test_the_password_is_never_in_the_message() -> None:
    with pytest.raises(UsageError) as raised:
        check_db_url("postgresql://u:hunter%2@h/db", "--db")
    assert "hunter" not in str(raised.value)
