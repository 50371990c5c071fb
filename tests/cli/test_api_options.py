"""The options of a connection over Odoo's external API, refused in one line before any
request: the key never on the command line, a key file only its owner reads, --url with
--odoo-db and --login, not together with a database."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers.cli import run_cli

API = ("--url", "http://127.0.0.1:9", "--odoo-db", "acme", "--login", "admin")


def test_the_key_comes_from_the_environment_a_private_file_or_nowhere(tmp_path: Path) -> None:
    no_key = run_cli("status", *API)
    assert no_key.returncode == 2 and no_key.stderr.count("\n") == 1
    assert "ODOO_MAILQ_API_KEY" in no_key.stderr
    shared = tmp_path / "shared.key"
    shared.write_text("s3cr3t-key\n")
    shared.chmod(0o644)
    loose = run_cli("status", *API, "--api-key-file", str(shared))
    assert loose.returncode == 2 and "chmod 600" in loose.stderr
    assert "s3cr3t-key" not in loose.stderr
    private = tmp_path / "private.key"
    private.write_text("s3cr3t-key\n")
    os.chmod(private, 0o600)
    unreachable = run_cli("status", *API, "--api-key-file", str(private))
    assert unreachable.returncode == 2 and "Cannot reach http://127.0.0.1:9" in unreachable.stderr
    assert "s3cr3t-key" not in unreachable.stderr + unreachable.stdout
    from_env = run_cli("status", *API, env={"ODOO_MAILQ_API_KEY": "s3cr3t-key"})
    assert from_env.returncode == 2 and "Cannot reach" in from_env.stderr


def test_url_needs_its_partners_and_excludes_a_database() -> None:
    env = {"ODOO_MAILQ_API_KEY": "k"}
    alone = run_cli("status", "--url", "http://127.0.0.1:9", env=env)
    assert alone.returncode == 2 and "--odoo-db NAME and --login LOGIN" in alone.stderr
    both = run_cli("status", *API, "--db", "sqlite:///x.sqlite", env=env)
    assert both.returncode == 2 and "not both" in both.stderr
    scheme = run_cli("status", "--url", "ftp://x", "--odoo-db", "a", "--login", "b", env=env)
    assert scheme.returncode == 2 and "https://" in scheme.stderr
    stray = run_cli("status", "--login", "admin")
    assert stray.returncode == 2 and "go with --url" in stray.stderr


def test_the_server_log_is_out_of_reach_over_the_api_unless_given(tmp_path: Path) -> None:
    """Odoo's log files are on its server: over the API `logs` says so (no request made),
    and reads a copy given with --log."""
    refused = run_cli("logs", *API, env={"ODOO_MAILQ_API_KEY": "k"})
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "out of reach over its external API" in refused.stderr and "--log" in refused.stderr
    copy = tmp_path / "odoo.log"
    copy.write_text(
        "2026-12-05 03:00:00,000 4242 ERROR acme odoo.addons.mail.models.mail_mail: "
        "Mail delivery failed via SMTP server 'smtp.acme.example'.\n"
    )
    given = run_cli("logs", *API, "--log", str(copy), env={"ODOO_MAILQ_API_KEY": "k"})
    assert given.returncode == 0, given.stderr
    assert "Mail delivery failed" in given.stdout
