"""The bounce commands: ``bounces`` (rates, bounced mails, the records with the most
bounces) and ``reset-bounce`` (Odoo's reset on a mail from an address, journaled, undoable).

Wired into ``console.cli.main`` with ``add_bounce_parsers(sub)`` (in console.cli.command_parsers)
and ``dispatch_bounces``.
"""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from console.domain.bounces import (
    MODEL_WORDS,
    BounceCounter,
    BouncedNotification,
    BouncedTrace,
    BounceOverview,
    CampaignRate,
    RateWindow,
    normalized_addresses,
    percent,
)
from console.domain.errors import UsageError
from console.domain.mailtools import email_normalize
from console.domain.sanitize import one_line
from console.domain.timefmt import iso_utc, short_local

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings

BOUNCE_COMMANDS = frozenset({"bounces", "reset-bounce"})
MAX_DAYS = 366
MAX_LIMIT = 10_000
PAGE = 1000


def dispatch_bounces(settings: ConnectionSettings, args: argparse.Namespace, tz: tzinfo) -> int:
    """Open the database, run the command, print; 0, or 1 when addresses were skipped."""
    from console.backends.connect import open_backend

    if args.command == "bounces":
        _check_bounds(args)
    else:
        args.addresses = normalized_addresses(list(args.addresses))  # bad input: before opening
    backend = open_backend(settings)
    try:
        if args.command == "bounces":
            output, code = bounces_output(backend, args, tz), 0
        else:
            output, code = _reset(backend, args)
    finally:
        backend.close()
    print(output)
    return code


def _check_bounds(args: argparse.Namespace) -> None:
    if not 1 <= args.days <= MAX_DAYS:
        raise UsageError(f"--days must be between 1 and {MAX_DAYS}")
    if not 1 <= args.limit <= MAX_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}")


# -- bounces --------------------------------------------------------------------------------
def read_bounced(
    backend: MailQueueBackend, limit: int
) -> tuple[list[BouncedNotification], list[BouncedTrace]]:
    """The newest ``limit`` bounced notifications and traces, a keyset page at a time."""
    notifications: list[BouncedNotification] = []
    traces: list[BouncedTrace] = []
    before: int | None = None
    while len(notifications) < limit:
        page = backend.bounced_notifications(before_id=before, limit=min(PAGE, limit))
        notifications.extend(r for r in page.rows if isinstance(r, BouncedNotification))
        if not page.has_more or not notifications:
            break
        before = notifications[-1].notification_id
    before = None
    while len(traces) < limit:
        page = backend.bounced_traces(before_id=before, limit=min(PAGE, limit))
        traces.extend(r for r in page.rows if isinstance(r, BouncedTrace))
        if not page.has_more or not traces:
            break
        before = traces[-1].trace_id
    return notifications[:limit], traces[:limit]


