"""Causes pane: failed mails grouped by cause, biggest first, with what each means and the fix.

The groups are read by the refresher (console.odoo.causes, in a worker); this pane shows
them by diff, keyed by the cause's signature, and explains the cause under the cursor.
`enter` lists the cause's mails; `r` / `x` retry or ignore the whole group, after a dialog
that shows how many mails it holds right now.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from console.domain.timefmt import short_local
from console.tui.panes.pane import ConsoleHost
from console.tui.panes.record_table import RecordTablePane
from console.tui.widgets.cli_to_keys import in_keys
from console.tui.widgets.formatting import Palette, cause_class, cell, one_line
from console.tui.widgets.tables import ColumnSpec, RecordTable

if TYPE_CHECKING:  # console.odoo.causes imports SQLAlchemy: typing only
    from console.domain.causes import CauseGroup


class CausesHost(ConsoleHost, Protocol):
    """What the Causes pane asks of the App beyond every pane's needs."""

    def request_cause_action(self, action: str, group: CauseGroup) -> None:
        """Count the cause's mails, confirm, then retry or ignore them all."""

    def open_cause_mails(self, group: CauseGroup) -> None:
        """List the mails of this cause."""


class CauseTable(RecordTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "select_cursor", "Mails", id="cause.mails", tooltip="The mails of this cause"
        ),
    ]


class CausesPane(RecordTablePane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "cause_action('retry')",
            "Retry group",
            id="cause.retry",
            tooltip="Retry every failed mail of this cause",
        ),
        Binding(
            "x",
            "cause_action('ignore')",
            "Ignore group",
            id="cause.ignore",
            tooltip="Ignore all: the failed notifications of this cause's mails to canceled",
        ),
    ]

    title = "Causes"
    columns = (
        ColumnSpec("count", "Mails", 5),
        ColumnSpec("class", "Class", 9),
        ColumnSpec("title", "Cause", 24),
        ColumnSpec("last", "Last seen", 12),
        ColumnSpec("server", "Server", 12),
        ColumnSpec("fix", "Fix", 60),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.groups: list[CauseGroup] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        yield CauseTable(id=f"{self.id}-table", cursor_type="row")
        yield Static(id="causes-info")
        yield Static(id=f"{self.id}-status", classes="status-line")

    @property
    def remedies(self) -> CausesHost:
        return cast(CausesHost, self.app)

    # -- data from the refresher -------------------------------------------------------
    def computing(self, busy: bool) -> None:
        self.busy = busy
        self._update_status()

    def show_causes(self, groups: list[CauseGroup]) -> None:
        self.groups = list(groups)
        self.sync([(g.signature, self._cells(g)) for g in self.groups])
        self._show_info()

    def _cells(self, group: CauseGroup) -> list[Text]:
        palette = self.host.palette
        word, tone = cause_class(group.classification.klass)
        return [
            Text(str(group.count), justify="right", end=""),
            palette.word(word, tone),
            cell(group.classification.title or "unrecognised", 24),
            cell(short_local(group.last_seen, self.host.tz), 12),
            cell(group.server_short, 12),
            cell(group.classification.fix, 60),
        ]

    def cursor_group(self) -> CauseGroup | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((g for g in self.groups if g.signature == key), None)

    # -- what the cause under the cursor means -----------------------------------------
    @on(DataTable.RowHighlighted)
    def _on_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_info()

    def _show_info(self) -> None:
        if not self.is_mounted:
            return
        info = self.query_one("#causes-info", Static)
        group = self.cursor_group()
        if group is None:
            info.update(Text("No failed mail: nothing to group." if self.loaded else ""))
            return
        info.update(cause_text(group, self.host.palette, self.host.tz))

    # -- keys ------------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _on_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        group = self.cursor_group()
        if group is not None:
            self.remedies.open_cause_mails(group)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cause_action":
            return self.host.can_write()
        return True

    def action_cause_action(self, action: str) -> None:
        group = self.cursor_group()
        if group is None:
            self.app.notify("No cause under the cursor.", title="Causes", severity="warning")
            return
        self.remedies.request_cause_action(action, group)

    def restyle(self) -> None:
        if self.groups:
            self.show_causes(self.groups)

    def summary(self) -> str:
        if not self.groups:
            parts = ["no failed mail"]
        else:
            total = sum(g.count for g in self.groups)
            parts = [f"{len(self.groups)} causes", f"{total} failed mails"]
            by_class: dict[str, int] = {}
            for group in self.groups:
                word = cause_class(group.classification.klass)[0]
                by_class[word] = by_class.get(word, 0) + group.count
            parts.append(", ".join(f"{n} {w}" for w, n in by_class.items()))
        if self.busy:
            parts.append("reading…")
        return " · ".join(parts)


def cause_text(group: CauseGroup, palette: Palette, tz: tzinfo) -> Table:
    """Its servers, what it means, the fix, then how many failed since when (wrapped,
    with hanging indents)."""
    classification = group.classification
    word, class_tone = cause_class(classification.klass)
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=5, no_wrap=True, style=Style(bold=True))
    grid.add_column(ratio=1)
    # The server first: for a login refused, which server's password to fix
    grid.add_row("Via", Text(one_line(group.via()) or "?"))
    grid.add_row("Means", Text(one_line(classification.explanation) or "?"))
    grid.add_row("Fix", Text(in_keys(one_line(classification.fix)) or "?"))
    seen = Text(end="", style=Style(dim=True))
    seen.append(word, style=palette.style(class_tone))
    first = short_local(group.first_seen, tz)
    last = short_local(group.last_seen, tz)
    failed = first if first == last else f"{first} to {last}"
    mails = f"{group.count} mail{'s' if group.count != 1 else ''}"
    seen.append(f" · {mails} · failed {failed} · key {group.key}")
    grid.add_row("", seen)
    return grid
