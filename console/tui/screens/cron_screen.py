"""`enter` on a cron: every field the Crons pane cuts short, and what the cron does."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar, cast

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from console.domain.mail_crons import EMAIL_QUEUE, MASS_MAILING_QUEUE
from console.domain.models import CronRow
from console.domain.timefmt import full_local, human_age
from console.tui.panes.pane import ConsoleHost
from console.tui.widgets.formatting import interval_text, one_line, yes_no
from console.tui.widgets.header import HeaderBar, HeaderState
from console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from console.tui.panes.crons_pane import CronsHost

JOB_WORDS = {
    EMAIL_QUEUE: "Odoo's Email Queue Manager: sends the queued (Outgoing) mails, a batch per run",
    MASS_MAILING_QUEUE: "Mail Marketing's queue: turns the head campaign into mails, then sends",
}


class CronScreen(Screen[None]):
    DEFAULT_CSS = """
    CronScreen #cron-title {
        height: 1;
        background: $panel;
        text-style: bold;
    }
    CronScreen #cron-scroll {
        height: 1fr;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="cron.back", tooltip="Back to the crons"),
        Binding("t", "trigger", "Run now", id="cron.detail.trigger", tooltip="Run it now"),
        Binding("i", "set_interval", "Interval", id="cron.detail.interval", tooltip="Interval"),
    ]

    def __init__(self, cron: CronRow, header: HeaderState, tz: tzinfo, version: int) -> None:
        super().__init__(classes="cron-screen")
        self.cron = cron
        self.header = header
        self.tz = tz
        self.version = version

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.header, id="header")
        title = f" Cron {self.cron.id} · {one_line(self.cron.name)} · esc back"
        yield Static(Text(title, no_wrap=True, overflow="ellipsis"), id="cron-title")
        with VerticalScroll(id="cron-scroll"):
            yield Static(cron_fields(self.cron, self.tz, self.version), id="cron-body")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("trigger", "set_interval"):
            return cast(ConsoleHost, self.app).can_write()
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_trigger(self) -> None:
        cast(ConsoleHost, self.app).request_trigger(self.cron)

    def action_set_interval(self) -> None:
        cast("CronsHost", self.app).request_interval(self.cron)


def cron_fields(cron: CronRow, tz: tzinfo, version: int, now: datetime | None = None) -> Table:
    now = now or datetime.now(UTC)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", style=Style(bold=True), no_wrap=True)
    grid.add_column(ratio=1)
    late = ""
    if cron.overdue and cron.active and cron.nextcall is not None:
        seconds = (now - cron.nextcall.replace(tzinfo=UTC)).total_seconds()
        late = f" (overdue by {human_age(seconds)}: no cron worker ran it)"
    rows = [
        ("Name", one_line(cron.name)),
        ("External id", cron.xml_id or "—"),
        ("Does", JOB_WORDS.get(cron.job, "") if cron.job else "not one of Odoo's mail jobs"),
        ("Active", yes_no(cron.active) + ("" if cron.active else ": Odoo never runs it")),
        ("Every", interval_text(cron.interval_number, cron.interval_type)),
        ("Next call", (full_local(cron.nextcall, tz) or "—") + late),
        ("Last call", full_local(cron.lastcall, tz) or "—"),
        ("Running now", "cannot tell here" if cron.running is None else yes_no(cron.running)),
        ("Waiting triggers", str(cron.pending_triggers)),
        ("Priority", "—" if cron.priority is None else str(cron.priority)),
    ]
    if version >= 18:
        rows.append(("Failures in a row", str(cron.failure_count or 0)))
        rows.append(("First failure", full_local(cron.first_failure_date, tz) or "—"))
    for label, value in rows:
        grid.add_row(label, Text(value))
    return grid
