"""`odoo-mailq metrics`: scraped over real HTTP and read by prometheus_client's parsers
(text format and OpenMetrics), every value against what `status`, `causes`, `bounces`,
`crons`, `campaigns` and `check` say of the same database; the textfile; refused input."""

from __future__ import annotations

import json
import re
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import OdooDatabases
from tests.helpers.metrics import Samples, exporter, names, parse, value

QUEUE_CRON = "mail.ir_cron_mail_scheduler_action"
CLOCK_SERIES = {
    "odoo_mailq_scrape_duration_seconds",
    "odoo_mailq_oldest_due_mail_age_seconds",
    "odoo_mailq_queue_cron_late_seconds",
    "odoo_mailq_campaign_head_stuck_seconds",
}


def cli_json(*args: str) -> Any:
    result = run_cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def seconds_since(stamp: str) -> float:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (datetime.now(UTC) - moment).total_seconds()


def assert_matches_the_cli(samples: Samples, url: str, label: str, *, running_known: bool) -> None:
    """Every exported value equals what the read commands say of the same database."""
    db = ("--db", url)
    status = cli_json("status", *db)
    assert value(samples, "odoo_mailq_up", database=label) == 1
    assert value(samples, "odoo_mailq_scrape_errors_total", database=label) == 0
    assert value(samples, "odoo_mailq_info", database=label, odoo_version="17.0") == 1
    for state, count in status["counts"].items():
        assert value(samples, "odoo_mailq_mails", database=label, state=state) == count
    envelopes = status["envelopes"]
    assert value(samples, "odoo_mailq_red_envelopes", database=label) == envelopes["messages"]
    assert (
        value(samples, "odoo_mailq_red_envelope_recipients", database=label)
        == envelopes["recipients"]
    )
    assert value(samples, "odoo_mailq_red_envelope_bounced", database=label) == envelopes["bounced"]
    scheduled = value(samples, "odoo_mailq_scheduled_mails", database=label)
    assert scheduled == status["scheduled_future"]
    age = value(samples, "odoo_mailq_oldest_due_mail_age_seconds", database=label)
    assert age is not None and abs(age - seconds_since(status["oldest_due_outgoing"])) < 120

    causes = cli_json("causes", "--limit", "1000", *db)
    assert causes, "the scenario has failed mails"
    for cause in causes:
        exported = value(
            samples, "odoo_mailq_failed_mails_by_cause", database=label, key=cause["key"]
        )
        assert exported == cause["count"], cause
        assert (
            value(
                samples,
                "odoo_mailq_failed_mails_by_cause",
                database=label,
                key=cause["key"],
                title=cause["title"],
            )
            == cause["count"]
        )
    for klass in ("transient", "permanent-recipient", "configuration", "unrecognised"):
        expected = sum(c["count"] for c in causes if c["class"] == klass)
        by_class = {"database": label, "class": klass}
        assert value(samples, "odoo_mailq_failed_mails_by_class", **by_class) == expected
    assert sum(c["count"] for c in causes) == status["counts"]["exception"]

    bounces = cli_json("bounces", *db)
    for window, key in (("24h", "last_24h"), ("7d", "last_7d")):
        assert (
            value(samples, "odoo_mailq_bounced_mails", database=label, window=window)
            == (bounces[key]["bounced"])
        )
        assert (
            value(samples, "odoo_mailq_accepted_mails", database=label, window=window)
            == (bounces[key]["sent"])
        )

    check = run_cli("check", "--daily-limit", "500", *db)
    volume = re.search(r"volume_24h=(\d+);", check.stdout)
    assert volume, check.stdout
    assert value(samples, "odoo_mailq_sent_mails_24h", database=label) == int(volume.group(1))
    assert value(samples, "odoo_mailq_daily_limit_mails", database=label) == 500

    cron = next(c for c in cli_json("crons", *db) if c["xml_id"] == QUEUE_CRON)
    assert value(samples, "odoo_mailq_queue_cron_active", database=label) == 1 == cron["active"]
    late = value(samples, "odoo_mailq_queue_cron_late_seconds", database=label)
    assert cron["overdue"] and late is not None
    assert abs(late - seconds_since(cron["nextcall"])) < 120
    running = value(samples, "odoo_mailq_queue_cron_running", database=label)
    assert running == (0 if running_known else None)

    head = next(c for c in cli_json("campaigns", *db) if c["head"])
    assert head["state"] == "sending"  # the scenario's stuck Black Friday campaign
    stuck = value(samples, "odoo_mailq_campaign_head_stuck_seconds", database=label)
    assert stuck is not None and abs(stuck - seconds_since(head["last_trace_at"])) < 120


