"""The App's connection and its message handlers.

The backend is opened in a thread worker after the first frame; workers only call the
backend and post messages, and each handler here passes its message to the object that
owns that state (the refresher, the action runner, the support tools).
"""

from __future__ import annotations

import gc

from textual import on
from textual.worker import Worker, WorkerState

from console.tui.app_host import HostApp
from console.tui.messages import (
    ActionFinished,
    CausePreviewed,
    CausesLoaded,
    Connected,
    ConnectFailed,
    HealthLoaded,
    MatchesLoaded,
    PaneRefreshed,
    RefreshFailed,
    RefreshLoaded,
    RetryPreviewed,
    SendPreviewed,
    SupportFinished,
    UndoPreviewed,
)
from console.tui.panes.pane import Pane
from console.tui.widgets.formatting import describe_error
from console.tui.widgets.header import HeaderBar, TabBar

_FROZEN: list[bool] = []


def freeze_startup_objects() -> None:
    """What exists once connected (the imports, SQLAlchemy's and the schema's objects,
    the panes) lives as long as the process: the collector stops walking it. A full
    collection walked it for a quarter of a second at a time, and every key waited.
    Once per process (a reconnection, or an App after another, freezes nothing more)."""
    if not _FROZEN:
        _FROZEN.append(True)
        gc.freeze()


class EventApp(HostApp):
    """Connecting, and the messages of the workers."""

    # -- connecting --------------------------------------------------------------------
    def _begin_connect(self) -> None:
        self.connecting = True
        self.header_state.connect_error = None
        self.query_one(HeaderBar).refresh()
        self.run_worker(
            self._open_backend,
            name="connect_backend",
            group="connect",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _open_backend(self) -> None:
        try:
            backend = self._connect()
            _ = backend.info  # fail here, not in the first refresh
        except Exception as exc:
            self.post_message(ConnectFailed(describe_error(exc)))
            return
        self.post_message(Connected(backend))

    @on(Connected)
    async def _on_connected(self, message: Connected) -> None:
        await self.panes_mounted.wait()  # a fast connection may come before the panes
        freeze_startup_objects()
        self.connecting = False
        self.backend = message.backend
        self.info = message.backend.info
        self.header_state.info = self.info
        self.query_one(HeaderBar).refresh()
        if not self.info.has_mass_mailing:
            from console.tui.panes.campaigns_pane import CampaignsPane

            self.query_one(CampaignsPane).show_absent()
        if self.info.neutralized:
            self.notify(
                "Odoo disabled outgoing mail servers and crons on purpose in this copy: "
                "mail not leaving is expected here.",
                title="Neutralized database",
                severity="warning",
                timeout=12,
            )
        for note in self.info.notes:
            self.notify(note, title="About this database", severity="warning", timeout=8)
        if self.info.read_only:
            self.notify(
                "Read-only session: retry, send, cancel, ignore, undo, run-cron and the "
                "remedies are off.",
                title="READ-ONLY",
                severity="warning",
                timeout=8,
            )
        self.screen.refresh_bindings()  # the write keys appear once we know we may write
        self.request_refresh()

    @on(ConnectFailed)
    def _on_connect_failed(self, message: ConnectFailed) -> None:
        self.connecting = False
        if self.backend is None:
            # A wrong URL or password at start-up: leave the screen and say it in one line,
            # with a non-zero exit, like every other command of the CLI.
            self.fatal_error = message.error
            self.exit(return_code=2)
            return
        self.header_state.connect_error = message.error
        self.query_one(HeaderBar).refresh()
        for pane in self.query(Pane):
            pane.show_error(f"{message.error} · R retries")
        self.notify(message.error, title="Cannot connect", severity="error", timeout=15)

    # -- messages, each handed to the object that owns its state --------------------------
    def ui_gone(self) -> bool:
        """True while quitting, or while a screen over the main one is shown: a worker's
        late message then finds no pane to update (the tab row is the main screen's)."""
        return not self.query(TabBar)

    @on(PaneRefreshed)
    def _on_pane_refreshed(self, message: PaneRefreshed) -> None:
        if not self.ui_gone():
            self.refresher.pane_loaded(message)

    @on(RefreshLoaded)
    def _on_refresh_loaded(self, message: RefreshLoaded) -> None:
        if not self.ui_gone():
            self.refresher.loaded(message)

    @on(RefreshFailed)
    def _on_refresh_failed(self, message: RefreshFailed) -> None:
        if not self.ui_gone():
            self.refresher.failed(message)

    @on(CausesLoaded)
    def _on_causes_loaded(self, message: CausesLoaded) -> None:
        if not self.ui_gone():
            self.refresher.causes_loaded(message)

    @on(HealthLoaded)
    def _on_health_loaded(self, message: HealthLoaded) -> None:
        if not self.ui_gone():
            self.refresher.health_loaded(message)

    @on(ActionFinished)
    def _on_action_finished(self, message: ActionFinished) -> None:
        if not self.ui_gone():
            self.actions.finished(message)

    @on(UndoPreviewed)
    def _on_undo_previewed(self, message: UndoPreviewed) -> None:
        if not self.ui_gone():
            self.actions.undo_previewed(message)

    @on(CausePreviewed)
    def _on_cause_previewed(self, message: CausePreviewed) -> None:
        if not self.ui_gone():
            self.actions.cause_previewed(message)

    @on(RetryPreviewed)
    def _on_retry_previewed(self, message: RetryPreviewed) -> None:
        if not self.ui_gone():
            self.actions.retry_previewed(message)

    @on(SendPreviewed)
    def _on_send_previewed(self, message: SendPreviewed) -> None:
        if not self.ui_gone():
            self.actions.send_previewed(message)

    @on(MatchesLoaded)
    def _on_matches_loaded(self, message: MatchesLoaded) -> None:
        if not self.ui_gone():
            self.actions.matches_loaded(message)

    @on(SupportFinished)
    def _on_support_finished(self, message: SupportFinished) -> None:
        if not self.ui_gone():
            self.support.finished(message)

    @on(Worker.StateChanged)
    def _on_worker_state(self, event: Worker.StateChanged) -> None:
        """Last line of defence: an unexpected worker error becomes a toast, not a crash."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe_error(event.worker.error), title="Error", severity="error")
            group = event.worker.group
            self.refresher.worker_failed(group)
            self.support.worker_failed(group)
            if group == "cause-preview":
                self.actions.previewing = False
            if group == "action":  # never leave the console "busy" for good
                self.actions.running = None
                self.request_refresh()
