"""What the TUI's operator actions ask before writing and say after; no widgets here.

The App builds an `ActionRequest` from the target (the selection, else the row under the
cursor), shows the `Dialog` made here in a ConfirmScreen, then calls `perform` in a thread
worker (it goes through `console.services.operations.Operator`) and toasts what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from console.domain.actions import (
    ACTION_VERBS,
    IGNORABLE_NOTIFICATION_STATUSES,
    RETRYABLE_STATES,
    WriteOutcome,
    confirmation_prompt,
    needs_typed_count,
)
from console.domain.errors import JournalUnwritable
from console.domain.timefmt import human_age, short_local
from console.tui.formatting import (
    cause_class,
    ellipsize,
    failure_headline,
    interval_text,
    one_line,
    recipients_text,
)

if TYPE_CHECKING:  # the TUI imports console.services.operations (and SQLAlchemy) only in workers
    from console.domain.causes import CauseGroup
    from console.domain.models import CampaignRow, CronRow, MailDetail, MailRow
    from console.services.operations import Operator

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
    "undo": "u",
    "trigger": "t",
    "cancel-campaign": "c",
    "set-interval": "i",
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

    @property
    def label(self) -> str:
        """The action as a toast title: Retry, Send now, Run cron now…"""
        labels = {
            "trigger": "Run cron now",
            "ignore": "Ignore all",
            "cancel-campaign": "Cancel campaign",
            "set-interval": "Set interval",
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
        return send_dialog(request, question, typed)
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


def send_dialog(
    request: ActionRequest,
    question: str,
    typed: int | None,
    later: Sequence[datetime] = (),
    tz: tzinfo = UTC,
) -> Dialog:
    """Send now; mails scheduled for later stay queued unless the operator says so."""
    count = len(request.ids)
    warnings = [
        "Irreversible: they leave now through Odoo's outgoing mail servers. Campaign mails "
        "are left to Odoo's queue."
    ]
    if not later:
        label = f"Send {_plural(count)} now"
        return Dialog("Send now", question, warnings=tuple(warnings), confirm_label=label,
                      typed_count=typed)  # fmt: skip
    span = short_local(later[0], tz) + (
        f" to {short_local(later[-1], tz)}" if len(later) > 1 else ""
    )
    if len(later) >= count:
        warnings.append(f"Scheduled for later ({span}): sending now goes ahead of that date.")
        label = f"Send {_plural(count)} now anyway"
        return Dialog("Send now", question, warnings=tuple(warnings), confirm_label=label,
                      typed_count=typed)  # fmt: skip
    due = count - len(later)
    notes = (f"{len(later)} of them are scheduled for later ({span}): they stay in the queue "
             "unless you choose to send all now.",)  # fmt: skip
    return Dialog(
        "Send now",
        question,
        notes=notes,
        warnings=tuple(warnings),
        confirm_label=f"Send {_plural(due)} now",
        alternative_label=f"Send all {count}",
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


# -- causes: one whole group of failed mails --------------------------------------------
def cause_dialog(action: str, group: CauseGroup, ids: tuple[int, ...], example: str) -> Dialog:
    """Retry or ignore every failed mail of one cause; the count is read just before."""
    classification = group.classification
    count = len(ids)
    mails = _plural(count)
    word, _tone = cause_class(classification.klass)
    title = one_line(classification.title) or "unrecognised"
    then = f" (the list said {group.count} when it was computed)" if count != group.count else ""
    cause = f"Cause: {title} ({word}), {mails} now{then}."
    typed = count if needs_typed_count(count) else None
    warnings: list[str] = []
    fix = one_line(classification.fix)
    if action == "retry" and classification.klass == "configuration":
        warnings.append(f"A configuration problem: they fail again until it is fixed. {fix}")
    elif action == "retry" and classification.klass == "permanent-recipient":
        warnings.append(f"Permanent for these recipients: a retry fails again. {fix}")
    if action == "retry":
        return Dialog(
            "Retry a cause",
            confirmation_prompt("retry", count, example),
            notes=(
                cause,
                "They go back to Outgoing; Odoo's Email Queue Manager sends them at its "
                "next run. u (on a mail list) undoes.",
            ),
            warnings=tuple(warnings),
            confirm_label=f"Retry {mails}",
            typed_count=typed,
            variant="warning",
        )
    return Dialog(
        "Ignore a cause",
        confirmation_prompt("ignore", count, example),
        notes=(
            cause,
            "Their failed notifications are set to canceled (the red envelope turns white); "
            "the mails stay failed. u (on a mail list) undoes.",
        ),
        confirm_label=f"Ignore {mails}",
        typed_count=typed,
    )


# -- campaigns --------------------------------------------------------------------------
SENDING_CAMPAIGN_ADVICE = (
    "Odoo has no Cancel for a campaign already Sending: let the Mail Marketing cron finish "
    "it (t on the Crons pane asks Odoo to run it now); if it stays stuck, read the Odoo "
    "log of that cron. The campaigns queued behind it can be cancelled."
)


def campaign_label(campaign: CampaignRow) -> str:
    return one_line(campaign.name) or one_line(campaign.subject) or f"campaign {campaign.id}"


def campaign_refusal(campaign: CampaignRow) -> str | None:
    """Why `c` cannot cancel this campaign (None: it can, after confirming)."""
    if campaign.state == "sending":
        return SENDING_CAMPAIGN_ADVICE
    if campaign.state != "in_queue":
        return f"Only a campaign In Queue can be cancelled (this one is {campaign.state})."
    return None


def campaign_dialog(campaign: CampaignRow) -> Dialog:
    name = ellipsize(campaign_label(campaign), 48)
    recipients = "?" if campaign.recipients is None else str(campaign.recipients)
    notes = [
        "It goes back to Draft, as Odoo's Cancel button does: the schedule is cleared and "
        "nothing is sent; send it again from Odoo when ready.",
        f"Subject: {ellipsize(one_line(campaign.subject), 60)} · {recipients} recipients.",
    ]
    warnings = []
    if campaign.is_head:
        warnings.append("It is the head of the queue: Odoo's cron was about to send it.")
    return Dialog(
        "Cancel campaign",
        f"Cancel the campaign #{campaign.id} '{name}'?",
        notes=tuple(notes),
        warnings=tuple(warnings),
        confirm_label="Cancel the campaign",
    )


# -- cron interval ----------------------------------------------------------------------
def is_queue_cron(cron: CronRow) -> bool:
    return cron.xml_id == "mail.ir_cron_mail_scheduler_action" or (
        "email queue" in cron.name.lower()
    )


def parse_interval(text: str, unit: str, cron: CronRow) -> tuple[int, str] | str:
    """(number, unit) when acceptable, else the error to show in the dialog."""
    raw = text.strip()
    if not raw.isdigit():
        return "Type a whole number of minutes or hours."
    number = int(raw)
    if unit not in INTERVAL_UNITS:
        return "Choose minutes or hours."
    if number <= 0 or number > MAX_INTERVAL_NUMBER:
        return f"Type a number between 1 and {MAX_INTERVAL_NUMBER}."
    if number * INTERVAL_UNITS[unit] < MIN_INTERVAL_MINUTES:
        return (
            f"{number} {unit} is below Odoo's floor of {MIN_INTERVAL_MINUTES} minutes "
            f"({RECOMMENDED_INTERVAL_MINUTES} minutes is recommended)."
        )
    if (cron.interval_number, cron.interval_type) == (number, unit):
        return f"It already runs every {number} {unit}."
    return number, unit


def interval_dialog(cron: CronRow, number: int, unit: str, now_text: str) -> Dialog:
    name = one_line(cron.name) or f"cron {cron.id}"
    current = interval_text(cron.interval_number, cron.interval_type)
    notes = [
        f"Now every {current}. The next run time stays as it is{now_text}; Odoo's cron "
        "form does the same.",
    ]
    warnings: list[str] = []
    if cron.running:
        warnings.append(
            "It is running right now: Odoo holds it and refuses the change until it ends."
        )
    minutes = number * INTERVAL_UNITS.get(unit, 1)
    if is_queue_cron(cron) and minutes > 60:
        warnings.append(
            f"Above an hour mail waits long in the queue: {RECOMMENDED_INTERVAL_MINUTES} "
            "minutes is recommended."
        )
    return Dialog(
        "Set interval",
        f"Run '{name}' every {number} {unit}?",
        notes=tuple(notes),
        warnings=tuple(warnings),
        confirm_label=f"Every {number} {unit}",
        variant="warning",
    )


def outcome_severity(outcome: WriteOutcome) -> Severity:
    """Toast severity: information when complete, warning when some were skipped or failed."""
    if outcome.complete and (outcome.applied or not outcome.requested):
        return "information"
    return "warning"


def trigger_severity(message: str) -> Severity:
    lowered = message.lower()
    return "warning" if ("inactive" in lowered or "could not" in lowered) else "information"


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
    if action in ("cancel-campaign", "set-interval"):
        if action == "cancel-campaign":
            done = operator.cancel_campaigns(ids)
        else:
            number, unit = request.interval or (0, "")
            done = operator.set_cron_interval(ids[0], number, unit)
        return done.message(), outcome_severity(done), ()
    if action == "retry":
        outcome = operator.retry(ids, include_cancelled=request.include_cancelled)
    elif action == "cancel":
        outcome = operator.cancel(ids)
    elif action == "ignore":
        outcome = operator.ignore(ids)
    elif action == "send":
        outcome = operator.send(ids, include_scheduled=request.include_scheduled)
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


def not_applied(request: ActionRequest, exc: BaseException) -> str:
    """What an action's error means for the database, said after the error itself."""
    if isinstance(exc, JournalUnwritable):  # its sentence says what happened already
        return ""
    if request.action == "send":
        return (
            "Mails sent before the error stay sent; the others were not: R shows where "
            "each one is, the journal has the details."
        )
    return "Not applied: nothing was changed (the change is one transaction, rolled back)."
