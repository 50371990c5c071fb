"""Throughput history: mails sent, failed and bounced per hour, from what Odoo keeps
(docs/odoo-history.md says which rows and what they cannot count).

The database counts per UTC hour (console.odoo.history); this module lays the hours out
(every hour of the window, none missing), sums days in the operator's zone and compares
them with the daily limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from console.domain.errors import UsageError

KINDS = ("sent", "failed", "bounced")
MAX_DAYS = 60
HISTORY_OVER_API = (
    "The throughput history needs database access (--db or -c odoo.conf): over Odoo's API "
    "a notification has no date to group by"
)


@dataclass(frozen=True, slots=True)
class HourCounts:
    hour: datetime  # naive UTC, the start of the hour
    sent: int = 0
    failed: int = 0
    bounced: int = 0


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
