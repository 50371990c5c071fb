"""The markers are true because they are derived, not hand-kept: a test that needs the
throwaway PostgreSQL server (through any fixture) is marked ``pg``; every test of
``tests/real_odoo`` is marked ``real_odoo`` and ``slow``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collected(folder: Path, marker_expression: str) -> list[str]:
    """The names of the tests in ``folder`` that ``-m marker_expression`` selects; a folder
    outside the repository gets the suite's conftest as a plugin."""
    inside = folder.is_relative_to(ROOT)
    plugin = [] if inside else ["-p", "tests.conftest"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *plugin,
         "-p", "no:cacheprovider", "-m", marker_expression, str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return sorted(line.split("::")[-1] for line in result.stdout.splitlines() if "::" in line)


def test_a_test_that_needs_postgresql_is_marked_pg_whatever_the_fixture_path(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture\n"
        "def database(pg_db_factory):\n"
        "    return pg_db_factory\n\n"
        "def test_direct(pg_cluster):\n    pass\n\n"
        "def test_through_a_fixture(database):\n    pass\n\n"
        "def test_plain(tmp_path):\n    pass\n"
    )
    assert collected(tmp_path, "not pg") == ["test_plain"]
    assert collected(tmp_path, "pg") == ["test_direct", "test_through_a_fixture"]


def test_every_real_odoo_test_is_marked_real_odoo_and_slow() -> None:
    folder = ROOT / "tests" / "real_odoo"
    every = collected(folder, "")
    assert len(every) > 20
    assert collected(folder, "real_odoo and slow") == every
    assert collected(folder, "not real_odoo") == []
