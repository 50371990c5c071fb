"""What the Prometheus exporter reports of one database, read through the data boundary.

One snapshot is a handful of bounded reads (counts per state, the red envelopes, the
failure texts grouped in SQL, the crons, the campaigns, the 24-hour volume, the bounce
windows), run side by side on the backend's connection pool: a scrape of a million-mail
database costs about its slowest read, not their sum (bench/metrics_scrape.py). The
failure texts are classified once each (console.domain.classify remembers them between
scrapes) and reported for the biggest causes only, the rest summed, so that a database of
many distinct failures cannot blow up the number of series.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from console.backends.base import MailQueueBackend
from console.domain.bounces import RateWindow
from console.domain.causes import CauseGroup, classified, merge_groups
from console.domain.classify.model import KLASSES
from console.domain.envelopes import EnvelopeCounts
from console.domain.errors import NotAvailable
from console.domain.mail_crons import EMAIL_QUEUE, find_cron
from console.domain.models import CampaignRow, CronRow, QueueStatus
from console.domain.states import MAIL_STATES
from console.domain.timefmt import utcnow_naive

T = TypeVar("T")
DEFAULT_MAX_CAUSES = 20  # causes reported one by one; the others are summed as "other"
OTHER_CAUSES = "other"  # the key, class and title of that sum
READS_AT_ONCE = 3  # connections one snapshot uses at most


@dataclass(frozen=True, slots=True)
class CauseCount:
    """Failed mails of one cause (key: as `causes` and `retry --cause` name it)."""

    key: str
    klass: str
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class QueueCron:
    """The Email Queue Manager cron as the exporter reports it."""

    active: bool
    late_seconds: float  # since its next call was due; 0 when not yet due
    running: bool | None  # None: cannot be told (SQLite, Odoo's API)


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """One database's queue, read at ``now`` (UTC, naive as Odoo stores it)."""

    now: datetime
    odoo_version: str
    counts: dict[str, int]  # every state of MAIL_STATES, then any a module added
    oldest_due_age_seconds: float  # the oldest outgoing mail already due; 0: none
    scheduled_future: int
    envelopes: EnvelopeCounts | None  # None: not available over this connection
    failed_by_class: dict[str, int]  # every class of the classifier
    causes: tuple[CauseCount, ...]  # biggest first, then OTHER_CAUSES if any were cut
    queue_cron: QueueCron | None  # None: the cron is missing
    campaign_head_stuck_seconds: float  # the sending head's quiet time; 0: none stuck
    volume_24h: int
    bounces: tuple[RateWindow, ...] | None  # last 24 hours, last 7 days


def read_snapshot(
    backend: MailQueueBackend, *, max_causes: int = DEFAULT_MAX_CAUSES, now: datetime | None = None
) -> QueueSnapshot:
    """Read one snapshot; ConsoleError (ConnectionFailed, QueryFailed) when the database
    cannot answer, what this connection cannot read at all (NotAvailable) left out."""
    moment = now or utcnow_naive()
    with ThreadPoolExecutor(READS_AT_ONCE, thread_name_prefix="odoo-mailq-metrics") as pool:
        # The two slowest reads first, each on a connection of its own.
        envelopes = pool.submit(_optional, backend.envelope_counts)
        groups = pool.submit(backend.failure_groups)
        counts = pool.submit(lambda: backend.status_and_volume(now=moment))
        crons = pool.submit(backend.crons)
        campaigns = pool.submit(lambda: backend.campaigns(outgoing_counts=False))
        bounces = pool.submit(
            _optional, lambda: backend.bounce_overview(days=1, limit=1, now=moment)
        )
        causes = merge_groups(classified(groups.result()))
        overview = bounces.result()
        status, volume = counts.result()
        return QueueSnapshot(
            now=moment,
            odoo_version=backend.info.odoo_version_label,
            counts=_counts(status),
            oldest_due_age_seconds=_age(status.oldest_due_outgoing, moment),
            scheduled_future=status.scheduled_future,
            envelopes=envelopes.result(),
            failed_by_class=_by_class(causes),
            causes=cause_counts(causes, max_causes),
            queue_cron=_queue_cron(crons.result(), moment),
            campaign_head_stuck_seconds=head_stuck_seconds(campaigns.result(), moment),
            volume_24h=volume,
            bounces=None if overview is None else (overview.last_24h, overview.last_7d),
        )


def _optional(read: Callable[[], T]) -> T | None:
    try:
        return read()
    except NotAvailable:
        return None


def _age(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else max(0.0, (now - moment).total_seconds())


def _counts(status: QueueStatus) -> dict[str, int]:
    counts = {state: status.counts.get(state, 0) for state in MAIL_STATES}
    for state, count in status.counts.items():
        counts.setdefault(state, count)
    return counts


def _by_class(causes: list[CauseGroup]) -> dict[str, int]:
    totals = dict.fromkeys(KLASSES, 0)
    for cause in causes:
        klass = cause.classification.klass
        totals[klass] = totals.get(klass, 0) + cause.count
    return totals


def cause_counts(causes: list[CauseGroup], limit: int) -> tuple[CauseCount, ...]:
    """The ``limit`` biggest causes (as `causes` orders them), the rest summed."""
    kept = [
        CauseCount(c.key, c.classification.klass, c.classification.title, c.count)
        for c in causes[:limit]
    ]
    rest = sum(c.count for c in causes[limit:])
    if rest:
        kept.append(CauseCount(OTHER_CAUSES, OTHER_CAUSES, OTHER_CAUSES, rest))
    return tuple(kept)


def _queue_cron(crons: list[CronRow], now: datetime) -> QueueCron | None:
    cron = find_cron(crons, EMAIL_QUEUE)
    if cron is None:
        return None
    late = _age(cron.nextcall, now) if cron.active else 0.0
    return QueueCron(active=cron.active, late_seconds=late, running=cron.running)


def head_stuck_seconds(campaigns: list[CampaignRow], now: datetime) -> float:
    """How long the campaign at the head of the mass-mailing queue has been sending
    without a new trace (0: no head, or a head not sending yet): what the health check
    `campaign_head` judges against the queue cron's interval."""
    head = next((c for c in campaigns if c.is_head), None)
    if head is None or head.state != "sending":
        return 0.0
    return _age(head.last_trace_at or head.calendar_date, now)
