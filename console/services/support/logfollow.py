"""``--follow``: records as Odoo writes them, across rotations (no Textual, no database)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from console.services.support.logread import MAX_LINE
from console.services.support.logrecord import (
    HEAD_LINES,
    TAIL_LINES,
    Line,
    LogRecord,
    RawRecord,
    is_header,
    to_record,
)
from console.services.support.logs import LogQuery, mail_id_pattern, record_matches


class _Follower:
    """Forward record assembly for the live file."""

    def __init__(self, query: LogQuery, source: str) -> None:
        self.query = query
        self.source = source
        self.id_pattern = mail_id_pattern(query.mail_id) if query.mail_id is not None else None
        self.buffer = b""
        self.header: Line | None = None
        self.lines: list[Line] = []
        self.omitted = 0

    def feed(self, chunk: bytes, *, final: bool = False) -> Iterator[LogRecord]:
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        if (final and self.buffer) or len(self.buffer) > MAX_LINE * 4:  # end, or no newline
            lines.append(self.buffer)
            self.buffer = b""
        for line in lines:
            yield from self._line(line.removesuffix(b"\r"))

    def _line(self, line: bytes) -> Iterator[LogRecord]:
        item = (line[:MAX_LINE], max(0, len(line) - MAX_LINE))
        if is_header(line):
            yield from self.flush()
            self.header = item
        elif self.header is None:
            yield from self._emit(RawRecord(item[0], item[1], timed=False))
        elif len(self.lines) < HEAD_LINES + TAIL_LINES:
            self.lines.append(item)
        else:
            self.omitted += 1

    def flush(self) -> Iterator[LogRecord]:
        if self.header is None:
            return
        raw = RawRecord(self.header[0], self.header[1], tuple(self.lines), (), self.omitted)
        self.header, self.lines, self.omitted = None, [], 0
        yield from self._emit(raw)

    def _emit(self, raw: RawRecord) -> Iterator[LogRecord]:
        if record_matches(raw, self.query, self.id_pattern):
            yield to_record(raw, self.source, self.query.mask)


def follow_log(
    path: Path,
    query: LogQuery,
    *,
    poll: float = 0.5,
    should_stop: Callable[[], bool] = lambda: False,
    from_start: bool = False,
) -> Iterator[LogRecord]:
    """New matching records as Odoo writes them (oldest first), across rotations.

    A record is handed out when the next one starts or when the file stays quiet for one
    poll. When the file is renamed (rotation) or truncated, what is left in the old file
    is read, then the new file from its start.
    """
    follower = _Follower(query, path.name)
    handle: BinaryIO | None = None
    inode = -1
    try:
        while not should_stop():
            if handle is None:
                try:
                    handle = path.open("rb")
                except OSError:
                    time.sleep(poll)
                    continue
                inode = os.fstat(handle.fileno()).st_ino
                if not from_start:
                    handle.seek(0, 2)
                from_start = True  # a file rotated in is read from its start
            chunk = handle.read(256 * 1024)
            if chunk:
                yield from follower.feed(chunk)
                continue
            yield from follower.flush()  # quiet: the last record is complete
            try:
                stat: os.stat_result | None = path.stat()
            except OSError:
                stat = None
            if stat is None or stat.st_ino != inode or stat.st_size < handle.tell():
                yield from follower.feed(handle.read(), final=True)
                yield from follower.flush()
                handle.close()
                handle = None
                continue
            time.sleep(poll)
    finally:
        if handle is not None:
            handle.close()
