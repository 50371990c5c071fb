"""Where generated rows go: SQLite (executemany) or PostgreSQL (COPY), in buffered batches.

Rows are dicts keyed by column name; keys the table of this Odoo version does not have
(e.g. ``pinned_at`` on 16) are dropped, unknown keys raise. Missing keys become NULL.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sample_db.odoo_ddl import SUPPORTED_VERSIONS, build_metadata

Row = dict[str, Any]
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
_CHECKED_ROWS = 2000  # rows per table whose keys are checked against the schema


def log(uid: int, at: datetime) -> Row:
    """The log-access columns of a row created (and last written) by ``uid`` at ``at``."""
    return {"create_uid": uid, "create_date": at, "write_uid": uid, "write_date": at}


def _json(value: Any) -> Any:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _sqlite_dt(value: Any) -> Any:
    return value.strftime(_SQLITE_DATETIME) if isinstance(value, datetime) else value


def _pg_type(sa_type: sa.types.TypeEngine[Any]) -> str:
    """The PostgreSQL type name binary COPY needs for a column (dicts go to jsonb as is)."""
    for kind, name in (
        (sa.JSON, "jsonb"),
        (sa.Boolean, "bool"),
        (sa.Integer, "int4"),
        (sa.DateTime, "timestamp"),
        (sa.Double, "float8"),
        (sa.LargeBinary, "bytea"),
        (sa.Text, "text"),
        (sa.String, "varchar"),
    ):
        if isinstance(sa_type, kind):
            return name
    raise TypeError(f"no COPY type for {sa_type!r}")


class RowSink:
    """Buffers rows per table and writes them in batches."""

    def __init__(self, version: int, dialect: str, batch_rows: int) -> None:
        md = build_metadata(version, dialect)
        self.columns: dict[str, tuple[str, ...]] = {
            name: tuple(col.name for col in table.columns) for name, table in md.tables.items()
        }
        known: dict[str, set[str]] = {}
        for other in SUPPORTED_VERSIONS:
            for name, table in build_metadata(other, dialect).tables.items():
                known.setdefault(name, set()).update(col.name for col in table.columns)
        self._known = known
        self._tables = md.tables
        self._buffers: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.columns}
        self._checked: dict[str, int] = dict.fromkeys(self.columns, 0)
        self._pending = 0
        self._ids: dict[str, int] = {}
        self._batch_rows = batch_rows
        self.written: dict[str, int] = dict.fromkeys(self.columns, 0)

    def next_id(self, table: str) -> int:
        """A serial id handed out by the sink (for rows nobody else numbers)."""
        value = self._ids.get(table, 0) + 1
        self._ids[table] = value
        return value

    def add(self, table: str, row: Row) -> None:
        if table not in self.columns:
            if table in self._known:
                return  # a table this version does not have
            raise KeyError(f"unknown table {table}")
        if self._checked[table] < _CHECKED_ROWS:
            self._checked[table] += 1
            unknown = set(row) - self._known[table]
            if unknown:
                raise KeyError(f"{table}: unknown columns {sorted(unknown)}")
        self._buffers[table].append(tuple(map(row.get, self.columns[table])))
        self._pending += 1
        if self._pending >= self._batch_rows:
            self.flush()

    def flush(self) -> None:
        for table, rows in self._buffers.items():
            if rows:
                self._write(table, self.columns[table], rows)
                self.written[table] += len(rows)
                self._buffers[table] = []
        self._pending = 0

    def _converters(self, table: str, *, sqlite: bool) -> list[Callable[[Any], Any] | None]:
        convs: list[Callable[[Any], Any] | None] = []
        for col in self._tables[table].columns:
            if isinstance(col.type, sa.JSON):
                convs.append(_json)
            elif sqlite and isinstance(col.type, sa.DateTime):
                convs.append(_sqlite_dt)
            else:
                convs.append(None)
        return convs

    def _convert(
        self, table: str, rows: list[tuple[Any, ...]], *, sqlite: bool
    ) -> list[tuple[Any, ...]]:
        convs = self._converters(table, sqlite=sqlite)
        idx = [(i, c) for i, c in enumerate(convs) if c is not None]
        if not idx:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for i, conv in idx:
                values[i] = conv(values[i])
            out.append(tuple(values))
        return out

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.flush()


class SqliteSink(RowSink):
    def __init__(self, engine: sa.Engine, version: int) -> None:
        super().__init__(version, "sqlite", batch_rows=20_000)
        self._raw = engine.raw_connection()
        self._db: Any = self._raw.driver_connection

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self._db.executemany(
            f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
            self._convert(table, rows, sqlite=True),
        )

    def close(self) -> None:
        super().close()
        self._db.commit()
        self._raw.close()


class PostgresSink(RowSink):
    """Binary COPY FROM STDIN through psycopg, on one transaction committed by ``close``.

    The COPY runs in a writer thread, so PostgreSQL ingests one batch while the next is
    being generated.
    """

    def __init__(self, engine: sa.Engine, version: int, *, progress: bool) -> None:
        super().__init__(version, "postgresql", batch_rows=100_000)
        self._raw = engine.raw_connection()
        self._db: Any = self._raw.driver_connection
        self._progress = progress
        self._queue: queue.Queue[tuple[str, tuple[str, ...], list[tuple[Any, ...]]] | None]
        self._queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._copy_loop, name="copy", daemon=True)
        self._thread.start()

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if self._error is not None:
            raise RuntimeError("COPY failed") from self._error
        self._queue.put((table, columns, rows))

    def _copy_loop(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._copy(*item)
                except BaseException as exc:  # reported by _write / close
                    self._error = exc

    def _copy(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        cols = ", ".join(f'"{c}"' for c in columns)
        types = [_pg_type(col.type) for col in self._tables[table].columns]
        with self._db.cursor() as cur:
            sql = f'COPY "{table}" ({cols}) FROM STDIN (FORMAT BINARY)'
            with cur.copy(sql) as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)

    def flush(self) -> None:
        super().flush()
        if self._progress:
            total = self.written.get("mail_mail", 0)
            print(f"  ... {total:,} mails generated", file=sys.stderr, flush=True)

    def close(self) -> None:
        super().close()
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            self._raw.close()
            raise RuntimeError("COPY failed") from self._error
        self._db.commit()
        self._raw.close()
