"""Health pane: every check as OK / WARNING / CRITICAL with why and what to do; `P` probes.

The checks come from the refresher (console.services.health, in a worker, every 30 s or on
each tick while this pane shows). `P` runs the live SMTP probe of every server in a worker
here and shows each step with the server's real reply (credentials are masked by the
probe itself and never read by this pane).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.domain.errors import ConsoleError
from console.domain.health import CheckResult, Status, health_summary
from console.domain.timefmt import human_age
from console.tui.messages import ProbeFinished
from console.tui.panes.pane import Pane
from console.tui.widgets.cli_to_keys import in_keys
from console.tui.widgets.formatting import (
    Palette,
    describe_error,
    one_line,
    status_look,
    summary_tone,
)

if TYPE_CHECKING:
    from console.services.probe import ProbeResult


class HealthHost(Protocol):
    def go_to_check(self, check_id: str, title: str) -> None:
        """Show where a check's fix is (a pane, the cron, the servers)."""


PROBE_STEP_TIMEOUT = 10.0  # seconds per SMTP step; the probe bounds the whole run too
_ORDER = {Status.CRITICAL: 0, Status.WARNING: 1, Status.UNKNOWN: 2, Status.OK: 3}


class HealthChecks(OptionList):
    """One option per check; `enter` goes where its remedy is (CHECK_PLACES)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Go to", id="health.goto", tooltip="Where this check's fix is"),
        Binding("j", "cursor_down", "Down", show=False, id="health.down"),
        Binding("k", "cursor_up", "Up", show=False, id="health.up"),
        Binding("g", "first", "Top", show=False, id="health.top"),
        Binding("G", "last", "Bottom", show=False, id="health.bottom"),
    ]


class ProbeScroll(VerticalScroll):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="probe.down"),
        Binding("k", "scroll_up", "Up", show=False, id="probe.up"),
    ]


class HealthPane(Pane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "P",
            "probe",
            "Probe SMTP",
            id="health.probe",
            tooltip="Live SMTP probe of every outgoing server: each step, the real replies",
        ),
        Binding(
            "M",
            "test_mail",
            "Test mail",
            id="health.test_mail",
            tooltip="Send a real test mail through the server Odoo would choose (asks first)",
        ),
    ]

    title = "Health"

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, classes="pane health-pane")
        self.results: list[CheckResult] = []
        self.checked_at: float | None = None
        self.busy = False
        self.error: str | None = None
        self.probing = False
        self.probe_results: list[ProbeResult] | None = None
        self.probe_error: str | None = None

    def compose(self) -> ComposeResult:
        checks = HealthChecks(id="health-checks")
        checks.add_option(Option(Text("Health checks run once connected…"), disabled=True))
        yield checks
        with ProbeScroll(id="health-probe-scroll"):
            yield Static(id="health-probe")
        yield Static(id="health-status", classes="status-line")

    def on_mount(self) -> None:
        self._show_probe()
        self._update_status()

    # -- the checks, from the refresher ------------------------------------------------
    def checking(self, busy: bool) -> None:
        self.busy = busy
        self._update_status()

    def show_health(self, results: Sequence[CheckResult]) -> None:
        self.results = sorted(results, key=lambda r: _ORDER.get(r.status, 9))
        self.checked_at = time.monotonic()
        self.error = None
        checks = self.query_one(HealthChecks)
        highlighted = checks.highlighted_option.id if checks.highlighted_option else None
        checks.set_options(
            Option(check_renderable(result, self.host.palette), id=result.id)
            for result in self.results
        )
        ids = [result.id for result in self.results]
        checks.highlighted = ids.index(highlighted) if highlighted in ids else 0
        self._update_status()

    @on(OptionList.OptionSelected, "#health-checks")
    def _on_check_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        check = next((r for r in self.results if r.id == event.option.id), None)
        if check is not None:
            cast("HealthHost", self.app).go_to_check(check.id, check.title)

    def show_error(self, message: str | None) -> None:
        self.error = message
        self._update_status()

    def focus_main(self) -> None:
        self.query_one(HealthChecks).focus()

    def restyle(self) -> None:
        if self.results:
            self.show_health(self.results)
        self._show_probe()

    # -- the live SMTP probe -----------------------------------------------------------
    def action_probe(self) -> None:
        if self.host.backend is None:
            self.app.notify("Not connected yet.", title="SMTP probe", severity="warning")
            return
        if self.probing:
            self.app.notify("The probe is still running.", title="SMTP probe")
            return
        self.probing = True
        self.probe_error = None
        self._show_probe()
        self._update_status()
        self.run_probe()

    def action_test_mail(self) -> None:
        from console.tui.screens.test_mail_screen import TestMailScreen

        backend = self.host.backend
        if backend is None:
            self.app.notify("Not connected yet.", title="Test mail", severity="warning")
            return
        self.app.push_screen(TestMailScreen(backend, self.host.palette))

    @work(thread=True, exclusive=True, group="probe", exit_on_error=False)
    def run_probe(self) -> None:
        """In a thread (with its own event loop): every server, each step bounded."""
        backend = self.host.backend
        try:
            from console.services.probe import probe_backend

            if backend is None:
                raise ConsoleError("Not connected")
            results = probe_backend(backend, timeout=PROBE_STEP_TIMEOUT, mail_from=True)
        except Exception as exc:
            self.post_message(ProbeFinished(None, describe_error(exc)))
            return
        self.post_message(ProbeFinished(results))

    @on(ProbeFinished)
    def _on_probe_finished(self, message: ProbeFinished) -> None:
        message.stop()
        self.probing = False
        self.probe_results = message.results
        self.probe_error = message.error
        self._show_probe()
        self._update_status()
        if message.error is not None:
            self.app.notify(message.error, title="SMTP probe", severity="error")
        elif message.results is not None:
            bad = [r for r in message.results if r.status is not Status.OK]
            word = "all answer" if not bad else f"{len(bad)} with a problem"
            self.app.notify(
                f"{len(message.results)} servers probed: {word}.",
                title="SMTP probe",
                severity="information" if not bad else "warning",
            )
        self.query_one(ProbeScroll).scroll_home(animate=False)

    def _show_probe(self) -> None:
        probe = self.query_one("#health-probe", Static)
        probe.update(
            render_probe(self.probe_results, self.probing, self.probe_error, self.host.palette)
        )

    def _update_status(self) -> None:
        if not self.is_mounted:
            return
        parts: list[str] = []
        if self.error:
            parts.append(f"⚠ {self.error}")
        if self.results:
            parts.append(f"{len(self.results)} checks · {health_summary(self.results)}")
        if self.checked_at is not None:
            parts.append(f"checked {human_age(time.monotonic() - self.checked_at)} ago")
        if self.busy:
            parts.append("checking…")
        parts.append("probing…" if self.probing else "P probe · M test mail")
        status = self.query_one("#health-status", Static)
        status.update(Text(" · ".join(parts), no_wrap=True, overflow="ellipsis"))
        status.set_class(bool(self.error), "-error")


def _status_word(status: Status, palette: Palette) -> Text:
    glyph, word, tone = status_look(status.name)
    return Text(f"{glyph} {word}", style=palette.style(tone) + Style(bold=True), end="")


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=12, no_wrap=True)
    grid.add_column(ratio=1)
    return grid


def check_renderable(result: CheckResult, palette: Palette) -> Table:
    """A check's line; what is not OK also gets why and what to do, wrapped."""
    grid = _grid()
    line = Text(end="")
    line.append(one_line(result.title), style=Style(bold=True))
    line.append(f": {one_line(result.summary)}")
    grid.add_row(_status_word(result.status, palette), line)
    if result.status is not Status.OK:
        if result.why:
            grid.add_row(Text("  why", style=Style(dim=True)), Text(one_line(result.why)))
        if result.fix:
            grid.add_row(Text("  do", style=Style(bold=True)), Text(in_keys(one_line(result.fix))))
        if result.command:
            grid.add_row(Text("  run", style=Style(bold=True)), Text(one_line(result.command)))
    return grid


