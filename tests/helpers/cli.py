"""The real `python -m console` in a child process, as an operator's shell runs it, and
what a refused command must look like."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # the repository


def run_cli(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = ROOT,
    timeout: float = 120,
    binary: bool = False,
) -> subprocess.CompletedProcess[Any]:
    """Run the console with these arguments, no terminal on stdin (as cron or CI would).

    `$ODOO_MAILQ_DB` from the caller's environment is dropped, so a test only ever talks
    to the database it names; `env` adds or overrides variables.
    """
    full_env = {k: v for k, v in os.environ.items() if k != "ODOO_MAILQ_DB"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=not binary,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Exit 2, no traceback, one line on stderr holding every fragment (any case): the line."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]
    return lines[0]
