"""Logs pane (7): Odoo's log, newest first, mail-related records by default.

`search_log` is a stream over the log and its rotated copies; a thread worker takes the
next page of it (`log_reader`) (the stream comes back in the message and waits for the next
page), more are read as the cursor nears the end, and the table never holds more than
MAX_ROWS. `f` follows the live file in another worker, stopped by a flag when leaving the
pane, on a new search, or on quitting. A record's continuation lines (tracebacks) stay
out of the table: `▸` marks them, enter shows the whole record. Every cell is a Text
built from the API's sanitised strings, never markup.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import tzinfo
from pathlib import Path
from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, DataTable, Input, Static
from textual.worker import get_current_worker

from console.domain.timefmt import to_local
from console.services.support.logs import LogQuery, LogRecord
from console.tui.formatting import ellipsize, one_line
from console.tui.log_reader import (
    LogFollowed,
    LogPageLoaded,
    LogUnavailable,
    PageRequest,
    follow,
    read_page,
)
from console.tui.log_record_screen import LEVEL_TONES, LogRecordScreen
from console.tui.pane import Pane
from console.tui.tables import ColumnSpec, KeyedTable

MAX_ROWS = 1000
PREFETCH = 20  # read the next page when the cursor is this close to the last row
MORE_LINES = "▸ "
LEVEL_WORDS = {"WARNING": "WARN", "CRITICAL": "CRIT"}
COLUMNS = (
    ColumnSpec("when", "When", 14),
    ColumnSpec("level", "Level", 5),
    ColumnSpec("logger", "Logger", 14),
    ColumnSpec("message", "Message", 38),
)


class _Ranked(Text):
    """The first cell of a row, carrying the row's place (DataTable.sort sees cells only)."""

    rank: int


class LogTable(KeyedTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Record", id="logs.record", tooltip="The whole record"),
        Binding(
            "G,end",
            "scroll_bottom",
            "Last row",
            show=False,
            id="nav.last",
            tooltip="Last loaded row (older records load as you reach it)",
        ),
    ]


