"""Checks of the waiting mails: the oldest one due, and those scheduled for later."""

from __future__ import annotations

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
from console.domain.timefmt import human_age


def check_oldest_outgoing(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Oldest mail waiting"
    if facts.outgoing is None:
        return unknown_result("oldest_outgoing", title, "the outgoing queue")
    interval = cron_interval(facts.queue_cron) or timedelta(hours=1)
    warn_min = in_minutes(interval) + thresholds.cron_grace_min
    crit_min = (
        thresholds.max_oldest_outgoing_min
        if thresholds.max_oldest_outgoing_min is not None
        else 2 * in_minutes(interval) + thresholds.cron_grace_min
    )
    warn_min = min(warn_min, crit_min)
    if facts.oldest_due_outgoing is None:
        return ok_result(
            "oldest_outgoing",
            title,
            "nothing waiting",
            "No outgoing mail is due",
            Perf("oldest_outgoing_min", 0, warn_min, crit_min),
            Perf("outgoing", facts.outgoing),
        )
    waited = max(0.0, in_minutes(facts.now - facts.oldest_due_outgoing))
    perf = (
        Perf("oldest_outgoing_min", round(waited), round(warn_min), round(crit_min)),
        Perf("outgoing", facts.outgoing),
    )
    text = human_age(waited * 60)
    if waited > crit_min or waited > warn_min:
        status = Status.CRITICAL if waited > crit_min else Status.WARNING
        return CheckResult(
            "oldest_outgoing",
            title,
            status,
            f"oldest outgoing {text}",
            f"The oldest due mail has waited {text}, longer than the queue cron interval "
            f"({human_age(interval.total_seconds())}): the queue is not draining",
            "See the Email Queue Manager check; `odoo-mailq trigger` asks for a run, "
            "`odoo-mailq send` sends now",
            perf,
        )
    return CheckResult(
        "oldest_outgoing",
        title,
        Status.OK,
        f"oldest outgoing {text}",
        f"The oldest due mail has waited {text}, within one cron interval",
        "",
        perf,
    )


def check_scheduled(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Mails scheduled for later"
    if facts.scheduled_future is None:
        return unknown_result("scheduled_future", title, "the scheduled mails")
    if not facts.scheduled_future:
        return ok_result(
            "scheduled_future", title, "none scheduled", "No mail is scheduled for later"
        )
    when = ""
    if facts.next_scheduled is not None:
        when = (
            f"; the next is due in {human_age((facts.next_scheduled - facts.now).total_seconds())}"
        )
    return ok_result(
        "scheduled_future",
        title,
        f"{facts.scheduled_future} scheduled",
        f"{facts.scheduled_future} outgoing mails have a scheduled date in the future and wait "
        f"on purpose{when}",
        Perf("scheduled_future", facts.scheduled_future),
    )
