"""Operator actions in the console: what each key or command asks before its dialog.

Previews (which mails are scheduled for later, what `u` would undo, which mails a cause
holds) are read in workers, before their dialog opens; the confirm and the write are
`ActionWriter`'s (action_writer.py). The App hands this object its messages.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from console.backends.base import MailQuery, MailQueueBackend
from console.domain.actions import confirmation_prompt, needs_typed_count
from console.domain.envelopes import retry_resends_note
from console.domain.models import CampaignRow, CronRow, MailRow
from console.domain.timefmt import short_local, utcnow_naive
from console.services.queue_schedule import next_queue_run
from console.services.sample_guard import SEND_NOW, sample_refusal
from console.tui.controllers.action_request import (
    KEYS,
    LIST_ACTIONS,
    ActionRequest,
    detail_allows,
    mail_example,
)
from console.tui.controllers.action_writer import ActionWriter, OperatorFactory
from console.tui.controllers.cron_dialogs import (
    campaign_dialog,
    campaign_label,
    campaign_refusal,
    interval_dialog,
    trigger_dialog,
    trigger_request,
)
from console.tui.controllers.mail_dialogs import (
    cause_dialog,
    mail_dialog,
    retry_mix_warning,
    send_dialog,
    undo_dialog,
)
from console.tui.messages import (
    CausePreviewed,
    MatchesLoaded,
    RetryPreviewed,
    SendPreviewed,
    UndoPreviewed,
)
from console.tui.panes.campaigns_pane import CampaignsPane
from console.tui.panes.causes_pane import CausesPane
from console.tui.panes.crons_pane import CronsPane
from console.tui.panes.mail_table import MailListPane
from console.tui.screens.cause_mails import CauseMailsScreen
from console.tui.screens.confirm_screen import IntervalScreen
from console.tui.screens.detail_screen import DetailScreen
from console.tui.widgets.formatting import describe_error, one_line

if TYPE_CHECKING:
    from console.domain.causes import CauseGroup

__all__ = ["ActionRunner", "OperatorFactory"]

# Where each action applies, for the palette's "not here" answer.
_WHERE = {
    "retry": "the Failed list, the Causes pane or the detail of a failed or cancelled mail",
    "send": "the Outgoing list or the detail of an outgoing mail",
    "cancel": "the Outgoing list or the detail of an outgoing mail",
    "ignore": "the Failed list, the Causes pane or the detail of a failed mail",
    "undo": "the Outgoing and Failed lists and the Envelopes and Bounces panes",
    "trigger": "the Crons pane (4)",
    "set-interval": "the Crons pane (4)",
    "cancel-campaign": "the Campaigns pane (5)",
}


class ActionRunner(ActionWriter):
    """The requests of the panes, screens and palette; previews read before a dialog."""

    # -- requests from the panes and screens -------------------------------------------
    def request_action(self, request: ActionRequest) -> None:
        backend = self.app.backend
        if self.refused() or backend is None:
            return
        if request.action == "send":  # first read which of them are scheduled for later
            self._run(partial(self._preview_send, backend, request), "send-preview")
            return
        if request.action == "retry":  # first read which of them already reached someone
            shown = self._shown_rows(request)  # their causes, judged in the worker
            self._run(partial(self._preview_retry, backend, request, shown), "retry-preview")
            return
        if request.action == "fix-address":  # its form was the confirmation: typed, then Fix
            self.running = request
            self.write(backend, request)
            return
        self.confirm(mail_dialog(request), request)

    def _shown_rows(self, request: ActionRequest) -> list[MailRow]:
        """The rows of a list's selection that the list has loaded (with their reasons)."""
        panes = [p for p in self.app.query(MailListPane) if p.id == request.origin]
        if not panes:
            return []
        rows = panes[0].rows
        return [rows[i] for i in request.ids if i in rows]

    def _preview_retry(
        self, backend: MailQueueBackend, request: ActionRequest, shown: list[MailRow]
    ) -> None:
        try:
            delivered = backend.already_delivered(request.ids)
            mixed = retry_mix_warning(shown, len(request.ids))
            queue = next_queue_run(backend.crons())
        except Exception as exc:
            self.app.post_message(RetryPreviewed(request, (0, 0), describe_error(exc)))
            return
        self.app.post_message(RetryPreviewed(request, delivered, mixed=mixed, queue=queue))

    def retry_previewed(self, message: RetryPreviewed) -> None:
        if message.error is not None:
            self.app.notify(message.error, title="Retry", severity="error")
            return
        dialog = mail_dialog(message.request, message.queue)
        if message.mixed:
            dialog = replace(dialog, warnings=(*dialog.warnings, message.mixed))
        resends = retry_resends_note(*message.delivered)
        if resends:
            dialog = replace(
                dialog,
                warnings=(*dialog.warnings, resends),
                alternative_label="Resend to failed only",
            )
        if not self.refused():
            self.confirm(dialog, message.request)

    def _preview_send(self, backend: MailQueueBackend, request: ActionRequest) -> None:
        try:
            refusal = sample_refusal(backend, SEND_NOW)
            if refusal is not None:  # the sample's servers exist nowhere: no dialog at all
                self.app.post_message(SendPreviewed(request, [], refusal))
                return
            later = backend.scheduled_later(request.ids)
        except Exception as exc:
            self.app.post_message(SendPreviewed(request, [], describe_error(exc)))
            return
        self.app.post_message(SendPreviewed(request, later))

    def send_previewed(self, message: SendPreviewed) -> None:
        if message.error is not None:  # a long sentence (the sample's refusal): time to read
            self.app.notify(message.error, title="Send now", severity="error", timeout=20)
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
            backend = self.app.backend
            over_api = backend is not None and backend.info.over_api
            dialog = trigger_dialog(cron, utcnow_naive(), over_api=over_api)
            self.confirm(dialog, trigger_request(cron))

    def request_pause(self) -> None:
        """W: pause Odoo's queue, or resume it when the last status read says it is paused
        (the write checks again: a stale status gets a clear refusal, nothing else)."""
        backend = self.app.backend
        if self.refused() or backend is None:
            return
        from console.tui.controllers.pause_dialogs import pause_dialog, resume_dialog

        paused = self.app.status.paused if self.app.status is not None else None
        if paused is not None:
            request = ActionRequest("resume", (), origin="queue")
            self.confirm(resume_dialog(paused, utcnow_naive()), request)
        else:
            self.confirm(pause_dialog(backend.info), ActionRequest("pause", (), origin="queue"))

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
        self.app.push_screen(IntervalScreen(cron, self._interval_floor()), chosen)

    def _interval_floor(self) -> int:
        """Odoo's floor, or mail_post_defer's minute, from the last health run."""
        from console.domain.health.oca import modules_in
        from console.domain.oca_modules import queue_interval_floor
        from console.tui.panes.health_pane import HealthPane

        return queue_interval_floor(modules_in(self.app.query_one(HealthPane).results))

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
            queue = next_queue_run(backend.crons()) if action == "retry" else ""
        except Exception as exc:
            self.app.post_message(CausePreviewed(action, group, [], "", describe_error(exc)))
            return
        self.app.post_message(CausePreviewed(action, group, ids, example, queue=queue))

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
            dialog = cause_dialog(
                message.action, message.group, ids, message.example, message.queue
            )
            self.confirm(dialog, request)

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
