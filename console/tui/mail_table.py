"""The Outgoing and Failed panes: a keyset-paged, diff-refreshed table of mails."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from console.backends.base import MailQuery
from console.domain.models import MailPage, MailRow
from console.domain.states import failure_type_label
from console.timefmt import short_local
from console.tui.formatting import (
    STATE_TONES,
    cell,
    describe_error,
    document_text,
    failure_headline,
    recipients_text,
    state_word,
)
from console.tui.messages import CountLoaded, LoadFailed, PageLoaded, RefreshJob
from console.tui.pane import Pane

PAGE_SIZE = 200
MAX_ROWS = 1000  # the most rows the widget holds; older or newer pages are dropped
PREFETCH_ROWS = 10  # load the next page this many rows before the cursor hits the end
SELECTED_GLYPH = "✓"


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    label: str
    width: int | None  # None: fit the content


_LEADING: tuple[ColumnSpec, ...] = (
    ColumnSpec("sel", SELECTED_GLYPH, 1),
    ColumnSpec("id", "ID", None),
    ColumnSpec("state", "State", None),
    ColumnSpec("date", "When", None),
)
_TRAILING: tuple[ColumnSpec, ...] = (
    ColumnSpec("from", "From", 28),
    ColumnSpec("document", "Document", 34),
)
COLUMNS: dict[str, tuple[ColumnSpec, ...]] = {
    "outgoing": (
        *_LEADING,
        ColumnSpec("scheduled", "Scheduled", None),
        ColumnSpec("to", "To", 24),
        ColumnSpec("subject", "Subject", 32),
        *_TRAILING,
    ),
    "failed": (
        *_LEADING,
        ColumnSpec("reason", "Reason", 36),
        ColumnSpec("to", "To", 24),
        ColumnSpec("subject", "Subject", 32),
        ColumnSpec("failure", "Failure type", 24),
        ColumnSpec("scheduled", "Scheduled", None),
        *_TRAILING,
    ),
}


@dataclass(frozen=True, slots=True)
class _RefreshContext:
    query: MailQuery
    generation: int


class MailTable(DataTable[Text]):
    """A DataTable with the movement keys operators expect (vi keys, Home/End = first/last)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Detail", id="mail.detail"),
        Binding("j", "cursor_down", "Down", show=False, id="nav.down"),
        Binding("k", "cursor_up", "Up", show=False, id="nav.up"),
        Binding("g,home", "scroll_top", "First row", show=False, id="nav.first"),
        Binding("G,end", "scroll_bottom", "Last loaded row", show=False, id="nav.last"),
    ]


