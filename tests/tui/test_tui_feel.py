"""What keeps the keys quick while the console loads (bench/key_latency.py measures it):
a pane shown reads its rows, not every mail's count again; the failures by cause and the
health checks run one after the other, never together; failure texts are classified in
the workers, never on the event loop; the start-up's objects are frozen for the collector.
These assert what the console does, not how fast."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from console.backends.base import MailQueueBackend
from console.domain.causes import PAUSE_EVERY, TextGroup, classified
from console.domain.classify import known
from tests.helpers.tui import PARIS, SIZE, RecordingApp, connector, pane, settle, started


class Watched:
    """The SQL backend, counting the counts read and which slow reads overlap."""

    def __init__(self, backend: MailQueueBackend) -> None:
        self._backend = backend
        self.status_reads = 0
        self.slow_reads: list[str] = []
        self.overlaps = 0
        self._running: set[str] = set()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    def status(self) -> Any:
        self.status_reads += 1
        return self._backend.status()

    def _slow(self, name: str, read: Callable[[], Any]) -> Any:
        with self._lock:
            self.overlaps += bool(self._running)
            self._running.add(name)
            self.slow_reads.append(name)
        try:
            return read()
        finally:
            with self._lock:
                self._running.discard(name)

    def failure_groups(self, *args: Any, **kwargs: Any) -> Any:
        return self._slow("causes", lambda: self._backend.failure_groups(*args, **kwargs))

    def health_facts(self, *args: Any, **kwargs: Any) -> Any:
        return self._slow("health", lambda: self._backend.health_facts(*args, **kwargs))


def watched_app(path: Path, **options: Any) -> tuple[RecordingApp, list[Watched]]:
    opened: list[Watched] = []
    open_sql = connector(path)

    def connect() -> MailQueueBackend:
        backend = Watched(open_sql())
        opened.append(backend)
        return backend  # type: ignore[return-value]

    return RecordingApp(connect, tz=PARIS, **options), opened


async def test_a_pane_shown_reads_its_rows_and_not_every_count(sample_path: Path) -> None:
    app, opened = watched_app(sample_path, refresh_seconds=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        counted = opened[0].status_reads
        assert counted >= 1
        await pilot.press("2")
        await settle(pilot, app)
        assert pane(app, "failed").ids, "the Failed pane shows its rows"
        assert pane(app, "failed").total == app.status.counts["exception"]  # type: ignore[union-attr]
        await pilot.press("1")
        await settle(pilot, app)
        assert opened[0].status_reads == counted  # the counts were recent: not read again
        await pilot.press("R")  # asked for: everything, the counts too
        await settle(pilot, app)
        assert opened[0].status_reads == counted + 1


async def test_old_counts_are_read_with_the_pane(sample_path: Path) -> None:
    app, opened = watched_app(sample_path, refresh_seconds=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        counted = opened[0].status_reads
        app.refresher.counts_at = 0.0  # read an hour ago, as far as the console knows
        await pilot.press("2")
        await settle(pilot, app)
        assert opened[0].status_reads == counted + 1


async def test_causes_and_health_run_one_after_the_other(sample_path: Path) -> None:
    app, opened = watched_app(sample_path, refresh_seconds=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await settle(pilot, app)
        await pilot.press("R")  # both again, forced
        await settle(pilot, app)
    backend = opened[0]
    assert backend.slow_reads.count("causes") >= 2 and backend.slow_reads.count("health") >= 2
    assert backend.overlaps == 0, backend.slow_reads


async def test_no_failure_text_is_classified_on_the_event_loop(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    classify = known.classify

    def recording(reason: str | None, failure_type: str | None) -> Any:
        threads.append(threading.get_ident())
        return classify(reason, failure_type)

    monkeypatch.setattr(known, "classify", recording)
    known.KNOWN_TEXTS.forget()
    loop_thread = threading.get_ident()
    app, _ = watched_app(sample_path, refresh_seconds=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")  # the Failed list: a cause in every row
        await settle(pilot, app)
        await pilot.press("c")  # the causes
        await settle(pilot, app)
        assert pane(app, "failed").ids
    assert threads, "failure texts were classified"
    assert loop_thread not in threads


async def test_the_start_up_objects_are_frozen_for_the_collector(sample_path: Path) -> None:
    app, _ = watched_app(sample_path, refresh_seconds=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert gc.get_freeze_count() > 0


def test_classifying_pauses_between_small_batches_and_says_the_same() -> None:
    groups = [
        TextGroup(
            failure_type=None,
            failure_reason=f"550 5.1.1 <user{i}@example.com>: mailbox {i} unknown",
            count=1,
            first_seen=None,
            last_seen=None,
            newest_id=i,
        )
        for i in range(5 * PAUSE_EVERY)
    ]
    pauses: list[int] = []
    paused = classified(groups, pause=lambda: pauses.append(1))
    assert len(pauses) == 5
    assert paused == classified(groups)
