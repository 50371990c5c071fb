"""The SQL of the throughput history (console.domain.history; the facts in
docs/odoo-history.md): sent, failed and bounced per UTC hour from three kinds of rows,
none counted twice:

* ``mail_notification`` rows of type ``email`` (one per recipient partner of a chatter
  message), dated by their message's ``date``: ``sent``/``pending``/``bounce`` were
  handed over, ``bounce`` also bounced, ``exception`` failed;
* ``mailing_trace`` rows of type ``mail`` (mass mailing, one per recipient): handed over
  at ``sent_datetime`` (``bounce`` also bounced), ``error`` failed at ``write_date``;
* ``mail_mail`` rows still kept that are neither notifications nor campaign mails (those
  are counted by the two above): ``sent`` and ``exception`` at ``write_date``.

Odoo indexes none of these dates: messages and traces are read from the first id of the
window (bisecting the primary key, console.odoo.bounces.first_id_since), mails by a scan.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal_column, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

from console.domain.bounces import SENT_TRACE_STATUSES
from console.odoo.bounces import first_id_since
from console.odoo.schema import OdooSchema

HANDED_OVER = ("sent", "pending", "bounce")  # a notification the server accepted
TRACE_HANDED_OVER = (*SENT_TRACE_STATUSES, "pending")
Counted = list[tuple[str, datetime, int]]


class hour_text(FunctionElement[str]):
    """A timestamp's UTC hour as text, ``YYYY-MM-DD HH``."""

    type = String()
    inherit_cache = True
    name = "hour_text"


@compiles(hour_text, "postgresql")
def _hour_pg(element: hour_text, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(next(iter(element.clauses)), **kw)}, 'YYYY-MM-DD HH24')"


@compiles(hour_text)
def _hour_sqlite(element: hour_text, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-%d %H', {compiler.process(next(iter(element.clauses)), **kw)})"


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0), type_=Integer)


def _hour(value: Any) -> datetime:
    return datetime.strptime(str(value), "%Y-%m-%d %H")


def _add(counted: Counted, rows: Any, kinds: tuple[str, ...]) -> None:
    for row in rows:
        if row[0] is None:
            continue
        for kind, count in zip(kinds, row[1:], strict=True):
            if count:
                counted.append((kind, _hour(row[0]), int(count)))


def notification_hours(
    connection: Connection, schema: OdooSchema, since: datetime, until: datetime
) -> Counted:
    msg, notif = schema.t("mail_message"), schema.t("mail_notification")
    first = first_id_since(connection, "mail_message", "date", since) or 0
    status = notif.c.notification_status
    hour = hour_text(msg.c.date).label("hour")
    query = (
        select(
            hour,
            _count_if(status.in_(HANDED_OVER)),
            _count_if(status == "exception"),
            _count_if(status == "bounce"),
        )
        .select_from(msg.join(notif, notif.c.mail_message_id == msg.c.id))
        .where(
            msg.c.id >= first,
            msg.c.date >= since,
            msg.c.date < until,
            notif.c.notification_type == "email",
            status.in_((*HANDED_OVER, "exception")),
        )
        .group_by(literal_column("1"))
    )
    counted: Counted = []
    _add(counted, connection.execute(query), ("sent", "failed", "bounced"))
    return counted


def trace_hours(
    connection: Connection, schema: OdooSchema, since: datetime, until: datetime
) -> Counted:
    trace = schema.t("mailing_trace")
    first = first_id_since(connection, "mailing_trace", "create_date", since) or 0
    status = trace.c.trace_status
    sent = (
        select(
            hour_text(trace.c.sent_datetime).label("hour"),
            func.count(),
            _count_if(status == "bounce"),
        )
        .where(
            trace.c.id >= first,
            trace.c.sent_datetime >= since,
            trace.c.sent_datetime < until,
            trace.c.trace_type == "mail",
            status.in_(TRACE_HANDED_OVER),
        )
        .group_by(literal_column("1"))
    )
    failed_at = func.coalesce(trace.c.write_date, trace.c.create_date)
    failed = (
        select(hour_text(failed_at).label("hour"), func.count())
        .where(
            trace.c.id >= first,
            failed_at >= since,
            failed_at < until,
            trace.c.trace_type == "mail",
            status == "error",
        )
        .group_by(literal_column("1"))
    )
    counted: Counted = []
    _add(counted, connection.execute(sent), ("sent", "bounced"))
    _add(counted, connection.execute(failed), ("failed",))
    return counted


def mail_hours(
    connection: Connection, schema: OdooSchema, since: datetime, until: datetime
) -> Counted:
    """The kept mails no notification or trace stands for."""
    mail = schema.t("mail_mail")
    at = func.coalesce(mail.c.write_date, mail.c.create_date)
    conditions = [mail.c.state.in_(("sent", "exception")), at >= since, at < until]
    if "is_notification" in mail.c:
        flag = mail.c.is_notification
        conditions.append(or_(flag.is_(None), flag.is_(False)))
    if "mailing_id" in mail.c and schema.has_table("mailing_trace"):
        conditions.append(mail.c.mailing_id.is_(None))
    query = (
        select(
            hour_text(at).label("hour"),
            _count_if(mail.c.state == "sent"),
            _count_if(mail.c.state == "exception"),
        )
        .where(and_(*conditions))
        .group_by(literal_column("1"))
    )
    counted: Counted = []
    _add(counted, connection.execute(query), ("sent", "failed"))
    return counted


def read_hours(
    connection: Connection, schema: OdooSchema, since: datetime, until: datetime
) -> tuple[Counted, tuple[str, ...]]:
    """Every (kind, UTC hour, count) of the window, and the tables read."""
    counted = mail_hours(connection, schema, since, until)
    sources = ["mail_mail"]
    if schema.has_table("mail_notification") and schema.has("mail_notification", "mail_message_id"):
        counted += notification_hours(connection, schema, since, until)
        sources.append("mail_notification")
    if schema.has_table("mailing_trace") and schema.has("mailing_trace", "sent_datetime"):
        counted += trace_hours(connection, schema, since, until)
        sources.append("mailing_trace")
    return counted, tuple(sources)
