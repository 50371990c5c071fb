"""Run every benchmark side by side with its baseline and print one table of ratios.

    python -m bench.run [--sizes 10k,100k,1M] [--quick] [--only AREAS] [--markdown PATH]

One throwaway PostgreSQL cluster is started for the run; each size is built once with
the sample generator; the cluster, its data and every child process are gone at the end.
A full run rewrites the results section of BENCHMARKS.md; --quick (10k, fewer
repetitions, 200 mails sent) is a smoke test and writes nothing unless --markdown is given;
so is a run limited with --only (e.g. --only queries,send while working on those).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from bench.machine import describe_machine, load_average
from bench.markdown import write_results
from bench.memory import MemoryResult, measure_memory, memory_rows
from bench.pgenv import BenchCluster, say
from bench.queries import CAUSES_AVAILABLE, Explained, run_queries
from bench.report import Row, parse_size, size_label, text_table
from bench.retry import run_retry
from bench.send import run_send
from bench.startup import ROOT, run_startup

DEFAULT_SIZES = "10k,100k,1M"
AREAS = ("startup", "queries", "memory", "retry", "send")
BENCHMARKS_MD = Path(ROOT) / "BENCHMARKS.md"


@dataclass(frozen=True, slots=True)
class Plan:
    sizes: tuple[int, ...]
    query_reps: int
    query_budget_s: float
    startup_reps: int
    retry_reps: int
    retry_mails: int
    send_mails: int
    send_max_concurrency: bool
    memory_sizes: tuple[int, ...]
    areas: frozenset[str] = frozenset(AREAS)


def parse_areas(value: str) -> frozenset[str]:
    areas = frozenset(a.strip() for a in value.split(",") if a.strip())
    unknown = sorted(areas - set(AREAS))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown area(s) {', '.join(unknown)}; choose from {', '.join(AREAS)}"
        )
    return areas


def make_plan(args: argparse.Namespace) -> Plan:
    areas = args.only or frozenset(AREAS)
    if args.quick:
        sizes: tuple[int, ...] = (10_000,)
    else:
        sizes = tuple(sorted({parse_size(s) for s in args.sizes.split(",") if s.strip()}))
    memory_sizes = (sizes[0], sizes[-1]) if len(sizes) > 1 else sizes
    if args.quick:
        return Plan(sizes, 3, 3.0, 3, 1, 100_000, 200, False, memory_sizes, areas)
    return Plan(sizes, 9, 20.0, 7, 3, 100_000, 2000, True, memory_sizes, areas)


def command_line(argv: list[str]) -> str:
    return " ".join(["python -m bench.run", *argv])


def run(plan: Plan) -> tuple[list[Row], list[Explained], list[str]]:
    env = BenchCluster()
    rows: list[Row] = []
    explains: list[Explained] = []
    memory: dict[int, MemoryResult] = {}
    notes: list[str] = [f"load average at start: {load_average()}"]
    try:
        env.start()
        notes[:0] = describe_machine(env.server_version())
        databases: dict[int, str] = {}
        for mails in plan.sizes:
            say(f"== {size_label(mails)} mails")
            databases[mails] = env.build(mails)
            if "startup" in plan.areas:
                rows += run_startup(env, databases[mails], mails, plan.startup_reps)
            if "queries" in plan.areas:
                result = run_queries(
                    env, databases[mails], mails, plan.query_reps, plan.query_budget_s
                )
                rows += result.rows
                if mails == plan.sizes[-1]:
                    explains = result.explains
            if "memory" in plan.areas and mails in plan.memory_sizes:
                memory[mails] = measure_memory(env, databases[mails])
        rows += memory_rows(memory)
        largest, smallest = plan.sizes[-1], plan.sizes[0]
        if "retry" in plan.areas:
            say(f"== bulk retry on a copy of the {size_label(largest)} database")
            rows += run_retry(env, databases[largest], largest, plan.retry_mails, plan.retry_reps)
        if "send" in plan.areas:
            say(f"== send now on a copy of the {size_label(smallest)} database")
            rows += run_send(
                env, databases[smallest], smallest, plan.send_mails, plan.send_max_concurrency
            )
        notes.append(
            "build time: "
            + ", ".join(f"{size_label(k)} {v:.0f} s" for k, v in env.build_seconds.items())
        )
        notes.append(f"load average at end: {load_average()}")
        if not CAUSES_AVAILABLE:
            notes.append("console.odoo.causes was not there: failures-by-cause not measured")
    finally:
        env.stop()
    return rows, explains, notes


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    """SIGTERM/SIGHUP unwind like Ctrl-C, so every finally stops its cluster or child."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="mail counts, e.g. 10k,100k,1M")
    parser.add_argument("--quick", action="store_true", help="10k only, fewer repetitions")
    parser.add_argument(
        "--only",
        type=parse_areas,
        default=None,
        help=f"comma-separated areas to run (default all): {','.join(AREAS)}",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        default=None,
        help="write the results section here (default: BENCHMARKS.md unless --quick)",
    )
    args = parser.parse_args(argv)
    plan = make_plan(args)
    started = time.monotonic()
    rows, explains, notes = run(plan)
    minutes = (time.monotonic() - started) / 60
    notes.append(f"the run took {minutes:.1f} min")
    print()
    print(text_table(rows))
    print()
    for line in notes:
        print(line)
    partial = args.quick or args.only is not None
    target = args.markdown or (None if partial else BENCHMARKS_MD)
    if target is not None:
        write_results(target, command_line(argv), rows, explains, notes)
        say(f"results written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
