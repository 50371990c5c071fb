"""The index advice for Odoo's queue search: measured through the data boundary (reads
only, PostgreSQL), judged by the pure rule, a measurement reused for a while."""

from __future__ import annotations

import time
import weakref
from datetime import datetime

from console.backends.base import MailQueueBackend
from console.domain.health import CheckResult
from console.domain.queue_index import AdviceThresholds, QueueIndexFacts, check_queue_index

REMEASURE_SECONDS = 900.0  # the TUI's health runs reuse a measurement this long
_cache: weakref.WeakKeyDictionary[MailQueueBackend, tuple[float, QueueIndexFacts]] = (
    weakref.WeakKeyDictionary()
)


def queue_index_check(
    backend: MailQueueBackend,
    *,
    thresholds: AdviceThresholds | None = None,
    max_age: float = 0.0,
    now: datetime | None = None,
) -> CheckResult:
    """The index advice; a measurement younger than `max_age` seconds is reused."""
    limits = thresholds or AdviceThresholds()
    cached = _cache.get(backend)
    if cached is not None and max_age > 0 and time.monotonic() - cached[0] < max_age:
        facts = cached[1]
    else:
        facts = backend.queue_index_facts(min_rows=limits.min_rows, now=now)
        _cache[backend] = (time.monotonic(), facts)
    return check_queue_index(facts, limits)
