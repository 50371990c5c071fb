"""`J`: the console's journal for this database, newest first: what was done, by whom.

The same lines as `odoo-mailq audit`, read in a worker: who retried, cancelled or ignored
what, when, what it skipped, and which lines were rolled back (not applied).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message

from console.tui.screens.text_screen import TextScreen
from console.tui.widgets.formatting import Palette, describe_error, one_line

if TYPE_CHECKING:
    from console.services.journal import JournalEntry
    from console.tui.app import MailQueueApp

SHOWN = 200


class JournalRead(Message):
    def __init__(self, entries: list[JournalEntry], rolled_back: set[str], error: str = ""):
        super().__init__()
        self.entries = entries
        self.rolled_back = rolled_back
        self.error = error


class JournalScreen(TextScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("J", "back", "Back", show=False, id="journal.back", tooltip="Back"),
    ]
    name_prefix = "journal"

    def title_text(self) -> str:
        return " Journal · reading…"

    def on_mount(self) -> None:
        super().on_mount()
        self.read()

    @work(thread=True, exclusive=True, group="journal", exit_on_error=False)
    def read(self) -> None:
        app = cast("MailQueueApp", self.app)
        backend = app.backend
        if backend is None:
            self.post_message(JournalRead([], set(), "not connected"))
            return
        try:
            journal = app.actions.operator_for(backend).journal
            mine = [e for e in journal.entries() if e.database == backend.info.display_url]
            self.post_message(JournalRead(mine[-SHOWN:], journal.rolled_back_ids(mine)))
        except Exception as exc:
            self.post_message(JournalRead([], set(), describe_error(exc)))

    @on(JournalRead)
    def _on_read(self, message: JournalRead) -> None:
        count = len(message.entries)
        title = f" Journal · this database · {count} entries · newest first · esc back"
        if message.error:
            title = f" Journal · {message.error}"
        body = render_journal(message.entries, message.rolled_back, self.host.tz, self.host.palette)
        self.show(title, body)


def render_journal(
    entries: list[JournalEntry], rolled_back: set[str], tz: tzinfo, palette: Palette
) -> Group | Text:
    if not entries:
        return Text("No action of the console on this database yet.")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=14)
    grid.add_column(ratio=1)
    for entry in reversed(entries):
        data = entry.data
        who = str(data.get("os_user", "?"))
        if data.get("ssh_origin"):
            who += f" from {data['ssh_origin']}"
        line = Text(end="")
        if entry.id in rolled_back:
            loud = palette.style("error") + Style(bold=True)
            line.append("ROLLED BACK, not applied ", style=loud)
        line.append(one_line(str(data.get("result", entry.action))))
        line.append(f" · {who}", style=Style(dim=True))
        grid.add_row(Text(_when(data.get("time"), tz), style=Style(dim=True)), line)
    return Group(grid)


def _when(value: object, tz: tzinfo) -> str:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value or "?")[:14]
    return moment.astimezone(tz).strftime("%m-%d %H:%M:%S")
