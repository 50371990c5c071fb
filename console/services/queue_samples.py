"""The console's own samples of the queue's depth, taken while the TUI runs: what Odoo
does not keep (how many mails waited, hour by hour).

One JSON line per sample (``{"at": ..., "outgoing": N, "failed": N}``, UTC), at most one
per SAMPLE_EVERY per database, appended to ``<state dir>/queue-samples/<key>.jsonl``, the
key a hash of the database's masked URL (never its password). Samples older than
KEEP_DAYS are dropped when one is appended, by rewriting the file at most once a day
(when its first line is a day past the limit). README "Throughput history".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from console.domain.history import History, QueueSample, with_samples
from console.domain.timefmt import utcnow_naive

SAMPLE_EVERY = timedelta(minutes=5)
KEEP_DAYS = 60
TRIM_SLACK = timedelta(days=1)  # rewrite the file once a day, not at every sample
TAIL_BYTES = 512  # enough for the last line


def database_key(display_url: str) -> str:
    """A stable name for a database that tells nothing about it: a hash of its URL with
    the password masked (the URL as the console shows it)."""
    return hashlib.sha256(display_url.encode("utf-8")).hexdigest()[:24]


def samples_folder() -> Path:
    from console.config.state import state_dir

    return state_dir() / "queue-samples"


def samples_path(display_url: str, folder: Path | None = None) -> Path:
    return (folder or samples_folder()) / f"{database_key(display_url)}.jsonl"


def _parse(line: str | bytes) -> QueueSample | None:
    try:
        data = json.loads(line)
        at = datetime.fromisoformat(str(data["at"]).removesuffix("Z"))
        outgoing, failed = data["outgoing"], data["failed"]
    except (ValueError, KeyError, TypeError):
        return None
    if at.tzinfo is not None or not isinstance(outgoing, int) or not isinstance(failed, int):
        return None
    return QueueSample(at, outgoing, failed)


def _line(sample: QueueSample) -> str:
    at = sample.at.isoformat(timespec="seconds") + "Z"
    return json.dumps({"at": at, "outgoing": sample.outgoing, "failed": sample.failed}) + "\n"


def _last_at(path: Path) -> datetime | None:
    """When the newest sample in the file was taken (its last line, read from the end)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL_BYTES))
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return None
    sample = _parse(lines[-1]) if lines else None
    return sample.at if sample else None


def _first_at(path: Path) -> datetime | None:
    with path.open("rb") as handle:
        sample = _parse(handle.readline())
    return sample.at if sample else None


def _trim(path: Path, now: datetime) -> None:
    """Drop the samples older than KEEP_DAYS, when the oldest is a day past it (and lines
    that do not parse, when the first one does not)."""
    oldest = _first_at(path)
    limit = now - timedelta(days=KEEP_DAYS)
    if oldest is not None and oldest >= limit - TRIM_SLACK:
        return
    kept = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines(True)
            if (s := _parse(line)) is not None and s.at >= limit]  # fmt: skip
    spare = path.with_suffix(".trim")
    fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(kept)
    os.replace(spare, path)


class QueueSampler:
    """Appends a sample per database at most every ``every``; ``clock`` gives naive UTC."""

    def __init__(
        self,
        folder: Path | None = None,
        every: timedelta = SAMPLE_EVERY,
        clock: Callable[[], datetime] = utcnow_naive,
    ) -> None:
        self.folder = folder
        self.every = every
        self.clock = clock
        self._last: dict[str, datetime] = {}  # key -> when this console last sampled it

    def _recent(self, last: datetime | None, now: datetime) -> bool:
        return last is not None and timedelta(0) <= now - last < self.every

    def record(self, display_url: str, outgoing: int, failed: int) -> bool:
        """Append a sample if one is due; True when written. OSError when the file or its
        folder cannot be written (the caller decides how loud that is)."""
        from console.config.state import private_dir

        now = self.clock()
        key = database_key(display_url)
        if self._recent(self._last.get(key), now):
            return False  # no file read on most refreshes
        folder = private_dir(self.folder or samples_folder())
        path = folder / f"{key}.jsonl"
        if self._recent(_last_at(path), now):  # another console sampled it
            return False
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(_line(QueueSample(now, outgoing, failed)))
        self._last[key] = now
        _trim(path, now)
        return True


def read_samples(
    display_url: str, since: datetime, until: datetime, folder: Path | None = None
) -> list[QueueSample]:
    """The samples of this database taken in [since, until); none when the file is missing
    or unreadable (lines that do not parse are skipped)."""
    path = samples_path(display_url, folder)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = (_parse(line) for line in text.splitlines())
    return [s for s in found if s is not None and since <= s.at < until]


def add_samples(history: History, display_url: str, folder: Path | None = None) -> History:
    """The history with the depth this console sampled on that database in its window."""
    return with_samples(history, read_samples(display_url, history.since, history.until, folder))
