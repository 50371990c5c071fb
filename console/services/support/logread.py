"""Byte-level log readers with flat memory: newest first, for plain and gzipped files.

Strategy (memory never depends on the file size):

* **Plain files** are read backwards in ``BLOCK``-sized blocks from the size they had
  when the search started (a live log keeps growing; ``--follow`` reads that part).
* **Gzip files** cannot be read backwards, so they are decompressed forwards once while
  *checkpoints* are taken: a copy of the zlib decompressor (``Decompress.copy()``: about
  40 KB with its window) and the file offset, every ``step`` bytes of output. At most
  ``max_marks`` checkpoints are kept: when there are more, every second one is dropped
  and the step doubles. Then each stretch between two checkpoints, last first, is
  decompressed again from its checkpoint into a buffer of at most ``max_segment`` bytes
  and handed out backwards; a longer stretch is split the same way (recursively), so at
  most two or three levels of checkpoints and one segment are ever in memory. A big
  archive is decompressed two or three times in total, never held whole.
* **Lines** are cut into blocks from the end; a line longer than ``MAX_LINE`` bytes keeps
  its first ``MAX_LINE`` bytes (the rest is counted, not kept), so a binary file without
  newlines cannot exhaust memory either.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

BLOCK = 256 * 1024
MAX_LINE = 16 * 1024
GZ_INPUT_CHUNK = 16 * 1024
GZ_OUTPUT_CHUNK = 64 * 1024
GZ_STEP = 1024 * 1024
GZ_MAX_MARKS = 64
GZ_MAX_SEGMENT = 4 * 1024 * 1024


def is_gzip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def reverse_blocks(path: Path) -> Iterator[bytes]:
    """The file's (decompressed) content as blocks, from the last to the first."""
    if is_gzip(path):
        yield from reverse_blocks_gzip(path)
    else:
        yield from reverse_blocks_plain(path)


def reverse_blocks_plain(path: Path, block: int = BLOCK) -> Iterator[bytes]:
    with path.open("rb") as handle:
        position = handle.seek(0, 2)
        while position > 0:
            size = min(block, position)
            position -= size
            handle.seek(position)
            yield handle.read(size)


def reverse_lines(blocks: Iterator[bytes], max_line: int = MAX_LINE) -> Iterator[tuple[bytes, int]]:
    """(line, bytes cut off its end) from the last line to the first; no newline kept."""
    for lines, cuts, _segment in line_batches(blocks, max_line):
        for index in range(len(lines) - 1, -1, -1):
            yield lines[index], cuts[index] if cuts else 0


LineBatch = tuple[list[bytes], list[int] | None, bytes]


def line_batches(blocks: Iterator[bytes], max_line: int = MAX_LINE) -> Iterator[LineBatch]:
    """Per block, from the end: its complete lines in file order, their cut byte counts
    (None when nothing was cut) and the bytes those lines came from (for a quick scan).

    A line longer than ``max_line`` keeps its first ``max_line`` bytes; the carried part
    of a line split across blocks is bounded the same way.
    """
    carry = b""
    cut = 0
    first = True
    for block in blocks:
        data = block + carry
        parts = data.split(b"\n")
        carry = parts[0]
        lines = parts[1:]
        segment = data[len(carry) + 1 :]
        if first:
            first = False
            if lines and not lines[-1]:
                lines.pop()  # the file ends with a newline
        if lines:
            carried, cut = cut, 0
            cuts: list[int] | None = None
            if carried or max(map(len, lines)) > max_line:
                cuts = [0] * len(lines)
                cuts[-1] = carried
                for index, line in enumerate(lines):
                    if len(line) > max_line:
                        cuts[index] += len(line) - max_line
                        lines[index] = line[:max_line]
            yield lines, cuts, segment
        if len(carry) > max_line:
            cut += len(carry) - max_line
            carry = carry[:max_line]
    if carry or cut:
        yield [carry], [cut] if cut else None, carry


