"""The OCA modules that change how Odoo's mail leaves, and what each changes: the one
place the console keeps this knowledge (docs/oca-mail-modules.md says it in prose).

A module counts when its ``ir_module_module`` row is ``installed``. The health checks
read what the module does (``mail_queue_job``: the queue lives in ``queue_job``;
``mail_tracking``: failures recorded in ``mail_tracking_email``; ``mail_post_defer``:
the queue cron every minute) instead of alarming on what the module intends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class OcaModule:
    name: str  # technical name in ir_module_module
    repository: str  # where OCA keeps it
    changes: str  # what it changes in how mail leaves, in one sentence


MAIL_QUEUE_JOB = "mail_queue_job"
MAIL_TRACKING = "mail_tracking"
MAIL_POST_DEFER = "mail_post_defer"
MAIL_SERVER_SEND_LIMIT = "mail_server_send_limit"
MAIL_OUTBOUND_STATIC = "mail_outbound_static"
QUEUE_JOB_CRON = "queue_job_cron"

MODULES: tuple[OcaModule, ...] = (
    OcaModule(
        MAIL_QUEUE_JOB,
        "OCA/queue",
        "deactivates the Email Queue Manager cron on install and sends each outgoing "
        "mail through its own queue.job (mail.mail._send_mail_jobified, channel "
        "root.mail), created whenever a mail is created or written while outgoing",
    ),
    OcaModule(
        MAIL_TRACKING,
        "OCA/social (16), OCA/mail (17+)",
        "records every send in mail_tracking_email and swallows SMTP exceptions: a "
        "refused mail keeps Odoo's placeholder reason ('Error without exception') or, "
        "when another recipient went through, shows as sent; the real error is the "
        "tracking row's state 'error' with error_type / error_description",
    ),
    OcaModule(
        MAIL_POST_DEFER,
        "OCA/social (16), OCA/mail (17+)",
        "queues every chatter notification 30 seconds ahead instead of sending it from "
        "the web request, and sets the Email Queue Manager to every minute on install",
    ),
    OcaModule(
        MAIL_SERVER_SEND_LIMIT,
        "OCA/social",
        "caps the mails sent per hour per outgoing server (ir_mail_server.limit_per_hour): "
        "mails above the cap get a scheduled_date one or more hours later",
    ),
    OcaModule(
        MAIL_OUTBOUND_STATIC,
        "OCA/social (16), OCA/mail (17+)",
        "rewrites the From of every mail to the server's own address "
        "(ir_mail_server.smtp_from), keeping the display name",
    ),
    OcaModule(
        QUEUE_JOB_CRON,
        "OCA/queue",
        "can run a cron as a queue.job (ir_cron.run_as_queue_job): the Email Queue "
        "Manager then only enqueues a job, and the job runner sends",
    ),
)
MODULE_NAMES = tuple(m.name for m in MODULES)
BY_NAME = {m.name: m for m in MODULES}

# mail_queue_job's job, as its queue_job rows name it
MAIL_JOB_MODEL = "mail.mail"
MAIL_JOB_METHOD = "_send_mail_jobified"
# queue_job states: waiting to run, running, failed (done and cancelled are history)
JOB_WAITING_STATES = ("wait_dependencies", "pending", "enqueued")
JOB_STARTED_STATE = "started"
JOB_FAILED_STATE = "failed"
# mail_tracking's failure states (mail.message.get_failed_states); 'error' is a send
TRACKING_FAILED_STATES = ("error", "rejected", "spam", "bounced", "soft-bounced")
TRACKING_SEND_ERROR = "error"

ODOO_QUEUE_FLOOR_MINUTES = 5  # Odoo's documented floor for the Email Queue Manager
POST_DEFER_INTERVAL_MINUTES = 1  # what mail_post_defer sets, on purpose


@dataclass(frozen=True, slots=True)
class MailJobs:
    """mail_queue_job's jobs in queue_job: waiting, running, failed, and the oldest wait."""

    waiting: int = 0
    started: int = 0
    failed: int = 0
    oldest_waiting: datetime | None = None  # date_created of the oldest waiting job
    last_failed: datetime | None = None  # date_created of the newest failed job


@dataclass(frozen=True, slots=True)
class TrackingErrors:
    """mail_tracking's send errors over the last 24 hours."""

    errors: int = 0
    by_type: tuple[tuple[str, int], ...] = ()  # error_type, count; most first
    shown_sent: int = 0  # of which the mail_mail row says 'sent' (a hidden failure)


@dataclass(frozen=True, slots=True)
class OcaFacts:
    """Which of these modules are installed, and what their tables say."""

    read: bool = False  # False: ir_module_module could not be read
    installed: frozenset[str] = field(default_factory=frozenset)
    mail_jobs: MailJobs | None = None  # None: not installed or unreadable
    tracking: TrackingErrors | None = None

    def has(self, name: str) -> bool:
        return name in self.installed


def installed_of(rows: Iterable[tuple[object, object]]) -> frozenset[str]:
    """The known modules among (name, state) rows whose state is ``installed``."""
    return frozenset(str(n) for n, s in rows if s == "installed" and str(n) in BY_NAME)


def queue_cron_off_intended(installed: Iterable[str]) -> str | None:
    """Why an inactive Email Queue Manager is what an installed module intends (None:
    nothing intends it, an inactive queue cron is a fault)."""
    if MAIL_QUEUE_JOB in set(installed):
        return (
            "mail_queue_job deactivated the Email Queue Manager on purpose: each outgoing "
            "mail is sent by its own queue.job"
        )
    return None


def queue_interval_floor(installed: Iterable[str]) -> int:
    """The shortest interval (minutes) the console lets the queue cron run at: Odoo's
    floor, or every minute when mail_post_defer is installed (it sets that itself)."""
    if MAIL_POST_DEFER in set(installed):
        return POST_DEFER_INTERVAL_MINUTES
    return ODOO_QUEUE_FLOOR_MINUTES


def describe(installed: Iterable[str]) -> list[str]:
    """``name: what it changes`` for each installed module, in the list's order."""
    names = set(installed)
    return [f"{m.name}: {m.changes}" for m in MODULES if m.name in names]
