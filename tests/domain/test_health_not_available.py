"""What a connection cannot read (over Odoo's external API) is said by the check itself:
UNKNOWN, "not available over the API: <reason>", never an error and never left out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from console.domain.health import HealthFacts, Status, evaluate
from console.domain.health.model import Thresholds
from console.domain.health.queue_cron import RUNNING_FACT, check_queue_cron
from console.domain.models import CronRow
from console.domain.queue_index import QueueIndexFacts, check_queue_index

NOW = datetime(2026, 3, 2, 10, 0)


def queue_cron(nextcall: datetime, running: bool | None) -> CronRow:
    return CronRow(
        id=3, name="Mail: Email Queue Manager", xml_id="mail.ir_cron_mail_scheduler_action",
        active=True, interval_number=15, interval_type="minutes", nextcall=nextcall,
        lastcall=None, priority=5, failure_count=None, first_failure_date=None,
        running=running, pending_triggers=0, overdue=nextcall < NOW, is_mail_related=True,
    )  # fmt: skip


def test_a_check_the_connection_cannot_judge_says_why_in_its_place() -> None:
    missing = (("campaign_head", "no campaign list over the API"),)
    facts = HealthFacts(now=NOW, version=17, campaigns=None, not_available=missing)
    results = {r.id: r for r in evaluate(facts)}
    head = results["campaign_head"]
    assert head.status is Status.UNKNOWN
    assert head.summary == "not available over the API"
    assert head.why == "Not available over the API: no campaign list over the API"
    assert head.title == "Mass-mailing queue head"
    # the others are judged as before: the failed mails unreadable, not "not available"
    assert results["failed_mails"].summary == "the failed mails unreadable"


def test_index_advice_not_available_over_the_api() -> None:
    result = check_queue_index(QueueIndexFacts(dialect="odoo-api", not_available="no plans"))
    assert (result.status, result.summary) == (Status.UNKNOWN, "not available over the API")
    assert result.why.endswith(": no plans") and not result.command


def test_an_overdue_queue_cron_keeps_its_verdict_with_the_unseen_run_said() -> None:
    late = queue_cron(NOW - timedelta(hours=2), running=None)
    facts = HealthFacts(now=NOW, version=17, crons_read=True, queue_cron=late,
                        not_available=((RUNNING_FACT, "a row lock"),))  # fmt: skip
    over_api = check_queue_cron(facts, Thresholds())
    over_sql = check_queue_cron(replace(facts, not_available=()), Thresholds())
    assert (over_api.status, over_api.summary) == (over_sql.status, over_sql.summary)
    assert over_api.status is Status.CRITICAL
    assert over_api.why.startswith(over_sql.why)
    assert over_api.why.endswith("not available over the API: a row lock")
    on_time = replace(facts, queue_cron=queue_cron(NOW + timedelta(minutes=5), running=None))
    assert "not available" not in check_queue_cron(on_time, Thresholds()).why
    seen = replace(facts, queue_cron=replace(late, running=False))
    assert check_queue_cron(seen, Thresholds()).why == over_sql.why
