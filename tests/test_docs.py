"""The repository's own docs: every page the code points to exists, and the failure
table lists every rule the classifier has (so a new rule comes with its documentation)."""

from __future__ import annotations

import re
from pathlib import Path

from console.domain.classify.engine import TEXT_RULES
from console.domain.classify.rules_odoo import TYPE_RULES

ROOT = Path(__file__).resolve().parents[1]
DOC_REFERENCE = re.compile(r"docs/[\w.-]+\.md")


def referenced_docs() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    sources = [ROOT / "README.md", *ROOT.joinpath("docs").glob("*.md")]
    for folder in ("console", "tests", "sample_db", "testkit", "bench"):
        sources.extend(ROOT.joinpath(folder).rglob("*.py"))
    for path in sources:
        for name in DOC_REFERENCE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_referenced_page_exists() -> None:
    found = referenced_docs()
    assert len(found) >= 6  # the pages the Odoo facts are written in
    missing = {name: where for name, where in found.items() if not (ROOT / name).is_file()}
    assert missing == {}


def test_the_failure_table_lists_every_rule() -> None:
    table = (ROOT / "docs" / "failures.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| `([a-z0-9_]+)` \|", table, re.MULTILINE)
    assert documented == [rule.family for rule in TEXT_RULES] + list(TYPE_RULES)
