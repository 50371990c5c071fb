"""`?`: every key, generated from the bindings themselves (so it cannot drift)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HelpSection = tuple[str, Sequence[BindingType]]


def help_rows(
    bindings: Iterable[BindingType], key_display: dict[str, str], *, ids: bool = False
) -> list[tuple[str, str]]:
    """(keys, description) per binding id, keys of the same action joined with '/';
    ``ids``: the description ends with the binding id a [keymap] entry names."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in Binding.make_bindings(bindings):
        if not binding.description or binding.system:
            continue
        ident = binding.id or f"{binding.action}:{binding.description}"
        text = binding.tooltip or binding.description
        if ids and binding.id and not binding.id.startswith("nav."):
            text = f"{text} [{binding.id}]"
        keys, _ = rows.setdefault(ident, ([], text))
        shown = key_display.get(binding.key) or binding.key_display or binding.key
        if shown not in keys:
            keys.append(shown)
    return [("/".join(keys), description) for keys, description in rows.values()]


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "space": "space",
    "asterisk": "*",
    "left": "←",
    "right": "→",
    "tab": "tab",
    "shift+tab": "shift+tab",
    "colon": ":",
    "escape": "esc",
    "enter": "enter",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "ctrl+p": "ctrl+p",
}


def render_help(sections: Sequence[HelpSection]) -> Group:
    """Each section a title and two columns, so that a long description wraps under
    itself, not under the keys."""
    parts: list[RenderableType] = []
    for index, (title, bindings) in enumerate(sections):
        if index:
            parts.append(Text(""))
        parts.append(Text(title, style=Style(bold=True, underline=True)))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style=Style(bold=True), width=15)
        grid.add_column(ratio=1)
        for keys, description in help_rows(bindings, _KEY_NAMES):
            grid.add_row(Text(f"  {keys}"), Text(description))
        parts.append(grid)
    return Group(*parts)


def help_text(sections: Sequence[HelpSection]) -> str:
    """The same help as plain text, with the binding ids (``odoo-mailq help keys``)."""
    lines: list[str] = []
    for title, bindings in sections:
        lines.extend(["", title] if lines else [title])
        for keys, description in help_rows(bindings, _KEY_NAMES, ids=True):
            lines.append(f"  {keys:<15} {description}")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close help", id="help.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__(classes="help-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("Keys · esc closes", style=Style(bold=True)), id="help-title")
            yield Static(render_help(self.sections), id="help-body")

    def on_mount(self) -> None:
        self.query_one("#help-box", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss()

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        if direction == "down":
            box.scroll_down()
        else:
            box.scroll_up()