def render_checks(results: Sequence[CheckResult], palette: Palette) -> RenderableType:
    """Every check, as the pane lists them (for text outside the pane)."""
    if not results:
        return Text("No health result yet.")
    head = Text()
    head.append("Health ", style=Style(bold=True, underline=True))
    summary = health_summary(results)
    head.append(summary, style=palette.style(summary_tone(summary)) + Style(bold=True))
    return Group(head, *(check_renderable(result, palette) for result in results))


def render_probe(
    results: Sequence[ProbeResult] | None, running: bool, error: str | None, palette: Palette
) -> RenderableType:
    head = Text()
    head.append("\nSMTP probe (P)", style=Style(bold=True, underline=True))
    if running:
        head.append("  probing every server…", style=palette.style("warning"))
        return head
    if error is not None:
        head.append(f"  ✖ {error}", style=palette.style("error"))
        return head
    if results is None:
        head.append("  not run: P connects to each outgoing server as Odoo would", style="dim")
        return head
    if not results:
        head.append("  no server to probe")
        return head
    grid = _grid()
    for result in results:
        line = Text(end="")
        line.append(one_line(result.label), style=Style(bold=True))
        line.append(f" · {one_line(result.where)}\n{one_line(result.verdict)}")
        grid.add_row(_status_word(result.status, palette), line)
        for step in result.steps:
            mark, tone = ("✔", "success") if step.ok else ("✖", "error")
            reply = Text(end="")
            reply.append(f"{mark} {step.name}", style=palette.style(tone))
            reply.append(f" {step.elapsed_ms} ms · {one_line(step.reply)}")
            grid.add_row(Text(""), reply)
        if result.fix and result.status is not Status.OK:
            grid.add_row(Text("  do", style=Style(bold=True)), Text(in_keys(one_line(result.fix))))
        if result.tls_note:
            grid.add_row(Text("  note", style=Style(dim=True)), Text(result.tls_note))
    return Group(head, grid)
