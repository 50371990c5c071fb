"""The read commands of the CLI: status, mails, crons, envelopes, campaigns (text or
--json), each on an open backend."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from console.domain.errors import UsageError

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings
    from console.domain.models import DatabaseInfo, MailRow, QueueStatus

MAX_LIST_LIMIT = 100_000  # rows a list command prints at most


def _json(value: Any) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)


def quick_status(settings: ConnectionSettings, args: argparse.Namespace, tz: tzinfo) -> str | None:
    """`status` read through the driver alone, without SQLAlchemy (a PostgreSQL target);
    None: run `_cmd_status` on the backend."""
    from console.backends.connect import read_status_quickly

    found = read_status_quickly(settings)
    return None if found is None else _status_output(*found, args, tz)


def _cmd_status(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    # The red envelopes are counted here, not in every status read (the TUI's header
    # polls status; it gets them with the health checks).
    from contextlib import suppress
    from dataclasses import replace

    from console.domain.errors import NotAvailable

    status = backend.status()
    with suppress(NotAvailable):  # over Odoo's API (for now): the counts alone
        status = replace(status, envelopes=backend.envelope_counts())
    return _status_output(backend.info, status, args, tz)


def _status_output(
    info: DatabaseInfo, status: QueueStatus, args: argparse.Namespace, tz: tzinfo
) -> str:
    from console.cli.text import status_text
    from console.domain.json_shapes import status_json

    if args.json:
        return _json(status_json(info, status))
    return status_text(info, status, tz)


def _cmd_mails(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    from dataclasses import replace

    from console.backends.base import MailQuery
    from console.cli.text import mails_text
    from console.domain.json_shapes import mail_json
    from console.domain.states import CLI_STATE_FILTERS

    if not 1 <= args.limit <= MAX_LIST_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIST_LIMIT}")
    states = CLI_STATE_FILTERS[args.state]
    by_failure = args.state == "failed"  # newest failure first, as the TUI's Failed list
    query = MailQuery(
        states=states, text=args.grep, limit=min(1000, args.limit), by_failure=by_failure
    )
    mails: list[MailRow] = []
    while len(mails) < args.limit:  # keyset pages: memory stays bounded per page
        page = backend.mail_page(query)
        mails.extend(page.rows[: args.limit - len(mails)])
        if not page.has_more or not page.rows:
            break
        last = page.rows[-1]
        query = replace(query, before_id=last.id, before_at=last.failed_at)
    if args.json:
        return _json([mail_json(m) for m in mails])
    total = backend.count_mails(MailQuery(states=states, text=args.grep))
    return mails_text(mails, tz, total, by_failure=by_failure)


def _cmd_envelopes(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    from console.cli.action_common import read_envelopes
    from console.cli.text import envelopes_text
    from console.domain.envelopes import EnvelopePage
    from console.domain.json_shapes import envelope_json

    if not 1 <= args.limit <= MAX_LIST_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIST_LIMIT}")
    rows, more = read_envelopes(backend, args.limit)
    if args.json:
        return _json([envelope_json(e) for e in rows])
    return envelopes_text(EnvelopePage(tuple(rows), more), tz)


def _cmd_crons(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    from console.cli.text import crons_text
    from console.domain.json_shapes import cron_json

    crons = backend.crons()
    if args.json:
        return _json([cron_json(c) for c in crons])
    return crons_text(crons, tz)


def _cmd_campaigns(backend: MailQueueBackend, args: argparse.Namespace, tz: tzinfo) -> str:
    from console.cli.text import campaigns_text
    from console.domain.json_shapes import campaign_json

    campaigns = backend.campaigns()
    if args.json:
        return _json([campaign_json(c) for c in campaigns])
    return campaigns_text(campaigns, tz)


READ_COMMANDS: dict[str, Callable[[MailQueueBackend, argparse.Namespace, tzinfo], str]] = {
    "status": _cmd_status,
    "mails": _cmd_mails,
    "crons": _cmd_crons,
    "envelopes": _cmd_envelopes,
    "campaigns": _cmd_campaigns,
}
