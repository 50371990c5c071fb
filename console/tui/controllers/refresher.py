"""The refresh loop: one poll at a time, the next one scheduled when it ends (Dolphie-style).

Each poll reads the visible pane's data, then the counts, in one thread worker: the pane's
rows are posted as soon as they are read and painted before the counts start (a scan of
every mail); a pane just shown reads its rows alone while the counts are recent. Two
slower reads ride on a poll, one after the other, never on every tick: failed mails
grouped by cause (when the Failed count changes, or while the Causes pane is visible, at
most every ten times what it took), then the health checks (every HEALTH_SECONDS, or each
tick while Health shows); their CPU-bound loops give way to the keys (yield_to_input).
When the database goes away the polls back off (1 s, 2 s, 5 s, 10 s, then every 30 s),
the header says DISCONNECTED, and the first poll that succeeds brings everything back.
Workers only read and post messages; the App hands those messages to this object.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import TYPE_CHECKING

from console.tui.controllers.depth_samples import DepthSamples
from console.tui.messages import (
    CausesLoaded,
    HealthLoaded,
    PaneRefreshed,
    RefreshFailed,
    RefreshLoaded,
)
from console.tui.panes.pane import Pane
from console.tui.widgets.formatting import describe_error, is_disconnect
from console.tui.widgets.header import HeaderBar, TabBar

if TYPE_CHECKING:  # the Causes and Health panes are built after the first frame
    from textual.timer import Timer

    from console.backends.base import MailQueueBackend
    from console.domain.models import QueueStatus
    from console.tui.app import MailQueueApp
    from console.tui.messages import RefreshJob
    from console.tui.panes.causes_pane import CausesPane
    from console.tui.panes.health_pane import HealthPane

BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)
HEALTH_SECONDS = 30.0
CAUSES_COST_FACTOR = 10  # recompute causes at most every 10x what the last run took
PAINT_WAIT_SECONDS = 0.5  # at most, for the pane's rows to be painted before the counts


class Refresher:
    """Owns the polling state; every method runs on the event loop except the `_read_*`."""

    def __init__(self, app: MailQueueApp, refresh_seconds: float, paused: bool) -> None:
        self.app = app
        self.refresh_seconds = refresh_seconds
        self.paused = paused
        self.count = 0  # completed refreshes
        self.failures = 0  # refreshes failed in a row
        self.disconnected = False
        self.running = False
        self.pending = False
        self.force_extras = False  # recompute causes and health on the next success
        self.want_counts = True  # the next poll reads the counts (else only if they are old)
        self.counts_at: float | None = None  # when the counts were last read
        self.timer: Timer | None = None
        self.last_error: str | None = None
        self.pane_error: str | None = None  # showing this poll's pane data failed
        self.causes_running = False
        self.causes_failed: int | None = None  # the Failed count the causes were read at
        self.causes_at: float | None = None
        self.causes_seconds = 0.0
        self.health_running = False
        self.health_at: float | None = None
        self.health_after_causes = False  # health checks due once the causes are read
        self.samples = DepthSamples(app)  # the queue's depth, for the throughput history

    # -- one poll at a time -----------------------------------------------------------
    def request(self, force: bool = False, counts: bool = True) -> None:
        """Refresh now, or right after the refresh that is running; `counts=False` (a pane
        shown): the counts only if they are older than the refresh period."""
        self.force_extras = self.force_extras or force
        self.want_counts = self.want_counts or counts or force
        if self.app.backend is None:
            return
        if self.running:
            self.pending = True
            return
        self.cancel_timer()
        self._start()

    def _start(self) -> None:
        backend = self.app.backend
        if backend is None:
            return
        pane = self.app.visible_pane()
        job = pane.refresh_job()  # read the pane's state here, not in the thread
        counts = self.want_counts or self._counts_old()
        self.want_counts = False
        self.running = True
        self.pane_error = None
        self.app.header_state.refreshing = self.disconnected
        self.app.query_one(HeaderBar).refresh()
        self.app.run_worker(
            partial(self._read, backend, pane.id or "", job, counts),
            name="run_refresh",
            group="refresh",
            exclusive=False,  # `running` keeps one poll at a time: none cancels the last
            thread=True,
            exit_on_error=False,
        )

    def _counts_old(self) -> bool:
        at = self.counts_at
        return (
            self.app.status is None or at is None or time.monotonic() - at >= self.refresh_seconds
        )

    def _read(
        self, backend: MailQueueBackend, pane_id: str, job: RefreshJob | None, counts: bool
    ) -> None:
        """In a thread: the visible pane's data (posted at once), then the counts."""
        try:
            if job is not None and pane_id:
                payload = job.fetch(backend)
                painted = threading.Event()
                self.app.post_message(PaneRefreshed(pane_id, job, payload, painted))
                painted.wait(PAINT_WAIT_SECONDS)
            if counts:
                self.app.yield_to_input()  # a scan of every mail: the keys first
            status = backend.status() if counts else None
        except Exception as exc:
            self.app.post_message(RefreshFailed(describe_error(exc), is_disconnect(exc)))
            return
        if status is not None:
            self.samples.take(backend, status)
        self.app.post_message(RefreshLoaded(status))

    def pane_loaded(self, message: PaneRefreshed) -> None:
        """The pane's rows, before the counts of the same poll (which ends the poll)."""
        try:
            pane = self.app.query_one(f"#{message.pane_id}", Pane)
            pane.apply_refresh(message.job, message.payload)
        except Exception as exc:  # odd data must not kill an on-call console
            self.pane_error = f"Could not show the refresh: {describe_error(exc)}"
            self.report_error(self.pane_error, False)
        self.app.call_after_refresh(message.painted.set)

    def loaded(self, message: RefreshLoaded) -> None:
        app = self.app
        self.running = False
        try:
            if message.status is not None:
                app.show_status(message.status)
                self.counts_at = time.monotonic()
        except Exception as exc:  # odd data must not kill an on-call console
            self.report_error(f"Could not show the refresh: {describe_error(exc)}", False)
        else:
            status = message.status or app.status
            if self.pane_error is None and status is not None:  # else it failed in its pane
                self._succeeded(status)
        self._after()

    def _succeeded(self, status: QueueStatus) -> None:
        app = self.app
        self._recovered()
        self.count += 1
        app.header_state.last_refresh = time.monotonic()
        app.header_state.refresh_error = False
        app.query_one(HeaderBar).refresh()
        self._extras(status)

    def failed(self, message: RefreshFailed) -> None:
        self.running = False
        self.failures += 1
        self.report_error(message.error, message.disconnected)
        self._after()

    def _recovered(self) -> None:
        app = self.app
        was_disconnected = self.disconnected
        self.failures = 0
        self.disconnected = False
        state = app.header_state
        state.disconnected = state.refreshing = False
        state.retry_at = None
        if self.last_error is not None:
            self.last_error = None
            for pane in app.query(Pane):
                pane.show_error(None)
        if was_disconnected:
            self.force_extras = True
            app.notify("The database answers again.", title="Reconnected", timeout=6)

    def report_error(self, error: str, disconnected: bool) -> None:
        app = self.app
        state = app.header_state
        self.disconnected = self.disconnected or disconnected
        state.refresh_error = True
        state.disconnected = self.disconnected
        state.refreshing = False
        app.query_one(HeaderBar).refresh()
        app.visible_pane().show_error(error)
        if error != self.last_error:  # one toast per new problem, not one per poll
            if disconnected:
                plan = ", ".join(f"{s:g} s" for s in BACKOFF_SECONDS[:-1])
                text = (
                    f"{error}. Retrying after {plan}, then every {BACKOFF_SECONDS[-1]:g} s; "
                    "R retries now."
                )
                app.notify(text, title="Database unreachable", severity="error", timeout=10)
            else:
                app.notify(error, title="Refresh failed", severity="error", timeout=10)
        self.last_error = error

    def retry_delay(self) -> float:
        """The wait before the next poll: the refresh period, or the back-off after failures."""
        if self.failures == 0:
            return self.refresh_seconds
        return BACKOFF_SECONDS[min(self.failures, len(BACKOFF_SECONDS)) - 1]

    def _after(self) -> None:
        if self.pending:
            self.pending = False
            self._start()
            return
        self.cancel_timer()
        state = self.app.header_state
        state.retry_at = None
        if not self.paused and self.app.backend is not None:
            delay = self.retry_delay()
            self.timer = self.app.set_timer(delay, self._on_timer)
            if self.failures:
                state.retry_at = time.monotonic() + delay
        self.app.query_one(HeaderBar).refresh()

    def _on_timer(self) -> None:
        self.timer = None
        if not self.paused:
            self.request()

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.app.header_state.paused = paused
        if paused:
            self.cancel_timer()
            self.app.header_state.retry_at = None
        self.app.query_one(HeaderBar).refresh()
        if not paused:
            self.request()

    def worker_failed(self, group: str) -> None:
        """An unexpected error ended one of our workers: never stay 'running' for good."""
        if group == "refresh":
            self.running = False
            self._after()
        elif group == "causes":
            self.causes_running = False
            self._health_after_causes()
        elif group == "health":
            self.health_running = False

    # -- the slower reads, riding on a successful poll ---------------------------------
    def _extras(self, status: QueueStatus) -> None:
        force, self.force_extras = self.force_extras, False
        visible = self.app.visible_pane()
        now = time.monotonic()
        failed = status.counts.get("exception", 0)
        causes = self._causes_due(failed, visible.id == "causes", force, now)
        health = self._health_due(visible.id == "health", force, now)
        # One after the other: together they take the cores and the GIL from the keys.
        if causes:
            self._start_causes(failed)
            self.health_after_causes = self.health_after_causes or health
        elif health:
            self._start_health()

    def _causes_due(self, failed: int, visible: bool, force: bool, now: float) -> bool:
        if self.causes_running:
            if force or failed != self.causes_failed:
                self.force_extras = True  # once this run is back, read them again
            return False
        if force or self.causes_at is None or failed != self.causes_failed:
            return True
        period = max(self.refresh_seconds, CAUSES_COST_FACTOR * self.causes_seconds)
        return visible and now - self.causes_at >= period

    def _health_due(self, visible: bool, force: bool, now: float) -> bool:
        if self.health_running:
            return False
        if force or self.health_at is None:
            return True
        period = self.refresh_seconds if visible else HEALTH_SECONDS
        return now - self.health_at >= min(period, HEALTH_SECONDS)

    def _start_causes(self, failed: int) -> None:
        backend = self.app.backend
        if backend is None:
            return
        self.causes_running = True
        self._causes_pane().computing(True)
        self.app.run_worker(
            partial(self._read_causes, backend, failed),
            name="read_causes",
            group="causes",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _read_causes(self, backend: MailQueueBackend, failed: int) -> None:
        started = time.monotonic()
        try:
            from console.services.causes import causes

            self.app.yield_to_input()
            groups = causes(backend, pause=self.app.yield_to_input)
        except Exception as exc:
            error = describe_error(exc)
            self.app.post_message(CausesLoaded(None, failed, time.monotonic() - started, error))
            return
        self.app.post_message(CausesLoaded(groups, failed, time.monotonic() - started))

    def causes_loaded(self, message: CausesLoaded) -> None:
        self.causes_running = False
        self._health_after_causes()
        pane = self._causes_pane()
        pane.computing(False)
        if message.groups is None:
            pane.show_error(message.error)
            return
        self.causes_at = time.monotonic()
        self.causes_failed = message.failed_count
        self.causes_seconds = message.seconds
        pane.show_causes(message.groups)
        count = len(message.groups)
        self.app.query_one(TabBar).set_count("causes", count, "error" if count else "success")

    def _health_after_causes(self) -> None:
        due, self.health_after_causes = self.health_after_causes, False
        if due and not self.health_running:
            self._start_health()

    def _start_health(self) -> None:
        backend = self.app.backend
        if backend is None:
            return
        self.health_running = True
        self._health_pane().checking(True)
        self.app.run_worker(
            partial(self._read_health, backend),
            name="run_health",
            group="health",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _read_health(self, backend: MailQueueBackend) -> None:
        try:
            from console.services.health import run_health
            from console.services.queue_index import REMEASURE_SECONDS

            self.app.yield_to_input()
            # The index advice runs Odoo's queue search: measured once per 15 minutes.
            results = run_health(
                backend, daily_limit=self.app.daily_limit, index_max_age=REMEASURE_SECONDS
            )
        except Exception as exc:
            self.app.post_message(HealthLoaded(None, describe_error(exc)))
            return
        self.app.post_message(HealthLoaded(results))

    def health_loaded(self, message: HealthLoaded) -> None:
        self.health_running = False
        pane = self._health_pane()
        pane.checking(False)
        if message.results is None:
            pane.show_error(message.error)
            return
        if self.disconnected:  # read while the database went away: every fact unknown
            return
        self.health_at = time.monotonic()
        pane.show_health(message.results)
        from console.domain.health import health_summary

        self.app.header_state.health = health_summary(message.results)
        self.app.query_one(HeaderBar).refresh()
        envelopes = next((r for r in message.results if r.id == "envelopes"), None)
        counted = [p.value for p in envelopes.perf if p.label == "envelopes"] if envelopes else []
        if counted:
            self.app.show_envelope_count(int(counted[0]))

    def _causes_pane(self) -> CausesPane:
        from console.tui.panes.causes_pane import CausesPane

        return self.app.query_one(CausesPane)

    def _health_pane(self) -> HealthPane:
        from console.tui.panes.health_pane import HealthPane

        return self.app.query_one(HealthPane)
