"""The confirmation dialogs of the cron writes (run now, set interval) and of a campaign's
cancel, with the checks each makes before its dialog opens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from console.domain.mail_crons import is_email_queue
from console.domain.timefmt import human_age
from console.services.queue_schedule import STALLED_AFTER_SECONDS
from console.tui.controllers.action_request import (
    INTERVAL_UNITS,
    JUST_RAN_SECONDS,
    MAX_INTERVAL_NUMBER,
    MIN_INTERVAL_MINUTES,
    RECOMMENDED_INTERVAL_MINUTES,
    ActionRequest,
    Dialog,
)
from console.tui.widgets.formatting import ellipsize, interval_text, one_line

if TYPE_CHECKING:
    from console.domain.models import CampaignRow, CronRow


def trigger_warnings(cron: CronRow, now: datetime, *, over_api: bool = False) -> tuple[str, ...]:
    """What Odoo's cron runner does with a trigger for this cron right now."""
    warnings: list[str] = []
    late = (now - cron.nextcall).total_seconds() if cron.nextcall is not None else 0.0
    if cron.active and not cron.running and late >= STALLED_AFTER_SECONDS:
        waiting = cron.pending_triggers
        already = (
            f", and {waiting} trigger{'s' if waiting != 1 else ''} already wait" if waiting else ""
        )
        warnings.append(
            f"It is overdue by {human_age(late)}{already}: no Odoo cron worker seems to run "
            "it (max_cron_threads = 0, a stopped worker?). "
            + (
                "This runs it once, inside the request; the workers still need fixing."
                if over_api
                else "This trigger would wait like them: check Odoo's cron workers first."
            )
        )
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


def trigger_dialog(cron: CronRow, now: datetime, *, over_api: bool = False) -> Dialog:
    name = one_line(cron.name) or f"cron {cron.id}"
    notes = [
        "Over Odoo's API this is the cron form's Run Manually: Odoo runs the job inside the "
        "request, and the console waits until it has finished."
        if over_api
        else "This adds a trigger (ir_cron_trigger) that Odoo's cron workers pick up when "
        "they wake up (at once when they can be notified, else within 60 s); it does not "
        "run the cron inside this console.",
    ]
    if cron.running is None:
        notes.append("Whether it is running right now cannot be told from this connection.")
    return Dialog(
        "Run cron now",
        f"Ask Odoo to run '{name}' now?",
        notes=tuple(notes),
        warnings=trigger_warnings(cron, now, over_api=over_api),
        confirm_label="Run it now",
        variant="warning",
    )


def trigger_request(cron: CronRow) -> ActionRequest:
    return ActionRequest("trigger", (cron.id,), origin="crons", cron_name=one_line(cron.name))


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
def parse_interval(
    text: str, unit: str, cron: CronRow, floor: int = MIN_INTERVAL_MINUTES
) -> tuple[int, str] | str:
    """(number, unit) when acceptable, else the error to show in the dialog. ``floor``:
    Odoo's 5 minutes, or 1 with mail_post_defer (console.domain.oca_modules)."""
    raw = text.strip()
    if not raw.isdigit():
        return "Type a whole number of minutes or hours."
    number = int(raw)
    if unit not in INTERVAL_UNITS:
        return "Choose minutes or hours."
    if number <= 0 or number > MAX_INTERVAL_NUMBER:
        return f"Type a number between 1 and {MAX_INTERVAL_NUMBER}."
    if number * INTERVAL_UNITS[unit] < floor:
        return (
            f"{number} {unit} is below Odoo's floor of {floor} minutes "
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
    if is_email_queue(cron) and minutes > 60:
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
