"""The Failed list in failure order, newest failure first: keyset pages on (failure
second, id), the key of console.domain.mail_order.

A failed mail's failure time is its write_date (docs/failures.md), cut to the second as
the API gives it, so that both backends page the same way. Odoo has no index on
write_date (nor on state): each page reads every failed mail's id and time and keeps the
newest (PostgreSQL's top-N sort, a page of rows in memory); BENCHMARKS.md has the plans.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, select, tuple_

from console.domain.mail_order import NO_TIME, ListKey
from console.odoo import mail_queries as mail_sql
from console.odoo.schema import OdooSchema

SQLITE_SECOND = "%Y-%m-%d %H:%M:%S"  # the first 19 characters of SQLite's stored text


def failure_second(schema: OdooSchema, postgres: bool) -> Any:
    """The Failed list's time: write_date (else create_date) of a mail in exception, to the
    second; the same for every other mail and a missing time: 1970, so the order is total."""
    mail = schema.t("mail_mail")
    failed = case(
        (mail.c.state == "exception", func.coalesce(mail.c.write_date, mail.c.create_date))
    )
    if postgres:
        return func.date_trunc("second", func.coalesce(failed, literal(NO_TIME)))
    # SQLite keeps datetimes as text 'YYYY-MM-DD HH:MM:SS.ffffff': its first 19 characters
    return func.substr(func.coalesce(failed, NO_TIME.strftime(SQLITE_SECOND)), 1, 19)


def _bound(moment: datetime | None, postgres: bool) -> Any:
    at = (moment or NO_TIME).replace(microsecond=0, tzinfo=None)
    return at if postgres else at.strftime(SQLITE_SECOND)


def failed_page_select(
    schema: OdooSchema,
    states: tuple[str, ...],
    text: str,
    *,
    before: ListKey | None,
    after: ListKey | None,
    fetch: int,
    postgres: bool,
) -> Select[Any]:
    """`fetch` mail rows between the keys (exclusive), newest failure first; ascending
    from `after` when only it is given (the caller turns them round)."""
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    second = failure_second(schema, postgres)
    key = tuple_(second, mail.c.id)
    conditions = mail_sql.mail_filter(schema, states, text)
    if before is not None:
        conditions.append(key < tuple_(_bound(before[0], postgres), before[1]))
    if after is not None:
        conditions.append(key > tuple_(_bound(after[0], postgres), after[1]))
    ascending = after is not None and before is None
    order = (second.asc(), mail.c.id.asc()) if ascending else (second.desc(), mail.c.id.desc())
    # The page's ids alone first: a LIMIT right on the sort keeps only the page in memory
    # (top-N) instead of sorting every failed row with its columns (which spilled to disk
    # at 100,000 failures); the columns are then read for those rows only.
    page = (
        select(mail.c.id.label("page_id"), second.label("page_key"))
        .where(*conditions)
        .order_by(*order)
        .limit(fetch)
        .subquery("failed_page")
    )
    keys = (page.c.page_key, page.c.page_id)
    return (
        select(*mail_sql.mail_row_columns(schema, mail_sql.reason_prefix(schema)))
        .select_from(
            page.join(mail, mail.c.id == page.c.page_id).join(
                msg, msg.c.id == mail.c.mail_message_id
            )
        )
        .order_by(*(k.asc() if ascending else k.desc() for k in keys))
    )
