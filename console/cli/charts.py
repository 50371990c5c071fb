"""`shape` (the queue by recipient domain, server, model or cause against age buckets,
like Postfix's qshape) and `history` (sent, failed and bounced per hour, per day against
the daily limit). README "Queue shape" and "Throughput history"."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, Any

from console.domain.errors import NotAvailable, UsageError
from console.domain.history import (
    HISTORY_OVER_API,
    NOT_SAMPLED,
    QUEUED_TITLE,
    History,
    check_days,
    depth_spark,
    spark,
)
from console.domain.sanitize import one_line
from console.domain.shape import (
    BUCKET_LABELS,
    SHAPE_BY,
    SHAPE_OVER_API,
    SHAPE_STATES,
    QueueShape,
    ShapeRow,
    check_shape_options,
)
from console.domain.timefmt import iso_utc, zone_name

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings

CHART_COMMANDS = frozenset({"shape", "history"})
BY_TITLE = {
    "domain": "recipient domain",
    "server": "server",
    "model": "document model",
    "cause": "cause",
}
AGE_FROM = {"outgoing": "since due", "failed": "since it failed"}
KEY_WIDTH = 20


def add_chart_parsers(sub: Any) -> None:
    shape = sub("shape", "the queue by recipient domain (or server, model, cause) and age")
    shape.add_argument("--by", choices=SHAPE_BY, default="domain", help="rows (default domain)")
    shape.add_argument(
        "--state", choices=sorted(SHAPE_STATES), default="outgoing", help="default outgoing"
    )
    shape.add_argument("--limit", type=int, default=20, help="rows before 'others' (default 20)")
    history = sub("history", "mails sent, failed and bounced per hour over the last days")
    history.add_argument("--days", type=int, default=3, help="days back (default 3, up to 60)")
    history.add_argument(  # also before the command: SUPPRESS keeps that value
        "--daily-limit",
        type=int,
        metavar="N",
        default=argparse.SUPPRESS,
        help="your provider's mails-per-day quota: days above it are marked",
    )


def dispatch_charts(settings: ConnectionSettings, args: argparse.Namespace, tz: tzinfo) -> int:
    from console.backends.connect import open_backend

    if args.command == "shape":
        check_shape_options(args.by, args.state, args.limit)
    else:
        check_days(args.days)
        _daily_limit(args)
    if settings.api_url:  # said before any request: Odoo's API cannot give these counts
        raise NotAvailable(SHAPE_OVER_API if args.command == "shape" else HISTORY_OVER_API)
    backend = open_backend(settings)
    try:
        output = run_chart(backend, args, tz)
    finally:
        backend.close()
    print(output)
    return 0


def run_chart(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    if args.command == "shape":
        shape = backend.queue_shape(by=args.by, state=args.state, limit=args.limit)
        return json.dumps(shape_json(shape), indent=2) if args.json else shape_text(shape)
    from console.services.queue_samples import add_samples

    history = add_samples(backend.throughput(days=args.days), backend.info.display_url)
    limit = _daily_limit(args)
    if args.json:
        return json.dumps(history_json(history, tz, limit), indent=2)
    return history_text(history, tz, limit)


def _daily_limit(args: argparse.Namespace) -> int | None:
    limit = getattr(args, "daily_limit", None)
    if limit is not None and limit <= 0:
        raise UsageError("--daily-limit must be a positive number of mails")
    return None if limit is None else int(limit)


# -- shape ----------------------------------------------------------------------------
def _row_json(row: ShapeRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "total": row.total,
        "counts": dict(zip(BUCKET_LABELS, row.counts, strict=True)),
        "filter": row.filter_text or None,
    }


def shape_json(shape: QueueShape) -> dict[str, Any]:
    return {
        "by": shape.by,
        "state": shape.state,
        "at": shape.at.isoformat() + "Z",  # to the microsecond: the buckets' edges
        "buckets": list(BUCKET_LABELS),
        "total": _row_json(shape.total),
        "rows": [_row_json(row) for row in shape.rows],
        "scheduled_later": shape.later,
    }


def shape_line(key: str, total: int, counts: tuple[int, ...], width: int = KEY_WIDTH) -> str:
    cells = "".join(f"{n:>6}" for n in (total, *counts))
    name = one_line(key)
    name = name if len(name) <= width else name[: width - 1] + "…"
    return f"{name:<{width}}{cells}"


def shape_text(shape: QueueShape) -> str:
    title = (
        f"{shape.state.capitalize()} mails by {BY_TITLE[shape.by]}, age {AGE_FROM[shape.state]}"
        f" (at {shape.at:%Y-%m-%d %H:%M} UTC)"
    )
    header = f"{'':<{KEY_WIDTH}}" + "".join(f"{h:>6}" for h in ("T", *BUCKET_LABELS))
    lines = [title, header, shape_line("TOTAL", shape.total.total, shape.total.counts)]
    lines += [shape_line(row.key, row.total, row.counts) for row in shape.rows]
    if not shape.rows:
        lines.append(f"No {shape.state} mail.")
    if shape.later:
        lines.append(f"{shape.later} outgoing mails scheduled for later are not counted.")
    if shape.by == "domain":
        lines.append(
            "A mail counts once under each domain it goes to (email_to's first address, "
            "each recipient partner): rows may add up to more than TOTAL."
        )
    return "\n".join(lines)


# -- history --------------------------------------------------------------------------
def history_json(history: History, tz: tzinfo, limit: int | None) -> dict[str, Any]:
    return {
        "since": iso_utc(history.since),
        "until": iso_utc(history.until),
        "sources": list(history.sources),
        "daily_limit": limit,
        "zone": zone_name(tz),
        "sampled": history.sampled,
        "hours": [
            {
                "hour": iso_utc(h.hour),
                "sent": h.sent,
                "failed": h.failed,
                "bounced": h.bounced,
                "queued": h.queued,
                "failed_depth": h.failed_depth,
            }
            for h in history.hours
        ],
        "days": [
            {
                "day": d.day.isoformat(),
                "sent": d.sent,
                "failed": d.failed,
                "bounced": d.bounced,
                "over_limit": None if limit is None else d.sent > limit,
            }
            for d in history.days(tz)
        ],
    }


def history_text(history: History, tz: tzinfo, limit: int | None) -> str:
    sent, failed, bounced = history.totals()
    limit_text = f"; daily limit {limit}" if limit is not None else ""
    lines = [
        f"Mails per hour from {history.since:%Y-%m-%d %H:00} to "
        f"{history.until:%Y-%m-%d %H:00} UTC, days in {zone_name(tz)}",
        f"Read from {', '.join(history.sources)}{limit_text}",
        f"{'day':<10} {'sent':>7} {'failed':>7} {'bounced':>7}  sent per hour, 00-23",
    ]
    peak = max((h.sent for h in history.hours), default=0)
    by_day: dict[str, list[int]] = {}
    for hour in history.hours:
        local = hour.hour.replace(tzinfo=UTC).astimezone(tz)
        by_day.setdefault(local.date().isoformat(), [0] * 24)[local.hour] += hour.sent
    for day in history.days(tz):
        mark = ""
        if limit is not None and day.sent > limit:
            mark = "  over"
        line = spark(by_day.get(day.day.isoformat(), []), peak)
        lines.append(
            f"{day.day.isoformat():<10} {day.sent:>7} {day.failed:>7} {day.bounced:>7}  "
            f"{line}{mark}"
        )
    lines.append(f"{'total':<10} {sent:>7} {failed:>7} {bounced:>7}")
    lines.append("Sent: handed to the SMTP server, bounced ones included. A sent mail Odoo")
    lines.append("deleted counts only by its notifications or traces (docs/odoo-history.md).")
    lines += queued_text(history, tz)
    return "\n".join(lines)


def queued_text(history: History, tz: tzinfo) -> list[str]:
    """The fourth series: the deepest outgoing count the console sampled in each hour
    (blank: not sampled, `·`: sampled empty), or one line saying there is none."""
    if not history.sampled:
        return [f"Queued: {NOT_SAMPLED}."]
    lines = [
        f"{QUEUED_TITLE[0].upper()}{QUEUED_TITLE[1:]}:",
        f"{'day':<10} {'deepest':>7} {'failed':>7} {'':>7}  deepest per hour, 00-23",
    ]
    peak = max((h.queued for h in history.hours if h.queued is not None), default=0)
    by_day: dict[str, list[int | None]] = {}
    failed_by_day: dict[str, int] = {}
    for hour in history.hours:
        local = hour.hour.replace(tzinfo=UTC).astimezone(tz)
        key = local.date().isoformat()
        by_day.setdefault(key, [None] * 24)[local.hour] = hour.queued
        if hour.failed_depth is not None:
            failed_by_day[key] = max(failed_by_day.get(key, 0), hour.failed_depth)
    for day, values in by_day.items():
        sampled = [v for v in values if v is not None]
        if not sampled:
            lines.append(f"{day:<10} {'-':>7} {'-':>7}")
            continue
        lines.append(f"{day:<10} {max(sampled):>7} {failed_by_day.get(day, 0):>7} {'':>7}  "
                     f"{depth_spark(values, peak)}".rstrip())  # fmt: skip
    lines.append("Blank: the console did not run that hour; ·: it saw no outgoing mail.")
    return lines
