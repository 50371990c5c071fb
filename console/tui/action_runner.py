"""Operator actions in the console: refuse or confirm on the event loop, write in a worker.

Every write takes the same path: the checks in `refused` (read-only, not connected, another
write running), a ConfirmScreen whose focused button is the harmless one, then one thread
worker that goes through `console.services.operations.Operator` (guard, one transaction, journal)
and posts ActionFinished. Previews (what `u` would undo, which mails a cause holds) are read
in workers too, before their dialog opens. The App hands this object its messages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker

from console.backends.base import MailQuery, MailQueueBackend
from console.domain.actions import confirmation_prompt, needs_typed_count
from console.domain.models import CampaignRow, CronRow
from console.domain.timefmt import short_local, utcnow_naive
from console.tui.actions import (
    KEYS,
    LIST_ACTIONS,
    READ_ONLY_REFUSAL,
    ActionRequest,
    Dialog,
    campaign_dialog,
    campaign_label,
    campaign_refusal,
    cause_dialog,
    detail_allows,
    interval_dialog,
    mail_dialog,
    mail_example,
    not_applied,
    perform,
    send_dialog,
    trigger_dialog,
    trigger_request,
    undo_dialog,
)
from console.tui.campaigns_pane import CampaignsPane
from console.tui.cause_mails import CauseMailsScreen
from console.tui.causes_pane import CausesPane
from console.tui.confirm_screen import ALL, ConfirmScreen, IntervalScreen
from console.tui.crons_pane import CronsPane
from console.tui.detail_screen import DetailScreen
from console.tui.formatting import describe_error, one_line
from console.tui.mail_table import MailListPane
from console.tui.messages import (
    ActionFinished,
    CausePreviewed,
    MatchesLoaded,
    SendPreviewed,
    UndoPreviewed,
)

if TYPE_CHECKING:  # imported in workers only: the App must not pull SQLAlchemy in
    from console.domain.causes import CauseGroup
    from console.services.operations import Operator
    from console.smtp.concurrency import ConcurrencyPolicy
    from console.tui.app import MailQueueApp

OperatorFactory = Callable[[MailQueueBackend], "Operator"]

# Where each action applies, for the palette's "not here" answer.
_WHERE = {
    "retry": "the Failed list, the Causes pane or the detail of a failed or cancelled mail",
    "send": "the Outgoing list or the detail of an outgoing mail",
    "cancel": "the Outgoing list or the detail of an outgoing mail",
    "ignore": "the Failed list, the Causes pane or the detail of a failed mail",
    "undo": "the Outgoing and Failed lists",
    "trigger": "the Crons pane (4)",
    "set-interval": "the Crons pane (4)",
    "cancel-campaign": "the Campaigns pane (5)",
}


class ActionRunner:
    """One write at a time; `running` is the write in flight (None when idle)."""

    def __init__(
        self,
        app: MailQueueApp,
        operator_factory: OperatorFactory | None,
        journal_path: Path | None,
        odoo_user: str | None,
        send_policy: ConcurrencyPolicy | None = None,
    ) -> None:
        self.app = app
        self._operator_factory = operator_factory or self._default_operator
        self._journal_path = journal_path
        self._odoo_user = odoo_user
        self.send_policy = send_policy  # --concurrency / --server-concurrency for Send now
        self._operator_lock = threading.Lock()
        self._operator: tuple[MailQueueBackend, Operator] | None = None
        self.running: ActionRequest | None = None
        self.previewing = False  # a cause's mails are being counted for a dialog

    # -- may we write? -----------------------------------------------------------------
    def can_write(self) -> bool:
        return self.app.can_write()

    def refused(self) -> bool:
        """True (with a toast saying why) when no write may start now."""
        app = self.app
        if app.info is not None and app.info.read_only:
            app.notify(READ_ONLY_REFUSAL, title="READ-ONLY", severity="warning")
            return True
        if app.backend is None:
            app.notify("Not connected yet.", title="Actions", severity="warning")
            return True
        if self.running is not None:
            app.notify(
                f"{self.running.label} is still running; its result comes as a toast.",
                title="Busy",
                severity="warning",
            )
            return True
        return False

    # -- requests from the panes and screens -------------------------------------------
    def request_action(self, request: ActionRequest) -> None:
        backend = self.app.backend
        if self.refused() or backend is None:
            return
        if request.action == "send":  # first read which of them are scheduled for later
            self._run(partial(self._preview_send, backend, request), "send-preview")
            return
        self.confirm(mail_dialog(request), request)

    def _preview_send(self, backend: MailQueueBackend, request: ActionRequest) -> None:
        try:
            later = backend.scheduled_later(request.ids)
        except Exception as exc:
            self.app.post_message(SendPreviewed(request, [], describe_error(exc)))
            return
        self.app.post_message(SendPreviewed(request, later))

    def send_previewed(self, message: SendPreviewed) -> None:
        if message.error is not None:
            self.app.notify(message.error, title="Send now", severity="error")
            return
        request = message.request
        count = len(request.ids)
        question = confirmation_prompt("send", count, request.example)
        typed = count if needs_typed_count(count) else None
        dialog = send_dialog(request, question, typed, message.later, self.app.tz)
        if message.later and len(message.later) >= count:  # all due later: sent only if asked
            request = replace(request, include_scheduled=True)
        if not self.refused():
            self.confirm(dialog, request)

    def request_trigger(self, cron: CronRow) -> None:
        if not self.refused():
            self.confirm(trigger_dialog(cron, utcnow_naive()), trigger_request(cron))

    def request_undo(self, origin: str) -> None:
        backend = self.app.backend
        if not self.refused() and backend is not None:
            self._run(partial(self._preview_undo, backend, origin), "undo-preview")

    def request_cause(self, action: str, group: CauseGroup) -> None:
        """Count the cause's mails now (in a worker), then confirm with that count."""
        backend = self.app.backend
        if self.refused() or backend is None:
            return
        if self.previewing:
            self.app.notify("Still counting the mails of a cause…", title="Causes")
            return
        self.previewing = True
        self._run(partial(self._preview_cause, backend, action, group), "cause-preview")

    def request_cancel_campaign(self, campaign: CampaignRow) -> None:
        if self.refused():
            return
        refusal = campaign_refusal(campaign)
        if refusal is not None:  # no dialog that cannot work: say what Odoo allows instead
            self.app.notify(
                refusal,
                title=f"Cannot cancel '{campaign_label(campaign)}'",
                severity="warning",
                timeout=20,
            )
            return
        request = ActionRequest(
            "cancel-campaign", (campaign.id,), campaign_label(campaign), origin="campaigns"
        )
        self.confirm(campaign_dialog(campaign), request)

    def request_interval(self, cron: CronRow) -> None:
        if self.refused():
            return

        def chosen(value: tuple[int, str] | None) -> None:
            if value is None or self.refused():
                return
            number, unit = value
            nextcall = short_local(cron.nextcall, self.app.tz)
            dialog = interval_dialog(cron, number, unit, f" (next {nextcall})" if nextcall else "")
            request = ActionRequest(
                "set-interval",
                (cron.id,),
                origin="crons",
                cron_name=one_line(cron.name),
                interval=(number, unit),
            )
            self.confirm(dialog, request)

        self.app.clear_notifications()
        self.app.push_screen(IntervalScreen(cron), chosen)

    # -- confirm, then write -----------------------------------------------------------
    def confirm(self, dialog: Dialog, request: ActionRequest) -> None:
        def decided(confirmed: bool | str | None) -> None:
            backend = self.app.backend
            chosen = replace(request, include_scheduled=True) if confirmed == ALL else request
            if not confirmed:
                self.app.notify(f"{dialog.title}: nothing done.", title=dialog.title)
            elif not self.refused() and backend is not None:
                self.running = chosen
                self.write(backend, chosen)

        self.open_dialog(dialog, decided)

    def open_dialog(self, dialog: Dialog, decided: Callable[[bool | str | None], None]) -> None:
        # Toasts sit above every screen: at 80x24 an old one would hide the dialog's buttons.
        self.app.clear_notifications()
        self.app.push_screen(ConfirmScreen(dialog), decided)

    def write(self, backend: MailQueueBackend, request: ActionRequest) -> Worker[None]:
        return self.app.run_worker(
            partial(self._write, backend, request),
            name="write_in_worker",
            group="action",
            thread=True,
            exit_on_error=False,
        )

    def _run(self, work: Callable[[], None], group: str) -> None:
        self.app.run_worker(work, group=group, exclusive=True, thread=True, exit_on_error=False)

    def _default_operator(self, backend: MailQueueBackend) -> Operator:
        """Runs in a worker: the write path (and SQLAlchemy) loads on the first action."""
        from console.services.journal import Journal
        from console.services.operations import Operator

        return Operator(backend, Journal(self._journal_path), self._odoo_user, self.send_policy)

    def operator_for(self, backend: MailQueueBackend) -> Operator:
        with self._operator_lock:
            if self._operator is None or self._operator[0] is not backend:
                self._operator = (backend, self._operator_factory(backend))
            return self._operator[1]

    def _write(self, backend: MailQueueBackend, request: ActionRequest) -> None:
        """In a thread: the Operator writes (one transaction) and journals; one message."""
        try:
            text, severity, applied = perform(self.operator_for(backend), request)
        except Exception as exc:
            error = describe_error(exc)
            consequence = not_applied(request, exc)
            if consequence:
                error = f"{error.rstrip('.')}. {consequence}"
            self.app.post_message(ActionFinished(request, error, "error"))
            return
        self.app.post_message(ActionFinished(request, text, severity, applied))

    def finished(self, message: ActionFinished) -> None:
        app = self.app
        request = message.request
        self.running = None
        timeout = 8 if message.severity == "information" else 20
        app.notify(message.message, title=request.label, severity=message.severity, timeout=timeout)
        if message.applied and request.action in ("retry", "send", "cancel", "ignore"):
            for pane in app.query(MailListPane):
                pane.unselect(message.applied)
        screen = app.screen
        if isinstance(screen, DetailScreen):
            screen.load_detail()
        elif isinstance(screen, CauseMailsScreen):
            screen.load()
        app.request_refresh(force=True)

    # -- previews ----------------------------------------------------------------------
    def _preview_undo(self, backend: MailQueueBackend, origin: str) -> None:
        try:
            journal = self.operator_for(backend).journal
            entry = journal.last_undoable(backend.info.display_url)
        except Exception as exc:
            self.app.post_message(UndoPreviewed(origin, None, describe_error(exc)))
            return
        self.app.post_message(UndoPreviewed(origin, dict(entry.data) if entry else None))

    def undo_previewed(self, message: UndoPreviewed) -> None:
        app = self.app
        if message.error is not None:
            app.notify(message.error, title="Undo", severity="error")
            return
        entry = message.entry
        if entry is None:
            app.notify(
                "Nothing to undo: no retry, cancel or ignore in the journal for this database.",
                title="Undo",
            )
            return
        dialog, _count = undo_dialog(entry)
        raw = entry.get("applied")
        applied = tuple(int(str(i)) for i in raw) if isinstance(raw, list) else ()
        request = ActionRequest(
            "undo", applied, origin=message.origin, journal_entry=str(entry.get("id", ""))
        )
        if not self.refused():
            self.confirm(dialog, request)

    def _preview_cause(self, backend: MailQueueBackend, action: str, group: CauseGroup) -> None:
        try:
            from console.services.causes import ids_for_cause

            ids = ids_for_cause(backend, group.signature)
            example = ""
            if ids:
                detail = backend.mail_detail(ids[0])
                example = mail_example(detail.mail) if detail is not None else f"#{ids[0]}"
        except Exception as exc:
            self.app.post_message(CausePreviewed(action, group, [], "", describe_error(exc)))
            return
        self.app.post_message(CausePreviewed(action, group, ids, example))

    def cause_previewed(self, message: CausePreviewed) -> None:
        self.previewing = False
        app = self.app
        title = "Retry a cause" if message.action == "retry" else "Ignore a cause"
        if message.error is not None:
            app.notify(message.error, title=title, severity="error")
            return
        if not message.ids:
            app.notify("No failed mail has this cause any more.", title=title)
            app.request_refresh(force=True)
            return
        ids = tuple(message.ids)
        request = ActionRequest(
            message.action, ids, message.example, origin="causes", include_cancelled=False
        )
        if not self.refused():
            self.confirm(cause_dialog(message.action, message.group, ids, message.example), request)

    # -- select every mail matching a filter -------------------------------------------
    def select_matching(self, pane_id: str, query: MailQuery, generation: int) -> None:
        backend = self.app.backend
        if backend is not None:
            self._run(
                partial(self._find_matching, backend, pane_id, query, generation),
                "select-matching",
            )

    def _find_matching(
        self, backend: MailQueueBackend, pane_id: str, query: MailQuery, generation: int
    ) -> None:
        try:
            ids = self.operator_for(backend).matching_ids(query)
        except Exception as exc:
            self.app.post_message(MatchesLoaded(pane_id, generation, [], describe_error(exc)))
            return
        self.app.post_message(MatchesLoaded(pane_id, generation, ids))

    def matches_loaded(self, message: MatchesLoaded) -> None:
        pane = self.app.query_one(f"#{message.pane_id}", MailListPane)
        pane.matches_loaded(message.ids, message.generation, message.error)

    # -- by name, from the command palette ---------------------------------------------
    def palette_action(self, action: str) -> None:
        """A write asked for by name: same checks and dialog as its key."""
        if self.refused():
            return
        app = self.app
        screen = app.screen
        if isinstance(screen, DetailScreen) and detail_allows(action, screen.detail):
            screen.action_mail_action(action)
            return
        if isinstance(screen, CauseMailsScreen) and action in ("retry", "ignore"):
            screen.action_cause_action(action)
            return
        pane = app.visible_pane()
        if isinstance(pane, CronsPane) and action == "trigger":
            pane.action_trigger()
        elif isinstance(pane, CronsPane) and action == "set-interval":
            pane.action_set_interval()
        elif isinstance(pane, CampaignsPane) and action == "cancel-campaign":
            pane.action_cancel_campaign()
        elif isinstance(pane, CausesPane) and action in ("retry", "ignore"):
            pane.action_cause_action(action)
        elif isinstance(pane, MailListPane) and action in LIST_ACTIONS.get(pane.kind, ()):
            if action == "undo":
                pane.action_undo()
            else:
                pane.action_mail_action(action)
        else:
            app.notify(f"Not here: key {KEYS[action]} works on {_WHERE[action]}.", title="Actions")

    def confirm_quit(self) -> None:
        running = self.running
        if running is None:
            self.app.exit()
            return

        def decided(confirmed: bool | str | None) -> None:
            if confirmed:
                self.app.exit()

        dialog = Dialog(
            "Quit",
            f"{running.label} is still running. Quit anyway?",
            notes=(
                "It is not interrupted: the program ends once it has finished, and the "
                "journal records its outcome.",
            ),
            confirm_label="Quit",
            variant="warning",
        )
        self.open_dialog(dialog, decided)
