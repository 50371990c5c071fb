"""The dialog that asks where to write (a .eml file, a support bundle folder).

It only asks: nothing is read or written on the event loop. The path is checked, and
written, by a worker afterwards (an existing file is then confirmed separately).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.tui.widgets.key_footer import KeyFooter
from console.tui.widgets.tick_box import TickBox


@dataclass(frozen=True, slots=True)
class SaveRequest:
    """What SaveScreen asks."""

    title: str
    question: str
    default: str
    confirm_label: str = "Write"
    checkbox: str | None = None  # a checkbox's label (None: no checkbox)
    notes: tuple[str, ...] = ()
    empty_error: str = "give a path"  # what an empty field is told


@dataclass(frozen=True, slots=True)
class SaveChoice:
    path: str
    checked: bool = False


class SaveScreen(ModalScreen[SaveChoice | None]):
    """A path (pre-filled with the default) and maybe a checkbox; enter writes, esc closes."""

    DEFAULT_CSS = """
    SaveScreen {
        align: center middle;
    }
    SaveScreen #save-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    SaveScreen #save-title {
        text-style: bold;
        color: $primary;
    }
    SaveScreen #save-buttons {
        height: 1;
        margin: 1 0 0 0;
        align-horizontal: right;
    }
    SaveScreen #save-buttons Button {
        margin: 0 0 0 2;
    }
    SaveScreen .save-note {
        color: $foreground-muted;
        margin: 1 0 0 0;
    }
    SaveScreen #save-path {
        width: 1fr;
        background: $boost;
        margin: 1 0 0 0;
    }
    SaveScreen #save-check {
        margin: 1 0 0 0;
    }
    SaveScreen #save-error {
        height: auto;
        color: $error;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Go back", id="save.back", tooltip="Close, write nothing"),
        Binding(
            "tab",
            "app.focus_next",
            "Next field",
            id="save.next",
            tooltip="Next field or button (enter in the path writes)",
        ),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, id="save.previous"),
    ]

    def __init__(self, request: SaveRequest) -> None:
        super().__init__(classes="save-screen")
        self.request = request

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(id="save-box"):
            yield Static(Text(request.title, style=Style(bold=True)), id="save-title")
            yield Static(Text(request.question), id="save-question")
            yield Input(request.default, compact=True, id="save-path")
            if request.checkbox is not None:
                yield TickBox(request.checkbox, compact=True, id="save-check")
            for note in request.notes:
                yield Static(Text(note), classes="save-note")
            yield Static(id="save-error")
            with Horizontal(id="save-buttons"):
                yield Button("Go back (esc)", id="save-back", variant="default", compact=True)
                yield Button(request.confirm_label, id="save-go", variant="primary", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def choice(self) -> SaveChoice | None:
        path = self.query_one("#save-path", Input).value.strip()
        if not path:
            return None
        checks = self.query(TickBox)
        return SaveChoice(path, bool(checks and checks.first().value))

    def submit(self) -> None:
        choice = self.choice()
        if choice is None:
            self.app.bell()
            self.query_one("#save-error", Static).update(Text(f"✖ {self.request.empty_error}"))
            return
        self.dismiss(choice)

    @on(Input.Submitted, "#save-path")
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Input.Changed, "#save-path")
    def _on_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#save-error", Static).update("")

    @on(Button.Pressed)
    def _on_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save-go":
            self.submit()
        else:
            self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
