"""Bounces over Odoo's external API (the SQL backend's console.odoo.bounces,
docs/odoo-bounces.md): the bounced e-mail notifications and mass-mailing traces as
keyset pages, the records with the most bounces, and the rates (the version's group-by
on the notifications and traces of each window; one pair of calls per day, since a
notification's date is its message's and Odoo groups only on a model's own fields)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from console.backends.api_groups import grouped
from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, text
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
from console.odoo.bounces import WEEK

NOTIFICATIONS: list[Any] = [("notification_type", "=", "email")]
EVERY: dict[str, Any] = {"active_test": False}


def _stamp(moment_: datetime) -> str:
    return moment_.strftime("%Y-%m-%d %H:%M:%S")


def _cut(mask: SecretMask, raw: Any) -> str | None:
    reason = text(raw)
    return mask.cut(reason[:LIST_REASON_CHARS] if reason else reason, LIST_REASON_CHARS)


# -- lists --------------------------------------------------------------------------------
def api_bounced_notifications(
    api: OdooApi, *, before_id: int | None, limit: int, mask: SecretMask
) -> BouncePage:
    """The bounced e-mail notifications, newest first, keyset-paged on their id."""
    domain = [*NOTIFICATIONS, ("notification_status", "=", "bounce")]
    if before_id is not None:
        domain.append(("id", "<", before_id))
    rows = api.call(
        "mail.notification", "search_read", domain=domain, order="id desc", limit=limit + 1,
        fields=["mail_message_id", "res_partner_id", "failure_type", "failure_reason"],
    )  # fmt: skip
    page = rows[:limit]
    message_ids = sorted({many2one(r["mail_message_id"])[0] or 0 for r in page})
    partner_ids = sorted({p for r in page if (p := many2one(r["res_partner_id"])[0])})
    messages = {
        int(m["id"]): m
        for m in api.call(
            "mail.message", "read", [message_ids], fields=["date", "model", "res_id", "record_name"]
        )
    } if message_ids else {}  # fmt: skip
    partners = {
        int(p["id"]): p
        for p in api.call("res.partner", "read", [partner_ids], fields=["name", "email"])
    } if partner_ids else {}  # fmt: skip
    found = []
    for row in page:
        message_id = many2one(row["mail_message_id"])[0] or 0
        message = messages.get(message_id, {})
        partner_id = many2one(row["res_partner_id"])[0]
        partner = partners.get(partner_id or 0, {})
        found.append(
            BouncedNotification(
                notification_id=int(row["id"]),
                message_id=message_id,
                date=moment(message.get("date")),
                model=text(message.get("model")),
                res_id=int(message["res_id"]) if message.get("res_id") else None,
                record_name=text(message.get("record_name")),
                partner_id=partner_id,
                partner_name=text(partner.get("name")),
                email=text(partner.get("email")),
                failure_type=text(row["failure_type"]),
                failure_reason=_cut(mask, row["failure_reason"]),
            )
        )
    return BouncePage(tuple(found), len(rows) > limit)


def api_bounced_traces(
    api: OdooApi, *, before_id: int | None, limit: int, mask: SecretMask
) -> BouncePage:
    """The bounced mass-mailing traces, newest first, keyset-paged on their id (16 keeps
    no failure reason on a trace)."""
    domain: list[Any] = [("trace_status", "=", "bounce")]
    if before_id is not None:
        domain.append(("id", "<", before_id))
    fields = ["mass_mailing_id", "email", "model", "res_id", "sent_datetime", "write_date"]
    if api.version.major >= 17:
        fields.append("failure_reason")
    rows = api.call(
        "mailing.trace", "search_read", domain=domain, order="id desc", limit=limit + 1,
        fields=fields,
    )  # fmt: skip
    page = rows[:limit]
    mailing_ids = sorted({m for r in page if (m := many2one(r["mass_mailing_id"])[0])})
    subjects = {
        int(m["id"]): text(m["subject"])
        for m in api.call("mailing.mailing", "read", [mailing_ids], fields=["subject"])
    } if mailing_ids else {}  # fmt: skip
    found = tuple(
        BouncedTrace(
            trace_id=int(r["id"]),
            mailing_id=many2one(r["mass_mailing_id"])[0],
            campaign=subjects.get(many2one(r["mass_mailing_id"])[0] or 0),
            email=text(r["email"]),
            model=text(r["model"]),
            res_id=int(r["res_id"]) if r["res_id"] is not False else None,
            sent=moment(r["sent_datetime"]),
            bounced=moment(r["write_date"]),
            failure_reason=_cut(mask, r.get("failure_reason", False)),
        )
        for r in page
    )
    return BouncePage(found, len(rows) > limit)


def api_bounce_counters(
    api: OdooApi, model: str, *, after: tuple[int, int] | None, limit: int
) -> list[BounceCounter]:
    """The records of ``model`` with bounces, most first (then by id), keyset after
    (bounces, id); archived partners left out, as Odoo's searches leave them."""
    domain: list[Any] = [("message_bounce", ">", 0)]
    if after is not None:
        domain += ["|", ("message_bounce", "<", after[0]), "&",
                   ("message_bounce", "=", after[0]), ("id", ">", after[1])]  # fmt: skip
    rows = api.call(
        model, "search_read", domain=domain, order="message_bounce desc, id", limit=limit,
        fields=["name", "email", "message_bounce"],
    )  # fmt: skip
    return [
        BounceCounter(model, int(r["id"]), text(r["name"]), text(r["email"]),
                      int(r["message_bounce"]))
        for r in rows
    ]  # fmt: skip


