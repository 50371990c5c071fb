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


NIGHT = """
[profiles.night]
read_only = true
tz = "Asia/Tokyo"
daily_limit = 5
concurrency = 4
server_concurrency = { "Office 365" = 3, "smtp.example" = 2 }
"""


def test_a_profile_sets_zone_limits_and_a_read_only_default_the_command_line_lifts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(NIGHT)
    env = {"ODOO_MAILQ_CONFIG": str(path)}
    listed = run_cli("mails", "--limit", "1", "--profile", "night", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "times in Asia/Tokyo" in listed.stdout
    assert "times in UTC" in run_cli("mails", "--limit", "1", "--tz", "UTC", "--profile",
                                     "night", env=env).stdout  # fmt: skip
    doctor = json.loads(run_cli("doctor", "--json", "--profile", "night", env=env).stdout)
    daily = next(check for check in doctor["checks"] if check["id"] == "daily_volume")
    assert "/5)" in daily["summary"]
    status = run_cli("status", "--json", "--profile", "night", env=env)
    assert json.loads(status.stdout)["database"]["read_only"] is True
    lifted = run_cli("status", "--json", "--no-read-only", "--profile", "night", env=env)
    assert json.loads(lifted.stdout)["database"]["read_only"] is False


def test_a_profiles_smtp_concurrency_reaches_send_now(tmp_path: Path) -> None:
    from console.cli.api_options import apply_profile
    from console.cli.main import parse_arguments
    from console.cli.send_options import send_policy

    path = tmp_path / "config.toml"
    path.write_text(NIGHT)
    env = {"ODOO_MAILQ_CONFIG": str(path)}
    args = parse_arguments(["send", "7", "--profile", "night"])
    apply_profile(args, env)
    policy = send_policy(args, {})
    assert policy.default == 4
    assert policy.limit_for("Office 365", "smtp.office365.com").limit == 3
    assert policy.limit_for(None, "smtp.example").limit == 2
    given = parse_arguments(["send", "7", "--concurrency", "9", "--profile", "night"])
    apply_profile(given, env)
    assert send_policy(given, {}).default == 9  # the command line wins


def test_secrets_only_in_a_file_its_owner_alone_reads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.online]\nurl = "http://127.0.0.1:9"\nodoo_db = "acme"\n'
        'login = "admin@acme.example"\napi_key = "s3cr3t-key"\n\n'
        '[profiles.pg]\ndb = "postgresql://odoo:hunter2@127.0.0.1:9/prod"\n'
    )
    env = {"ODOO_MAILQ_CONFIG": str(path)}
    os.chmod(path, 0o640)
    refused = run_cli("status", "--profile", "online", env=env)
    assert_one_line_error(refused, "others can read the file", "chmod 600")
    assert_one_line_error(run_cli("status", "--profile", "pg", env=env), "password in its db URL")
    os.chmod(path, 0o600)
    online = run_cli("status", "--profile", "online", env=env)
    assert_one_line_error(online, "Cannot reach http://127.0.0.1:9")  # past the key check
    database = run_cli("status", "--profile", "pg", env=env)
    assert database.returncode == 2 and "Traceback" not in database.stderr
    for result in (refused, online, database):
        assert "s3cr3t-key" not in result.stdout + result.stderr
        assert "hunter2" not in result.stdout + result.stderr
    path.write_text('[profiles.x]\npassword = "hunter2"\n')
    assert_one_line_error(run_cli("status", "--profile", "x", env=env), "holds 'password'")


def test_a_wrong_keymap_stops_the_console_before_it_opens(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    env = {"ODOO_MAILQ_CONFIG": str(path)}
    for keymap, fragment in (
        ('"mail.retyr" = "ctrl+r"', "no key binding 'mail.retyr'"),
        ('"mail.retry" = "ctlr+r"', "'ctlr+r' is not a key"),
        ('"mail.retry" = "c"', "would take both"),
        ('"mail.retry" = 3', "must be a key"),
    ):
        path.write_text(f"[keymap]\n{keymap}\n")
        assert_one_line_error(run_cli(env=env), "[keymap]", fragment)