class LogsPane(Pane):
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
            tooltip="Clear the search and the mail filter",
        ),
        Binding(
            "a", "toggle_all", "All lines", id="logs.all", tooltip="All lines or mail-related only"
        ),
        Binding("f", "toggle_follow", "Follow", id="logs.follow", tooltip="Follow the live log"),
        Binding("R", "reload", "Reload", id="logs.reload", tooltip="Search the log again"),
    ]

    title = "Logs"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane logs-pane")
        self.grep = ""
        self.everything = False
        self.mail_id: int | None = None
        self.message_id: str | None = None
        self.generation = 0
        self.started = False
        self.records: dict[str, LogRecord] = {}
        self.top_rank = 0  # followed records get smaller ranks: they sort first
        self.bottom_rank = 0
        self.stream: Iterator[LogRecord] | None = None
        self.files: list[Path] = []
        self.loading = False
        self.exhausted = False
        self.dropped_older = False  # following pushed older rows out of the table
        self.unavailable = ""
        self.error: str | None = None
        self.follow_stop: threading.Event | None = None

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

    @property
    def table(self) -> LogTable:
        return self.query_one(LogTable)

    @property
    def following(self) -> bool:
        return self.follow_stop is not None

    def log_query(self) -> LogQuery:
        return LogQuery(
            grep=self.grep,
            everything=self.everything,
            mail_id=self.mail_id,
            message_id=self.message_id,
        )

    # -- what the operator asks ----------------------------------------------------------
    def show_mail(self, mail_id: int, message_id: str | None) -> None:
        """The records of one mail (its id in Odoo's lines, or its Message-Id)."""
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
        if text != self.grep or not self.started:
            self.grep = text
            self.reload()

    def action_toggle_all(self) -> None:
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
            self._note(f"⚠ {message.text}")
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

    # -- the table ---------------------------------------------------------------------
    def _add(self, records: list[LogRecord], *, top: bool) -> None:
        if not records:
            return
        table = self.table
        cursor_key = self._cursor_key()
        at_top = table.cursor_row == 0
        with self.app.batch_update():
            for record in records:
                if top:
                    self.top_rank -= 1
                    rank = self.top_rank
                else:
                    self.bottom_rank += 1
                    rank = self.bottom_rank
                key = str(rank)
                self.records[key] = record
                table.add_row(*self._cells(record, rank), key=key)
            if top:
                table.sort("when", key=lambda first: cast(_Ranked, first).rank)
                self._trim_bottom()
                if not at_top and cursor_key in self.records:
                    table.move_cursor(row=table.get_row_index(cursor_key), scroll=False)
                else:
                    table.move_cursor(row=0)

    def _trim_bottom(self) -> None:
        excess = len(self.records) - MAX_ROWS
        if excess <= 0:
            return
        doomed = sorted(self.records, key=int)[-excess:]
        self.table.remove_rows(doomed)
        for key in doomed:
            del self.records[key]
        self.dropped_older = self.exhausted = True
        self.stream = None

    def _cursor_key(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(value) if value is not None else None

    def cursor_record(self) -> LogRecord | None:
        key = self._cursor_key()
        return self.records.get(key) if key is not None else None

    def _cells(self, record: LogRecord, rank: int) -> list[Text]:
        tz: tzinfo = self.host.tz
        local = to_local(record.when, tz)
        first = _Ranked(local.strftime("%m-%d %H:%M:%S") if local else "", end="", no_wrap=True)
        first.rank = rank
        level = record.level or ""
        word = LEVEL_WORDS.get(level, level) or ("bin" if record.binary else "?")
        logger = (record.logger or "").removeprefix("odoo.addons.").rsplit(".", 1)[-1]
        message = (MORE_LINES if record.lines else "") + one_line(record.message)
        return [
            first,
            self.host.palette.word(word[:5], LEVEL_TONES.get(level, "")),
            Text(ellipsize(one_line(logger), 14), end="", no_wrap=True),
            Text(ellipsize(message, 38), end="", no_wrap=True),
        ]

    # -- what the status line says -------------------------------------------------------
    def scope(self) -> str:
        if self.mail_id is not None:
            return f"mail {self.mail_id}"
        return "all lines" if self.everything else "mail-related"

    def _nothing_found(self) -> str:
        names = ", ".join(f.name for f in self.files[:4]) or "the log"
        what = (
            f"record of mail {self.mail_id}"
            if self.mail_id is not None
            else ("record" if self.everything else "mail-related record")
        )
        search = f" containing “{self.grep}”" if self.grep else ""
        hint = " · a shows all lines" if not self.everything and self.mail_id is None else ""
        return f"No {what}{search} in {names}{hint}"

    def status_text(self) -> str:
        parts: list[str] = []
        if self.error:
            parts.append(f"⚠ {self.error}")
        count = len(self.records)
        more = "" if self.exhausted else "+"
        parts.append(f"{count}{more} records · {self.scope()}")
        if self.grep:
            parts.append(f"search: {self.grep}")
        if self.following:
            parts.append("FOLLOWING (f stops)")
        if self.loading:
            parts.append("searching…")
        elif self.unavailable:
            parts.append("no log")
        elif self.dropped_older:
            parts.append(f"older dropped past {MAX_ROWS}")
        elif count >= MAX_ROWS:
            parts.append(f"first {MAX_ROWS}: narrow with /")
        if self.files:
            rotated = len(self.files) - 1
            parts.append(self.files[0].name + (f" +{rotated} rotated" if rotated else ""))
        parts.append("newest first")
        return " · ".join(parts)

    def _update_status(self) -> None:
        if self.is_mounted:
            status = self.query_one("#logs-status", Static)
            status.update(Text(self.status_text(), no_wrap=True, overflow="ellipsis"))
            status.set_class(bool(self.error or self.unavailable), "-error")

    def _note(self, text: str) -> None:
        note = self.query_one("#logs-note", Static)
        note.update(Text(text))
        note.display = bool(text)

    # -- Pane ----------------------------------------------------------------------------
    def focus_main(self) -> None:
        field = self.query_one("#logs-search", Input)
        (field if self.query_one(".filter-row").display else self.table).focus()

    def show_error(self, message: str | None) -> None:
        """Database errors do not concern the log (the header says DISCONNECTED)."""

    def restyle(self) -> None:
        with self.app.batch_update():
            for key, record in self.records.items():
                level = self._cells(record, int(key))[1]
                self.table.update_cell(key, "level", level)
