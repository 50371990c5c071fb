"""What the OCA mail modules' tables say (console.domain.oca_modules): which are
installed, mail_queue_job's send jobs in ``queue_job``, mail_tracking's send errors in
``mail_tracking_email``. Each read is one aggregate query; a table that is missing while
its module is installed reads as None (the check says UNKNOWN)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from console.domain.oca_modules import (
    JOB_FAILED_STATE,
    JOB_STARTED_STATE,
    JOB_WAITING_STATES,
    MAIL_JOB_METHOD,
    MAIL_JOB_MODEL,
    MAIL_QUEUE_JOB,
    MAIL_TRACKING,
    MODULE_NAMES,
    TRACKING_SEND_ERROR,
    MailJobs,
    OcaFacts,
    TrackingErrors,
    installed_of,
)
from console.domain.timefmt import as_naive_datetime
from console.odoo.schema import OdooSchema


def installed_modules(connection: Connection, schema: OdooSchema) -> frozenset[str]:
    """The known OCA mail modules installed in this database."""
    modules = schema.t("ir_module_module")
    rows = connection.execute(
        select(modules.c.name, modules.c.state).where(modules.c.name.in_(MODULE_NAMES))
    )
    return installed_of((name, state) for name, state in rows)


def read_oca_facts(connection: Connection, schema: OdooSchema, now: datetime) -> OcaFacts:
    installed = installed_modules(connection, schema)
    jobs = _mail_jobs(connection, schema) if MAIL_QUEUE_JOB in installed else None
    tracking = _tracking(connection, schema, now) if MAIL_TRACKING in installed else None
    return OcaFacts(read=True, installed=installed, mail_jobs=jobs, tracking=tracking)


def _mail_jobs(connection: Connection, schema: OdooSchema) -> MailJobs | None:
    if not schema.has_table("queue_job"):
        return None
    job = schema.t("queue_job")
    waiting: Any = job.c.state.in_(JOB_WAITING_STATES)
    failed: Any = job.c.state == JOB_FAILED_STATE
    row = connection.execute(
        select(
            func.count().filter(waiting),
            func.count().filter(job.c.state == JOB_STARTED_STATE),
            func.count().filter(failed),
            func.min(case((waiting, job.c.date_created))),
            func.max(case((failed, job.c.date_created))),
        ).where(
            # done and cancelled jobs pile up (kept 30 days): the state index skips them
            job.c.state.in_((*JOB_WAITING_STATES, JOB_STARTED_STATE, JOB_FAILED_STATE)),
            job.c.model_name == MAIL_JOB_MODEL,
            job.c.method_name == MAIL_JOB_METHOD,
        )
    ).one()
    return MailJobs(
        waiting=int(row[0]),
        started=int(row[1]),
        failed=int(row[2]),
        oldest_waiting=as_naive_datetime(row[3]),
        last_failed=as_naive_datetime(row[4]),
    )


def _tracking(connection: Connection, schema: OdooSchema, now: datetime) -> TrackingErrors | None:
    if not schema.has_table("mail_tracking_email"):
        return None
    tracking = schema.t("mail_tracking_email")
    recent = and_(
        tracking.c.state == TRACKING_SEND_ERROR, tracking.c.time >= now - timedelta(hours=24)
    )
    kind: Any = func.coalesce(tracking.c.error_type, "unknown")
    by_type = [
        (str(k), int(n))
        for k, n in connection.execute(
            select(kind, func.count()).where(recent).group_by(kind).order_by(func.count().desc())
        )
    ]
    shown_sent = 0
    if schema.has_table("mail_mail"):
        mail = schema.t("mail_mail")
        shown_sent = int(
            connection.execute(
                select(func.count())
                .select_from(tracking.join(mail, mail.c.id == tracking.c.mail_id))
                .where(recent, mail.c.state == "sent")
            ).scalar_one()
        )
    return TrackingErrors(
        errors=sum(n for _k, n in by_type), by_type=tuple(by_type), shown_sent=shown_sent
    )
