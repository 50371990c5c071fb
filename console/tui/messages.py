"""Past-tense events that thread workers post; handlers on the event loop own the state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

from console.backends.base import MailQuery, MailQueueBackend
from console.domain.models import MailDetail, MailPage, QueueStatus
from console.tui.actions import ActionRequest, Severity


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


class RefreshLoaded(Message):
    """Counts and the visible pane's data, fetched together by one refresh worker."""

    def __init__(
        self, status: QueueStatus, pane_id: str | None, job: RefreshJob | None, payload: object
    ) -> None:
        super().__init__()
        self.status = status
        self.pane_id = pane_id
        self.job = job
        self.payload = payload


class RefreshFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


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
