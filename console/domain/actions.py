"""Operator actions and their outcomes, as plain data (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ActionName = Literal["retry", "cancel", "ignore", "send", "undo", "trigger"]

# What each action accepts, in Odoo's own terms (docs/odoo-actions.md).
SUPERUSER_ID = 1  # base.user_root: what Odoo's crons and sudo() write as
RETRYABLE_STATES = ("exception", "cancel")  # mark_outgoing: the form/row "Retry" button
BULK_RETRY_STATES = ("exception",)  # action_retry: the list header "Retry"
CANCELLABLE_STATES = ("outgoing",)  # cancel(): "Cancel Email"
IGNORABLE_NOTIFICATION_STATUSES = ("exception", "bounce")  # resend wizard "Ignore all"

ACTION_VERBS: dict[str, tuple[str, str]] = {
    # name: (verb for the prompt, past tense for the report)
    "retry": ("Retry", "Retried"),
    "cancel": ("Cancel", "Cancelled"),
    "ignore": ("Ignore all failures of", "Ignored the failures of"),
    "ignore-messages": ("Ignore all failures of", "Ignored the failures of"),
    "resend": ("Resend to the failed recipients of", "Queued again for the failed recipients of"),
    "fix-address": ("Fix the e-mail address of", "Fixed the e-mail address of"),
    "send": ("Send now", "Sent"),
    "undo": ("Undo", "Undid"),
    "trigger": ("Run now", "Asked Odoo to run"),
    "cancel-campaign": ("Cancel", "Cancelled"),
    "set-interval": ("Change the interval of", "Changed the interval of"),
    "unblacklist": ("Remove from the blacklist", "Removed from the blacklist"),
    "reset-bounce": ("Reset the bounce counter of", "Reset the bounce counters of"),
    "pause": ("Pause Odoo's queue: switch off", "Paused Odoo's queue:"),
    "resume": ("Resume Odoo's queue: restore", "Resumed Odoo's queue:"),
    "hold": ("Hold", "Held"),
    "release": ("Release", "Released"),
}

# What each action counts (mails unless said here).
ACTION_NOUNS: dict[str, str] = {
    "ignore-messages": "message",
    "resend": "message",
    "fix-address": "partner",
    "cancel-campaign": "campaign",
    "set-interval": "cron",
    "trigger": "cron",
    "unblacklist": "address",
    "reset-bounce": "address",
    "pause": "cron",
    "resume": "cron",
}


def plural(noun: str, count: int) -> str:
    """'mail' -> 'mails', 'address' -> 'addresses'."""
    if count == 1:
        return noun
    return noun + ("es" if noun.endswith("ss") else "s")


# Above this many mails the operator must type the count to confirm.
TYPE_COUNT_THRESHOLD = 50

# Why Send now skipped a mail (the start of the reason; the rest says the detail).
SKIP_LOCKED = "locked by another transaction"
SKIP_GONE = "no longer exists"
SKIP_CAMPAIGN = "belongs to a mass-mailing campaign: asked Odoo's queue to run instead"
SKIP_SCHEDULED = "scheduled for"
SKIP_CAMPAIGN_LEFT = "belongs to a mass-mailing campaign: left to Odoo's queue"
SKIP_HELD = "held (odoo-mailq release ID sends it again)"


def scheduled_later_reason(when: datetime) -> str:
    """Why Send now left a mail in the queue: it falls due later (``when``, UTC)."""
    return f"{SKIP_SCHEDULED} {when:%Y-%m-%d %H:%M} UTC: left in the queue until then"


def skip_kind(reason: str) -> str:
    """A skip reason without its particulars (ids, dates, sessions), to count alike ones."""
    if reason.startswith("not outgoing any more"):
        return "their state changed meanwhile"
    if reason == SKIP_GONE:
        return "deleted meanwhile"
    if reason.startswith(SKIP_LOCKED):
        return "locked by another transaction"
    if reason == SKIP_HELD:
        return "held"
    if reason.startswith(SKIP_SCHEDULED):
        return "scheduled for later, left in the queue"
    if reason in (SKIP_CAMPAIGN, SKIP_CAMPAIGN_LEFT):
        return "campaign mails left to Odoo's queue"
    if "Email Queue Manager is running" in reason:
        return "Odoo's queue is sending them right now"
    if "asked Odoo's queue" in reason:
        return "left to Odoo's queue"
    if reason.startswith("not attempted"):
        return "not attempted, left outgoing"
    return reason


def skipped_summary(reasons: list[str]) -> str:
    """'3 skipped: deleted meanwhile' or '5 skipped (3 deleted meanwhile, 2 ...)'."""
    kinds: dict[str, int] = {}
    for reason in reasons:
        kind = skip_kind(reason)
        kinds[kind] = kinds.get(kind, 0) + 1
    if len(kinds) == 1:
        return f"{len(reasons)} skipped: {next(iter(kinds))}"
    ranked = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) > 3:
        return f"{len(reasons)} skipped for {len(ranked)} reasons: see the journal for each"
    return f"{len(reasons)} skipped (" + ", ".join(f"{n} {k}" for k, n in ranked) + ")"


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What a guarded write did: applied ids, skipped ids with the reason, previous values."""

    action: str
    requested: tuple[int, ...]
    applied: tuple[int, ...] = ()
    skipped: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)  # attempted, ended in exception
    previous: dict[int, str] = field(default_factory=dict)  # mail id -> state before
    # mail id -> (write_uid, write_date as the database's text) before: undo puts them back
    previous_writes: dict[int, tuple[int | None, str | None]] = field(default_factory=dict)
    notifications: dict[int, str] = field(default_factory=dict)  # notification id -> before
    chatter: dict[int, int] = field(default_factory=dict)  # record id -> mail_message logged
    errors: tuple[str, ...] = ()
    note: str = ""
    details: dict[str, object] = field(default_factory=dict)  # extra JSON (send: connections)
    noun: str | None = None  # what the ids count, when not the action's usual noun

    @property
    def complete(self) -> bool:
        return not self.skipped and not self.errors and not self.failed

    def message(self) -> str:
        """One line for a toast or the terminal: 'Retried 212 mails; 2 skipped: ...'."""
        past = ACTION_VERBS.get(self.action, (self.action, self.action))[1]
        applied = len(self.applied)
        noun = self.noun or ACTION_NOUNS.get(self.action, "mail")
        text = f"{past} {applied} {plural(noun, applied)}"
        if self.action in ("pause", "resume") and applied:  # the note says which crons
            text = past.rstrip(":")
        if self.action in ("ignore", "ignore-messages"):
            count = len(self.notifications)
            text += f" ({count} failed notification{'s' if count != 1 else ''} set to canceled)"
        if self.action == "resend":
            count = len(self.notifications)
            text += f" ({count} recipient{'s' if count != 1 else ''}, in new queued mails)"
        if self.failed:
            text += f"; {len(self.failed)} failed"
        if self.skipped:
            text += "; " + skipped_summary(list(self.skipped.values()))
        if self.errors:
            text += f"; error: {self.errors[0]}"
        if self.note:
            text += f". {self.note}"
        return text


def confirmation_prompt(action: str, count: int, example: str) -> str:
    verb = ACTION_VERBS.get(action, (action, action))[0]
    noun = plural(ACTION_NOUNS.get(action, "mail"), count)
    if action == "send":
        return f"Send {count} {noun} now, through SMTP? For example {example}"
    return f"{verb} {count} {noun}? For example {example}"


def needs_typed_count(count: int) -> bool:
    return count > TYPE_COUNT_THRESHOLD
