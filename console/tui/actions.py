"""What the TUI's operator actions ask before writing and say after; no widgets here.

The App builds an `ActionRequest` from the target (the selection, else the row under the
cursor), shows the `Dialog` made here in a ConfirmScreen, then calls `perform` in a thread
worker (it goes through `console.operations.Operator`) and toasts what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from console.domain.actions import (
    ACTION_VERBS,
    IGNORABLE_NOTIFICATION_STATUSES,
    RETRYABLE_STATES,
    WriteOutcome,
    confirmation_prompt,
    needs_typed_count,
)
from console.domain.models import CronRow, MailDetail, MailRow
from console.errors import QueueBusy
from console.timefmt import human_age
from console.tui.formatting import ellipsize, failure_headline, one_line, recipients_text

if TYPE_CHECKING:  # the TUI imports console.operations (and SQLAlchemy) only in workers
    from console.operations import Operator

# Every action that writes to the database (hidden and refused in read-only sessions).
WRITE_ACTIONS = frozenset({"retry", "send", "cancel", "ignore", "undo", "trigger"})
# Which mail actions each list offers (pane kind -> actions).
LIST_ACTIONS: dict[str, frozenset[str]] = {
    "failed": frozenset({"retry", "ignore", "undo"}),
    "outgoing": frozenset({"send", "cancel", "undo"}),
}
# A cron whose last call started less than this long ago "was just run".
JUST_RAN_SECONDS = 300
KEYS = {"retry": "r", "send": "S", "cancel": "c", "ignore": "x", "undo": "u", "trigger": "t"}
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
    cron_name: str = ""
    journal_entry: str = ""  # undo: the journal entry the operator confirmed

    @property
    def label(self) -> str:
        """The action as a toast title: Retry, Send now, Run cron now…"""
        if self.action == "trigger":
            return "Run cron now"
        if self.action == "ignore":
            return "Ignore all"
        return ACTION_VERBS.get(self.action, (self.action, ""))[0]


@dataclass(frozen=True, slots=True)
class Dialog:
    """The text of a confirmation dialog."""

    title: str
    question: str
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    confirm_label: str = "Confirm"
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


def _plural(count: int, noun: str = "mail") -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def mail_dialog(request: ActionRequest) -> Dialog:
    count = len(request.ids)
    question = confirmation_prompt(request.action, count, request.example)
    typed = count if needs_typed_count(count) else None
    mails = _plural(count)
    if request.action == "retry":
        return Dialog(
            "Retry",
            question,
            notes=(
                "They go back to Outgoing; Odoo's Email Queue Manager sends them at its "
                "next run. u undoes.",
            ),
            confirm_label=f"Retry {mails}",
            typed_count=typed,
            variant="warning",
        )
    if request.action == "send":
        return Dialog(
            "Send now",
            question,
            warnings=(
                "Irreversible: they leave now through Odoo's outgoing mail servers. "
                "Campaign mails are left to Odoo's queue.",
            ),
            confirm_label=f"Send {mails} now",
            typed_count=typed,
        )
    if request.action == "cancel":
        return Dialog(
            "Cancel mails",
            question,
            notes=("Odoo will not send them; they are kept as Cancelled, not deleted. u undoes.",),
            confirm_label=f"Cancel {mails}",
            typed_count=typed,
        )
    return Dialog(
        "Ignore all",
        question,
        notes=(
            "Their failed notifications are set to canceled (the red envelope turns white); "
            "the mails themselves stay as they are. u undoes.",
        ),
        confirm_label=f"Ignore {mails}",
        typed_count=typed,
    )


def _journal_age(stamp: object, now: datetime) -> str:
    try:
        when = datetime.strptime(str(stamp), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return ""
    return f"{human_age((now - when).total_seconds())} ago"


def undo_dialog(entry: Mapping[str, Any], now: datetime | None = None) -> tuple[Dialog, int]:
    """The dialog for undoing a journal entry, and how many mails it touches."""
    action = str(entry.get("action", ""))
    applied = [int(i) for i in entry.get("applied", []) or []]
    count = len(applied)
    past = {"retry": "retry", "cancel": "cancel", "ignore": "ignore all"}.get(action, action)
    when = _journal_age(entry.get("time"), now or datetime.now(UTC))
    who = one_line(str(entry.get("os_user") or ""))
    origin = ", ".join(p for p in (when, f"by {who}" if who else "") if p)
    shown = ", ".join(f"#{i}" for i in applied[:5]) + (" …" if count > 5 else "")
    question = f"Undo the {past} of {_plural(count)}{f' ({origin})' if origin else ''}?"
    dialog = Dialog(
        "Undo",
        question,
        notes=(
            f"Mails: {shown}" if shown else "No mail ids in the journal entry.",
            "Only rows still as that action left them are restored; the others are skipped.",
        ),
        confirm_label=f"Undo the {past}",
        typed_count=count if needs_typed_count(count) else None,
        variant="warning",
    )
    return dialog, count


def trigger_warnings(cron: CronRow, now: datetime) -> tuple[str, ...]:
    """What Odoo's cron runner does with a trigger for this cron right now."""
    warnings: list[str] = []
    if not cron.active:
        warnings.append(
            "This cron is inactive: Odoo ignores a trigger for now on an inactive cron."
        )
    if cron.running:
        warnings.append(
            "It is running right now. When a run ends Odoo deletes the triggers already due, "
            "so this one would most likely be dropped: the current run is already doing the work."
        )
    if cron.lastcall is not None:
        age = (now - cron.lastcall).total_seconds()
        if 0 <= age < JUST_RAN_SECONDS:
            warnings.append(
                f"It was just run ({human_age(age)} ago): another run only picks up "
                "what arrived since."
            )
    return tuple(warnings)


