"""Every health check on a database: the facts through the data boundary, the pure rules
(console.domain.health), then the index advice (console.services.queue_index)."""

from __future__ import annotations

from datetime import datetime

from console.backends.base import MailQueueBackend
from console.domain.health import CheckResult, Thresholds, evaluate


def run_health(
    backend: MailQueueBackend,
    *,
    daily_limit: int | None = None,
    thresholds: Thresholds | None = None,
    now: datetime | None = None,
    index_max_age: float = 0.0,
) -> list[CheckResult]:
    """Every health check on this database, in a fixed order, then the index advice
    (measured on PostgreSQL; a measurement younger than `index_max_age` s is reused)."""
    from console.services.queue_index import queue_index_check

    facts = backend.health_facts(now=now)
    results = evaluate(facts, daily_limit=daily_limit, thresholds=thresholds)
    return [*results, queue_index_check(backend, max_age=index_max_age, now=now)]
