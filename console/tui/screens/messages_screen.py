"""`m`: every message the console showed as a toast this session, newest first, whole.

A toast goes away after a few seconds, and a long one is cut: at 3 a.m. the operator
must be able to read again what the last action said, and what it skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType

from console.tui.screens.text_screen import TextScreen
from console.tui.widgets.formatting import Palette
from console.tui.widgets.message_log import ShownMessage

SEVERITY_WORDS = {
    "information": ("info", ""),
    "warning": ("warn", "warning"),
    "error": ("error", "error"),
}


class MessagesScreen(TextScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "back", "Back", show=False, id="messages.back", tooltip="Back"),
    ]
    name_prefix = "messages"

    def __init__(self, messages: Sequence[ShownMessage]) -> None:
        super().__init__(classes="messages-screen")
        self.messages = messages

    def title_text(self) -> str:
        return f" Messages · {len(self.messages)} this session · newest first · esc back"

    def body(self) -> RenderableType:
        return render_messages(self.messages, self.host.tz, self.host.palette)


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
