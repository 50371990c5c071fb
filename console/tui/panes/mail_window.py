"""The keyset window behind the Outgoing and Failed lists: which mails the table holds.

Pages are read in SQL in worker threads, newest first by id (Outgoing) or by failure
time then id (Failed: console.domain.mail_order); the table is changed by diff so the
cursor stays on its mail, and it never holds more than MAX_ROWS: the end farther from
the cursor gives way. `MailListPane` adds the keys, the filter and the selection on top
of this.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.widgets import DataTable, Static

from console.backends.base import MailQuery
from console.domain.mail_order import ListKey, key_of, list_key
from console.tui.messages import CountLoaded, LoadFailed, PageLoaded, RefreshJob
from console.tui.panes.pane import Pane
from console.tui.widgets.formatting import describe_error
from console.tui.widgets.mail_cells import mail_cells, mail_columns, prime_causes
from console.tui.widgets.tables import MailTable

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.domain.models import MailPage, MailRow

PAGE_SIZE = 200
MAX_ROWS = 1000  # the most rows the widget holds; older or newer pages are dropped
PREFETCH_ROWS = 10  # load the next page this many rows before the cursor hits the end


@dataclass(frozen=True, slots=True)
class _RefreshContext:
    query: MailQuery
    generation: int


class MailWindow(Pane):
    """Mails in some states, newest first, paged in SQL; the table never holds > MAX_ROWS."""

    def __init__(self, kind: str, states: tuple[str, ...], noun: str, *, id: str) -> None:
        super().__init__(id=id, classes="pane mail-pane")
        self.kind = kind
        self.states = states  # () while `a` shows every state
        self.own_states = states
        self.noun = noun
        self.own_noun = noun
        self.title = noun.capitalize()
        self.columns = mail_columns(kind)
        self.rows: dict[int, MailRow] = {}
        self.ids: list[int] = []  # what the table shows, in list order (largest key first)
        self.more_above = False  # newer rows were dropped from the top
        self.more_below = False  # older rows exist beyond the last loaded one
        self.rows_above = 0  # how many rows of the list sit above the window (approximate)
        self.generation = 0  # bumped on every reset: late results of older queries are dropped
        self.filter_text = ""
        self.selected: set[int] = set()
        self.total: int | None = None
        self.loaded = False
        self.pending_loads: set[str] = set()
        self.error: str | None = None

    @property
    def table(self) -> MailTable:
        return self.query_one(MailTable)

    # -- what the table shows ---------------------------------------------------------
    def _cells(self, row: MailRow) -> list[Text]:
        host = self.host
        selected = row.id in self.selected
        return mail_cells(row, self.columns, selected=selected, tz=host.tz, palette=host.palette)

    def cursor_id(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(row_key.value) if row_key.value is not None else None

    def key_of(self, mail_id: int) -> ListKey:
        """Where a shown mail sits in the list (larger keys first)."""
        return list_key(self.rows[mail_id], self.by_failure)

    def _cursor_index(self) -> int:
        return min(self.table.cursor_row, max(0, len(self.ids) - 1))

    def _apply(
        self,
        upserts: Iterable[MailRow],
        removals: Iterable[int] = (),
        *,
        trim: str = "auto",
        forget_removed: bool = False,
    ) -> None:
        """Change the table by diff, keeping the cursor on the same mail and the view still.

        `removals` left the list; `trim` says which end gives way when the window would
        exceed MAX_ROWS ("top", "bottom", or "auto": the end farther from the cursor).
        """
        table = self.table
        old_ids = self.ids
        cursor_id = self.cursor_id()
        old_index = self._cursor_index()
        screen_offset = old_index - round(table.scroll_y)
        gone = set(removals)
        if forget_removed:
            self.selected -= gone
        wanted = {mail_id: row for mail_id, row in self.rows.items() if mail_id not in gone}
        wanted.update((row.id, row) for row in upserts)
        keys = {mail_id: list_key(row, self.by_failure) for mail_id, row in wanted.items()}
        final_ids = self._trim(sorted(wanted, key=keys.__getitem__, reverse=True), trim, cursor_id)
        keep = set(final_ids)
        with self.app.batch_update():
            table.remove_rows(str(mail_id) for mail_id in self.rows if mail_id not in keep)
            bottom = min((keys[i] for i in self.rows if i in keep), default=None)
            needs_sort = False
            for mail_id in final_ids:
                row = wanted[mail_id]
                previous = self.rows.get(mail_id)
                if previous is None:
                    table.add_row(*self._cells(row), key=str(mail_id))
                    needs_sort = needs_sort or (bottom is not None and keys[mail_id] > bottom)
                elif previous != row:
                    for spec, value in zip(self.columns, self._cells(row), strict=True):
                        table.update_cell(str(mail_id), spec.key, value)
                    # failed again since: it moves up the Failed list
                    needs_sort = needs_sort or list_key(previous, self.by_failure) != keys[mail_id]
            if needs_sort:
                table.sort("id", key=lambda text: keys[int(text.plain)], reverse=True)
            self.rows = {mail_id: wanted[mail_id] for mail_id in final_ids}
            self.ids = final_ids
            self._restore_cursor(cursor_id, old_ids, old_index, screen_offset)
        self._update_status()

    def _trim(self, ids: list[int], side: str, cursor_id: int | None) -> list[int]:
        """At most MAX_ROWS of `ids` (newest first); records what was dropped at each end."""
        excess = len(ids) - MAX_ROWS
        if excess <= 0:
            return ids
        if side == "auto":
            index = ids.index(cursor_id) if cursor_id in ids else 0
            side = "top" if index > len(ids) // 2 else "bottom"
        if side == "top":
            self.more_above = True
            self.rows_above += excess
            return ids[excess:]
        self.more_below = True
        return ids[:-excess]

    def _restore_cursor(
        self, cursor_id: int | None, old_ids: list[int], old_index: int, screen_offset: int
    ) -> None:
        if not self.ids:
            return
        target = cursor_id if cursor_id in self.rows else None
        if target is None and old_ids:
            # The mail under the cursor left the list: take the next one that stayed.
            later = (i for i in old_ids[old_index:] if i in self.rows)
            earlier = (i for i in reversed(old_ids[:old_index]) if i in self.rows)
            target = next(later, None) or next(earlier, None)
        index = self.ids.index(target) if target is not None else 0
        table = self.table
        if index != table.cursor_row:
            table.move_cursor(row=index, scroll=False)
        wanted_y = max(0, index - screen_offset)
        if wanted_y != round(table.scroll_y):
            table.call_after_refresh(table.scroll_to, y=wanted_y, animate=False)

    # -- refresh (driven by the App) ------------------------------------------------
    @property
    def by_failure(self) -> bool:
        """Newest failure first, not newest created: the Failed list on its own state
        (with every state shown, `a`, only failed mails have a failure time)."""
        return self.kind == "failed" and bool(self.states)

    def _base_query(
        self, *, before: ListKey | None = None, after: ListKey | None = None, limit: int = 0
    ) -> MailQuery:
        return MailQuery(
            states=self.states,
            text=self.filter_text,
            limit=limit or PAGE_SIZE,
            by_failure=self.by_failure,
            before_id=None if before is None else before[1],
            before_at=before[0] if before is not None and self.by_failure else None,
            after_id=None if after is None else after[1],
            after_at=after[0] if after is not None and self.by_failure else None,
        )

    def refresh_job(self) -> RefreshJob:
        """Re-read the top of the window down to a page past the cursor (one query)."""
        if not self.ids:
            query = self._base_query()
        else:
            covered = min(len(self.ids), max(self._cursor_index() + 1 + PAGE_SIZE, PAGE_SIZE))
            first = self.key_of(self.ids[0])
            # the first shown row included: the bound just past it
            before = (first[0], first[1] + 1) if self.more_above else None
            query = self._base_query(before=before, limit=covered)
        context = _RefreshContext(query, self.generation)
        return RefreshJob(partial(_read_page, query), context)

    def apply_refresh(self, job: RefreshJob, payload: object) -> None:
        context = job.context
        from console.domain.models import MailPage  # loaded by the backend by now

        if not isinstance(context, _RefreshContext) or not isinstance(payload, MailPage):
            return
        if context.generation != self.generation:
            return  # the filter changed meanwhile; a new refresh is on its way
        self.error = None
        fresh = payload.rows
        asked = context.query
        high = (
            None
            if asked.before_id is None
            else key_of(asked.before_at, asked.before_id, asked.by_failure)
        )
        # Everything in [low, high) is now known exactly: what is not in `fresh` left the list.
        low = list_key(fresh[-1], self.by_failure) if (fresh and payload.has_more) else None
        fresh_ids = {row.id for row in fresh}
        gone = [
            mail_id
            for mail_id in self.ids
            if (high is None or self.key_of(mail_id) < high)
            and (low is None or self.key_of(mail_id) >= low)
            and mail_id not in fresh_ids
        ]
        reaches_bottom = (
            not self.ids
            or not fresh
            or list_key(fresh[-1], self.by_failure) <= self.key_of(self.ids[-1])
        )
        if not payload.has_more:
            self.more_below = False
        elif reaches_bottom:
            self.more_below = True
        if high is None:
            self.more_above = False
            self.rows_above = 0
        first_load = not self.loaded
        self.loaded = True
        self._apply(fresh, gone, forget_removed=True)
        # Without a filter the total comes with the App's counts (set_total_from_counts):
        # counting here too would scan every mail again.
        if self.filter_text or (first_load and not self.states):
            self.count_mails(self._base_query(), self.generation)
        self._maybe_load_more()

    def set_total_from_counts(self, counts: dict[str, int]) -> None:
        """Without a filter the total is the sum of the state counts the App just read."""
        if not self.filter_text and self.states:
            self.total = sum(counts.get(state, 0) for state in self.states)
            self._update_status()

    # -- paging ------------------------------------------------------------------------
    @on(DataTable.RowHighlighted)
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._maybe_load_more()

    def _maybe_load_more(self) -> None:
        if not self.ids or self.host.backend is None:
            return
        index = self._cursor_index()
        if self.more_below and index >= len(self.ids) - 1 - PREFETCH_ROWS:
            if "below" not in self.pending_loads:
                self.pending_loads.add("below")
                self._update_status()
                query = self._base_query(before=self.key_of(self.ids[-1]))
                self.load_page("below", query, self.generation)
        elif self.more_above and index == 0 and "above" not in self.pending_loads:
            self.pending_loads.add("above")
            self._update_status()
            query = self._base_query(after=self.key_of(self.ids[0]))
            self.load_page("above", query, self.generation)

    def load_page(self, direction: str, query: MailQuery, generation: int) -> None:
        if direction == "below":
            self.load_older_page(query, generation)
        else:
            self.load_newer_page(query, generation)

    # One group per direction: `exclusive` must not cancel the other direction's load.
    @work(thread=True, exclusive=True, group="page-below", exit_on_error=False)
    def load_older_page(self, query: MailQuery, generation: int) -> None:
        self._fetch_page("below", query, generation)

    @work(thread=True, exclusive=True, group="page-above", exit_on_error=False)
    def load_newer_page(self, query: MailQuery, generation: int) -> None:
        self._fetch_page("above", query, generation)

    def _fetch_page(self, direction: str, query: MailQuery, generation: int) -> None:
        """Runs in a worker thread: read, then post; never touches a widget."""
        backend = self.host.backend
        if backend is None:
            self.post_message(LoadFailed(f"{direction}:page", "not connected", generation))
            return
        try:
            page = _read_page(query, backend)
        except Exception as exc:
            self.post_message(LoadFailed(f"{direction}:page", describe_error(exc), generation))
            return
        self.post_message(PageLoaded(direction, query, page, generation))

    @on(PageLoaded)
    def _on_page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        self.pending_loads.discard(message.direction)
        if message.generation != self.generation or not self.ids:
            self._update_status()
            return
        rows = message.page.rows
        if message.direction == "below":
            if self._base_query(before=self.key_of(self.ids[-1])) != message.query:
                self._maybe_load_more()  # the window moved meanwhile: ask again
                return
            self.more_below = message.page.has_more
            self._apply(rows, trim="top")
        else:
            if self._base_query(after=self.key_of(self.ids[0])) != message.query:
                self._maybe_load_more()
                return
            self.more_above = message.page.has_more
            self.rows_above = max(0, self.rows_above - len(rows)) if self.more_above else 0
            self._apply(rows, trim="bottom")
        self._maybe_load_more()

    @work(thread=True, exclusive=True, group="mail-count", exit_on_error=False)
    def count_mails(self, query: MailQuery, generation: int) -> None:
        backend = self.host.backend
        if backend is None:
            return
        try:
            total = backend.count_mails(query)
        except Exception as exc:
            self.post_message(LoadFailed("count", describe_error(exc), generation))
            return
        self.post_message(CountLoaded(total, generation))

    @on(CountLoaded)
    def _on_count_loaded(self, message: CountLoaded) -> None:
        message.stop()
        if message.generation == self.generation:
            self.total = message.total
            self._update_status()

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        message.stop()
        direction = message.what.split(":", 1)[0]
        self.pending_loads.discard(direction)
        if message.generation == self.generation:
            self.show_error(message.error)
            self.app.notify(message.error, title=f"{self.title}: loading failed", severity="error")

    def reset(self) -> None:
        """Forget every loaded row and load the first page again (through a refresh)."""
        self.generation += 1
        self.table.clear()
        self.rows.clear()
        self.ids = []
        self.more_above = self.more_below = False
        self.rows_above = 0
        self.total = None
        self.loaded = False
        self.pending_loads.clear()
        self._update_status()
        self.host.request_refresh()

    # -- status line ----------------------------------------------------------------
    def show_error(self, message: str | None) -> None:
        self.error = message
        self._update_status()

    def status_text(self) -> str:
        parts: list[str] = []
        if self.error:
            parts.append(f"⚠ {self.error}")
        total = "…" if self.total is None else str(self.total)
        parts.append(f"{total} {self.noun}")
        if self.selected:
            parts.append(f"{len(self.selected)} selected")
        parts.append(f"filter: {self.filter_text or 'none'}")
        if not self.loaded:
            parts.append("loading…" if self.host.backend is not None else "connecting…")
        elif not self.ids:
            parts.append("no rows")
        else:
            first = self.rows_above + 1
            last = self.rows_above + len(self.ids)
            suffix = f" of {self.total}" if self.total is not None else ""
            parts.append(f"rows {first}–{last}{suffix}")
            parts.append("newest first")
        if "selection" in self.pending_loads:
            parts.append("selecting…")
        if self.pending_loads - {"selection"}:
            parts.append("loading more…")
        return " · ".join(parts)

    def _update_status(self) -> None:
        if self.is_mounted:
            status = self.query_one(".status-line", Static)
            status.update(Text(self.status_text(), no_wrap=True, overflow="ellipsis"))
            status.set_class(bool(self.error), "-error")


def _read_page(query: MailQuery, backend: MailQueueBackend) -> MailPage:
    """In a worker: a page of mails, its failure causes classified for the cells."""
    page = backend.mail_page(query)
    prime_causes(page.rows)
    return page
