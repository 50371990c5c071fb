"""The exporter's databases: named targets, each read by a reader that keeps its backend
between scrapes and opens it again after a failure, and one collector over all of them
whose scrapes never overlap.

A target is a label (the ``database`` label of every series) and the connection settings
to reach it, so that a caller listing many databases (every Odoo database of a server)
hands ``MetricsCollector`` its list and nothing else changes. Every session is opened
read-only, with the statement timeout of the settings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from console.domain.errors import ConsoleError, UsageError
from console.services.metrics import DEFAULT_MAX_CAUSES, QueueSnapshot, read_snapshot

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings

DATABASES_AT_ONCE = 4  # targets read side by side (each uses up to 3 connections)
# Up to this many targets keep their connections between scrapes; a longer list (every
# database of a server) closes each target's after its read, so that idle exporter
# sessions never add up to the server's max_connections (reopening costs reading the
# schema again: about a third of a second a database).
KEEP_OPEN_UP_TO = 4
# A discovered list (every Odoo database of a server) is made again at most this often, at
# the start of a scrape: a database created or dropped shows within a minute or so.
REDISCOVER_SECONDS = 60.0

Discover = Callable[[], Sequence["MetricsTarget"]]


@dataclass(frozen=True, slots=True)
class MetricsTarget:
    """One database to export: ``label`` names it in every series."""

    label: str
    settings: ConnectionSettings
    daily_limit: int | None = None  # the provider's daily sending limit, if known


@dataclass(frozen=True, slots=True)
class TargetReading:
    """What one scrape learnt of one target."""

    target: MetricsTarget
    snapshot: QueueSnapshot | None  # None: the database did not answer (error says why)
    error: str | None
    duration_seconds: float
    errors_total: int  # failed scrapes of this target since the exporter started


def _open(settings: ConnectionSettings) -> MailQueueBackend:
    from console.backends.connect import open_backend

    return open_backend(settings)


class TargetReader:
    """Reads one target; the backend stays open while it answers, and is opened afresh at
    the next scrape after any failure (a restarted server, a dropped connection)."""

    def __init__(
        self,
        target: MetricsTarget,
        *,
        max_causes: int = DEFAULT_MAX_CAUSES,
        keep_open: bool = True,
        opener: Callable[[ConnectionSettings], MailQueueBackend] = _open,
    ) -> None:
        self.target = target
        self.keep_open = keep_open
        self._settings = replace(target.settings, read_only=True)
        self._max_causes = max_causes
        self._opener = opener
        self._backend: MailQueueBackend | None = None
        self.errors_total = 0
        self.last_error: str | None = None

    def read(self) -> TargetReading:
        started = time.monotonic()
        snapshot: QueueSnapshot | None = None
        error: str | None = None
        try:
            if self._backend is None:
                self._backend = self._opener(self._settings)
            snapshot = read_snapshot(self._backend, max_causes=self._max_causes)
        except ConsoleError as exc:
            error = str(exc)
        except Exception as exc:  # a bug or odd data: this target is down, the others answer
            error = f"{type(exc).__name__}: {exc}"
        if error is not None:
            self.errors_total += 1
        if error is not None or not self.keep_open:
            self._drop_backend()
        self.last_error = error
        return TargetReading(
            self.target, snapshot, error, time.monotonic() - started, self.errors_total
        )

    def _drop_backend(self) -> None:
        backend, self._backend = self._backend, None
        if backend is not None:
            with suppress(Exception):  # closing a broken pool: nothing more to lose
                backend.close()

    def close(self) -> None:
        self._drop_backend()


class MetricsCollector:
    """Every target, read side by side (``DATABASES_AT_ONCE`` at a time).

    Scrapes never overlap: a scrape asked for while one runs waits for it and gets its
    result, so two Prometheus servers (or a slow one retrying) never double the load.
    """

    def __init__(
        self,
        targets: Sequence[MetricsTarget],
        *,
        max_causes: int = DEFAULT_MAX_CAUSES,
        databases_at_once: int = DATABASES_AT_ONCE,
        keep_open: bool | None = None,
        opener: Callable[[ConnectionSettings], MailQueueBackend] = _open,
        discover: Discover | None = None,
        rediscover_seconds: float = REDISCOVER_SECONDS,
    ) -> None:
        """``keep_open``: whether targets keep their connections between scrapes (default:
        when there are at most KEEP_OPEN_UP_TO of them). ``discover``: the targets are
        that function's answer, asked again every ``rediscover_seconds`` (``targets`` is
        its first answer); when it fails, the last list is kept and ``discovery_error``
        says why."""
        self._max_causes = max_causes
        self._keep_open = keep_open
        self._opener = opener
        self.readers: list[TargetReader] = []
        self._use(targets)
        self._discover = discover
        self._rediscover_s = rediscover_seconds
        self._next_discovery = time.monotonic() + rediscover_seconds
        self.discovery_error: str | None = None
        self._at_once = max(1, databases_at_once)
        self._lock = threading.Lock()
        self._running: Future[list[TargetReading]] | None = None
        self.scrapes = 0  # scrapes actually run (shared ones count once)

    def scrape(self) -> list[TargetReading]:
        """Read every target now, or share the scrape already running."""
        with self._lock:
            running = self._running
            if running is None:
                running = self._running = Future()
                owner = True
            else:
                owner = False
        if owner:
            try:
                running.set_result(self._read_all())
            except BaseException as exc:
                running.set_exception(exc)
            finally:
                with self._lock:
                    self._running = None
        return running.result()

    def _use(self, targets: Sequence[MetricsTarget]) -> None:
        """Read these targets from now on: a target already read keeps its reader (its
        connection and its error count), one gone is closed."""
        labels = [t.label for t in targets]
        shared = sorted({label for label in labels if labels.count(label) > 1})
        if shared:
            raise UsageError(f"two databases share the label {shared[0]!r}: give each its own")
        keep = len(targets) <= KEEP_OPEN_UP_TO if self._keep_open is None else self._keep_open
        kept = {r.target.label: r for r in self.readers if r.target in targets}
        for reader in self.readers:
            if reader.target.label not in kept:
                reader.close()
        self.readers = [
            kept.get(target.label)
            or TargetReader(
                target, max_causes=self._max_causes, keep_open=keep, opener=self._opener
            )
            for target in targets
        ]
        for reader in self.readers:
            reader.keep_open = keep

    def _rediscover(self) -> None:
        if self._discover is None or time.monotonic() < self._next_discovery:
            return
        self._next_discovery = time.monotonic() + self._rediscover_s
        try:
            targets = self._discover()
        except ConsoleError as exc:  # the server is down: keep the list, each target says so
            self.discovery_error = str(exc)
            return
        self.discovery_error = None
        self._use(targets)

    def _read_all(self) -> list[TargetReading]:
        self._rediscover()
        self.scrapes += 1
        if len(self.readers) == 1:
            return [self.readers[0].read()]
        workers = min(self._at_once, len(self.readers))
        with ThreadPoolExecutor(workers, thread_name_prefix="odoo-mailq-target") as pool:
            return list(pool.map(lambda reader: reader.read(), self.readers))

    def close(self) -> None:
        for reader in self.readers:
            reader.close()
