"""Crons pane: the scheduled actions, mail-related first, with overdue and running flags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, Protocol, cast

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from console.domain.mail_crons import EMAIL_QUEUE, find_cron
from console.domain.models import CronRow
from console.domain.timefmt import human_age, short_local
from console.tui.messages import RefreshJob
from console.tui.panes.pane import ConsoleHost
from console.tui.panes.record_table import RecordTablePane
from console.tui.widgets.formatting import cell, interval_short, yes_no
from console.tui.widgets.tables import ColumnSpec


class CronsHost(ConsoleHost, Protocol):
    def request_interval(self, cron: CronRow) -> None:
        """Ask the new interval in a dialog, confirm, then set it."""


class CronsPane(RecordTablePane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "t",
            "trigger",
            "Run now",
            id="cron.trigger",
            tooltip="Ask Odoo to run this cron now",
        ),
        Binding(
            "i",
            "set_interval",
            "Interval",
            id="cron.interval",
            tooltip="Set how often this cron runs (5 minutes at least, 15 recommended)",
        ),
    ]

    title = "Crons"
    # The first nine fill 80 terminal columns; "Mail" (mail-related ones come first
    # anyway) is one scroll to the right.
    columns = (
        ColumnSpec("name", "Name", 20),
        ColumnSpec("active", "On", 3),
        ColumnSpec("interval", "Every", 5),
        ColumnSpec("nextcall", "Next call", 12),
        ColumnSpec("overdue", "Late", 6),
        ColumnSpec("lastcall", "Last call", 12),
        ColumnSpec("running", "Run", 3),
        ColumnSpec("failures", "Fail", 4),
        ColumnSpec("triggers", "Trig", 4),
        ColumnSpec("mail", "Mail", 4),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.crons: list[CronRow] = []
        self.wants_queue_cron = False

    def refresh_job(self) -> RefreshJob:
        return RefreshJob(lambda backend: backend.crons())

    def apply_refresh(self, job: RefreshJob, payload: object) -> None:
        if not isinstance(payload, list):
            return
        crons = [c for c in payload if isinstance(c, CronRow)]
        # Mail-related first, otherwise the backend's order (Odoo's: by name).
        self.crons = sorted(crons, key=lambda c: not c.is_mail_related)
        self.sync([(str(c.id), self._cells(c)) for c in self.crons])
        if self.wants_queue_cron:
            self.show_queue_cron()

    def show_queue_cron(self) -> None:
        """The cursor on Odoo's Email Queue Manager (from a health check about it), now
        or once the crons are read."""
        queue = find_cron(self.crons, EMAIL_QUEUE)
        self.wants_queue_cron = queue is None
        if queue is not None:
            self.table.move_cursor(row=self.crons.index(queue))

    def cursor_cron(self) -> CronRow | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.crons if str(c.id) == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("trigger", "set_interval"):
            return self.host.can_write()
        return True

    @on(DataTable.RowSelected)
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter: the cron whole (what it does, every date, failures, triggers)."""
        event.stop()
        cron = self.cursor_cron()
        if cron is None:
            return
        from console.tui.screens.cron_screen import CronScreen

        host = self.host
        version = host.info.odoo_version if host.info else 17
        self.app.push_screen(CronScreen(cron, version))

    def action_trigger(self) -> None:
        cron = self.cursor_cron()
        if cron is None:
            self.app.notify("No cron under the cursor.", title="Run cron now", severity="warning")
            return
        self.host.request_trigger(cron)

    def action_set_interval(self) -> None:
        cron = self.cursor_cron()
        if cron is None:
            self.app.notify("No cron under the cursor.", title="Set interval", severity="warning")
            return
        cast(CronsHost, self.app).request_interval(cron)

    def _cells(self, cron: CronRow) -> list[Text]:
        palette = self.host.palette
        tz = self.host.tz
        version = self.host.info.odoo_version if self.host.info else 17
        if cron.overdue and cron.active and cron.nextcall is not None:
            late = (datetime.now(UTC) - cron.nextcall.replace(tzinfo=UTC)).total_seconds()
            overdue = palette.word(human_age(late), "error")
        else:
            overdue = Text("no" if cron.active else "—", end="")
        active = palette.word("yes", "") if cron.active else palette.word("NO", "warning")
        if version < 18:
            failures = Text("—", end="")
        elif cron.failure_count:
            failures = palette.word(str(cron.failure_count), "error")
        else:
            failures = Text("0", end="")
        running = palette.word("yes", "success") if cron.running else Text(yes_no(cron.running))
        return [
            cell(cron.name, 20),
            active,
            cell(interval_short(cron.interval_number, cron.interval_type), 5),
            cell(short_local(cron.nextcall, tz), 12),
            overdue,
            cell(short_local(cron.lastcall, tz), 12),
            running,
            failures,
            Text(str(cron.pending_triggers) if cron.pending_triggers else "", end=""),
            Text("mail" if cron.is_mail_related else "", end=""),
        ]

    def summary(self) -> str:
        mail = [c for c in self.crons if c.is_mail_related]
        overdue = [c for c in mail if c.overdue and c.active]
        inactive = [c for c in mail if not c.active]
        parts = [f"{len(self.crons)} crons", f"{len(mail)} mail-related"]
        if overdue:
            parts.append(f"{len(overdue)} mail cron overdue")
        if inactive:
            parts.append(f"{len(inactive)} mail cron inactive")
        return " · ".join(parts)
