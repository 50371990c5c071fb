"""The Logs pane's table: its columns, and a log record as a row of cells.

Every cell is a Text built from the API's sanitised strings, never markup.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from console.domain.timefmt import to_local
from console.services.support.logs import LogRecord
from console.tui.screens.log_record_screen import LEVEL_TONES
from console.tui.widgets.formatting import Palette, ellipsize, one_line
from console.tui.widgets.tables import ColumnSpec, KeyedTable

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


class Ranked(Text):
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


def log_cells(record: LogRecord, rank: int, tz: tzinfo, palette: Palette) -> list[Text]:
    """A record's row; `rank` (its place in the table) rides on the first cell."""
    local = to_local(record.when, tz)
    first = Ranked(local.strftime("%m-%d %H:%M:%S") if local else "", end="", no_wrap=True)
    first.rank = rank
    level = record.level or ""
    word = LEVEL_WORDS.get(level, level) or ("bin" if record.binary else "?")
    logger = (record.logger or "").removeprefix("odoo.addons.").rsplit(".", 1)[-1]
    message = (MORE_LINES if record.lines else "") + one_line(record.message)
    return [
        first,
        palette.word(word[:5], LEVEL_TONES.get(level, "")),
        Text(ellipsize(one_line(logger), 14), end="", no_wrap=True),
        Text(ellipsize(message, 38), end="", no_wrap=True),
    ]
