"""Discovery and the fleet's summaries on a real server holding several Odoo databases,
one that is not Odoo's, one of an unknown version, one its role may not open and one of
another owner (tests/helpers/fleet.py)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from psycopg import sql

from console.backends.connect import discover_databases, read_fleet, read_status_quickly
from console.config.connection import ConnectionSettings
from console.config.server_target import FleetDatabase, FleetListing
from console.domain.errors import UsageError
from console.domain.health import Status
from console.odoo.database_list import dbfilter_pattern, filtered
from tests.helpers.fleet import FleetServer

ODOO = ["fleet_acme", "fleet_brick", "fleet_crane", "fleet_delta"]
LISTED = sorted([*ODOO, "fleet_locked", "fleet_notodoo", "fleet_old"])


def test_odoo_lists_the_roles_own_databases_not_templates_postgres_or_another_owners(
    fleet_server: FleetServer,
) -> None:
    listing = discover_databases(ConnectionSettings(db_url=fleet_server.url))
    assert list(listing.names) == LISTED  # fleet_foreign belongs to another role
    assert "mailq_fleet" in listing.rule
    assert listing.server == f"mailq_fleet@{fleet_server.cluster.host}:{fleet_server.cluster.port}"


def test_a_url_naming_a_database_lists_the_whole_server(fleet_server: FleetServer) -> None:
    url = fleet_server.url + "fleet_acme"
    listing = discover_databases(ConnectionSettings(db_url=url, database="fleet_brick"))
    assert list(listing.names) == LISTED


def test_db_name_without_dbfilter_is_the_list_and_a_name_not_there_is_missing(
    fleet_server: FleetServer, tmp_path: Path
) -> None:
    conf = tmp_path / "odoo.conf"
    conf.write_text(fleet_server.odoo_conf(db_name="fleet_delta, fleet_acme,fleet_gone"))
    listing = discover_databases(ConnectionSettings(odoo_config=conf))
    assert list(listing.names) == ["fleet_acme", "fleet_delta"]
    assert listing.missing == ("fleet_gone",)
    report = read_fleet(listing)
    assert [(s.name, s.reason) for s in report.skipped] == [("fleet_gone", "missing")]


def test_dbfilter_keeps_the_names_it_matches_from_their_start(
    fleet_server: FleetServer, tmp_path: Path
) -> None:
    conf = tmp_path / "odoo.conf"
    conf.write_text(fleet_server.odoo_conf(db_name="fleet_delta", dbfilter="fleet_(a|b)"))
    listing = discover_databases(ConnectionSettings(odoo_config=conf))
    assert list(listing.names) == ["fleet_acme", "fleet_brick"]  # db_name is not used then
    assert "dbfilter" in listing.rule


def test_dbfilter_host_placeholders_match_any_host_unless_one_is_given(
    fleet_server: FleetServer, tmp_path: Path
) -> None:
    conf = tmp_path / "odoo.conf"
    conf.write_text(fleet_server.odoo_conf(dbfilter="^fleet_%d$"))
    settings = ConnectionSettings(odoo_config=conf)
    assert list(discover_databases(settings).names) == LISTED
    chosen = discover_databases(settings, http_host="www.crane.example.com:8069")
    assert list(chosen.names) == ["fleet_crane"]


def test_dbfilter_rules_as_odoo_applies_them() -> None:
    names = ["shop", "shop.example.com", "shop_test", "other"]
    assert filtered(names, dbfilter_pattern("^%h$", "www.shop.example.com")) == ["shop.example.com"]
    assert filtered(names, dbfilter_pattern("%d", "shop.example.com:8069")) == [
        "shop",
        "shop.example.com",
        "shop_test",
    ]
    assert filtered(names, dbfilter_pattern("^%d$")) == ["shop", "shop_test", "other"]
    with pytest.raises(ValueError, match="not a regular expression"):
        dbfilter_pattern("fleet_(")


def test_a_target_without_a_server_is_refused() -> None:
    with pytest.raises(UsageError, match="needs a PostgreSQL server"):
        discover_databases(ConnectionSettings())


def test_each_odoo_database_has_its_row_as_status_reads_it(fleet_server: FleetServer) -> None:
    report = read_fleet(discover_databases(ConnectionSettings(db_url=fleet_server.url)))
    rows = {row.name: row for row in report.rows}
    assert sorted(rows) == sorted([*ODOO, "fleet_locked"])
    assert {n: rows[n].version_label for n in ODOO} == {
        "fleet_acme": "16.0",
        "fleet_brick": "17.0",
        "fleet_crane": "18.0",
        "fleet_delta": "19.0",
    }
    for name in ODOO:
        found = read_status_quickly(ConnectionSettings(db_url=fleet_server.database_url(name)))
        assert found is not None
        _info, status = found
        assert rows[name].outgoing == status.counts.get("outgoing", 0)
        assert rows[name].failed == status.counts.get("exception", 0)
        assert status.envelopes is not None and rows[name].envelopes is not None
        assert rows[name].envelopes.messages == status.envelopes.messages
        assert rows[name].oldest_due == status.oldest_due_outgoing
    assert rows["fleet_crane"].failed == rows["fleet_acme"].failed + 60
    assert rows["fleet_delta"].status is Status.OK and rows["fleet_delta"].cron_text == "on time"
    assert rows["fleet_brick"].cron_text.startswith("late 3h")
    assert rows["fleet_crane"].status is Status.CRITICAL
    assert "118 failed" in rows["fleet_crane"].reason


def test_non_odoo_and_unknown_versions_are_skipped_with_why_and_a_refused_one_is_an_error(
    fleet_server: FleetServer,
) -> None:
    report = read_fleet(discover_databases(ConnectionSettings(db_url=fleet_server.url)))
    skipped = {s.name: s for s in report.skipped}
    assert skipped["fleet_notodoo"].reason == "not_odoo"
    assert "ir_module_module" in skipped["fleet_notodoo"].detail
    assert skipped["fleet_old"].reason == "unsupported_version"
    assert "15.0" in skipped["fleet_old"].detail
    locked = next(row for row in report.rows if row.name == "fleet_locked")
    assert locked.status is Status.UNKNOWN
    assert locked.error is not None and "no CONNECT privilege" in locked.error
    assert report.status is Status.CRITICAL


def test_a_database_dropped_after_the_listing_is_an_error_row_the_others_still_read(
    fleet_server: FleetServer,
) -> None:
    cluster = fleet_server.cluster
    with cluster.connect() as conn:
        conn.execute("CREATE DATABASE fleet_gone_soon TEMPLATE mailq_empty_tpl_17")
    settings = ConnectionSettings(db_url=fleet_server.url)
    listing = discover_databases(settings)
    gone = FleetDatabase(
        "fleet_gone_soon", replace(settings, db_url=fleet_server.url + "fleet_gone_soon")
    )
    cluster.drop_database("fleet_gone_soon")
    report = read_fleet(FleetListing(listing.server, listing.rule, (*listing.databases, gone)))
    rows = {row.name: row for row in report.rows}
    assert rows["fleet_gone_soon"].error is not None
    assert "has no database 'fleet_gone_soon'" in rows["fleet_gone_soon"].error
    assert all(rows[name].error is None for name in ODOO)


def test_a_database_that_does_not_answer_in_time_is_an_error_row(
    fleet_server: FleetServer,
) -> None:
    settings = ConnectionSettings(db_url=fleet_server.url, statement_timeout_ms=500)
    listing = discover_databases(settings)
    locked = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        with fleet_server.cluster.connect("fleet_brick", autocommit=False) as conn:
            conn.execute(sql.SQL("LOCK TABLE mail_mail IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(30)
            conn.rollback()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        report = read_fleet(listing)
        assert time.monotonic() - started < 10
    finally:
        release.set()
        holder.join()
    rows = {row.name: row for row in report.rows}
    assert rows["fleet_brick"].error is not None
    assert "did not answer in time" in rows["fleet_brick"].error
    assert rows["fleet_acme"].error is None and rows["fleet_delta"].status is Status.OK
