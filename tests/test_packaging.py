"""The console as users install it, away from the repository: a built wheel carries the
bundled sample and its Odoo log, and each way of installing it (pip into a fresh venv,
pipx, uv tool; from the wheel and from the repository) gives an `odoo-mailq` that opens
the sample from any folder."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL_TIMEOUT = 600


def _run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=INSTALL_TIMEOUT,
        env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built once for the module."""
    wheels = tmp_path_factory.mktemp("wheels")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, ROOT)
    [built] = wheels.glob("odoo_mailq-*.whl")
    return built


def _user(tmp_path: Path) -> dict[str, str]:
    """A user with an empty home, in a folder outside the repository, no PYTHONPATH."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("ODOO_MAILQ_DB", "PYTHONPATH")}
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / "state"))
    env.pop("XDG_CONFIG_HOME", None)
    return env


def _opens_the_sample(command: list[str], env: dict[str, str]) -> None:
    """`odoo-mailq --version`, `status --json` and a help topic from outside the repository."""

    def console(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], capture_output=True, text=True, env=env, cwd=env["HOME"],
            timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip

    version = console("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == "odoo-mailq 0.1.0"
    status = console("status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["database"]["name"] == "sample.sqlite"
    assert sum(report["counts"].values()) > 300
    assert Path(env["XDG_STATE_HOME"], "odoo-mailq", "sample.sqlite").is_file()
    topic = console("help", "json")  # package data beyond the sample
    assert topic.returncode == 0 and "`odoo_version` (int)" in topic.stdout, topic.stderr


def test_the_wheel_carries_the_sample_and_its_log_and_the_console_opens_it(
    wheel: Path, tmp_path: Path
) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "console/_sample/odoo17_sample.sqlite" in names
    assert "console/_sample/odoo17_sample.log" in names
    assert {"console/help/json.md", "console/help/connecting.md"} <= set(names)
    assert not [name for name in names if name.startswith(("sample_db/", "tests/", "bench/"))]

    installed = tmp_path / "installed"
    _run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", installed, wheel)
    env = _user(tmp_path)
    env["PYTHONPATH"] = str(installed)
    where = subprocess.run(
        [sys.executable, "-c", "import console; print(console.__file__)"],
        capture_output=True, text=True, env=env, cwd=env["HOME"], check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(installed))  # the wheel's, not the repository's
    _opens_the_sample([sys.executable, "-m", "console"], env)
    logs = subprocess.run(
        [sys.executable, "-m", "console", "logs", "--limit", "3"],
        capture_output=True, text=True, env=env, cwd=env["HOME"], timeout=120,
    )  # fmt: skip
    assert logs.returncode == 0, logs.stderr
    assert "odoo.addons." in logs.stdout and "sample.log" in logs.stdout


# -- each installer, from a clean place -----------------------------------------------------


def _pip_venv(spec: str, tmp_path: Path, _env: dict[str, str]) -> Path:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", spec)
    return venv / "bin" / "odoo-mailq"


@pytest.fixture(scope="module")
def pipx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pipx itself, from PyPI, in a throwaway virtualenv."""
    venv = tmp_path_factory.mktemp("pipx-venv")
    _run(sys.executable, "-m", "venv", "--clear", venv)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", "pipx")
    return venv / "bin" / "pipx"


def _uv() -> list[str]:
    """uv, which the test extra installs (as a Python package), else the one on PATH."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    found = shutil.which("uv")
    if found is None:
        pytest.skip("uv is not installed (pip install -e '.[test]' installs it)")
    return [found]


Installer = Callable[[str, Path, dict[str, str]], Path]


@pytest.mark.slow
@pytest.mark.parametrize("source", ["wheel", "repository"])
@pytest.mark.parametrize("installer", ["pip-venv", "pipx", "uv-tool"])
def test_each_installer_gives_a_console_that_opens_the_sample_anywhere(
    installer: str, source: str, wheel: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    spec = str(wheel if source == "wheel" else ROOT)
    env = _user(tmp_path)
    # The installers keep their caches in the real home (pip's, uv's): only their
    # tool folders are throwaway.
    install_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    bin_dir = tmp_path / "bin"
    if installer == "pip-venv":
        command = _pip_venv(spec, tmp_path, install_env)
    elif installer == "pipx":
        pipx = request.getfixturevalue("pipx")
        install_env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(bin_dir),
                           PIPX_MAN_DIR=str(tmp_path / "man"))  # fmt: skip
        _run(pipx, "install", "--python", sys.executable, spec, env=install_env)
        command = bin_dir / "odoo-mailq"
    else:
        install_env.update(UV_TOOL_DIR=str(tmp_path / "uv-tools"), UV_TOOL_BIN_DIR=str(bin_dir))
        _run(*_uv(), "tool", "install", "--python", sys.executable, spec, env=install_env)
        command = bin_dir / "odoo-mailq"
    assert command.is_file(), f"{installer} put no odoo-mailq in {command.parent}"
    _opens_the_sample([str(command)], env)
    # It runs the installed copy, not the repository's.
    shebang = command.read_text(errors="replace").splitlines()[0]
    assert str(ROOT) not in shebang


@pytest.mark.slow
def test_the_readmes_console_command_makes_its_virtualenv_and_opens_the_sample(
    tmp_path: Path,
) -> None:
    """`bash scripts/console.sh`: a virtualenv of its own (here $ODOO_MAILQ_VENV), the
    console installed into it, the arguments given to odoo-mailq; the system Python
    untouched."""
    env = _user(tmp_path)
    env["ODOO_MAILQ_VENV"] = str(tmp_path / "venv")
    for _ in range(2):  # made, then reused
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "console.sh"), "status", "--json"],
            capture_output=True, text=True, env=env, timeout=INSTALL_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["database"]["name"] == "sample.sqlite"
    assert (tmp_path / "venv" / "bin" / "odoo-mailq").is_file()
