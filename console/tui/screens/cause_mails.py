"""The mails of one cause (enter on the Causes pane): the usual detail on enter, esc back.

Its worker asks `ids_for_cause` for the group's ids, then reads those mails' rows from
keyset pages of the Failed list, bounded by the ids' range (at most MAX_ROWS rows).
`r` / `x` act on the whole group, as on the Causes pane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.backends.base import MailQuery, MailQueueBackend
from console.domain.errors import ConsoleError
from console.domain.mail_order import list_key
from console.domain.models import MailRow
from console.domain.timefmt import short_local
from console.tui.messages import CauseMailsLoaded
from console.tui.panes.causes_pane import CausesHost, cause_text
from console.tui.widgets.formatting import cell, describe_error, failure_headline, recipients_text
from console.tui.widgets.header import HeaderBar
from console.tui.widgets.key_footer import KeyFooter
from console.tui.widgets.tables import ColumnSpec, MailTable

if TYPE_CHECKING:
    from console.domain.causes import CauseGroup

MAX_ROWS = 1000
SCAN_PAGE = 500
COLUMNS = (
    ColumnSpec("id", "ID", 7),
    ColumnSpec("failed", "When", 12),  # when it failed
    ColumnSpec("server", "Server", 14),
    ColumnSpec("to", "To", 24),
    ColumnSpec("subject", "Subject", 28),
    ColumnSpec("reason", "Reason", 60),
)


def rows_for_ids(backend: MailQueueBackend, ids: list[int]) -> list[MailRow]:
    """The failed mails among `ids`, newest failure first, read in keyset pages (by id)
    over their range."""
    wanted = set(ids)
    if not wanted:
        return []
    found: dict[int, MailRow] = {}
    lowest = min(wanted)
    before: int | None = max(wanted) + 1
    while len(found) < len(wanted):
        page = backend.mail_page(
            MailQuery(states=("exception",), before_id=before, limit=SCAN_PAGE)
        )
        found.update((row.id, row) for row in page.rows if row.id in wanted)
        if not page.has_more or not page.rows or page.rows[-1].id <= lowest:
            break
        before = page.rows[-1].id
    rows = [found[i] for i in ids if i in found]
    return sorted(rows, key=lambda row: list_key(row, by_failure=True), reverse=True)


class CauseMailsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="cause_mails.back", tooltip="Back to the causes"),
        Binding("R", "reload", "Reload", id="cause_mails.reload", tooltip="Read the group again"),
        Binding(
            "r",
            "cause_action('retry')",
            "Retry group",
            id="cause_mails.retry",
            tooltip="Retry every failed mail of this cause",
        ),
        Binding(
            "x",
            "cause_action('ignore')",
            "Ignore group",
            id="cause_mails.ignore",
            tooltip="Ignore all: the failed notifications of this cause's mails to canceled",
        ),
    ]

    def __init__(self, group: CauseGroup) -> None:
        super().__init__(classes="cause-mails-screen")
        self.group = group
        self.ids: list[int] = []
        self.rows: list[MailRow] = []
        self.loaded = False
        self.error: str | None = None

    def reopened(self) -> CauseMailsScreen:
        return CauseMailsScreen(self.group)

    @property
    def host(self) -> CausesHost:
        return cast(CausesHost, self.app)

    def compose(self) -> ComposeResult:
        title = self.group.classification.title or "unrecognised"
        yield HeaderBar(self.host.header_state, id="header")
        yield Static(Text(f" Cause · {title}", no_wrap=True), id="cause-mails-title")
        yield MailTable(id="cause-mails-table", cursor_type="row")
        yield Static(cause_text(self.group, self.host.palette, self.host.tz), id="causes-info")
        yield Static(id="cause-mails-status", classes="status-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(MailTable)
        for spec in COLUMNS:
            table.add_column(spec.label, width=spec.width, key=spec.key)
        table.focus()
        self._update_status()
        self.load()

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cause_action":
            return self.host.can_write()
        return True

    def action_cause_action(self, action: str) -> None:
        self.host.request_cause_action(action, self.group)

    @work(thread=True, exclusive=True, group="cause-mails", exit_on_error=False)
    def load(self) -> None:
        """In a thread: the group's ids now, then their rows; one message."""
        backend = self.host.backend
        signature = self.group.signature
        try:
            from console.services.causes import ids_for_cause

            if backend is None:
                raise ConsoleError("Not connected")
            ids = ids_for_cause(backend, signature)
            rows = rows_for_ids(backend, ids[:MAX_ROWS])
        except Exception as exc:
            self.post_message(CauseMailsLoaded(signature, [], [], describe_error(exc)))
            return
        self.post_message(CauseMailsLoaded(signature, ids, rows))

    @on(CauseMailsLoaded)
    def _on_loaded(self, message: CauseMailsLoaded) -> None:
        message.stop()
        if message.error is not None:
            self.error = message.error
            self._update_status()
            self.app.notify(message.error, title="Mails of a cause", severity="error")
            return
        self.error = None
        self.loaded = True
        self.ids = message.ids
        self.rows = message.rows
        table = self.query_one(MailTable)
        cursor = self.cursor_id()
        tz = self.host.tz
        with self.app.batch_update():
            table.clear()
            for row in self.rows:
                table.add_row(
                    Text(str(row.id), justify="right", end=""),
                    cell(short_local(row.failed_at or row.date, tz), 12),
                    cell(row.server.label if row.server is not None else "", 14),
                    cell(recipients_text(row), 24),
                    cell(row.subject or "(no subject)", 28),
                    cell(failure_headline(row.failure_reason), 60),
                    key=str(row.id),
                )
            shown = [row.id for row in self.rows]
            if cursor in shown:
                table.move_cursor(row=shown.index(cursor))
        self._update_status()

    def cursor_id(self) -> int | None:
        table = self.query_one(MailTable)
        if table.row_count == 0:
            return None
        value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(value) if value is not None else None

    @on(DataTable.RowSelected)
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.host.open_detail(int(event.row_key.value))

    def _update_status(self) -> None:
        parts: list[str] = []
        if self.error:
            parts.append(f"⚠ {self.error}")
        if not self.loaded:
            parts.append("reading the mails of this cause…")
        elif not self.ids:
            parts.append("no failed mail has this cause any more")
        else:
            count = len(self.ids)
            parts.append(f"{count} failed mail{'s' if count != 1 else ''}")
            if len(self.rows) < count:
                parts.append(f"showing the {len(self.rows)} created last")
            parts.append("newest failure first · enter: detail · esc: back")
        status = self.query_one("#cause-mails-status", Static)
        status.update(Text(" · ".join(parts), no_wrap=True, overflow="ellipsis"))
        status.set_class(bool(self.error), "-error")
