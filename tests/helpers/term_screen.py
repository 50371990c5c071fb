"""A program on a real pseudo-terminal, and a small screen that follows what it writes.

Enough of a terminal for the console's output: cursor positioning (CUP), erase, text,
and SGR colours and attributes per cell. It keeps every colour exactly as sent
("16:1", "256:208", "rgb:255,0,0"; None is the terminal's default) so tests can check
what a 16-colour or 256-colour terminal is asked to draw.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rich.cells import get_character_cell_size

_SEQUENCE = re.compile(
    rb"\x1b\[(?P<params>[0-9;:?<>=]*)(?P<inter>[ -/]*)(?P<final>[@-~])"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC (title, ...)
    rb"|\x1bP.*?\x1b\\"  # DCS
    rb"|\x1b[()*+][0-9A-Za-z]"  # character set
    rb"|\x1b[^\[\]P()*+]",  # any other two-byte escape
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Pen:
    fg: str | None = None
    bg: str | None = None
    reverse: bool = False

    def colours(self) -> tuple[str, str]:
        """(foreground, background) as drawn, with reverse video applied."""
        fg, bg = self.fg or "default-fg", self.bg or "default-bg"
        return (bg, fg) if self.reverse else (fg, bg)


@dataclass
class Screen:
    columns: int
    lines: int
    chars: list[list[str]] = field(default_factory=list)
    pens: list[list[Pen]] = field(default_factory=list)
    row: int = 0
    column: int = 0
    pen: Pen = Pen()
    extended_colours: set[str] = field(default_factory=set)  # "256" and/or "rgb" when sent
    _pending: bytes = b""

    def __post_init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.chars = [[" "] * self.columns for _ in range(self.lines)]
        self.pens = [[Pen()] * self.columns for _ in range(self.lines)]

    def text(self) -> str:
        return "\n".join("".join(c for c in line if c).rstrip() for line in self.chars)

    def feed(self, data: bytes) -> None:
        data = self._pending + data
        position = 0
        while position < len(data):
            escape = data.find(b"\x1b", position)
            end = len(data) if escape < 0 else escape
            if end > position:
                self._write(data[position:end])
            if escape < 0:
                self._pending = b""
                return
            match = _SEQUENCE.match(data, escape)
            if match is None:  # an escape cut in half by the read: wait for the rest
                self._pending = data[escape:]
                return
            if match.group("final") is not None:
                self._csi(match.group("params").decode(), match.group("final").decode())
            position = match.end()
        self._pending = b""

    def _write(self, raw: bytes) -> None:
        for char in raw.decode("utf-8", errors="replace"):
            if char == "\r":
                self.column = 0
            elif char == "\n":
                self.row = min(self.row + 1, self.lines - 1)
            elif char == "\b":
                self.column = max(0, self.column - 1)
            elif char >= " ":
                width = get_character_cell_size(char)
                if 0 <= self.row < self.lines and 0 <= self.column < self.columns:
                    self.chars[self.row][self.column] = char
                    self.pens[self.row][self.column] = self.pen
                    for extra in range(1, width):  # the right half of a wide character
                        if self.column + extra < self.columns:
                            self.chars[self.row][self.column + extra] = ""
                self.column += max(width, 1)

    def _csi(self, params: str, final: str) -> None:
        if params.startswith(("?", ">", "<", "=")):
            return  # private modes: not drawing
        numbers = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")]
        if final == "m":
            self._sgr(numbers)
        elif final in "Hf":
            row, column = [*numbers, 1, 1][:2]
            self.row, self.column = max(row, 1) - 1, max(column, 1) - 1
        elif final == "J" and numbers[0] == 2:
            self.clear()
        elif final == "K" and 0 <= self.row < self.lines:
            start = self.column if numbers[0] == 0 else 0
            for column in range(start, self.columns):
                self.chars[self.row][column] = " "
                self.pens[self.row][column] = self.pen

    def _sgr(self, codes: list[int]) -> None:
        pen = self.pen
        index = 0
        while index < len(codes):
            code = codes[index]
            if code == 0:
                pen = Pen()
            elif code == 7:
                pen = replace(pen, reverse=True)
            elif code == 27:
                pen = replace(pen, reverse=False)
            elif 30 <= code <= 37 or 90 <= code <= 97:
                pen = replace(pen, fg=f"16:{code - 30 if code < 90 else code - 82}")
            elif 40 <= code <= 47 or 100 <= code <= 107:
                pen = replace(pen, bg=f"16:{code - 40 if code < 100 else code - 92}")
            elif code == 39:
                pen = replace(pen, fg=None)
            elif code == 49:
                pen = replace(pen, bg=None)
            elif code in (38, 48) and index + 1 < len(codes):
                kind = codes[index + 1]
                if kind == 5 and index + 2 < len(codes):
                    colour = f"256:{codes[index + 2]}"
                    self.extended_colours.add("256")
                    index += 2
                elif kind == 2 and index + 4 < len(codes):
                    colour = "rgb:" + ",".join(str(c) for c in codes[index + 2 : index + 5])
                    self.extended_colours.add("rgb")
                    index += 4
                else:
                    colour = None
                pen = replace(pen, fg=colour) if code == 38 else replace(pen, bg=colour)
            index += 1
        self.pen = pen

    def unreadable_cells(self) -> list[tuple[int, int, str, str]]:
        """(row, column, character, colour) of every glyph drawn in its background colour."""
        found = []
        for row in range(self.lines):
            for column in range(self.columns):
                char = self.chars[row][column]
                if char.strip():
                    fg, bg = self.pens[row][column].colours()
                    if fg == bg:
                        found.append((row, column, char, fg))
        return found


class PtyProgram:
    """`argv` on a COLUMNS x LINES pseudo-terminal, in its own session, with `env`."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        columns: int = 80,
        lines: int = 24,
        cwd: str | None = None,
    ) -> None:
        self.screen = Screen(columns, lines)
        self.raw = bytearray()
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env=dict(env),
            cwd=cwd,
        )
        os.close(slave)

    def read(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.1))
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.raw += chunk
            self.screen.feed(chunk)

    def wait_for(self, condition: Callable[[str], bool], timeout: float = 30.0) -> str:
        """Read until the screen's text satisfies `condition`; the text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.1)
            text = self.screen.text()
            if condition(text):
                return text
            if self.process.poll() is not None:
                break
        raise AssertionError(f"the screen never showed what was expected:\n{self.screen.text()}")

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, b"q")
        deadline = time.monotonic() + 5
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read(0.1)  # keep reading: a full terminal would block its goodbye
        try:
            self.process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, sig)
                try:
                    self.process.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    continue
        with contextlib.suppress(OSError):
            os.close(self.master)