# -- rates --------------------------------------------------------------------------------
def _sent_and_bounced(
    api: OdooApi, since: datetime, until: datetime | None, traces: bool
) -> tuple[int, int]:
    """Mails accepted in [since, until) and how many bounced: e-mail notifications dated
    by their message, traces by their ``sent_datetime``."""
    upto = [] if until is None else [("mail_message_id.date", "<", _stamp(until))]
    windows: list[tuple[str, str, list[Any], tuple[str, ...]]] = [(
        "mail.notification", "notification_status",
        [*NOTIFICATIONS, ("mail_message_id.date", ">=", _stamp(since)), *upto],
        SENT_NOTIFICATION_STATUSES,
    )]  # fmt: skip
    if traces:
        trace_upto = [] if until is None else [("sent_datetime", "<", _stamp(until))]
        windows.append((
            "mailing.trace", "trace_status",
            [("trace_type", "=", "mail"), ("sent_datetime", ">=", _stamp(since)), *trace_upto],
            SENT_TRACE_STATUSES,
        ))  # fmt: skip
    sent = bounced = 0
    for model, status, domain, statuses in windows:
        for group in grouped(api, model, [*domain, (status, "in", list(statuses))], [status]):
            sent += group["__count"]
            bounced += group["__count"] if group[status] == "bounce" else 0
    return sent, bounced


def api_campaign_rates(api: OdooApi, *, limit: int) -> list[CampaignRate]:
    """The newest ``limit`` mailings that have traces, with the counts of Odoo's
    statistics (``_compute_statistics``)."""
    mailings = api.call(
        "mailing.mailing", "search_read", domain=[("mailing_trace_ids", "!=", False)],
        fields=["subject"], order="id desc", limit=limit, context=EVERY,
    )  # fmt: skip
    if not mailings:
        return []
    ids = [int(m["id"]) for m in mailings]
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    for group in grouped(
        api, "mailing.trace", [("mass_mailing_id", "in", ids)],
        ["mass_mailing_id", "trace_status"],
    ):  # fmt: skip
        mailing_id = many2one(group["mass_mailing_id"])[0] or 0
        counts.setdefault(mailing_id, {})[str(group["trace_status"])] = group["__count"]
    version = api.version.major
    return [
        CampaignRate(
            int(m["id"]), text(m["subject"]), sum(counts[int(m["id"])].values()),
            counts[int(m["id"])].get("cancel", 0), counts[int(m["id"])].get("error", 0),
            counts[int(m["id"])].get("bounce", 0), version,
        )
        for m in mailings
    ]  # fmt: skip


def api_bounce_overview(
    api: OdooApi, *, days_back: int, limit: int, now: datetime, mailing: bool
) -> BounceOverview:
    """Everything the Bounces pane shows; ``mailing``: mass_mailing is installed."""
    partners = api_bounce_counters(api, "res.partner", after=None, limit=limit)
    contacts = (
        api_bounce_counters(api, "mailing.contact", after=None, limit=limit) if mailing else []
    )
    ranked = sorted([*partners, *contacts], key=lambda c: (-c.bounces, c.model, c.record_id))
    first: date = now.date() - timedelta(days=days_back - 1)
    days = []
    for offset in range(days_back):
        start = datetime.combine(first + timedelta(days=offset), datetime.min.time())
        sent, bounced = _sent_and_bounced(api, start, start + timedelta(days=1), mailing)
        days.append(RateWindow(start.date().isoformat(), sent, bounced))
    return BounceOverview(
        last_24h=RateWindow(
            "24h", *_sent_and_bounced(api, now - timedelta(hours=24), None, mailing)
        ),
        last_7d=RateWindow("7d", *_sent_and_bounced(api, now - WEEK, None, mailing)),
        days=tuple(days),
        campaigns=tuple(api_campaign_rates(api, limit=limit)) if mailing else (),
        counters=tuple(ranked[:limit]),
        contacts_readable=mailing,
    )
