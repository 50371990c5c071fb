"""Failed mails grouped by cause: SQL groups the texts, the pure classifier names them.

PostgreSQL groups the failed mails by what classification reads (failure_type, a
`REASON_PREFIX`-character prefix of failure_reason) and by server, with the count, the
first and last dates and the newest id of each group. Each distinct text is classified
once, in Python, and the groups are merged by `Classification.signature`. A queue of
100,000 failures repeats a few thousand texts at most, so Python sees those, never every
failed mail. `group_rows` (row by row, for the support bundle's samples) gives the same
groups from the rows themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, literal, literal_column, select

from console.domain.classify import Classification, classify, classify_known, signature_key
from console.domain.errors import UsageError
from console.odoo.schema import OdooSchema

if TYPE_CHECKING:
    from console.backends.sql import SqlBackend

REASON_PREFIX = 4096
PAGE_SIZE = 2000
CLASSIFY_CACHE_SIZE = 20_000  # distinct failure texts remembered per grouping
FAILED_STATES = ("exception",)
DEFAULT_SERVER = "(auto)"  # no server on the message: Odoo picked one by From
MAX_SERVERS = 20  # servers listed per cause


@dataclass(frozen=True, slots=True)
class FailedRow:
    id: int
    failure_type: str | None
    failure_reason: str | None
    seen_at: datetime | None  # mail create_date, else the message date
    server: str | None


@dataclass(frozen=True, slots=True)
class TextGroup:
    """The failed mails sharing one failure type, reason prefix and server (one SQL group)."""

    failure_type: str | None
    failure_reason: str | None
    server: str | None
    count: int
    first_seen: datetime | None
    last_seen: datetime | None
    newest_id: int
    ids: tuple[int, ...] = ()  # only when asked for (`text_groups(..., with_ids=True)`)


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

    def add(
        self,
        newest_id: int,
        count: int,
        first_seen: datetime | None,
        last_seen: datetime | None,
        server: str | None,
    ) -> None:
        """One row, or one group of rows; they must arrive newest first."""
        self.count += count
        if self.sample_mail_id == 0:
            self.sample_mail_id = newest_id
        if first_seen is not None and (self.first_seen is None or first_seen < self.first_seen):
            self.first_seen = first_seen
        if last_seen is not None and (self.last_seen is None or last_seen > self.last_seen):
            self.last_seen = last_seen
        if len(self.servers) < MAX_SERVERS:
            self.servers[server or DEFAULT_SERVER] = None

    def group(self, signature: str) -> CauseGroup:
        return CauseGroup(
            signature=signature,
            classification=self.classification,
            count=self.count,
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            servers=tuple(self.servers),
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


def classified(groups: Iterable[TextGroup]) -> list[tuple[TextGroup, Classification]]:
    """Each text group with its classification, newest group first."""
    ordered = sorted(groups, key=lambda g: g.newest_id, reverse=True)
    return [(g, classify_known(g.failure_reason, g.failure_type)) for g in ordered]


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


# -- SQL ----------------------------------------------------------------------------------
def _failure_columns(schema: OdooSchema) -> tuple[Any, Any, Any, Any]:
    """(source, failure_type, reason prefix, seen_at) shared by both readers."""
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    source: Any = mail.join(msg, msg.c.id == mail.c.mail_message_id)
    failure_type: Any = (
        mail.c.failure_type if schema.has("mail_mail", "failure_type") else literal(None)
    )
    # Constants inlined: a GROUP BY must repeat the select's expression, bind for bind.
    reason = func.substr(
        mail.c.failure_reason, literal_column("1"), literal_column(str(REASON_PREFIX))
    )
    seen_at: Any = func.coalesce(mail.c.create_date, msg.c.date)
    return source, failure_type, reason, seen_at


def _has_servers(schema: OdooSchema) -> bool:
    return schema.has_table("ir_mail_server") and schema.has("mail_message", "mail_server_id")


def text_groups_query(
    schema: OdooSchema,
    *,
    postgres: bool,
    with_ids: bool = False,
    states: tuple[str, ...] = FAILED_STATES,
) -> Select[Any]:
    """Failed mails grouped by failure type, reason prefix and server, newest group first."""
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    source, failure_type, reason, seen_at = _failure_columns(schema)
    # The short key first: PostgreSQL's grouping compares keys in this order.
    keys: list[Any] = [failure_type] if schema.has("mail_mail", "failure_type") else []
    keys.append(reason)
    server_id: Any = literal(None)
    if _has_servers(schema):
        server_id = msg.c.mail_server_id
        keys.append(server_id)
    columns: list[Any] = [
        failure_type.label("failure_type"),
        reason.label("failure_reason"),
        server_id.label("server_id"),
        func.count().label("count"),
        func.min(seen_at).label("first_seen"),
        func.max(seen_at).label("last_seen"),
        func.max(mail.c.id).label("newest_id"),
    ]
    if with_ids:
        ids = func.array_agg(mail.c.id) if postgres else func.group_concat(mail.c.id)
        columns.append(ids.label("ids"))
    grouped = (
        select(*columns)
        .select_from(source)
        .where(mail.c.state.in_(states))
        .group_by(*keys)
        .subquery("text_groups")
    )
    server_name: Any = literal(None)
    outer: Any = grouped
    if _has_servers(schema):
        server = schema.t("ir_mail_server")
        outer = grouped.outerjoin(server, server.c.id == grouped.c.server_id)
        server_name = server.c.name
    return (
        select(
            grouped.c.failure_type,
            grouped.c.failure_reason,
            server_name.label("server_name"),
            grouped.c["count"],
            grouped.c.first_seen,
            grouped.c.last_seen,
            grouped.c.newest_id,
            *([grouped.c.ids] if with_ids else []),
        )
        .select_from(outer)
        .order_by(grouped.c.newest_id.desc())
    )


def text_groups(backend: SqlBackend, *, with_ids: bool = False) -> list[TextGroup]:
    """The failed mails (state 'exception') grouped in SQL, newest group first.

    The reasons come out masked (`SqlBackend.secret_mask`): a password a server echoed
    is neither shown nor part of a signature, so two texts that differ only by it are
    one cause.
    """
    query = text_groups_query(backend.schema, postgres=backend.is_postgres, with_ids=with_ids)
    mask = backend.secret_mask()
    return [
        TextGroup(
            failure_type=row.failure_type,
            failure_reason=mask.cut(_text(row.failure_reason), REASON_PREFIX),
            server=row.server_name,
            count=int(row.count),
            first_seen=_datetime(row.first_seen),
            last_seen=_datetime(row.last_seen),
            newest_id=int(row.newest_id),
            ids=_ids(row.ids) if with_ids else (),
        )
        for row in _fetch(backend, query)
    ]


def failed_page_query(
    schema: OdooSchema, before_id: int | None, limit: int, states: tuple[str, ...] = FAILED_STATES
) -> Select[Any]:
    """One keyset page of failed mails, newest first, with only what classifying needs."""
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    source, failure_type, reason, seen_at = _failure_columns(schema)
    server_name: Any = literal(None)
    if _has_servers(schema):
        server = schema.t("ir_mail_server")
        source = source.outerjoin(server, server.c.id == msg.c.mail_server_id)
        server_name = server.c.name
    conditions: list[Any] = [mail.c.state.in_(states)]
    if before_id is not None:
        conditions.append(mail.c.id < before_id)
    return (
        select(
            mail.c.id,
            failure_type.label("failure_type"),
            reason.label("failure_reason"),
            seen_at.label("seen_at"),
            server_name.label("server_name"),
        )
        .select_from(source)
        .where(*conditions)
        .order_by(mail.c.id.desc())
        .limit(limit)
    )


def iter_failed(backend: SqlBackend, page_size: int = PAGE_SIZE) -> Iterator[FailedRow]:
    """Every failed mail, newest first, one SQL page at a time (the support bundle's samples)."""
    before: int | None = None
    mask = backend.secret_mask()
    while True:
        query = failed_page_query(backend.schema, before, page_size)
        rows = _fetch(backend, query)
        for row in rows:
            yield FailedRow(
                id=int(row.id),
                failure_type=row.failure_type,
                failure_reason=mask.cut(_text(row.failure_reason), REASON_PREFIX),
                seen_at=_datetime(row.seen_at),
                server=row.server_name,
            )
        if len(rows) < page_size:
            return
        before = int(rows[-1].id)


def causes(backend: SqlBackend) -> list[CauseGroup]:
    """Failed mails (state 'exception') grouped by cause, biggest group first."""
    return merge_groups(classified(text_groups(backend)))


def _ids_with_signature(pairs: list[tuple[TextGroup, Classification]], signature: str) -> list[int]:
    ids = [i for group, c in pairs if c.signature == signature for i in group.ids]
    ids.sort(reverse=True)
    return ids


def ids_for_cause(backend: SqlBackend, signature: str) -> list[int]:
    """The ids of the failed mails whose cause has exactly this signature, newest first.

    One grouped read with each group's ids: the texts are classified, never the rows.
    """
    return _ids_with_signature(classified(text_groups(backend, with_ids=True)), signature)


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
    pairs = classified(text_groups(backend, with_ids=True))
    group = resolve_signature(merge_groups(pairs), signature)
    return _ids_with_signature(pairs, group.signature)


def _fetch(backend: SqlBackend, query: Select[Any]) -> list[Any]:
    def work(connection: Any) -> list[Any]:
        return list(connection.execute(query).all())

    return backend._run(work)


def _ids(value: Any) -> tuple[int, ...]:
    """array_agg (PostgreSQL) or group_concat (SQLite) of ids."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(int(part) for part in value.split(",") if part)
    return tuple(int(i) for i in value)


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
