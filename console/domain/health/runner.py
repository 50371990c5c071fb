"""Every check, in the order the reports list them, and `evaluate` that runs them."""

from __future__ import annotations

from collections.abc import Callable

from console.domain.health.addresses import check_admin_email, check_alias_domain
from console.domain.health.bounces import check_bounces
from console.domain.health.campaigns import check_campaign_head
from console.domain.health.envelopes import check_envelopes
from console.domain.health.model import (
    CheckResult,
    HealthFacts,
    Thresholds,
    not_available_result,
)
from console.domain.health.neutralization import check_neutralized, check_test_catcher
from console.domain.health.oca import (
    check_mail_jobs,
    check_oca_modules,
    check_tracking_errors,
    skipped_checks,
)
from console.domain.health.queue_age import check_oldest_outgoing, check_scheduled
from console.domain.health.queue_cron import (
    check_queue_cron,
    check_queue_cron_failures,
    check_queue_cron_interval,
)
from console.domain.health.servers import check_default_from, check_outgoing_server
from console.domain.health.volume import check_daily_volume, check_failed, check_failure_spike

CHECKS: tuple[Callable[[HealthFacts, Thresholds], CheckResult], ...] = (
    check_neutralized,
    check_outgoing_server,
    check_test_catcher,
    check_queue_cron,
    check_queue_cron_interval,
    check_queue_cron_failures,
    check_mail_jobs,
    check_oldest_outgoing,
    check_failed,
    check_tracking_errors,
    check_failure_spike,
    check_envelopes,
    check_bounces,
    check_scheduled,
    check_campaign_head,
    check_admin_email,
    check_alias_domain,
    check_default_from,
    check_oca_modules,
)


def evaluate(
    facts: HealthFacts, *, daily_limit: int | None = None, thresholds: Thresholds | None = None
) -> list[CheckResult]:
    """Every check over the facts, in a fixed order."""
    thresholds = thresholds or Thresholds()
    results = [_judged(check(facts, thresholds), facts) for check in CHECKS]
    if facts.version < 18:
        results = [r for r in results if r.id != "queue_cron_failures"]
    skipped = skipped_checks(facts)
    results = [r for r in results if r.id not in skipped]
    if daily_limit is not None:
        results.append(_judged(check_daily_volume(facts, thresholds, daily_limit), facts))
    return results


def _judged(result: CheckResult, facts: HealthFacts) -> CheckResult:
    """The check's result, or "not available" when this connection cannot read its facts."""
    reason = facts.unavailable(result.id)
    return result if reason is None else not_available_result(result.id, result.title, reason)
