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
    """The queued/sending e-mail mailings Odoo's cron can see (archived ones it never takes);
    their order is ``cron_order_query``'s."""
    mailing = schema.t("mailing_mailing")
    source_name: Any = literal(None)
    source: Any = mailing
    if schema.has_table("utm_source"):
        utm = schema.t("utm_source")
        source = mailing.outerjoin(utm, utm.c.id == mailing.c.source_id)
        source_name = utm.c.name
    conditions: list[Any] = [mailing.c.state.in_(QUEUED_STATES), *_active(mailing)]
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
    )


def _active(mailing: Any) -> list[Any]:
    return [mailing.c.active.is_(True)] if "active" in mailing.c else []


def cron_order_query(schema: OdooSchema, now: datetime, *, postgres: bool) -> Select[Any]:
    """The ids `_process_mass_mailing_queue` walks, in its order: its own search, which the
    ORM sends as ``WHERE active AND state IN ('in_queue', 'sending') AND (schedule_date <
    now OR schedule_date IS NULL) ORDER BY calendar_date DESC`` (16-19; docs/odoo-mailing-
    queue.md). Odoo adds no tie-breaker: mailings queued in the same second come back in
    the order PostgreSQL's sort returns them, so on PostgreSQL the same statement is run
    and its order kept. SQLite puts NULLs last and has no such order: NULLs first (as
    PostgreSQL) and the lower id first (what PostgreSQL returned in every search tried).
    """
    mailing = schema.t("mailing_mailing")
    query = select(mailing.c.id).where(
        *_active(mailing),
        mailing.c.state.in_(QUEUED_STATES),
        or_(mailing.c.schedule_date < now, mailing.c.schedule_date.is_(None)),
    )
    if postgres:
        return query.order_by(mailing.c.calendar_date.desc())
    return query.order_by(
        mailing.c.calendar_date.is_(None).desc(), mailing.c.calendar_date.desc(), mailing.c.id
    )


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
