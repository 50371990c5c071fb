"""`M` on Health: send a real test mail through the server Odoo would choose.

Type the address (and optionally the From and a server); the first enter plans in a worker
(the server, the From as Odoo rewrites it, the envelope) and asks; the second enter sends
it, in a worker, and the SMTP dialogue appears below, command by command, the login
masked. Nothing is written to Odoo (console.services.testmail). esc closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from console.backends.base import MailQueueBackend
from console.tui.widgets.formatting import Palette, describe_error, one_line
from console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from console.services.testmail import TestMailPlan, TestMailResult

STEP_TIMEOUT = 10.0
FIELDS = ("tm-to", "tm-from", "tm-server")


class TestMailDone(Message):
    """A plan (asked), a result (sent), or why neither could be had."""

    __test__ = False

    def __init__(
        self,
        plan: TestMailPlan | None = None,
        result: TestMailResult | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__()
        self.plan = plan
        self.result = result
        self.error = error


def plan_text(plan: TestMailPlan) -> Text:
    out = Text(end="")
    out.append(f"Server  {one_line(plan.target.label)} · {plan.target.where}\n", style="bold")
    out.append(f"        {one_line(plan.why)}\n", style=Style(dim=True))
    out.append(f"From    {one_line(plan.header_from)}\n")
    if plan.rewritten:
        out.append(f"        rewritten by Odoo's rules from {plan.requested_from}\n", style="dim")
    out.append(f"MAIL FROM {plan.envelope_from} · RCPT TO {', '.join(plan.recipients)}\n")
    out.append("enter (or Send) sends this REAL mail · esc cancels", style="bold")
    return out


def result_text(result: TestMailResult, palette: Palette) -> Text:
    """The verdict first (the dialogue scrolls below it), then each command and reply."""
    ok = result.delivered
    out = Text(end="")
    verdict = ("✔ Delivered: " if ok else "✖ FAILED: ") + one_line(result.probe.verdict)
    out.append(verdict, style=palette.style("success" if ok else "error") + Style(bold=True))
    if result.probe.fix and not ok:
        out.append(f"\ndo: {one_line(result.probe.fix)}")
    out.append(f"\nMessage-Id {result.plan.message_id} · nothing written to Odoo", style="dim")
    for step in result.probe.steps:
        if step.command:
            out.append(f"\n> {one_line(step.command)}", style=Style(dim=True))
        tone = "success" if step.ok else "error"
        out.append(f"\n{'<' if step.ok else '✖'} {one_line(step.reply)}", style=palette.style(tone))
    return out


class TestMailScreen(ModalScreen[None]):
    __test__ = False

    DEFAULT_CSS = """
    TestMailScreen { align: center middle; }
    TestMailScreen #tm-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    TestMailScreen #tm-title { text-style: bold; color: $primary; }
    TestMailScreen .tm-row { height: 1; }
    TestMailScreen .tm-label { width: 8; }
    TestMailScreen .tm-row Input { width: 1fr; background: $boost; }
    TestMailScreen #tm-out-scroll { height: auto; max-height: 12; margin: 1 0 0 0; }
    TestMailScreen #tm-buttons { height: 1; margin: 1 0 0 0; align-horizontal: right; }
    TestMailScreen #tm-buttons Button { margin: 0 0 0 2; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="testmail.close", tooltip="Close"),
        Binding("tab", "app.focus_next", "Next field", id="testmail.next"),
        Binding("shift+tab", "app.focus_previous", "Previous", show=False, id="testmail.prev"),
    ]

    def __init__(self, backend: MailQueueBackend, palette: Palette) -> None:
        super().__init__(classes="test-mail-screen")
        self.backend = backend
        self.palette = palette
        self.busy = False
        self.plan: TestMailPlan | None = None
        self.planned_for: tuple[str, ...] = ()
        self.result: TestMailResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="tm-box"):
            yield Static("Send a real test mail (nothing is written to Odoo)", id="tm-title")
            for label, ident, placeholder in (
                ("To", "tm-to", "where to send it, e.g. you@example.com"),
                ("From", "tm-from", "optional: Odoo's default From"),
                ("Server", "tm-server", "optional: the server Odoo would choose"),
            ):
                with Horizontal(classes="tm-row"):
                    yield Static(label, classes="tm-label")
                    yield Input(placeholder=placeholder, compact=True, id=ident)
            with VerticalScroll(id="tm-out-scroll"):
                yield Static(Text("enter shows where it would go", style="dim"), id="tm-out")
            with Horizontal(id="tm-buttons"):
                yield Button("Close (esc)", id="tm-back", compact=True)
                yield Button("Send…", id="tm-go", variant="primary", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#tm-to", Input).focus()

    def _fields(self) -> tuple[str, ...]:
        return tuple(self.query_one(f"#{i}", Input).value.strip() for i in FIELDS)

    def _show(self, text: Text) -> None:
        self.query_one("#tm-out", Static).update(text)

    def go(self) -> None:
        """First press: plan and ask; second press (same fields): send."""
        if self.busy:
            self.app.bell()
            return
        fields = self._fields()
        if "@" not in fields[0]:
            self.app.bell()
            self._show(Text("✖ give the address to send to (name@domain)", style="bold"))
            return
        self.busy = True
        if self.plan is not None and fields == self.planned_for:
            self._show(Text(f"sending to {fields[0]}…", style="dim"))
            self._send(self.plan)
        else:
            self.plan = None
            self._show(Text("finding the server Odoo would choose…", style="dim"))
            self._plan(fields)

    @work(thread=True, exclusive=True, group="testmail", exit_on_error=False)
    def _plan(self, fields: tuple[str, ...]) -> None:
        from console.services.sample_guard import refuse_fictitious_servers
        from console.services.testmail import TEST_MAIL, plan_test_mail

        to, sender, server = fields
        try:
            refuse_fictitious_servers(self.backend, TEST_MAIL)
            plan = plan_test_mail(self.backend, to, sender=sender or None, server=server or None)
        except Exception as exc:
            self.post_message(TestMailDone(error=describe_error(exc)))
            return
        self.planned_for = fields
        self.post_message(TestMailDone(plan=plan))

    @work(thread=True, exclusive=True, group="testmail", exit_on_error=False)
    def _send(self, plan: TestMailPlan) -> None:
        from console.services.testmail import run_test_mail

        try:
            result = run_test_mail(plan, self.backend.secret_mask(), STEP_TIMEOUT)
        except Exception as exc:
            self.post_message(TestMailDone(error=describe_error(exc)))
            return
        self.post_message(TestMailDone(result=result))

    @on(TestMailDone)
    def _on_done(self, message: TestMailDone) -> None:
        message.stop()
        self.busy = False
        go = self.query_one("#tm-go", Button)
        if message.error is not None:
            self.plan = None
            go.label = "Send…"
            self._show(Text(f"✖ {message.error}", style=self.palette.style("error")))
        elif message.plan is not None:
            self.plan = message.plan
            go.label = "Send"
            self._show(plan_text(message.plan))
        elif message.result is not None:
            self.plan, self.result = None, message.result
            go.label = "Send…"
            self._show(result_text(message.result, self.palette))

    @on(Input.Submitted)
    def _on_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.go()

    @on(Button.Pressed, "#tm-go")
    def _on_go(self, event: Button.Pressed) -> None:
        event.stop()
        self.go()

    @on(Button.Pressed, "#tm-back")
    def _on_back(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
