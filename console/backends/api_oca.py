"""The OCA mail modules over Odoo's external API (console.odoo.oca_facts reads the same
over SQL): installed modules, mail_queue_job's send jobs, mail_tracking's send errors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from console.backends.api_health import count_by, stamp
from console.backends.api_transport import OdooApi
from console.backends.api_values import moment
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


def api_installed_modules(api: OdooApi) -> frozenset[str]:
    rows = api.call(
        "ir.module.module",
        "search_read",
        domain=[("name", "in", list(MODULE_NAMES))],
        fields=["name", "state"],
    )
    return installed_of((r["name"], r["state"]) for r in rows)


def api_oca_facts(api: OdooApi, now: datetime) -> OcaFacts:
    installed = api_installed_modules(api)
    jobs = _mail_jobs(api) if MAIL_QUEUE_JOB in installed else None
    tracking = _tracking(api, now) if MAIL_TRACKING in installed else None
    return OcaFacts(read=True, installed=installed, mail_jobs=jobs, tracking=tracking)


def _first_date(api: OdooApi, domain: list[Any], order: str) -> datetime | None:
    rows = api.call(
        "queue.job", "search_read", domain=domain, fields=["date_created"], order=order, limit=1
    )
    return moment(rows[0]["date_created"]) if rows else None


def _mail_jobs(api: OdooApi) -> MailJobs:
    mine: list[Any] = [("model_name", "=", MAIL_JOB_MODEL), ("method_name", "=", MAIL_JOB_METHOD)]
    counts = count_by(api, "queue.job", mine, "state")
    waiting = sum(counts.get(s, 0) for s in JOB_WAITING_STATES)
    failed = counts.get(JOB_FAILED_STATE, 0)
    return MailJobs(
        waiting=waiting,
        started=counts.get(JOB_STARTED_STATE, 0),
        failed=failed,
        oldest_waiting=_first_date(
            api, [*mine, ("state", "in", list(JOB_WAITING_STATES))], "date_created asc"
        )
        if waiting
        else None,
        last_failed=_first_date(api, [*mine, ("state", "=", JOB_FAILED_STATE)], "date_created desc")
        if failed
        else None,
    )


def _tracking(api: OdooApi, now: datetime) -> TrackingErrors:
    recent: list[Any] = [
        ("state", "=", TRACKING_SEND_ERROR),
        ("time", ">=", stamp(now - timedelta(hours=24))),
    ]
    counts = count_by(api, "mail.tracking.email", recent, "error_type")
    by_type = sorted(((str(k or "unknown"), n) for k, n in counts.items()), key=lambda kv: -kv[1])
    shown_sent = int(
        api.call(
            "mail.tracking.email",
            "search_count",
            domain=[*recent, ("mail_id.state", "=", "sent")],
        )
    )
    return TrackingErrors(sum(n for _k, n in by_type), tuple(by_type), shown_sent)
