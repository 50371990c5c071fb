"""The queued mass mailings over Odoo's external API, in the order Odoo's Mail Marketing
cron takes them: the cron's own search (``mailing.mailing.search``, ``calendar_date
DESC``), the mailings' traces and outgoing mails counted by the version's group-by, and
their lists' subscribed contacts; ordered and shaped by console.odoo.campaign_list, as
for the SQL backend."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from console.backends.api_groups import grouped
from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, text
from console.domain.models import CampaignRow
from console.odoo.campaign_list import _ordered_campaigns
from console.odoo.campaigns import QUEUED_STATES

MAILING_FIELDS = [
    "source_id", "subject", "state", "schedule_type", "schedule_date", "calendar_date",
    "create_date", "contact_list_ids",
]  # fmt: skip


def api_campaigns(api: OdooApi, now: datetime) -> list[CampaignRow]:
    """The queued and sending e-mail mailings Odoo's cron can see (archived ones it never
    takes: ``search`` leaves them out as it does for the cron)."""
    states = list(QUEUED_STATES)
    found = api.call(
        "mailing.mailing", "search_read",
        domain=[("state", "in", states), ("mailing_type", "=", "mail")], fields=MAILING_FIELDS,
    )  # fmt: skip
    if not found:
        return []
    ids = [int(r["id"]) for r in found]
    stats, last_trace = _trace_stats(api, ids)
    outgoing = {
        int(many2one(g["mailing_id"])[0] or 0): g["__count"]
        for g in grouped(
            api, "mail.mail", [("mailing_id", "in", ids), ("state", "=", "outgoing")],
            ["mailing_id"],
        )
    }  # fmt: skip
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    order = api.call(
        "mailing.mailing", "search",
        domain=[("state", "in", states), "|", ("schedule_date", "<", stamp),
                ("schedule_date", "=", False)],
        order="calendar_date DESC",
    )  # fmt: skip
    rows = [
        SimpleNamespace(
            id=int(r["id"]), name=many2one(r["source_id"])[1], subject=text(r["subject"]),
            state=str(r["state"]), schedule_type=text(r["schedule_type"]),
            schedule_date=moment(r["schedule_date"]), calendar_date=moment(r["calendar_date"]),
            create_date=moment(r["create_date"]),
        )
        for r in found
    ]  # fmt: skip
    recipients = _list_recipients(api, found)
    return _ordered_campaigns(
        rows, [int(i) for i in order], stats, last_trace, outgoing, recipients
    )


def _trace_stats(
    api: OdooApi, ids: list[int]
) -> tuple[dict[int, dict[str, int]], dict[int, datetime]]:
    """Per mailing: its traces counted by status, and the last trace's date."""
    stats: dict[int, dict[str, int]] = defaultdict(dict)
    last_trace: dict[int, datetime] = {}
    for group in grouped(
        api, "mailing.trace", [("mass_mailing_id", "in", ids)],
        ["mass_mailing_id", "trace_status"], {"last": "create_date:max"},
    ):  # fmt: skip
        mailing_id = many2one(group["mass_mailing_id"])[0]
        if mailing_id is None:
            continue
        stats[mailing_id][str(group["trace_status"])] = group["__count"]
        last = moment(group["last"])
        if last is not None and (mailing_id not in last_trace or last > last_trace[mailing_id]):
            last_trace[mailing_id] = last
    return stats, last_trace


def _list_recipients(api: OdooApi, mailings: list[dict[str, Any]]) -> dict[int, int]:
    """Subscribed, not opted-out contacts of each mailing's lists (only mailings with
    lists, and only when some contact is: as console.odoo.campaigns counts them)."""
    model = "mailing.subscription" if api.version.major >= 17 else "mailing.contact.subscription"
    found: dict[int, int] = {}
    for mailing in mailings:
        lists = [int(i) for i in mailing["contact_list_ids"]]
        if not lists:
            continue
        groups = grouped(
            api, model, [("list_id", "in", lists), ("opt_out", "=", False)], [],
            {"contacts": "contact_id:count_distinct"},
        )  # fmt: skip
        count = int(groups[0]["contacts"] or 0) if groups else 0
        if count:
            found[int(mailing["id"])] = count
    return found