def trigger_dialog(cron: CronRow, now: datetime) -> Dialog:
    name = one_line(cron.name) or f"cron {cron.id}"
    notes = [
        "This adds a trigger (ir_cron_trigger) that Odoo's cron workers pick up when they "
        "wake up (at once when they can be notified, else within 60 s); it does not "
        "run the cron inside this console.",
    ]
    if cron.running is None:
        notes.append("Whether it is running right now cannot be told from this connection.")
    return Dialog(
        "Run cron now",
        f"Ask Odoo to run '{name}' now?",
        notes=tuple(notes),
        warnings=trigger_warnings(cron, now),
        confirm_label="Run it now",
        variant="warning",
    )


def trigger_request(cron: CronRow) -> ActionRequest:
    return ActionRequest("trigger", (cron.id,), origin="crons", cron_name=one_line(cron.name))


def outcome_severity(outcome: WriteOutcome) -> Severity:
    """Toast severity: information when complete, warning when some were skipped or failed."""
    if outcome.complete and (outcome.applied or not outcome.requested):
        return "information"
    return "warning"


def trigger_severity(message: str) -> Severity:
    lowered = message.lower()
    return "warning" if ("inactive" in lowered or "could not" in lowered) else "information"


def error_severity(exc: BaseException) -> Severity:
    """Odoo busy with its queue is a 'try again later', not a failure."""
    return "warning" if isinstance(exc, QueueBusy) else "error"


JOURNAL_CHANGED = (
    "The journal changed since you pressed u (another action or another console): "
    "nothing was undone. Press u again to see what would be undone now."
)


def perform(operator: Operator, request: ActionRequest) -> tuple[str, Severity, tuple[int, ...]]:
    """Run a confirmed request (in a worker thread): the toast's text, its severity and the
    mail ids the action changed. Errors propagate (ReadOnlyRefused, ConsoleError, ...)."""
    ids = list(request.ids)
    action = request.action
    if action == "trigger":
        text = operator.trigger(ids[0])
        return text, trigger_severity(text), ()
    if action == "retry":
        outcome = operator.retry(ids, include_cancelled=request.include_cancelled)
    elif action == "cancel":
        outcome = operator.cancel(ids)
    elif action == "ignore":
        outcome = operator.ignore(ids)
    elif action == "send":
        outcome = operator.send(ids)
    elif action == "undo":
        entry = operator.journal.last_undoable(operator.backend.info.display_url)
        if entry is None or entry.id != request.journal_entry:
            return JOURNAL_CHANGED, "warning", ()
        outcome = operator.undo()
    else:
        raise ValueError(f"unknown action {action!r}")
    text = outcome.message()
    if outcome.failed:  # say why, for the first one (every reason is in the journal)
        first_id, reason = next(iter(outcome.failed.items()))
        text += f". #{first_id}: {failure_summary(reason)}"
    return text, outcome_severity(outcome), tuple(outcome.applied)


def failure_summary(reason: str) -> str:
    """A failure reason in one short line: its headline, or all of it when that says little
    (Odoo stores a DNS failure as "-2\nName or service not known")."""
    headline = failure_headline(reason)
    if not any(ch.isalpha() for ch in headline):
        headline = one_line(reason)
    return ellipsize(headline, 100)
