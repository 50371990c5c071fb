"""Which cron is which of Odoo's mail jobs: by external id, else by the code its server
action runs; never by its name (users rename crons, names are translated)."""

from __future__ import annotations

from console.domain.mail_crons import (
    EMAIL_QUEUE,
    MASS_MAILING_QUEUE,
    find_cron,
    is_email_queue,
    job_of,
)
from console.domain.models import CronRow


def cron(cron_id: int, name: str, xml_id: str | None, code: str | None) -> CronRow:
    return CronRow(
        id=cron_id, name=name, xml_id=xml_id, active=True, interval_number=1,
        interval_type="hours", nextcall=None, lastcall=None, priority=5, failure_count=None,
        first_failure_date=None, running=None, pending_triggers=0, overdue=False,
        is_mail_related=True, job=job_of(xml_id, code),
    )  # fmt: skip


def test_the_external_id_names_the_job() -> None:
    assert job_of("mail.ir_cron_mail_scheduler_action", None) == EMAIL_QUEUE
    assert job_of("mass_mailing.ir_cron_mass_mailing_queue", None) == MASS_MAILING_QUEUE
    assert job_of("mail.ir_cron_delete_notification", "model._gc_notifications()") is None


def test_the_code_names_it_when_the_external_id_was_lost() -> None:
    assert job_of(None, "model.process_email_queue(batch_size=1000)") == EMAIL_QUEUE
    assert job_of("__export__.ir_cron_7_1a2b", "model._process_mass_mailing_queue()") == (
        MASS_MAILING_QUEUE
    )


def test_a_name_alone_names_nothing() -> None:
    assert job_of(None, "model.something_else()") is None
    renamed = cron(3, "Mail: Email Queue Manager", None, "model.do_nothing()")
    assert not is_email_queue(renamed)
    assert find_cron([renamed], EMAIL_QUEUE) is None


def test_the_external_id_wins_over_a_lower_id_that_calls_the_same_method() -> None:
    custom = cron(2, "Urgent mail only", "custom.urgent_queue", "model.process_email_queue()")
    odoo = cron(9, "Gestionnaire de file d'attente", EMAIL_QUEUE.dotted, "whatever")
    assert find_cron([odoo, custom], EMAIL_QUEUE) is odoo
    assert find_cron([odoo, custom], MASS_MAILING_QUEUE) is None
    # without Odoo's own, the lowest id whose code calls the queue is the queue cron
    other = cron(5, "Queue (copy)", None, "model.process_email_queue()")
    assert find_cron([other, custom], EMAIL_QUEUE) is custom
