"""Where real Odoo comes from for the real-Odoo tier, and the Python it runs on.

Per major version V (16, 17, 18, 19), from the environment:

* ``ODOO_SRC_V``: an Odoo source tree (the folder holding ``odoo-bin``). Without it the
  tier is skipped for that version, with the reason.
* ``ODOO_PYTHON_V`` (optional): a Python that already has Odoo's requirements. Without it
  a virtualenv is made once and cached, from ``ODOO_REQUIREMENTS_V`` (default: the tree's
  own ``requirements.txt``) and ``ODOO_CONSTRAINTS`` (optional pip constraints), with
  ``uv`` when it is installed (seconds), else ``venv`` + pip (a minute or two).
* ``ODOO_MAILQ_TEST_CACHE``: the cache folder (default ``~/.cache/odoo-mailq-tests``) for
  those virtualenvs and the template databases (``odoo_instance``).

``.ci/run`` unpacks the trees shipped in ``../shared/odoo/`` and sets these variables.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VERSIONS = (16, 17, 18, 19)
ADDONS = "mail,mass_mailing"


def cache_dir() -> Path:
    base = os.environ.get("ODOO_MAILQ_TEST_CACHE")
    path = Path(base) if base else Path.home() / ".cache" / "odoo-mailq-tests"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def file_lock(name: str) -> Iterator[None]:
    """One process at a time builds a cached thing (parallel test runs share the cache)."""
    with (cache_dir() / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class OdooTree:
    version: int
    source: Path

    @property
    def odoo_bin(self) -> Path:
        return self.source / "odoo-bin"

    @property
    def addons_path(self) -> str:
        return f"{self.source / 'addons'},{self.source / 'odoo' / 'addons'}"

    def fingerprint(self) -> str:
        """Changes when the tree does in a way that matters to a template database."""
        digest = hashlib.sha256()
        for relative in ("odoo/release.py", "addons/mail/__manifest__.py",
                         "addons/mass_mailing/__manifest__.py"):  # fmt: skip
            path = self.source / relative
            digest.update(path.read_bytes() if path.exists() else b"-")
        addons = sorted(p.name for p in (self.source / "addons").iterdir() if p.is_dir())
        digest.update("\n".join(addons).encode())
        return digest.hexdigest()[:12]


def tree(version: int) -> OdooTree | None:
    value = os.environ.get(f"ODOO_SRC_{version}")
    return OdooTree(version, Path(value)) if value else None


def skip_reason(version: int) -> str | None:
    """Why the tier cannot run for this version, or None."""
    found = tree(version)
    if found is None:
        return (
            f"real Odoo {version} not configured: set ODOO_SRC_{version} to an Odoo "
            f"{version}.0 source tree (.ci/run does it from ../shared/odoo/)"
        )
    if not found.odoo_bin.is_file():
        return f"ODOO_SRC_{version}={found.source} has no odoo-bin"
    if shutil.which("pg_dump") is None:
        return "pg_dump / pg_restore are needed to cache Odoo's template databases"
    return None


def odoo_python(version: int) -> Path:
    """A Python with Odoo V's requirements: ``ODOO_PYTHON_V`` or a cached virtualenv."""
    given = os.environ.get(f"ODOO_PYTHON_{version}")
    if given:
        return Path(given)
    found = tree(version)
    assert found is not None, skip_reason(version)
    requirements = Path(
        os.environ.get(f"ODOO_REQUIREMENTS_{version}") or found.source / "requirements.txt"
    )
    constraints = os.environ.get("ODOO_CONSTRAINTS")
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update(sys.version.encode())
    if constraints:
        digest.update(Path(constraints).read_bytes())
    venv = cache_dir() / f"venv{version}-{digest.hexdigest()[:12]}"
    python = venv / "bin" / "python"
    with file_lock(venv.name):
        if not (venv / ".complete").exists():
            _build_venv(venv, requirements, Path(constraints) if constraints else None)
            (venv / ".complete").write_text("ok\n")
    return python


def _uv() -> list[str] | None:
    """The uv command: the test extra installs it as a Python package."""
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    found = shutil.which("uv")
    return [found] if found else None


def _build_venv(venv: Path, requirements: Path, constraints: Path | None) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    packages = ["-r", str(requirements), "setuptools<70"]  # Odoo imports pkg_resources
    uv = _uv()
    if uv:
        subprocess.run([*uv, "venv", "-q", "-p", sys.executable, str(venv)], check=True)
        pins = (
            ["-c", str(constraints), "--build-constraint", str(constraints)] if constraints else []
        )
        python = str(venv / "bin" / "python")
        subprocess.run([*uv, "pip", "install", "-q", "-p", python, *packages, *pins], check=True)
        return
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ)
    if constraints:
        env["PIP_CONSTRAINT"] = str(constraints)  # also reaches the build environments
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *packages], check=True, env=env)
