"""The bundled sample database: copied once to the state directory, never modified in place.

The generator writes every timestamp relative to a fixed anchor; the copy is shifted so the
anchor becomes "now", and the on-call scenario (an overdue cron, failures in the last hour)
stays true whenever the console is first opened.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from console.config.state import private_dir, state_dir
from console.domain.errors import UsageError
from console.domain.timefmt import utcnow_naive

SAMPLE_ANCHOR = datetime(2026, 11, 27, 8, 0, 0)
BUNDLED_SAMPLE = Path(__file__).resolve().parents[2] / "sample_db" / "odoo17_sample.sqlite"
_TIMESTAMP_TYPES = {"TIMESTAMP", "DATETIME"}
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def sample_database_path(reset: bool = False) -> Path:
    """The private copy (state directory 0700, file 0600), made on first use or on reset."""
    target = state_dir() / "sample.sqlite"
    if target.exists() and not reset:
        private_dir(target.parent)
        info = target.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            target.chmod(0o600)  # a copy made by an older version
        return target
    if not BUNDLED_SAMPLE.is_file():
        raise UsageError(
            f"The bundled sample database is missing ({BUNDLED_SAMPLE}); pass --db URL instead"
        )
    try:
        private_dir(target.parent)
        partial = target.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        # A new file of our own, 0600 from its first byte: never an existing one or a link.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as copy, BUNDLED_SAMPLE.open("rb") as original:
            shutil.copyfileobj(original, copy)
        shift_timestamps(partial, utcnow_naive() - SAMPLE_ANCHOR)
        partial.replace(target)
    except OSError as exc:
        raise UsageError(
            f"Cannot copy the sample database to {target}: {exc.strerror or exc}"
        ) from None
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
