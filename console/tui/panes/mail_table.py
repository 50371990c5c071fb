"""The Outgoing and Failed panes: the keys, the filter and the selection over the window.

`MailWindow` (mail_window.py) keeps which mails the table holds and pages them in SQL;
this class adds what the operator does with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from console.backends.base import MailQuery
from console.domain.pause import is_held
from console.tui.controllers.action_request import LIST_ACTIONS, ActionRequest, mail_example
from console.tui.panes.mail_window import MAX_ROWS, PAGE_SIZE, MailWindow
from console.tui.widgets.mail_cells import selected_cell
from console.tui.widgets.tables import MailTable

__all__ = ["MAX_ROWS", "PAGE_SIZE", "MailListPane"]


class MailListPane(MailWindow):
    """A mail list the operator filters, selects in and acts on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "mail_action('retry')",
            "Retry",
            id="mail.retry",
            tooltip="Retry: back to Outgoing for Odoo's queue",
        ),
        Binding(
            "S",
            "mail_action('send')",
            "Send now",
            id="mail.send",
            tooltip="Send now through SMTP (irreversible)",
        ),
        Binding(
            "c",
            "mail_action('cancel')",
            "Cancel",
            id="mail.cancel",
            tooltip="Cancel: Odoo will not send them (kept)",
        ),
        Binding(
            "x",
            "mail_action('ignore')",
            "Ignore all",
            id="mail.ignore",
            tooltip="Ignore all: failed notifications to canceled",
        ),
        Binding(
            "h",
            "hold_toggle",
            "Hold",
            id="mail.hold",
            tooltip="Hold: Odoo's queue and Send now leave them alone (h on held ones releases)",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="mail.undo",
            tooltip="Undo the last retry, cancel or ignore",
        ),
        Binding(
            "slash",
            "open_filter",
            "Filter",
            id="mail.filter",
            tooltip="Filter (address, subject, document, reason, id), in SQL",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            show=False,
            id="mail.clear_filter",
            tooltip="Clear the filter and close its input",
        ),
        Binding(
            "space",
            "toggle_selection",
            "Select",
            id="mail.select",
            key_display="␣",
            tooltip="Select or unselect the mail (✓) for an action",
        ),
        Binding(
            "asterisk",
            "select_matching",
            "Select all",
            show=False,
            id="mail.select_all",
            tooltip="Select every mail matching the filter (all pages)",
        ),
        Binding(
            "a",
            "toggle_all_states",
            "All states",
            id="mail.all_states",
            tooltip="Every state, or back to this list's own: find a mail whatever became of it",
        ),
        Binding(
            "U",
            "clear_selection",
            "Unselect all",
            show=False,
            id="mail.unselect_all",
            tooltip="Clear the selection",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield MailTable(id=f"{self.id}-table", cursor_type="row", classes="mail-table")
        with Horizontal(classes="filter-row"):
            yield Static("filter ", classes="filter-label")
            yield Input(
                placeholder="address, subject, document, reason or id · enter applies · esc clears",
                id=f"{self.id}-filter",
                classes="filter",
            )
        yield Static(id=f"{self.id}-status", classes="status-line")

    def on_mount(self) -> None:
        for spec in self.columns:
            self.table.add_column(spec.label, width=spec.width, key=spec.key)
        self.query_one(".filter-row").display = False
        self._update_status()

    # -- filter ---------------------------------------------------------------------
    def action_open_filter(self) -> None:
        field = self.query_one(Input)
        field.value = self.filter_text
        self.query_one(".filter-row").display = True
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one(Input)
        had_filter = bool(self.filter_text)
        if not had_filter and not self.query_one(".filter-row").display:
            self.table.focus()
            self.app.call_later(self.app.run_action, "back_to_fleet")  # nothing to clear: up
            return
        field.value = ""
        self.query_one(".filter-row").display = False
        self.table.focus()
        if had_filter:
            self.set_filter("")

    @on(Input.Submitted)
    def _on_filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(".filter-row").display = False
        self.table.focus()
        self.set_filter(event.value.strip())

    def action_toggle_all_states(self) -> None:
        """Every mail, whatever its state (a mail just cancelled, or sent and not yet
        deleted, can be found again by its id or document), or back to the list's own."""
        self.states = self.own_states if not self.states else ()
        self.noun = self.own_noun if self.states else "mails, all states"
        self.reset()
        status = self.host.status
        if status is not None:  # the list's own total, from the counts already read
            self.set_total_from_counts(status.counts)

    def set_filter(self, text: str) -> None:
        if text == self.filter_text and self.loaded:
            return
        self.filter_text = text
        self.reset()

    # -- selection ------------------------------------------------------------------
    def _show_selected(self, ids: Iterable[int]) -> None:
        with self.app.batch_update():
            for mail_id in ids:
                if mail_id in self.rows:
                    cell = selected_cell(mail_id in self.selected)
                    self.table.update_cell(str(mail_id), "sel", cell)
        self._update_status()

    def select_ids(self, ids: Iterable[int]) -> int:
        """Add `ids` to the selection; returns how many were not selected yet."""
        added = set(ids) - self.selected
        self.selected |= added
        self._show_selected(added)
        return len(added)

    def unselect(self, ids: Iterable[int]) -> None:
        removed = self.selected & set(ids)
        self.selected -= removed
        self._show_selected(removed)

    def action_clear_selection(self) -> None:
        self.unselect(set(self.selected))

    def action_select_matching(self) -> None:
        if self.host.backend is None:
            return
        self.pending_loads.add("selection")
        self._update_status()
        query = MailQuery(states=self.states, text=self.filter_text)
        self.host.select_matching(self.id or "", query, self.generation)

    def matches_loaded(self, ids: list[int], generation: int, error: str | None = None) -> None:
        self.pending_loads.discard("selection")
        if error is not None:
            self._update_status()
            self.app.notify(error, title="Select all", severity="error")
            return
        if generation != self.generation:
            self._update_status()
            return  # the filter changed meanwhile: that selection no longer means anything
        added = self.select_ids(ids)
        where = f"matching '{self.filter_text}'" if self.filter_text else "in this list"
        self.app.notify(
            f"{len(ids)} {self.noun} mails {where} selected ({added} newly); U unselects all",
            title="Select all",
        )

    # -- actions --------------------------------------------------------------------
    def target(self) -> tuple[tuple[int, ...], str]:
        """The selection if any, else the row under the cursor; and one example of it."""
        cursor = self.cursor_id()
        if self.selected:
            ids = tuple(sorted(self.selected, reverse=True))
        else:
            ids = () if cursor is None else (cursor,)
        shown = cursor if cursor in ids else next((i for i in ids if i in self.rows), None)
        if shown is not None and shown in self.rows:
            example = mail_example(self.rows[shown])
        else:
            example = f"#{ids[0]}" if ids else ""
        return ids, example

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mail_action":
            name = str(parameters[0]) if parameters else ""
            return self.host.can_write() and name in LIST_ACTIONS.get(self.kind, frozenset())
        if action == "undo":
            return self.host.can_write()
        if action == "hold_toggle":
            return self.host.can_write() and self.kind == "outgoing"
        return True

    def action_mail_action(self, action: str) -> None:
        if action not in LIST_ACTIONS.get(self.kind, frozenset()):
            return
        ids, example = self.target()
        if not ids:
            self.app.notify(f"No {self.noun} mail here.", title=self.title, severity="warning")
            return
        self.host.request_action(
            ActionRequest(action, ids, example, origin=self.id or "", include_cancelled=False)
        )

    def action_hold_toggle(self) -> None:
        """h: hold the target mails, or release them when every one is held."""
        if self.kind != "outgoing":
            return
        ids, example = self.target()
        if not ids:
            self.app.notify(f"No {self.noun} mail here.", title=self.title, severity="warning")
            return
        rows = [self.rows[i] for i in ids if i in self.rows]
        held = len(rows) == len(ids) and all(is_held(r.scheduled_date) for r in rows)
        action = "release" if held else "hold"
        self.host.request_action(ActionRequest(action, ids, example, origin=self.id or ""))

    def action_undo(self) -> None:
        self.host.request_undo(self.id or "")

    def action_toggle_selection(self) -> None:
        mail_id = self.cursor_id()
        if mail_id is None:
            return
        if mail_id in self.selected:
            self.selected.discard(mail_id)
        else:
            self.selected.add(mail_id)
        self.table.update_cell(str(mail_id), "sel", selected_cell(mail_id in self.selected))
        self.table.action_cursor_down()
        self._update_status()

    # -- detail ---------------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.host.open_detail(int(event.row_key.value))

    # -- Pane -----------------------------------------------------------------------
    def focus_main(self) -> None:
        field = self.query_one(Input)
        (field if self.query_one(".filter-row").display else self.table).focus()

    def restyle(self) -> None:
        with self.app.batch_update():
            for mail_id, row in self.rows.items():
                for spec, value in zip(self.columns, self._cells(row), strict=True):
                    if spec.key == "state":
                        self.table.update_cell(str(mail_id), spec.key, value)
