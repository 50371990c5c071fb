"""The queue's depth, sampled on the refresh loop's counts (console.services.queue_samples):
runs in the refresh worker's thread, after the counts; a sample that cannot be written
never stops the refresh and is said once, in one toast."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.services.queue_samples import QueueSampler

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.domain.models import QueueStatus
    from console.tui.app import MailQueueApp


class DepthSamples:
    def __init__(self, app: MailQueueApp) -> None:
        self.app = app
        self.sampler = QueueSampler()
        self.warned = False

    def take(self, backend: MailQueueBackend, status: QueueStatus) -> None:
        """In a thread: one sample of this database's outgoing and failed counts, if due."""
        try:
            info = backend.info
            if info.over_api:  # the history needs the database: nothing would read them
                return
            counts = status.counts
            self.sampler.record(
                info.display_url, counts.get("outgoing", 0), counts.get("exception", 0)
            )
        except Exception as exc:
            if self.warned:
                return
            self.warned = True
            text = f"The queue's depth is not being sampled for the history: {exc}"
            try:
                self.app.call_from_thread(
                    self.app.notify, text, title="Samples", severity="warning", timeout=8
                )
            except Exception:  # the App is closing: nothing to tell
                return
