"""Where Odoo's log is, which rotated copies it has (newest first), and ``--since`` times.

Rotations recognised next to ``odoo.log``: logrotate's ``odoo.log.1``, ``odoo.log.2.gz``
(and ``dateext``: ``odoo.log-20241126.gz``), Odoo's own ``logrotate`` option
(``TimedRotatingFileHandler``: ``odoo.log.2024-11-26``), compressed or not. odoo.sh keeps
``~/logs/odoo.log`` and its rotations.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

# -- files --------------------------------------------------------------------------------
_ROTATED = re.compile(
    r"^(?:\.(\d+)|[.\-_](\d{4}-?\d\d-?\d\d)(?:[_\-.T]?\d\d[-:]?\d\d(?:[-:]?\d\d)?)?)(\.gz)?$"
)


def discover_log_files(path: Path) -> list[Path]:
    """The log and its rotated copies, newest first. `path` may be the log or its folder."""
    if path.is_dir():
        base = path / "odoo.log"
        if not base.exists():
            logs = sorted(path.glob("*.log"))
            if len(logs) != 1:
                return []
            base = logs[0]
    else:
        base = path
    folder, name = base.parent, base.name
    numbered: list[tuple[int, Path]] = []
    dated: list[tuple[str, Path]] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        entries = []
    for entry in entries:
        if not entry.name.startswith(name) or entry.name == name or not entry.is_file():
            continue
        match = _ROTATED.match(entry.name[len(name) :])
        if match is None:
            continue
        if match.group(1) is not None:
            numbered.append((int(match.group(1)), entry))
        else:
            dated.append((match.group(2).replace("-", ""), entry))
    rotated: list[Path]
    if numbered and dated:  # two schemes side by side: trust the modification times
        rotated = sorted([p for _, p in numbered + dated], key=_mtime, reverse=True)
    else:
        rotated = [p for _, p in sorted(numbered)] + [
            p for _, p in sorted(dated, key=lambda item: item[0], reverse=True)
        ]
    return ([base] if base.is_file() else []) + rotated


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


LOGS_OVER_API = (
    "Odoo's log files are on its server, out of reach over its external API: give "
    "--log PATH for a copy of them"
)


def default_log_path(logfile: str | None) -> Path | None:
    """odoo.conf's ``logfile``, else odoo.sh's ``~/logs``, else the Debian package's log."""
    candidates = [Path(logfile).expanduser()] if logfile else []
    candidates += [
        Path.home() / "logs" / "odoo.log",
        Path("/var/log/odoo/odoo-server.log"),
        Path("/var/log/odoo/odoo.log"),
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


# -- time ---------------------------------------------------------------------------------
_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hours?|d|days?|w|weeks?)\s*$", re.I)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, *, now: datetime | None = None, tz: object = None) -> datetime:
    """`2h`, `30m`, `1d`, an ISO time, or `HH:MM` (today); naive UTC. Naive input is local."""
    zone = tz if isinstance(tz, tzinfo) else UTC
    current = now or datetime.now(UTC)
    relative = _RELATIVE.match(text)
    if relative:
        unit = relative.group(2).lower().rstrip("s") or "s"
        seconds = float(relative.group(1)) * _UNITS.get(unit, _UNITS.get(unit[:1], 1))
        return (current - timedelta(seconds=seconds)).astimezone(UTC).replace(tzinfo=None)
    value = text.strip()
    if re.fullmatch(r"\d{1,2}:\d\d(?::\d\d)?", value):
        value = f"{current.astimezone(zone).date().isoformat()} {value}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: give an ISO time (2024-11-26 10:00), HH:MM, "
            "or an age such as 30m, 2h, 1d"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC).replace(tzinfo=None)
