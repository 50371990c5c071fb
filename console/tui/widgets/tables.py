"""Keyed DataTables: vi movement keys, fixed-width columns, and bulk row removal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets._data_table import CellKey, ColumnKey, RowKey


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    label: str
    width: int  # fixed: columns never jump when data changes; text is cut with "…"


# remove_rows rewrites these private attributes of DataTable; pyproject.toml pins the
# Textual range they were checked against (8.2), and this falls back to the public
# remove_row if a release renames them (tests/tui/test_tables.py says when it does).
_HAS_DATATABLE_INTERNALS = all(
    name in DataTable.__init__.__code__.co_names
    for name in ("_row_locations", "_data", "_updated_cells", "_new_rows", "_update_count")
)


def _gapped(value: Text) -> Text:
    """The cell with its one blank cell of gap on the left (a right-justified cell keeps
    its own: its column is one cell wider than its widest value)."""
    if value.justify == "right":
        return value
    gapped = value.copy()
    gapped.pad_left(1)
    return gapped


class KeyedTable(DataTable[Text]):
    """A row-cursor DataTable whose rows are keyed by record id."""

    # DataTable pads every column by one cell on each side: two blank cells between
    # columns. At 80 columns that is a whole column's worth of room, so the mail and
    # record lists use one blank cell, on the left of each column, instead.
    SINGLE_GAP: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.SINGLE_GAP:
            kwargs["cell_padding"] = 0
        super().__init__(*args, **kwargs)

    def add_column(
        self,
        label: str | Text,
        *,
        width: int | None = None,
        key: str | None = None,
        default: Text | None = None,
    ) -> ColumnKey:
        if self.SINGLE_GAP:
            label = _gapped(Text(label) if isinstance(label, str) else label)
            width = None if width is None else width + 1
        return super().add_column(label, width=width, key=key, default=default)

    def add_row(
        self,
        *cells: Text,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        if self.SINGLE_GAP:
            cells = tuple(_gapped(value) for value in cells)
        return super().add_row(*cells, height=height, key=key, label=label)

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: Text,
        *,
        update_width: bool = False,
    ) -> None:
        if self.SINGLE_GAP:
            value = _gapped(value)
        super().update_cell(row_key, column_key, value, update_width=update_width)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="nav.down"),
        Binding("k", "cursor_up", "Up", show=False, id="nav.up"),
        Binding("g,home", "scroll_top", "First row", show=False, id="nav.first"),
        Binding("G,end", "scroll_bottom", "Last row", show=False, id="nav.last"),
    ]

    def remove_rows(self, keys: Iterable[str]) -> None:
        """Remove many rows at once.

        DataTable.remove_row re-indexes every row and re-sorts them for the cursor on
        each call (about 10 ms per row in a 1000-row table), so dropping a 200-row page
        would freeze the UI for seconds. This does the same bookkeeping once. It relies
        on DataTable internals, so it falls back to remove_row if they ever change.
        """
        doomed = {RowKey(key) for key in keys}
        doomed &= set(self.rows)
        if not doomed:
            return
        if len(doomed) < 8 or not _HAS_DATATABLE_INTERNALS:
            for row_key in doomed:
                self.remove_row(row_key)
            return
        survivors = sorted(
            (key for key in self.rows if key not in doomed),
            key=lambda key: self._row_locations.get(key) or 0,
        )
        self._row_locations = TwoWayDict({key: index for index, key in enumerate(survivors)})
        for row_key in doomed:
            for column_key in self._data.get(row_key, {}):
                self._updated_cells.discard(CellKey(row_key, column_key))
            self._new_rows.discard(row_key)
            del self.rows[row_key]
            del self._data[row_key]
        self._require_update_dimensions = True
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate
        self.hover_coordinate = self.hover_coordinate
        self.check_idle()
        self.refresh(layout=True)


class MailTable(KeyedTable):
    """The mail lists' table: enter opens the detail, End reaches the last loaded row."""

    SINGLE_GAP = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Detail", id="mail.detail", tooltip="Detail of the mail"),
        Binding(
            "G,end",
            "scroll_bottom",
            "Last row",
            show=False,
            id="nav.last",
            tooltip="Last loaded row (older pages load as you reach it)",
        ),
    ]


class RecordTable(KeyedTable):
    """The crons' and campaigns' table."""

    SINGLE_GAP = True