# -- gzip -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Mark:
    """A point of the decompressed stream we can restart from."""

    offset: int  # file offset of the next compressed bytes to read
    state: zlib._Decompress | None  # None: a fresh stream starts at `offset`
    pending: bytes  # compressed bytes read but not yet given to `state`
    produced: int  # decompressed bytes before this point


class _GzipCursor:
    def __init__(self, handle: BinaryIO, mark: _Mark) -> None:
        self.handle = handle
        handle.seek(mark.offset)
        self.stream = mark.state.copy() if mark.state is not None else _fresh()
        self.pending = mark.pending
        self.produced = mark.produced
        self.ended = False

    def mark(self) -> _Mark:
        return _Mark(self.handle.tell(), self.stream.copy(), self.pending, self.produced)

    def read(self, limit: int) -> bytes:
        """Up to `limit` decompressed bytes; b"" at the end (or at damaged data)."""
        while not self.ended:
            if self.stream.eof:  # a gzip file may hold several members
                rest = self.stream.unused_data or self.handle.read(GZ_INPUT_CHUNK)
                if not rest.strip(b"\0"):
                    self.ended = True
                    break
                self.stream, self.pending = _fresh(), rest
            if self.stream.unconsumed_tail:
                data = self.stream.unconsumed_tail
            elif self.pending:
                data, self.pending = self.pending, b""
            else:
                data = self.handle.read(GZ_INPUT_CHUNK)
                if not data:  # truncated archive (still being written): stop here
                    self.ended = True
                    break
            try:
                out = self.stream.decompress(data, limit)
            except zlib.error:
                self.ended = True
                break
            if out:
                self.produced += len(out)
                return out
        return b""


def _fresh() -> zlib._Decompress:
    return zlib.decompressobj(wbits=31)  # gzip header and trailer


def reverse_blocks_gzip(
    path: Path,
    *,
    step: int = GZ_STEP,
    max_marks: int = GZ_MAX_MARKS,
    max_segment: int = GZ_MAX_SEGMENT,
    block: int = BLOCK,
) -> Iterator[bytes]:
    with path.open("rb") as handle:
        start = _Mark(0, None, b"", 0)
        yield from _reverse_range(handle, start, None, step, max_marks, max_segment, block)


def _reverse_range(
    handle: BinaryIO,
    start: _Mark,
    end: int | None,
    step: int,
    max_marks: int,
    max_segment: int,
    block: int,
) -> Iterator[bytes]:
    step = max(1, min(step, max_segment // 4))  # each sub-range is smaller: recursion ends
    cursor = _GzipCursor(handle, start)
    marks = [start]
    spacing = step
    chunk = min(GZ_OUTPUT_CHUNK, step)
    while end is None or cursor.produced < end:
        limit = chunk if end is None else min(chunk, end - cursor.produced)
        if not cursor.read(limit):
            break
        if cursor.produced - marks[-1].produced >= spacing and (
            end is None or cursor.produced < end
        ):
            marks.append(cursor.mark())
            if len(marks) > max_marks:
                marks = marks[::2]
                spacing *= 2
    stop = cursor.produced
    bounds = [m.produced for m in marks] + [stop]
    del cursor
    for index in range(len(marks) - 1, -1, -1):
        low, high = bounds[index], bounds[index + 1]
        if high <= low:
            continue
        if high - low > max_segment and len(marks) > 1:
            yield from _reverse_range(
                handle, marks[index], high, step, max_marks, max_segment, block
            )
            continue
        segment = _GzipCursor(handle, marks[index])
        buffer = bytearray()
        while segment.produced < high:
            out = segment.read(min(GZ_OUTPUT_CHUNK, high - segment.produced))
            if not out:
                break
            buffer += out
        for stop_at in range(len(buffer), 0, -block):
            yield bytes(buffer[max(0, stop_at - block) : stop_at])
