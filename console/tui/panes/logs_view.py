"""What the Logs pane holds and says: its records, the table's rows, the status line.

`LogsPane` (logs_pane.py) adds the keys, the search pages and the follow worker on top.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from rich.text import Text
from textual.widgets import Input, Static

from console.services.support.logs import NO_LINE_ON_CONNECT, LogQuery, LogRecord
from console.tui.panes.pane import Pane
from console.tui.widgets.log_table import MAX_ROWS, LogTable, Ranked, log_cells


class LogsView(Pane):
    """Odoo's log records in a table, newest first; never more than MAX_ROWS of them."""

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
                table.sort("when", key=lambda first: cast(Ranked, first).rank)
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
        return log_cells(record, rank, self.host.tz, self.host.palette)

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
        if self.mail_id is not None and not self.grep:
            hint = f". {NO_LINE_ON_CONNECT}"
        return f"No {what}{search} in {names}{hint}"

    def status_text(self) -> str:
        parts: list[str] = []
        if self.error:
            parts.append(f"⚠ {self.error}")
        count = len(self.records)
        more = "" if self.exhausted else "+"
        parts.append(f"{count}{more} records · {self.scope()}")
        way_back = getattr(self, "way_back", None)
        if way_back is not None:
            parts.append(f"esc: back to {way_back.label}")
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
