"""Which scheduled action is which of Odoo's mail jobs: the one rule every reader uses.

A cron is the Email Queue Manager (or the mass-mailing queue) by the external id Odoo's
data file gives it; a database that lost those ids (a custom import, an old migration)
still runs the job from a server action whose code calls Odoo's method, so that is the
fallback. Names are never used: users rename crons, and names are translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.domain.models import CronRow


@dataclass(frozen=True, slots=True)
class MailJob:
    xml_id: tuple[str, str]  # (module, name) in ir_model_data
    calls: str  # what the job's server action code calls

    @property
    def dotted(self) -> str:
        """``module.name``, as ``CronRow.xml_id`` holds it."""
        return f"{self.xml_id[0]}.{self.xml_id[1]}"


EMAIL_QUEUE = MailJob(("mail", "ir_cron_mail_scheduler_action"), "process_email_queue")
MASS_MAILING_QUEUE = MailJob(
    ("mass_mailing", "ir_cron_mass_mailing_queue"), "_process_mass_mailing_queue"
)
JOBS = (EMAIL_QUEUE, MASS_MAILING_QUEUE)


def job_of(xml_id: str | None, code: str | None) -> MailJob | None:
    """The mail job a cron runs, from its external id, else from its server action code."""
    for job in JOBS:
        if xml_id == job.dotted:
            return job
    return next((job for job in JOBS if code and job.calls in code), None)


def find_cron(crons: Iterable[CronRow], job: MailJob) -> CronRow | None:
    """The cron that runs ``job``: the one with its external id, else the lowest id whose
    code calls it."""
    rows = sorted(crons, key=lambda c: c.id)
    by_id = next((c for c in rows if c.xml_id == job.dotted), None)
    return by_id or next((c for c in rows if c.job == job), None)


def is_email_queue(cron: CronRow) -> bool:
    return cron.job == EMAIL_QUEUE


# Odoo's runner polls every 60 s; a cron whose nextcall is this far behind was missed.
OVERDUE_GRACE = timedelta(minutes=5)


def is_overdue(active: bool, nextcall: datetime | None, now: datetime) -> bool:
    return bool(active) and nextcall is not None and nextcall + OVERDUE_GRACE < now
