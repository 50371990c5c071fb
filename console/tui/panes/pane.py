"""What every switchable pane offers the App, and what the App offers the panes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from textual.containers import Vertical

if TYPE_CHECKING:  # typing only: every pane imports this module
    from datetime import tzinfo

    from console.backends.base import MailQuery, MailQueueBackend
    from console.domain.models import CronRow, DatabaseInfo, QueueStatus
    from console.tui.controllers.action_request import ActionRequest
    from console.tui.messages import RefreshJob
    from console.tui.widgets.formatting import Palette
    from console.tui.widgets.header import HeaderState


class ConsoleHost(Protocol):
    """The parts of the App a pane may read (the App owns them)."""

    backend: MailQueueBackend | None
    info: DatabaseInfo | None
    tz: tzinfo
    palette: Palette
    header_state: HeaderState  # every full screen shows it: database, RW/READ-ONLY, health
    status: QueueStatus | None  # the last counts per state

    def open_detail(self, mail_id: int) -> None: ...

    def request_refresh(self) -> None: ...

    def can_write(self) -> bool:
        """Connected and not read-only: the write keys are offered."""
        ...

    def request_action(self, request: ActionRequest) -> None:
        """Confirm `request` in a dialog, then run it in a worker."""

    def request_undo(self, origin: str) -> None:
        """Show what `u` would undo, then undo it once confirmed."""

    def request_trigger(self, cron: CronRow) -> None:
        """Confirm, then ask Odoo to run this cron now."""

    def select_matching(self, pane_id: str, query: MailQuery, generation: int) -> None:
        """Find every mail matching `query` (all pages) and select them in the pane."""


class Pane(Vertical):
    """A pane of the main screen; the App asks it what to fetch on each refresh."""

    title = ""

    @property
    def host(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    def refresh_job(self) -> RefreshJob | None:
        """What to fetch for this pane during the next refresh (None: nothing)."""
        return None

    def apply_refresh(self, job: RefreshJob, payload: object) -> None:
        """Show what `job` fetched (called on the event loop)."""

    def show_error(self, message: str | None) -> None:
        """Show (or clear, with None) a one-line error in the pane's status line."""

    def focus_main(self) -> None:
        """Give the keyboard to the pane's main widget."""

    def restyle(self) -> None:
        """Re-render coloured cells after a theme change."""
