"""The Logs pane's thread side: pages of Odoo's log, and the live file followed.

These functions run in thread workers. They never touch a widget: they read files and
hand each result to `post` as a past-tense message; the pane owns every state change.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from textual.message import Message

from console.backends.base import MailQueueBackend
from console.services.support.logs import LogQuery, LogRecord
from console.tui.widgets.formatting import describe_error

PAGE = 200
FLUSH_SECONDS = 0.3  # a slow search shows what it found so far
FOLLOW_POLL = 0.5
NO_LOG_HINT = "start odoo-mailq with --log PATH (the log file or its folder)"

Post = Callable[[Message], object]


class LogPageLoaded(Message):
    """Records of one page (`final`: the page is complete and `stream` is handed back)."""

    def __init__(
        self,
        generation: int,
        records: list[LogRecord],
        files: list[Path],
        *,
        final: bool,
        stream: Iterator[LogRecord] | None = None,
        exhausted: bool = False,
    ) -> None:
        super().__init__()
        self.generation = generation
        self.records = records
        self.files = files
        self.final = final
        self.stream = stream
        self.exhausted = exhausted


class LogUnavailable(Message):
    """No log to read (`missing`), or reading it failed."""

    def __init__(self, generation: int, text: str, *, missing: bool) -> None:
        super().__init__()
        self.generation = generation
        self.text = text
        self.missing = missing


class LogFollowed(Message):
    """A record Odoo just wrote, or (`record` None) why following stopped."""

    def __init__(self, generation: int, record: LogRecord | None, error: str | None = None) -> None:
        super().__init__()
        self.generation = generation
        self.record = record
        self.error = error


def log_files(explicit: Path | None, backend: MailQueueBackend | None) -> tuple[list[Path], str]:
    """The log and its rotated copies, newest first, or why there is none.

    `--log` first; else the log the database ships with (the bundled sample's); else
    odoo.conf's `logfile` (when connected with one); else odoo.sh's ``~/logs/odoo.log`` or
    the Debian package's log.
    """
    from console.services.support.logfiles import LOGS_OVER_API
    from console.services.support.logs import default_log_path, discover_log_files

    path = explicit.expanduser() if explicit is not None else None
    over_api = getattr(getattr(backend, "info", None), "over_api", False)
    if path is None and over_api:
        return [], LOGS_OVER_API
    if path is None and backend is not None:
        path = backend.bundled_log()
    if path is None:
        conf = getattr(getattr(backend, "target", None), "odoo_conf", None)
        logfile = getattr(conf, "logfile", None)
        path = default_log_path(logfile if isinstance(logfile, str) else None)
        if path is None:
            return [], (
                "No Odoo log found (odoo.conf logfile, ~/logs/odoo.log, /var/log/odoo): "
                f"{NO_LOG_HINT}. Odoo may log to the journal (journalctl -u odoo)."
            )
    files = discover_log_files(path)
    if not files:
        return [], f"No Odoo log at {path}: {NO_LOG_HINT}."
    return files, ""


@dataclass(frozen=True, slots=True)
class PageRequest:
    generation: int
    stream: Iterator[LogRecord] | None  # None: open the search (find the files first)
    files: list[Path]
    log_path: Path | None
    backend: MailQueueBackend | None
    query: LogQuery
    room: int  # how many more rows the table may take


def masked(query: LogQuery, backend: MailQueueBackend | None) -> LogQuery:
    """The query whose records come out with the database's secrets masked (in a thread:
    the mask may read the database)."""
    if backend is None:
        return query
    return replace(query, mask=backend.secret_mask())


def read_page(post: Post, is_current: Callable[[], bool], request: PageRequest) -> None:
    """The next records of the search; partial batches while a slow search runs."""
    from console.services.support.logs import search_log

    generation, stream, files = request.generation, request.stream, request.files
    try:
        if stream is None:
            files, missing = log_files(request.log_path, request.backend)
            if missing:
                post(LogUnavailable(generation, missing, missing=True))
                return
            stream = search_log(files, masked(request.query, request.backend))
        batch: list[LogRecord] = []
        flushed = time.monotonic()
        exhausted = True
        for taken, record in enumerate(stream, start=1):
            if not is_current():
                return  # a new search replaced this one
            batch.append(record)
            if taken >= min(PAGE, request.room):
                exhausted = False
                break
            if time.monotonic() - flushed >= FLUSH_SECONDS:
                post(LogPageLoaded(generation, batch, files, final=False))
                batch, flushed = [], time.monotonic()
    except Exception as exc:
        post(LogUnavailable(generation, describe_error(exc), missing=False))
        return
    post(LogPageLoaded(generation, batch, files, final=True, stream=stream, exhausted=exhausted))


def follow(
    post: Post,
    should_stop: Callable[[], bool],
    generation: int,
    path: Path,
    query: LogQuery,
    backend: MailQueueBackend | None = None,
) -> None:
    """New matching records as Odoo writes them, until `should_stop` (checked every poll)."""
    from console.services.support.logfollow import follow_log

    try:
        query = masked(query, backend)
        for record in follow_log(path, query, poll=FOLLOW_POLL, should_stop=should_stop):
            if should_stop():
                return
            post(LogFollowed(generation, record))
    except Exception as exc:
        if not should_stop():
            post(LogFollowed(generation, None, describe_error(exc)))