@pytest.mark.parametrize("engine", ["sqlite", "pg"])
def test_a_scrape_says_what_the_read_commands_say(
    odoo_databases: OdooDatabases, engine: str
) -> None:
    url = odoo_databases.get(engine, 17)
    with exporter("--db", url, "--daily-limit", "500", "--label", "shop") as running:
        content_type, body = running.scrape()
        assert content_type.startswith("text/plain; version=0.0.4")
        om_type, om_body = running.scrape(openmetrics=True)
        assert om_type.startswith("application/openmetrics-text")
        assert om_body.rstrip().endswith("# EOF")
    text_samples = parse(body)
    assert_matches_the_cli(text_samples, url, "shop", running_known=engine == "pg")
    om_samples = parse(om_body, openmetrics=True)
    for key, number in text_samples.items():  # the same figures in both formats
        if key[0] in CLOCK_SERIES:  # ages move between the two scrapes
            assert abs(om_samples[key] - number) < 60, key
        else:
            assert om_samples[key] == number, key
    assert {labels for _name, labels in text_samples} == {ls for _n, ls in om_samples}
    assert "Traceback" not in running.stderr


def test_the_textfile_for_node_exporter(odoo_databases: OdooDatabases, tmp_path: Path) -> None:
    url = odoo_databases.get("sqlite", 17)
    target = tmp_path / "odoo_mailq.prom"
    target.write_text("old content\n")
    result = run_cli("metrics", "--db", url, "--textfile", str(target), "--daily-limit", "500")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert [p.name for p in tmp_path.iterdir()] == ["odoo_mailq.prom"]  # no temporary left
    samples = parse(target.read_text())
    label = Path(url.removeprefix("sqlite:///")).name
    assert_matches_the_cli(samples, url, label, running_known=False)


def test_a_database_that_is_down_is_up_0_in_the_textfile(tmp_path: Path) -> None:
    port = socket.socket()
    port.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    try:
        number = port.getsockname()[1]
        url = f"postgresql://odoo:s3cret-pw@127.0.0.1:{number}/shop"
        target = tmp_path / "down.prom"
        result = run_cli("metrics", "--db", url, "--textfile", str(target))
    finally:
        port.close()
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "database shop is down" in lines[0], result.stderr
    assert "connection refused" in lines[0]
    assert "s3cret-pw" not in result.stderr + target.read_text()
    samples = parse(target.read_text())
    assert value(samples, "odoo_mailq_up", database="shop") == 0
    assert value(samples, "odoo_mailq_scrape_errors_total", database="shop") == 1
    assert names(samples) == {
        "odoo_mailq_up",
        "odoo_mailq_scrape_errors_total",
        "odoo_mailq_scrape_duration_seconds",
    }


@pytest.fixture
def busy_port() -> Any:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


def test_a_port_in_use_is_one_line(busy_port: int, odoo_databases: OdooDatabases) -> None:
    url = odoo_databases.get("sqlite", 17)
    result = run_cli("metrics", "--db", url, "--listen", f"127.0.0.1:{busy_port}")
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{busy_port}", "in use")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--listen", "9877"], ["expected HOST:PORT"]),
        (["--listen", "127.0.0.1:99999"], ["expected HOST:PORT"]),
        (["--listen", "::1:9877"], ["expected HOST:PORT", "[::1]:9877"]),
        (["--listen", "no-such-host.invalid:9877"], ["cannot listen on no-such-host.invalid"]),
        (["--listen", "127.0.0.1:9877", "--textfile", "x.prom"], ["not allowed with"]),
        ([], ["one of the arguments --listen --textfile is required"]),
        (["--textfile", "/nonexistent-dir/x.prom"], ["cannot write /nonexistent-dir/x.prom"]),
        (["--textfile", "/"], ["is a directory"]),
        (["--textfile", "x.prom", "--max-causes", "0"], ["--max-causes must be at least 1"]),
        (["--textfile", "x.prom", "--scrape-timeout", "0"], ["--scrape-timeout"]),
        (["--textfile", "x.prom", "--daily-limit", "0"], ["--daily-limit must be at least 1"]),
        (["--textfile", "x.prom", "--json"], ["metrics has no --json"]),
    ],
)
def test_bad_input_is_one_line(
    odoo_databases: OdooDatabases, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    url = odoo_databases.get("sqlite", 17)
    args = [str(tmp_path / a) if a == "x.prom" else a for a in args]
    result = run_cli("metrics", "--db", url, *args)
    assert_one_line_error(result, *fragments)
    assert not (tmp_path / "x.prom").exists()


def test_a_textfile_under_a_file_is_one_line(odoo_databases: OdooDatabases, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    url = odoo_databases.get("sqlite", 17)
    result = run_cli("metrics", "--db", url, "--textfile", str(blocker / "x.prom"))
    assert_one_line_error(result, f"cannot write {blocker / 'x.prom'}", "not a directory")
