"""The Textual App: connects after the first paint, polls without overlap, dispatches keys.

Workers only call the backend and post messages; the handlers here and in the panes own
every state change and every widget.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import tzinfo
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer
from textual.worker import Worker, WorkerState

from console.backends.base import MailQueueBackend
from console.domain.models import DatabaseInfo, QueueStatus
from console.timefmt import zone_name
from console.tui.campaigns_pane import CampaignsPane
from console.tui.crons_pane import CronsPane
from console.tui.detail_screen import DetailScreen, DetailScroll
from console.tui.formatting import Palette, describe_error
from console.tui.header import HeaderBar, HeaderState, Tab, TabBar
from console.tui.help_screen import HelpScreen, HelpSection
from console.tui.mail_table import MailListPane
from console.tui.messages import (
    Connected,
    ConnectFailed,
    RefreshFailed,
    RefreshJob,
    RefreshLoaded,
)
from console.tui.pane import Pane
from console.tui.tables import MailTable

PANES: tuple[tuple[str, str, str], ...] = (
    ("1", "outgoing", "Outgoing"),
    ("2", "failed", "Failed"),
    ("3", "crons", "Crons"),
    ("4", "campaigns", "Campaigns"),
)


class MailQueueApp(App[None]):
    """odoo-mailq's operator console."""

    CSS_PATH = "app.tcss"
    TITLE = "odoo-mailq"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key, f"show_pane('{pane_id}')", f"{label} pane", show=False, id=f"pane.{pane_id}"
            )
            for key, pane_id, label in PANES
        ),
        Binding(
            "R", "refresh_now", "Refresh", id="refresh.now", tooltip="Refresh now (or reconnect)"
        ),
        Binding(
            "p", "toggle_pause", "Pause", id="refresh.pause", tooltip="Pause or resume auto refresh"
        ),
        Binding("question_mark", "help", "Help", id="help", tooltip="This help"),
        Binding(
            "colon",
            "command_palette",
            "Commands",
            show=False,
            id="palette",
            tooltip="Command palette: every action by name",
        ),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        connect: Callable[[], MailQueueBackend],
        *,
        tz: tzinfo,
        refresh_seconds: float = 5.0,
        title_hint: str = "",
    ) -> None:
        super().__init__()
        self._connect = connect
        self.tz = tz
        # 0 (or less) means no auto refresh: start paused; `p` then polls every 5 s.
        self.refresh_seconds = refresh_seconds if refresh_seconds > 0 else 5.0
        self.backend: MailQueueBackend | None = None
        self.info: DatabaseInfo | None = None
        self.status: QueueStatus | None = None
        self.palette = Palette.from_variables(self.get_css_variables())
        self.paused = refresh_seconds <= 0
        self.header_state = HeaderState(
            tz_name=zone_name(tz), title_hint=title_hint, paused=self.paused
        )
        self.connecting = False
        self.fatal_error: str | None = None  # set when the first connection fails
        self.refresh_count = 0  # completed refreshes
        self._refresh_running = False
        self._refresh_pending = False
        self._refresh_timer: Timer | None = None
        self._last_error: str | None = None

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield HeaderBar(self.header_state, id="header")
        yield TabBar([Tab(pane_id, key, label) for key, pane_id, label in PANES], id="tabs")
        with ContentSwitcher(initial="outgoing", id="panes"):
            yield MailListPane("outgoing", ("outgoing",), "outgoing", id="outgoing")
            yield MailListPane("failed", ("exception",), "failed", id="failed")
            yield CronsPane(id="crons")
            yield CampaignsPane(id="campaigns")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.visible_pane().focus_main()
        # UI clock only (the "3s ago" age); polling is chained with set_timer.
        self.set_interval(1.0, self.query_one(HeaderBar).refresh)
        self.call_after_refresh(self._begin_connect)

    def on_unmount(self) -> None:
        self._cancel_timer()
        backend, self.backend = self.backend, None
        if backend is not None:
            try:
                backend.close()
            except Exception as exc:  # closing must never turn quitting into a traceback
                self.log.warning(f"closing the backend failed: {describe_error(exc)}")

    def watch_theme(self, _theme: str) -> None:
        self.palette = Palette.from_variables(self.get_css_variables())
        if self.is_running:
            for pane in self.query(Pane):
                pane.restyle()
            self.query_one(HeaderBar).refresh()
            self.query_one(TabBar).refresh()

    def visible_pane(self) -> Pane:
        switcher = self.query_one("#panes", ContentSwitcher)
        return self.query_one(f"#{switcher.current or 'outgoing'}", Pane)

    def mail_panes(self) -> list[MailListPane]:
        return list(self.query(MailListPane))

    # -- connecting --------------------------------------------------------------------
    def _begin_connect(self) -> None:
        self.connecting = True
        self.header_state.connect_error = None
        self.query_one(HeaderBar).refresh()
        self.connect_backend()

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False)
    def connect_backend(self) -> None:
        try:
            backend = self._connect()
            _ = backend.info  # fail here, not in the first refresh
        except Exception as exc:
            self.post_message(ConnectFailed(describe_error(exc)))
            return
        self.post_message(Connected(backend))

    @on(Connected)
    def _on_connected(self, message: Connected) -> None:
        self.connecting = False
        self.backend = message.backend
        self.info = message.backend.info
        self.header_state.info = self.info
        self.query_one(HeaderBar).refresh()
        campaigns = self.query_one(CampaignsPane)
        if not self.info.has_mass_mailing:
            campaigns.show_absent()
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

    # -- refreshing: one worker at a time, the next one scheduled when it is done ------
    def request_refresh(self) -> None:
        """Refresh now, or right after the refresh that is running."""
        if self.backend is None:
            return
        if self._refresh_running:
            self._refresh_pending = True
            return
        self._cancel_timer()
        self._start_refresh()

    def _start_refresh(self) -> None:
        if self.backend is None:
            return
        pane = self.visible_pane()
        self._refresh_running = True
        self.run_refresh(self.backend, pane.id or "", pane.refresh_job())

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def run_refresh(self, backend: MailQueueBackend, pane_id: str, job: RefreshJob | None) -> None:
        try:
            status = backend.status()
            payload = job.fetch(backend) if job is not None else None
        except Exception as exc:
            self.post_message(RefreshFailed(describe_error(exc)))
            return
        self.post_message(RefreshLoaded(status, pane_id, job, payload))

    @on(RefreshLoaded)
    def _on_refresh_loaded(self, message: RefreshLoaded) -> None:
        self._refresh_running = False
        try:
            self._show_status(message.status)
            if message.job is not None and message.pane_id:
                pane = self.query_one(f"#{message.pane_id}", Pane)
                pane.apply_refresh(message.job, message.payload)
        except Exception as exc:  # odd data must not kill an on-call console
            self._report_error(f"Could not show the refresh: {describe_error(exc)}")
        else:
            if self._last_error is not None:
                self._last_error = None
                for pane in self.query(Pane):
                    pane.show_error(None)
            self.refresh_count += 1
            self.header_state.last_refresh = time.monotonic()
            self.header_state.refresh_error = False
            self.query_one(HeaderBar).refresh()
        self._after_refresh()

    @on(RefreshFailed)
    def _on_refresh_failed(self, message: RefreshFailed) -> None:
        self._refresh_running = False
        self._report_error(message.error)
        self._after_refresh()

    def _report_error(self, error: str) -> None:
        self.header_state.refresh_error = True
        self.query_one(HeaderBar).refresh()
        self.visible_pane().show_error(error)
        if error != self._last_error:  # one toast per new problem, not one per poll
            self.notify(error, title="Refresh failed", severity="error", timeout=10)
        self._last_error = error

    def _show_status(self, status: QueueStatus) -> None:
        self.status = status
        tabs = self.query_one(TabBar)
        outgoing = status.counts.get("outgoing", 0)
        failed = status.counts.get("exception", 0)
        tabs.set_count("outgoing", outgoing, "warning" if outgoing else "")
        tabs.set_count("failed", failed, "error" if failed else "success")
        for pane in self.mail_panes():
            pane.set_total_from_counts(status.counts)

    def _after_refresh(self) -> None:
        if self._refresh_pending:
            self._refresh_pending = False
            self._start_refresh()
            return
        self._cancel_timer()
        if not self.paused and self.backend is not None:
            self._refresh_timer = self.set_timer(self.refresh_seconds, self._on_refresh_timer)

    def _on_refresh_timer(self) -> None:
        self._refresh_timer = None
        if not self.paused:
            self.request_refresh()

    def _cancel_timer(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None

    @on(Worker.StateChanged)
    def _on_worker_state(self, event: Worker.StateChanged) -> None:
        """Last line of defence: an unexpected worker error becomes a toast, not a crash."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe_error(event.worker.error), title="Error", severity="error")
            if event.worker.group == "refresh":
                self._refresh_running = False
                self._after_refresh()

    # -- actions -----------------------------------------------------------------------
    def action_show_pane(self, pane_id: str) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        switcher = self.query_one("#panes", ContentSwitcher)
        if switcher.current != pane_id:
            switcher.current = pane_id
            self.query_one(TabBar).set_active(pane_id)
            self.request_refresh()
        self.visible_pane().focus_main()

    def action_refresh_now(self) -> None:
        if self.backend is None:
            if not self.connecting:
                self._begin_connect()
            return
        self.request_refresh()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self.header_state.paused = self.paused
        self.query_one(HeaderBar).refresh()
        if self.paused:
            self._cancel_timer()
        else:
            self.request_refresh()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def open_detail(self, mail_id: int) -> None:
        self.push_screen(DetailScreen(mail_id))

    def help_sections(self) -> list[HelpSection]:
        palette_binding = Binding(
            self.COMMAND_PALETTE_BINDING,
            "command_palette",
            "Commands",
            id="palette",
            tooltip="Command palette: every action by name",
        )
        movement = [
            Binding("up", "", "Up", id="nav.up"),
            Binding("down", "", "Down", id="nav.down"),
            Binding("pageup", "", "Page up", id="nav.pageup"),
            Binding("pagedown", "", "Page down", id="nav.pagedown"),
        ]
        return [
            ("Everywhere", [*self.BINDINGS, palette_binding]),
            (
                "Outgoing and Failed lists",
                [*MailTable.BINDINGS, *movement, *MailListPane.BINDINGS],
            ),
            ("Mail detail", [*DetailScreen.BINDINGS, *DetailScroll.BINDINGS]),
        ]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, pane_id, label in PANES:
            yield SystemCommand(
                f"Show {label}",
                f"Switch to the {label} pane (key {key})",
                lambda pane_id=pane_id: self.action_show_pane(pane_id),
            )
        yield SystemCommand(
            "Refresh now", "Reload counts and the pane (R)", self.action_refresh_now
        )
        yield SystemCommand(
            "Pause or resume auto refresh", "Toggle polling (p)", self.action_toggle_pause
        )
        yield SystemCommand("Filter the list", "Filter mails in SQL (/)", self._command_filter)
        yield SystemCommand("Keys", "Every key binding (?)", self.action_help)

    def _command_filter(self) -> None:
        pane = self.visible_pane()
        if isinstance(pane, MailListPane):
            pane.action_open_filter()
