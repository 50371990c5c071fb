"""The fleet screen: every Odoo database of a server, one row each, before a database is
chosen (README "Fleet").

The list is read in a thread worker (console.backends.connect's discovery and parallel
reads, handed in as `load`), so keys answer while it loads. `enter` ends this App with the
chosen database; the CLI then opens the console on it, and reopens this screen (read
afresh) when the console's `esc` comes back (console.cli.fleet_tui).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from console.domain.fleet import (
    COLUMN_SORTS,
    COLUMNS,
    SORT_COLUMNS,
    FleetReport,
    FleetRow,
    row_cells,
    sorted_rows,
)
from console.domain.sanitize import one_line

if TYPE_CHECKING:
    from console.config.connection import ConnectionSettings
    from console.config.server_target import FleetListing

# Cell widths: Ver, Out, Failed, Red, Oldest, Cron, Health; the Database column takes
# the rest of the width (16 at 80 columns), with room for each cell's padding and the
# scroll bar.
WIDTHS = (5, 6, 6, 5, 6, 10, 7)
MIN_NAME_WIDTH = 12
SPARE = 2 * (len(WIDTHS) + 1) + 2 + 1


def name_width(screen_width: int) -> int:
    return max(MIN_NAME_WIDTH, screen_width - sum(WIDTHS) - SPARE)


def clip_middle(name: str, width: int) -> str:
    """A database name that fits, cut in its middle: prefixes and suffixes (acme_prod,
    acme_staging) are what tell databases apart."""
    if len(name) <= width:
        return name
    head = (width - 1) // 2
    return f"{name[:head]}…{name[len(name) - (width - 1 - head) :]}"


Loader = Callable[[], "tuple[FleetListing, FleetReport]"]


class FleetTable(DataTable[str]):
    """The databases; `enter` (shown in the footer) opens the one under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open", id="fleet.open", tooltip="Open this database")
    ]


@dataclass(frozen=True, slots=True)
class FleetChoice:
    """The database `enter` chose, and the settings that open it."""

    name: str
    settings: ConnectionSettings = field(repr=False)


class FleetLoaded(Message):
    def __init__(self, listing: FleetListing, report: FleetReport) -> None:
        super().__init__()
        self.listing = listing
        self.report = report


class FleetFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class FleetApp(App[FleetChoice]):
    """The list of the server's Odoo databases; `enter` opens one."""

    TITLE = "odoo-mailq fleet"
    CSS = """
    #fleet-title { height: 1; background: $panel; color: $text; padding: 0 1; }
    #fleet-table { height: 1fr; }
    #fleet-status { height: 1; padding: 0 1; color: $text-muted; }
    #fleet-skipped { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "s", "sort", "Sort", id="fleet.sort", tooltip="Sort by the next column (it says which)"
        ),
        Binding("R", "reload", "Refresh", id="fleet.refresh", tooltip="Read every database again"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        load: Loader,
        *,
        sort: str = "health",
        selected: str | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self._load = load
        self.sort_column = sort
        self.selected = selected  # the row the cursor goes back to (the last opened)
        self.notice = notice  # said once the list is shown (why the console came back)
        self.listing: FleetListing | None = None
        self.report: FleetReport | None = None
        self.rows: list[FleetRow] = []
        self.loading = False
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("Fleet · reading the server's database list…", id="fleet-title")
        yield FleetTable(id="fleet-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="fleet-status")
        yield Static("", id="fleet-skipped")
        yield Footer()

    def on_mount(self) -> None:
        self._set_columns()
        self.table.focus()
        self.action_reload()

    @property
    def table(self) -> FleetTable:
        return self.query_one("#fleet-table", FleetTable)

    # -- loading -------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.loading = True
        self.query_one("#fleet-status", Static).update("Reading every database…")
        self._read()

    @work(thread=True, exclusive=True, group="fleet", exit_on_error=False)
    def _read(self) -> None:
        try:
            listing, report = self._load()
        except Exception as exc:  # one line on the screen; R tries again
            self.post_message(FleetFailed(one_line(str(exc) or type(exc).__name__, 300)))
            return
        self.post_message(FleetLoaded(listing, report))

    @on(FleetLoaded)
    def _on_loaded(self, message: FleetLoaded) -> None:
        self.loading = False
        self.error = None
        self.listing, self.report = message.listing, message.report
        self._show()
        if self.notice:
            self.notify(self.notice, title="Back to the fleet", severity="warning", timeout=10)
            self.notice = None

    @on(FleetFailed)
    def _on_failed(self, message: FleetFailed) -> None:
        self.loading = False
        self.error = message.error
        self.query_one("#fleet-title", Static).update("Fleet · the server could not be read")
        self.query_one("#fleet-status", Static).update(f"{message.error} · R retries")

    # -- showing -------------------------------------------------------------------------
    def _set_columns(self) -> None:
        table = self.table
        table.clear(columns=True)
        widths = (name_width(self.size.width), *WIDTHS)
        for label, width in zip(COLUMNS, widths, strict=True):
            sort = COLUMN_SORTS[label]
            shown = f"{label}▼" if sort == self.sort_column else label
            table.add_column(shown, width=width, key=sort)

    def _show(self) -> None:
        report = self.report
        if report is None:
            return
        table = self.table
        keep = self._current_name() or self.selected
        self.rows = sorted_rows(report.rows, self.sort_column)
        self._set_columns()
        width = name_width(self.size.width)
        for row in self.rows:
            name, *cells = row_cells(row)
            table.add_row(clip_middle(name, width), *cells, key=row.name)
        names = [row.name for row in self.rows]
        if keep in names:
            table.move_cursor(row=names.index(keep))
        title = f"Fleet · {report.server} · {len(self.rows)} databases · sort: {self.sort_column}"
        self.query_one("#fleet-title", Static).update(one_line(title))
        skipped = ", ".join(f"{s.name} ({s.reason.replace('_', ' ')})" for s in report.skipped)
        self.query_one("#fleet-skipped", Static).update(
            one_line(f"Skipped: {skipped}" if skipped else "", 200)
        )
        self._show_current()

    def _current_name(self) -> str | None:
        if not self.rows or self.table.row_count == 0:
            return None
        index = self.table.cursor_row
        return self.rows[index].name if 0 <= index < len(self.rows) else None

    def current_row(self) -> FleetRow | None:
        name = self._current_name()
        return next((row for row in self.rows if row.name == name), None)

    def _show_current(self) -> None:
        row = self.current_row()
        if row is None:
            text = "No Odoo database on this server." if self.report else ""
            self.query_one("#fleet-status", Static).update(text)
            return
        self.query_one("#fleet-status", Static).update(one_line(f"{row.name}: {row.reason}", 300))

    @on(DataTable.RowHighlighted)
    def _on_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_current()

    @on(DataTable.RowSelected)
    def _on_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    @on(DataTable.HeaderSelected)
    def _on_header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column in SORT_COLUMNS:
            self.sort_column = column
            self._show()

    def on_resize(self) -> None:
        self._show()  # the Database column takes the new width

    # -- keys ----------------------------------------------------------------------------
    def action_sort(self) -> None:
        index = SORT_COLUMNS.index(self.sort_column)
        self.sort_column = SORT_COLUMNS[(index + 1) % len(SORT_COLUMNS)]
        self._show()
        self.notify(f"Sorted by {self.sort_column}", title="Sort", timeout=2)

    def action_open(self) -> None:
        row = self.current_row()
        if row is None or self.listing is None:
            return
        if row.error:
            self.notify(row.error, title=f"Cannot open {row.name}", severity="error")
            return
        found = next((db for db in self.listing.databases if db.name == row.name), None)
        if found is not None:
            self.exit(FleetChoice(found.name, found.settings))
