"""The fleet: `odoo-mailq fleet --json` over many Odoo databases of one server, against
reading them one after the other.

    python -m bench.fleet [--databases 50] [--mails 100k] [--reps 3] [--keep]
    python -m bench.fleet --server postgresql://postgres@127.0.0.1:PORT/   (a kept fleet)

One Odoo 17 database of --mails mails is built by the sample generator
(bench.pgenv.BenchCluster.build), the others are `CREATE DATABASE ... TEMPLATE` copies
of it. Side by side, interleaved, in one run:

- `fleet --json` (one process, discovery + every database read 8 at a time) against
  `status --json` run once per database, sequentially: what an operator's shell loop did;
- `metrics --all-databases --textfile` (one scrape of every database) against
  `metrics --db DB --textfile` run once per database;
- the fleet's reads in-process (console.backends.connect.read_fleet, 8 connections)
  against the same reads with one connection at a time, and against raw SQL counts (one
  `GROUP BY state` per database, one connection each, in one loop): the floor.

--keep leaves the cluster served afterwards (the server URL in --urls-file), as
bench.keep_db does, so the next runs skip the build with --server.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import psycopg
from psycopg import sql

from bench.machine import describe_machine
from bench.pgenv import BenchCluster, say
from bench.report import Row, Target, markdown_table, parse_size, text_table
from bench.timing import interleaved, timed
from console.backends.connect import discover_databases, read_fleet
from console.backends.fleet_reads import read_database
from console.config.connection import ConnectionSettings
from console.domain.health import Thresholds

DEFAULT_URLS_FILE = Path("/tmp/odoo-mailq-bench-fleet.txt")
ROOT = Path(__file__).resolve().parents[1]


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def build_fleet(env: BenchCluster, databases: int, mails: int) -> str:
    """The server URL (no database) of a fleet of `databases` copies of one database."""
    first = env.build(mails)
    with env.cluster.connect() as conn:
        for number in range(2, databases + 1):
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                    sql.Identifier(f"{first}_{number:02d}"), sql.Identifier(first)
                )
            )
    say(f"copied {first} {databases - 1} times")
    return env.url("").rsplit("/", 1)[0] + "/"


def _cli(*args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "console", *args], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"odoo-mailq {' '.join(args[:1])} failed: {done.stderr.strip()}")
    return time.perf_counter() - started


def measure(server: str, reps: int) -> tuple[list[Row], int]:
    settings = ConnectionSettings(db_url=server)
    listing = discover_databases(settings)
    names = listing.names
    count = len(names)
    say(f"{count} databases on {listing.server}")
    fleet_json = json.loads(
        subprocess.run(
            [sys.executable, "-m", "console", "fleet", "--json", "--db", server],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout
    )
    assert len(fleet_json["databases"]) == count, "fleet --json must read every database"

    def shell_loop() -> float:
        return sum(_cli("status", "--json", "--db", server + name) for name in names)

    cli = interleaved(lambda: _cli("fleet", "--json", "--db", server), shell_loop, reps)

    thresholds = Thresholds()

    def sequential() -> None:
        for database in listing.databases:
            read_database(database, thresholds)

    def raw_counts() -> None:
        base = server.replace("postgresql+psycopg://", "postgresql://")
        for name in names:
            with psycopg.connect(base + name) as conn:
                conn.execute("SELECT state, count(*) FROM mail_mail GROUP BY state").fetchall()

    parallel = interleaved(
        lambda: timed(lambda: read_fleet(listing)), lambda: timed(sequential), reps
    )
    floor = interleaved(lambda: timed(lambda: read_fleet(listing)), lambda: timed(raw_counts), reps)
    textfile = Path("/tmp/odoo-mailq-bench-fleet.prom")

    def one_exporter_per_database() -> float:
        return sum(
            _cli("metrics", "--db", server + name, "--textfile", str(textfile)) for name in names
        )

    exporter = interleaved(
        lambda: _cli("metrics", "--all-databases", "--db", server, "--textfile", str(textfile)),
        one_exporter_per_database,
        reps,
    )
    textfile.unlink(missing_ok=True)
    label = f"{count} dbs"
    rows = [
        Row(
            "fleet --json vs status --json per database (shell loop)",
            label,
            cli.candidate_median,
            cli.baseline_median,
            "s",
            Target("min_speedup", 5),
            "one process, 8 connections at once",
        ),
        Row(
            "fleet reads, 8 connections vs 1 at a time (in-process)",
            label,
            parallel.candidate_median,
            parallel.baseline_median,
            "s",
            Target("min_speedup", 1.3),
            "2 cores: the server's scans share them",
        ),
        Row(
            "fleet reads vs raw GROUP BY state per database, sequential",
            label,
            floor.candidate_median,
            floor.baseline_median,
            "s",
            Target("info"),
            "the floor: counts only, no cron, envelopes, version",
        ),
        Row(
            "metrics --all-databases vs metrics per database (shell loop), textfile",
            label,
            exporter.candidate_median,
            exporter.baseline_median,
            "s",
            Target("min_speedup", 2),
            "a whole scrape: discovery, 4 databases at a time",
        ),
    ]
    return rows, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet", description=__doc__)
    parser.add_argument("--databases", type=int, default=50)
    parser.add_argument("--mails", default="100k", help="mails per database (default 100k)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--server", help="a kept fleet's server URL (no database name)")
    parser.add_argument("--keep", action="store_true", help="keep serving the fleet after")
    parser.add_argument("--urls-file", type=Path, default=DEFAULT_URLS_FILE)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table too")
    args = parser.parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    env: BenchCluster | None = None
    try:
        server = args.server
        version = "PostgreSQL (kept fleet)"
        if server is None:
            env = BenchCluster().start()
            version = env.server_version()
            server = build_fleet(env, args.databases, parse_size(args.mails))
            args.urls_file.write_text(f"{server}\n")
        rows, _count = measure(server, args.reps)
        print("\n".join(describe_machine(version)))
        print(f"fleet: {args.mails} mails per database; medians of {args.reps} interleaved runs")
        print(text_table(rows))
        if args.markdown:
            print(markdown_table(rows))
        if env is not None and args.keep:
            say(f"serving {server} (also in {args.urls_file}); Ctrl-C stops the cluster")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        if env is not None:
            args.urls_file.unlink(missing_ok=True)
            env.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
