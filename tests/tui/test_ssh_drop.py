"""When the SSH session drops, the console exits instead of polling the database forever."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import sys
import time
from pathlib import Path

from console.config.sample import BUNDLED_SAMPLE


def test_console_exits_when_its_terminal_goes_away(tmp_path: Path) -> None:
    database = tmp_path / "copy.sqlite"
    shutil.copyfile(BUNDLED_SAMPLE, database)
    pid, master = pty.fork()
    if pid == 0:  # the child: the console on a pseudo-terminal, as over SSH
        os.environ.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
        os.execv(sys.executable, [sys.executable, "-m", "console", "--db", f"sqlite:///{database}"])
    # Generous deadlines, not sleeps: a loaded machine (CI next to a real Odoo) may take
    # many seconds to start Python and Textual, and to tear them down after the hangup.
    try:
        painted = b""
        deadline = time.monotonic() + 120
        while b"odoo-mailq" not in painted and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    painted += os.read(master, 65536)
                except OSError:  # EIO: the child is gone; the assertion below says so
                    break
        assert b"odoo-mailq" in painted, "the console never painted"
        os.close(master)  # the terminal hangs up: the kernel sends SIGHUP to the session
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        assert status is not None and done == pid, "the console kept running after the hangup"
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