def bounces_output(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    overview = backend.bounce_overview(days=args.days, limit=args.limit)
    notifications, traces = read_bounced(backend, args.limit)
    if args.json:
        return json.dumps(
            bounces_json(overview, notifications, traces), indent=2, ensure_ascii=False
        )
    return bounces_text(overview, notifications, traces, tz)


def window_json(window: RateWindow) -> dict[str, Any]:
    return {"sent": window.sent, "bounced": window.bounced, "rate": window.rate}


def campaign_json(campaign: CampaignRate) -> dict[str, Any]:
    return {
        "mailing_id": campaign.mailing_id,
        "subject": campaign.subject,
        "expected": campaign.expected,
        "canceled": campaign.canceled,
        "failed": campaign.failed,
        "bounced": campaign.bounced,
        "denominator": campaign.denominator,
        "bounced_ratio": campaign.ratio,
    }


def counter_json(counter: BounceCounter) -> dict[str, Any]:
    return {
        "model": counter.model,
        "id": counter.record_id,
        "name": counter.name,
        "email": counter.email,
        "bounces": counter.bounces,
    }


def bounces_json(
    overview: BounceOverview,
    notifications: list[BouncedNotification],
    traces: list[BouncedTrace],
) -> dict[str, Any]:
    return {
        "last_24h": window_json(overview.last_24h),
        "last_7d": window_json(overview.last_7d),
        "days": [{"day": d.label, **window_json(d)} for d in overview.days],
        "campaigns": [campaign_json(c) for c in overview.campaigns],
        "top": [counter_json(c) for c in overview.counters],
        "mailing_contacts": overview.contacts_readable,
        "notifications": [
            {
                "notification_id": n.notification_id,
                "message_id": n.message_id,
                "date": iso_utc(n.date),
                "model": n.model,
                "res_id": n.res_id,
                "record": n.record_name,
                "partner_id": n.partner_id,
                "partner": n.partner_name,
                "email": n.email,
                "failure": n.words,
                "reason": n.failure_reason,
            }
            for n in notifications
        ],
        "traces": [
            {
                "trace_id": t.trace_id,
                "mailing_id": t.mailing_id,
                "campaign": t.campaign,
                "email": t.email,
                "model": t.model,
                "res_id": t.res_id,
                "sent": iso_utc(t.sent),
                "bounced": iso_utc(t.bounced),
                "reason": t.failure_reason,
            }
            for t in traces
        ],
    }


def bounces_text(
    overview: BounceOverview,
    notifications: list[BouncedNotification],
    traces: list[BouncedTrace],
    tz: tzinfo,
) -> str:
    from console.cli.text import clip, table

    def rate(w: RateWindow) -> str:
        return f"{percent(w.rate)} ({w.bounced} of {w.sent} mails)"

    lines = [f"Bounce rate   last 24h {rate(overview.last_24h)}, last 7d {rate(overview.last_7d)}"]
    lines += ["", "Per day (UTC)"]
    lines.append(
        table(
            ["DAY", "SENT", "BOUNCED", "RATE"],
            [[d.label, str(d.sent), str(d.bounced), percent(d.rate)] for d in overview.days],
        )
    )
    lines += ["", "Per campaign (Odoo's Bounced ratio)"]
    campaigns = [
        [
            f"#{c.mailing_id}",
            clip(c.subject, 40),
            str(c.bounced),
            str(c.denominator),
            f"{c.ratio:g}%",
        ]
        for c in overview.campaigns
    ]
    lines.append(
        table(["MAILING", "SUBJECT", "BOUNCED", "OF", "RATIO"], campaigns)
        if campaigns
        else "No mass mailing has traces."
    )
    lines += ["", "Most bounces"]
    counters = [
        [
            MODEL_WORDS.get(c.model, c.model),
            f"#{c.record_id}",
            clip(c.name, 30),
            clip(c.email, 36),
            str(c.bounces),
        ]
        for c in overview.counters
    ]
    lines.append(
        table(["RECORD", "ID", "NAME", "EMAIL", "BOUNCES"], counters)
        if counters
        else "No partner or mailing contact has bounces."
    )
    if not overview.contacts_readable:
        lines.append("(mass_mailing is not installed: no mailing contacts)")
    lines += ["", "Bounced notifications"]
    lines.append(
        table(
            ["WHEN", "MESSAGE", "RECORD", "TO", "FAILURE"],
            [
                [
                    short_local(n.date, tz),
                    f"#{n.message_id}",
                    clip(n.record_name, 28),
                    clip(n.email or n.partner_name, 32),
                    clip(n.words, 30),
                ]
                for n in notifications
            ],
        )
        if notifications
        else "None."
    )
    lines += ["", "Bounced mass-mailing traces"]
    lines.append(
        table(
            ["BOUNCED", "MAILING", "CAMPAIGN", "TO"],
            [
                [
                    short_local(t.bounced, tz),
                    f"#{t.mailing_id}",
                    clip(t.campaign, 36),
                    clip(t.email, 36),
                ]
                for t in traces
            ],
        )
        if traces
        else "None."
    )
    lines += [
        "",
        "Reset a counter as Odoo does on a mail from the address: odoo-mailq reset-bounce ADDRESS",
    ]
    return "\n".join(lines)


# -- reset-bounce ---------------------------------------------------------------------------
def _reset(backend: MailQueueBackend, args: argparse.Namespace) -> tuple[str, int]:
    from console.cli.action_common import confirm as _confirm
    from console.cli.action_common import report as _report
    from console.services.journal import Journal
    from console.services.operations import Operator

    operator = Operator(backend, Journal(args.journal), args.odoo_user)
    operator.preflight()  # read-only or an unwritable journal: refused before the question
    addresses: list[str] = args.addresses
    _confirm(args, "reset-bounce", len(addresses), _example(backend, addresses[0]))
    return _report(operator.reset_bounces(addresses), args)


def _example(backend: MailQueueBackend, address: str) -> str:
    """The first address with what it would reset (read from the top of the counters)."""
    found = [
        c
        for model in ("res.partner", "mailing.contact")
        for c in backend.bounce_counters(model, limit=PAGE)
        if email_normalize(c.email) == address
    ]
    if not found:
        return f"{address} (no record with bounces found among the {PAGE} most bounced)"
    said = ", ".join(
        f"{MODEL_WORDS.get(c.model, c.model)} {one_line(c.name, 30)} ({c.bounces} bounces)"
        for c in found[:3]
    )
    return f"{address}: {said}"
