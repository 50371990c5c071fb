"""Past-tense events that thread workers post; handlers on the event loop own the state."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # typing only: the App imports this module before its first frame
    from datetime import datetime

    from console.backends.base import MailQuery, MailQueueBackend
    from console.domain.causes import CauseGroup
    from console.domain.health import CheckResult
    from console.domain.models import MailDetail, MailPage, MailRow, QueueStatus
    from console.services.probe import ProbeResult
    from console.tui.controllers.action_request import ActionRequest, Severity


@dataclass(frozen=True, slots=True)
class RefreshJob:
    """What a pane wants fetched on refresh; `context` comes back with the result."""

    fetch: Callable[[MailQueueBackend], object]
    context: object = None


class Connected(Message):
    def __init__(self, backend: MailQueueBackend) -> None:
        super().__init__()
        self.backend = backend


class ConnectFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class PaneRefreshed(Message):
    """The visible pane's data, read first by a refresh worker so it shows before the counts.

    `painted` is set once the rows are on screen; the worker waits for it (briefly) before
    it starts the counts, a scan that would otherwise take the CPU the paint needs.
    """

    def __init__(
        self, pane_id: str, job: RefreshJob, payload: object, painted: threading.Event
    ) -> None:
        super().__init__()
        self.pane_id = pane_id
        self.job = job
        self.payload = payload
        self.painted = painted


class RefreshLoaded(Message):
    """The counts, read last by a refresh worker: the refresh is complete (`status` None:
    this refresh read the pane alone, the counts being recent)."""

    def __init__(self, status: QueueStatus | None) -> None:
        super().__init__()
        self.status = status


class RefreshFailed(Message):
    """A refresh failed; `disconnected` when the database itself cannot be reached."""

    def __init__(self, error: str, disconnected: bool = False) -> None:
        super().__init__()
        self.error = error
        self.disconnected = disconnected


class PageLoaded(Message):
    """An older (`below`) or newer (`above`) keyset page for a mail list."""

    def __init__(self, direction: str, query: MailQuery, page: MailPage, generation: int) -> None:
        super().__init__()
        self.direction = direction
        self.query = query
        self.page = page
        self.generation = generation


class CountLoaded(Message):
    def __init__(self, total: int, generation: int) -> None:
        super().__init__()
        self.total = total
        self.generation = generation


class LoadFailed(Message):
    """A page, count or detail could not be read; `what` names it for the operator."""

    def __init__(self, what: str, error: str, generation: int = 0) -> None:
        super().__init__()
        self.what = what
        self.error = error
        self.generation = generation


class DetailLoaded(Message):
    def __init__(self, mail_id: int, detail: MailDetail | None) -> None:
        super().__init__()
        self.mail_id = mail_id
        self.detail = detail


class ActionFinished(Message):
    """An operator action ended: its outcome (or cron message), or the error that stopped it.

    `severity` is the toast's; `applied` the mail ids the action changed.
    """

    def __init__(
        self,
        request: ActionRequest,
        message: str,
        severity: Severity,
        applied: tuple[int, ...] = (),
    ) -> None:
        super().__init__()
        self.request = request
        self.message = message
        self.severity = severity
        self.applied = applied


class MatchesLoaded(Message):
    """Every id matching a mail list's filter (all pages), for `*`."""

    def __init__(
        self, pane_id: str, generation: int, ids: list[int], error: str | None = None
    ) -> None:
        super().__init__()
        self.pane_id = pane_id
        self.generation = generation
        self.ids = ids
        self.error = error


class UndoPreviewed(Message):
    """The journal entry `u` would undo (None: nothing to undo), or why it cannot be read."""

    def __init__(
        self, origin: str, entry: dict[str, object] | None, error: str | None = None
    ) -> None:
        super().__init__()
        self.origin = origin
        self.entry = entry
        self.error = error


class CausesLoaded(Message):
    """Failed mails grouped by cause (None with `error` when they could not be read)."""

    def __init__(
        self,
        groups: list[CauseGroup] | None,
        failed_count: int | None,
        seconds: float,
        error: str | None = None,
    ) -> None:
        super().__init__()
        self.groups = groups
        self.failed_count = failed_count
        self.seconds = seconds
        self.error = error


class HealthLoaded(Message):
    """One health run: every check's result, or why it could not run."""

    def __init__(self, results: list[CheckResult] | None, error: str | None = None) -> None:
        super().__init__()
        self.results = results
        self.error = error


class ProbeFinished(Message):
    """The live SMTP probe of every server ended (results), or could not start (error)."""

    def __init__(self, results: list[ProbeResult] | None, error: str | None = None) -> None:
        super().__init__()
        self.results = results
        self.error = error


class CauseMailsLoaded(Message):
    """The mails of one cause, for the drill-down list: every id, and the rows shown."""

    def __init__(
        self, signature: str, ids: list[int], rows: list[MailRow], error: str | None = None
    ) -> None:
        super().__init__()
        self.signature = signature
        self.ids = ids
        self.rows = rows
        self.error = error


class CausePreviewed(Message):
    """What `r`/`x` on a cause would touch right now, read before the dialog opens."""

    def __init__(
        self,
        action: str,
        group: CauseGroup,
        ids: list[int],
        example: str,
        error: str | None = None,
        queue: str = "",
    ) -> None:
        super().__init__()
        self.action = action
        self.group = group
        self.ids = ids
        self.example = example
        self.error = error
        self.queue = queue  # when Odoo's queue cron will send them (queue_schedule)


class RetryPreviewed(Message):
    """Before Retry's dialog: how many of the mails already reached some recipient."""

    def __init__(
        self,
        request: ActionRequest,
        delivered: tuple[int, int],
        error: str | None = None,
        *,
        mixed: str | None = None,
        queue: str = "",
    ):
        super().__init__()
        self.request = request
        self.delivered = delivered
        self.error = error
        self.mixed = mixed  # the selection holds failures a retry does not cure
        self.queue = queue  # when Odoo's queue cron will send them (queue_schedule)


class SendPreviewed(Message):
    """Before Send now's dialog: when the selected mails scheduled for later fall due."""

    def __init__(self, request: ActionRequest, later: list[datetime], error: str | None = None):
        super().__init__()
        self.request = request
        self.later = later
        self.error = error


@dataclass(frozen=True, slots=True)
class EmlJob:
    mail_id: int
    target: str
    overwrite: bool = False


class SupportFinished(Message):
    """An export or a bundle ended (toast text), or found files it must not overwrite."""

    def __init__(
        self,
        kind: str,
        title: str,
        text: str,
        severity: Severity = "information",
        *,
        confirm: EmlJob | None = None,
        existing: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.kind = kind
        self.title = title
        self.text = text
        self.severity = severity
        self.confirm = confirm  # ask, then run this job again with overwrite=True
        self.existing = existing
