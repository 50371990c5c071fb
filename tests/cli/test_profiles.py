"""Named connection profiles from the configuration file (``--profile NAME`` or
``$ODOO_MAILQ_PROFILE``): they fill in what the command line leaves out, never hold a
secret, and every mistake in them is one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.helpers.cli import assert_one_line_error, run_cli

CONFIG = """
[profiles.sample-ro]
read_only = true

[profiles.online]
url = "http://127.0.0.1:9"
odoo_db = "acme"
login = "admin@acme.example"
api_key_file = "{key_file}"

[profiles.leaky]
url = "https://acme.odoo.com"
api_key = "s3cr3t"

[profiles.pgpass-please]
db = "postgresql://odoo:hunter2@db.example/prod"

[profiles.typo]
read_onyl = true
"""


def config(tmp_path: Path) -> dict[str, str]:
    key_file = tmp_path / "online.key"
    key_file.write_text("k3y-from-file\n")
    os.chmod(key_file, 0o600)
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(key_file=key_file))
    return {"ODOO_MAILQ_CONFIG": str(path)}


def test_a_profile_fills_in_the_connection_and_the_command_line_wins(tmp_path: Path) -> None:
    env = config(tmp_path)
    status = run_cli("status", "--json", "--profile", "sample-ro", env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["database"]["read_only"] is True
    refused = run_cli("retry", "1", "--yes", "--profile", "sample-ro", env=env)
    assert_one_line_error(refused, "Read-only session")
    online = run_cli("status", env={**env, "ODOO_MAILQ_PROFILE": "online"})
    assert_one_line_error(online, "Cannot reach http://127.0.0.1:9")  # its URL, its key file
    assert "k3y-from-file" not in online.stdout + online.stderr
    elsewhere = ("--url", "http://127.0.0.1:8", "--odoo-db", "other", "--login", "me")
    other = run_cli("status", "--profile", "online", *elsewhere,
                    env={**env, "ODOO_MAILQ_API_KEY": "k"})  # fmt: skip
    assert_one_line_error(other, "Cannot reach http://127.0.0.1:8")  # a target given here wins


def test_mistakes_in_the_configuration_are_one_line(tmp_path: Path) -> None:
    env = config(tmp_path)
    leaky = run_cli("status", "--profile", "leaky", env=env)
    assert_one_line_error(leaky, "holds a secret (api_key)", "api_key_file")
    assert "s3cr3t" not in leaky.stderr
    pgpass = run_cli("status", "--profile", "pgpass-please", env=env)
    assert_one_line_error(pgpass, "password in its db URL", "~/.pgpass")
    assert "hunter2" not in pgpass.stderr
    assert_one_line_error(run_cli("status", "--profile", "typo", env=env), "'read_onyl'")
    unknown = run_cli("status", "--profile", "nope", env=env)
    assert_one_line_error(unknown, "No profile 'nope'", "online", "sample-ro")
    broken = tmp_path / "broken.toml"
    broken.write_text("[profiles.x\n")
    bad = run_cli("status", "--profile", "x", env={"ODOO_MAILQ_CONFIG": str(broken)})
    assert_one_line_error(bad, "not valid TOML")
    missing = run_cli("status", "--profile", "x", env={"XDG_CONFIG_HOME": str(tmp_path / "no")})
    assert_one_line_error(missing, "No configuration file", "config.toml")
