"""The Textual App: connects after the first paint, polls without overlap, dispatches keys.

Workers only call the backend and post messages; the handlers here and in the panes own
every state change and every widget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer
from textual.worker import Worker, WorkerState

from console.backends.base import MailQuery, MailQueueBackend
from console.domain.models import CronRow, DatabaseInfo, QueueStatus
from console.errors import ConsoleError
from console.timefmt import utcnow_naive, zone_name
from console.tui.actions import (
    KEYS,
    LIST_ACTIONS,
    READ_ONLY_REFUSAL,
    WRITE_ACTIONS,
    ActionRequest,
    Dialog,
    detail_allows,
    error_severity,
    mail_dialog,
    perform,
    trigger_dialog,
    trigger_request,
    undo_dialog,
)
from console.tui.campaigns_pane import CampaignsPane
from console.tui.confirm_screen import ConfirmScreen
from console.tui.crons_pane import CronsPane
from console.tui.detail_screen import DetailScreen, DetailScroll
from console.tui.formatting import Palette, describe_error
from console.tui.header import HeaderBar, HeaderState, Tab, TabBar
from console.tui.help_screen import HelpScreen, HelpSection
from console.tui.mail_table import MailListPane
from console.tui.messages import (
    ActionFinished,
    Connected,
    ConnectFailed,
    MatchesLoaded,
    RefreshFailed,
    RefreshJob,
    RefreshLoaded,
    UndoPreviewed,
)
from console.tui.pane import Pane
from console.tui.tables import MailTable

if TYPE_CHECKING:  # imported in workers only: the App must not pull SQLAlchemy in
    from console.operations import Operator

OperatorFactory = Callable[[MailQueueBackend], "Operator"]

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
    ) -> None:
        super().__init__()
        self._connect = connect
        self._operator_factory = operator_factory or self._default_operator
        self._journal_path = journal_path
        self._odoo_user = odoo_user
        self._operator_lock = threading.Lock()
        self._operator: tuple[MailQueueBackend, Operator] | None = None
        self.action_running: ActionRequest | None = None  # one write at a time
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
        # The palette is in the help (: and ctrl+p): the footer keeps its room for the keys.
        yield Footer(compact=True, show_command_palette=False)

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
        if self.info.read_only:
            self.notify(
                "Read-only session: retry, send, cancel, ignore, undo and run-cron are off.",
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
            if event.worker.group == "action":  # never leave the console "busy" for good
                self.action_running = None
                self.request_refresh()

    # -- operator actions: confirm on the event loop, write in a worker -----------------
    def can_write(self) -> bool:
        return self.backend is not None and self.info is not None and not self.info.read_only

    def _refused(self) -> bool:
        """True (with a toast saying why) when no write may start now."""
        if self.info is not None and self.info.read_only:
            self.notify(READ_ONLY_REFUSAL, title="READ-ONLY", severity="warning")
            return True
        if self.backend is None:
            self.notify("Not connected yet.", title="Actions", severity="warning")
            return True
        if self.action_running is not None:
            self.notify(
                f"{self.action_running.label} is still running; its result comes as a toast.",
                title="Busy",
                severity="warning",
            )
            return True
        return False

    def request_action(self, request: ActionRequest) -> None:
        if self._refused():
            return
        self._confirm(mail_dialog(request), request)

    def request_trigger(self, cron: CronRow) -> None:
        if self._refused():
            return
        self._confirm(trigger_dialog(cron, utcnow_naive()), trigger_request(cron))

    def request_undo(self, origin: str) -> None:
        if self._refused() or self.backend is None:
            return
        self.preview_undo(self.backend, origin)

    def _confirm(self, dialog: Dialog, request: ActionRequest) -> None:
        def decided(confirmed: bool | None) -> None:
            if confirmed and not self._refused() and self.backend is not None:
                self.action_running = request
                self.write_in_worker(self.backend, request)

        self._open_dialog(dialog, decided)

    def _open_dialog(self, dialog: Dialog, decided: Callable[[bool | None], None]) -> None:
        # Toasts sit above every screen: at 80x24 an old one would hide the dialog's buttons.
        self.clear_notifications()
        self.push_screen(ConfirmScreen(dialog), decided)

    def _default_operator(self, backend: MailQueueBackend) -> Operator:
        """Runs in a worker: the write path (and SQLAlchemy) loads on the first action."""
        from console.backends.sql import SqlBackend
        from console.journal import Journal
        from console.operations import Operator

        if not isinstance(backend, SqlBackend):
            raise ConsoleError("This connection cannot write (not an SQL backend)")
        return Operator(backend, Journal(self._journal_path), self._odoo_user)

    def _operator_for(self, backend: MailQueueBackend) -> Operator:
        with self._operator_lock:
            if self._operator is None or self._operator[0] is not backend:
                self._operator = (backend, self._operator_factory(backend))
            return self._operator[1]

    @work(thread=True, group="action", exit_on_error=False)
    def write_in_worker(self, backend: MailQueueBackend, request: ActionRequest) -> None:
        try:
            text, severity, applied = perform(self._operator_for(backend), request)
        except Exception as exc:
            self.post_message(ActionFinished(request, describe_error(exc), error_severity(exc)))
            return
        self.post_message(ActionFinished(request, text, severity, applied))

    @on(ActionFinished)
    def _on_action_finished(self, message: ActionFinished) -> None:
        request = message.request
        self.action_running = None
        timeout = 8 if message.severity == "information" else 20
        self.notify(
            message.message, title=request.label, severity=message.severity, timeout=timeout
        )
        if message.applied and request.action in ("retry", "send", "cancel", "ignore"):
            for pane in self.mail_panes():
                pane.unselect(message.applied)
        if isinstance(self.screen, DetailScreen):
            self.screen.load_detail()
        self.request_refresh()

    @work(thread=True, exclusive=True, group="undo-preview", exit_on_error=False)
    def preview_undo(self, backend: MailQueueBackend, origin: str) -> None:
        try:
            journal = self._operator_for(backend).journal
            entry = journal.last_undoable(backend.info.display_url)
        except Exception as exc:
            self.post_message(UndoPreviewed(origin, None, describe_error(exc)))
            return
        self.post_message(UndoPreviewed(origin, dict(entry.data) if entry else None))

    @on(UndoPreviewed)
    def _on_undo_previewed(self, message: UndoPreviewed) -> None:
        if message.error is not None:
            self.notify(message.error, title="Undo", severity="error")
            return
        entry = message.entry
        if entry is None:
            self.notify(
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
        if not self._refused():
            self._confirm(dialog, request)

    def select_matching(self, pane_id: str, query: MailQuery, generation: int) -> None:
        if self.backend is not None:
            self.find_matching(self.backend, pane_id, query, generation)

    @work(thread=True, exclusive=True, group="select-matching", exit_on_error=False)
    def find_matching(
        self, backend: MailQueueBackend, pane_id: str, query: MailQuery, generation: int
    ) -> None:
        try:
            ids = self._operator_for(backend).matching_ids(query)
        except Exception as exc:
            self.post_message(MatchesLoaded(pane_id, generation, [], describe_error(exc)))
            return
        self.post_message(MatchesLoaded(pane_id, generation, ids))

    @on(MatchesLoaded)
    def _on_matches_loaded(self, message: MatchesLoaded) -> None:
        pane = self.query_one(f"#{message.pane_id}", MailListPane)
        pane.matches_loaded(message.ids, message.generation, message.error)

    def _palette_action(self, action: str) -> None:
        """A write asked for by name: same checks and dialog as its key."""
        key = KEYS[action]
        if self._refused():
            return
        screen = self.screen
        if isinstance(screen, DetailScreen) and detail_allows(action, screen.detail):
            screen.action_mail_action(action)
            return
        pane = self.visible_pane()
        if isinstance(pane, CronsPane) and action == "trigger":
            pane.action_trigger()
        elif isinstance(pane, MailListPane) and action in LIST_ACTIONS.get(pane.kind, ()):
            if action == "undo":
                pane.action_undo()
            else:
                pane.action_mail_action(action)
        else:
            where = {
                "retry": "the Failed list or the detail of a failed or cancelled mail",
                "send": "the Outgoing list or the detail of an outgoing mail",
                "cancel": "the Outgoing list or the detail of an outgoing mail",
                "ignore": "the Failed list or the detail of a failed mail",
                "undo": "the Outgoing and Failed lists",
                "trigger": "the Crons pane (3)",
            }[action]
            self.notify(f"Not here: key {key} works on {where}.", title="Actions")

    async def action_quit(self) -> None:
        running = self.action_running
        if running is None:
            self.exit()
            return

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self.exit()

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
        self._open_dialog(dialog, decided)

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
        sections: list[HelpSection] = [
            ("Everywhere", [*self.BINDINGS, palette_binding]),
            (
                "Outgoing and Failed lists (r/x: Failed; S/c: Outgoing)",
                [*MailTable.BINDINGS, *movement, *MailListPane.BINDINGS],
            ),
            ("Mail detail", [*DetailScreen.BINDINGS, *DetailScroll.BINDINGS]),
            ("Crons", [*CronsPane.BINDINGS]),
            ("Confirmation dialogs (every write asks first)", [*ConfirmScreen.BINDINGS]),
        ]
        if self.can_write():
            return sections
        # Read-only (or not connected yet): the keys that write are not offered at all.
        sections[1] = ("Outgoing and Failed lists", sections[1][1])
        return [
            (title, kept)
            for title, bindings in sections
            if not title.startswith("Confirmation") and (kept := _without_writes(bindings))
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
        for action, title, help_text in _PALETTE_ACTIONS:
            yield SystemCommand(
                title,
                f"{help_text} ({KEYS[action]}; confirms)",
                lambda action=action: self._palette_action(action),
            )
        yield SystemCommand(
            "Select every mail matching the filter",
            "All pages of the Outgoing or Failed list (*)",
            self._command_select_all,
        )
        yield SystemCommand("Unselect all", "Clear the selection (U)", self._command_unselect)

    def _command_select_all(self) -> None:
        pane = self.visible_pane()
        if isinstance(pane, MailListPane):
            pane.action_select_matching()

    def _command_unselect(self) -> None:
        pane = self.visible_pane()
        if isinstance(pane, MailListPane):
            pane.action_clear_selection()

    def _command_filter(self) -> None:
        pane = self.visible_pane()
        if isinstance(pane, MailListPane):
            pane.action_open_filter()


_PALETTE_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("retry", "Retry", "Failed mails back to Outgoing, for Odoo's queue"),
    ("send", "Send now", "Send outgoing mails through SMTP now; irreversible"),
    ("cancel", "Cancel mails", "Outgoing mails to Cancelled; Odoo will not send them"),
    ("ignore", "Ignore all", "Failed notifications of failed mails to canceled"),
    ("undo", "Undo", "Revert the last retry, cancel or ignore on this database"),
    ("trigger", "Run cron now", "Ask Odoo to run the cron under the cursor now"),
)


def _write_action(action: str) -> bool:
    name = action.split("(", 1)[0].rsplit(".", 1)[-1]
    if name == "mail_action":
        return True
    return name in WRITE_ACTIONS


def _without_writes(bindings: Sequence[BindingType]) -> list[BindingType]:
    return [b for b in Binding.make_bindings(bindings) if not _write_action(b.action)]
