"""A full screen of text over the panes: the header, a title line, a scrolling body, the
footer; `esc` comes back. The journal, the servers, the messages and a cron's detail."""

from __future__ import annotations

from typing import ClassVar, cast

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from console.tui.panes.pane import ConsoleHost
from console.tui.widgets.header import HeaderBar
from console.tui.widgets.key_footer import KeyFooter


class BodyScroll(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="text.down"),
        Binding("k", "scroll_up", "Up", show=False, id="text.up"),
        Binding("g", "scroll_home", "Top", show=False, id="text.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="text.bottom"),
    ]


class TextScreen(Screen[None]):
    DEFAULT_CSS = """
    TextScreen .text-title {
        height: 1;
        background: $panel;
        text-style: bold;
    }
    TextScreen .text-scroll {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="screen.back", tooltip="Back"),
    ]
    # the widgets' ids: "<name>-title" and "<name>-body"
    name_prefix: ClassVar[str] = "text"

    @property
    def host(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    def title_text(self) -> str:
        return ""

    def body(self) -> RenderableType:
        return Text("")

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.host.header_state, id="header")
        title = Text(self.title_text(), no_wrap=True, overflow="ellipsis")
        yield Static(title, id=f"{self.name_prefix}-title", classes="text-title")
        with BodyScroll(classes="text-scroll"):
            yield Static(self.body(), id=f"{self.name_prefix}-body")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        self.query_one(BodyScroll).focus()

    def show(self, title: str, body: RenderableType) -> None:
        self.query_one(f"#{self.name_prefix}-title", Static).update(
            Text(title, no_wrap=True, overflow="ellipsis")
        )
        self.query_one(f"#{self.name_prefix}-body", Static).update(body)

    def action_back(self) -> None:
        self.dismiss()
