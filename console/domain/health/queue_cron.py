"""Checks of the Email Queue Manager cron: on time, its interval, its failures."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Perf,
    Status,
    Thresholds,
    cron_interval,
    in_minutes,
    ok_result,
    unknown_result,
)
from console.domain.health.oca import intended_interval, intended_queue_cron_off
from console.domain.models import CronRow
from console.domain.pause import PauseState
from console.domain.timefmt import human_age

QUEUE_CRON_TITLE = "Email Queue Manager cron"
# The key of HealthFacts.not_available that says why a cron's run cannot be seen.
RUNNING_FACT = "queue_cron.running"


def _queue_cron_missing(facts: HealthFacts) -> CheckResult | None:
    """UNKNOWN when ir_cron was unreadable, CRITICAL when the cron is gone, else None."""
    title = QUEUE_CRON_TITLE
    if not facts.crons_read:
        return unknown_result("queue_cron", title, "ir_cron")
    if facts.queue_cron is None:
        return CheckResult(
            "queue_cron",
            title,
            Status.CRITICAL,
            "queue cron missing",
            "The cron mail.ir_cron_mail_scheduler_action (Mail: Email Queue Manager) was "
            "not found: nothing sends queued mail",
            "Upgrade the mail module (it recreates the cron), or restore it from a backup",
        )
    return None


def check_queue_cron(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    missing = _queue_cron_missing(facts)
    if missing is not None:
        return missing
    cron = facts.queue_cron
    assert cron is not None
    if facts.paused is not None and not cron.active:  # on purpose: not the failure below
        return _paused_queue(facts, facts.paused)
    if not cron.active:
        return intended_queue_cron_off(facts, cron) or _inactive_queue_cron(facts, cron)
    if cron.running:
        return _running_queue_cron(facts, cron, thresholds)
    if (
        cron.nextcall is not None
        and cron.nextcall + timedelta(minutes=thresholds.cron_grace_min) < facts.now
    ):
        overdue = _overdue_queue_cron(facts.now - cron.nextcall, cron_interval(cron))
        unseen = facts.unavailable(RUNNING_FACT) if cron.running is None else None
        if unseen is None:
            return overdue
        return replace(
            overdue,
            why=f"{overdue.why}. Whether a worker runs it right now is not available over "
            f"the API: {unseen}",
        )
    when = (
        f"next run in {human_age((cron.nextcall - facts.now).total_seconds())}"
        if cron.nextcall
        else ""
    )
    return ok_result(
        "queue_cron", QUEUE_CRON_TITLE, "queue cron on time", f"Active; {when}".rstrip("; ")
    )


def _paused_queue(facts: HealthFacts, paused: PauseState) -> CheckResult:
    """Paused by the console (odoo_mailq.pause): WARNING with how long, not CRITICAL."""
    seconds = (facts.now - paused.since).total_seconds() if paused.since else 0.0
    return CheckResult(
        "queue_cron",
        QUEUE_CRON_TITLE,
        Status.WARNING,
        f"queue paused {paused.for_how_long(facts.now).removeprefix('for ')}",
        f"Odoo's queue is {paused.describe(facts.now)}: queued mail waits",
        "`odoo-mailq resume` (or W in the console) when the incident is over",
        (Perf("queue_paused_min", round(seconds / 60)),),
    )


def _inactive_queue_cron(facts: HealthFacts, cron: CronRow) -> CheckResult:
    failures = cron.failure_count or 0
    if failures:
        since = (
            f" since {cron.first_failure_date:%Y-%m-%d %H:%M} UTC"
            if (cron.first_failure_date)
            else ""
        )
        why = (
            f"The cron is inactive after {failures} consecutive failures{since}: "
            "Odoo switched it off itself; queued mail is not sent"
        )
    elif facts.neutralized:
        why = "The cron is inactive (neutralization deactivates crons): queued mail waits"
    else:
        why = "The cron is inactive: queued mail is not sent"
    return CheckResult(
        "queue_cron",
        QUEUE_CRON_TITLE,
        Status.CRITICAL,
        "queue cron inactive",
        why,
        "Find why it failed in the Odoo log (if it did), then re-activate it in "
        "Settings > Technical > Scheduled Actions; `odoo-mailq trigger` runs it now",
    )


def _running_queue_cron(facts: HealthFacts, cron: CronRow, thresholds: Thresholds) -> CheckResult:
    late = (facts.now - cron.nextcall) if cron.nextcall else timedelta(0)
    if in_minutes(late) > thresholds.cron_running_long_min:
        return CheckResult(
            "queue_cron",
            QUEUE_CRON_TITLE,
            Status.WARNING,
            f"queue cron running for {human_age(late.total_seconds())}",
            f"A worker has held the cron for about {human_age(late.total_seconds())}: a very "
            "long batch or a stuck worker",
            "Look at the Odoo log and pg_stat_activity for the cron worker; lower "
            "mail.mail.queue.batch.size if batches are huge",
        )
    return ok_result(
        "queue_cron", QUEUE_CRON_TITLE, "queue cron running", "A worker is running it now"
    )


def _overdue_queue_cron(late: timedelta, interval: timedelta | None) -> CheckResult:
    missed_a_run = interval is None or late > interval
    return CheckResult(
        "queue_cron",
        QUEUE_CRON_TITLE,
        Status.CRITICAL if missed_a_run else Status.WARNING,
        f"queue cron overdue {human_age(late.total_seconds())}",
        f"Its next call was due {human_age(late.total_seconds())} ago and no worker ran it: "
        "no Odoo process runs crons for this database, or they are all busy",
        "Check that an Odoo server runs crons for this database (max_cron_threads > 0, "
        "db_name/--database, no --no-cron) and look for a long cron in `crons`; "
        "`odoo-mailq trigger` asks for a run",
        (Perf("queue_cron_late_min", round(in_minutes(late))),),
    )


def check_queue_cron_interval(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Email Queue Manager interval"
    missing = _queue_cron_missing(facts)
    if missing is not None:
        return CheckResult(
            "queue_cron_interval", title, missing.status, missing.summary, missing.why, missing.fix
        )
    interval = cron_interval(facts.queue_cron)
    if interval is None:
        return unknown_result("queue_cron_interval", title, "the cron interval")
    minutes = in_minutes(interval)
    every = human_age(interval.total_seconds())
    if intended := intended_interval(facts, minutes):
        return ok_result("queue_cron_interval", title, f"every {every} (intended)", intended)
    fix = (
        f"Set the Email Queue Manager to every {int(thresholds.recommended_interval_min)} minutes "
        "(Settings > Technical > Scheduled Actions)"
    )
    if minutes < thresholds.min_interval_min:
        return CheckResult(
            "queue_cron_interval",
            title,
            Status.WARNING,
            f"queue cron every {every}",
            f"Every {every} is below Odoo's {int(thresholds.min_interval_min)}-minute floor: runs "
            "overlap and hammer the relay",
            fix,
        )
    if minutes > thresholds.max_interval_min:
        return CheckResult(
            "queue_cron_interval",
            title,
            Status.WARNING,
            f"queue cron every {every}",
            f"Queued mail waits up to {every} between runs (Odoo recommends "
            f"{int(thresholds.recommended_interval_min)} minutes)",
            fix,
        )
    return ok_result(
        "queue_cron_interval",
        title,
        f"every {every}",
        f"Runs every {every} (Odoo recommends {int(thresholds.recommended_interval_min)} minutes)",
    )


def check_queue_cron_failures(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    """Odoo 18+: failure_count, and self-deactivation after 5 failures over 7 days."""
    title = "Email Queue Manager failures"
    missing = _queue_cron_missing(facts)
    if missing is not None:
        return CheckResult(
            "queue_cron_failures", title, missing.status, missing.summary, missing.why, missing.fix
        )
    cron = facts.queue_cron
    assert cron is not None
    if cron.failure_count is None:
        return ok_result(
            "queue_cron_failures", title, "not tracked", "This Odoo version counts no failures"
        )
    failures = int(cron.failure_count)
    perf = Perf("queue_cron_failures", failures, 1, 5)
    if failures == 0:
        return ok_result(
            "queue_cron_failures", title, "no failures", "Its last run succeeded", perf
        )
    since = (
        f" since {cron.first_failure_date:%Y-%m-%d %H:%M} UTC" if cron.first_failure_date else ""
    )
    status = Status.CRITICAL if failures >= 5 or not cron.active else Status.WARNING
    deactivate = (
        "Odoo switched it off"
        if not cron.active
        else "Odoo switches it off after 5 failures over 7 days"
    )
    return CheckResult(
        "queue_cron_failures",
        title,
        status,
        f"queue cron failed {failures}x",
        f"The last {failures} runs failed{since}; {deactivate}",
        "Read the Odoo log for 'Failed processing mail queue' and the traceback; fix it, "
        "then re-activate the cron if needed",
        (perf,),
    )
