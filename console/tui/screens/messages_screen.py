"""`m`: every message the console showed as a toast this session, newest first, whole.

A toast goes away after a few seconds, and a long one is cut: at 3 a.m. the operator
must be able to read again what the last action said, and what it skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
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

from console.tui.widgets.formatting import Palette
from console.tui.widgets.header import HeaderBar, HeaderState
from console.tui.widgets.key_footer import KeyFooter
from console.tui.widgets.message_log import ShownMessage

SEVERITY_WORDS = {
    "information": ("info", ""),
    "warning": ("warn", "warning"),
    "error": ("error", "error"),
}


class MessagesScroll(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="messages.down"),
        Binding("k", "scroll_up", "Up", show=False, id="messages.up"),
    ]


class MessagesScreen(Screen[None]):
    DEFAULT_CSS = """
    MessagesScreen #messages-title {
        height: 1;
        background: $panel;
        text-style: bold;
    }
    MessagesScreen #messages-scroll {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,m", "back", "Back", id="messages.back", tooltip="Back"),
    ]

    def __init__(
        self, messages: Sequence[ShownMessage], header: HeaderState, tz: tzinfo, palette: Palette
    ) -> None:
        super().__init__(classes="messages-screen")
        self.messages = messages
        self.header = header
        self.tz = tz
        self.palette = palette

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.header, id="header")
        count = len(self.messages)
        title = f" Messages · {count} this session · newest first · esc back"
        yield Static(Text(title, no_wrap=True, overflow="ellipsis"), id="messages-title")
        with MessagesScroll(id="messages-scroll"):
            yield Static(render_messages(self.messages, self.tz, self.palette), id="messages-body")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        self.query_one(MessagesScroll).focus()

    def action_back(self) -> None:
        self.dismiss()


def render_messages(messages: Sequence[ShownMessage], tz: tzinfo, palette: Palette) -> Group | Text:
    if not messages:
        return Text("No message yet this session.")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=8)
    grid.add_column(no_wrap=True, width=5)
    grid.add_column(ratio=1)
    for shown in reversed(messages):
        word, tone = SEVERITY_WORDS.get(shown.severity, (shown.severity, ""))
        line = Text(end="")
        if shown.title:
            line.append(f"{shown.title}: ", style=Style(bold=True))
        line.append(shown.text)  # never markup: database text rides in messages
        grid.add_row(
            Text(shown.at.astimezone(tz).strftime("%H:%M:%S"), style=Style(dim=True)),
            palette.word(word, tone),
            line,
        )
    return Group(grid)
