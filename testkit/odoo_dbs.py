"""Odoo-shaped databases built by the sample generator, shared across a test session.

Read-only tests share one database per (engine, version); tests that write build their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sample_db.generate import build_database

VERSIONS = (16, 17, 18, 19)


def anchor_now() -> datetime:
    """Build databases around the real clock so 'overdue' and 'last hour' hold now."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def build_sqlite(directory: Path, version: int, mails: int | None = None) -> str:
    path = directory / f"odoo{version}.sqlite"
    url = f"sqlite:///{path}"
    build_database(url, version=version, mails=mails, anchor=anchor_now())
    return url


def build_postgres(url: str, version: int, mails: int | None = None) -> str:
    build_database(url, version=version, mails=mails, anchor=anchor_now())
    return url
