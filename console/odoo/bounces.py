"""Bounces read from Odoo's tables (docs/odoo-bounces.md): the bounced e-mail notifications
and mass-mailing traces, the records with the most bounces, and the bounce rates.

Every read is bounded: lists are keyset pages, rates are ``GROUP BY`` counts over a window
of days, and the campaign statistics aggregate only the mailings of the page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.domain.bounces import (
    SENT_NOTIFICATION_STATUSES,
    SENT_TRACE_STATUSES,
    BounceCounter,
    BouncedNotification,
    BouncedTrace,
    BounceOverview,
    BouncePage,
    CampaignRate,
    RateWindow,
)
from console.domain.models import LIST_REASON_CHARS
from console.domain.secrets import SecretMask
from console.domain.timefmt import as_naive_datetime
from console.odoo.envelope_sql import display_name
from console.odoo.envelopes import _record_name_column
from console.odoo.record_names import record_names
from console.odoo.schema import OdooSchema

_SENT_N = "('" + "', '".join(SENT_NOTIFICATION_STATUSES) + "')"
_SENT_T = "('" + "', '".join(SENT_TRACE_STATUSES) + "')"
COUNTER_TABLES = {"res.partner": "res_partner", "mailing.contact": "mailing_contact"}


def notifications_readable(schema: OdooSchema) -> bool:
    return schema.has_table("mail_notification") and schema.has_table("mail_message")


def traces_readable(schema: OdooSchema) -> bool:
    return schema.has_table("mailing_trace") and schema.has_table("mailing_mailing")


def counters_readable(schema: OdooSchema, model: str) -> bool:
    table = COUNTER_TABLES[model]
    return schema.has(table, "message_bounce") and schema.has(table, "email_normalized")


# -- lists --------------------------------------------------------------------------------
def bounced_notifications(
    connection: Connection,
    schema: OdooSchema,
    *,
    before_id: int | None,
    limit: int,
    mask: SecretMask,
) -> BouncePage:
    """The bounced e-mail notifications, newest first, keyset-paged on their id."""
    if not notifications_readable(schema):
        return BouncePage((), False)
    bound = "" if before_id is None else "AND n.id < :before "
    rows = connection.execute(
        text(
            "SELECT n.id, n.mail_message_id, m.date, m.model, m.res_id, "
            f"{_record_name_column(schema)}, n.res_partner_id, p.name, p.email, "
            f"n.failure_type, substr(n.failure_reason, 1, {LIST_REASON_CHARS}) "
            "FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id "
            "LEFT JOIN res_partner p ON p.id = n.res_partner_id "
            "WHERE n.notification_type = 'email' AND n.notification_status = 'bounce' "
            f"{bound}ORDER BY n.id DESC LIMIT :limit"
        ),
        {"before": before_id, "limit": limit + 1},
    ).all()
    names = record_names(connection, schema, [(r[3], r[4]) for r in rows[:limit] if not r[5]])
    found = tuple(
        BouncedNotification(
            notification_id=int(r[0]),
            message_id=int(r[1]),
            date=as_naive_datetime(r[2]),
            model=r[3],
            res_id=None if r[4] is None else int(r[4]),
            record_name=display_name(r[5]) or names.get((str(r[3]), int(r[4] or 0))),
            partner_id=None if r[6] is None else int(r[6]),
            partner_name=display_name(r[7]),
            email=r[8],
            failure_type=r[9],
            failure_reason=mask.cut(r[10], LIST_REASON_CHARS),
        )
        for r in rows[:limit]
    )
    return BouncePage(found, len(rows) > limit)


def bounced_traces(
    connection: Connection,
    schema: OdooSchema,
    *,
    before_id: int | None,
    limit: int,
    mask: SecretMask,
) -> BouncePage:
    """The bounced mass-mailing traces, newest first, keyset-paged on their id."""
    if not traces_readable(schema):
        return BouncePage((), False)
    reason = (
        f"substr(t.failure_reason, 1, {LIST_REASON_CHARS})"
        if schema.has("mailing_trace", "failure_reason")
        else "NULL"
    )
    bound = "" if before_id is None else "AND t.id < :before "
    rows = connection.execute(
        text(
            "SELECT t.id, t.mass_mailing_id, mm.subject, t.email, t.model, t.res_id, "
            f"t.sent_datetime, t.write_date, {reason} FROM mailing_trace t "
            "LEFT JOIN mailing_mailing mm ON mm.id = t.mass_mailing_id "
            f"WHERE t.trace_status = 'bounce' {bound}ORDER BY t.id DESC LIMIT :limit"
        ),
        {"before": before_id, "limit": limit + 1},
    ).all()
    found = tuple(
        BouncedTrace(
            trace_id=int(r[0]),
            mailing_id=None if r[1] is None else int(r[1]),
            campaign=display_name(r[2]),
            email=r[3],
            model=r[4],
            res_id=None if r[5] is None else int(r[5]),
            sent=as_naive_datetime(r[6]),
            bounced=as_naive_datetime(r[7]),
            failure_reason=mask.cut(r[8], LIST_REASON_CHARS),
        )
        for r in rows[:limit]
    )
    return BouncePage(found, len(rows) > limit)


def bounce_counters(
    connection: Connection,
    schema: OdooSchema,
    model: str,
    *,
    after: tuple[int, int] | None,
    limit: int,
) -> list[BounceCounter]:
    """The records of ``model`` with bounces, most first (then by id), keyset-paged after
    (bounces, id); archived partners are left out, as Odoo's searches leave them."""
    if not counters_readable(schema, model):
        return []
    table = COUNTER_TABLES[model]
    active = "AND r.active " if schema.has(table, "active") else ""
    bound = (
        ""
        if after is None
        else "AND (r.message_bounce < :bounces OR (r.message_bounce = :bounces AND r.id > :id)) "
    )
    rows = connection.execute(
        text(
            f"SELECT r.id, r.name, r.email, r.message_bounce FROM {table} r "
            f"WHERE r.message_bounce > 0 {active}{bound}"
            "ORDER BY r.message_bounce DESC, r.id LIMIT :limit"
        ),
        {"bounces": after[0] if after else None, "id": after[1] if after else None, "limit": limit},
    ).all()
    return [BounceCounter(model, int(r[0]), display_name(r[1]), r[2], int(r[3])) for r in rows]


