"""Throughput history: mails sent, failed and bounced per hour, from what Odoo keeps
(docs/odoo-history.md says which rows and what they cannot count).

The database counts per UTC hour (console.odoo.history); this module lays the hours out
(every hour of the window, none missing), sums days in the operator's zone and compares
them with the daily limit. What Odoo does not keep, how deep the queue was, comes from the
console's own samples (console.services.queue_samples): each hour's deepest sample, or
nothing for an hour the console did not run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from console.domain.errors import UsageError

KINDS = ("sent", "failed", "bounced")
MAX_DAYS = 60
HISTORY_OVER_API = (
    "The throughput history needs database access (--db or -c odoo.conf): over Odoo's API "
    "a notification has no date to group by"
)
QUEUED_TITLE = "queued (outgoing, sampled by the console while it ran)"
NOT_SAMPLED = "the console has not run on this database in this window"


@dataclass(frozen=True, slots=True)
class HourCounts:
    hour: datetime  # naive UTC, the start of the hour
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    queued: int | None = None  # the deepest outgoing count sampled in the hour, if any
    failed_depth: int | None = None  # the failed (exception) count of the same samples


@dataclass(frozen=True, slots=True)
class QueueSample:
    """The queue's depth as the console saw it at one moment."""

    at: datetime  # naive UTC
    outgoing: int
    failed: int


@dataclass(frozen=True, slots=True)
class DayCounts:
    day: date  # in the operator's zone
    sent: int
    failed: int
    bounced: int


@dataclass(frozen=True, slots=True)
class History:
    hours: tuple[HourCounts, ...]  # oldest first, every hour of the window
    sources: tuple[str, ...]  # the tables read ("mail_mail", "mail_notification", ...)
    since: datetime  # naive UTC
    until: datetime

    def days(self, tz: tzinfo) -> tuple[DayCounts, ...]:
        """The hours summed by day in ``tz``, oldest first."""
        sums: dict[date, list[int]] = {}
        for hour in self.hours:
            day = hour.hour.replace(tzinfo=UTC).astimezone(tz).date()
            total = sums.setdefault(day, [0, 0, 0])
            total[0] += hour.sent
            total[1] += hour.failed
            total[2] += hour.bounced
        return tuple(DayCounts(d, *counts) for d, counts in sorted(sums.items()))

    @property
    def sampled(self) -> bool:
        """Whether the console sampled the queue in any hour of the window."""
        return any(h.queued is not None for h in self.hours)

    def totals(self) -> tuple[int, int, int]:
        return (
            sum(h.sent for h in self.hours),
            sum(h.failed for h in self.hours),
            sum(h.bounced for h in self.hours),
        )


def check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"--days must be between 1 and {MAX_DAYS}")


def window(now: datetime, days: int) -> tuple[datetime, datetime]:
    """[since, until): ``days`` times 24 whole hours ending with the current hour."""
    until = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return until - timedelta(days=days), until


def lay_out(
    counted: Iterable[tuple[str, datetime, int]],
    since: datetime,
    until: datetime,
    sources: tuple[str, ...],
) -> History:
    """(kind, hour, count) rows, several per hour maybe, as every hour of the window."""
    table: dict[datetime, dict[str, int]] = {}
    for kind, hour, count in counted:
        if since <= hour < until and kind in KINDS:
            slot = table.setdefault(hour, {})
            slot[kind] = slot.get(kind, 0) + count
    hours = []
    moment = since
    while moment < until:
        slot = table.get(moment, {})
        hours.append(HourCounts(moment, slot.get("sent", 0), slot.get("failed", 0),
                                slot.get("bounced", 0)))  # fmt: skip
        moment += timedelta(hours=1)
    return History(tuple(hours), sources, since, until)


def with_samples(history: History, samples: Iterable[QueueSample]) -> History:
    """The history with each hour's deepest sampled queue (outgoing, and failed likewise);
    hours without a sample keep None: a gap, not an empty queue."""
    deepest: dict[datetime, tuple[int, int]] = {}
    for sample in samples:
        if not history.since <= sample.at < history.until:
            continue
        hour = sample.at.replace(minute=0, second=0, microsecond=0)
        outgoing, failed = deepest.get(hour, (sample.outgoing, sample.failed))
        deepest[hour] = (max(outgoing, sample.outgoing), max(failed, sample.failed))
    hours = tuple(
        replace(h, queued=deepest[h.hour][0], failed_depth=deepest[h.hour][1])
        if h.hour in deepest
        else h
        for h in history.hours
    )
    return replace(history, hours=hours)


SPARKS = "▁▂▃▄▅▆▇█"


def spark(values: Iterable[int], top: int | None = None) -> str:
    """A line of block characters, one per value, scaled to ``top`` (else the largest);
    zero is a space, so an idle hour reads as nothing."""
    numbers = list(values)
    peak = top or max(numbers, default=0)
    if peak <= 0:
        return " " * len(numbers)
    steps = len(SPARKS) - 1
    return "".join(" " if n <= 0 else SPARKS[min(steps, round(n * steps / peak))] for n in numbers)


def depth_spark(values: Sequence[int | None], top: int | None = None) -> str:
    """Like ``spark`` for a sampled depth: a space where nothing was sampled (a gap),
    ``·`` where the queue was sampled empty, else a block scaled to ``top``."""
    peak = top or max((n for n in values if n is not None), default=0)
    steps = len(SPARKS) - 1
    return "".join(
        " " if n is None else "·" if n <= 0 or peak <= 0
        else SPARKS[min(steps, round(n * steps / peak))]
        for n in values
    )  # fmt: skip


def squeeze(values: Sequence[int | None], width: int) -> list[int | None]:
    """``values`` in at most ``width`` columns, each the largest of its share (None when
    none of its values was sampled)."""
    count = len(values)
    if count <= width or width <= 0:
        return list(values)
    columns: list[int | None] = []
    for column in range(width):
        share = [v for v in values[column * count // width : (column + 1) * count // width]
                 if v is not None]  # fmt: skip
        columns.append(max(share) if share else None)
    return columns
