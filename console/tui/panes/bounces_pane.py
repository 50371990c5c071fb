"""Bounces pane (key 0): the bounce rates over the last 24 hours and 7 days, per day and
per campaign (Odoo's Bounced ratio), and the partners and mailing contacts with the most
bounces, in one table; Z resets the selected record's counter as Odoo does on a mail from
its address (docs/odoo-bounces.md)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from console.domain.bounces import (
    MODEL_WORDS,
    BounceCounter,
    BounceOverview,
    RateWindow,
    percent,
)
from console.domain.mailtools import email_normalize
from console.tui.controllers.action_request import ActionRequest
from console.tui.messages import RefreshJob
from console.tui.panes.record_table import RecordTablePane
from console.tui.widgets.formatting import cell
from console.tui.widgets.tables import ColumnSpec

DAYS = 14  # daily rates shown
TOP = 20  # campaigns and records shown: the table stays far under a thousand rows
_KINDS = {"res.partner": "Partner", "mailing.contact": "Contact"}


class BouncesPane(RecordTablePane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "Z",
            "reset_bounce",
            "Reset bounces",
            id="bounce.reset",
            tooltip="Set this address's bounce counters to 0, as Odoo on a mail from it",
        ),
        Binding(
            "B",
            "blacklist",
            "Blacklist",
            id="bounce.blacklist",
            tooltip="The blacklist, searched for this record's address (removed entries too)",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="bounce.undo",
            tooltip="Undo the last action (a reset gets its counters back)",
        ),
    ]

    title = "Bounces"
    columns = (
        ColumnSpec("kind", "Kind", 8),
        ColumnSpec("what", "What", 34),
        ColumnSpec("sent", "Of", 7),
        ColumnSpec("bounced", "Bounced", 7),
        ColumnSpec("rate", "Rate", 7),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.overview: BounceOverview | None = None
        self.counters: dict[str, BounceCounter] = {}

    def refresh_job(self) -> RefreshJob:
        return RefreshJob(lambda backend: backend.bounce_overview(days=DAYS, limit=TOP))

    def apply_refresh(self, job: RefreshJob, payload: object) -> None:
        if not isinstance(payload, BounceOverview):
            return
        self.overview = payload
        self.counters = {f"r:{c.model}:{c.record_id}": c for c in payload.counters}
        self.sync(self.rows(payload))

    def rows(self, overview: BounceOverview) -> list[tuple[str, list[Text]]]:
        found = [
            ("w:24h", self._rate("Last", "24 hours", overview.last_24h)),
            ("w:7d", self._rate("Last", "7 days", overview.last_7d)),
        ]
        found += [(f"d:{d.label}", self._rate("Day", d.label, d)) for d in reversed(overview.days)]
        for c in overview.campaigns:
            ratio = Text(f"{c.ratio:g}%", end="")
            found.append(
                (
                    f"c:{c.mailing_id}",
                    [
                        Text("Campaign", end=""),
                        cell(f"#{c.mailing_id} {c.subject or ''}", 34),
                        Text(str(c.denominator), end=""),
                        Text(str(c.bounced), end=""),
                        ratio,
                    ],
                )
            )
        for key, counter in self.counters.items():
            who = f"{counter.name or '?'} <{counter.email or ''}>"
            found.append(
                (
                    key,
                    [
                        Text(_KINDS.get(counter.model, counter.model), end=""),
                        cell(who, 34),
                        Text("", end=""),
                        Text(str(counter.bounces), end=""),
                        Text("", end=""),
                    ],
                )
            )
        return found

    def _rate(self, kind: str, label: str, window: RateWindow) -> list[Text]:
        rate = Text(percent(window.rate), end="")
        if window.rate is not None and window.sent >= 100 and window.rate >= 0.02:
            rate = self.host.palette.word(percent(window.rate), "warning")
        return [
            Text(kind, end=""),
            cell(label, 34),
            Text(str(window.sent), end=""),
            Text(str(window.bounced), end=""),
            rate,
        ]

    def cursor_counter(self) -> BounceCounter | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.counters.get(str(key))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reset_bounce", "undo"):
            return self.host.can_write()
        return True

    def action_reset_bounce(self) -> None:
        counter = self.cursor_counter()
        address = email_normalize(counter.email) if counter else None
        if counter is None or address is None:
            self.app.notify(
                "Put the cursor on a partner or mailing contact with an address.",
                title="Reset bounces",
            )
            return
        word = MODEL_WORDS.get(counter.model, counter.model)
        example = f"{address}: {word} {counter.name or '?'} ({counter.bounces} bounces)"
        self.host.request_action(
            ActionRequest(
                "reset-bounce",
                (counter.record_id,),
                example,
                origin=self.id or "",
                addresses=(address,),
            )
        )

    def action_undo(self) -> None:
        self.host.request_undo(self.id or "")

    def action_blacklist(self) -> None:
        from console.tui.screens.blacklist_screen import BlacklistScreen

        self.app.push_screen(BlacklistScreen(search=self.blacklist_target() or ""))

    def blacklist_target(self) -> str | None:
        """The normalized address under the cursor (None when the cursor is not on a
        partner or mailing contact): what B searches the blacklist for."""
        counter = self.cursor_counter()
        return email_normalize(counter.email) if counter else None

    def summary(self) -> str:
        overview = self.overview
        if overview is None:
            return ""
        day, week = overview.last_24h, overview.last_7d
        parts = [f"bounce rate {percent(day.rate)} 24h, {percent(week.rate)} 7d"]
        parts.append(f"{len(overview.counters)} records with bounces")
        if not overview.contacts_readable:
            parts.append("no mailing contacts (mass_mailing not installed)")
        return " · ".join(parts)
