"""Odoo's e-mail blacklist as a screen any pane can push (``B``, or the palette): the
entries newest first, a page of the source at a time, searched in SQL (``/``), removed ones
too with ``a``; ``D`` removes the entry under the cursor from the blacklist, asking for the
reason, through the same confirmation, journal and undo as every write."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static

from console.domain.actions import confirmation_prompt
from console.domain.blacklist import BlacklistEntry, BlacklistPage, BlacklistQuery
from console.domain.timefmt import short_local
from console.tui.controllers.action_request import ActionRequest, Dialog
from console.tui.widgets.formatting import describe_error, ellipsize, one_line
from console.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.tui.app import MailQueueApp

PAGE_SIZE = 200  # rows in the table at once; the next page is read from the database


class BlacklistLoaded(Message):
    def __init__(self, page: BlacklistPage | None, error: str | None = None) -> None:
        super().__init__()
        self.page = page
        self.error = error


class ReasonScreen(ModalScreen[str | None]):
    """Why the address leaves the blacklist: the wizard's Reason (enter: go on, esc: no)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", id="reason.cancel")
    ]

    def __init__(self, email: str) -> None:
        super().__init__()
        self.email = email

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-box"):
            yield Static(f"Remove {ellipsize(self.email, 50)} from the blacklist. Reason:")
            yield Input(placeholder="written in the entry's chatter, as Odoo's wizard does",
                        id="reason-input")  # fmt: skip
            yield Static("enter: continue (then confirm) · esc: cancel")

    @on(Input.Submitted, "#reason-input")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class BlacklistScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "open_filter", "Search", id="blacklist.search"),
        Binding("a", "toggle_removed", "Removed too", id="blacklist.all"),
        Binding("right_square_bracket", "next_page", "Next page", id="blacklist.next"),
        Binding("left_square_bracket", "first_page", "First page", id="blacklist.first"),
        Binding("D", "remove_from_blacklist", "Unblacklist", id="blacklist.remove",
                tooltip="Remove the address under the cursor from the blacklist, with a reason"),
        Binding("u", "undo", "Undo", id="blacklist.undo", tooltip="Undo the last action"),
        Binding("escape", "back", "Back", id="blacklist.back"),
    ]  # fmt: skip

    def __init__(self, search: str = "") -> None:
        """``search``: open already searched for this address (the Bounces pane's B)."""
        super().__init__()
        self.query_state = BlacklistQuery(
            text=search, limit=PAGE_SIZE, include_removed=bool(search)
        )
        self.entries: list[BlacklistEntry] = []
        self.has_more = False
        self.loading = False

    @property
    def mailq(self) -> MailQueueApp:
        return cast("MailQueueApp", self.app)  # pushed by the App only; no import cycle

    def compose(self) -> ComposeResult:
        yield Static("Blacklist", id="blacklist-title")
        yield Input(placeholder="part of the address (enter: search; esc: clear)",
                    id="blacklist-filter")  # fmt: skip
        yield DataTable(id="blacklist-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="blacklist-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        field = self.query_one("#blacklist-filter", Input)
        field.value = self.query_state.text
        field.display = bool(self.query_state.text)
        table = self.query_one(DataTable)
        table.add_columns("Address", "State", "Blacklisted", "Carried by", "Last note")
        table.focus()
        self.load()

    # -- reading, in a worker -----------------------------------------------------------
    def load(self) -> None:
        backend = self.mailq.backend
        if backend is None:
            self._status("Not connected yet.")
            return
        self.loading = True
        self._status("Reading…")
        query = self.query_state
        self.run_worker(lambda: self._read(backend, query), group="blacklist-read",
                        exclusive=True, thread=True, exit_on_error=False)  # fmt: skip

    def _read(self, backend: MailQueueBackend, query: BlacklistQuery) -> None:
        try:
            page = backend.blacklist(query)
        except Exception as exc:
            self.post_message(BlacklistLoaded(None, describe_error(exc)))
            return
        self.post_message(BlacklistLoaded(page))

    @on(BlacklistLoaded)
    def loaded(self, message: BlacklistLoaded) -> None:
        self.loading = False
        if message.page is None:
            self._status(f"✖ {message.error}")
            return
        page = message.page
        self.entries, self.has_more = list(page.rows), page.has_more
        table = self.query_one(DataTable)
        table.clear()
        tz = self.mailq.tz
        for e in self.entries:
            table.add_row(
                ellipsize(e.email, 30),
                "blacklisted" if e.active else "removed",
                short_local(e.created, tz),
                ellipsize(_carriers(e), 16),
                ellipsize(one_line(e.note or ""), 30),
                key=str(e.id),
            )
        if not page.available:
            self._status("This database has no e-mail blacklist (mail_blacklist table).")
            return
        what = "entries" if self.query_state.include_removed else "blacklisted addresses"
        searched = f" · search: {self.query_state.text!r}" if self.query_state.text else ""
        more = " · ] next page" if self.has_more else ""
        self._status(f"{len(self.entries)} {what}{searched}{more}")

    def _status(self, text: str) -> None:
        self.query_one("#blacklist-status", Static).update(text)

    # -- keys ---------------------------------------------------------------------------
    def action_open_filter(self) -> None:
        field = self.query_one("#blacklist-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Submitted, "#blacklist-filter")
    def search(self, event: Input.Submitted) -> None:
        self.query_state = replace(self.query_state, text=event.value.strip(), before_id=None)
        self.query_one(DataTable).focus()
        self.load()

    def action_toggle_removed(self) -> None:
        removed = not self.query_state.include_removed
        self.query_state = replace(self.query_state, include_removed=removed, before_id=None)
        self.load()

    def action_next_page(self) -> None:
        if self.has_more and self.entries:
            self.query_state = replace(self.query_state, before_id=self.entries[-1].id)
            self.load()

    def action_first_page(self) -> None:
        self.query_state = replace(self.query_state, before_id=None)
        self.load()

    def action_back(self) -> None:
        field = self.query_one("#blacklist-filter", Input)
        if field.display:  # esc clears the search first, then leaves
            field.value, field.display = "", False
            if self.query_state.text:
                self.query_state = replace(self.query_state, text="", before_id=None)
                self.load()
            self.query_one(DataTable).focus()
            return
        self.app.pop_screen()

    def cursor_entry(self) -> BlacklistEntry | None:
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row < 0 or table.cursor_row >= len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def action_remove_from_blacklist(self) -> None:
        actions = self.mailq.actions
        if actions.refused():
            return
        entry = self.cursor_entry()
        if entry is None or not entry.active:
            what = "No entry" if entry is None else f"{entry.email} is not blacklisted any more"
            self.app.notify(f"{what}: nothing to remove.", title="Unblacklist")
            return

        def reasoned(reason: str | None) -> None:
            if reason is None:
                self.app.notify("Unblacklist: nothing done.", title="Unblacklist")
                return
            request = ActionRequest("unblacklist", (entry.id,), entry.email, origin="blacklist",
                                    reason=reason)  # fmt: skip
            dialog = Dialog(
                "Unblacklist",
                confirmation_prompt("unblacklist", 1, entry.email),
                notes=(
                    f"Reason: {one_line(reason)}" if reason else "No reason (Odoo allows it).",
                    "Odoo may mail this address again. The chatter line stays after undo (u).",
                ),
                confirm_label="Unblacklist",
                variant="warning",
            )
            actions.confirm(dialog, request)

        self.app.push_screen(ReasonScreen(entry.email), reasoned)

    def action_undo(self) -> None:
        self.mailq.request_undo("blacklist")


def _carriers(entry: BlacklistEntry) -> str:
    if entry.partners:
        first = entry.partners[0][1] or f"#{entry.partners[0][0]}"
        more = f" +{entry.partner_count - 1}" if entry.partner_count > 1 else ""
        return first + more
    return f"{entry.contact_count} contacts" if entry.contact_count else ""
