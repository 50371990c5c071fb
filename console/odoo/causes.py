"""Failed mails grouped by cause: keyset-paged SQL feeding the pure classifier.

Only what classification needs is read (id, failure_type, a `REASON_PREFIX`-character
prefix of failure_reason, the dates and the server), one page at a time, newest first;
grouping happens in Python by `Classification.signature`, so memory holds one page plus
one small accumulator per cause, whatever the number of failed mails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, literal, select

from console.domain.classify import Classification, classify, signature_key
from console.errors import UsageError
from console.odoo.schema import OdooSchema

if TYPE_CHECKING:
    from console.backends.sql import SqlBackend

REASON_PREFIX = 4096
PAGE_SIZE = 2000
CLASSIFY_CACHE_SIZE = 20_000  # distinct failure texts remembered per grouping
FAILED_STATES = ("exception",)
DEFAULT_SERVER = "(auto)"  # no server on the message: Odoo picked one by From


@dataclass(frozen=True, slots=True)
class FailedRow:
    id: int
    failure_type: str | None
    failure_reason: str | None
    seen_at: datetime | None  # mail create_date, else the message date
    server: str | None


@dataclass(frozen=True, slots=True)
class CauseGroup:
    signature: str
    classification: Classification
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    servers: tuple[str, ...]
    sample_mail_id: int  # the newest mail of the group

    @property
    def key(self) -> str:
        return signature_key(self.signature)


@dataclass(slots=True)
class _Accumulator:
    classification: Classification
    count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    servers: dict[str, None] = field(default_factory=dict)
    sample_mail_id: int = 0

    def add(self, row: FailedRow) -> None:
        self.count += 1
        if self.sample_mail_id == 0:
            self.sample_mail_id = row.id  # rows arrive newest first
        if row.seen_at is not None:
            if self.first_seen is None or row.seen_at < self.first_seen:
                self.first_seen = row.seen_at
            if self.last_seen is None or row.seen_at > self.last_seen:
                self.last_seen = row.seen_at
        if len(self.servers) < 20:
            self.servers[row.server or DEFAULT_SERVER] = None


def group_rows(rows: Iterator[FailedRow]) -> list[CauseGroup]:
    """Pure grouping of failed rows by signature, biggest group first."""
    groups: dict[str, _Accumulator] = {}
    # A queue of failures repeats the same few texts: classify each distinct text once.
    seen: dict[tuple[str | None, str | None], Classification] = {}
    for row in rows:
        text_key = (row.failure_reason, row.failure_type)
        classification = seen.get(text_key)
        if classification is None:
            classification = classify(row.failure_reason, row.failure_type)
            if len(seen) < CLASSIFY_CACHE_SIZE:
                seen[text_key] = classification
        accumulator = groups.get(classification.signature)
        if accumulator is None:
            accumulator = groups[classification.signature] = _Accumulator(classification)
        accumulator.add(row)
    result = [
        CauseGroup(
            signature=signature,
            classification=acc.classification,
            count=acc.count,
            first_seen=acc.first_seen,
            last_seen=acc.last_seen,
            servers=tuple(acc.servers),
            sample_mail_id=acc.sample_mail_id,
        )
        for signature, acc in groups.items()
    ]
    result.sort(key=lambda g: (-g.count, -(g.last_seen or datetime.min).timestamp(), g.signature))
    return result


# -- SQL ----------------------------------------------------------------------------------
def failed_page_query(
    schema: OdooSchema, before_id: int | None, limit: int, states: tuple[str, ...] = FAILED_STATES
) -> Select[Any]:
    """One keyset page of failed mails, newest first, with only what classifying needs."""
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    source: Any = mail.join(msg, msg.c.id == mail.c.mail_message_id)
    server_name: Any = literal(None)
    if schema.has_table("ir_mail_server") and schema.has("mail_message", "mail_server_id"):
        server = schema.t("ir_mail_server")
        source = source.outerjoin(server, server.c.id == msg.c.mail_server_id)
        server_name = server.c.name
    failure_type: Any = (
        mail.c.failure_type if schema.has("mail_mail", "failure_type") else literal(None)
    )
    seen_at: Any = func.coalesce(mail.c.create_date, msg.c.date)
    conditions: list[Any] = [mail.c.state.in_(states)]
    if before_id is not None:
        conditions.append(mail.c.id < before_id)
    return (
        select(
            mail.c.id,
            failure_type.label("failure_type"),
            func.substr(mail.c.failure_reason, 1, REASON_PREFIX).label("failure_reason"),
            seen_at.label("seen_at"),
            server_name.label("server_name"),
        )
        .select_from(source)
        .where(*conditions)
        .order_by(mail.c.id.desc())
        .limit(limit)
    )


def iter_failed(backend: SqlBackend, page_size: int = PAGE_SIZE) -> Iterator[FailedRow]:
    """Every failed mail, newest first, one SQL page at a time."""
    before: int | None = None
    while True:
        query = failed_page_query(backend.schema, before, page_size)
        rows = _fetch(backend, query)
        for row in rows:
            yield FailedRow(
                id=int(row.id),
                failure_type=row.failure_type,
                failure_reason=_text(row.failure_reason),
                seen_at=_datetime(row.seen_at),
                server=row.server_name,
            )
        if len(rows) < page_size:
            return
        before = int(rows[-1].id)


def causes(backend: SqlBackend, page_size: int = PAGE_SIZE) -> list[CauseGroup]:
    """Failed mails (state 'exception') grouped by cause, biggest group first."""
    return group_rows(iter_failed(backend, page_size))


def ids_for_cause(backend: SqlBackend, signature: str, page_size: int = PAGE_SIZE) -> list[int]:
    """The ids of the failed mails whose cause has exactly this signature, newest first."""
    return [
        row.id
        for row in iter_failed(backend, page_size)
        if classify(row.failure_reason, row.failure_type).signature == signature
    ]


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


def cause_target_ids(backend: SqlBackend, signature: str) -> list[int]:
    """Ids for `retry --cause` / `ignore --cause`: a signature or its key; UsageError if none."""
    group = resolve_signature(causes(backend), signature)
    return ids_for_cause(backend, group.signature)


def _fetch(backend: SqlBackend, query: Select[Any]) -> list[Any]:
    def work(connection: Any) -> list[Any]:
        return list(connection.execute(query))

    return backend._run(work)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", ""))
        except ValueError:
            return None
    return None
