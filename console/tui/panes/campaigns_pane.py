"""Campaigns pane: the mass-mailing queue in the order Odoo's cron takes it."""

from __future__ import annotations

from typing import ClassVar, Protocol, cast

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType

from console.domain.models import CampaignRow
from console.domain.states import CAMPAIGN_STATE_LABELS
from console.domain.timefmt import short_local
from console.tui.messages import RefreshJob
from console.tui.panes.pane import ConsoleHost
from console.tui.panes.record_table import RecordTablePane
from console.tui.widgets.formatting import cell, count_text, one_line, ordinal
from console.tui.widgets.tables import ColumnSpec


class CampaignsHost(ConsoleHost, Protocol):
    def request_cancel_campaign(self, campaign: CampaignRow) -> None:
        """Confirm, then cancel this queued campaign (or say why Odoo would not)."""


class CampaignsPane(RecordTablePane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "cancel_campaign",
            "Cancel campaign",
            id="campaign.cancel",
            tooltip="Cancel the queued campaign: back to Draft, as Odoo's Cancel",
        ),
    ]

    title = "Campaigns"
    # "#4" is always a record's id (as in Health and the cancel dialog); the queue
    # position is an ordinal ("2nd").
    columns = (
        ColumnSpec("id", "ID", 5),
        ColumnSpec("position", "Queue", 6),
        ColumnSpec("name", "Name", 18),
        ColumnSpec("subject", "Subject", 23),
        ColumnSpec("state", "State", 8),
        ColumnSpec("schedule", "Scheduled", 12),
        ColumnSpec("created", "Created", 12),
        ColumnSpec("recipients", "Recipients", 10),
        ColumnSpec("sent", "Sent", 6),
        ColumnSpec("failed", "Failed", 6),
        ColumnSpec("outgoing", "Queued mails", 12),
        ColumnSpec("last", "Last trace", 12),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.campaigns: list[CampaignRow] = []

    def refresh_job(self) -> RefreshJob | None:
        info = self.host.info
        if info is not None and not info.has_mass_mailing:
            return None
        return RefreshJob(lambda backend: backend.campaigns())

    def on_mount(self) -> None:
        # (Textual also runs RecordTablePane.on_mount, which adds the columns.)
        info = self.host.info
        if info is not None and not info.has_mass_mailing:
            self.show_absent()

    def show_absent(self) -> None:
        self.note = "Email Marketing (mass_mailing) is not installed in this database"
        self.sync([])

    def apply_refresh(self, job: RefreshJob, payload: object) -> None:
        if not isinstance(payload, list):
            return
        # Due mailings in the cron's order, then the ones not due yet.
        due = [c for c in payload if isinstance(c, CampaignRow) and c.due]
        later = [c for c in payload if isinstance(c, CampaignRow) and not c.due]
        self.campaigns = due + later
        self.note = ""
        self.sync([(str(c.id), self._cells(c)) for c in self.campaigns])

    def cursor_campaign(self) -> CampaignRow | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.campaigns if str(c.id) == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_campaign":
            return self.host.can_write() and not self.note
        return True

    def action_cancel_campaign(self) -> None:
        campaign = self.cursor_campaign()
        if campaign is None:
            self.app.notify("No campaign under the cursor.", title="Cancel campaign")
            return
        cast(CampaignsHost, self.app).request_cancel_campaign(campaign)

    def _cells(self, campaign: CampaignRow) -> list[Text]:
        palette = self.host.palette
        tz = self.host.tz
        if campaign.is_head:
            position = Text("▶ head", style=palette.style("warning") + Style(bold=True), end="")
        elif campaign.position is not None and campaign.due:
            position = Text(ordinal(campaign.position), end="")
        else:
            position = palette.word("later", "muted")
        state = CAMPAIGN_STATE_LABELS.get(campaign.state, campaign.state)
        tone = "accent" if campaign.state == "sending" else ""
        failed = (
            palette.word(str(campaign.traces_failed), "error")
            if campaign.traces_failed
            else Text("0", end="")
        )
        schedule = short_local(campaign.schedule_date, tz) or (
            "now" if campaign.schedule_type == "now" else ""
        )
        return [
            Text(str(campaign.id), justify="right", end=""),
            position,
            cell(campaign.name or "", 18),
            cell(campaign.subject, 23),
            palette.word(state, tone),
            cell(schedule, 12),
            cell(short_local(campaign.create_date, tz), 12),
            Text(count_text(campaign.recipients), justify="right", end=""),
            Text(str(campaign.traces_sent), justify="right", end=""),
            failed,
            Text(str(campaign.mails_outgoing), justify="right", end=""),
            cell(short_local(campaign.last_trace_at, tz), 12),
        ]

    def summary(self) -> str:
        if self.note:
            return self.note
        if not self.campaigns:
            return "no mailing queued or sending"
        due = [c for c in self.campaigns if c.due]
        parts = [f"{len(due)} in the queue"]
        head = next((c for c in self.campaigns if c.is_head), None)
        if head is not None:
            parts.append(f"head: {one_line(head.subject)}")
        later = len(self.campaigns) - len(due)
        if later:
            parts.append(f"{later} scheduled later")
        parts.append("processed one after another, head first")
        return " · ".join(parts)
