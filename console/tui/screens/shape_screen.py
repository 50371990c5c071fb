"""`Q`: the shape of the queue, like Postfix's qshape: the outgoing (or failed) mails by
recipient domain, server, document model or cause, against age buckets. `s` switches
outgoing/failed, `v` what the rows are, `enter` lists a row's mails (a domain or a model)
in the Outgoing or Failed pane, filtered to it; `R` reads again."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.domain.shape import BUCKET_LABELS, SHAPE_BY, QueueShape, ShapeRow
from console.tui.panes.pane import ConsoleHost
from console.tui.widgets.formatting import describe_error, one_line
from console.tui.widgets.header import HeaderBar
from console.tui.widgets.key_footer import KeyFooter
from console.tui.widgets.tables import KeyedTable

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend

KEY_WIDTH = 18
CELL = 5
ROWS = 12  # rows before "others": the table fits 80x24 with the header and footer
BY_NAME = {"domain": "domain", "server": "server", "model": "model", "cause": "cause"}
PANE_OF = {"outgoing": "outgoing", "failed": "failed"}


class ShapeRead(Message):
    def __init__(self, shape: QueueShape | None, error: str = "") -> None:
        super().__init__()
        self.shape = shape
        self.error = error


class ShapeTable(KeyedTable):
    SINGLE_GAP = True


class ShapeScreen(Screen[None]):
    DEFAULT_CSS = """
    ShapeScreen #shape-title { height: 1; background: $panel; text-style: bold; }
    ShapeScreen #shape-table { height: 1fr; }
    ShapeScreen #shape-note { height: auto; max-height: 2; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="shape.back", tooltip="Back"),
        Binding("Q", "back", "Back", show=False, id="shape.close", tooltip="Back"),
        Binding("s", "switch_state", "Out/Failed", id="shape.state",
                tooltip="Show the outgoing or the failed mails"),
        Binding("v", "next_by", "Rows by", id="shape.by",
                tooltip="Rows by recipient domain, server, document model or cause"),
        Binding("R", "reload", "Refresh", show=False, id="shape.refresh",
                tooltip="Count again"),
    ]  # fmt: skip

    def __init__(self, by: str = "domain", state: str = "outgoing") -> None:
        super().__init__()
        self.by = by
        self.state = state
        self.shape: QueueShape | None = None

    @property
    def host(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.host.header_state, id="header")
        yield Static(self._title("counting…"), id="shape-title")
        yield ShapeTable(id="shape-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="shape-note")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        table = self.query_one(ShapeTable)
        table.add_column(Text(BY_NAME[self.by]), width=KEY_WIDTH, key="key")
        for label in ("T", *BUCKET_LABELS):
            table.add_column(Text(label, justify="right"), width=CELL, key=label)
        table.focus()
        self.action_reload()

    def _title(self, status: str) -> Text:
        what = (
            "Outgoing, age since due" if self.state == "outgoing" else "Failed, age since failure"
        )
        return Text(f" Queue shape · {what} · by {self.by} · {status}", no_wrap=True,
                    overflow="ellipsis")  # fmt: skip

    # -- reading ------------------------------------------------------------------------
    def action_reload(self) -> None:
        backend = self.host.backend
        self.query_one("#shape-title", Static).update(self._title("counting…"))
        if backend is None:
            self.post_message(ShapeRead(None, "not connected"))
        elif self.host.info is not None and self.host.info.over_api:
            from console.domain.shape import SHAPE_OVER_API

            self.post_message(ShapeRead(None, SHAPE_OVER_API))
        else:
            self.read(backend, self.by, self.state)

    @work(thread=True, exclusive=True, group="shape", exit_on_error=False)
    def read(self, backend: MailQueueBackend, by: str, state: str) -> None:
        try:
            shape = backend.queue_shape(by=by, state=state, limit=ROWS)
        except Exception as exc:
            self.post_message(ShapeRead(None, describe_error(exc)))
            return
        self.post_message(ShapeRead(shape))

    @on(ShapeRead)
    def _on_read(self, message: ShapeRead) -> None:
        table = self.query_one(ShapeTable)
        note = self.query_one("#shape-note", Static)
        if message.shape is None:
            table.clear()
            self.query_one("#shape-title", Static).update(self._title("not shown"))
            note.update(Text(one_line(message.error)))
            return
        shape = message.shape
        if shape.by != self.by or shape.state != self.state:
            return  # switched meanwhile: the newer read is on its way
        self.shape = shape
        table.clear()
        self.query_one("#shape-title", Static).update(self._title(f"{shape.total.total} mails"))
        table.add_row(*_cells(shape.total, bold=True), key="TOTAL")
        for index, row in enumerate(shape.rows):
            table.add_row(*_cells(row), key=f"row-{index}")
        parts = []
        if shape.later:
            parts.append(f"{shape.later} scheduled for later, not counted.")
        if shape.by in ("domain", "model"):
            parts.append("enter: these mails in the list.")
        if shape.by == "domain":
            parts.append("A mail to two domains counts in both.")
        note.update(Text(" ".join(parts)))

    # -- keys ---------------------------------------------------------------------------
    def action_switch_state(self) -> None:
        self.state = "failed" if self.state == "outgoing" else "outgoing"
        self.action_reload()

    def action_next_by(self) -> None:
        self.by = SHAPE_BY[(SHAPE_BY.index(self.by) + 1) % len(SHAPE_BY)]
        table = self.query_one(ShapeTable)
        table.clear(columns=True)
        table.add_column(Text(BY_NAME[self.by]), width=KEY_WIDTH, key="key")
        for label in ("T", *BUCKET_LABELS):
            table.add_column(Text(label, justify="right"), width=CELL, key=label)
        self.action_reload()

    @on(DataTable.RowSelected)
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        shape = self.shape
        key = event.row_key.value or ""
        if shape is None or not key.startswith("row-"):
            return
        row = shape.rows[int(key.removeprefix("row-"))]
        if not row.filter_text:
            self.notify(
                "enter lists the mails of a recipient domain or a document model (v)",
                title="Queue shape",
            )
            return
        from console.tui.panes.mail_table import MailListPane

        pane_id = PANE_OF[shape.state]
        app = self.app
        app.action_show_pane(pane_id)  # type: ignore[attr-defined]
        app.query_one(f"#{pane_id}", MailListPane).set_filter(row.filter_text)

    def action_back(self) -> None:
        self.dismiss()


def _cells(row: ShapeRow, bold: bool = False) -> list[Text]:
    style = "bold" if bold else ""
    name = one_line(row.key)
    if len(name) > KEY_WIDTH:
        name = name[: KEY_WIDTH - 1] + "…"
    cells = [Text(name, style=style)]
    for count in (row.total, *row.counts):
        shown = _short(count)
        cells.append(Text(shown, style=style if count else "dim", justify="right"))
    return cells


def _short(count: int) -> str:
    """A count in CELL-1 characters: 12345 as 12k."""
    if count < 10_000:
        return str(count)
    if count < 1_000_000:
        return f"{count // 1000}k"
    return f"{count // 1_000_000}M"
