"""What an operator is told about when retried mails leave: the Email Queue Manager due
now is picked up within a minute; one overdue for longer has no worker running it, and
saying "at its next poll" would be a lie."""

from __future__ import annotations

from datetime import datetime, timedelta

from console.domain.mail_crons import EMAIL_QUEUE
from console.domain.models import CronRow
from console.services.queue_schedule import next_queue_run

NOW = datetime(2026, 12, 5, 3, 0)


def queue_cron(nextcall: datetime) -> CronRow:
    return CronRow(
        id=3, name="Mail: Email Queue Manager", xml_id=EMAIL_QUEUE.dotted, active=True,
        interval_number=1, interval_type="minutes", nextcall=nextcall, lastcall=None,
        priority=5, failure_count=None, first_failure_date=None, running=False,
        pending_triggers=0, overdue=nextcall < NOW, is_mail_related=True, job=EMAIL_QUEUE,
    )  # fmt: skip


def test_due_now_is_picked_up_at_the_next_poll() -> None:
    said = next_queue_run([queue_cron(NOW - timedelta(seconds=40))], NOW)
    assert said == "Odoo's Email Queue Manager is due (by 40s): it sends them at its next poll"


def test_overdue_for_long_says_no_worker_runs_it_and_how_to_run_it() -> None:
    said = next_queue_run([queue_cron(NOW - timedelta(hours=2))], NOW)
    assert said.startswith("Odoo's Email Queue Manager is overdue by 2h")
    assert "no Odoo cron worker seems to run it" in said and "at its next poll" not in said
    assert "t on the Crons pane" in said


def test_a_later_run_says_when() -> None:
    said = next_queue_run([queue_cron(NOW + timedelta(minutes=7))], NOW)
    assert said == "Odoo's Email Queue Manager sends them at its next run, in 7m"
