"""The crons pane's rows: ir_cron read once per cron, as `CronRow`s."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from console.domain.mail_crons import job_of
from console.domain.models import CronRow
from console.odoo import crons as cron_sql
from console.odoo.schema import OdooSchema


def cron_rows(connection: Connection, schema: OdooSchema) -> list[Any]:
    """Every cron's row, one per cron (see `_one_row_per_cron`)."""
    return _one_row_per_cron(list(connection.execute(cron_sql.crons_query(schema))))


def _one_row_per_cron(rows: list[Any]) -> list[Any]:
    """A cron can carry several XML ids (exports); keep the module's own."""
    chosen: dict[int, Any] = {}
    for row in rows:
        current = chosen.get(row.id)
        if current is None or (current.xml_module in (None, "__export__") and row.xml_module):
            chosen[row.id] = row
    return list(chosen.values())


def cron_row(row: Any, now: datetime, running: set[int] | None, version: int) -> CronRow:
    """`running`: the crons being run now, None when that could not be probed."""
    name = cron_sql.cron_name_text(row.cron_name)
    xml_id = f"{row.xml_module}.{row.xml_name}" if row.xml_module else None
    active = bool(row.active)
    if version <= 17 and row.numbercall is not None and row.numbercall == 0:
        active = False  # numbercall 0: Odoo 16/17's runner never picks it
    return CronRow(
        id=int(row.id),
        name=name,
        xml_id=xml_id,
        active=active,
        interval_number=row.interval_number,
        interval_type=row.interval_type,
        nextcall=row.nextcall,
        lastcall=row.lastcall,
        priority=row.priority,
        failure_count=row.failure_count,
        first_failure_date=row.first_failure_date,
        running=None if running is None else int(row.id) in running,
        pending_triggers=int(row.triggers or 0),
        # A job being run keeps its old nextcall until it finishes: running, not overdue.
        overdue=cron_sql.is_overdue(active, row.nextcall, now)
        and not (running is not None and int(row.id) in running),
        is_mail_related=cron_sql.is_mail_related(row.xml_module, name),
        job=job_of(xml_id, row.code),
    )
