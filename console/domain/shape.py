"""The shape of the queue (Postfix's qshape): mails by a key (recipient domain, server,
document model, cause) against age buckets.

The database counts (console.odoo.shape: one GROUP BY over the raw keys and the bucket);
this module names the buckets, merges raw keys that share a label (two server inputs that
pick the same server, two texts of one cause) and keeps the biggest rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.domain.errors import UsageError

# Upper bounds of the age buckets, in minutes: [0, 5), [5, 10), ... [320, 640), then more.
BUCKET_MINUTES = (5, 10, 20, 40, 80, 160, 320, 640)
BUCKET_LABELS = (*(f"{m}m" for m in BUCKET_MINUTES), "more")
LATER = -1  # an outgoing mail scheduled after now: not in the shape, counted apart
SHAPE_BY = ("domain", "server", "model", "cause")
SHAPE_STATES = {"outgoing": "outgoing", "failed": "exception"}
OTHERS = "others"
NO_DOMAIN = "(no recipient)"
NO_MODEL = "(no document)"
SHAPE_OVER_API = (
    "The queue shape needs database access (--db or -c odoo.conf): Odoo's API cannot group "
    "mails by recipient domain and age"
)


def bucket_bounds(now: datetime) -> tuple[datetime, ...]:
    """The lower time of each bucket but the last: a mail whose age time is at or after
    ``bounds[i]`` (and before ``bounds[i-1]``) is in bucket i."""
    return tuple(now - timedelta(minutes=m) for m in BUCKET_MINUTES)


def bucket_of(age_time: datetime | None, now: datetime) -> int:
    """The bucket of one time (the SQL's CASE, for rows read one by one)."""
    if age_time is None:
        return len(BUCKET_MINUTES)
    for index, bound in enumerate(bucket_bounds(now)):
        if age_time >= bound:
            return index
    return len(BUCKET_MINUTES)


@dataclass(frozen=True, slots=True)
class ShapeRow:
    key: str
    counts: tuple[int, ...]  # one per bucket, BUCKET_LABELS' order
    filter_text: str = ""  # what the mail list's filter takes to show these mails ("" none)

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class QueueShape:
    by: str
    state: str  # "outgoing" or "failed"
    rows: tuple[ShapeRow, ...]  # biggest first, the rest folded into OTHERS
    total: ShapeRow  # every mail once (a mail to two domains is in two domain rows)
    later: int  # outgoing mails scheduled after now, not in the buckets
    at: datetime  # now, naive UTC: the ages are from it


def check_shape_options(by: str, state: str, limit: int) -> None:
    if by not in SHAPE_BY:
        raise UsageError(f"--by must be one of {', '.join(SHAPE_BY)}")
    if state not in SHAPE_STATES:
        raise UsageError(f"--state must be one of {', '.join(SHAPE_STATES)}")
    if limit < 1:
        raise UsageError("--limit must be a positive number of rows")


def fold(counted: Iterable[tuple[str, int, int]]) -> dict[str, list[int]]:
    """(label, bucket, count) rows, several per label maybe, as label -> counts per
    bucket; the LATER bucket is left out."""
    table: dict[str, list[int]] = {}
    for label, bucket, count in counted:
        if bucket == LATER:
            continue
        counts = table.setdefault(label, [0] * len(BUCKET_LABELS))
        counts[min(max(bucket, 0), len(BUCKET_LABELS) - 1)] += count
    return table


def top_rows(
    table: dict[str, list[int]], limit: int, filters: dict[str, str] | None = None
) -> tuple[ShapeRow, ...]:
    """The ``limit`` biggest rows (by total, then by label), the rest summed in OTHERS."""
    ordered = sorted(table.items(), key=lambda item: (-sum(item[1]), item[0]))
    shown = [ShapeRow(k, tuple(c), (filters or {}).get(k, "")) for k, c in ordered[:limit]]
    rest = ordered[limit:]
    if rest:
        summed = [sum(counts[i] for _, counts in rest) for i in range(len(BUCKET_LABELS))]
        shown.append(ShapeRow(f"{OTHERS} ({len(rest)})", tuple(summed)))
    return tuple(shown)


def total_row(counted: Iterable[tuple[int, int]]) -> tuple[ShapeRow, int]:
    """(bucket, count) of every mail once: the TOTAL row and the mails scheduled later."""
    counts = [0] * len(BUCKET_LABELS)
    later = 0
    for bucket, count in counted:
        if bucket == LATER:
            later += count
        else:
            counts[min(max(bucket, 0), len(BUCKET_LABELS) - 1)] += count
    return ShapeRow("TOTAL", tuple(counts)), later


def domain_filter_text(domain: str) -> str:
    """The mail list's filter for a recipient domain (console.domain.text.recipient_domain)."""
    return f"@{domain}"
