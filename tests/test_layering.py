"""The domain, Odoo and backend layers must import without Textual (style.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS_MODULES = [
    "console.domain.models",
    "console.domain.states",
    "console.domain.sanitize",
    "console.domain.failure_text",
    "console.odoo.schema",
    "console.odoo.version",
    "console.odoo.mail_queries",
    "console.odoo.crons",
    "console.odoo.campaigns",
    "console.odoo.tracking",
    "console.odoo.message_author",
    "console.odoo.writes",
    "console.backends.sql",
    "console.config.connection",
    "console.domain.json_shapes",
    "console.cli.text",
    "console.services.operations",
    "console.services.journal",
    "console.services.send.send_now",
    "console.smtp.concurrency",
    "console.smtp.build",
    "console.domain.classify",
    "console.domain.health",
    "console.services.health",
    "console.domain.queue_index",
    "console.services.queue_index",
    "console.services.support.eml",
    "console.services.support.redact",
    "console.services.support.bundle",
    "console.services.support.bundle_data",
    "console.services.support.bundle_report",
    "console.services.support.logs",
    "console.services.support.logread",
    "console.services.support.logfiles",
    "console.services.support.logfollow",
    "console.domain.inbound",
    "console.odoo.inbound_routing",
    "console.cli.support",
    "console.cli.logs",
]


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_imports_without_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} imported {result.stdout.strip()} {result.stderr}"


def test_domain_imports_no_database_driver() -> None:
    code = (
        "import sys, console.domain.models, console.domain.states, console.domain.sanitize; "
        "bad = [m for m in ('sqlalchemy', 'psycopg', 'textual') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
