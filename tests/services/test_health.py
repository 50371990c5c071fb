"""Health checks on real Odoo-shaped databases, each built to trigger a check and to pass it.

A database is generated once per Odoo version (around the real clock) and copied for each
test, which then UPDATEs rows to create one condition. PostgreSQL tests cover what SQLite
cannot show (a cron a worker holds right now) and the same rules on the other dialect.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.from_filter import match_from_filter
from console.domain.health import (
    CheckResult,
    HealthFacts,
    Perf,
    Status,
    Thresholds,
    check_line,
    evaluate,
    health_summary,
)
from console.domain.timefmt import utcnow_naive
from console.services.health import run_health
from testkit.odoo_dbs import build_postgres, build_sqlite
from tests.helpers.db import execute, rows
from tests.helpers.scenario import ADMIN_PARTNER, QUEUE_CRON_ID, make_healthy, ts


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    made: dict[int, Path] = {}
    for version in (16, 17, 18):
        directory = tmp_path_factory.mktemp(f"health{version}")
        build_sqlite(directory, version)
        made[version] = directory / f"odoo{version}.sqlite"
    return made


def fresh(templates: dict[int, Path], tmp_path: Path, version: int = 17) -> str:
    path = tmp_path / f"copy{version}.sqlite"
    shutil.copy(templates[version], path)
    return f"sqlite:///{path}"


def check(
    url: str,
    check_id: str,
    *,
    conf: Path | None = None,
    daily_limit: int | None = None,
    thresholds: Thresholds | None = None,
) -> CheckResult:
    backend = open_backend(ConnectionSettings(db_url=url, odoo_config=conf))
    try:
        results = run_health(backend, daily_limit=daily_limit, thresholds=thresholds)
    finally:
        backend.close()
    found = [r for r in results if r.id == check_id]
    assert found, f"no check {check_id} in {[r.id for r in results]}"
    return found[0]


def write_conf(tmp_path: Path, **options: Any) -> Path:
    path = tmp_path / "odoo.conf"
    lines = ["[options]"] + [f"{k} = {v}" for k, v in options.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


# -- the whole report ---------------------------------------------------------------------
def test_scenario_database_is_critical_and_healthy_copy_is_ok(
    templates: dict[int, Path], tmp_path: Path
) -> None:
    url = fresh(templates, tmp_path)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        broken = run_health(backend)
    finally:
        backend.close()
    statuses = {r.id: r.status for r in broken}
    assert statuses["queue_cron"] is Status.CRITICAL
    assert statuses["failed_mails"] is Status.CRITICAL
    assert statuses["campaign_head"] is Status.CRITICAL
    assert statuses["admin_email"] is Status.WARNING
    envelopes = next(r for r in broken if r.id == "envelopes")
    assert envelopes.status is Status.WARNING and envelopes.summary.endswith(" red envelopes")
    assert "odoo-mailq envelopes" in envelopes.fix
    assert health_summary(broken).startswith("✖ ")
    make_healthy(url)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        healthy = run_health(backend)
        facts = backend.health_facts()
    finally:
        backend.close()
    assert facts.unreadable == ()
    assert {r.id: r.status.name for r in healthy if r.status is not Status.OK} == {}
    assert health_summary(healthy) == "✔ healthy"
    assert check_line(healthy).startswith("MAILQ OK - mail queue healthy, 0 failed | ")


# -- one check at a time ------------------------------------------------------------------
def test_neutralized(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    assert check(url, "neutralized").status is Status.OK
    execute(
        url,
        "INSERT INTO ir_config_parameter (key, value) VALUES ('database.is_neutralized', 'True')",
    )
    result = check(url, "neutralized")
    assert result.status is Status.CRITICAL
    assert "neutralized" in result.summary and result.fix


def test_no_active_outgoing_server(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    assert check(url, "outgoing_server").status is Status.OK
    execute(url, "UPDATE ir_mail_server SET active = :no", no=False)
    result = check(url, "outgoing_server")
    assert result.status is Status.WARNING and "localhost:25" in result.why
    assert "2 archived" in result.why
    unset = check(url, "outgoing_server", conf=write_conf(tmp_path, db_name="x"))
    assert unset.status is Status.WARNING and "odoo.conf sets no smtp_server" in unset.why
    conf = write_conf(tmp_path, smtp_server="relay.example.org", smtp_port=587)
    configured = check(url, "outgoing_server", conf=conf)
    assert configured.status is Status.OK and "relay.example.org:587" in configured.why


@pytest.mark.parametrize(
    "change",
    ["smtp_port = 1025", "smtp_port = 8025", "smtp_host = 'mailpit.internal'",
     "smtp_host = 'mailhog', smtp_port = 25"],
)  # fmt: skip
def test_test_catcher(templates: dict[int, Path], tmp_path: Path, change: str) -> None:
    url = fresh(templates, tmp_path)
    assert check(url, "test_catcher").status is Status.OK
    execute(url, f"UPDATE ir_mail_server SET {change} WHERE id = 1")
    result = check(url, "test_catcher")
    assert result.status is Status.CRITICAL
    assert "Brevo relay" in result.summary and "nobody receives" in result.why


def test_test_catcher_in_odoo_conf_fallback(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    execute(url, "UPDATE ir_mail_server SET active = :no", no=False)
    conf = write_conf(tmp_path, smtp_server="localhost", smtp_port=2525)
    assert check(url, "test_catcher", conf=conf).status is Status.CRITICAL


def test_queue_cron_states(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    make_healthy(url)
    assert check(url, "queue_cron").status is Status.OK
    now = utcnow_naive()
    execute(
        url,
        f"UPDATE ir_cron SET nextcall = :at, interval_number = 1, interval_type = 'hours' "
        f"WHERE id = {QUEUE_CRON_ID}",
        at=ts(url, now - timedelta(minutes=20)),
    )
    late = check(url, "queue_cron")
    assert late.status is Status.WARNING and late.summary == "queue cron overdue 20m"
    execute(
        url, f"UPDATE ir_cron SET nextcall = :at WHERE id = {QUEUE_CRON_ID}",
        at=ts(url, now - timedelta(hours=2, minutes=1)),
    )  # fmt: skip
    overdue = check(url, "queue_cron")
    assert overdue.status is Status.CRITICAL and overdue.summary == "queue cron overdue 2h01m"
    execute(url, f"UPDATE ir_cron SET active = :no WHERE id = {QUEUE_CRON_ID}", no=False)
    inactive = check(url, "queue_cron")
    assert inactive.status is Status.CRITICAL and inactive.summary == "queue cron inactive"
    execute(url, f"DELETE FROM ir_model_data WHERE model = 'ir.cron' AND res_id = {QUEUE_CRON_ID}")
    # found by the code its server action runs, not by a name
    assert check(url, "queue_cron").summary == "queue cron inactive"


@pytest.mark.parametrize(
    ("number", "unit", "status"),
    [(2, "minutes", Status.WARNING), (5, "minutes", Status.OK), (15, "minutes", Status.OK),
     (1, "hours", Status.OK), (2, "hours", Status.WARNING), (1, "days", Status.WARNING)],
)  # fmt: skip
def test_queue_cron_interval(
    templates: dict[int, Path], tmp_path: Path, number: int, unit: str, status: Status
) -> None:
    url = fresh(templates, tmp_path)
    execute(
        url,
        f"UPDATE ir_cron SET interval_number = :n, interval_type = :u WHERE id = {QUEUE_CRON_ID}",
        n=number,
        u=unit,
    )
    result = check(url, "queue_cron_interval")
    assert result.status is status, result
    if status is Status.WARNING:
        assert "15 minutes" in result.fix


def test_queue_cron_failures_odoo18(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path, 18)
    make_healthy(url)
    assert check(url, "queue_cron_failures").status is Status.OK
    first = utcnow_naive() - timedelta(days=8)
    execute(
        url,
        f"UPDATE ir_cron SET failure_count = 3, first_failure_date = :d WHERE id = {QUEUE_CRON_ID}",
        d=ts(url, first),
    )
    warned = check(url, "queue_cron_failures")
    assert warned.status is Status.WARNING and warned.summary == "queue cron failed 3x"
    execute(
        url,
        f"UPDATE ir_cron SET failure_count = 6, active = :no WHERE id = {QUEUE_CRON_ID}",
        no=False,
    )
    assert check(url, "queue_cron_failures").status is Status.CRITICAL
    switched_off = check(url, "queue_cron")
    assert switched_off.status is Status.CRITICAL
    assert "6 consecutive failures" in switched_off.why and "switched it off" in switched_off.why


def test_queue_cron_failures_not_checked_before_18(
    templates: dict[int, Path], tmp_path: Path
) -> None:
    url = fresh(templates, tmp_path, 17)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        ids = [r.id for r in run_health(backend)]
    finally:
        backend.close()
    assert "queue_cron_failures" not in ids and "queue_cron" in ids


def test_queue_cron_missing(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path, 16)
    execute(url, f"DELETE FROM ir_cron WHERE id = {QUEUE_CRON_ID}")
    result = check(url, "queue_cron")
    assert result.status is Status.CRITICAL and result.summary == "queue cron missing"


def test_oldest_outgoing(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    make_healthy(url)  # cron every 15 minutes, oldest waited 2 minutes
    ok = check(url, "oldest_outgoing")
    assert ok.status is Status.OK
    assert Perf("oldest_outgoing_min", 2, 20, 35) in ok.perf
    execute(
        url,
        "UPDATE mail_mail SET create_date = :old WHERE id = (SELECT max(id) FROM mail_mail "
        "WHERE state = 'outgoing' AND scheduled_date IS NULL)",
        old=ts(url, utcnow_naive() - timedelta(minutes=25)),
    )
    assert check(url, "oldest_outgoing").status is Status.WARNING
    execute(
        url,
        "UPDATE mail_mail SET create_date = :old WHERE state = 'outgoing'",
        old=ts(url, utcnow_naive() - timedelta(hours=5)),
    )
    result = check(url, "oldest_outgoing")
    assert result.status is Status.CRITICAL and result.summary == "oldest outgoing 5h"
    tolerant = check(url, "oldest_outgoing", thresholds=Thresholds(max_oldest_outgoing_min=600))
    assert tolerant.status is Status.WARNING


def test_scheduled_mails_are_information(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    result = check(url, "scheduled_future")
    # the scenario's mails are scheduled around its anchor: count them against now, in SQL
    [(later,)] = rows(
        url,
        "SELECT count(*) FROM mail_mail WHERE state = 'outgoing' AND scheduled_date > :now",
        now=ts(url, utcnow_naive()),
    )
    assert later > 0
    assert result.status is Status.OK and result.summary == f"{later} scheduled"
    assert "the next is due in" in result.why
    execute(url, "UPDATE mail_mail SET scheduled_date = NULL")
    assert check(url, "scheduled_future").summary == "none scheduled"


def test_campaign_head_stuck_in_sending(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    stuck = check(url, "campaign_head")  # the scenario: Black Friday sending, 6 h quiet
    assert stuck.status is Status.CRITICAL
    assert "Black Friday 2026" in stuck.summary and "wait behind it" in stuck.why
    execute(url, "UPDATE mailing_mailing SET state = 'draft' WHERE state = 'in_queue'")
    alone = check(url, "campaign_head")
    assert alone.status is Status.WARNING
    execute(
        url,
        "UPDATE mailing_trace SET create_date = :now WHERE mass_mailing_id = "
        "(SELECT id FROM mailing_mailing WHERE state = 'sending')",
        now=ts(url, utcnow_naive() - timedelta(minutes=3)),
    )
    assert check(url, "campaign_head").status is Status.OK


def test_admin_placeholder_email(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path, 16)
    result = check(url, "admin_email")
    assert result.status is Status.WARNING and "admin@example.com" in result.why
    execute(
        url, f"UPDATE res_partner SET email = 'it@acme-shop.example' WHERE id = {ADMIN_PARTNER}"
    )
    assert check(url, "admin_email").status is Status.OK


def test_alias_domain_odoo17(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path, 17)
    assert check(url, "alias_domain").status is Status.OK
    execute(url, "UPDATE res_company SET alias_domain_id = NULL")
    missing = check(url, "alias_domain")
    assert missing.status is Status.WARNING and "1 companies" in missing.summary
    execute(
        url,
        "UPDATE mail_alias SET alias_domain_id = NULL",
        "UPDATE mail_message SET record_alias_domain_id = NULL",
        "DELETE FROM mail_alias_domain",
    )
    none = check(url, "alias_domain")
    assert none.status is Status.WARNING and none.summary == "no alias domain"
    assert check(url, "default_from").summary == "no default From"


def test_catchall_domain_odoo16(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path, 16)
    assert check(url, "alias_domain").status is Status.OK
    execute(url, "DELETE FROM ir_config_parameter WHERE key = 'mail.catchall.domain'")
    result = check(url, "alias_domain")
    assert result.status is Status.WARNING and "mail.catchall.domain" in result.why


@pytest.mark.parametrize("version", [16, 17])
def test_default_from_versus_from_filter(
    templates: dict[int, Path], tmp_path: Path, version: int
) -> None:
    url = fresh(templates, tmp_path, version)
    ok = check(url, "default_from")
    assert ok.status is Status.OK and "notifications@acme-shop.example" in ok.why
    execute(url, "UPDATE ir_mail_server SET from_filter = 'other-shop.example'")
    result = check(url, "default_from")
    assert result.status is Status.WARNING
    assert "notifications@acme-shop.example" in result.why and "from_filter" in result.why
    execute(url, "UPDATE ir_mail_server SET from_filter = 'x@other.example,acme-shop.example'")
    listed = check(url, "default_from")
    # 16's _match_from_filter reads the whole text as one domain: a list allows nothing,
    # and Send now's server choice (the same rule) agrees
    allowed = match_from_filter(
        "notifications@acme-shop.example", "x@other.example,acme-shop.example", version
    )
    assert (listed.status is Status.OK) is allowed is (version >= 17)
    if version == 16:
        assert "one address or one domain" in listed.why
    execute(url, "UPDATE ir_mail_server SET active = :no", no=False)
    conf = write_conf(tmp_path, smtp_server="relay.example.org", from_filter="elsewhere.example")
    assert check(url, "default_from", conf=conf).status is Status.WARNING


def test_failure_spike(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    make_healthy(url)
    assert check(url, "failure_spike").status is Status.OK
    recent = ts(url, utcnow_naive() - timedelta(minutes=10))
    pick = (
        "UPDATE mail_mail SET state = 'exception', write_date = :at WHERE id IN "
        "(SELECT id FROM mail_mail WHERE state = 'cancel' ORDER BY id LIMIT {})"
    )
    execute(
        url,
        pick.format(8),
        at=recent,
    )
    spike = check(url, "failure_spike")
    assert spike.status is Status.WARNING and spike.summary == "8 failures in the last hour"
    execute(
        url,
        pick.format(30),
        at=recent,
    )
    assert check(url, "failure_spike").status is Status.CRITICAL


def test_failed_thresholds(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    engine = create_engine(url)
    with engine.connect() as connection:
        failed = connection.execute(
            text("SELECT count(*) FROM mail_mail WHERE state = 'exception'")
        ).scalar_one()
    engine.dispose()
    assert 50 < failed < 100
    assert check(url, "failed_mails").status is Status.CRITICAL
    assert check(url, "failed_mails", thresholds=Thresholds(50, 100)).status is Status.WARNING
    result = check(url, "failed_mails", thresholds=Thresholds(100, 200))
    assert result.status is Status.OK and result.perf == (Perf("failed", failed, 100, 200),)
    assert result.summary == f"{failed} failed"


def test_daily_volume(templates: dict[int, Path], tmp_path: Path) -> None:
    url = fresh(templates, tmp_path)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        volume = backend.health_facts().volume_24h
        ids = [r.id for r in run_health(backend)]
    finally:
        backend.close()
    assert volume is not None and volume > 20
    assert "daily_volume" not in ids  # only with --daily-limit
    assert check(url, "daily_volume", daily_limit=volume).status is Status.CRITICAL
    assert check(url, "daily_volume", daily_limit=volume + 5).status is Status.WARNING
    assert check(url, "daily_volume", daily_limit=volume * 10).status is Status.OK


def test_unreadable_fact_gives_unknown_not_a_crash(
    templates: dict[int, Path], tmp_path: Path
) -> None:
    url = fresh(templates, tmp_path)
    backend = open_backend(ConnectionSettings(db_url=url))
    try:
        execute(url, "DROP TABLE mail_alias_domain")  # gone after the schema was read
        results = {r.id: r for r in run_health(backend)}
        facts = backend.health_facts()
    finally:
        backend.close()
    assert results["alias_domain"].status is Status.UNKNOWN
    assert "alias domains" in facts.unreadable
    assert results["failed_mails"].status is Status.CRITICAL  # the rest still answers


# -- pure rules ---------------------------------------------------------------------------
def test_summary_and_check_line_formats() -> None:
    now = datetime(2026, 11, 27, 8, 0)
    facts = HealthFacts(now=now, version=17, neutralized=False, failed=59, outgoing=3)
    results = evaluate(facts)
    assert {r.id: r.status for r in results}["failed_mails"] is Status.CRITICAL
    assert health_summary(results) == "✖ 1 critical ? 11 unknown"  # facts not given: unknown
    line = check_line(results)
    assert line.startswith("MAILQ CRITICAL - 59 failed | ")
    assert "failed=59;10;50" in line and "oldest_outgoing_min=0;65;125" in line
    assert "\n" not in line


# -- PostgreSQL -----------------------------------------------------------------------------
@pytest.fixture
def pg_url(pg_db_factory: Any) -> Iterator[str]:
    yield build_postgres(pg_db_factory(), 18)


def test_postgresql_running_cron_is_not_overdue(pg_url: str) -> None:
    make_healthy(pg_url)
    execute(
        pg_url,
        f"UPDATE ir_cron SET nextcall = :at WHERE id = {QUEUE_CRON_ID}",
        at=utcnow_naive() - timedelta(hours=3),
    )
    assert check(pg_url, "queue_cron").summary == "queue cron overdue 3h"
    engine = create_engine(pg_url)
    holding, release = threading.Event(), threading.Event()

    def worker() -> None:  # what Odoo's cron runner holds while the job runs
        with engine.begin() as connection:
            connection.execute(
                text(f"SELECT id FROM ir_cron WHERE id = {QUEUE_CRON_ID} FOR NO KEY UPDATE")
            )
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert holding.wait(10)
        running = check(pg_url, "queue_cron")
    finally:
        release.set()
        thread.join()
        engine.dispose()
    assert running.status is Status.WARNING  # held for 3 h: a stuck worker
    assert running.summary.startswith("queue cron running for 3h")


def test_postgresql_neutralized_catcher_and_failures(pg_url: str) -> None:
    make_healthy(pg_url)
    backend = open_backend(ConnectionSettings(db_url=pg_url))
    try:
        assert {r.status for r in run_health(backend)} == {Status.OK}
    finally:
        backend.close()
    execute(
        pg_url,
        "INSERT INTO ir_config_parameter (key, value, create_date) "
        "VALUES ('database.is_neutralized', 'True', now())",
        "UPDATE ir_mail_server SET smtp_host = 'smtp4dev', smtp_port = 25 WHERE id = 2",
        f"UPDATE ir_cron SET active = false, failure_count = 5 WHERE id = {QUEUE_CRON_ID}",
    )
    backend = open_backend(ConnectionSettings(db_url=pg_url))
    try:
        results = {r.id: r for r in run_health(backend)}
    finally:
        backend.close()
    assert results["neutralized"].status is Status.CRITICAL
    assert results["test_catcher"].status is Status.CRITICAL
    assert results["queue_cron"].status is Status.CRITICAL
    assert results["queue_cron_failures"].status is Status.CRITICAL