# -- rates --------------------------------------------------------------------------------
# Neither mail_message.date nor mailing_trace.sent_datetime has an index: the windows are
# bounded on the primary key instead, from the first row dated after the window's start
# minus this slack (ids grow with time; a row dated far off its creation is the exception).
SLACK = timedelta(days=2)
WEEK = timedelta(days=7)


def first_id_since(connection: Connection, table: str, column: str, since: datetime) -> int | None:
    """The first id of ``table`` whose ``column`` is at or after ``since - SLACK``, found by
    bisecting the primary key (a few dozen index lookups); None when the table is empty."""
    low, high = connection.execute(text(f"SELECT min(id), max(id) FROM {table}")).one()
    if low is None:
        return None
    bound, low, high = since - SLACK, int(low), int(high) + 1
    probe = text(f"SELECT id, {column} FROM {table} WHERE id >= :at ORDER BY id LIMIT 1")
    while low < high:
        middle = (low + high) // 2
        row = connection.execute(probe, {"at": middle}).first()
        moment = None if row is None else as_naive_datetime(row[1])
        if row is None or (moment is not None and moment >= bound):
            high = middle
        else:
            low = int(row[0]) + 1
    return low


def window_bounds(connection: Connection, schema: OdooSchema, since: datetime) -> dict[str, Any]:
    notifications = (
        first_id_since(connection, "mail_message", "date", since)
        if notifications_readable(schema)
        else None
    )
    traces = (
        first_id_since(connection, "mailing_trace", "create_date", since)
        if traces_readable(schema)
        else None
    )
    return {"since": since, "first_message": notifications or 0, "first_trace": traces or 0}


def _day(connection: Connection, column: str) -> str:
    if connection.dialect.name == "postgresql":
        return f"CAST(CAST({column} AS date) AS text)"
    return f"date({column})"


def sent_and_bounced_by_day(
    connection: Connection, schema: OdooSchema, since: datetime
) -> dict[str, tuple[int, int]]:
    """UTC day -> (mails accepted, bounced) since ``since``: e-mail notifications dated by
    their message, mass-mailing traces by their ``sent_datetime``."""
    totals: dict[str, tuple[int, int]] = {}
    bounds = window_bounds(connection, schema, since)

    def add(rows: Any) -> None:
        for day, sent, bounced in rows:
            before = totals.get(str(day), (0, 0))
            totals[str(day)] = (before[0] + int(sent), before[1] + int(bounced or 0))

    if notifications_readable(schema):
        add(
            connection.execute(
                text(
                    f"SELECT {_day(connection, 'm.date')}, count(*), "
                    "sum(CASE WHEN n.notification_status = 'bounce' THEN 1 ELSE 0 END) "
                    "FROM mail_message m JOIN mail_notification n ON n.mail_message_id = m.id "
                    "WHERE m.id >= :first_message AND m.date >= :since "
                    "AND n.notification_type = 'email' "
                    f"AND n.notification_status IN {_SENT_N} GROUP BY 1"
                ),
                bounds,
            )
        )
    if traces_readable(schema):
        add(
            connection.execute(
                text(
                    f"SELECT {_day(connection, 't.sent_datetime')}, count(*), "
                    "sum(CASE WHEN t.trace_status = 'bounce' THEN 1 ELSE 0 END) "
                    "FROM mailing_trace t WHERE t.id >= :first_trace "
                    "AND t.sent_datetime >= :since "
                    f"AND t.trace_type = 'mail' AND t.trace_status IN {_SENT_T} GROUP BY 1"
                ),
                bounds,
            )
        )
    return totals