class MailListPane(Pane):
    """Mails in some states, newest first, paged in SQL; the table never holds > MAX_ROWS."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "open_filter", "Filter", id="mail.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="mail.clear_filter"),
        Binding("space", "toggle_selection", "Select", id="mail.select"),
    ]

    def __init__(self, kind: str, states: tuple[str, ...], noun: str, *, id: str) -> None:
        super().__init__(id=id, classes="pane mail-pane")
        self.kind = kind
        self.states = states
        self.noun = noun
        self.title = noun.capitalize()
        self.columns = COLUMNS[kind]
        self.rows: dict[int, MailRow] = {}
        self.ids: list[int] = []  # what the table shows, newest (largest id) first
        self.more_above = False  # newer rows were dropped from the top
        self.more_below = False  # older rows exist beyond the last loaded one
        self.rows_above = 0  # how many rows of the list sit above the window (approximate)
        self.generation = 0  # bumped on every reset: late results of older queries are dropped
        self.filter_text = ""
        self.selected: set[int] = set()
        self.total: int | None = None
        self.loaded = False
        self.loading: set[str] = set()
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield MailTable(id=f"{self.id}-table", cursor_type="row", classes="mail-table")
        yield Input(
            placeholder="filter: address, subject, document, reason or id · enter applies · esc clears",
            id=f"{self.id}-filter",
            classes="filter",
        )
        yield Static(id=f"{self.id}-status", classes="status-line")

    def on_mount(self) -> None:
        for spec in self.columns:
            self.table.add_column(spec.label, width=spec.width, key=spec.key)
        self.query_one(Input).display = False
        self._update_status()

    @property
    def table(self) -> MailTable:
        return self.query_one(MailTable)

    # -- what the table shows ---------------------------------------------------------
    def _cells(self, row: MailRow) -> list[Text]:
        tz = self.host.tz
        palette = self.host.palette
        widths = {spec.key: spec.width for spec in self.columns}
        values: dict[str, Text] = {
            "sel": Text(SELECTED_GLYPH if row.id in self.selected else "", end=""),
            "id": Text(str(row.id), justify="right", end=""),
            "state": palette.word(state_word(row.state), STATE_TONES.get(row.state, "")),
            "date": cell(short_local(row.date, tz)),
            "scheduled": cell(short_local(row.scheduled_date, tz)),
            "from": cell(row.email_from, widths.get("from")),
            "to": cell(recipients_text(row), widths.get("to")),
            "subject": cell(row.subject or "(no subject)", widths.get("subject")),
            "document": cell(
                document_text(row.model, row.res_id, row.record_name), widths.get("document")
            ),
            "reason": cell(failure_headline(row.failure_reason), widths.get("reason")),
            "failure": cell(failure_type_label(row.failure_type), widths.get("failure")),
        }
        return [values[spec.key] for spec in self.columns]

    def cursor_id(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(row_key.value) if row_key.value is not None else None

    def _cursor_index(self) -> int:
        return min(self.table.cursor_row, max(0, len(self.ids) - 1))

    def _apply(
        self,
        upserts: Iterable[MailRow],
        removals: Iterable[int] = (),
        *,
        trim: str = "auto",
        forget_removed: bool = False,
    ) -> None:
        """Change the table by diff, keeping the cursor on the same mail and the view still."""
        table = self.table
        old_ids = self.ids
        cursor_id = self.cursor_id()
        old_index = self._cursor_index()
        screen_offset = old_index - round(table.scroll_y)
        with self.app.batch_update():
            removed = [mail_id for mail_id in removals if mail_id in self.rows]
            for mail_id in removed:
                table.remove_row(str(mail_id))
                del self.rows[mail_id]
                if forget_removed:
                    self.selected.discard(mail_id)
            bottom = min(self.rows) if self.rows else None
            needs_sort = False
            for row in upserts:
                previous = self.rows.get(row.id)
                if previous is None:
                    table.add_row(*self._cells(row), key=str(row.id))
                    needs_sort = needs_sort or (bottom is not None and row.id > bottom)
                    bottom = row.id if bottom is None else min(bottom, row.id)
                elif previous != row:
                    for spec, value in zip(self.columns, self._cells(row), strict=True):
                        table.update_cell(str(row.id), spec.key, value)
                self.rows[row.id] = row
            if needs_sort:
                table.sort("id", key=lambda text: int(text.plain), reverse=True)
            self.ids = sorted(self.rows, reverse=True)
            self._trim(trim, cursor_id)
            self._restore_cursor(cursor_id, old_ids, old_index, screen_offset)
        self._update_status()

    def _trim(self, side: str, cursor_id: int | None) -> None:
        excess = len(self.ids) - MAX_ROWS
        if excess <= 0:
            return
        if side == "auto":
            index = self.ids.index(cursor_id) if cursor_id in self.rows else 0
            side = "top" if index > len(self.ids) // 2 else "bottom"
        dropped = self.ids[:excess] if side == "top" else self.ids[-excess:]
        for mail_id in dropped:
            self.table.remove_row(str(mail_id))
            del self.rows[mail_id]
        if side == "top":
            self.ids = self.ids[excess:]
            self.more_above = True
            self.rows_above += excess
        else:
            self.ids = self.ids[:-excess]
            self.more_below = True

    def _restore_cursor(
        self, cursor_id: int | None, old_ids: list[int], old_index: int, screen_offset: int
    ) -> None:
        if not self.ids:
            return
        target = cursor_id if cursor_id in self.rows else None
        if target is None and old_ids:
            # The mail under the cursor left the list: take the next one that stayed.
            later = (i for i in old_ids[old_index:] if i in self.rows)
            earlier = (i for i in reversed(old_ids[:old_index]) if i in self.rows)
            target = next(later, None) or next(earlier, None)
        index = self.ids.index(target) if target is not None else 0
        table = self.table
        if index != table.cursor_row:
            table.move_cursor(row=index, scroll=False)
        wanted_y = max(0, index - screen_offset)
        if wanted_y != round(table.scroll_y):
            table.call_after_refresh(table.scroll_to, y=wanted_y, animate=False)

    # -- refresh (driven by the App) ------------------------------------------------
    def _base_query(self, **bounds: int | None) -> MailQuery:
        limit = bounds.pop("limit", None) or PAGE_SIZE
        return MailQuery(states=self.states, text=self.filter_text, limit=limit, **bounds)

    def refresh_job(self) -> RefreshJob:
        """Re-read the top of the window down to a page past the cursor (one query)."""
        if not self.ids:
            query = self._base_query()
        else:
            covered = min(len(self.ids), max(self._cursor_index() + 1 + PAGE_SIZE, PAGE_SIZE))
            before = self.ids[0] + 1 if self.more_above else None
            query = self._base_query(before_id=before, limit=covered)
        context = _RefreshContext(query, self.generation)

        def fetch(backend: object) -> MailPage:
            from console.backends.base import MailQueueBackend

            assert isinstance(backend, MailQueueBackend) or hasattr(backend, "mail_page")
            return backend.mail_page(query)  # type: ignore[union-attr]

        return RefreshJob(lambda backend: backend.mail_page(query), context)
