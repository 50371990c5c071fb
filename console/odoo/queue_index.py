"""Measure what an index on mail_mail.state would save Odoo's queue search (PostgreSQL).
The advice itself is console.services.queue_index (cached) and the rule
console.domain.queue_index.

Reads only, so it works with --read-only: the catalog (pg_class.reltuples, pg_index),
then Odoo's own queue search run once for its ids and once under EXPLAIN (ANALYZE,
FORMAT JSON) for its time and the rows it read, then the same mails fetched through the
primary key (``id = ANY(:ids)``): the index probes and heap fetches an index on state
would need, a conservative estimate of the search with the index. Every statement is
bounded by the session's statement_timeout. The rule is console.domain.queue_index.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from console.domain.queue_index import MIN_ROWS, QueueIndexFacts, SearchCost
from console.domain.timefmt import utcnow_naive
from console.odoo.schema import OdooSchema

# Odoo's process_email_queue search (docs/odoo-queue.md): _order 'id desc', LIMIT the batch size.
QUEUE_SEARCH = (
    "SELECT mail_mail.id FROM mail_mail "
    "WHERE mail_mail.state = 'outgoing' "
    "AND (mail_mail.scheduled_date IS NULL OR mail_mail.scheduled_date <= :now) "
    "ORDER BY mail_mail.id DESC LIMIT :batch"
)
# The same rows through the primary key: one index probe and one heap fetch per mail.
BY_ID = (
    "SELECT mail_mail.id FROM mail_mail "
    "WHERE mail_mail.id = ANY(CAST(:ids AS integer[])) AND mail_mail.state = 'outgoing' "
    "AND (mail_mail.scheduled_date IS NULL OR mail_mail.scheduled_date <= :now) "
    "ORDER BY mail_mail.id DESC LIMIT :batch"
)
INDEXES = """
SELECT i.relname AS name, x.indisvalid AS valid, a.attname AS first_column,
       pg_get_expr(x.indpred, x.indrelid) AS predicate
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
WHERE x.indrelid = CAST('mail_mail' AS regclass)
ORDER BY i.relname
"""
SCAN_NODES = frozenset(
    {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan"}
)
_DURATION = re.compile(r"(?P<value>\d+)\s*(?P<unit>ms|s|min|h|d)?")
_UNITS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def measure(
    engine: Engine,
    schema: OdooSchema,
    version: int,
    *,
    min_rows: int = MIN_ROWS,
    now: datetime | None = None,
) -> QueueIndexFacts:
    """The facts of the advice; the queue search is run only on a table of `min_rows`."""
    if engine.dialect.name != "postgresql":
        return QueueIndexFacts(dialect="sqlite")
    try:
        with engine.connect() as connection:
            return _measure(connection, schema, version, min_rows, now or utcnow_naive())
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).lower()
        if "statement timeout" in reason or "canceling statement" in reason:
            return QueueIndexFacts(
                dialect="postgresql",
                rows=_rows_or_none(engine),
                timed_out=True,
                timeout_s=_timeout_s(engine),
            )
        return QueueIndexFacts(dialect="postgresql", error=_one_line(exc))


def _measure(
    connection: Connection, schema: OdooSchema, version: int, min_rows: int, now: datetime
) -> QueueIndexFacts:
    rows = _reltuples(connection)
    covering, invalid = _state_indexes(connection)
    batch = _batch_size(connection, schema, version)
    facts = QueueIndexFacts(
        dialect="postgresql",
        rows=rows,
        covering_index=covering,
        invalid_index=invalid,
        batch=batch,
    )
    if covering is not None or invalid is not None or rows is None or rows < min_rows:
        return facts  # nothing to measure
    params = {"now": now, "batch": batch}
    ids = [int(i) for i in connection.execute(text(QUEUE_SEARCH), params).scalars()]
    current = _explain(connection, QUEUE_SEARCH, params)  # warm: the run above read it
    indexed = _explain(connection, BY_ID, {**params, "ids": ids})
    return QueueIndexFacts(
        dialect="postgresql",
        rows=rows,
        batch=batch,
        now=current,
        indexed=indexed,
    )


def _reltuples(connection: Connection) -> int | None:
    value = connection.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST('mail_mail' AS regclass)")
    ).scalar()
    if value is None or float(value) < 0:  # -1: never analyzed (PostgreSQL 14+)
        return None
    return int(value)


def _rows_or_none(engine: Engine) -> int | None:
    try:
        with engine.connect() as connection:
            return _reltuples(connection)
    except SQLAlchemyError:
        return None


def _state_indexes(connection: Connection) -> tuple[str | None, str | None]:
    """(a valid index that serves state, an INVALID one): state first, or in the WHERE."""
    valid: str | None = None
    invalid: str | None = None
    for row in connection.execute(text(INDEXES)).mappings():
        predicate = str(row["predicate"] or "")
        if row["first_column"] != "state" and "state" not in predicate:
            continue
        if row["valid"]:
            valid = valid or str(row["name"])
        else:
            invalid = invalid or str(row["name"])
    return valid, invalid


def _batch_size(connection: Connection, schema: OdooSchema, version: int) -> int:
    """16: 10000; 17: ICP mail.mail.queue.batch.size (10000); 18+: the ICP or 1000."""
    default = 10_000 if version <= 17 else 1_000
    if version <= 16 or not schema.has_table("ir_config_parameter"):
        return default
    raw = connection.execute(
        text("SELECT value FROM ir_config_parameter WHERE key = 'mail.mail.queue.batch.size'")
    ).scalar()
    try:
        return max(1, int(str(raw))) if raw is not None else default
    except ValueError:
        return default


def _explain(connection: Connection, statement: str, params: dict[str, Any]) -> SearchCost:
    plan = connection.execute(
        text("EXPLAIN (ANALYZE, FORMAT JSON) " + statement), params
    ).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    top = plan[0]
    root = top["Plan"]
    return SearchCost(
        milliseconds=float(top["Execution Time"]),
        rows_scanned=_scanned(root),
        rows_matched=int(root.get("Actual Rows", 0)),
    )


def _scanned(node: dict[str, Any]) -> int:
    """Rows read by the scan nodes: kept plus filtered out, over every loop (worker)."""
    total = 0
    if node.get("Node Type") in SCAN_NODES:
        per_loop = float(node.get("Actual Rows", 0)) + float(node.get("Rows Removed by Filter", 0))
        total += round(per_loop * float(node.get("Actual Loops", 1)))
    for child in node.get("Plans", ()):
        total += _scanned(child)
    return total


def _timeout_s(engine: Engine) -> float | None:
    try:
        with engine.connect() as connection:
            raw = str(connection.execute(text("SHOW statement_timeout")).scalar())
    except SQLAlchemyError:
        return None
    match = _DURATION.fullmatch(raw.strip())
    if match is None or int(match["value"]) == 0:
        return None
    return int(match["value"]) * _UNITS[match["unit"] or "ms"]


def _one_line(exc: BaseException) -> str:
    return " ".join(str(getattr(exc, "orig", exc)).split())[:300]
