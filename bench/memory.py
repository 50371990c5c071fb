"""Peak memory (max RSS) of the console's processes, each measured on its own child."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.pgenv import BenchCluster, say
from bench.pty_run import stop_group
from bench.report import Row, Target, size_label
from bench.startup import ROOT

MEMORY_TARGET = Target("max_value", 150.0)
CHILD_TIMEOUT = 600.0


@dataclass(frozen=True, slots=True)
class ChildRun:
    max_rss_mb: float
    stdout: str


def run_child(argv: Sequence[str], timeout: float = CHILD_TIMEOUT) -> ChildRun:
    """Run ``argv`` under ``bench.rss``; its peak RSS and its output."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        peak_file = Path(tmp) / "peak"
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.rss", str(peak_file), *argv],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
            env={**os.environ, "TERM": "xterm-256color"},
        )
        killer = threading.Timer(timeout, _kill_group, (process.pid,))
        killer.start()
        try:
            process.wait()
        finally:
            killer.cancel()
            stop_group(process, grace=1.0)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        peak_kib = int(peak_file.read_text()) if peak_file.exists() else 0
    if process.returncode != 0 or not peak_kib:
        raise RuntimeError(f"{list(argv)[:4]} exited {process.returncode}: {stderr[-800:]!r}")
    return ChildRun(peak_kib / 1024.0, stdout.decode(errors="replace"))


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


@dataclass(slots=True)
class MemoryResult:
    tui: float
    bare: float
    cli: float
    shown: str


def measure_memory(env: BenchCluster, dbname: str) -> MemoryResult:
    url = env.url(dbname)
    py = sys.executable
    tui = run_child([py, "-m", "bench.tui_driver", "console", url])
    bare = run_child([py, "-m", "bench.tui_driver", "bare", env.conninfo(dbname)])
    mails = run_child([py, "-m", "console", "--db", url, "mails", "--limit", "1000"])
    status = run_child([py, "-m", "console", "--db", url, "status"])
    shown = json.loads(tui.stdout.strip().splitlines()[-1])
    summary = ", ".join(
        f"{k}: {v['rows']} rows down to id {v['lowest_id']}"
        for k, v in shown.items()
        if isinstance(v, dict)
    )
    return MemoryResult(
        tui.max_rss_mb, bare.max_rss_mb, max(mails.max_rss_mb, status.max_rss_mb), summary
    )


def memory_rows(results: dict[int, MemoryResult]) -> list[Row]:
    """One row per size and process; the note says how it grew from the smallest size."""
    rows: list[Row] = []
    if not results:
        return rows
    smallest = min(results)
    for mails in sorted(results):
        result = results[mails]
        first = results[smallest]
        growth_tui = f"{result.tui / first.tui:.2f}x the {size_label(smallest)} peak"
        growth_cli = f"{result.cli / first.cli:.2f}x the {size_label(smallest)} peak"
        say(f"  memory @ {size_label(mails)}: TUI {result.tui:.1f} MB, CLI {result.cli:.1f} MB")
        rows.append(
            Row(
                "peak RSS, TUI headless: refresh + paging both lists",
                size_label(mails),
                result.tui,
                result.bare,
                "MB",
                MEMORY_TARGET,
                f"{growth_tui}; baseline: bare app, same driver; {result.shown}",
            )
        )
        rows.append(
            Row(
                "peak RSS, CLI `mails --limit 1000` and `status` (max)",
                size_label(mails),
                result.cli,
                None,
                "MB",
                MEMORY_TARGET,
                growth_cli,
            )
        )
    return rows