def window(
    connection: Connection,
    schema: OdooSchema,
    label: str,
    since: datetime,
    bounds: dict[str, Any] | None = None,
) -> RateWindow:
    """The mails accepted since ``since`` and how many of them bounced; the rows are read
    from the first ids in ``bounds`` (``window_bounds`` of an earlier start: bisect once)."""
    sent = bounced = 0
    bounds = {**(bounds or window_bounds(connection, schema, since)), "since": since}
    if notifications_readable(schema):
        row = connection.execute(
            text(
                "SELECT count(*), "
                "sum(CASE WHEN n.notification_status = 'bounce' THEN 1 ELSE 0 END) "
                "FROM mail_message m JOIN mail_notification n ON n.mail_message_id = m.id "
                "WHERE m.id >= :first_message AND m.date >= :since "
                f"AND n.notification_type = 'email' AND n.notification_status IN {_SENT_N}"
            ),
            bounds,
        ).one()
        sent, bounced = int(row[0]), int(row[1] or 0)
    if traces_readable(schema):
        row = connection.execute(
            text(
                "SELECT count(*), sum(CASE WHEN t.trace_status = 'bounce' THEN 1 ELSE 0 END) "
                "FROM mailing_trace t WHERE t.id >= :first_trace AND t.sent_datetime >= :since "
                f"AND t.trace_type = 'mail' AND t.trace_status IN {_SENT_T}"
            ),
            bounds,
        ).one()
        sent, bounced = sent + int(row[0]), bounced + int(row[1] or 0)
    return RateWindow(label, sent, bounced)


def days(
    connection: Connection, schema: OdooSchema, now: datetime, count: int
) -> tuple[RateWindow, ...]:
    """The last ``count`` UTC days, today included, oldest first (days without mail too)."""
    first: date = now.date() - timedelta(days=count - 1)
    since = datetime.combine(first, datetime.min.time())
    found = sent_and_bounced_by_day(connection, schema, since)
    labels = [(first + timedelta(days=i)).isoformat() for i in range(count)]
    return tuple(RateWindow(day, *found.get(day, (0, 0))) for day in labels)


def campaign_rates(
    connection: Connection,
    schema: OdooSchema,
    version: int,
    *,
    before_id: int | None,
    limit: int,
) -> list[CampaignRate]:
    """The newest mailings that have traces, ``limit`` at a time (keyset on the id), with
    the counts of Odoo's statistics (``_compute_statistics``)."""
    if not traces_readable(schema):
        return []
    bound = "" if before_id is None else "AND m2.id < :before "
    rows = connection.execute(
        text(
            "SELECT mm.id, mm.subject, count(t.id), "
            "sum(CASE WHEN t.trace_status = 'cancel' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN t.trace_status = 'error' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN t.trace_status = 'bounce' THEN 1 ELSE 0 END) "
            "FROM mailing_mailing mm JOIN mailing_trace t ON t.mass_mailing_id = mm.id "
            "WHERE mm.id IN (SELECT m2.id FROM mailing_mailing m2 WHERE EXISTS "
            "(SELECT 1 FROM mailing_trace t2 WHERE t2.mass_mailing_id = m2.id) "
            f"{bound}ORDER BY m2.id DESC LIMIT :limit) "
            "GROUP BY mm.id, mm.subject ORDER BY mm.id DESC"
        ),
        {"before": before_id, "limit": limit},
    ).all()
    return [
        CampaignRate(
            int(r[0]),
            display_name(r[1]),
            int(r[2]),
            int(r[3] or 0),
            int(r[4] or 0),
            int(r[5] or 0),
            version,
        )
        for r in rows
    ]


def overview(
    connection: Connection,
    schema: OdooSchema,
    version: int,
    *,
    days_back: int,
    limit: int,
    now: datetime,
) -> BounceOverview:
    """Everything the Bounces pane shows, read on one connection."""
    partners = bounce_counters(connection, schema, "res.partner", after=None, limit=limit)
    contacts = bounce_counters(connection, schema, "mailing.contact", after=None, limit=limit)
    ranked = sorted([*partners, *contacts], key=lambda c: (-c.bounces, c.model, c.record_id))
    week = window_bounds(connection, schema, now - WEEK)
    return BounceOverview(
        last_24h=window(connection, schema, "24h", now - timedelta(hours=24), week),
        last_7d=window(connection, schema, "7d", now - WEEK, week),
        days=days(connection, schema, now, days_back),
        campaigns=tuple(campaign_rates(connection, schema, version, before_id=None, limit=limit)),
        counters=tuple(ranked[:limit]),
        contacts_readable=counters_readable(schema, "mailing.contact"),
    )
