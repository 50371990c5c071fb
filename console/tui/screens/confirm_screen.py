"""The dialogs every write goes through.

ConfirmScreen names the action, the count and one example; the harmless button has the
focus, so a reflex enter changes nothing; esc goes back; above 50 mails the count must be
typed first. IntervalScreen asks a cron's new interval and checks it in the dialog before
the ConfirmScreen asks to apply it.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from console.domain.mail_crons import is_email_queue
from console.domain.models import CronRow
from console.tui.controllers.action_request import (
    INTERVAL_UNITS,
    MIN_INTERVAL_MINUTES,
    RECOMMENDED_INTERVAL_MINUTES,
    Dialog,
)
from console.tui.controllers.cron_dialogs import parse_interval
from console.tui.widgets.formatting import interval_text, one_line
from console.tui.widgets.key_footer import KeyFooter

ButtonVariant = Literal["default", "primary", "success", "warning", "error"]


class DialogBody(VerticalScroll, can_focus=False):
    """The dialog's text: out of the focus chain, so tab only visits the controls."""


_VARIANTS: dict[str, ButtonVariant] = {"error": "error", "warning": "warning"}


ALL = "all"  # the dialog's alternative button: Send now of every mail, scheduled ones too


class ConfirmScreen(ModalScreen[bool | str]):
    """Dismissed with True only by the confirm button (or the typed count + enter), with
    ``ALL`` by the alternative one when the dialog has it."""

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
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False, id="confirm.scroll_up"),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False, id="confirm.scroll_down"),
    ]

    def __init__(self, dialog: Dialog) -> None:
        super().__init__(classes="confirm-screen")
        self.dialog = dialog

    def compose(self) -> ComposeResult:
        dialog = self.dialog
        with Vertical(id="confirm-box"):
            yield Static(Text(dialog.title, style=Style(bold=True)), id="confirm-title")
            # The text scrolls (PgUp/PgDn) on a small terminal; the buttons always show.
            with DialogBody(id="confirm-body"):
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
                if dialog.alternative_label:
                    yield Button(
                        dialog.alternative_label,
                        id="confirm-all",
                        variant="default",
                        disabled=dialog.typed_count is not None,
                        compact=True,
                    )
        yield KeyFooter()

    def on_mount(self) -> None:
        # Where the count must be typed, the field is where typing goes: an operator who
        # reads "type 8774, then enter" and types it must not press Go back without
        # knowing. An enter on the empty or wrong field does nothing and says so.
        if self.dialog.typed_count is not None:
            self.query_one("#confirm-count", Input).focus()
        else:
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
        for button in self.query("#confirm-go, #confirm-all").results(Button):
            button.disabled = not self.count_typed()
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
        if event.button.id == "confirm-all" and self.count_typed():
            self.dismiss(ALL)
            return
        self.dismiss(event.button.id == "confirm-go" and self.count_typed())

    def action_back(self) -> None:
        self.dismiss(False)

    def action_scroll_body(self, direction: int) -> None:
        body = self.query_one(DialogBody)
        if direction < 0:
            body.scroll_page_up()
        else:
            body.scroll_page_down()


class IntervalScreen(ModalScreen[tuple[int, str] | None]):
    """A cron's new interval: a number and minutes/hours, checked here (errors in the
    dialog); dismissed with (number, unit), or None when the operator goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Go back", id="interval.back", tooltip="Close, change nothing"),
    ]

    def __init__(self, cron: CronRow, floor: int = MIN_INTERVAL_MINUTES) -> None:
        super().__init__(classes="confirm-screen")
        self.cron = cron
        self.floor = floor  # 1 minute with mail_post_defer (console.domain.oca_modules)

    def _initial(self) -> tuple[str, str]:
        cron = self.cron
        if is_email_queue(cron):  # suggest what Odoo recommends for the queue
            return str(RECOMMENDED_INTERVAL_MINUTES), "minutes"
        if cron.interval_type in INTERVAL_UNITS and cron.interval_number:
            return str(cron.interval_number), str(cron.interval_type)
        return "", "minutes"

    def compose(self) -> ComposeResult:
        cron = self.cron
        number, unit = self._initial()
        name = one_line(cron.name) or f"cron {cron.id}"
        current = interval_text(cron.interval_number, cron.interval_type)
        advice = f"Odoo's floor is {self.floor} minutes"
        if self.floor < MIN_INTERVAL_MINUTES:
            advice = f"The floor is {self.floor} minute (mail_post_defer is installed)"
        advice += (
            f"; {RECOMMENDED_INTERVAL_MINUTES} minutes is recommended for the Email Queue Manager."
            if is_email_queue(cron)
            else f" ({RECOMMENDED_INTERVAL_MINUTES} minutes is what Odoo recommends for its queue)."
        )
        with Vertical(id="confirm-box"):
            yield Static(Text("Set interval", style=Style(bold=True)), id="confirm-title")
            yield Static(Text(f"How often should '{name}' run? Now every {current}."))
            yield Static(Text(advice), classes="confirm-note")
            with Horizontal(id="interval-row"):
                yield Static("Every ", id="interval-label")
                yield Input(
                    number,
                    placeholder="number",
                    restrict=r"[0-9]*",
                    max_length=5,
                    compact=True,
                    id="interval-number",
                )
                yield Select(
                    [(u, u) for u in INTERVAL_UNITS],
                    value=unit,
                    allow_blank=False,
                    compact=True,
                    id="interval-unit",
                )
            yield Static(id="interval-error")
            with Horizontal(id="confirm-buttons"):
                yield Button("Go back (esc)", id="confirm-back", variant="default", compact=True)
                yield Button("Next", id="interval-next", variant="warning", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#interval-number", Input).focus()  # typing changes nothing yet

    def chosen_unit(self) -> str:
        value = self.query_one("#interval-unit", Select).value
        return value if isinstance(value, str) else ""

    def submit(self) -> None:
        text = self.query_one("#interval-number", Input).value
        result = parse_interval(text, self.chosen_unit(), self.cron, self.floor)
        if isinstance(result, str):
            self.app.bell()
            self.query_one("#interval-error", Static).update(Text(f"✖ {result}"))
            return
        self.dismiss(result)

    @on(Input.Changed, "#interval-number")
    @on(Select.Changed, "#interval-unit")
    def _on_changed(self, event: Input.Changed | Select.Changed) -> None:
        event.stop()
        self.query_one("#interval-error", Static).update("")

    @on(Input.Submitted, "#interval-number")
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed)
    def _on_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "interval-next":
            self.submit()
        else:
            self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
