"""The mails of the last 24 hours, as the daily-limit check and the exporter count them:
sent or attempted mails that left a trace (a lower bound: auto-deleted mails leave no
mail_mail row; campaign mails still leave a mailing_trace)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from console.domain.models import QueueStatus
from console.odoo import mail_queries as mail_sql
from console.odoo.plain_reads import queue_status_from
from console.odoo.schema import OdooSchema

WINDOW = timedelta(hours=24)


def _done_since(schema: OdooSchema, since: datetime) -> Any:
    mail = schema.t("mail_mail")
    at: Any = func.coalesce(mail.c.write_date, mail.c.create_date)
    return and_(mail.c.state.in_(("sent", "exception")), at >= since)


def _trace_volume(connection: Connection, schema: OdooSchema, since: datetime) -> int:
    """Campaign mails sent since then whose mail row is gone (a trace without a mail)."""
    if not (schema.has_table("mailing_trace") and schema.has("mailing_trace", "sent_datetime")):
        return 0
    trace = schema.t("mailing_trace")
    conditions: list[Any] = [trace.c.sent_datetime >= since]
    if "mail_mail_id" in trace.c:
        conditions.append(trace.c.mail_mail_id.is_(None))
    return int(connection.execute(select(func.count()).where(*conditions)).scalar_one())


def mail_volume(connection: Connection, schema: OdooSchema, now: datetime) -> int:
    """The mails of the 24 hours before ``now``."""
    since = now - WINDOW
    done = connection.execute(select(func.count()).where(_done_since(schema, since)))
    return int(done.scalar_one()) + _trace_volume(connection, schema, since)


def status_and_volume(
    connection: Connection, schema: OdooSchema, now: datetime
) -> tuple[QueueStatus, int]:
    """The queue's status (as console.odoo.mail_list.queue_status reads it) and
    ``mail_volume`` in one scan of mail_mail, which Odoo indexes on neither state nor
    dates: a million mails are read once instead of twice."""
    since = now - WINDOW
    statement = mail_sql.status_query(schema, now).add_columns(
        func.count().filter(_done_since(schema, since))
    )
    rows = connection.execute(statement).all()
    status = queue_status_from(row[:4] for row in rows)
    done = sum(int(row[4] or 0) for row in rows if row[0] is not None)
    return status, done + _trace_volume(connection, schema, since)
