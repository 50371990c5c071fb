"""Pausing the queue and holding mails, as plain data (docs/odoo-pause.md).

The console pauses Odoo's queue by deactivating the Email Queue Manager cron (and, when
asked, the mass-mailing cron), as Odoo's own Active toggle does, and on Odoo 17+ by
setting ``mail.mail.force.send.limit`` to 0 so that chatter notifications are queued
instead of sent right after the request. What it changed, and what was there before, is
kept in the system parameter ``odoo_mailq.pause`` (data, never schema): every console
reading the database sees the pause, and resume restores exactly what was there.

A held mail has its ``scheduled_date`` moved to ``HOLD_DATE``; its former schedule is kept
in the system parameter ``odoo_mailq.held`` until it is released.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.domain.timefmt import as_naive_datetime, human_age, iso_utc, sql_timestamp

PAUSE_KEY = "odoo_mailq.pause"
HELD_KEY = "odoo_mailq.held"
FORCE_SEND_LIMIT = "mail.mail.force.send.limit"  # 17+: 0 queues every notification
FORCE_SEND_LIMIT_SINCE = 17
HOLD_DATE = datetime(9999, 1, 1)  # far beyond any real schedule, and safe in every time zone


def is_held(scheduled_date: datetime | None) -> bool:
    """A mail the console holds: its schedule is the hold date."""
    return scheduled_date is not None and scheduled_date >= HOLD_DATE


@dataclass(frozen=True, slots=True)
class PausedCron:
    """A cron the pause deactivated: whether it was active, and the write that paused it
    (``written``: its write_date as the pause left it, to see whether anyone changed it)."""

    id: int
    job: str  # its external id (``mail.ir_cron_mail_scheduler_action``) or name
    was_active: bool
    written: str | None


@dataclass(frozen=True, slots=True)
class PauseState:
    """What the ``odoo_mailq.pause`` parameter says."""

    since: datetime | None
    by: str  # who paused: "alice@host (Odoo uid 2)"
    crons: tuple[PausedCron, ...] = ()
    limit_set: bool = False  # mail.mail.force.send.limit was set to 0
    limit_before: str | None = None  # its value before (None: there was none)
    limit_written: str | None = None
    campaigns: bool = False

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "since": sql_timestamp(self.since) if self.since else None,
            "by": self.by,
            "campaigns": self.campaigns,
            "crons": [
                {"id": c.id, "job": c.job, "was_active": c.was_active, "written": c.written}
                for c in self.crons
            ],
            "force_send_limit": (
                {"before": self.limit_before, "written": self.limit_written}
                if self.limit_set
                else None
            ),
        }
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, value: str | None) -> PauseState | None:
        """The state a parameter holds; a damaged value still says "paused" (by whom
        unknown), never "not paused"."""
        if value is None:
            return None
        try:
            data = json.loads(value)
            crons = tuple(
                PausedCron(
                    int(c["id"]),
                    str(c.get("job") or c["id"]),
                    bool(c.get("was_active")),
                    None if c.get("written") is None else str(c["written"]),
                )
                for c in data.get("crons", [])
            )
            limit = data.get("force_send_limit")
            return cls(
                since=as_naive_datetime(data.get("since")),
                by=str(data.get("by") or "?"),
                crons=crons,
                limit_set=isinstance(limit, dict),
                limit_before=None
                if not isinstance(limit, dict) or limit.get("before") is None
                else str(limit["before"]),
                limit_written=None
                if not isinstance(limit, dict) or limit.get("written") is None
                else str(limit["written"]),
                campaigns=bool(data.get("campaigns")),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls(since=None, by="? (the odoo_mailq.pause parameter is damaged)")

    def for_how_long(self, now: datetime) -> str:
        if self.since is None:
            return "for an unknown time"
        return f"for {human_age(max(0.0, (now - self.since).total_seconds()))}"

    def describe(self, now: datetime) -> str:
        """'paused by alice@host (Odoo uid 2) since 2026-12-05 12:00 UTC (for 2h 3m)'."""
        since = f" since {self.since:%Y-%m-%d %H:%M} UTC" if self.since else ""
        return f"paused by {self.by}{since} ({self.for_how_long(now)})"

    def as_json(self, now: datetime) -> dict[str, Any]:
        return {
            "paused": True,
            "since": iso_utc(self.since),
            "for_seconds": int((now - self.since).total_seconds()) if self.since else None,
            "by": self.by,
            "campaigns": self.campaigns,
            "crons": [{"id": c.id, "job": c.job, "was_active": c.was_active} for c in self.crons],
            "force_send_limit_set": self.limit_set,
        }


def not_stopped(version: int, campaigns: bool, has_mass_mailing: bool) -> list[str]:
    """What a pause does not stop, said plainly wherever a pause is asked for or shown."""
    lines = [
        "Odoo's Send Now button, and send() called by a script, a server action or a module, "
        "still send at once",
    ]
    if version >= FORCE_SEND_LIMIT_SINCE:
        lines.append(
            "chatter notifications are queued (mail.mail.force.send.limit = 0) and wait; "
            "code that calls a template's send_mail(force_send=True) still sends at once"
        )
    else:
        lines.append(
            "Odoo 16 still sends chatter notifications to fewer than 50 recipients right "
            "after the request (it has no setting to queue them)"
        )
    if has_mass_mailing and not campaigns and version >= FORCE_SEND_LIMIT_SINCE:
        lines.append(
            "campaigns: the mass-mailing cron still renders their mails, which then wait in "
            "the paused queue (--campaigns pauses it too)"
        )
    elif has_mass_mailing and not campaigns:
        lines.append(
            "campaigns: the mass-mailing cron sends its mails itself (--campaigns pauses it too)"
        )
    lines.append(
        "a mail the queue cron is sending in its current batch still goes; other workers "
        "that call process_email_queue() themselves (OCA mail_queue_job) are not paused"
    )
    return lines


def hold_not_stopped() -> str:
    return (
        "a held mail is still sent by Odoo's Send Now button on its form and by send() from "
        "a script: only the queue (and the console's Send now) leave it alone"
    )
