"""The bounce rate: of the mails the receiving servers accepted over the last 24 hours and
the last 7 days, how many came back (docs/odoo-bounces.md; README "Bounces" says why
these thresholds)."""

from __future__ import annotations

from console.domain.bounces import RateWindow, percent
from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Perf,
    Status,
    Thresholds,
    ok_result,
    unknown_result,
    worst,
)

_WORDS = {"24h": "the last 24 hours", "7d": "the last 7 days"}


def _judge(window: RateWindow, thresholds: Thresholds) -> Status:
    rate = window.rate
    if rate is None or window.sent < thresholds.bounce_min_sent:
        return Status.OK  # too few mails to judge: one bounce of two mails pages nobody
    if rate >= thresholds.crit_bounce_rate:
        return Status.CRITICAL
    if rate >= thresholds.warn_bounce_rate:
        return Status.WARNING
    return Status.OK


def _said(window: RateWindow, thresholds: Thresholds) -> str:
    words = _WORDS.get(window.label, window.label)
    found = f"{window.bounced} of {window.sent} mails bounced in {words} ({percent(window.rate)})"
    if window.sent < thresholds.bounce_min_sent:
        return f"{found}: too few to judge (from {thresholds.bounce_min_sent} mails)"
    return found


def check_bounces(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Bounce rate"
    windows = facts.bounces
    if windows is None:
        return unknown_result("bounces", title, "the bounced notifications and traces")
    perf: list[Perf] = []
    for w in windows:
        value = round(100 * (w.rate or 0.0), 2)
        warn, crit = 100 * thresholds.warn_bounce_rate, 100 * thresholds.crit_bounce_rate
        perf.append(Perf(f"bounce_rate_{w.label}", value, warn, crit, "%"))
        perf.append(Perf(f"sent_{w.label}", w.sent))
        perf.append(Perf(f"bounced_{w.label}", w.bounced))
    statuses = [_judge(w, thresholds) for w in windows]
    status = worst(statuses)
    why = "; ".join(_said(w, thresholds) for w in windows)
    summary = "bounce rate " + ", ".join(f"{percent(w.rate)} {w.label}" for w in windows)
    if not any(w.sent for w in windows):
        summary = "no mail accepted in 7 days"
    if status is Status.OK:
        return ok_result("bounces", title, summary, why, *perf)
    critical = status is Status.CRITICAL
    limit = thresholds.crit_bounce_rate if critical else thresholds.warn_bounce_rate
    return CheckResult(
        "bounces",
        title,
        status,
        summary,
        f"{why}: at or above {percent(limit)}, mailbox providers and ESPs start to throttle "
        "or block the sender",
        "See which addresses and campaigns bounce (`odoo-mailq bounces`): clean the lists "
        "(blacklist the dead addresses), check the campaign's source of addresses",
        tuple(perf),
    )
