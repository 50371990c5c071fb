"""A small keyed table pane (crons, campaigns): refreshed by diff, cursor kept on its record."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from console.tui.panes.pane import Pane
from console.tui.widgets.tables import ColumnSpec, RecordTable


def _same(before: Text, after: Text) -> bool:
    return (before.plain, str(before.style), before.spans) == (
        after.plain,
        str(after.style),
        after.spans,
    )


class RecordTablePane(Pane):
    """Rows keyed by record id, in the order the backend returns them."""

    columns: tuple[ColumnSpec, ...] = ()

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane record-pane")
        self.cells: dict[str, list[Text]] = {}
        self.order: list[str] = []
        self.loaded = False
        self.error: str | None = None
        self.note = ""

    def compose(self) -> ComposeResult:
        yield RecordTable(id=f"{self.id}-table", cursor_type="row")
        yield Static(id=f"{self.id}-status", classes="status-line")

    def on_mount(self) -> None:
        for spec in self.columns:
            self.table.add_column(spec.label, width=spec.width, key=spec.key)
        self._update_status()

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def sync(self, records: Sequence[tuple[str, list[Text]]]) -> None:
        """Show exactly `records`, in this order, touching only what changed."""
        table = self.table
        cursor_key: str | None = None
        if table.row_count:
            cursor_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        new_order = [key for key, _ in records]
        with self.app.batch_update():
            if new_order != self.order:
                table.clear()
                for key, values in records:
                    table.add_row(*values, key=key)
            else:
                for key, values in records:
                    old = self.cells.get(key)
                    if old is None:
                        continue
                    for spec, before, after in zip(self.columns, old, values, strict=True):
                        if not _same(before, after):
                            table.update_cell(key, spec.key, after)
            self.cells = dict(records)
            self.order = new_order
            if cursor_key in self.cells:
                index = new_order.index(cursor_key)
                if index != table.cursor_row:
                    table.move_cursor(row=index)
        self.loaded = True
        self.error = None
        self._update_status()

    def summary(self) -> str:
        return ""

    def show_error(self, message: str | None) -> None:
        self.error = message
        self._update_status()

    def focus_main(self) -> None:
        self.table.focus()

    def _update_status(self) -> None:
        if not self.is_mounted:
            return
        parts: list[str] = []
        if self.error:
            parts.append(f"⚠ {self.error}")
        if not self.loaded:
            parts.append("loading…" if self.host.backend is not None else "connecting…")
        else:
            parts.append(self.summary())
        status = self.query_one(".status-line", Static)
        status.update(Text(" · ".join(p for p in parts if p), no_wrap=True, overflow="ellipsis"))
        status.set_class(bool(self.error), "-error")
