"""The Textual App: connects after the first paint, lays out the panes, dispatches keys.

The first frame draws the header, the tab row and the Outgoing list; the other panes are
mounted right after it (`pane_set.py`) while the connect worker loads the driver.

The refresh loop lives in `refresher.py`, the operator actions in `action_runner.py`, the
help and the command palette in `commands.py`; workers only call the backend and post
messages, and the handlers here pass each message to the object that owns that state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer
from textual.worker import Worker, WorkerState

from console.domain.timefmt import zone_name
from console.tui.formatting import Palette, describe_error
from console.tui.header import HeaderBar, HeaderState, Tab, TabBar
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
    SendPreviewed,
    SupportFinished,
    UndoPreviewed,
)
from console.tui.pane import Pane
from console.tui.pane_set import FIRST_PANE, PANES, SUPPORT_PANES, first_pane, later_panes
from console.tui.refresher import Refresher

# Only what the first frame draws is imported above: the other panes, the screens, the
# actions and the support tools load right after it (pane_set.later_panes), or when used.
if TYPE_CHECKING:
    from console.backends.base import MailQuery, MailQueueBackend
    from console.domain.causes import CauseGroup
    from console.domain.models import CampaignRow, CronRow, DatabaseInfo, QueueStatus
    from console.smtp.concurrency import ConcurrencyPolicy
    from console.tui.action_runner import ActionRunner, OperatorFactory
    from console.tui.actions import ActionRequest
    from console.tui.help_screen import HelpSection
    from console.tui.support_actions import SupportActions


class MailQueueApp(App[None]):
    """odoo-mailq's operator console."""

    CSS_PATH = "app.tcss"
    TITLE = "odoo-mailq"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key, f"show_pane('{pane_id}')", f"{label} pane", show=False, id=f"pane.{pane_id}"
            )
            for key, pane_id, label, _short in PANES
        ),
        Binding(
            "R", "refresh_now", "Refresh", id="refresh.now", tooltip="Refresh now (or reconnect)"
        ),
        Binding(
            "p",
            "toggle_pause",
            "Pause",
            show=False,  # the header says "paused"; the footer keeps room for the actions
            id="refresh.pause",
            tooltip="Pause or resume auto refresh",
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
        # Textual adds ctrl+p only when no binding runs the palette: `:` above hid it.
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            id="palette",
            tooltip="Command palette: every action by name",
        ),
        Binding(
            "b",
            "support_bundle",
            "Bundle",
            show=False,
            id="support.bundle",
            tooltip="Support bundle for a ticket (no secrets; reads only)",
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
        operator_factory: OperatorFactory | None = None,
        journal_path: Path | None = None,
        odoo_user: str | None = None,
        daily_limit: int | None = None,
        log_path: Path | None = None,
        send_policy: ConcurrencyPolicy | None = None,
    ) -> None:
        super().__init__()
        self._connect = connect
        self.tz = tz
        self.daily_limit = daily_limit  # for the health checks' daily volume (None: skip)
        self.journal_path = journal_path
        self.log_path = log_path  # --log; None: odoo.conf's logfile, else ~/logs/odoo.log
        self.backend: MailQueueBackend | None = None
        self.info: DatabaseInfo | None = None
        self.status: QueueStatus | None = None
        self.palette = Palette.from_variables(self.get_css_variables())
        paused = refresh_seconds <= 0
        # 0 (or less) means no auto refresh: start paused; `p` then polls every 5 s.
        self.refresher = Refresher(self, refresh_seconds if refresh_seconds > 0 else 5.0, paused)
        self._operator_factory = operator_factory
        self._odoo_user = odoo_user
        self._send_policy = send_policy
        self._actions: ActionRunner | None = None  # built on first use (not for the 1st frame)
        self._support: SupportActions | None = None
        self.header_state = HeaderState(tz_name=zone_name(tz), title_hint=title_hint, paused=paused)
        self.connecting = False
        self.fatal_error: str | None = None  # set when the first connection fails
        # Set once the panes after the first are mounted; what needs them waits for it.
        self.panes_mounted = asyncio.Event()

    # -- what tests and panes read ---------------------------------------------------------
    @property
    def actions(self) -> ActionRunner:
        """The operator actions: confirm, write in a worker, toast the outcome."""
        if self._actions is None:
            from console.tui.action_runner import ActionRunner

            self._actions = ActionRunner(
                self, self._operator_factory, self.journal_path, self._odoo_user, self._send_policy
            )
        return self._actions

    @property
    def support(self) -> SupportActions:
        """e, b, l: .eml export, support bundle, a mail's log lines."""
        if self._support is None:
            from console.tui.support_actions import SupportActions

            self._support = SupportActions(self)
        return self._support

    @property
    def refresh_count(self) -> int:
        return self.refresher.count

    @property
    def paused(self) -> bool:
        return self.refresher.paused

    @property
    def action_running(self) -> ActionRequest | None:
        return self._actions.running if self._actions is not None else None

    @action_running.setter
    def action_running(self, request: ActionRequest | None) -> None:
        self.actions.running = request

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast whose text is never parsed as markup, whatever `markup` says.

        Toasts carry database text (cron and campaign names, subjects, failure reasons)
        and error messages: a cron named `[@click=app.quit]` must read as that, not become
        a link that quits. (Titles are never markup in Textual.)
        """
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield HeaderBar(self.header_state, id="header")
        tabs = [
            Tab(pane_id, key, label, short, optional=pane_id in SUPPORT_PANES)
            for key, pane_id, label, short in PANES
        ]
        yield TabBar(tabs, id="tabs")
        with ContentSwitcher(initial=FIRST_PANE, id="panes"):
            yield first_pane()  # the others come right after the first frame
        # The palette is in the help (: and ctrl+p): the footer keeps its room for the keys.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.visible_pane().focus_main()
        # UI clock only (the "3s ago" age, the retry countdown); polls chain with set_timer.
        self.set_interval(1.0, self.query_one(HeaderBar).refresh)
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        self._begin_connect()  # the driver loads in its thread while the panes are built
        await self.query_one("#panes", ContentSwitcher).mount_all(later_panes())
        self.panes_mounted.set()

    def on_unmount(self) -> None:
        self.refresher.cancel_timer()
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
        return self.query_one(f"#{switcher.current or FIRST_PANE}", Pane)

    def show_status(self, status: QueueStatus) -> None:
        self.status = status
        tabs = self.query_one(TabBar)
        outgoing = status.counts.get("outgoing", 0)
        failed = status.counts.get("exception", 0)
        tabs.set_count("outgoing", outgoing, "warning" if outgoing else "")
        tabs.set_count("failed", failed, "error" if failed else "success")
        from console.tui.mail_table import MailListPane

        for pane in self.query(MailListPane):
            pane.set_total_from_counts(status.counts)

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
        self.connecting = False
        self.backend = message.backend
        self.info = message.backend.info
        self.header_state.info = self.info
        self.query_one(HeaderBar).refresh()
        if not self.info.has_mass_mailing:
            from console.tui.campaigns_pane import CampaignsPane

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
        """True while quitting: a worker's late message then finds no widget to update."""
        return not self.query(HeaderBar)

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

    # -- what panes and screens ask (ConsoleHost and its extensions) ---------------------
    def request_refresh(self, force: bool = False) -> None:
        self.refresher.request(force)

    def can_write(self) -> bool:
        """Connected and not read-only (asked for every footer key: no imports here)."""
        return self.backend is not None and self.info is not None and not self.info.read_only

    def request_action(self, request: ActionRequest) -> None:
        self.actions.request_action(request)

    def request_trigger(self, cron: CronRow) -> None:
        self.actions.request_trigger(cron)

    def request_undo(self, origin: str) -> None:
        self.actions.request_undo(origin)

    def request_cause_action(self, action: str, group: CauseGroup) -> None:
        self.actions.request_cause(action, group)

    def request_cancel_campaign(self, campaign: CampaignRow) -> None:
        self.actions.request_cancel_campaign(campaign)

    def request_interval(self, cron: CronRow) -> None:
        self.actions.request_interval(cron)

    def select_matching(self, pane_id: str, query: MailQuery, generation: int) -> None:
        self.actions.select_matching(pane_id, query, generation)

    def write_in_worker(self, backend: MailQueueBackend, request: ActionRequest) -> Worker[None]:
        return self.actions.write(backend, request)

    def open_detail(self, mail_id: int) -> None:
        from console.tui.detail_screen import DetailScreen

        self.push_screen(DetailScreen(mail_id))

    def open_cause_mails(self, group: CauseGroup) -> None:
        from console.tui.cause_mails import CauseMailsScreen

        self.push_screen(CauseMailsScreen(group))

    # -- keys ----------------------------------------------------------------------------
    async def action_quit(self) -> None:
        self.actions.confirm_quit()

    def action_show_pane(self, pane_id: str) -> None:
        if not self.panes_mounted.is_set():  # a key in the first instant: once they exist
            self.call_later(self._show_pane_when_mounted, pane_id)
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        switcher = self.query_one("#panes", ContentSwitcher)
        if switcher.current != pane_id:
            switcher.current = pane_id
            self.query_one(TabBar).set_active(pane_id)
            self.request_refresh()
        self.visible_pane().focus_main()

    async def _show_pane_when_mounted(self, pane_id: str) -> None:
        await self.panes_mounted.wait()
        self.action_show_pane(pane_id)

    def action_refresh_now(self) -> None:
        if self.backend is None:
            if not self.connecting:
                self._begin_connect()
            return
        self.request_refresh(force=True)

    def action_support_bundle(self) -> None:
        self.support.bundle()

    def action_toggle_pause(self) -> None:
        self.refresher.set_paused(not self.refresher.paused)

    def action_help(self) -> None:
        from console.tui.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[HelpSection]:
        from console.tui.commands import help_sections

        return help_sections(self)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from console.tui.commands import system_commands

        yield from super().get_system_commands(screen)
        yield from system_commands(self)
