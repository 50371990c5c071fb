"""Run a terminal program in a pseudo-terminal and time when given bytes first appear."""

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
from collections.abc import Mapping, Sequence
from typing import Any

COLUMNS, LINES = 80, 24
TERMINAL_ENV = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}


class MarkerTimeout(RuntimeError):
    """A marker never appeared on the terminal."""


# Not passed on to the children: Textual settings and NO_COLOR would change what is drawn;
# PYTHONDONTWRITEBYTECODE (set on these machines) would make every start recompile the
# console's own source, which no installed program does: the warm-up run writes the
# bytecode caches, as the first start after an install does.
_DROPPED_ENV = ("NO_COLOR", "PYTHONDONTWRITEBYTECODE")


def _terminal_env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k not in _DROPPED_ENV
    }
    env.update(TERMINAL_ENV)
    return env


def stop_group(process: subprocess.Popen[Any], grace: float = 5.0) -> None:
    """Wait for the process to end; then SIGTERM, then SIGKILL, its process group."""
    try:
        process.wait(timeout=grace)
        return
    except subprocess.TimeoutExpired:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def time_markers(
    argv: Sequence[str],
    markers: Mapping[str, re.Pattern[bytes]],
    *,
    timeout: float = 120.0,
    quit_keys: bytes = b"q",
    cwd: str | None = None,
) -> dict[str, float]:
    """Seconds from spawning ``argv`` until each marker first matches the output so far.

    The program runs in a new session on a COLUMNS x LINES pty; once every marker has
    been seen it is sent ``quit_keys`` and, if it lingers, killed with its process group.
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    found: dict[str, float] = {}
    output = bytearray()
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        env=_terminal_env(),
        cwd=cwd,
    )
    os.close(slave)
    try:
        deadline = started + timeout
        while len(found) < len(markers):
            now = time.perf_counter()
            if now > deadline:
                missing = sorted(set(markers) - set(found))
                tail = bytes(output[-600:])
                raise MarkerTimeout(f"{missing} not seen within {timeout:.0f} s; tail: {tail!r}")
            ready, _, _ = select.select([master], [], [], min(0.2, deadline - now))
            if not ready:
                if process.poll() is not None:
                    raise MarkerTimeout(
                        f"exited with {process.returncode}; tail: {bytes(output[-600:])!r}"
                    )
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            arrived = time.perf_counter() - started
            if not chunk:
                raise MarkerTimeout(f"output closed; tail: {bytes(output[-600:])!r}")
            output += chunk
            for name, pattern in markers.items():
                if name not in found and pattern.search(output):
                    found[name] = arrived
        with contextlib.suppress(OSError):
            os.write(master, quit_keys)
        _drain(master, process, 3.0)
    finally:
        stop_group(process, grace=2.0)
        os.close(master)
    return found


def _drain(master: int, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Keep reading so the program can write its goodbye and exit."""
    deadline = time.perf_counter() + seconds
    while process.poll() is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                if not os.read(master, 65536):
                    return
            except OSError:
                return
