"""One record of Odoo's log in full: its fields, then every line (tracebacks included)."""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from console.domain.timefmt import full_local, zone_name
from console.services.support.logs import LogRecord
from console.tui.widgets.formatting import Palette, one_line
from console.tui.widgets.key_footer import KeyFooter

LEVEL_TONES = {"CRITICAL": "error", "ERROR": "error", "WARNING": "warning", "DEBUG": "muted"}


class LogRecordScroll(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="logrecord.down"),
        Binding("k", "scroll_up", "Up", show=False, id="logrecord.up"),
        Binding("g", "scroll_home", "Top", show=False, id="logrecord.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="logrecord.bottom"),
    ]


class LogRecordScreen(Screen[None]):
    """Opened with enter on the Logs pane; esc goes back to the list."""

    DEFAULT_CSS = """
    LogRecordScreen #logrecord-title {
        height: 1;
        background: $panel;
        text-style: bold;
    }
    LogRecordScreen #logrecord-scroll {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="logrecord.back", tooltip="Back to the log"),
    ]

    def __init__(self, record: LogRecord, tz: tzinfo, palette: Palette) -> None:
        super().__init__(classes="log-record-screen")
        self.record = record
        self.tz = tz
        self.palette = palette

    def compose(self) -> ComposeResult:
        record = self.record
        level = record.level or "line"
        title = f" Log record · {level} · {one_line(record.message)}"
        yield Static(Text(title, no_wrap=True, overflow="ellipsis"), id="logrecord-title")
        with LogRecordScroll(id="logrecord-scroll"):
            yield Static(render_record(record, self.tz, self.palette), id="logrecord-body")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        self.query_one(LogRecordScroll).focus()

    def action_back(self) -> None:
        self.dismiss()


def render_record(record: LogRecord, tz: tzinfo, palette: Palette) -> Group:
    """Fields as a grid, then the record as Odoo wrote it (sanitised, never markup)."""
    fields = Table.grid(padding=(0, 2))
    fields.add_column(justify="right", style=Style(bold=True), no_wrap=True, min_width=8)
    fields.add_column(overflow="fold")

    def field(label: str, value: str | Text | None) -> None:
        fields.add_row(Text(label), value if isinstance(value, Text) else Text(value or "—"))

    if record.when is not None:
        field("Time", f"{full_local(record.when, tz)} ({zone_name(tz)})")
    else:
        field("Time", "none: a line Odoo did not start (orphan, or binary data)")
    tone = LEVEL_TONES.get(record.level or "", "")
    field("Level", palette.word(record.level, tone) if record.level else None)
    field("Database", record.database)
    field("Logger", record.logger)
    field("Process", str(record.pid) if record.pid is not None else None)
    field("File", record.source)
    if record.omitted_lines:
        field("Omitted", f"{record.omitted_lines} lines in the middle (the first and last kept)")
    body = Text(end="")
    body.append("\nAs written (times in UTC)\n", style=Style(bold=True, underline=True))
    body.append(record.text() + "\n")
    return Group(fields, body)
