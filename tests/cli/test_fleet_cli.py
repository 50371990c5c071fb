"""`odoo-mailq fleet` and `check --all-databases`, run as an operator runs them, on a real
server with several Odoo databases and some that are not (tests/helpers/fleet.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.fleet import FleetServer

ODOO = ["fleet_acme", "fleet_brick", "fleet_crane", "fleet_delta"]


def test_fleet_json_has_a_row_per_odoo_database_and_the_skipped_ones_with_why(
    fleet_server: FleetServer,
) -> None:
    done = run_cli("fleet", "--json", "--db", fleet_server.url)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    rows = {row["database"]: row for row in payload["databases"]}
    assert sorted(rows) == sorted([*ODOO, "fleet_locked"])
    assert rows["fleet_crane"]["odoo_version"] == "18.0"
    assert rows["fleet_crane"]["status"] == "CRITICAL"
    assert rows["fleet_delta"]["status"] == "OK"
    assert rows["fleet_delta"]["queue_cron"]["active"] is True
    assert rows["fleet_brick"]["queue_cron"]["late_s"] >= 3 * 3600
    assert rows["fleet_locked"]["status"] == "UNKNOWN" and rows["fleet_locked"]["error"]
    skipped = {s["database"]: s["reason"] for s in payload["skipped"]}
    assert skipped == {"fleet_notodoo": "not_odoo", "fleet_old": "unsupported_version"}
    # health first by default: the worst on top, the healthy one last
    assert payload["databases"][-1]["database"] == "fleet_delta"


def test_fleet_sorts_by_the_column_asked(fleet_server: FleetServer) -> None:
    done = run_cli("fleet", "--json", "--sort", "name", "--db", fleet_server.url)
    names = [row["database"] for row in json.loads(done.stdout)["databases"]]
    assert names == sorted(names)
    done = run_cli("fleet", "--json", "--sort", "failed", "--db", fleet_server.url)
    failed = [row["failed"] for row in json.loads(done.stdout)["databases"] if not row["error"]]
    assert failed == sorted(failed, reverse=True) and failed[0] > failed[-1]


def test_fleet_text_from_an_odoo_conf_never_shows_its_password(
    fleet_server: FleetServer, tmp_path: Path
) -> None:
    conf = tmp_path / "odoo.conf"
    conf.write_text(fleet_server.odoo_conf())
    done = run_cli("fleet", "-c", str(conf))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Server mailq_fleet@")
    header = next(line for line in lines if line.startswith("DATABASE"))
    assert header.split() == ["DATABASE", "VER", "OUT", "FAILED", "RED", "OLDEST", "CRON", "HEALTH"]
    assert any(line.startswith("fleet_delta ") and "✔ ok" in line for line in lines)
    assert any(line.startswith("skipped fleet_notodoo (not_odoo)") for line in lines)
    assert "fleet-secret-pw" not in done.stdout + done.stderr


def test_check_all_databases_prints_a_line_per_database_and_exits_with_the_worst(
    fleet_server: FleetServer,
) -> None:
    done = run_cli("check", "--all-databases", "--db", fleet_server.url + "fleet_delta")
    assert done.returncode == 2, done.stdout  # crane is CRITICAL
    lines = done.stdout.splitlines()
    assert lines[0].startswith("MAILQ CRITICAL - 5 databases")
    text, _, perf_first = lines[len(ODOO) + 1].partition(" | ")
    per_database = lines[1 : len(ODOO) + 2]
    assert sorted(line.split()[0] for line in per_database) == sorted([*ODOO, "fleet_locked"])
    assert any(re.match(r"fleet_delta OK - ", line) for line in per_database)
    assert any(re.match(r"fleet_locked UNKNOWN - .*CONNECT", line) for line in per_database)
    perf = [perf_first, *lines[len(ODOO) + 2 :]]
    assert len(perf) == len(ODOO)  # one perfdata line per database read
    assert "fleet_crane:failed=118;10;50" in " ".join(perf)
    assert all(label.split(":")[0] in ODOO for line in perf for label in line.split())
    assert text  # the last database's own line stays before the perfdata


def test_check_all_databases_thresholds_decide_each_line(fleet_server: FleetServer) -> None:
    done = run_cli(
        "check", "--all-databases", "--warn-failed", "500", "--crit-failed", "1000",
        "--db", fleet_server.url,
    )  # fmt: skip
    assert "fleet_crane:failed=118;500;1000" in done.stdout


def test_check_all_databases_is_unknown_when_the_server_cannot_be_reached() -> None:
    done = run_cli("check", "--all-databases", "--db", "postgresql://nobody@127.0.0.1:1/")
    assert done.returncode == 3
    assert done.stdout.startswith("MAILQ UNKNOWN - ")
    assert "Traceback" not in done.stderr


def test_fleet_without_a_server_says_so_in_one_line() -> None:
    assert_one_line_error(run_cli("fleet"), "needs a PostgreSQL server")
    assert_one_line_error(run_cli("fleet", "--db", "sqlite:///x.sqlite"), "PostgreSQL")


def test_check_all_databases_json_has_each_database_and_the_worst_code(
    fleet_server: FleetServer,
) -> None:
    done = run_cli("check", "--all-databases", "--json", "--db", fleet_server.url)
    payload = json.loads(done.stdout)
    assert done.returncode == payload["code"] == 2 and payload["status"] == "CRITICAL"
    codes = {row["database"]: row["code"] for row in payload["databases"]}
    assert codes["fleet_delta"] == 0 and codes["fleet_crane"] == 2 and codes["fleet_locked"] == 3
    assert {s["database"] for s in payload["skipped"]} == {"fleet_notodoo", "fleet_old"}
