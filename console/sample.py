"""The bundled sample database: copied once to the state directory, never modified in place.

The generator writes every timestamp relative to a fixed anchor; the copy is shifted so the
anchor becomes "now", and the on-call scenario (an overdue cron, failures in the last hour)
stays true whenever the console is first opened.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from console.errors import UsageError
from console.timefmt import utcnow_naive

SAMPLE_ANCHOR = datetime(2026, 11, 27, 8, 0, 0)
BUNDLED_SAMPLE = Path(__file__).resolve().parent.parent / "sample_db" / "odoo17_sample.sqlite"
_TIMESTAMP_TYPES = {"TIMESTAMP", "DATETIME"}
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def sample_database_path(reset: bool = False) -> Path:
    from console.config import state_dir

    target = state_dir() / "sample.sqlite"
    if target.exists() and not reset:
        return target
    if not BUNDLED_SAMPLE.is_file():
        raise UsageError(
            f"The bundled sample database is missing ({BUNDLED_SAMPLE}); pass --db URL instead"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    shutil.copyfile(BUNDLED_SAMPLE, partial)
    shift_timestamps(partial, utcnow_naive() - SAMPLE_ANCHOR)
    partial.replace(target)
    return target


def shift_timestamps(path: Path, delta: timedelta) -> None:
    """Move every timestamp column of every table by `delta` (a timedelta)."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            columns = [
                row[1]
                for row in connection.execute(f'PRAGMA table_info("{table}")')
                if str(row[2]).upper() in _TIMESTAMP_TYPES
            ]
            for column in columns:
                rows = connection.execute(
                    f'SELECT rowid, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
                ).fetchall()
                updates = []
                for rowid, value in rows:
                    try:
                        parsed = datetime.fromisoformat(str(value))
                    except ValueError:
                        continue
                    updates.append(((parsed + delta).strftime(_FORMAT), rowid))
                connection.executemany(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', updates
                )
        connection.commit()
    finally:
        connection.close()
