"""A built wheel carries the bundled sample and its Odoo log: `odoo-mailq` with no argument
works from an install that is not the repository (pip into a venv, pipx, uv tool)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_the_sample_and_its_log_and_the_console_opens_it(
    tmp_path: Path,
) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    [wheel] = wheels.glob("odoo_mailq-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "console/_sample/odoo17_sample.sqlite" in names
    assert "console/_sample/odoo17_sample.log" in names
    assert not [name for name in names if name.startswith(("sample_db/", "tests/", "bench/"))]

    installed = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
         str(installed), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("ODOO_MAILQ_DB", "PYTHONPATH")}
    env.update(PYTHONPATH=str(installed), HOME=str(home), XDG_STATE_HOME=str(home / "state"))

    def console(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "console", *args],
            capture_output=True, text=True, env=env, cwd=home, timeout=120,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip

    where = subprocess.run(
        [sys.executable, "-c", "import console; print(console.__file__)"],
        capture_output=True, text=True, env=env, cwd=home, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(installed))  # the wheel's, not the repository's
    status = console("status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["database"]["name"] == "sample.sqlite"
    assert sum(report["counts"].values()) > 300
    logs = console("logs", "--limit", "3")
    assert logs.returncode == 0, logs.stderr
    assert "odoo.addons." in logs.stdout and "sample.log" in logs.stdout
