"""The SQL of the failures-by-cause view: failed mails grouped by failure type, reason
prefix and what decides their server (one statement, PostgreSQL or SQLite), and keyset
pages of failed mails. Times are failure times (the mails' write_date).
What a cause is, and the merging, are in console.domain.causes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, literal, literal_column, select
from sqlalchemy.engine import Connection

from console.domain.causes import FailedRow, TextGroup
from console.domain.secrets import SecretMask
from console.odoo.schema import OdooSchema

REASON_PREFIX = 4096
PAGE_SIZE = 2000
FAILED_STATES = ("exception",)


# -- SQL ----------------------------------------------------------------------------------
def _failure_columns(schema: OdooSchema) -> tuple[Any, Any, Any, Any]:
    """(source, failure_type, reason prefix, seen_at) shared by both readers.

    `seen_at` is when the mail failed: Odoo's failing send writes the state and the
    reason, so a failed mail's write_date is its failure (docs/failures.md); the
    creation and the message's date stand in only where it is missing.
    """
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
    seen_at: Any = func.coalesce(mail.c.write_date, mail.c.create_date, msg.c.date)
    return source, failure_type, reason, seen_at


def _server_inputs(schema: OdooSchema) -> list[tuple[Any, str]]:
    """What decides a mail's server (console.odoo.server_use): the message's server,
    From and (17+) alias domain; None where this version has no such column."""
    msg = schema.t("mail_message")
    return [
        (msg.c[name] if schema.has("mail_message", name) else None, label)
        for name, label in (
            ("mail_server_id", "mail_server_id"),
            ("email_from", "email_from"),
            ("record_alias_domain_id", "alias_domain_id"),
        )
    ]


def _labelled(inputs: list[tuple[Any, str]]) -> list[Any]:
    return [(literal(None) if c is None else c).label(label) for c, label in inputs]


def text_groups_query(
    schema: OdooSchema,
    *,
    postgres: bool,
    with_ids: bool = False,
    states: tuple[str, ...] = FAILED_STATES,
) -> Select[Any]:
    """Failed mails grouped by failure type, reason prefix and what decides their server,
    newest group first."""
    mail = schema.t("mail_mail")
    source, failure_type, reason, seen_at = _failure_columns(schema)
    inputs = _server_inputs(schema)
    # The short key first: PostgreSQL's grouping compares keys in this order.
    keys: list[Any] = [failure_type] if schema.has("mail_mail", "failure_type") else []
    keys.append(reason)
    keys += [column for column, _ in inputs if column is not None]
    newest = func.max(mail.c.id)
    columns: list[Any] = [
        failure_type.label("failure_type"),
        reason.label("failure_reason"),
        *_labelled(inputs),
        func.count().label("count"),
        func.min(seen_at).label("first_seen"),
        func.max(seen_at).label("last_seen"),
        newest.label("newest_id"),
    ]
    if with_ids:
        ids = func.array_agg(mail.c.id) if postgres else func.group_concat(mail.c.id)
        columns.append(ids.label("ids"))
    return (
        select(*columns)
        .select_from(source)
        .where(mail.c.state.in_(states))
        .group_by(*keys)
        .order_by(newest.desc())
    )


def failed_page_query(
    schema: OdooSchema, before_id: int | None, limit: int, states: tuple[str, ...] = FAILED_STATES
) -> Select[Any]:
    """One keyset page of failed mails, newest first, with only what classifying needs."""
    mail = schema.t("mail_mail")
    source, failure_type, reason, seen_at = _failure_columns(schema)
    conditions: list[Any] = [mail.c.state.in_(states)]
    if before_id is not None:
        conditions.append(mail.c.id < before_id)
    return (
        select(
            mail.c.id,
            failure_type.label("failure_type"),
            reason.label("failure_reason"),
            seen_at.label("seen_at"),
            *_labelled(_server_inputs(schema)),
        )
        .select_from(source)
        .where(*conditions)
        .order_by(mail.c.id.desc())
        .limit(limit)
    )


def read_text_groups(
    connection: Connection, schema: OdooSchema, mask: SecretMask, *, with_ids: bool
) -> list[TextGroup]:
    """The failed mails (state 'exception') grouped, newest group first, reasons masked: a
    password a server echoed is neither shown nor part of a signature, so two texts that
    differ only by it are one cause. Their servers are named by the backend."""
    postgres = connection.dialect.name == "postgresql"
    query = text_groups_query(schema, postgres=postgres, with_ids=with_ids)
    return [
        TextGroup(
            failure_type=row.failure_type,
            failure_reason=mask.cut(_text(row.failure_reason), REASON_PREFIX),
            count=int(row._mapping["count"]),
            first_seen=_datetime(row.first_seen),
            last_seen=_datetime(row.last_seen),
            newest_id=int(row.newest_id),
            ids=_ids(row.ids) if with_ids else (),
            mail_server_id=_int(row.mail_server_id),
            email_from=_text(row.email_from),
            alias_domain_id=_int(row.alias_domain_id),
        )
        for row in connection.execute(query).all()
    ]


def read_failed_page(
    connection: Connection, schema: OdooSchema, mask: SecretMask, before_id: int | None, limit: int
) -> list[FailedRow]:
    """One keyset page of failed mails, newest first, reasons masked."""
    return [
        FailedRow(
            id=int(row.id),
            failure_type=row.failure_type,
            failure_reason=mask.cut(_text(row.failure_reason), REASON_PREFIX),
            seen_at=_datetime(row.seen_at),
            mail_server_id=_int(row.mail_server_id),
            email_from=_text(row.email_from),
            alias_domain_id=_int(row.alias_domain_id),
        )
        for row in connection.execute(failed_page_query(schema, before_id, limit)).all()
    ]


def iter_pages(read_page: Any, page_size: int = PAGE_SIZE) -> Iterator[FailedRow]:
    """Every failed mail, newest first, one page at a time from `read_page(before, size)`."""
    before: int | None = None
    while True:
        rows: list[FailedRow] = read_page(before, page_size)
        yield from rows
        if len(rows) < page_size:
            return
        before = rows[-1].id


def _ids(value: Any) -> tuple[int, ...]:
    """array_agg (PostgreSQL) or group_concat (SQLite) of ids."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(int(part) for part in value.split(",") if part)
    return tuple(int(i) for i in value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


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
