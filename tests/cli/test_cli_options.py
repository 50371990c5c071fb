"""Options that exist before and after the command: both positions work, after wins.

`odoo-mailq --odoo-user admin retry 509` and `odoo-mailq retry 509 --odoo-user admin` must
do the same; a command's own default must never overwrite a value given before it.
Each option is checked through the real CLI by an effect it alone can have.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from testkit.odoo_dbs import build_sqlite
from tests.helpers.cli import run_cli
from tests.helpers.db import sql

Placement = Callable[[list[str], str, list[str]], list[str]]


def before(option: list[str], command: str, rest: list[str]) -> list[str]:
    return [*option, command, *rest]


def after(option: list[str], command: str, rest: list[str]) -> list[str]:
    return [command, *rest, *option]


PLACES = pytest.mark.parametrize("place", [before, after], ids=["before", "after"])


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Path]:
    url = build_sqlite(tmp_path, 17)
    return url, Path(url.removeprefix("sqlite:///"))


def a_failed_mail(path: Path) -> int:
    return int(sql(path, "SELECT min(id) FROM mail_mail WHERE state = 'exception'")[0][0])


@PLACES
def test_odoo_user_and_journal_reach_the_write(
    place: Placement, db: tuple[str, Path], tmp_path: Path
) -> None:
    url, path = db
    mail_id = a_failed_mail(path)
    journal = tmp_path / "chosen.jsonl"
    state = tmp_path / "state"
    argv = place(
        ["--odoo-user", "admin", "--journal", str(journal)],
        "retry",
        [str(mail_id), "--yes", "--db", url],
    )
    done = run_cli(*argv, env={"XDG_STATE_HOME": str(state)})
    assert done.returncode == 0, done.stderr
    admin = sql(path, "SELECT id FROM res_users WHERE login = 'admin'")[0][0]
    assert admin != 1
    assert sql(path, "SELECT write_uid FROM mail_mail WHERE id = ?", mail_id) == [(admin,)]
    (line,) = journal.read_text().splitlines()
    assert json.loads(line)["odoo_uid"] == admin and json.loads(line)["ids"] == [mail_id]
    assert not (state / "odoo-mailq" / "journal.jsonl").exists()  # not the default file


def test_the_value_after_the_command_wins(db: tuple[str, Path], tmp_path: Path) -> None:
    url, path = db
    mail_id = a_failed_mail(path)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    done = run_cli(
        "--odoo-user",
        "nobody-such",
        "--journal",
        str(first),
        "retry",
        str(mail_id),
        "--yes",
        "--db",
        url,
        "--odoo-user",
        "admin",
        "--journal",
        str(second),
    )
    assert done.returncode == 0, done.stderr
    assert second.is_file() and not first.exists()
    admin = sql(path, "SELECT id FROM res_users WHERE login = 'admin'")[0][0]
    assert sql(path, "SELECT write_uid FROM mail_mail WHERE id = ?", mail_id) == [(admin,)]


@PLACES
def test_journal_of_every_command_that_has_it(
    place: Placement, db: tuple[str, Path], tmp_path: Path
) -> None:
    url, path = db
    journal = tmp_path / "j.jsonl"
    mail_id = a_failed_mail(path)
    retried = run_cli("retry", str(mail_id), "--yes", "--db", url, "--journal", str(journal))
    assert retried.returncode == 0, retried.stderr
    option = ["--journal", str(journal)]
    state = {"XDG_STATE_HOME": str(tmp_path / "empty-state")}
    audit = run_cli(*place(option, "audit", ["--json"]), env=state)
    assert audit.returncode == 0, audit.stderr
    assert [e["ids"] for e in json.loads(audit.stdout)] == [[mail_id]]
    undone = run_cli(*place(option, "undo", ["--yes", "--db", url]), env=state)
    assert undone.returncode == 0, undone.stderr
    assert sql(path, "SELECT state FROM mail_mail WHERE id = ?", mail_id) == [("exception",)]
    out = tmp_path / "bundle"
    bundle = run_cli(*place(option, "bundle", ["-o", str(out), "--db", url, "--eml", "0"]))
    assert bundle.returncode == 0, bundle.stderr
    report = json.loads((out / "report.json").read_text())
    assert [e["action"] for e in report["journal"]] == ["undo", "retry"]


@PLACES
def test_log_reaches_the_logs_command(place: Placement, tmp_path: Path) -> None:
    log = tmp_path / "odoo.log"
    log.write_text(
        "2026-11-27 08:00:01,000 42 INFO prod odoo.addons.mail.models.mail_mail: "
        "Mail with ID 7 and Message-Id '<x@y>' successfully sent\n"
    )
    done = run_cli(*place(["--log", str(log)], "logs", []), env={"HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "Mail with ID 7 " in done.stdout


@PLACES
def test_daily_limit_reaches_doctor_and_check(place: Placement, db: tuple[str, Path]) -> None:
    url, _ = db
    option = ["--daily-limit", "3"]
    check = run_cli(*place(option, "check", ["--db", url]))
    assert re.search(r"volume_24h=\d+;\d+;3\b", check.stdout), check.stdout
    doctor = run_cli(*place(option, "doctor", ["--json", "--db", url]))
    assert doctor.returncode == 1, doctor.stderr  # the sample has findings
    names = {c.get("name") or c.get("id") for c in json.loads(doctor.stdout)["checks"]}
    assert "daily_volume" in names


@PLACES
@pytest.mark.parametrize(
    "option, fragment",
    [
        (["--concurrency", "0"], "--concurrency"),
        (["--server-concurrency", "smtp.example.com=x"], "--server-concurrency"),
    ],
)
def test_send_options_reach_send(
    place: Placement, option: list[str], fragment: str, db: tuple[str, Path]
) -> None:
    url, _ = db
    done = run_cli(*place(option, "send", ["--grep", "no-such-text-anywhere", "--db", url]))
    assert done.returncode == 2 and fragment in done.stderr, done.stderr


@PLACES
def test_connection_options_in_both_places(
    place: Placement, db: tuple[str, Path], tmp_path: Path
) -> None:
    url, path = db
    status = run_cli(*place(["--db", url], "status", ["--json"]))
    assert json.loads(status.stdout)["database"]["url"].endswith(path.name)
    mail_id = a_failed_mail(path)
    journal = str(tmp_path / "j.jsonl")
    refused = run_cli(
        *place(["--read-only"], "retry", [str(mail_id), "--yes", "--db", url, "--journal", journal])
    )
    assert refused.returncode == 2 and "read-only" in refused.stderr.lower()
    zone = run_cli(*place(["--tz", "Mars/Olympus"], "status", ["--db", url]))
    assert zone.returncode == 2 and "Mars/Olympus" in zone.stderr
    timeout = run_cli(*place(["--statement-timeout", "-1"], "status", ["--db", url]))
    assert timeout.returncode == 2 and "--statement-timeout" in timeout.stderr
