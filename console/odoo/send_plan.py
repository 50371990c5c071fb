"""What a Send now run plans, claims and records, as plain data: no database here, so the
service that drives the run (console.services.send) holds these without SQL.

The SQL that fills them is in console.odoo.send_steps, send_reads, send_writes and senders_guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.smtp.deliver import Outcome
from console.smtp.prepare import Prepared
from console.smtp.reasons import PLACEHOLDER_REASON
from console.smtp.routing import Route
from console.smtp.server_choice import NO_VALID_RECIPIENT

QUIET_MS = 150


def not_outgoing(state: str | None) -> str:
    return f"not outgoing any more (now {state!r})"


def placeholder(version: int, no_recipients: bool) -> tuple[str, str | None]:
    """(failure_reason, failure_type) of ``_send``'s pre-send write.

    16-18 leave failure_type alone (None here); 19 writes 'unknown', or
    NO_VALID_RECIPIENT / 'mail_email_missing' for a mail without any recipient.
    """
    if version <= 18:
        return PLACEHOLDER_REASON, None
    if no_recipients:
        return NO_VALID_RECIPIENT, "mail_email_missing"
    return PLACEHOLDER_REASON, "unknown"


@dataclass(frozen=True, slots=True)
class NotificationBefore:
    id: int
    status: str | None
    failure_type: str | None
    failure_reason: str | None


@dataclass(frozen=True, slots=True)
class MailBefore:
    """The values the placeholder overwrites: a mail never handed to SMTP gets them back,
    as if the placeholder's transaction had been rolled back."""

    state: str | None
    failure_reason: str | None
    failure_type: str | None
    write_uid: int | None
    write_date: datetime | str | None
    notifications: tuple[NotificationBefore, ...] = ()


@dataclass(frozen=True, slots=True)
class Session:
    """Another session of the database, as ``pg_stat_activity`` shows it."""

    pid: int
    application: str
    state: str | None  # None: not visible to our role (only its snapshot is)
    since: datetime | None
    snapshot: bool

    def describe(self) -> str:
        name = self.application or "no application name"
        since = f" since {self.since:%H:%M:%S} UTC" if self.since is not None else ""
        if self.snapshot:
            what = f"holds a snapshot (in a transaction{since})"
        elif self.since is not None:
            what = f"is in a transaction{since}"
        else:
            what = f"was active within {QUIET_MS} ms"
        return f"pid {self.pid} ({name}) {what}"


@dataclass(slots=True)
class Planned:
    id: int
    route: Route


@dataclass(slots=True)
class Claimed:
    """A mail whose placeholder is committed: it may be handed to SMTP."""

    item: Planned
    prepared: Prepared
    before: MailBefore
    placed_at: datetime

    @property
    def placeholder_reason(self) -> str:
        version = self.prepared.content.version
        return placeholder(version, self.prepared.no_recipients)[0]


@dataclass(slots=True)
class Claim:
    claimed: list[Claimed] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    deferred: bool = False  # a mail was left to Odoo's queue, which should run
    # Odoo sessions that made the claim wait (rolled back, nothing written): try again
    busy: list[Session] = field(default_factory=list)
    # committed, but an Odoo session began at that instant and may send them itself:
    # never handed to SMTP by the console (they keep Odoo's placeholder)
    contested: list[Claimed] = field(default_factory=list)
    contenders: list[Session] = field(default_factory=list)

    def merge(self, other: Claim) -> None:
        self.claimed.extend(other.claimed)
        self.skipped.update(other.skipped)
        self.deferred = self.deferred or other.deferred
        self.busy.extend(other.busy)
        self.contested.extend(other.contested)
        self.contenders.extend(other.contenders)


@dataclass(frozen=True, slots=True)
class Recorded:
    claimed: Claimed
    outcome: Outcome
    stored_reason: str | None = None  # the failure_reason now in the row
    deleted: bool = False  # auto_delete removed it, as Odoo does
    error: str | None = None  # recording failed: the row keeps the placeholder
