"""Failed mails grouped by cause: what the groups are and how texts merge into causes.

The database groups the failed mails by what classification reads (failure type, a
prefix of the reason) and by what decides their server (the message's server, From and
alias domain: the backend names the server, console.odoo.server_use); each distinct text
is classified once (the pure classifier) and the groups are merged by
``Classification.signature``, each cause counting its mails per server. A queue of
100,000 failures repeats a few thousand texts at most, so only those are classified.
``group_rows`` (row by row, for the support bundle's samples) gives the same causes from
the rows themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from console.domain.classify import Classification, classify, classify_known, signature_key
from console.domain.errors import UsageError
from console.domain.models import ServerUse

CLASSIFY_CACHE_SIZE = 20_000  # distinct failure texts remembered per grouping
PAUSE_EVERY = 16  # texts classified between two calls of `classified`'s pause (~1-2 ms)
MAX_SERVERS = 20  # servers listed per cause
UNNAMED = ServerUse(None, None, "not resolved")  # a row the backend did not name


@dataclass(frozen=True, slots=True)
class FailedRow:
    id: int
    failure_type: str | None
    failure_reason: str | None
    seen_at: datetime | None  # when it failed: write_date, else create_date, else the date
    # What decides the server (the message's columns), and the server so decided.
    mail_server_id: int | None = None
    email_from: str | None = None
    alias_domain_id: int | None = None
    server: ServerUse | None = None


@dataclass(frozen=True, slots=True)
class TextGroup:
    """The failed mails sharing one failure type, reason prefix and what decides their
    server (the message's mail_server_id, From and alias domain): one SQL group."""

    failure_type: str | None
    failure_reason: str | None
    count: int
    first_seen: datetime | None  # failure times (FailedRow.seen_at)
    last_seen: datetime | None
    newest_id: int
    ids: tuple[int, ...] = ()  # only when asked for (`text_groups(..., with_ids=True)`)
    mail_server_id: int | None = None
    email_from: str | None = None
    alias_domain_id: int | None = None
    server: ServerUse | None = None


@dataclass(frozen=True, slots=True)
class CauseGroup:
    signature: str
    classification: Classification
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    # The servers its mails went through, each with how many, in the order they first
    # appear (newest mail first); one server may appear twice for two reasons.
    servers: tuple[tuple[ServerUse, int], ...]
    sample_mail_id: int  # the newest mail of the group

    @property
    def key(self) -> str:
        return signature_key(self.signature)

    @property
    def server_names(self) -> tuple[str, ...]:
        """Each server once, as the operator reads it (odoo.conf when none)."""
        return tuple(dict.fromkeys(server.label for server, _ in self.servers))

    @property
    def server_short(self) -> str:
        """A table cell: the first server, and how many others ("relay-a +1")."""
        names = self.server_names
        if not names:
            return ""
        return names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")

    def via(self) -> str:
        """Each server and why it was chosen, with its mails when there are several."""
        if len(self.servers) == 1:
            server = self.servers[0][0]
            return f"{server.label}: {server.why}"
        return "; ".join(f"{s.label} ({count}): {s.why}" for s, count in self.servers)


@dataclass(slots=True)
class _Accumulator:
    classification: Classification
    count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    servers: dict[ServerUse, int] = field(default_factory=dict)
    sample_mail_id: int = 0

    def add(
        self,
        newest_id: int,
        count: int,
        first_seen: datetime | None,
        last_seen: datetime | None,
        server: ServerUse | None,
    ) -> None:
        """One row, or one group of rows; they must arrive newest first."""
        self.count += count
        if self.sample_mail_id == 0:
            self.sample_mail_id = newest_id
        if first_seen is not None and (self.first_seen is None or first_seen < self.first_seen):
            self.first_seen = first_seen
        if last_seen is not None and (self.last_seen is None or last_seen > self.last_seen):
            self.last_seen = last_seen
        server = server or UNNAMED
        if server in self.servers or len(self.servers) < MAX_SERVERS:
            self.servers[server] = self.servers.get(server, 0) + count

    def group(self, signature: str) -> CauseGroup:
        return CauseGroup(
            signature=signature,
            classification=self.classification,
            count=self.count,
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            servers=tuple(self.servers.items()),
            sample_mail_id=self.sample_mail_id,
        )


_EPOCH = datetime(1970, 1, 1)


def _newest_first(moment: datetime | None) -> float:
    """A sort key: the latest first, a cause without any date last.

    (`datetime.min.timestamp()` raises: a cause whose mails all lack dates crashed here.)
    """
    return float("inf") if moment is None else -(moment - _EPOCH).total_seconds()


def _biggest_first(groups: dict[str, _Accumulator]) -> list[CauseGroup]:
    """By count, then by last seen (latest first), then by signature."""
    result = [acc.group(signature) for signature, acc in groups.items()]
    result.sort(key=lambda g: (-g.count, _newest_first(g.last_seen), g.signature))
    return result


class _Classifier:
    """`classify` with each distinct (reason, type) computed once per grouping."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str | None, str | None], Classification] = {}

    def __call__(self, reason: str | None, failure_type: str | None) -> Classification:
        key = (reason, failure_type)
        classification = self.seen.get(key)
        if classification is None:
            classification = classify(reason, failure_type)
            if len(self.seen) < CLASSIFY_CACHE_SIZE:
                self.seen[key] = classification
        return classification


def group_rows(rows: Iterator[FailedRow]) -> list[CauseGroup]:
    """Pure grouping of failed rows (newest first) by signature, biggest group first."""
    groups: dict[str, _Accumulator] = {}
    classifier = _Classifier()
    for row in rows:
        classification = classifier(row.failure_reason, row.failure_type)
        accumulator = groups.get(classification.signature)
        if accumulator is None:
            accumulator = groups[classification.signature] = _Accumulator(classification)
        accumulator.add(row.id, 1, row.seen_at, row.seen_at, row.server)
    return _biggest_first(groups)


def classified(
    groups: Iterable[TextGroup], pause: Callable[[], None] | None = None
) -> list[tuple[TextGroup, Classification]]:
    """Each text group with its classification, newest group first.

    `pause` is called every PAUSE_EVERY texts: a caller in a worker thread gives the
    event loop its turn there (classifying a few thousand new texts holds the GIL for a
    fifth of a second at a million mails).
    """
    ordered = sorted(groups, key=lambda g: g.newest_id, reverse=True)
    pairs: list[tuple[TextGroup, Classification]] = []
    for number, group in enumerate(ordered):
        if pause is not None and number % PAUSE_EVERY == PAUSE_EVERY - 1:
            pause()
        pairs.append((group, classify_known(group.failure_reason, group.failure_type)))
    return pairs


def merge_groups(pairs: list[tuple[TextGroup, Classification]]) -> list[CauseGroup]:
    """Text groups (newest first, classified) merged by signature, biggest cause first.

    Exactly what `group_rows` gives for the rows behind them: the newest group of a
    signature is where its newest row is, so its classification, its sample id and the
    order in which servers first appear come out the same.
    """
    groups: dict[str, _Accumulator] = {}
    for text_group, classification in pairs:
        accumulator = groups.get(classification.signature)
        if accumulator is None:
            accumulator = groups[classification.signature] = _Accumulator(classification)
        accumulator.add(
            text_group.newest_id,
            text_group.count,
            text_group.first_seen,
            text_group.last_seen,
            text_group.server,
        )
    return _biggest_first(groups)


def ids_with_signature(pairs: list[tuple[TextGroup, Classification]], signature: str) -> list[int]:
    """The ids behind the groups of this signature, newest first."""
    ids = [i for group, c in pairs if c.signature == signature for i in group.ids]
    ids.sort(reverse=True)
    return ids


def resolve_signature(groups: list[CauseGroup], wanted: str) -> CauseGroup:
    """A group by its exact signature or its short key (a unique prefix of 4+ digits)."""
    wanted = wanted.strip()
    for group in groups:
        if group.signature == wanted:
            return group
    lowered = wanted.lower()
    if len(lowered) >= 4 and all(c in "0123456789abcdef" for c in lowered):
        matches = [g for g in groups if g.key.startswith(lowered)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise UsageError(f"Cause key {wanted!r} is ambiguous: give more digits (see `causes`)")
    raise UsageError(
        f"No failed mail has the cause {wanted!r} (list them with `odoo-mailq causes`; "
        "quote the whole signature or give its key)"
    )
