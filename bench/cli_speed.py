"""The command line's own speed: --help and --version against a bare interpreter, and
`status --json` against odoo-activity's `odoo-db mail` on the same PostgreSQL database.

    python -m bench.cli_speed [--url URL | --mails 100k] [--reps 7] [--tree PATH]

Each pair alternates repetition by repetition (A B, B A, ...) after one unmeasured run of
each (OS file cache, bytecode caches: PYTHONDONTWRITEBYTECODE is not passed on, as in
bench/pty_run.py); medians and ratios are printed. Without --url a throwaway cluster is
started and a database of --mails mails built (100k: about 5 s); `python -m bench.keep_db
100k` keeps one for repeated runs. --tree measures the console of another source tree (an
older commit unpacked with `git archive`), for before/after numbers in one session.

The peer: `odoo-db` (PyPI package odoo-db, the tool odoo-activity runs for its mail pane:
`pip install odoo-activity odoo-db`), `odoo-db --output-format json mail DBNAME`, given
the server through libpq's PGHOST/PGPORT/PGUSER as odoo-activity does. It reads the mail
configuration and the queue (counts per state, failure reasons); `status --json` reads the
database facts, the counts per state with the oldest due mail and the red envelopes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Sequence
from pathlib import Path

from bench.machine import load_average
from bench.pgenv import BenchCluster, say
from bench.report import Row, Target, parse_size, size_label, text_table
from bench.timing import interleaved

ROOT = Path(__file__).resolve().parent.parent
HELP_TARGET = Target("max_value", 0.150)
STATUS_TARGET = Target("max_ratio", 1.0)


def _env(tree: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    env.pop("ODOO_MAILQ_DB", None)
    env["PYTHONPATH"] = str(tree)  # before site-packages: the tree measured, not the install
    env.update(extra or {})
    return env


def wall(argv: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from spawn to exit; a failed run stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return seconds


def pair(
    candidate: Sequence[str],
    baseline: Sequence[str],
    reps: int,
    cenv: dict[str, str],
    benv: dict[str, str],
    cwd: Path,
) -> tuple[float, float]:
    samples = interleaved(
        lambda: wall(candidate, cenv, cwd), lambda: wall(baseline, benv, cwd), reps, warmup=1
    )
    return samples.candidate_median, samples.baseline_median


def entry_point() -> str | None:
    """The installed `odoo-mailq` script itself (not a shell shim in front of it)."""
    script = Path(sysconfig.get_path("scripts")) / "odoo-mailq"
    return str(script) if script.exists() else shutil.which("odoo-mailq")


def help_rows(tree: Path, reps: int) -> list[Row]:
    python = sys.executable
    bare = [python, "-c", "pass"]
    commands = {
        "python -m console --help": [python, "-m", "console", "--help"],
        "python -m console --version": [python, "-m", "console", "--version"],
    }
    script = entry_point()
    if script is not None:
        commands["odoo-mailq --help (entry point)"] = [script, "--help"]
        commands["odoo-mailq --version (entry point)"] = [script, "--version"]
    rows = []
    env = _env(tree)
    for label, argv in commands.items():
        console, baseline = pair(argv, bare, reps, env, env, tree)
        rows.append(
            Row(
                label,
                "-",
                console,
                baseline,
                "s",
                HELP_TARGET,
                f"baseline: python -c pass; median of {reps}",
            )
        )
        say(f"  {label}: {console * 1000:.0f} ms vs {baseline * 1000:.0f} ms")
    return rows


def status_rows(tree: Path, url: str, mails: int, reps: int) -> list[Row]:
    from sqlalchemy.engine import make_url

    odoo_db = shutil.which("odoo-db") or str(Path(sysconfig.get_path("scripts")) / "odoo-db")
    size = size_label(mails)
    if not Path(odoo_db).exists():
        say("  odoo-db is not installed (pip install odoo-db): status not compared")
        return [
            Row(
                "status --json vs odoo-db mail",
                size,
                None,
                None,
                "s",
                STATUS_TARGET,
                "odoo-db not installed",
            )
        ]
    parsed = make_url(url)
    libpq = {
        "PGHOST": parsed.host or "",
        "PGPORT": str(parsed.port or 5432),
        "PGUSER": parsed.username or "",
    }
    console_argv = [sys.executable, "-m", "console", "status", "--json", "--db", url]
    peer_argv = [odoo_db, "--output-format", "json", "mail", str(parsed.database)]
    console, peer = pair(console_argv, peer_argv, reps, _env(tree), _env(tree, libpq), tree)
    say(f"  status --json @ {size}: {console * 1000:.0f} ms vs odoo-db mail {peer * 1000:.0f} ms")
    return [
        Row(
            "status --json vs odoo-db mail",
            size,
            console,
            peer,
            "s",
            STATUS_TARGET,
            f"odoo-db {odoo_db_version(odoo_db)}, --output-format json mail; median of {reps}",
        )
    ]


def odoo_db_version(script: str) -> str:
    done = subprocess.run([script, "--version"], capture_output=True, text=True)
    return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.cli_speed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", help="an existing database (python -m bench.keep_db)")
    parser.add_argument("--mails", default="100k", help="size to build without --url")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the console source tree")
    parser.add_argument("--skip-help", action="store_true", help="only the status comparison")
    args = parser.parse_args(argv)
    tree = args.tree.resolve()
    say(f"tree {tree}; load average {load_average()}")
    rows = [] if args.skip_help else help_rows(tree, args.reps)
    env: BenchCluster | None = None
    try:
        url, mails = args.url, parse_size(args.mails)
        if url is None:
            env = BenchCluster().start()
            url = env.url(env.build(mails))
        else:
            mails = _count_mails(url)
        rows += status_rows(tree, url, mails, args.reps)
    finally:
        if env is not None:
            env.stop()
    print()
    print(text_table(rows))
    print(f"\nload average at end: {load_average()}")
    return 0


def _count_mails(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        row = connection.execute("SELECT count(*) FROM mail_mail").fetchone()
    return int(row[0]) if row else 0


if __name__ == "__main__":
    raise SystemExit(main())
