"""Checks for the OCA mail modules (console.domain.oca_modules): which are installed and
what they change, mail_queue_job's send jobs, mail_tracking's send errors; and the rules
the queue cron checks ask, so they do not alarm on what a module intends."""

from __future__ import annotations

from collections.abc import Sequence

from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Perf,
    Status,
    Thresholds,
    in_minutes,
    ok_result,
)
from console.domain.models import CronRow
from console.domain.oca_modules import (
    BY_NAME,
    MAIL_POST_DEFER,
    MAIL_QUEUE_JOB,
    MAIL_TRACKING,
    POST_DEFER_INTERVAL_MINUTES,
    describe,
    queue_cron_off_intended,
)
from console.domain.timefmt import human_age

MAIL_JOBS_ID = "oca_mail_jobs"
TRACKING_ID = "oca_tracking_errors"
MODULES_ID = "oca_modules"
JOB_RUNNER_FIX = (
    "Check that Odoo runs the job runner for this database (server_wide_modules = "
    "web,queue_job, and [queue_job] channels = root:N with a root.mail channel); look "
    "at Queue Jobs in Odoo for the failed ones and requeue them once the cause is fixed"
)


def intended_queue_cron_off(facts: HealthFacts, cron: CronRow) -> CheckResult | None:
    """The queue cron check's result when its inactivity is what an installed module
    intends (None: it is not, and the check judges as usual). Odoo 18's own switch-off
    after failures is never intended."""
    why = queue_cron_off_intended(facts.oca.installed)
    if why is None or (cron.failure_count or 0):
        return None
    return ok_result(
        "queue_cron",
        "Email Queue Manager cron",
        "queue cron off (mail_queue_job)",
        f"{why}; the send jobs are judged by the 'Mail send jobs' check",
    )


def intended_interval(facts: HealthFacts, minutes: float) -> str | None:
    """Why this queue cron interval is what an installed module intends, else None."""
    if facts.oca.has(MAIL_QUEUE_JOB) and facts.queue_cron and not facts.queue_cron.active:
        return "The cron is off on purpose (mail_queue_job): its interval does not matter"
    if facts.oca.has(MAIL_POST_DEFER) and minutes >= POST_DEFER_INTERVAL_MINUTES:
        return (
            f"Runs every {human_age(minutes * 60)}: mail_post_defer queues every "
            "notification and sets the queue cron to every minute on purpose"
        )
    return None


def modules_in(results: Sequence[CheckResult]) -> frozenset[str]:
    """The OCA modules a health run found installed (its "OCA mail modules" check lists
    them), for a screen that has the results and must not read the database."""
    found = next((r for r in results if r.id == MODULES_ID), None)
    if found is None:
        return frozenset()
    return frozenset(n for n in found.summary.split(", ") if n in BY_NAME)


def skipped_checks(facts: HealthFacts) -> set[str]:
    """The OCA checks that do not apply to this database (their module is absent)."""
    skipped = set()
    if not facts.oca.has(MAIL_QUEUE_JOB):
        skipped.add(MAIL_JOBS_ID)
    if not facts.oca.has(MAIL_TRACKING):
        skipped.add(TRACKING_ID)
    if not facts.oca.installed:
        skipped.add(MODULES_ID)
    return skipped


def check_oca_modules(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    names = sorted(facts.oca.installed)
    return ok_result(
        MODULES_ID,
        "OCA mail modules",
        ", ".join(names) or "none",
        "Installed, and taken into account: " + "; ".join(describe(names)),
    )


def check_mail_jobs(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    """mail_queue_job: the queue is queue_job's mail jobs, sent by the job runner."""
    title = "Mail send jobs (mail_queue_job)"
    jobs = facts.oca.mail_jobs
    if jobs is None:
        return CheckResult(
            MAIL_JOBS_ID,
            title,
            Status.UNKNOWN,
            "queue_job unreadable",
            "mail_queue_job is installed but its queue_job rows could not be read",
            "Check the database user's rights on queue_job (see --debug)",
        )
    waited = in_minutes(facts.now - jobs.oldest_waiting) if jobs.oldest_waiting else 0.0
    perf = (
        Perf("mail_jobs_waiting", jobs.waiting),
        Perf("mail_jobs_failed", jobs.failed, thresholds.warn_failed, thresholds.crit_failed),
        Perf("mail_jobs_oldest_min", round(max(waited, 0.0))),
    )
    counts = f"{jobs.waiting} waiting, {jobs.started} running, {jobs.failed} failed"
    if jobs.failed >= thresholds.warn_failed or waited > thresholds.max_interval_min:
        critical = jobs.failed >= thresholds.crit_failed or waited > 2 * thresholds.max_interval_min
        parts = []
        if jobs.failed:
            parts.append(
                f"{jobs.failed} send jobs failed (their mails stay outgoing until requeued)"
            )
        if waited > thresholds.max_interval_min:
            parts.append(
                f"the oldest waiting job was queued {human_age(waited * 60)} ago: no job "
                "runner seems to take them"
            )
        return CheckResult(
            MAIL_JOBS_ID,
            title,
            Status.CRITICAL if critical else Status.WARNING,
            counts,
            "; ".join(parts).capitalize(),
            JOB_RUNNER_FIX,
            perf,
        )
    note = f"; {jobs.failed} failed" if jobs.failed else ""
    oldest = f", the oldest queued {human_age(waited * 60)} ago" if jobs.waiting else ""
    return CheckResult(
        MAIL_JOBS_ID,
        title,
        Status.OK,
        counts,
        f"The job runner sends the mails: {jobs.waiting} jobs waiting{oldest}{note}",
        "",
        perf,
    )


def check_tracking_errors(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    """mail_tracking: send errors it recorded, which Odoo's mail rows may not show."""
    title = "Send errors (mail_tracking)"
    tracking = facts.oca.tracking
    if tracking is None:
        return CheckResult(
            TRACKING_ID,
            title,
            Status.UNKNOWN,
            "mail_tracking_email unreadable",
            "mail_tracking is installed but mail_tracking_email could not be read",
            "Check the database user's rights on mail_tracking_email (see --debug)",
        )
    perf = (Perf("tracking_errors_24h", tracking.errors, thresholds.warn_failed, None),)
    if not tracking.errors:
        why = "mail_tracking recorded no send error in the last 24 h"
        return ok_result(TRACKING_ID, title, "no send errors", why, *perf)
    kinds = ", ".join(f"{kind} {count}" for kind, count in tracking.by_type[:4])
    hidden = (
        f"; {tracking.shown_sent} of them belong to mails Odoo shows as sent"
        if tracking.shown_sent
        else ""
    )
    status = Status.WARNING
    if tracking.errors >= thresholds.crit_failed:
        status = Status.CRITICAL
    return CheckResult(
        TRACKING_ID,
        title,
        status,
        f"{tracking.errors} send errors in 24 h",
        f"mail_tracking recorded {tracking.errors} refused sends in the last 24 h ({kinds})"
        f"{hidden}. It catches the SMTP error, so Odoo keeps its placeholder reason on the "
        "mail ('Error without exception') or marks it sent when another recipient went "
        "through",
        "Read the errors in Odoo (Email > Tracking emails, state Error); their "
        "error_description is the server's reply",
        perf,
    )
