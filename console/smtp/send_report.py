"""What "Send now" did, for the toast, the CLI, JSON and the journal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from console.smtp.concurrency import ServerConnections
from console.smtp.send_steps import SKIP_CAMPAIGN, SKIP_GONE, SKIP_LOCKED


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

    def message(self) -> str:
        """One line for a toast: "Sent 12 mails; 1 failed; 2 skipped: ..."."""
        count = len(self.sent)
        parts = [f"Sent {count} mail{'s' if count != 1 else ''}"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.skipped:
            kinds = Counter(_skip_kind(reason) for reason in self.skipped.values())
            if len(kinds) == 1:
                parts.append(f"{len(self.skipped)} skipped: {next(iter(kinds))}")
            else:
                detail = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
                parts.append(f"{len(self.skipped)} skipped ({detail})")
        return "; ".join(parts)

    def connections_note(self) -> str:
        """ "Connections: 'Main' (smtp.example.com): 16 connections at once, limit 16 ..."."""
        if not self.connections:
            return ""
        return "Connections: " + "; ".join(c.describe() for c in self.connections)


def _skip_kind(reason: str) -> str:
    if reason.startswith("not outgoing any more"):
        return "their state changed meanwhile"
    if reason == SKIP_GONE:
        return "deleted meanwhile"
    if reason.startswith(SKIP_LOCKED):
        return "locked by another transaction"
    if reason == SKIP_CAMPAIGN:
        return "campaign mails left to Odoo's queue"
    if "asked Odoo's queue" in reason:
        return "left to Odoo's queue"
    if "Email Queue Manager is running" in reason:
        return "Odoo's queue is sending them right now"
    if reason.startswith("not attempted"):
        return "not attempted, left outgoing"
    return "see details"
