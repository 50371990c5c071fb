"""Odoo stores naive UTC datetimes; operators read local time with the zone named."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.domain.errors import UsageError

LOCALTIME = Path("/etc/localtime")


def resolve_timezone(name: str | None, localtime: Path = LOCALTIME) -> tzinfo:
    """The zone named by --tz, else $TZ, else the machine's own zone with its rules."""
    name = name or os.environ.get("TZ") or None
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise UsageError(
                f"Unknown time zone {name!r} (use a name like Europe/Paris or UTC)"
            ) from exc
    return machine_zone(localtime)


def machine_zone(localtime: Path = LOCALTIME) -> tzinfo:
    """The zone ``/etc/localtime`` names, summer time included: Python's own local time
    is a fixed offset (today's), which puts half the year's times an hour off."""
    try:
        target = os.path.realpath(localtime)
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        with localtime.open("rb") as handle:
            return ZoneInfo.from_file(handle, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC


def zone_name(tz: tzinfo) -> str:
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    return datetime.now(tz).tzname() or str(tz)


def to_local(value: datetime | None, tz: tzinfo) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)


def iso_utc(value: datetime | None) -> str | None:
    """Stable JSON form: ISO 8601 in UTC with a Z suffix."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def short_local(value: datetime | None, tz: tzinfo, now: datetime | None = None) -> str:
    """Compact local time for a table cell: 'HH:MM' today, 'Mon DD HH:MM' otherwise."""
    local = to_local(value, tz)
    if local is None:
        return ""
    today = (now or datetime.now(UTC)).astimezone(tz).date()
    if local.date() == today:
        return local.strftime("%H:%M today")
    if local.year == today.year:
        return local.strftime("%b %d %H:%M")
    return local.strftime("%Y-%m-%d")


def full_local(value: datetime | None, tz: tzinfo) -> str:
    local = to_local(value, tz)
    if local is None:
        return ""
    return local.strftime("%Y-%m-%d %H:%M:%S %Z")


def as_naive_datetime(value: object) -> datetime | None:
    """A timestamp column as a naive UTC datetime: PostgreSQL gives datetimes, SQLite text."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def utcnow_naive() -> datetime:
    """Now in UTC without tzinfo, comparable with Odoo's stored values."""
    return datetime.now(UTC).replace(tzinfo=None)


def human_age(seconds: float) -> str:
    """'45s', '12m', '2h', '2h05m', '3d4h'."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        hours, minutes = seconds // 3600, (seconds % 3600) // 60
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    return f"{seconds // 86400}d{(seconds % 86400) // 3600}h"


SQL_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a datetime in SQLite


def sql_timestamp(moment: datetime) -> str:
    """A naive UTC datetime as the databases' text (what the journal keeps)."""
    return moment.strftime(SQL_TIMESTAMP)
