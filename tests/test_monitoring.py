"""monitoring/: the example alert rules and the Grafana dashboard use only series the
exporter really exports (compared with a real scrape), the rules pass `promtool check
rules` where promtool is installed, and the README lists every series."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import ROOT, run_cli
from tests.helpers.db import OdooDatabases
from tests.helpers.metrics import names, parse

RULES = ROOT / "monitoring" / "odoo-mailq.rules.yml"
RULES_TEST = ROOT / "monitoring" / "odoo-mailq.rules.test.yml"
DASHBOARD = ROOT / "monitoring" / "grafana-dashboard.json"
NAME = re.compile(r"\bodoo_mailq_[a-z0-9_]+")


def dashboard_expressions() -> list[str]:
    board = json.loads(DASHBOARD.read_text())
    found = [t["expr"] for panel in board["panels"] for t in panel["targets"]]
    found += [v["definition"] for v in board["templating"]["list"]]
    return found


_SCRAPED: dict[str, set[str]] = {}  # one scrape for the module's tests


@pytest.fixture
def exported(tmp_path: Path, odoo_databases: OdooDatabases) -> set[str]:
    """Every series name of a real scrape: PostgreSQL (where the cron's run can be told)
    with a daily limit, so that every optional series is there."""
    url = odoo_databases.get("pg", 17)
    if url not in _SCRAPED:
        path = tmp_path / "all.prom"
        result = run_cli("metrics", "--db", url, "--daily-limit", "500", "--textfile", str(path))
        assert result.returncode == 0, result.stderr
        _SCRAPED[url] = names(parse(path.read_text()))
    return _SCRAPED[url]


def test_the_rules_use_only_exported_series(exported: set[str]) -> None:
    used = set(NAME.findall(RULES.read_text()))
    assert len(used) >= 10
    assert used <= exported, used - exported


def test_the_dashboard_uses_only_exported_series(exported: set[str]) -> None:
    expressions = dashboard_expressions()
    used = {name for expr in expressions for name in NAME.findall(expr)}
    assert len(expressions) >= 12 and all(NAME.search(e) for e in expressions)
    assert used <= exported, used - exported


def test_the_readme_lists_every_series(exported: set[str]) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Prometheus") :]
    section = section[: section.index("\n## ", 1)]
    listed = set(NAME.findall(section))
    assert exported <= listed, exported - listed
    assert listed <= exported, listed - exported


def test_promtool_accepts_the_rules_and_they_fire() -> None:
    """`promtool check rules`, then `promtool test rules`: the late-cron alert fires where
    the cron's run cannot be told and not where a worker runs it, the daily-limit alert
    joins the volume and the limit on the database (monitoring/odoo-mailq.rules.test.yml)."""
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian package: prometheus)")
    for command in (["check", "rules", str(RULES)], ["test", "rules", str(RULES_TEST)]):
        result = subprocess.run(
            [promtool, *command], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "SUCCESS" in result.stdout
