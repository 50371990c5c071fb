"""The confirmation dialogs of the mail writes: retry, send now, cancel, ignore, undo,
and the retry or ignore of a whole cause."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from console.domain.actions import confirmation_prompt, needs_typed_count
from console.domain.timefmt import human_age, short_local
from console.tui.controllers.action_request import ActionRequest, Dialog, plural
from console.tui.widgets.cli_to_keys import in_keys
from console.tui.widgets.formatting import cause_class, one_line

if TYPE_CHECKING:
    from console.domain.causes import CauseGroup
    from console.domain.models import MailRow


def back_to_outgoing(queue: str, undo: str) -> str:
    """The retry dialogs' note: where the mails go, and when Odoo's queue cron sends them,
    as read just before (overdue with no worker says so, not "at its next run")."""
    when = queue or "Odoo's Email Queue Manager sends them at its next run"
    return f"They go back to Outgoing. {when}. {undo}"


def mail_dialog(request: ActionRequest, queue: str = "") -> Dialog:
    if request.action in ("hold", "release"):
        from console.tui.controllers.pause_dialogs import hold_dialog

        return hold_dialog(request)
    count = len(request.ids)
    question = confirmation_prompt(request.action, count, request.example)
    typed = count if needs_typed_count(count) else None
    mails = plural(count)
    if request.action == "retry":
        return Dialog(
            "Retry",
            question,
            notes=(back_to_outgoing(queue, "u undoes."),),
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
    if request.action in ("resend", "resend-mails"):
        noun = "message" if request.action == "resend" else "mail"
        return Dialog(
            "Resend to failed recipients",
            confirmation_prompt("resend", count, request.example),
            notes=(
                f"Only the recipients whose e-mail failed get the {noun} again, in new queued "
                "mails that copy the one Odoo rendered (as the chatter's Send & close); the "
                "recipients it reached are not mailed twice. u undoes while they are queued.",
            ),
            confirm_label=f"Resend {plural(count, noun)}",
            typed_count=typed,
            variant="warning",
        )
    if request.action == "reset-bounce":
        return Dialog(
            "Reset bounces",
            question,
            notes=(
                "As Odoo when a mail from the address arrives: message_bounce = 0 on every "
                "active partner and mailing contact with this address. u undoes.",
            ),
            confirm_label="Reset the counters",
            variant="warning",
        )
    if request.action == "ignore-messages":
        return Dialog(
            "Ignore all",
            question,
            notes=(
                "Their failed e-mail notifications are set to canceled: the red envelope "
                "turns white in Odoo's chatter, as its Ignore all. u undoes.",
            ),
            confirm_label=f"Ignore {count} message{'s' if count != 1 else ''}",
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
        label = f"Send {plural(count)} now"
        return Dialog("Send now", question, warnings=tuple(warnings), confirm_label=label,
                      typed_count=typed)  # fmt: skip
    span = short_local(later[0], tz) + (
        f" to {short_local(later[-1], tz)}" if len(later) > 1 else ""
    )
    if len(later) >= count:
        warnings.append(f"Scheduled for later ({span}): sending now goes ahead of that date.")
        label = f"Send {plural(count)} now anyway"
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
        confirm_label=f"Send {plural(due)} now",
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
    past = {"retry": "retry", "cancel": "cancel", "ignore": "ignore all",
            "unblacklist": "removal from the blacklist"}.get(action, action)  # fmt: skip
    noun = "record" if action == "reset-bounce" else "mail"
    when = _journal_age(entry.get("time"), now or datetime.now(UTC))
    who = one_line(str(entry.get("os_user") or ""))
    origin = ", ".join(p for p in (when, f"by {who}" if who else "") if p)
    shown = ", ".join(f"#{i}" for i in applied[:5]) + (" …" if count > 5 else "")
    question = f"Undo the {past} of {plural(count, noun)}{f' ({origin})' if origin else ''}?"
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


# -- a retry of a list's selection ----------------------------------------------------------
def retry_mix_warning(rows: Sequence[MailRow], selected: int) -> str | None:
    """What a retry of these failed mails does not cure, by cause, as the Causes pane's
    retry says it: the setup to fix first, the recipients that refuse for good."""
    if not rows:
        return None
    from console.domain.classify.known import classify_known  # in the worker, not at start

    by_title: Counter[tuple[str, str]] = Counter()
    for row in rows:
        found = classify_known(row.failure_reason, row.failure_type)
        if found.klass in ("configuration", "permanent-recipient"):
            by_title[(found.klass, one_line(found.title) or "unrecognised")] += 1
    if not by_title:
        return None
    setup = [f"{t} x{n}" for (k, t), n in by_title.most_common() if k == "configuration"]
    refused = [f"{t} x{n}" for (k, t), n in by_title.most_common() if k != "configuration"]
    in_setup = sum(n for (k, _t), n in by_title.items() if k == "configuration")
    in_refused = sum(by_title.values()) - in_setup
    everyone = len(rows) == selected and sum(by_title.values()) == len(rows)
    of = f"Of the {len(rows)} shown" if len(rows) < selected else f"Of these {len(rows)}"
    of = "All of them" if everyone else of
    parts = []
    if setup:
        count = "" if everyone and not refused else f"{in_setup} "
        parts.append(f"{count}fail again until the setup is fixed ({', '.join(setup)})")
    if refused:
        count = "" if everyone and not setup else f"{in_refused} "
        parts.append(f"{count}are refused for good by their recipients ({', '.join(refused)})")
    return f"{of}: {' and '.join(parts)}; the Causes pane (3) says what to fix first."


# -- causes: one whole group of failed mails --------------------------------------------
def cause_dialog(
    action: str, group: CauseGroup, ids: tuple[int, ...], example: str, queue: str = ""
) -> Dialog:
    """Retry or ignore every failed mail of one cause; the count is read just before."""
    classification = group.classification
    count = len(ids)
    mails = plural(count)
    word, _tone = cause_class(classification.klass)
    title = one_line(classification.title) or "unrecognised"
    then = f" (the list said {group.count} when it was computed)" if count != group.count else ""
    cause = f"Cause: {title} ({word}), {mails} now{then}."
    typed = count if needs_typed_count(count) else None
    warnings: list[str] = []
    fix = in_keys(one_line(classification.fix))
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
                back_to_outgoing(queue, "u (on a mail list) undoes."),
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
