"""`metrics --all-databases`: the exporter over every Odoo database of a server, as the
fleet lists them, each labelled with its name; the list made again as databases come
and go."""

from __future__ import annotations

import json
from pathlib import Path

from console.cli.metrics import _fleet_targets
from console.config.connection import ConnectionSettings
from console.services.metrics_targets import MetricsCollector
from tests.helpers.cli import run_cli
from tests.helpers.fleet import ROLE, FleetServer
from tests.helpers.metrics import parse, value


def labels_of(samples: dict[tuple[str, frozenset[tuple[str, str]]], float]) -> set[str]:
    return {dict(labels)["database"] for name, labels in samples if name == "odoo_mailq_up"}


def test_every_database_of_the_fleet_is_exported_with_the_fleets_numbers(
    fleet_server: FleetServer, tmp_path: Path
) -> None:
    fleet = run_cli("fleet", "--json", "--db", fleet_server.url)
    assert fleet.returncode == 0, fleet.stderr
    rows = {row["database"]: row for row in json.loads(fleet.stdout)["databases"]}
    target = tmp_path / "fleet.prom"
    result = run_cli("metrics", "--all-databases", "--db", fleet_server.url,
                     "--textfile", str(target))  # fmt: skip
    assert result.returncode == 0, result.stderr
    samples = parse(target.read_text())
    assert labels_of(samples) == set(rows)  # not the skipped ones (not Odoo, version 15)
    for name, row in rows.items():
        up = value(samples, "odoo_mailq_up", database=name)
        assert up == (0 if row["error"] else 1), name
        if row["error"]:
            continue
        mails = value(samples, "odoo_mailq_mails", database=name, state="outgoing")
        assert mails == row["outgoing"]
        assert value(samples, "odoo_mailq_mails", database=name, state="exception") == row["failed"]
        assert value(samples, "odoo_mailq_red_envelopes", database=name) == row["red_envelopes"]
    refused = run_cli("metrics", "--all-databases", "--label", "x", "--db", fleet_server.url,
                      "--textfile", str(target))  # fmt: skip
    assert refused.returncode == 2 and "--label names one database" in refused.stderr


def test_a_database_created_or_dropped_shows_at_the_next_listing(
    fleet_server: FleetServer,
) -> None:
    settings = ConnectionSettings(db_url=fleet_server.url, read_only=True)
    discover = _fleet_targets(settings, None, None)
    collector = MetricsCollector(discover(), discover=discover, rediscover_seconds=0)
    try:
        before = {reading.target.label for reading in collector.scrape()}
        assert "fleet_echo" not in before and "fleet_brick" in before
        with fleet_server.cluster.connect() as conn:
            conn.execute(f"CREATE DATABASE fleet_echo OWNER {ROLE} TEMPLATE mailq_empty_tpl_17")
        readings = {reading.target.label: reading for reading in collector.scrape()}
        assert set(readings) == before | {"fleet_echo"}
        assert readings["fleet_echo"].snapshot is not None, readings["fleet_echo"].error
        collector.close()  # its connections, before the database can be dropped
        fleet_server.cluster.drop_database("fleet_echo")
        assert {reading.target.label for reading in collector.scrape()} == before
    finally:
        collector.close()
        with fleet_server.cluster.connect() as conn:
            conn.execute("DROP DATABASE IF EXISTS fleet_echo")
