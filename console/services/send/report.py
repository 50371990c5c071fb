"""What "Send now" did, for the toast, the CLI, JSON and the journal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from console.domain.actions import WriteOutcome, skipped_summary
from console.domain.timefmt import iso_utc
from console.smtp.concurrency import ServerConnections


@dataclass(frozen=True)
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # id -> failure_reason stored
    skipped: dict[int, str] = field(default_factory=dict)  # id -> why it was not sent
    deferred_campaign_ids: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)  # removed by auto_delete, as Odoo does
    notes: list[str] = field(default_factory=list)
    # Not marked sent, but the server may hold a message of theirs (the connection
    # dropped mid-send, a later recipient failed, or the outcome could not be recorded).
    possibly_delivered: list[int] = field(default_factory=list)
    connections: list[ServerConnections] = field(default_factory=list)
    # when each mail left queued because it is scheduled for later falls due, earliest first
    scheduled_later: list[datetime] = field(default_factory=list)

    def message(self) -> str:
        """One line for a toast: "Sent 12 mails; 1 failed; 2 skipped: ..."."""
        count = len(self.sent)
        parts = [f"Sent {count} mail{'s' if count != 1 else ''}"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.skipped:
            parts.append(skipped_summary(list(self.skipped.values())))
        return "; ".join(parts)

    def connections_note(self) -> str:
        """ "Connections: 'Main' (smtp.example.com): 16 connections at once, limit 16 ...";
        a server no connection was opened to (it failed first) says nothing useful here:
        its failure does."""
        opened = [c for c in self.connections if c.opened]
        if not opened:
            return ""
        return "Connections: " + "; ".join(c.describe() for c in opened)


def send_outcome(ids: Sequence[int], report: SendReport) -> tuple[WriteOutcome, dict[str, object]]:
    """The outcome of Send now on ``ids`` and the journal's extra fields."""
    notes = list(report.notes)
    later = report.scheduled_later
    if later:
        span = f"{iso_utc(later[0])}" + (f" to {iso_utc(later[-1])}" if len(later) > 1 else "")
        notes.append(
            f"{len(later)} scheduled for later ({span}) left in the queue: Odoo sends each "
            "when it falls due"
        )
    if report.deferred_campaign_ids:
        notes.append(
            f"{len(report.deferred_campaign_ids)} campaign mails left to Odoo's queue, "
            "which was asked to run now"
        )
    if report.connections_note():
        notes.append(report.connections_note())
    details: dict[str, object] = {
        "connections": [c.as_json() for c in report.connections],
        "possibly_delivered": list(report.possibly_delivered),
        "scheduled_later": {
            "count": len(later),
            "first": iso_utc(later[0]) if later else None,
            "last": iso_utc(later[-1]) if later else None,
        },
    }
    outcome = WriteOutcome(
        action="send",
        requested=tuple(dict.fromkeys(ids)),
        applied=tuple(report.sent),
        failed=dict(report.failed),
        skipped=dict(report.skipped),
        previous={i: "outgoing" for i in [*report.sent, *report.failed]},
        note="; ".join(notes),
        details=details,
    )
    return outcome, {"deferred_campaigns": list(report.deferred_campaign_ids), **details}
