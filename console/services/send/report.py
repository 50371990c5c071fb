"""What "Send now" did, for the toast, the CLI, JSON and the journal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.domain.actions import skipped_summary
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
        """ "Connections: 'Main' (smtp.example.com): 16 connections at once, limit 16 ..."."""
        if not self.connections:
            return ""
        return "Connections: " + "; ".join(c.describe() for c in self.connections)
