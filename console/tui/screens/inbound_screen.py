"""`i` on Aliases: would Odoo accept a mail sent to this address, and where would it go?

The dialog stays open: type an address (and, optionally, the Message-Id it replies to and
the sender), enter checks in a worker, the verdict line and Odoo's steps appear below;
change a field and check again. esc closes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.backends.base import MailQueueBackend
from console.tui.widgets.formatting import Palette, describe_error, one_line
from console.tui.widgets.key_footer import KeyFooter

OUTCOME_TONES = {
    "accepted": "success",
    "depends-on-sender": "warning",
    "bounce-report": "warning",
    "bounced": "error",
    "rejected": "error",
}
MAX_STEPS = 8


class InboundChecked(Message):
    """A verdict (its line, outcome and steps), or why the check could not run."""

    def __init__(
        self,
        address: str,
        line: str = "",
        outcome: str = "",
        steps: tuple[str, ...] = (),
        error: str | None = None,
    ) -> None:
        super().__init__()
        self.address = address
        self.line = line
        self.outcome = outcome
        self.steps = steps
        self.error = error


def verdict_text(message: InboundChecked, palette: Palette) -> Text:
    """The verdict line (its outcome as a word, then a colour), then Odoo's steps."""
    if message.error is not None:
        return Text(f"✖ {message.error}", style=palette.style("error"))
    out = Text(end="")
    out.append(one_line(message.line), style=palette.style(OUTCOME_TONES.get(message.outcome, "")))
    for step in message.steps[:MAX_STEPS]:
        out.append(f"\n  · {one_line(step)}", style=Style(dim=True))
    if len(message.steps) > MAX_STEPS:
        out.append(f"\n  · … {len(message.steps) - MAX_STEPS} more steps", style=Style(dim=True))
    return out


class InboundScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    InboundScreen {
        align: center middle;
    }
    InboundScreen #inbound-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    InboundScreen #inbound-title {
        text-style: bold;
        color: $primary;
    }
    InboundScreen #inbound-buttons {
        height: 1;
        margin: 1 0 0 0;
        align-horizontal: right;
    }
    InboundScreen #inbound-buttons Button {
        margin: 0 0 0 2;
    }
    InboundScreen .inbound-note {
        color: $foreground-muted;
        margin: 1 0 0 0;
    }
    InboundScreen .inbound-row {
        height: 1;
    }
    InboundScreen #inbound-first {
        margin: 1 0 0 0;
    }
    InboundScreen .inbound-label {
        width: 14;
    }
    InboundScreen .inbound-row Input {
        width: 1fr;
        background: $boost;
    }
    InboundScreen #inbound-verdict {
        height: auto;
        max-height: 10;
        margin: 1 0 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="inbound.close", tooltip="Close the check"),
        Binding(
            "tab",
            "app.focus_next",
            "Next field",
            id="inbound.next",
            tooltip="Next field (enter in any field checks)",
        ),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, id="inbound.previous"),
    ]

    def __init__(self, backend: MailQueueBackend, palette: Palette, example: str = "") -> None:
        super().__init__(classes="inbound-screen")
        self.backend = backend
        self.palette = palette
        self.example = example
        self.checking = False
        self.last: InboundChecked | None = None

    def compose(self) -> ComposeResult:
        example = f"e.g. {self.example}" if self.example else "e.g. sales@example.com"
        with Vertical(id="inbound-box"):
            title = Text("Would Odoo accept a mail to…?", style=Style(bold=True))
            yield Static(title, id="inbound-title")
            for label, ident, placeholder in (
                ("Address", "inbound-address", example),
                ("In-Reply-To", "inbound-reply", "a Message-Id it replies to (optional)"),
                ("From", "inbound-from", "the sender's address (optional)"),
            ):
                first = ident == "inbound-address"
                with Horizontal(classes="inbound-row", id="inbound-first" if first else None):
                    yield Static(label, classes="inbound-label")
                    yield Input(placeholder=placeholder, compact=True, id=ident)
            yield Static(
                Text("enter checks · esc closes", style=Style(dim=True)), id="inbound-verdict"
            )
            with Horizontal(id="inbound-buttons"):
                yield Button("Close (esc)", id="inbound-back", variant="default", compact=True)
                yield Button("Check", id="inbound-go", variant="primary", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#inbound-address", Input).focus()

    def _value(self, ident: str) -> str:
        return self.query_one(f"#{ident}", Input).value.strip()

    def check(self) -> None:
        address = self._value("inbound-address")
        verdict = self.query_one("#inbound-verdict", Static)
        if "@" not in address:
            self.app.bell()
            verdict.update(Text("✖ give an e-mail address (name@domain)", style="bold"))
            return
        self.checking = True
        verdict.update(Text(f"checking {one_line(address)}…", style=Style(dim=True)))
        reply = self._value("inbound-reply") or None
        sender = self._value("inbound-from") or None
        self._run_check(self.backend, address, reply, sender)

    @work(thread=True, exclusive=True, group="inbound", exit_on_error=False)
    def _run_check(
        self, backend: MailQueueBackend, address: str, reply: str | None, sender: str | None
    ) -> None:
        """In a thread: read the routing setup and run Odoo's rules."""
        try:
            verdict = backend.inbound_check(address, in_reply_to=reply, sender=sender)
        except Exception as exc:
            self.post_message(InboundChecked(address, error=describe_error(exc)))
            return
        self.post_message(InboundChecked(address, verdict.line(), verdict.outcome, verdict.steps))

    @on(InboundChecked)
    def _on_checked(self, message: InboundChecked) -> None:
        message.stop()
        self.checking = False
        self.last = message
        self.query_one("#inbound-verdict", Static).update(verdict_text(message, self.palette))

    @on(Input.Submitted)
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.check()

    @on(Button.Pressed)
    def _on_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "inbound-go":
            self.check()
        else:
            self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
