"""Key to screen: how long the first keys after start-up take to show, on a large database,
next to a bare Textual app showing the same pages.

    python -m bench.key_latency [--url URL | --mails 1M] [--rounds 5] [--tree PATH]

Each round starts the console (bench/key_probe.py: MailQueueApp headless at 80x24 on the
database, auto refresh every 5 s as by default) and the bare app (two DataTables of the
same 200-row pages, `1`/`2` and `j`/down bound), in alternating order, each in a fresh
process. The moment the first page of mails is drawn, the same twelve keys are pressed
(arrow down, j, 1, 2), each when the previous one has shown: the console's start-up reads
(counts, failures by cause, health checks) are still running then. Latency is from the
key entering the driver to the screen update that shows its effect; p50, p95 and the
worst over every key of every round are printed, with the ratio to the bare app.

Without --url a throwaway cluster is started and the database built (1M: about a
minute); `python -m bench.keep_db 1M` keeps one for repeated runs. --tree measures the
console of another source tree (an older commit unpacked with `git archive`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.machine import load_average
from bench.pgenv import BenchCluster, say
from bench.report import Row, Target, parse_size, size_label, text_table

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "key_probe.py"  # run by path: --tree has its own bench/
TARGET = Target("max_value", 0.100)
STRAY_ENV = ("NO_COLOR", "PYTHONDONTWRITEBYTECODE", "ODOO_MAILQ_DB")


def probe(mode: str, target: str, tree: Path) -> dict[str, Any]:
    env = {
        k: v for k, v in os.environ.items() if k not in STRAY_ENV and not k.startswith("TEXTUAL")
    }
    env["PYTHONPATH"] = str(tree)  # the console measured (the probe itself is this one's)
    run = f"import runpy; runpy.run_path({str(PROBE)!r}, run_name='__main__')"
    done = subprocess.run(
        [sys.executable, "-c", run, mode, target],
        capture_output=True,
        text=True,
        env=env,
        cwd=tree,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"key_probe {mode} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if "error" in result:
        raise RuntimeError(f"key_probe {mode}: {result['error']}")
    return result


def percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]


def measure(url: str, conninfo: str, rounds: int, tree: Path) -> dict[str, list[float]]:
    """Seconds per key over every round (a key that never showed counts as 5 s)."""
    targets = {"console": url, "bare": conninfo}
    probe("bare", conninfo, tree)  # warm the OS file cache and the bytecode caches
    probe("console", url, tree)
    latencies: dict[str, list[float]] = {"console": [], "bare": []}
    for number in range(rounds):
        order = ("console", "bare") if number % 2 == 0 else ("bare", "console")
        for mode in order:
            result = probe(mode, targets[mode], tree)
            keys = [5.0 if ms is None else ms / 1000 for ms in result["ms"]]
            latencies[mode] += keys
            shown = ", ".join("-" if ms is None else f"{ms:.0f}" for ms in result["ms"])
            first = result["first_page_s"]
            say(f"  round {number + 1} {mode}: first page {first:.2f} s; ms {shown}")
    return latencies


def rows_of(latencies: dict[str, list[float]], size: str, rounds: int) -> list[Row]:
    note = (
        f"{len(latencies['console']) // rounds} keys x {rounds} rounds, right after the first page"
    )
    rows = []
    for label, q in (("p50", 50), ("p95", 95)):
        rows.append(
            Row(
                f"key to screen, {label}, during the start-up reads",
                size,
                percentile(latencies["console"], q),
                percentile(latencies["bare"], q),
                "s",
                TARGET,
                f"baseline: bare app, same pages and keys; {note}",
            )
        )
    rows.append(
        Row(
            "key to screen, worst key",
            size,
            max(latencies["console"]),
            max(latencies["bare"]),
            "s",
            note="the slowest key of all rounds",
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.key_latency",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", help="an existing database (python -m bench.keep_db 1M)")
    parser.add_argument("--mails", default="1M", help="size to build without --url")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the console source tree")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    say(f"tree {tree}; load average {load_average()}")
    env: BenchCluster | None = None
    try:
        url, mails = args.url, parse_size(args.mails)
        if url is None:
            env = BenchCluster().start()
            url = env.url(env.build(mails))
        conninfo, mails = _conninfo(url)
        latencies = measure(url, conninfo, args.rounds, tree)
    finally:
        if env is not None:
            env.stop()
    print()
    print(text_table(rows_of(latencies, size_label(mails), args.rounds)))
    print(f"\nload average at end: {load_average()}")
    return 0


def _conninfo(url: str) -> tuple[str, int]:
    """libpq conninfo of a SQLAlchemy URL, and how many mails the database has."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    conninfo = psycopg.conninfo.make_conninfo(
        host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database
    )
    with psycopg.connect(conninfo) as connection:
        row = connection.execute("SELECT count(*) FROM mail_mail").fetchone()
    return conninfo, int(row[0]) if row else 0


if __name__ == "__main__":
    raise SystemExit(main())
