"""Checks of counts over time: failed mails, a failure spike, the daily sending volume."""

from __future__ import annotations

from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Perf,
    Status,
    Thresholds,
    unknown_result,
)


def check_failed(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Failed mails"
    if facts.failed is None:
        return unknown_result("failed_mails", title, "the failed mails")
    perf = (Perf("failed", facts.failed, thresholds.warn_failed, thresholds.crit_failed),)
    if facts.failed >= thresholds.crit_failed or facts.failed >= thresholds.warn_failed:
        status = Status.CRITICAL if facts.failed >= thresholds.crit_failed else Status.WARNING
        return CheckResult(
            "failed_mails",
            title,
            status,
            f"{facts.failed} failed",
            f"{facts.failed} mails are in Delivery Failed (Odoo never retries them by itself)",
            "See the causes (`odoo-mailq causes`), fix the configuration ones, then retry one "
            "cause at a time (`odoo-mailq retry --cause KEY`)",
            perf,
        )
    why = (
        f"{facts.failed} mails in Delivery Failed" if facts.failed else "No mail in Delivery Failed"
    )
    return CheckResult("failed_mails", title, Status.OK, f"{facts.failed} failed", why, "", perf)


def check_failure_spike(facts: HealthFacts, thresholds: Thresholds) -> CheckResult:
    title = "Failures in the last hour"
    if facts.failures_last_hour is None or facts.failures_prev_24h is None:
        return unknown_result("failure_spike", title, "the failure times")
    recent, before = facts.failures_last_hour, facts.failures_prev_24h
    rate = before / 24.0
    perf = (Perf("failures_last_hour", recent), Perf("failures_prev_24h", before))
    baseline = max(rate, 1.0)
    if recent >= thresholds.spike_min_count and recent >= thresholds.spike_factor * baseline:
        critical = (
            recent >= thresholds.spike_crit_count
            and recent >= thresholds.spike_crit_factor * baseline
        )
        return CheckResult(
            "failure_spike",
            title,
            Status.CRITICAL if critical else Status.WARNING,
            f"{recent} failures in the last hour",
            f"{recent} mails failed in the last hour against {rate:.1f}/hour over the 24 "
            "hours before: something just broke (credentials, relay, quota)",
            "Look at the newest cause (`odoo-mailq causes`) and probe the server "
            "(`odoo-mailq probe`)",
            perf,
        )
    return CheckResult(
        "failure_spike",
        title,
        Status.OK,
        f"{recent} failures last hour",
        f"{recent} failures in the last hour ({rate:.1f}/hour over the 24 hours before)",
        "",
        perf,
    )


def check_daily_volume(facts: HealthFacts, thresholds: Thresholds, daily_limit: int) -> CheckResult:
    title = "Mail volume (24 h)"
    if facts.volume_24h is None:
        return unknown_result("daily_volume", title, "the mail volume")
    volume = facts.volume_24h
    warn_at = daily_limit * thresholds.daily_warn_ratio
    perf = (Perf("volume_24h", volume, round(warn_at), daily_limit),)
    pending = facts.outgoing or 0
    if volume >= daily_limit:
        return CheckResult(
            "daily_volume",
            title,
            Status.CRITICAL,
            f"daily limit reached ({volume}/{daily_limit})",
            f"At least {volume} mails in the last 24 hours against a limit of {daily_limit}: "
            "further mail is refused until the quota resets",
            "Wait for the reset, ask the provider (Odoo support) for a higher quota, or use "
            "your own SMTP server; hold campaigns meanwhile",
            perf,
        )
    if volume >= warn_at or volume + pending > daily_limit:
        return CheckResult(
            "daily_volume",
            title,
            Status.WARNING,
            f"near daily limit ({volume}/{daily_limit})",
            f"At least {volume} mails in the last 24 hours and {pending} waiting, against a "
            f"limit of {daily_limit}",
            "Hold or reschedule big campaigns until the quota resets",
            perf,
        )
    return CheckResult(
        "daily_volume",
        title,
        Status.OK,
        f"{volume}/{daily_limit} in 24 h",
        f"At least {volume} mails in the last 24 hours (limit {daily_limit})",
        "",
        perf,
    )
