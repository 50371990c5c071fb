"""Odoo's log records as bytes and as shown: read backwards into records, then made
printable with every secret masked (no Textual, no database).

A record keeps at most ``HEAD_LINES + TAIL_LINES`` continuation lines and every line at
most ``logread.MAX_LINE`` bytes; binary or malformed lines are shown sanitised. Which
records match a query is ``console.services.support.logs``'s part.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.domain.sanitize import strip_controls
from console.domain.secrets import NO_SECRETS, SecretMask
from console.services.support.logread import line_batches, reverse_blocks

HEAD_LINES = 40  # first continuation lines of a record kept
TAIL_LINES = 160  # last continuation lines kept (the exception is at the end)

HEADER = re.compile(
    rb"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:[,.](\d{1,6}))? +(\d+) +([A-Z_?]+) +(\S+) +"
    rb"([^\s:]+): ?(.*)$"
)


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One log record: its first line and the lines that continue it."""

    when: datetime | None  # naive UTC; None for a line Odoo did not write (orphan, binary)
    pid: int | None
    level: str | None
    database: str | None
    logger: str | None
    message: str  # the first line's message, sanitised
    header: str  # the whole first line, sanitised
    lines: tuple[str, ...] = ()  # continuation lines, sanitised
    source: str = ""  # file name
    omitted_lines: int = 0
    binary: bool = False

    def text(self) -> str:
        return "\n".join((self.header, *self.lines))


# -- records ------------------------------------------------------------------------------
_STAMP = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
Line = tuple[bytes, int]  # a line (at most MAX_LINE bytes) and how many bytes were cut


@dataclass(slots=True)
class RawRecord:
    """A record as bytes, before it is known to match (parsed only when needed)."""

    header: bytes
    cut: int = 0
    head: tuple[Line, ...] = ()  # oldest continuation lines kept
    tail: tuple[Line, ...] = ()  # newest continuation lines kept
    omitted: int = 0
    timed: bool = True  # False: lines Odoo did not start with a timestamp (orphans)
    _parsed: bool = False
    _match: re.Match[bytes] | None = None
    _blob: bytes | None = None

    @property
    def stamp(self) -> bytes | None:
        return self.header[:19] if self.timed else None

    @property
    def match(self) -> re.Match[bytes] | None:
        if not self._parsed:
            self._parsed = True
            self._match = HEADER.match(self.header) if self.timed else None
        return self._match

    def blob(self) -> bytes:
        if self._blob is None:
            if self.head or self.tail:
                lines = [self.header, *(line for line, _ in self.head)]
                lines += [line for line, _ in self.tail]
                self._blob = b"\n".join(lines)
            else:
                self._blob = self.header
        return self._blob


def is_header(line: bytes) -> bool:
    return _STAMP.match(line) is not None


class _Continuation:
    """Continuation lines met backwards (newest first), bounded."""

    __slots__ = ("newest", "oldest", "seen")

    def __init__(self) -> None:
        self.newest: list[Line] = []  # met first = the last lines of the record
        self.oldest: deque[Line] | None = None
        self.seen = 0

    def add(self, item: Line) -> None:
        self.seen += 1
        if len(self.newest) < TAIL_LINES:
            self.newest.append(item)
            return
        if self.oldest is None:
            self.oldest = deque(maxlen=HEAD_LINES)
        self.oldest.append(item)

    def record(self, header: Line | None) -> RawRecord:
        head = tuple(reversed(self.oldest)) if self.oldest else ()
        tail = tuple(reversed(self.newest))
        omitted = self.seen - len(head) - len(tail)
        if header is not None:
            return RawRecord(header[0], header[1], head, tail, omitted)
        if head:  # lines before the first record of a file: the first one leads
            return RawRecord(head[0][0], head[0][1], head[1:], tail, omitted, timed=False)
        return RawRecord(tail[0][0], tail[0][1], (), tail[1:], omitted, timed=False)


