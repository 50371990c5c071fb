"""A cron's interval, as Odoo's form writes it (``ir.cron.write`` after ``_try_lock()``),
inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from console.domain.errors import CronBusy
from console.odoo.schema import OdooSchema
from console.odoo.writes import LOCK_NOT_AVAILABLE


def set_cron_interval(
    connection: Connection,
    schema: OdooSchema,
    cron_id: int,
    *,
    number: int,
    unit: str,
    uid: int,
    now: datetime,
) -> tuple[int | None, str | None]:
    """`ir.cron.write({'interval_number', 'interval_type'})`, after Odoo's `_try_lock()`.

    Returns the previous (number, unit). Odoo leaves nextcall alone on such a write.
    """
    cron = schema.t("ir_cron")
    if connection.dialect.name == "postgresql":
        try:  # SELECT ... FOR NO KEY UPDATE NOWAIT, exactly Odoo's _try_lock()
            connection.execute(
                select(cron.c.id)
                .where(cron.c.id == cron_id)
                .with_for_update(nowait=True, key_share=True)
            )
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise CronBusy("This cron task is currently being executed") from None
            raise
    row = connection.execute(
        select(cron.c.interval_number, cron.c.interval_type).where(cron.c.id == cron_id)
    ).first()
    if row is None:
        raise LookupError(f"no cron {cron_id}")
    connection.execute(
        update(cron)
        .where(cron.c.id == cron_id)
        .values(interval_number=number, interval_type=unit, write_uid=uid, write_date=now)
    )
    return row.interval_number, row.interval_type
