"""The bounce-rate health check: thresholds, the minimum sample, perf data, and its
options on `check` (README "Bounces")."""

from __future__ import annotations

from datetime import datetime

import pytest

from console.domain.bounces import RateWindow, campaign_denominator
from console.domain.health import HealthFacts, Status, Thresholds, check_bounces, evaluate

NOW = datetime(2026, 12, 1, 12, 0)


def facts(day: tuple[int, int], week: tuple[int, int]) -> HealthFacts:
    return HealthFacts(
        now=NOW, version=17, bounces=(RateWindow("24h", *day), RateWindow("7d", *week))
    )


@pytest.mark.parametrize(
    ("day", "week", "status"),
    [
        ((1000, 10), (5000, 50), Status.OK),  # 1%
        ((1000, 20), (5000, 50), Status.WARNING),  # 2% today
        ((1000, 10), (5000, 150), Status.WARNING),  # 3% over the week
        ((1000, 60), (5000, 100), Status.CRITICAL),  # 6% today
        ((2, 1), (2, 1), Status.OK),  # 1 bounce of 2 mails: too few to judge
        ((99, 50), (99, 50), Status.OK),  # under the minimum sample, however bad
        ((100, 5), (100, 5), Status.CRITICAL),  # from the minimum sample: 5%
        ((0, 0), (0, 0), Status.OK),
    ],
)
def test_status_from_rates(day: tuple[int, int], week: tuple[int, int], status: Status) -> None:
    result = check_bounces(facts(day, week), Thresholds())
    assert result.status is status, result.why
    assert result.id == "bounces"


def test_too_few_says_so_and_perf_data() -> None:
    result = check_bounces(facts((2, 1), (40, 1)), Thresholds())
    assert "too few to judge (from 100 mails)" in result.why
    perf = {p.label: p for p in result.perf}
    assert perf["bounce_rate_24h"].value == 50.0 and perf["bounce_rate_24h"].uom == "%"
    assert (perf["bounce_rate_24h"].warn, perf["bounce_rate_24h"].crit) == (2.0, 5.0)
    assert perf["sent_7d"].value == 40 and perf["bounced_7d"].value == 1


def test_thresholds_configurable() -> None:
    strict = Thresholds(warn_bounce_rate=0.005, crit_bounce_rate=0.01, bounce_min_sent=2)
    assert check_bounces(facts((2, 1), (2, 1)), strict).status is Status.CRITICAL
    critical = check_bounces(facts((1000, 60), (5000, 60)), Thresholds())
    assert "odoo-mailq bounces" in critical.fix and "5.0%" in critical.why


def test_unreadable_is_unknown_and_listed_in_evaluate() -> None:
    result = check_bounces(HealthFacts(now=NOW, version=17), Thresholds())
    assert result.status is Status.UNKNOWN
    ids = [r.id for r in evaluate(facts((1, 0), (1, 0)))]
    assert ids.index("bounces") == ids.index("envelopes") + 1


def test_campaign_denominator_per_version() -> None:
    assert campaign_denominator(16, 10, 1, 1) == 9
    assert campaign_denominator(18, 10, 1, 1) == 9
    assert campaign_denominator(19, 10, 1, 1) == 8
