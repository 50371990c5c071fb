"""The confirmation dialog every write goes through.

It names the action, the count and one example; the harmless button has the focus, so a
reflex enter changes nothing; esc goes back; above 50 mails the count must be typed first.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from console.tui.actions import Dialog

ButtonVariant = Literal["default", "primary", "success", "warning", "error"]
_VARIANTS: dict[str, ButtonVariant] = {"error": "error", "warning": "warning"}


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True only by the confirm button (or the typed count + enter)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Go back", id="confirm.back", tooltip="Close, change nothing"),
        Binding(
            "tab,right",
            "app.focus_next",
            "Next button",
            id="confirm.next",
            tooltip="Next button (enter presses the focused one)",
        ),
        Binding(
            "shift+tab,left",
            "app.focus_previous",
            "Previous button",
            show=False,
            id="confirm.previous",
        ),
    ]

    def __init__(self, dialog: Dialog) -> None:
        super().__init__(classes="confirm-screen")
        self.dialog = dialog

    def compose(self) -> ComposeResult:
        dialog = self.dialog
        with Vertical(id="confirm-box"):
            yield Static(Text(dialog.title, style=Style(bold=True)), id="confirm-title")
            yield Static(Text(dialog.question), id="confirm-question")
            for warning in dialog.warnings:
                yield Static(Text(f"⚠ {warning}"), classes="confirm-warning")
            for note in dialog.notes:
                yield Static(Text(note), classes="confirm-note")
            if dialog.typed_count is not None:
                count = str(dialog.typed_count)
                yield Static(
                    Text(f"That is more than 50 mails: type {count} to confirm."),
                    classes="confirm-warning",
                )
                with Horizontal(id="confirm-count-row"):
                    yield Input(
                        placeholder=f"type {count}, then enter",
                        restrict=r"[0-9]*",
                        max_length=len(count) + 3,
                        compact=True,
                        id="confirm-count",
                    )
                    yield Static(id="confirm-count-error")
            # Compact buttons (one line each): the dialog fits 80x24 with room to spare.
            with Horizontal(id="confirm-buttons"):
                yield Button("Go back (esc)", id="confirm-back", variant="default", compact=True)
                yield Button(
                    dialog.confirm_label,
                    id="confirm-go",
                    variant=_VARIANTS.get(dialog.variant, "error"),
                    disabled=dialog.typed_count is not None,
                    compact=True,
                )
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-back", Button).focus()

    # -- the typed count ------------------------------------------------------------------
    def count_typed(self) -> bool:
        if self.dialog.typed_count is None:
            return True
        typed = self.query_one("#confirm-count", Input).value.strip()
        return typed == str(self.dialog.typed_count)

    @on(Input.Changed, "#confirm-count")
    def _on_count_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#confirm-go", Button).disabled = not self.count_typed()
        self.query_one("#confirm-count-error", Static).update("")

    @on(Input.Submitted, "#confirm-count")
    def _on_count_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.count_typed():
            self.dismiss(True)
            return
        # Said inside the dialog: a toast would cover its buttons at 80x24.
        self.app.bell()
        error = self.query_one("#confirm-count-error", Static)
        error.update(Text(f"✖ not {self.dialog.typed_count}: nothing done"))

    # -- buttons --------------------------------------------------------------------------
    @on(Button.Pressed)
    def _on_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        confirmed = event.button.id == "confirm-go" and self.count_typed()
        self.dismiss(confirmed)

    def action_back(self) -> None:
        self.dismiss(False)
