"""The stable JSON shapes of the CLI (documented in the README)."""

from __future__ import annotations

from typing import Any

from console.domain.envelopes import Envelope, EnvelopeCounts
from console.domain.inbound import RoutingSetup
from console.domain.models import (
    CampaignRow,
    CronRow,
    DatabaseInfo,
    MailRow,
    QueueStatus,
    ServerUse,
)
from console.domain.pause import is_held
from console.domain.states import MAIL_STATES
from console.domain.timefmt import iso_utc, utcnow_naive


def database_json(info: DatabaseInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "engine": info.dialect,
        "url": info.display_url,
        "read_only": info.read_only,
        "neutralized": info.neutralized,
        "mass_mailing": info.has_mass_mailing,
    }


def status_json(info: DatabaseInfo, status: QueueStatus) -> dict[str, Any]:
    counts = {state: status.counts.get(state, 0) for state in MAIL_STATES}
    for state, count in status.counts.items():
        counts.setdefault(state, count)  # states a custom module added
    return {
        "database": database_json(info),
        "odoo_version": info.odoo_version,
        "odoo_version_label": info.odoo_version_label,
        "counts": counts,
        "total": sum(counts.values()),
        "oldest_due_outgoing": iso_utc(status.oldest_due_outgoing),
        "scheduled_future": status.scheduled_future,
        "envelopes": None if status.envelopes is None else envelope_counts_json(status.envelopes),
        "paused": None if status.paused is None else status.paused.as_json(utcnow_naive()),
        "schema_notes": list(info.notes),
    }


def envelope_counts_json(counts: EnvelopeCounts) -> dict[str, Any]:
    return {
        "messages": counts.messages,
        "recipients": counts.notifications,
        "bounced": counts.bounced,
        "without_mail_row": counts.mail_gone,
        "by_author": [
            {"partner_id": partner, "name": name, "messages": messages}
            for partner, name, messages in counts.by_author
        ],
    }


def envelope_json(envelope: Envelope) -> dict[str, Any]:
    return {
        "message_id": envelope.message_id,
        "date": iso_utc(envelope.date),
        "failed_at": iso_utc(envelope.failed_at),
        "model": envelope.model,
        "res_id": envelope.res_id,
        "record_name": envelope.record_name,
        "author": {"partner_id": envelope.author_id, "name": envelope.author_name},
        "subject": envelope.subject,
        "mail_exists": envelope.mail_exists,
        "recipient_count": max(envelope.recipient_count, len(envelope.recipients)),
        "recipients": [
            {
                "notification_id": r.notification_id,
                "partner_id": r.partner_id,
                "name": r.name,
                "email": r.email,
                "status": r.status,
                "failure_type": r.failure_type,
                "failure": r.words,
                "failure_reason": r.failure_reason,
                "mail_id": r.mail_id,
                "mail_state": r.mail_state,
                "mail_failed_at": iso_utc(r.mail_failed_at),
            }
            for r in envelope.recipients
        ],
    }


def mail_json(mail: MailRow) -> dict[str, Any]:
    return {
        "id": mail.id,
        "state": mail.state,
        "email_from": mail.email_from,
        "email_to": mail.email_to,
        "recipients": [
            {"partner_id": r.partner_id, "name": r.name, "email": r.email} for r in mail.recipients
        ],
        "recipient_count": max(mail.recipient_count, len(mail.recipients)),
        "chatter": mail.chatter,
        "subject": mail.subject,
        "date": iso_utc(mail.date),
        "failed_at": iso_utc(mail.failed_at),
        "scheduled_date": iso_utc(mail.scheduled_date),
        "held": is_held(mail.scheduled_date),
        "failure_type": mail.failure_type,
        "failure_reason": mail.failure_reason,
        "model": mail.model,
        "res_id": mail.res_id,
        "record_name": mail.record_name,
        "mailing_id": mail.mailing_id,
        "server": None if mail.server is None else server_use_json(mail.server),
    }


def server_use_json(server: ServerUse, mails: int | None = None) -> dict[str, Any]:
    """A server a mail goes through and why; `mails`: how many of a cause's."""
    shape: dict[str, Any] = {"id": server.server_id, "name": server.label, "why": server.why}
    if mails is not None:
        shape["mails"] = mails
    return shape


def cron_json(cron: CronRow) -> dict[str, Any]:
    return {
        "id": cron.id,
        "name": cron.name,
        "xml_id": cron.xml_id,
        "active": cron.active,
        "interval_number": cron.interval_number,
        "interval_type": cron.interval_type,
        "nextcall": iso_utc(cron.nextcall),
        "lastcall": iso_utc(cron.lastcall),
        "priority": cron.priority,
        "overdue": cron.overdue,
        "running": cron.running,
        "failure_count": cron.failure_count,
        "first_failure_date": iso_utc(cron.first_failure_date),
        "pending_triggers": cron.pending_triggers,
        "mail_related": cron.is_mail_related,
    }


def campaign_json(campaign: CampaignRow) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "position": campaign.position,
        "head": campaign.is_head,
        "due": campaign.due,
        "name": campaign.name,
        "subject": campaign.subject,
        "state": campaign.state,
        "schedule_type": campaign.schedule_type,
        "schedule_date": iso_utc(campaign.schedule_date),
        "calendar_date": iso_utc(campaign.calendar_date),
        "create_date": iso_utc(campaign.create_date),
        "recipients": campaign.recipients,
        "traces": campaign.traces,
        "traces_sent": campaign.traces_sent,
        "traces_failed": campaign.traces_failed,
        "mails_outgoing": campaign.mails_outgoing,
        "last_trace_at": iso_utc(campaign.last_trace_at),
    }


def routing_setup_json(setup: RoutingSetup) -> dict[str, Any]:
    """`aliases --json` and the bundle: where incoming mail can land (alias domains on 17+,
    the catchall and bounce settings on 16) and every alias."""
    return {
        "domains": [
            {
                "name": d.name,
                "bounce": d.bounce_email,
                "catchall": d.catchall_email,
                "default_from": d.default_from,
            }
            for d in setup.domains
        ],
        "catchall_domain": setup.catchall_domain,
        "bounce_alias": setup.bounce_alias,
        "catchall_alias": setup.catchall_alias,
        "aliases": [
            {
                "id": a.id,
                "address": a.address,
                "model": a.model,
                "contact": a.contact,
                "thread": a.force_thread_id,
                "incoming_local": a.incoming_local,
                "status": a.status,
            }
            for a in setup.aliases
        ],
    }
