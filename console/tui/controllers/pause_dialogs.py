"""The dialogs of W (pause or resume Odoo's queue) and h (hold or release mails)
(docs/odoo-pause.md)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from console.domain.actions import confirmation_prompt, needs_typed_count
from console.domain.pause import hold_not_stopped, not_stopped
from console.tui.controllers.action_request import ActionRequest, Dialog, plural

if TYPE_CHECKING:
    from console.domain.models import DatabaseInfo
    from console.domain.pause import PauseState


def pause_dialog(info: DatabaseInfo) -> Dialog:
    """Pause: what it switches off, and, plainly, what it does NOT stop."""
    lines = not_stopped(info.odoo_version, False, info.has_mass_mailing)
    limit = (
        " and sets mail.mail.force.send.limit to 0 (notifications wait in the queue)"
        if info.odoo_version >= 17
        else ""
    )
    return Dialog(
        "Pause Odoo's queue",
        "Pause Odoo's queue? The console switches the Email Queue Manager off, as Odoo's "
        f"Active toggle does{limit}, and remembers what was there. W again resumes.",
        notes=("Pausing does NOT stop: " + "; ".join(lines) + ".",),
        confirm_label="Pause the queue",
        alternative_label="Pause, campaigns too" if info.has_mass_mailing else None,
        variant="warning",
    )


def resume_dialog(state: PauseState, now: datetime) -> Dialog:
    return Dialog(
        "Resume Odoo's queue",
        f"Resume Odoo's queue? It is {state.describe(now)}.",
        notes=(
            "The crons and the parameter the pause changed go back to what they were, where "
            "nobody changed them since (anything changed in Odoo meanwhile is reported, not "
            "overwritten). Held mails stay held (h releases them).",
        ),
        confirm_label="Resume the queue",
        variant="warning",
    )


def hold_dialog(request: ActionRequest) -> Dialog:
    count = len(request.ids)
    question = confirmation_prompt(request.action, count, request.example)
    typed = count if needs_typed_count(count) else None
    if request.action == "release":
        return Dialog(
            "Release mails",
            question,
            notes=("Each goes back to the schedule it had before the hold. u undoes.",),
            confirm_label=f"Release {plural(count)}",
            typed_count=typed,
            variant="warning",
        )
    return Dialog(
        "Hold mails",
        question,
        notes=(
            "Odoo's queue and the console's Send now leave them alone until released "
            f"(h again). Not stopped: {hold_not_stopped()}. u undoes.",
        ),
        confirm_label=f"Hold {plural(count)}",
        typed_count=typed,
        variant="warning",
    )
