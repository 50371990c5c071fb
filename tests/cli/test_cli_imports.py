"""What the command line loads before it has anything to do: --help and --version answer
without the TUI, the database drivers or the HTTP client (bench/cli_speed.py measures the
time; these tests keep the shape that makes it fast)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers.cli import ROOT

HEAVY = ("textual", "rich", "sqlalchemy", "psycopg", "httpx", "aiosmtplib")

# `python -m console ARGS` in a fresh interpreter; on the way out (SystemExit included),
# the heavy packages then in sys.modules, as JSON on stderr's last line.
_CHILD = """
import atexit, json, runpy, sys
heavy = {heavy!r}
def _report():
    loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set(heavy))
    print(json.dumps(loaded), file=sys.stderr)
atexit.register(_report)
sys.argv = ['odoo-mailq', *{args!r}]
runpy.run_module('console', run_name='__main__')
"""


def _loaded_by(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    code = _CHILD.format(heavy=HEAVY, args=list(args))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    return done, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "args",
    [("--help",), ("--version",), ("status", "--help"), ("retry", "--help"), ("doctor", "-h")],
)
def test_help_and_version_load_no_tui_driver_or_http_client(args: tuple[str, ...]) -> None:
    done, loaded = _loaded_by(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(("usage: odoo-mailq", "odoo-mailq ")), done.stdout
    assert loaded == [], f"{' '.join(args)} imported {loaded}"


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("status", "--help")])
def test_completion_costs_nothing_unless_the_shell_asks(args: tuple[str, ...]) -> None:
    """argcomplete is imported only with _ARGCOMPLETE in the environment (the shell's
    completion request, tests/cli/test_completion.py)."""
    code = _CHILD.format(heavy=("argcomplete",), args=list(args))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


@pytest.mark.parametrize(
    "args", [("completion", "bash"), ("help",), ("help", "exit-codes"), ("help", "json")]
)
def test_completion_scripts_and_help_topics_load_nothing_heavy(args: tuple[str, ...]) -> None:
    done, loaded = _loaded_by(*args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert loaded == [], f"{' '.join(args)} imported {loaded}"


def test_version_is_answered_wherever_it_is_given() -> None:
    """Before or after the connection options, without building the commands' parsers."""
    done, loaded = _loaded_by("--db", "sqlite:///nowhere.sqlite", "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("odoo-mailq ")
    assert loaded == []


def test_a_usage_error_loads_nothing_heavy_either() -> None:
    done, loaded = _loaded_by("no-such-command")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
    assert loaded == []
