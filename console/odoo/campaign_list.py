"""The campaigns pane's rows: the queued mailings with their traces, outgoing mails and
recipients, in the order Odoo's Mail Marketing cron takes them."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from console.domain.models import CampaignRow
from console.odoo import campaigns as campaign_sql
from console.odoo.mail_rows import id_column
from console.odoo.schema import OdooSchema


def read_campaigns(
    connection: Connection, schema: OdooSchema, now: datetime, *, outgoing_counts: bool = True
) -> list[CampaignRow]:
    """`outgoing_counts=False`: each row's mails_outgoing is left at 0 (a scan of mail_mail,
    which Odoo does not index on mailing_id: a fifth of a second at a million mails)."""
    rows = list(connection.execute(campaign_sql.queued_campaigns_query(schema)))
    ids = [int(r.id) for r in rows]
    if not ids:
        return []
    stats, last_trace = _trace_stats(connection, schema, ids)
    outgoing: dict[int, int] = {}
    if outgoing_counts:
        query = campaign_sql.outgoing_mails_query(schema, ids)
        outgoing = {int(k): int(v) for k, v in connection.execute(query)}
    recipients: dict[int, int] = {}
    recipients_query = campaign_sql.list_recipients_query(schema, ids)
    if recipients_query is not None:
        recipients = {int(k): int(v) for k, v in connection.execute(recipients_query)}
    postgres = connection.dialect.name == "postgresql"
    order = id_column(connection, campaign_sql.cron_order_query(schema, now, postgres=postgres))
    return _ordered_campaigns(rows, order, stats, last_trace, outgoing, recipients)


def _trace_stats(
    connection: Connection, schema: OdooSchema, ids: list[int]
) -> tuple[dict[int, dict[str, int]], dict[int, datetime]]:
    """Per mailing: its traces counted by status, and the last trace's date."""
    stats: dict[int, dict[str, int]] = defaultdict(dict)
    last_trace: dict[int, datetime] = {}
    if not schema.has_table("mailing_trace"):
        return stats, last_trace
    for mailing_id, status, count, last in connection.execute(
        campaign_sql.trace_stats_query(schema, ids)
    ):
        stats[int(mailing_id)][str(status)] = int(count)
        if last is not None and (mailing_id not in last_trace or last > last_trace[mailing_id]):
            last_trace[int(mailing_id)] = last
    return stats, last_trace


def _ordered_campaigns(
    rows: list[Any],
    cron_order: list[int],
    stats: dict[int, dict[str, int]],
    last_trace: dict[int, datetime],
    outgoing: dict[int, int],
    recipients: dict[int, int],
) -> list[CampaignRow]:
    """Due mailings in the cron's order, then the others by schedule date."""
    rank = {mailing_id: index for index, mailing_id in enumerate(cron_order)}
    due = sorted((r for r in rows if int(r.id) in rank), key=lambda r: rank[int(r.id)])
    later = sorted(
        (r for r in rows if int(r.id) not in rank),
        key=lambda r: (r.schedule_date or datetime.max, r.id),
    )
    result: list[CampaignRow] = []
    for position, row in enumerate(due + later, start=1):
        mailing_id = int(row.id)
        by_status = stats.get(mailing_id, {})
        is_due = position <= len(due)
        result.append(
            CampaignRow(
                id=mailing_id,
                name=row.name,
                subject=str(row.subject or ""),
                state=str(row.state),
                schedule_type=row.schedule_type,
                schedule_date=row.schedule_date,
                calendar_date=row.calendar_date,
                create_date=row.create_date,
                position=position if is_due else None,
                is_head=is_due and position == 1,
                due=is_due,
                recipients=recipients.get(mailing_id),
                traces=sum(by_status.values()),
                traces_sent=sum(by_status.get(s, 0) for s in campaign_sql.SENT_TRACE_STATUSES),
                traces_failed=sum(by_status.get(s, 0) for s in campaign_sql.FAILED_TRACE_STATUSES),
                mails_outgoing=outgoing.get(mailing_id, 0),
                last_trace_at=last_trace.get(mailing_id),
            )
        )
    return result
