"""What the numbers were measured on: date, cores, memory, load, versions."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _mem_total_gib() -> str:
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def source_revision() -> str:
    """The commit measured, and whether the work tree had uncommitted changes."""
    if os.environ.get("BENCH_SOURCE"):  # a snapshot made with git archive says what it is
        return os.environ["BENCH_SOURCE"]
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{head or '?'}{' + uncommitted changes' if dirty else ''}"


def describe_machine(server_version: str) -> list[str]:
    packages = ", ".join(
        f"{p} {_version(p)}" for p in ("textual", "sqlalchemy", "psycopg", "aiosmtplib")
    )
    return [
        f"date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"machine: {os.cpu_count()} cores (nproc), {_mem_total_gib()} memory, "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"code: {source_revision()}",
        f"software: Python {platform.python_version()}, {server_version}, {packages}",
    ]
