"""The bundled sample database: copied once to the state directory, never modified in place.

The generator writes every timestamp relative to a fixed anchor; the copy is shifted so the
anchor becomes "now", and the on-call scenario (an overdue cron, failures in the last hour)
stays true whenever the console is first opened. Odoo's log of the sample's mails
(``odoo17_sample.log``) is copied next to it, shifted by the same amount, so its lines
fall at the mails' times.

The copy carries the generator's marker (``odoo_mailq.sample``, whose value is the anchor
and whose create_date is the shifted anchor); a copy without it was made by an older
version whose servers were real providers' hosts, and is replaced by a fresh one.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from console.config.state import private_dir, state_dir
from console.domain.errors import UsageError
from console.domain.sample_servers import SAMPLE_MARKER
from console.domain.timefmt import utcnow_naive

SAMPLE_ANCHOR = datetime(2026, 11, 27, 8, 0, 0)
# In the repository (an editable install), the sample next to its generator; in an
# installed wheel (pip, pipx, uv tool), the copy the build put into the package (setup.py).
_IN_REPOSITORY = Path(__file__).resolve().parents[2] / "sample_db" / "odoo17_sample.sqlite"
_IN_PACKAGE = Path(__file__).resolve().parents[1] / "_sample" / "odoo17_sample.sqlite"
BUNDLED_SAMPLE = _IN_REPOSITORY if _IN_REPOSITORY.is_file() else _IN_PACKAGE
BUNDLED_LOG = BUNDLED_SAMPLE.with_suffix(".log")
_TIMESTAMP_TYPES = {"TIMESTAMP", "DATETIME"}
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_LOG_STAMP = re.compile(rb"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) ")  # netsvc's asctime


def sample_database_path(reset: bool = False) -> Path:
    """The private copy (state directory 0700, file 0600), made on first use or on reset,
    with the sample's Odoo log next to it (``sample_log_path``)."""
    target = state_dir() / "sample.sqlite"
    if target.exists() and not reset and (delta := _copy_shift(target)) is not None:
        private_dir(target.parent)
        info = target.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            target.chmod(0o600)  # a copy made by an older version
        if not sample_log_path().exists():
            _copy_log(delta)
        return target
    if not BUNDLED_SAMPLE.is_file():
        raise UsageError(
            f"The bundled sample database is missing ({BUNDLED_SAMPLE}); pass --db URL instead"
        )
    delta = utcnow_naive() - SAMPLE_ANCHOR
    try:
        private_dir(target.parent)
        partial = target.with_name(f"{target.name}.partial")
        with _new_private(partial) as copy, BUNDLED_SAMPLE.open("rb") as original:
            shutil.copyfileobj(original, copy)
        shift_timestamps(partial, delta)
        _copy_log(delta)
        partial.replace(target)
    except OSError as exc:
        raise UsageError(
            f"Cannot copy the sample database to {target}: {exc.strerror or exc}"
        ) from None
    return target


def sample_log_path() -> Path:
    """Where the sample's Odoo log is copied (it exists once the sample was opened)."""
    return state_dir() / "sample.log"


def _new_private(path: Path) -> BinaryIO:
    """A new file of our own, 0600 from its first byte: never an existing one or a link."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    return os.fdopen(fd, "wb")


def _copy_shift(copy: Path) -> timedelta | None:
    """How far the copy's timestamps were moved (its marker's create_date minus the anchor
    the marker holds), or None: not a copy of this version's sample (no marker)."""
    try:
        connection = sqlite3.connect(f"{copy.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute(
                "SELECT value, create_date FROM ir_config_parameter WHERE key = ?",
                (SAMPLE_MARKER,),
            ).fetchone()
        finally:
            connection.close()
        return datetime.fromisoformat(str(row[1])) - datetime.fromisoformat(str(row[0]))
    except (sqlite3.Error, TypeError, ValueError):
        return None


def _copy_log(delta: timedelta) -> None:
    """The bundled log, every record's time moved by ``delta`` like the database's."""
    if not BUNDLED_LOG.is_file():
        return
    target = sample_log_path()
    partial = target.with_name(f"{target.name}.partial")
    with _new_private(partial) as copy, BUNDLED_LOG.open("rb") as original:
        for line in original:
            copy.write(_shift_log_line(line, delta))
    partial.replace(target)


def _shift_log_line(line: bytes, delta: timedelta) -> bytes:
    match = _LOG_STAMP.match(line)
    if match is None:  # a traceback's line: no time of its own
        return line
    when = datetime.strptime(match.group(1).decode(), "%Y-%m-%d %H:%M:%S")
    when += timedelta(milliseconds=int(match.group(2))) + delta
    stamp = f"{when:%Y-%m-%d %H:%M:%S},{when.microsecond // 1000:03d} ".encode()
    return stamp + line[match.end() :]


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
