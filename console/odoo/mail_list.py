"""The mail lists' reads: the queue's counts, a page of mails (keyset bounds, states, free
text), every matching id (select-all), how many match, and when mails are scheduled.

Every function takes the caller's connection; `states`, `text`, `before_id`, `after_id`
are the fields of the backend's `MailQuery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from console.domain.mail_order import NO_TIME
from console.domain.models import LIST_RECIPIENTS, MailPage, MailRow, QueueStatus
from console.domain.secrets import SecretMask
from console.domain.timefmt import as_naive_datetime
from console.odoo import mail_queries as mail_sql
from console.odoo.envelopes import chatter_marks
from console.odoo.envelopes import readable as envelopes_readable
from console.odoo.failed_order import failed_page_select
from console.odoo.mail_rows import id_column, mail_rows, recipients, with_record_names
from console.odoo.plain_reads import queue_status_from
from console.odoo.schema import OdooSchema

SCHEDULED_CHUNK = 10_000  # ids per statement when reading schedule dates


def queue_status(connection: Connection, schema: OdooSchema, now: datetime) -> QueueStatus:
    statement = mail_sql.status_statement(schema)
    return queue_status_from(connection.execute(statement, {"now": now}).all())


def mail_page(
    connection: Connection,
    schema: OdooSchema,
    *,
    states: tuple[str, ...],
    text: str,
    before_id: int | None,
    after_id: int | None,
    limit: int,
    mask: SecretMask,
    window: int,
    by_failure: bool = False,
    before_at: datetime | None = None,
    after_at: datetime | None = None,
) -> MailPage:
    """Up to `limit` mails, newest first (newest failure first `by_failure`, keyset on
    the failure seconds `before_at`/`after_at` with the ids); `window`: `_text_page_rows`."""
    if by_failure:
        statement = failed_page_select(
            schema,
            states,
            text,
            before=None if before_id is None else (before_at or NO_TIME, before_id),
            after=None if after_id is None else (after_at or NO_TIME, after_id),
            fetch=limit + 1,
            postgres=connection.dialect.name == "postgresql",
        )
        rows: list[Any] = list(connection.execute(statement).all())
    elif not text.strip():
        statement = mail_sql.list_page_statement(
            schema, states, before_id is not None, after_id is not None
        )
        params = mail_sql.list_page_params(before_id, after_id, limit)
        rows = list(connection.execute(statement, params).all())
    else:
        rows = _text_page_rows(
            connection, schema, states, text, before_id, after_id, limit + 1, window
        )
    has_more = len(rows) > limit
    rows = rows[:limit]
    if after_id is not None and before_id is None:
        rows.reverse()  # fetched ascending from after_id; show newest first
    partners = recipients(connection, schema, [int(r[0]) for r in rows], LIST_RECIPIENTS)
    mails = with_record_names(connection, schema, mail_rows(rows, partners, mask))
    return MailPage(rows=with_chatter_marks(connection, schema, mails), has_more=has_more)


def with_chatter_marks(
    connection: Connection, schema: OdooSchema, mails: tuple[MailRow, ...]
) -> tuple[MailRow, ...]:
    """The failed mails of a page marked when their red envelope is gone (one query)."""
    failed = [m.id for m in mails if m.state == "exception"]
    if not failed or not envelopes_readable(schema):
        return mails
    marks = chatter_marks(connection, failed)
    if not marks:
        return mails
    return tuple(replace(m, chatter=marks[m.id]) if m.id in marks else m for m in mails)


def _text_page_rows(
    connection: Connection,
    schema: OdooSchema,
    states: tuple[str, ...],
    text: str,
    before: int | None,
    after: int | None,
    fetch: int,
    window: int,
) -> list[Any]:
    """A text page: first the newest `window` mails row by row, then the rest hashed.

    Searching row by row (each message looked up by its key) stops as soon as the page
    is full: a common word fills it within a few thousand mails. A rare word would
    walk the whole table that way, so past the window the hashed form (one scan of
    the messages, see mail_filter) finds the rest of the page.
    """
    ascending = after is not None and before is None
    edge_query = mail_sql.window_edge_query(schema, before, after, ascending, window)
    edge = connection.execute(edge_query).scalar()
    if edge is None:  # fewer mails than the window: the row-by-row walk is bounded
        statement = mail_sql.page_select(
            schema, states, text, before, after, fetch, ascending, per_row=True
        )
        return list(connection.execute(statement).all())
    # The window holds the edge; the rest starts right past it.
    window_before, window_after = (edge + 1, after) if ascending else (before, edge - 1)
    rest_before, rest_after = (None, edge) if ascending else (edge, after)
    in_window = mail_sql.page_select(
        schema, states, text, window_before, window_after, fetch, ascending, per_row=True
    )
    rows = list(connection.execute(in_window).all())
    if len(rows) < fetch:
        rest = mail_sql.page_select(
            schema, states, text, rest_before, rest_after, fetch - len(rows), ascending
        )
        rows += connection.execute(rest).all()
    return rows


def mail_ids(
    connection: Connection,
    schema: OdooSchema,
    *,
    states: tuple[str, ...],
    text: str,
    before_id: int | None,
    cap: int,
    page_size: int,
) -> list[int]:
    """The ids of every matching mail, newest first, at most `cap`, `page_size` a statement."""
    ids: list[int] = []
    before = before_id
    while len(ids) < cap:
        wanted = min(page_size, cap - len(ids))
        statement = mail_sql.mail_ids_query(schema, states, text, before, wanted + 1)
        page = id_column(connection, statement)
        ids.extend(page[:wanted])
        if len(page) <= wanted:  # the one more row says whether to go on
            break
        before = ids[-1]
    return ids


def count_mails(
    connection: Connection, schema: OdooSchema, states: tuple[str, ...], text: str
) -> int:
    statement = mail_sql.mail_count_query(schema, states, text)
    return int(connection.execute(statement).scalar_one())


def scheduled_later(
    connection: Connection, schema: OdooSchema, ids: Sequence[int], now: datetime
) -> list[datetime]:
    """The schedule dates after `now` of these mails, in order."""
    found: list[datetime] = []
    for start in range(0, len(ids), SCHEDULED_CHUNK):
        chunk = list(ids[start : start + SCHEDULED_CHUNK])
        for (when,) in connection.execute(mail_sql.scheduled_later_query(schema, chunk, now)):
            moment = as_naive_datetime(when)
            if moment is not None:
                found.append(moment)
    return sorted(found)
