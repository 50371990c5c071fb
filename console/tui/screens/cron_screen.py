"""`enter` on a cron: every field the Crons pane cuts short, and what the cron does."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType

from console.domain.mail_crons import EMAIL_QUEUE, MASS_MAILING_QUEUE
from console.domain.models import CronRow
from console.domain.timefmt import full_local, human_age
from console.tui.screens.text_screen import TextScreen
from console.tui.widgets.formatting import interval_text, one_line, yes_no

if TYPE_CHECKING:
    from console.tui.panes.crons_pane import CronsHost

JOB_WORDS = {
    EMAIL_QUEUE: "Odoo's Email Queue Manager: sends the queued (Outgoing) mails, a batch per run",
    MASS_MAILING_QUEUE: "Mail Marketing's queue: turns the head campaign into mails, then sends",
}


class CronScreen(TextScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "trigger", "Run now", id="cron.detail.trigger", tooltip="Run it now"),
        Binding("i", "set_interval", "Interval", id="cron.detail.interval", tooltip="Interval"),
    ]
    name_prefix = "cron"

    def __init__(self, cron: CronRow, version: int) -> None:
        super().__init__(classes="cron-screen")
        self.cron = cron
        self.version = version

    def title_text(self) -> str:
        return f" Cron {self.cron.id} · {one_line(self.cron.name)} · esc back"

    def body(self) -> RenderableType:
        return cron_fields(self.cron, self.host.tz, self.version)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("trigger", "set_interval"):
            return self.host.can_write()
        return True

    def action_trigger(self) -> None:
        self.host.request_trigger(self.cron)

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
