"""Check of the mass-mailing queue: the campaign at its head sends, or says why not."""

from __future__ import annotations

from datetime import timedelta

from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Status,
    Thresholds,
    cron_interval,
    in_minutes,
    ok_result,
    unknown_result,
)
from console.domain.timefmt import human_age


def _stall_limit(facts: HealthFacts, thresholds: Thresholds) -> timedelta:
    interval = cron_interval(facts.mass_mailing_cron) or timedelta(
        minutes=thresholds.campaign_stall_cap_min
    )
    minutes = max(
        thresholds.campaign_stall_floor_min,
        min(in_minutes(interval), thresholds.campaign_stall_cap_min),
    )
    return timedelta(minutes=minutes)


def check_campaign_head(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Mass-mailing queue head"
    if facts.campaigns is None:
        return unknown_result("campaign_head", title, "the mass-mailing queue")
    head = next((c for c in facts.campaigns if c.is_head), None)
    if head is None:
        return ok_result("campaign_head", title, "no campaign due", "No campaign is due to send")
    behind = sum(1 for c in facts.campaigns if c.due) - 1
    name = head.name or head.subject
    if head.state == "sending":
        last = head.last_trace_at or head.calendar_date
        limit = _stall_limit(facts, thresholds)
        if last is not None and facts.now - last > limit:
            quiet = human_age((facts.now - last).total_seconds())
            waiting = f"; {behind} campaigns wait behind it" if behind > 0 else ""
            return CheckResult(
                "campaign_head",
                title,
                Status.CRITICAL if behind > 0 else Status.WARNING,
                f"campaign {name!r} stuck {quiet}",
                f"Campaign #{head.id} {name!r} is in Sending with no new trace for {quiet} "
                f"(more than {human_age(limit.total_seconds())}){waiting}",
                "Read the Odoo log of the Mail Marketing queue cron and ask it to run now "
                "(`odoo-mailq trigger mass_mailing.ir_cron_mass_mailing_queue`); Odoo has no "
                "Cancel for a campaign in Sending, but the queued ones behind it can be "
                "cancelled (`odoo-mailq cancel-campaign ID`)",
            )
        return ok_result("campaign_head", title, "head sending", f"Campaign #{head.id} is sending")
    cron = facts.mass_mailing_cron
    if cron is not None and (not cron.active or cron.overdue):
        state = "inactive" if not cron.active else "overdue"
        if not cron.active and facts.paused is not None and facts.paused.campaigns:
            state = "paused by the console"
        return CheckResult(
            "campaign_head",
            title,
            Status.WARNING,
            f"mass-mailing cron {state}",
            f"Campaign #{head.id} {name!r} is due but the Mail Marketing queue cron is {state}",
            "Re-activate the Mail Marketing: Process queue cron, or `odoo-mailq trigger "
            "mass_mailing.ir_cron_mass_mailing_queue`",
        )
    return ok_result("campaign_head", title, "head queued", f"Campaign #{head.id} {name!r} is next")