def raw_records(
    path: Path,
    *,
    might_match: Callable[[bytes], bool] | None = None,
    stop: bytes | None = None,
    stopped: list[bool] | None = None,
) -> Iterator[RawRecord]:
    """Records of one file, newest first.

    `might_match(block_bytes)` False promises that no line of the block matters: its
    records are then skipped without being cut into lines one by one (only the record
    completed by lines of the previous block is still handed out). `stop`: end at the
    first record older than this timestamp (``YYYY-MM-DD HH:MM:SS``), appending True to
    `stopped` so the caller knows older files need not be opened.
    """
    pending: _Continuation | None = None
    stamp = _STAMP.match
    for lines, cuts, segment in line_batches(reverse_blocks(path)):
        if might_match is not None and not might_match(segment):
            oldest = next((i for i, line in enumerate(lines) if stamp(line)), None)
            if oldest is None:
                pending = pending or _Continuation()
                for index in range(len(lines) - 1, -1, -1):
                    pending.add((lines[index], cuts[index] if cuts else 0))
                continue
            if pending is not None:
                newest = next(i for i in range(len(lines) - 1, -1, -1) if stamp(lines[i]))
                for index in range(len(lines) - 1, newest, -1):
                    pending.add((lines[index], cuts[index] if cuts else 0))
                yield pending.record((lines[newest], cuts[newest] if cuts else 0))
                pending = None
            if stop is not None and lines[oldest][:19] < stop:
                if stopped is not None:
                    stopped.append(True)
                return
            if oldest:
                pending = _Continuation()
                for index in range(oldest - 1, -1, -1):
                    pending.add((lines[index], cuts[index] if cuts else 0))
            continue
        for index in range(len(lines) - 1, -1, -1):
            line = lines[index]
            if stamp(line) is None:
                if pending is None:
                    pending = _Continuation()
                pending.add((line, cuts[index] if cuts else 0))
                continue
            if stop is not None and line[:19] < stop:
                if stopped is not None:
                    stopped.append(True)
                return
            header = (line, cuts[index] if cuts else 0)
            if pending is None:
                yield RawRecord(*header)
            else:
                yield pending.record(header)
                pending = None
    if pending is not None:
        yield pending.record(None)


def to_record(raw: RawRecord, source: str, mask: SecretMask = NO_SECRETS) -> LogRecord:
    """The record as shown: printable, and with every secret masked."""
    header, binary = _display(raw.header, raw.cut, mask)
    lines = [_display(line, cut, mask)[0] for line, cut in raw.head]
    if raw.omitted:
        lines.append(f"… {raw.omitted} lines omitted …")
    lines += [_display(line, cut, mask)[0] for line, cut in raw.tail]
    when = _when(raw)
    match = raw.match
    if match is None:
        return LogRecord(
            when, None, None, None, None, header, header, tuple(lines), source, raw.omitted, binary
        )
    return LogRecord(
        when=when,
        pid=int(match.group(3)),
        level=match.group(4).decode(),
        database=decode_bytes(match.group(5)),
        logger=decode_bytes(match.group(6)),
        message=_display(match.group(7), 0, mask)[0],
        header=header,
        lines=tuple(lines),
        source=source,
        omitted_lines=raw.omitted,
        binary=binary,
    )


def _when(raw: RawRecord) -> datetime | None:
    if not raw.timed:
        return None
    when = datetime.strptime(raw.header[:19].decode(), "%Y-%m-%d %H:%M:%S")
    match = raw.match
    if match is not None and match.group(2):
        when = when.replace(microsecond=int(match.group(2).decode().ljust(6, "0")[:6]))
    return when


def decode_bytes(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _display(line: bytes, cut: int, mask: SecretMask) -> tuple[str, bool]:
    """A printable line: secrets masked; escapes and controls removed; binary shown as
    such; capped."""
    text = mask.text(decode_bytes(line.removesuffix(b"\r")))
    binary = b"\x00" in line or text.count("\ufffd") * 10 > max(len(text), 1)
    text = strip_controls(text.replace("\t", "    "), escape_sequences=True)  # colours too
    if binary:
        preview = "".join(ch if " " <= ch <= "~" else "." for ch in text[:120])
        return f"[binary data, {len(line) + cut} bytes] {preview}", True
    if not text.isprintable():  # unassigned, format or private-use characters
        text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    if cut:
        text += f" … [{cut} bytes cut]"
    return text, False


def note_record(text: str, source: str) -> LogRecord:
    return LogRecord(None, None, None, None, None, text, text, (), source)
