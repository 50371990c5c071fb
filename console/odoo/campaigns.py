"""The mass-mailing queue, in the order Odoo's `_process_mass_mailing_queue` walks it (§5.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, literal, or_, select

from console.odoo.schema import OdooSchema

QUEUED_STATES = ("in_queue", "sending")
SENT_TRACE_STATUSES = ("sent", "pending", "open", "reply")
FAILED_TRACE_STATUSES = ("error", "bounce")


def queued_campaigns_query(schema: OdooSchema) -> Select[Any]:
    """All queued/sending mailings in `_order = 'calendar_date DESC'`.

    The ORM writes no NULLS clause, so PostgreSQL puts NULL calendar dates first; SQLite
    puts them last, so we spell the PostgreSQL behaviour out. Odoo adds no tie-breaker:
    ties come back in an unspecified order, which we show by id, newest first.
    """
    mailing = schema.t("mailing_mailing")
    source_name: Any = literal(None)
    source: Any = mailing
    if schema.has_table("utm_source"):
        utm = schema.t("utm_source")
        source = mailing.outerjoin(utm, utm.c.id == mailing.c.source_id)
        source_name = utm.c.name
    conditions: list[Any] = [mailing.c.state.in_(QUEUED_STATES)]
    if "mailing_type" in mailing.c:
        conditions.append(or_(mailing.c.mailing_type == "mail", mailing.c.mailing_type.is_(None)))
    return (
        select(
            mailing.c.id,
            source_name.label("name"),
            mailing.c.subject,
            mailing.c.state,
            mailing.c.schedule_type,
            mailing.c.schedule_date,
            mailing.c.calendar_date,
            mailing.c.create_date,
        )
        .select_from(source)
        .where(*conditions)
        .order_by(
            mailing.c.calendar_date.is_(None).desc(),
            mailing.c.calendar_date.desc(),
            mailing.c.id.desc(),
        )
    )


def is_due(schedule_date: datetime | None, now: datetime) -> bool:
    """The cron's own filter: schedule_date < now or no schedule date."""
    return schedule_date is None or schedule_date < now


def trace_stats_query(schema: OdooSchema, mailing_ids: list[int]) -> Select[Any]:
    trace = schema.t("mailing_trace")
    return (
        select(
            trace.c.mass_mailing_id,
            trace.c.trace_status,
            func.count(),
            func.max(trace.c.create_date),
        )
        .where(trace.c.mass_mailing_id.in_(mailing_ids))
        .group_by(trace.c.mass_mailing_id, trace.c.trace_status)
    )


def outgoing_mails_query(schema: OdooSchema, mailing_ids: list[int]) -> Select[Any]:
    mail = schema.t("mail_mail")
    return (
        select(mail.c.mailing_id, func.count())
        .where(mail.c.mailing_id.in_(mailing_ids), mail.c.state == "outgoing")
        .group_by(mail.c.mailing_id)
    )


def list_recipients_query(schema: OdooSchema, mailing_ids: list[int]) -> Select[Any] | None:
    """Subscribed, not opted-out contacts of the mailings' lists, when recipients are lists.

    Other recipient models use a domain Odoo evaluates in Python; we do not guess those.
    """
    if not schema.has_table("mail_mass_mailing_list_rel"):
        return None
    if schema.has_table("mailing_subscription"):
        subscription = schema.t("mailing_subscription")
    elif schema.has_table("mailing_contact_list_rel"):
        subscription = schema.t("mailing_contact_list_rel")
    else:
        return None
    rel = schema.t("mail_mass_mailing_list_rel")
    conditions: list[Any] = [rel.c.mailing_mailing_id.in_(mailing_ids)]
    if "opt_out" in subscription.c:
        conditions.append(or_(subscription.c.opt_out.is_(None), subscription.c.opt_out.is_(False)))
    return (
        select(rel.c.mailing_mailing_id, func.count(func.distinct(subscription.c.contact_id)))
        .select_from(rel.join(subscription, subscription.c.list_id == rel.c.mailing_list_id))
        .where(*conditions)
        .group_by(rel.c.mailing_mailing_id)
    )
