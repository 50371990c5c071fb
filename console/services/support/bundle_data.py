"""Gather what a support bundle holds, as plain JSON-ready data (nothing written here).

Each section is read on its own: one that fails becomes an entry of ``errors`` and the
rest of the bundle is still made. Secrets are never selected into the data (the server
list names its columns; odoo.conf passwords are left out); they are read separately by
``MailQueueBackend.known_credentials`` only so the redactor can find them wherever else
they appear.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, TypeVar

from console.backends.base import MailQuery, MailQueueBackend
from console.config.odoo_conf import smtp_ssl_enabled, smtp_ssl_problem
from console.domain.errors import NotAvailable
from console.domain.json_shapes import campaign_json, cron_json, status_json
from console.domain.timefmt import full_local, iso_utc, utcnow_naive, zone_name
from console.services.journal import Journal

T = TypeVar("T")
SAMPLES_PER_GROUP = 3
MAX_GROUPS = 30
REASON_CHARS = 4000
JOURNAL_ENTRIES = 50
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@dataclass
class Gathered:
    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    # section -> why this connection cannot read it (over Odoo's external API)
    not_available: dict[str, str] = field(default_factory=dict)


def gather(backend: MailQueueBackend, tz: tzinfo, journal: Journal | None) -> Gathered:
    now = utcnow_naive()
    info = backend.info
    out = Gathered(
        {
            "generated_at": iso_utc(now),
            "time_zone": zone_name(tz),
            "database": {
                "url": info.display_url,
                "name": info.name,
                "engine": info.dialect,
                "odoo_version": info.odoo_version_label,
                "read_only": info.read_only,
                "neutralized": info.neutralized,
                "mass_mailing": info.has_mass_mailing,
                "schema_notes": list(info.notes),
            },
        }
    )

    def section(name: str, work: Callable[[], T]) -> None:
        try:
            out.data[name] = work()
        except NotAvailable as exc:  # not an error: this connection cannot read it
            out.not_available[name] = str(exc)
            out.data[name] = None
        except Exception as exc:  # one broken section must not lose the bundle
            out.errors.append(f"{name}: {type(exc).__name__}: {exc}")
            out.data[name] = None

    section("queue", lambda: _queue(backend))
    section("failure_groups", lambda: _failure_groups(backend))
    section("health", lambda: _health(backend))
    section("crons", lambda: [cron_json(c) for c in backend.crons()])
    section("campaigns", lambda: [campaign_json(c) for c in backend.campaigns()])
    section("outgoing_servers", lambda: _servers(backend))
    section("odoo_conf", lambda: _odoo_conf(backend))
    section("parameters", lambda: _parameters(backend))
    section("aliases", lambda: _aliases(backend))
    section("journal", lambda: _journal(backend, journal or Journal()))
    out.data = with_local_times(out.data, tz)
    return out


def with_local_times(value: Any, tz: tzinfo) -> Any:
    """Every UTC timestamp becomes {"utc": ..., "local": "... CET (Europe/Paris)"}."""
    if isinstance(value, str) and _ISO.match(value):
        moment = datetime.fromisoformat(value[:-1])
        return {"utc": value, "local": full_local(moment, tz), "zone": zone_name(tz)}
    if isinstance(value, dict):
        return {k: with_local_times(v, tz) for k, v in value.items()}
    if isinstance(value, list):
        return [with_local_times(item, tz) for item in value]
    return value


def _queue(backend: MailQueueBackend) -> dict[str, Any]:
    status = status_json(backend.info, backend.status())
    return {k: status[k] for k in ("counts", "total", "oldest_due_outgoing", "scheduled_future")}


def _failure_groups(backend: MailQueueBackend) -> list[dict[str, Any]]:
    from console.domain.causes import FailedRow, group_rows
    from console.domain.classify import classify

    samples: dict[str, list[int]] = {}

    def tee() -> Iterator[FailedRow]:
        for row in backend.failed_mails():
            signature = classify(row.failure_reason, row.failure_type).signature
            kept = samples.setdefault(signature, [])
            if len(kept) < SAMPLES_PER_GROUP:
                kept.append(row.id)
            yield row

    groups = group_rows(tee())[:MAX_GROUPS]
    result = []
    for group in groups:
        c = group.classification
        result.append(
            {
                "key": group.key,
                "count": group.count,
                "title": c.title,
                "class": c.klass,
                "family": c.family,
                "signature": group.signature,
                "explanation": c.explanation,
                "fix": c.fix,
                "first_seen": iso_utc(group.first_seen),
                "last_seen": iso_utc(group.last_seen),
                "servers": list(group.server_names),
                "via": group.via(),
                "samples": [_sample(backend, i) for i in samples.get(group.signature, [])],
            }
        )
    return result


def _sample(backend: MailQueueBackend, mail_id: int) -> dict[str, Any]:
    detail = backend.mail_detail(mail_id)
    if detail is None:
        return {"mail_id": mail_id, "gone": True}
    mail = detail.mail
    to = [a for a in (mail.email_to or "").split(",") if a.strip()]
    to += [r.email or r.name or f"partner {r.partner_id}" for r in mail.recipients]
    reason = detail.failure_reason_full or mail.failure_reason or ""
    return {
        "mail_id": mail.id,
        "state": mail.state,
        "date": iso_utc(mail.date),
        "created": iso_utc(detail.create_date),
        "failed": iso_utc(mail.failed_at),
        "record": f"{mail.model},{mail.res_id}" if mail.model and mail.res_id else None,
        "record_name": mail.record_name,
        "subject": mail.subject,
        "email_from": mail.email_from,
        "to": [a.strip() for a in to],
        "server": mail.server.label if mail.server is not None else detail.server_name,
        "server_why": mail.server.why if mail.server is not None else None,
        "message_id": detail.message_id,
        "failure_type": mail.failure_type,
        "failure_reason": reason[:REASON_CHARS],
        "failure_reason_cut": max(0, len(reason) - REASON_CHARS),
    }


def _health(backend: MailQueueBackend) -> list[dict[str, Any]]:
    from console.services.health import run_health

    return [
        {
            "id": r.id,
            "title": r.title,
            "status": r.status.name,
            "summary": r.summary,
            "why": r.why,
            "fix": r.fix,
            "command": r.command,
        }
        for r in run_health(backend)
    ]


def _servers(backend: MailQueueBackend) -> list[dict[str, Any]]:
    return backend.mail_servers()


def _odoo_conf(backend: MailQueueBackend) -> dict[str, Any] | None:
    conf = backend.odoo_conf()
    if conf is None:
        return None
    return {
        "path": str(conf.path),
        "db_host": conf.db_host,
        "db_port": conf.db_port,
        "db_user": conf.db_user,
        "db_name": list(conf.db_names),
        "data_dir": conf.data_dir,
        "logfile": conf.logfile,
        "email_from": conf.email_from,
        "from_filter": conf.from_filter,
        "smtp_server": conf.smtp_server,
        "smtp_port": conf.smtp_port,
        "smtp_ssl": conf.smtp_ssl,  # as written; what Odoo of this version makes of it:
        "smtp_starttls": smtp_ssl_enabled(conf, backend.info.odoo_version),
        "smtp_ssl_problem": smtp_ssl_problem(conf, backend.info.odoo_version),
        "smtp_user": conf.smtp_user,
    }


def _parameters(backend: MailQueueBackend) -> dict[str, str]:
    return backend.mail_parameters()


def _aliases(backend: MailQueueBackend) -> dict[str, Any]:
    from console.domain.json_shapes import routing_setup_json

    return routing_setup_json(backend.routing_setup())


def _journal(backend: MailQueueBackend, journal: Journal) -> list[dict[str, Any]]:
    database = backend.info.display_url
    entries = [e.data for e in journal.entries() if e.database == database][-JOURNAL_ENTRIES:]
    return [
        {
            "time": e.get("time"),
            "os_user": e.get("os_user"),
            "ssh_origin": e.get("ssh_origin"),
            "action": e.get("action"),
            "ids": list(e.get("ids") or [])[:20],
            "applied": len(e.get("applied") or []),
            "result": e.get("result"),
            "errors": list(e.get("errors") or [])[:5],
        }
        for e in reversed(entries)
    ]


def eml_candidates(backend: MailQueueBackend, count: int) -> list[int]:
    page = backend.mail_page(MailQuery(states=("exception",), limit=count))
    return [m.id for m in page.rows]
