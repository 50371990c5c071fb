"""Logs pane (7): Odoo's log, newest first, mail-related records by default.

`search_log` is a stream over the log and its rotated copies; a thread worker takes the
next page of it (`log_reader`) (the stream comes back in the message and waits for the next
page), more are read as the cursor nears the end, and the table never holds more than
MAX_ROWS. `f` follows the live file in another worker, stopped by a flag when leaving the
pane, on a new search, or on quitting. A record's continuation lines (tracebacks) stay
out of the table: `▸` marks them, enter shows the whole record. What the pane holds and
its rows are `LogsView`'s (logs_view.py), the table and its cells `log_table.py`'s.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, DataTable, Input, Static
from textual.worker import get_current_worker

from console.services.support.logs import LogQuery
from console.tui.controllers.log_reader import (
    LogFollowed,
    LogPageLoaded,
    LogUnavailable,
    PageRequest,
    follow,
    read_page,
)
from console.tui.panes.logs_view import LogsView
from console.tui.screens.log_record_screen import LogRecordScreen
from console.tui.widgets.log_table import COLUMNS, MAX_ROWS, PREFETCH, LogTable

if TYPE_CHECKING:
    from console.tui.way_back import WayBack

__all__ = ["LogTable", "LogsPane"]


class LogsPane(LogsView):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash", "open_search", "Search", id="logs.search", tooltip="Search the log (free text)"
        ),
        Binding(
            "escape",
            "clear_search",
            "Clear",
            show=False,
            id="logs.clear",
            tooltip="Clear the search and the mail filter; back to the mail after l",
        ),
        Binding(
            "a", "toggle_all", "All lines", id="logs.all", tooltip="All lines or mail-related only"
        ),
        Binding("f", "toggle_follow", "Follow", id="logs.follow", tooltip="Follow the live log"),
        Binding("R", "reload", "Reload", id="logs.reload", tooltip="Search the log again"),
    ]

    title = "Logs"
    way_back: WayBack | None = None

    def compose(self) -> ComposeResult:
        yield LogTable(id="logs-table", cursor_type="row")
        with Horizontal(classes="filter-row"):
            yield Static("search ", classes="filter-label")
            yield Input(
                placeholder="text in the record · enter searches · esc clears",
                id="logs-search",
                classes="filter",
            )
        yield Static(id="logs-note")
        yield Static(id="logs-status", classes="status-line")

    def on_mount(self) -> None:
        for spec in COLUMNS:
            self.table.add_column(spec.label, width=spec.width, key=spec.key)
        self.query_one(".filter-row").display = False
        self.query_one("#logs-note").display = False
        switcher = self.parent
        if isinstance(switcher, ContentSwitcher):
            self.watch(switcher, "current", self._on_switched, init=False)
        self._update_status()

    def on_unmount(self) -> None:
        self.stop_follow()

    # -- what the operator asks ----------------------------------------------------------
    def show_mail(
        self, mail_id: int, message_id: str | None, way_back: WayBack | None = None
    ) -> None:
        """The records of one mail (its id in Odoo's lines, or its Message-Id); `way_back`
        reopens where `l` was pressed (the mail's detail, over its cause) on esc."""
        self.way_back = way_back
        self.mail_id = mail_id
        self.message_id = message_id.strip() if message_id and message_id.strip() else None
        self.grep = ""
        self.reload()

    def action_open_search(self) -> None:
        field = self.query_one("#logs-search", Input)
        field.value = self.grep
        self.query_one(".filter-row").display = True
        field.focus()

    def action_clear_search(self) -> None:
        way_back, self.way_back = self.way_back, None
        if way_back is not None and self.mail_id is not None:
            self.mail_id = self.message_id = None
            self.grep = ""
            self.reload()
            way_back.go(self.app)
            return
        if not (self.grep or self.mail_id is not None or self.query_one(".filter-row").display):
            self.table.focus()
            self.app.call_later(self.app.run_action, "back_to_fleet")  # nothing to clear: up
            return
        self.query_one("#logs-search", Input).value = ""
        self.query_one(".filter-row").display = False
        self.table.focus()
        if self.grep or self.mail_id is not None:
            self.grep = ""
            self.mail_id = self.message_id = None
            self.reload()

    @on(Input.Submitted, "#logs-search")
    def _on_search(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(".filter-row").display = False
        self.table.focus()
        text = event.value.strip()
        self.way_back = None
        if text != self.grep or not self.started:
            self.grep = text
            self.reload()

    def action_toggle_all(self) -> None:
        self.way_back = None
        self.everything = not self.everything
        self.mail_id = self.message_id = None
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_toggle_follow(self) -> None:
        if self.following:
            self.stop_follow()
            self._update_status()
            return
        if not self.files:
            why = self.unavailable or "The log is still being searched: press f again."
            self.app.notify(why, title="Follow the log", severity="warning", markup=False)
            return
        self.start_follow()

    # -- the search: pages read in a worker ----------------------------------------------
    def reload(self) -> None:
        """Forget the rows and read the first page of the current search again."""
        self.generation += 1
        self.started = True
        self.stream = None
        self.records = {}
        self.top_rank = self.bottom_rank = 0
        self.exhausted = self.dropped_older = self.loading = False
        self.unavailable = ""
        self.error = None
        self.table.clear()
        self._note("")
        if self.following:
            self.start_follow()  # the same file, the new query
        self._load_more()

    def _load_more(self) -> None:
        if self.loading:
            return
        room = MAX_ROWS - len(self.records)
        if self.exhausted or room <= 0:
            self._update_status()
            return
        self.loading = True
        self._update_status()
        log_path = cast("Path | None", getattr(self.app, "log_path", None))
        backend = self.host.backend
        query = self.log_query()
        self._read_page(
            PageRequest(self.generation, self.stream, self.files, log_path, backend, query, room)
        )

    @work(thread=True, exclusive=True, group="logs-page", exit_on_error=False)
    def _read_page(self, request: PageRequest) -> None:
        """In a thread: the next records of the stream (opened here the first time)."""
        generation = request.generation
        read_page(self.post_message, lambda: self.generation == generation, request)

    @on(LogPageLoaded)
    def _on_page(self, message: LogPageLoaded) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self.files = message.files
        self._add(message.records, top=False)
        if message.final:
            self.loading = False
            self.stream = message.stream
            self.exhausted = message.exhausted or len(self.records) >= MAX_ROWS
            if not self.records:
                self._note(self._nothing_found())
        self._update_status()

    @on(LogUnavailable)
    def _on_unavailable(self, message: LogUnavailable) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        self.loading = False
        self.exhausted = True
        if message.missing:
            self.unavailable = message.text
            self.files = []
            self.stop_follow()
            backend = self.host.backend  # over Odoo's API the log is out of reach: a fact
            self._note(f"{'ⓘ' if backend and backend.info.over_api else '⚠'} {message.text}")
        else:
            self.error = message.text
            self.app.notify(
                message.text, title="Reading the log failed", severity="error", markup=False
            )
        self._update_status()

    @on(DataTable.RowHighlighted)
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if self.loading or self.exhausted or not self.records:
            return
        if event.cursor_row >= self.table.row_count - 1 - PREFETCH:
            self._load_more()

    @on(DataTable.RowSelected)
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record = self.records.get(str(event.row_key.value))
        if record is not None:
            self.app.push_screen(LogRecordScreen(record, self.host.tz, self.host.palette))

    # -- follow: a worker polling the live file --------------------------------------------
    def start_follow(self) -> None:
        self.stop_follow()
        stop = threading.Event()
        self.follow_stop = stop
        self._follow(self.generation, self.files[0], self.log_query(), stop)
        self._update_status()

    def stop_follow(self) -> None:
        stop, self.follow_stop = self.follow_stop, None
        if stop is not None:
            stop.set()

    @work(thread=True, exclusive=True, group="logs-follow", exit_on_error=False)
    def _follow(self, generation: int, path: Path, query: LogQuery, stop: threading.Event) -> None:
        """In a thread: new records as Odoo writes them, until `stop` (or quitting)."""
        worker = get_current_worker()
        follow(
            self.post_message,
            lambda: stop.is_set() or worker.is_cancelled,
            generation,
            path,
            query,
            self.host.backend,
        )

    @on(LogFollowed)
    def _on_followed(self, message: LogFollowed) -> None:
        message.stop()
        if message.generation != self.generation or not self.following:
            return
        if message.record is None:
            self.stop_follow()
            self.error = message.error
            self.app.notify(
                message.error or "?", title="Following stopped", severity="error", markup=False
            )
        else:
            self._note("")
            self._add([message.record], top=True)
        self._update_status()

    def _on_switched(self, current: str | None) -> None:
        if current == self.id:
            if not self.started:
                self.reload()
        elif self.following:
            self.stop_follow()  # never poll a file nobody looks at
            self._update_status()
