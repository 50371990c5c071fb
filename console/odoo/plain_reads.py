"""What `status` reads, over a DB-API cursor of PostgreSQL (psycopg), without SQLAlchemy.

Importing SQLAlchemy and its PostgreSQL dialect and reflecting the tables costs more than
the counts themselves; `status` needs neither (bench/cli_speed.py). The SQL backend reads
the same through SQLAlchemy (console.odoo.database_info, version, mail_list.queue_status,
envelopes.envelope_counts). The rules and the envelope SQL are shared
(console.odoo.version_rules, envelope_sql); tests/odoo/test_plain_reads.py holds both
paths to the same answers on every Odoo version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from console.domain.envelopes import EnvelopeCounts
from console.domain.mail_crons import EMAIL_QUEUE, is_overdue, job_of
from console.domain.models import CronRow, DatabaseInfo, QueueStatus
from console.domain.pause import PAUSE_KEY, PauseState
from console.domain.sample_servers import SAMPLE_MARKER
from console.odoo.envelope_sql import ENVELOPE_COUNTS_PG_SQL, envelope_counts_from_grouped
from console.odoo.version_rules import (
    NEUTRALIZED_KEY,
    OdooVersion,
    is_neutralized,
    mass_mailing_readable,
    require_module_table,
    version_from_base,
)

# The tables and columns whose presence status's answers depend on (see version_rules).
SHAPE_TABLES = (
    "ir_module_module",
    "mail_mail",
    "mail_message",
    "ir_cron",
    "ir_config_parameter",
    "mailing_mailing",
    "mail_notification",
    "mail_alias_domain",
    "ir_model_data",
    "ir_act_server",
)
SHAPE_COLUMNS = (
    ("mail_mail", "mailing_id"),
    ("ir_cron", "numbercall"),
    ("ir_cron", "failure_count"),
    ("ir_cron", "first_failure_date"),
    ("ir_cron", "ir_actions_server_id"),
    ("ir_act_server", "code"),
)

# The tables of the connection's schema, as SQLAlchemy's inspector lists them (plain and
# partitioned tables), and which of the wanted columns they have.
_SHAPE_SQL = (
    "SELECT c.relname, a.attname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
    "AND NOT a.attisdropped AND a.attname = ANY(%(columns)s) "
    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
    "AND c.relname = ANY(%(tables)s)"
)
_MODULES_SQL = (
    "SELECT name, latest_version, state FROM ir_module_module "
    "WHERE name IN ('base', 'mass_mailing') ORDER BY id"
)
# The parameters database_info reads: neutralization, and the console's sample marker.
_PARAMETERS_SQL = "SELECT key, value FROM ir_config_parameter WHERE key = ANY(%(keys)s)"
# console.odoo.mail_queries.status_query in SQL: counts per state, the oldest due
# outgoing mail, the outgoing ones scheduled later; one scan of mail_mail.
_STATUS_SQL = (
    "SELECT state, count(*), "
    "min(create_date) FILTER (WHERE state = 'outgoing' "
    "AND (scheduled_date IS NULL OR scheduled_date <= %(now)s)), "
    "count(*) FILTER (WHERE state = 'outgoing' AND scheduled_date > %(now)s) "
    "FROM mail_mail GROUP BY state"
)


class Cursor(Protocol):
    """The part of a DB-API cursor used here (psycopg's paramstyle: %(name)s)."""

    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Shape:
    """Which of SHAPE_TABLES and SHAPE_COLUMNS a database has (a version_rules.TableShape)."""

    tables: frozenset[str]
    columns: frozenset[tuple[str, str]]

    def has_table(self, name: str) -> bool:
        return name in self.tables

    def has(self, table: str, column: str) -> bool:
        return (table, column) in self.columns


def read_shape(cursor: Cursor) -> Shape:
    wanted = {column for _, column in SHAPE_COLUMNS}
    cursor.execute(_SHAPE_SQL, {"tables": list(SHAPE_TABLES), "columns": sorted(wanted)})
    rows = cursor.fetchall()
    found = {(str(table), str(column)) for table, column in rows if column is not None}
    return Shape(
        tables=frozenset(str(table) for table, _ in rows),
        columns=frozenset(found & set(SHAPE_COLUMNS)),
    )


def database_info(
    cursor: Cursor, shape: Shape, *, name: str, display_url: str, read_only: bool
) -> DatabaseInfo:
    """Version, Mail Marketing and neutralization, as console.odoo.database_info says them."""
    require_module_table(shape)
    cursor.execute(_MODULES_SQL)
    modules: dict[str, tuple[Any, Any]] = {}
    for module, latest_version, state in cursor.fetchall():
        modules.setdefault(str(module), (latest_version, state))
    version: OdooVersion = version_from_base(modules.get("base", (None, None))[0], shape)
    parameters: dict[str, Any] = {}
    if shape.has_table("ir_config_parameter"):
        cursor.execute(_PARAMETERS_SQL, {"keys": [NEUTRALIZED_KEY, SAMPLE_MARKER]})
        parameters = {str(key): value for key, value in cursor.fetchall()}
    mass_mailing = modules.get("mass_mailing", (None, None))[1] == "installed"
    return DatabaseInfo(
        name=name,
        dialect="postgresql",
        display_url=display_url,
        odoo_version=version.major,
        odoo_version_label=version.label,
        read_only=read_only,
        has_mass_mailing=mass_mailing_readable(shape) and mass_mailing,
        neutralized=is_neutralized(parameters.get(NEUTRALIZED_KEY)),
        notes=version.notes,
        sample=SAMPLE_MARKER in parameters,
    )


def queue_status(cursor: Cursor, now: datetime) -> QueueStatus:
    cursor.execute(_STATUS_SQL, {"now": now})
    return queue_status_from(cursor.fetchall())


def queue_status_from(rows: Iterable[Sequence[Any]]) -> QueueStatus:
    """The rows of the status query: (state, count, oldest due outgoing, scheduled later)."""
    counts: dict[str, int] = {}
    oldest: datetime | None = None
    future = 0
    for state, count, oldest_due, scheduled in rows:
        if state is None:
            continue
        counts[str(state)] = int(count)
        if oldest_due is not None:
            oldest = oldest_due
        future += int(scheduled or 0)
    return QueueStatus(counts=counts, oldest_due_outgoing=oldest, scheduled_future=future)


def pause_state(cursor: Cursor, shape: Shape) -> PauseState | None:
    """The console's pause of Odoo's queue (the ``odoo_mailq.pause`` parameter)."""
    if not shape.has_table("ir_config_parameter"):
        return None
    cursor.execute(_PARAMETERS_SQL, {"keys": [PAUSE_KEY]})
    row = cursor.fetchone()
    return None if row is None else PauseState.from_json(str(row[1]))


def envelope_counts(cursor: Cursor, shape: Shape) -> EnvelopeCounts:
    if not (shape.has_table("mail_notification") and shape.has_table("mail_message")):
        return EnvelopeCounts(0, 0, 0, 0, ())
    cursor.execute(ENVELOPE_COUNTS_PG_SQL)
    return envelope_counts_from_grouped(cursor.fetchall())


def queue_cron(cursor: Cursor, shape: Shape, now: datetime, version: int) -> CronRow | None:
    """The Email Queue Manager cron as console.domain.mail_crons.find_cron picks it (its
    external id, else the lowest id whose server action calls the job), or None. Whether
    a worker runs it now is not probed (that takes a row lock: not in a read-only
    session): `running` is None."""
    if not shape.has_table("ir_cron"):
        return None
    module, name = EMAIL_QUEUE.xml_id

    def column(column_name: str) -> str:
        return f"c.{column_name}" if shape.has("ir_cron", column_name) else "NULL"

    by_xml_id = "NULL"
    if shape.has_table("ir_model_data"):
        by_xml_id = (
            "(SELECT min(res_id) FROM ir_model_data WHERE model = 'ir.cron' "
            "AND module = %(module)s AND name = %(name)s)"
        )
    code = "NULL"
    if shape.has("ir_act_server", "code") and shape.has("ir_cron", "ir_actions_server_id"):
        code = "(SELECT s.code FROM ir_act_server s WHERE s.id = c.ir_actions_server_id)"
    cursor.execute(
        f"SELECT * FROM (SELECT c.id, c.cron_name, c.active, c.interval_number, "
        f"c.interval_type, c.nextcall, c.lastcall, c.priority, {column('failure_count')}, "
        f"{column('first_failure_date')}, {column('numbercall')}, "
        f"c.id = {by_xml_id} AS by_xml_id, {code} AS code FROM ir_cron c) AS crons "
        "WHERE by_xml_id OR code LIKE %(calls)s "
        "ORDER BY by_xml_id IS TRUE DESC, id LIMIT 1",
        {"module": module, "name": name, "calls": f"%{EMAIL_QUEUE.calls}%"},
    )
    row = cursor.fetchone()
    if row is None:
        return None
    (cron_id, cron_name, active, number, kind, nextcall, lastcall, priority) = row[:8]
    failures, first_failure, numbercall, found_by_xml_id, action_code = row[8:]
    running_jobs = active and not (version <= 17 and numbercall == 0)
    xml_id = EMAIL_QUEUE.dotted if found_by_xml_id else None
    return CronRow(
        id=int(cron_id),
        name=_cron_name(cron_name),
        xml_id=xml_id,
        active=bool(running_jobs),
        interval_number=number,
        interval_type=kind,
        nextcall=nextcall,
        lastcall=lastcall,
        priority=priority,
        failure_count=failures,
        first_failure_date=first_failure,
        running=None,
        pending_triggers=0,
        overdue=is_overdue(bool(running_jobs), nextcall, now),
        is_mail_related=True,
        job=job_of(xml_id, action_code),
    )


def _cron_name(raw: Any) -> str:
    """cron_name: jsonb {"en_US": ...} in 16 (psycopg gives a dict), text afterwards."""
    if isinstance(raw, dict):
        return str(raw.get("en_US") or next(iter(raw.values()), ""))
    return "" if raw is None else str(raw)
