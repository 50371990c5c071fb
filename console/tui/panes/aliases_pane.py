"""Aliases pane (8): where incoming mail goes, and `i` "would Odoo accept a mail to…?"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from console.backends.base import MailQueueBackend
from console.domain.inbound import Alias
from console.tui.messages import RefreshJob
from console.tui.panes.record_table import RecordTablePane
from console.tui.screens.inbound_screen import InboundScreen
from console.tui.widgets.formatting import cell, describe_error
from console.tui.widgets.tables import ColumnSpec

CONTACT_WORDS = {"everyone": "everyone", "partners": "partners", "followers": "followers"}


@dataclass(frozen=True, slots=True)
class AliasesUnreadable:
    error: str


def read_aliases(backend: MailQueueBackend) -> list[Alias] | AliasesUnreadable:
    """In the refresh worker: the aliases, or why they cannot be read (the refresh goes on)."""
    try:
        return list(backend.routing_setup().aliases)
    except Exception as exc:
        return AliasesUnreadable(describe_error(exc))


class AliasesPane(RecordTablePane):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "i",
            "check",
            "Accept a mail to…?",
            id="aliases.check",
            tooltip="Would Odoo accept a mail to an address (and reply)? Its routing verdict",
        ),
    ]

    title = "Aliases"
    columns = (
        ColumnSpec("address", "Address", 30),
        ColumnSpec("model", "Model", 16),
        ColumnSpec("contact", "Contact", 9),
        ColumnSpec("thread", "Thread", 6),
        ColumnSpec("status", "Status", 7),
    )

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.aliases: list[Alias] = []

    def refresh_job(self) -> RefreshJob:
        return RefreshJob(read_aliases)

    def apply_refresh(self, job: RefreshJob, payload: object) -> None:
        if isinstance(payload, AliasesUnreadable):
            self.loaded = True
            self.show_error(payload.error)
            return
        if not isinstance(payload, list):
            return
        self.aliases = [a for a in payload if isinstance(a, Alias)]
        self.sync([(str(a.id), self._cells(a)) for a in self.aliases])

    def _cells(self, alias: Alias) -> list[Text]:
        palette = self.host.palette
        contact = CONTACT_WORDS.get(alias.contact, alias.contact)
        tone = "" if alias.contact == "everyone" else "warning"
        status = alias.status or ""
        return [
            cell(alias.address, 30),
            cell(alias.model or "?", 16),
            palette.word(contact, tone),
            Text(str(alias.force_thread_id or ""), end=""),
            palette.word(status[:7], "error" if status == "invalid" else ""),
        ]

    def cursor_alias(self) -> Alias | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in self.aliases if str(a.id) == key), None)

    def action_check(self) -> None:
        backend = self.host.backend
        if backend is None:
            self.app.notify("Not connected to the database yet.", title="Incoming check")
            return
        alias = self.cursor_alias()
        self.app.push_screen(
            InboundScreen(backend, self.host.palette, alias.address if alias else "")
        )

    def summary(self) -> str:
        if not self.aliases:
            return "no mail alias · i: would Odoo accept a mail to…?"
        restricted = sum(1 for a in self.aliases if a.contact != "everyone")
        parts = [f"{len(self.aliases)} aliases"]
        if restricted:
            parts.append(f"{restricted} restricted")
        parts.append("i: would Odoo accept a mail to…?")
        return " · ".join(parts)
