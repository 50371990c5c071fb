"""Start-up: the console's TUI next to a bare Textual app, both in a pseudo-terminal."""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

from bench.pgenv import BenchCluster, say
from bench.pty_run import time_markers
from bench.report import Row, Target, size_label

ROOT = str(Path(__file__).resolve().parent.parent)
PAINT_MARKER = re.compile(rb"odoo-mailq")  # the header's title, in the first frame of both
PAINT_TARGET = Target("max_ratio", 1.5)


def newest_outgoing_id(env: BenchCluster, dbname: str) -> int:
    with env.connect(dbname) as conn:
        row = conn.execute("SELECT max(id) FROM mail_mail WHERE state = 'outgoing'").fetchone()
    if row is None or row[0] is None:
        raise RuntimeError(f"{dbname} has no outgoing mail to wait for")
    return int(row[0])


def run_startup(env: BenchCluster, dbname: str, mails: int, reps: int) -> list[Row]:
    """Interleaved runs of ``python -m console --db URL`` and ``python -m bench.bare_app``."""
    newest = newest_outgoing_id(env, dbname)
    markers = {
        "paint": PAINT_MARKER,
        # The newest outgoing mail's id in a table cell: the first page is on screen.
        "page": re.compile(rb"\s%d\s" % newest),
    }
    console_argv = [sys.executable, "-m", "console", "--db", env.url(dbname)]
    app_argv = [sys.executable, "-m", "bench.tui_app_only", env.url(dbname)]
    bare_argv = [sys.executable, "-m", "bench.bare_app", env.conninfo(dbname)]
    runs: dict[str, list[dict[str, float]]] = {"console": [], "app": [], "bare": []}
    argvs = {"console": console_argv, "app": app_argv, "bare": bare_argv}
    for argv in argvs.values():  # warm the OS file cache for all three
        time_markers(argv, markers, cwd=ROOT)
    for rep in range(reps):
        order = list(argvs) if rep % 2 == 0 else list(reversed(argvs))
        for name in order:
            runs[name].append(time_markers(argvs[name], markers, cwd=ROOT))
    size = size_label(mails)

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[name])

    rows = [
        Row(
            "TUI start to first paint (odoo-mailq --db URL)",
            size,
            median("console", "paint"),
            median("bare", "paint"),
            "s",
            PAINT_TARGET,
            f"80x24 pty; baseline: bare Header+DataTable+Footer app; median of {reps}",
        ),
        Row(
            "TUI start to first paint, the App without the CLI",
            size,
            median("app", "paint"),
            median("bare", "paint"),
            "s",
            note="python -m bench.tui_app_only: same App and connect, no argument/config path",
        ),
        Row(
            "TUI start to first page of mails visible",
            size,
            median("console", "page"),
            median("bare", "page"),
            "s",
            note=f"baseline: the bare app + one raw psycopg page query; median of {reps}",
        ),
    ]
    say(
        f"  start-up @ {size}: paint {rows[0].console or 0:.3f} s vs {rows[0].baseline or 0:.3f} s"
        f", page {rows[2].console or 0:.3f} s vs {rows[2].baseline or 0:.3f} s"
    )
    return rows
