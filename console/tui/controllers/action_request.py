"""What an operator action is before any dialog: its request, its dialog text, its keys.

No widgets and no database here: the panes build an `ActionRequest`, the dialogs modules
turn it into a `Dialog`, the runner confirms it and writes in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from console.domain.actions import ACTION_VERBS, IGNORABLE_NOTIFICATION_STATUSES, RETRYABLE_STATES
from console.tui.widgets.formatting import ellipsize, one_line, recipients_text

if TYPE_CHECKING:
    from console.domain.models import MailDetail, MailRow

# Every action that writes to the database (hidden and refused in read-only sessions).
WRITE_ACTIONS = frozenset(
    {
        "retry",
        "send",
        "cancel",
        "ignore",
        "undo",
        "trigger",
        "cancel_campaign",
        "set_interval",
        "cause_action",
        "resend",
        "fix_address",
        "remove_from_blacklist",
        "reset_bounce",
        "queue_pause",
        "hold_toggle",
    }
)
# Which mail actions each list offers (pane kind -> actions).
LIST_ACTIONS: dict[str, frozenset[str]] = {
    "failed": frozenset({"retry", "ignore", "undo"}),
    "outgoing": frozenset({"send", "cancel", "undo"}),
}
# A cron whose last call started less than this long ago "was just run".
JUST_RAN_SECONDS = 300
KEYS = {
    "retry": "r",
    "send": "S",
    "cancel": "c",
    "ignore": "x",
    "resend": "r",
    "fix-address": "a",
    "undo": "u",
    "trigger": "t",
    "cancel-campaign": "c",
    "set-interval": "i",
    "unblacklist": "D",
    "hold": "h",
    "release": "h",
    "pause": "W",
    "resume": "W",
}
# Odoo's floor for a cron interval, and the value it recommends for the Email Queue Manager
# (the same numbers as console.services.operations, which the TUI imports only in workers).
MIN_INTERVAL_MINUTES = 5
RECOMMENDED_INTERVAL_MINUTES = 15
INTERVAL_UNITS: dict[str, int] = {"minutes": 1, "hours": 60}
MAX_INTERVAL_NUMBER = 10_000
READ_ONLY_REFUSAL = "Read-only session: this console does not write (--read-only)"

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """One write to confirm then run: what, on which ids, and where it was asked."""

    action: str
    ids: tuple[int, ...]
    example: str = ""
    origin: str = ""  # the pane id ("failed", "outgoing", "crons"), or "detail"
    include_cancelled: bool = True  # retry: the form's button (True) or the list's (False)
    include_scheduled: bool = False  # send: also the mails scheduled for later
    cron_name: str = ""
    journal_entry: str = ""  # undo: the journal entry the operator confirmed
    interval: tuple[int, str] | None = None  # set-interval: (number, unit)
    email: str = ""  # fix-address: the new address
    expected_email: str | None = None  # fix-address: the address the operator saw
    then_resend: tuple[int, ...] = ()  # fix-address: the messages to resend afterwards
    reason: str = ""  # unblacklist: the wizard's Reason
    addresses: tuple[str, ...] = ()  # reset-bounce: the normalized addresses
    campaigns: bool = False  # pause: the mass-mailing cron too

    @property
    def label(self) -> str:
        """The action as a toast title: Retry, Send now, Run cron now…"""
        labels = {
            "trigger": "Run cron now",
            "ignore": "Ignore all",
            "ignore-messages": "Ignore all",
            "resend": "Resend to failed",
            "resend-mails": "Resend to failed",
            "fix-address": "Fix address",
            "cancel-campaign": "Cancel campaign",
            "set-interval": "Set interval",
            "reset-bounce": "Reset bounces",
            "pause": "Pause queue",
            "resume": "Resume queue",
        }
        return labels.get(self.action) or ACTION_VERBS.get(self.action, (self.action, ""))[0]


@dataclass(frozen=True, slots=True)
class Dialog:
    """The text of a confirmation dialog."""

    title: str
    question: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    confirm_label: str = "Confirm"
    alternative_label: str | None = None  # a second way to confirm (Send now: all, scheduled too)
    typed_count: int | None = None  # the number to type before the confirm button works
    variant: str = "error"  # the confirm button's look: "error" (destructive) or "warning"


def mail_example(row: MailRow) -> str:
    """`#4711 "Facture INV/2026/00412" to client12@example.org`."""
    subject = ellipsize(one_line(row.subject) or "(no subject)", 48)
    return f'#{row.id} "{subject}" to {ellipsize(recipients_text(row), 40)}'


def detail_allows(action: str, detail: MailDetail | None) -> bool:
    """Whether `action` applies to the mail shown in the detail view."""
    if detail is None:
        return False
    state = detail.mail.state
    if action == "retry":
        return state in RETRYABLE_STATES
    if action in ("send", "cancel"):
        return state == "outgoing"
    if action == "ignore":
        return state == "exception" or any(
            n.status in IGNORABLE_NOTIFICATION_STATUSES for n in detail.notifications
        )
    return False


def plural(count: int, noun: str = "mail") -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"
