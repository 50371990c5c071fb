"""What the TUI's operator actions ask before writing and say after; no widgets here.

The App builds an `ActionRequest` from the target (the selection, else the row under the
cursor), shows a `Dialog` in a ConfirmScreen, then calls `perform` in a thread worker (it
goes through `console.services.operations.Operator`) and toasts what it returns.

The parts, by job: `action_request` (the request, the dialog's shape, the keys and
limits), `mail_dialogs` (retry, send, cancel, ignore, undo, a cause), `cron_dialogs`
(run now, interval, a campaign's cancel) and `action_perform` (the write and its toast).
This module names them all in one place.
"""

from __future__ import annotations

from console.tui.controllers.action_perform import (
    JOURNAL_CHANGED,
    failure_summary,
    not_applied,
    outcome_severity,
    perform,
    trigger_severity,
)
from console.tui.controllers.action_request import (
    INTERVAL_UNITS,
    JUST_RAN_SECONDS,
    KEYS,
    LIST_ACTIONS,
    MAX_INTERVAL_NUMBER,
    MIN_INTERVAL_MINUTES,
    READ_ONLY_REFUSAL,
    RECOMMENDED_INTERVAL_MINUTES,
    WRITE_ACTIONS,
    ActionRequest,
    Dialog,
    Severity,
    detail_allows,
    mail_example,
)
from console.tui.controllers.cron_dialogs import (
    SENDING_CAMPAIGN_ADVICE,
    campaign_dialog,
    campaign_label,
    campaign_refusal,
    interval_dialog,
    parse_interval,
    trigger_dialog,
    trigger_request,
    trigger_warnings,
)
from console.tui.controllers.mail_dialogs import cause_dialog, mail_dialog, send_dialog, undo_dialog

__all__ = [
    "INTERVAL_UNITS",
    "JOURNAL_CHANGED",
    "JUST_RAN_SECONDS",
    "KEYS",
    "LIST_ACTIONS",
    "MAX_INTERVAL_NUMBER",
    "MIN_INTERVAL_MINUTES",
    "READ_ONLY_REFUSAL",
    "RECOMMENDED_INTERVAL_MINUTES",
    "SENDING_CAMPAIGN_ADVICE",
    "WRITE_ACTIONS",
    "ActionRequest",
    "Dialog",
    "Severity",
    "campaign_dialog",
    "campaign_label",
    "campaign_refusal",
    "cause_dialog",
    "detail_allows",
    "failure_summary",
    "interval_dialog",
    "mail_dialog",
    "mail_example",
    "not_applied",
    "outcome_severity",
    "parse_interval",
    "perform",
    "send_dialog",
    "trigger_dialog",
    "trigger_request",
    "trigger_severity",
    "trigger_warnings",
    "undo_dialog",
]
