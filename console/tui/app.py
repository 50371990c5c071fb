"""The Textual App: connects after the first paint, lays out the panes, dispatches keys.

The first frame draws the header, the tab row and the Outgoing list; the other panes are
mounted right after it (`pane_set.py`) while the connect worker loads the driver.

The App is built in layers: `app_host.py` holds its state and the panes' requests,
`app_events.py` the connection and the message handlers, `app_bindings.py` its keys; this
module the layout and the keys' actions. The refresh loop lives in `refresher.py`, the
operator actions in `action_runner.py`, the help and the command palette in `commands.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from console.tui.app_bindings import APP_BINDINGS, ELSEWHERE_BINDINGS
from console.tui.app_events import EventApp
from console.tui.pane_set import FIRST_PANE, PANES, first_pane, later_panes
from console.tui.panes.pane import Pane
from console.tui.widgets.formatting import Palette, describe_error
from console.tui.widgets.header import HeaderBar, Tab, TabBar
from console.tui.widgets.key_footer import KeyFooter

# Only what the first frame draws is imported above: the other panes, the screens, the
# actions and the support tools load right after it (pane_set.later_panes), or when used.
if TYPE_CHECKING:
    from console.domain.models import QueueStatus
    from console.tui.screens.help_screen import HelpSection


class MailQueueApp(EventApp):
    """odoo-mailq's operator console."""

    CSS_PATH = "app.tcss"
    TITLE = "odoo-mailq"
    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS, *ELSEWHERE_BINDINGS]

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield HeaderBar(self.header_state, id="header")
        tabs = [Tab(pane_id, key, label, short, tiny) for key, pane_id, label, short, tiny in PANES]
        yield TabBar(tabs, id="tabs")
        with ContentSwitcher(initial=FIRST_PANE, id="panes"):
            yield first_pane()  # the others come right after the first frame
        # The palette is in the help (: and ctrl+p): the footer keeps its room for the keys.
        yield KeyFooter()

    def on_mount(self) -> None:
        self.visible_pane().focus_main()
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

    def show_envelope_count(self, count: int) -> None:
        """The red envelopes in the tab row (counted with the health checks)."""
        self.query_one(TabBar).set_count("envelopes", count, "error" if count else "success")

    def show_status(self, status: QueueStatus) -> None:
        self.status = status
        self.header_state.queue_paused = status.paused
        tabs = self.query_one(TabBar)
        outgoing = status.counts.get("outgoing", 0)
        failed = status.counts.get("exception", 0)
        tabs.set_count("outgoing", outgoing, "warning" if outgoing else "")
        tabs.set_count("failed", failed, "error" if failed else "success")
        from console.tui.panes.mail_table import MailListPane

        for pane in self.query(MailListPane):
            pane.set_total_from_counts(status.counts)

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
            # The new pane's rows; the counts (a scan of every mail) only if they are old.
            self.request_refresh(counts=False)
        self.visible_pane().focus_main()

    async def _show_pane_when_mounted(self, pane_id: str) -> None:
        await self.panes_mounted.wait()
        self.action_show_pane(pane_id)

    def action_back_to_fleet(self) -> None:
        """esc with nothing left to clear on the main screen: back to the fleet's list."""
        if self.from_fleet and len(self.screen_stack) == 1:
            self.went_back = True
            self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back_to_fleet":
            return self.from_fleet
        return True

    def action_refresh_now(self) -> None:
        if self.backend is not None and self.backend.replaced():
            # The SQLite file was swapped: the old connection reads (and fails to write)
            # the file that was there. Open the new one, as at start.
            stale, self.backend = self.backend, None
            stale.close()
            self.notify("The database file was replaced: reconnecting to it.", title="Refresh")
        if self.backend is None:
            if not self.connecting:
                self._begin_connect()
            return
        self.request_refresh(force=True)

    def action_support_bundle(self) -> None:
        self.support.bundle()

    def action_toggle_pause(self) -> None:
        self.refresher.set_paused(not self.refresher.paused)

    def action_queue_pause(self) -> None:
        self.actions.request_pause()

    def action_blacklist(self) -> None:
        from console.tui.screens.blacklist_screen import BlacklistScreen

        if not isinstance(self.screen, BlacklistScreen):
            self.push_screen(BlacklistScreen())

    def action_elsewhere(self, action: str) -> None:
        """An action key no pane or screen here takes: done where it applies, else it
        says where it works."""
        self.actions.palette_action(action)

    def action_messages(self) -> None:
        from console.tui.screens.messages_screen import MessagesScreen

        if not isinstance(self.screen, MessagesScreen):
            history = list(self.shown_messages)
            self.push_screen(MessagesScreen(history))

    def go_to_check(self, check_id: str, title: str) -> None:
        """enter on a health check: the pane (or screen) where its fix is."""
        from console.tui.check_places import CHECK_PLACES, QUEUE_CRON_CHECKS

        place = CHECK_PLACES.get(check_id)
        if place is None:
            self.notify(f"{title}: its fix is in Odoo's settings, said under it.", title=title)
        elif place == "servers":
            self.action_servers()
        else:
            self.action_show_pane(place)
            if check_id in QUEUE_CRON_CHECKS:
                from console.tui.panes.crons_pane import CronsPane

                self.query_one(CronsPane).show_queue_cron()

    def action_servers(self) -> None:
        from console.tui.screens.servers_screen import ServersScreen

        if not isinstance(self.screen, ServersScreen):
            self.push_screen(ServersScreen())

    def action_journal(self) -> None:
        from console.tui.screens.journal_screen import JournalScreen

        if not isinstance(self.screen, JournalScreen):
            self.push_screen(JournalScreen())

    def action_queue_shape(self) -> None:
        from console.tui.screens.shape_screen import ShapeScreen

        if not isinstance(self.screen, ShapeScreen):
            self.push_screen(ShapeScreen())

    def action_throughput(self) -> None:
        from console.tui.screens.history_screen import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

    def action_help(self) -> None:
        from console.tui.screens.help_screen import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[HelpSection]:
        from console.tui.commands import help_sections

        return help_sections(self)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from console.tui.commands import system_commands

        yield from super().get_system_commands(screen)
        yield from system_commands(self)
