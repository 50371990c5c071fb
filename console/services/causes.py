"""Failed mails by cause, read through the data boundary: the database groups the texts,
the classifier names them once each (console.domain.causes)."""

from __future__ import annotations

from collections.abc import Callable

from console.backends.base import MailQueueBackend
from console.domain.causes import (
    CauseGroup,
    classified,
    ids_with_signature,
    merge_groups,
    resolve_signature,
)


def causes(backend: MailQueueBackend, pause: Callable[[], None] | None = None) -> list[CauseGroup]:
    """Failed mails (state 'exception') grouped by cause, biggest group first; `pause`:
    see `console.domain.causes.classified`."""
    return merge_groups(classified(backend.failure_groups(), pause))


def ids_for_cause(backend: MailQueueBackend, signature: str) -> list[int]:
    """The ids of the failed mails whose cause has exactly this signature, newest first.

    One grouped read with each group's ids: the texts are classified, never the rows.
    """
    return ids_with_signature(classified(backend.failure_groups(with_ids=True)), signature)


def cause_target_ids(backend: MailQueueBackend, signature: str) -> list[int]:
    """Ids for `retry --cause` / `ignore --cause`: a signature or its key; UsageError if none."""
    pairs = classified(backend.failure_groups(with_ids=True))
    group = resolve_signature(merge_groups(pairs), signature)
    return ids_with_signature(pairs, group.signature)
