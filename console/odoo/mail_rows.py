"""Mail rows as the lists and the detail show them: the columns read into `MailRow`s, each
mail's first partners, the documents' names Odoo 19 no longer stores, and one-column id
results read without building a Row per id."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from console.domain.mail_order import failure_second
from console.domain.models import LIST_REASON_CHARS, MailRow, Recipient
from console.domain.secrets import SecretMask
from console.domain.timefmt import as_naive_datetime
from console.odoo import mail_queries as mail_sql
from console.odoo.record_names import record_names
from console.odoo.schema import OdooSchema

# A mail's first partners and how many it has.
Recipients = tuple[tuple[Recipient, ...], int]


def id_column(connection: Connection, statement: Any) -> list[int]:
    """A one-column result read straight from the DBAPI cursor.

    SQLAlchemy builds a Row per row (about a microsecond each): for 100,000 ids that is
    more than the database takes to send them.
    """
    result = connection.execute(statement)
    try:
        return [int(row[0]) for row in result.cursor.fetchall()]
    finally:
        result.close()


def recipients(
    connection: Connection, schema: OdooSchema, ids: list[int], per_mail: int
) -> dict[int, Recipients]:
    """Mail id -> (its first partners, how many it has)."""
    if not ids or not schema.has_table("mail_mail_res_partner_rel"):
        return {}
    found: dict[int, list[Recipient]] = defaultdict(list)
    totals: dict[int, int] = {}
    postgres = connection.dialect.name == "postgresql"
    statement = mail_sql.recipients_statement(schema, per_mail, postgres)
    for mail_id, partner_id, name, email, total in connection.execute(
        statement, {"ids": ids}
    ).all():
        found[mail_id].append(Recipient(partner_id, name, email))
        totals[mail_id] = total
    return {key: (tuple(value), totals[key]) for key, value in found.items()}


def with_record_names(
    connection: Connection, schema: OdooSchema, mails: tuple[MailRow, ...]
) -> tuple[MailRow, ...]:
    """19 stores no record_name: the documents' names, read for the whole page."""
    if schema.has("mail_message", "record_name") or connection.dialect.name != "postgresql":
        return mails
    names = record_names(connection, schema, ((m.model, m.res_id) for m in mails))
    return tuple(replace(m, record_name=names.get((m.model or "", m.res_id or 0))) for m in mails)


def mail_row(
    row: Any, partners: tuple[Recipient, ...], recipient_count: int, mask: SecretMask
) -> MailRow:
    """One mail read by name (the detail's row), its failure reason in full."""
    return MailRow(
        id=int(row.id),
        state=str(row.state) if row.state is not None else "?",
        date=row.date,
        scheduled_date=row.scheduled_date,
        email_from=row.email_from,
        email_to=row.email_to,
        recipients=partners,
        subject=row.subject,
        model=row.model,
        res_id=row.res_id,
        record_name=row.record_name,
        failure_type=row.failure_type,
        failure_reason=mask.optional(row.failure_reason),
        mailing_id=row.mailing_id,
        recipient_count=recipient_count,
        failed_at=failed_at(row.state, row.failed_raw),
        mail_server_id=row.mail_server_id,
        alias_domain_id=row.alias_domain_id,
    )


def failed_at(state: Any, moment: Any) -> datetime | None:
    """A failed mail's failure time, to the second (None for a mail in another state)."""
    if state != "exception":
        return None
    found = as_naive_datetime(moment)
    return None if found is None else failure_second(found)


def mail_rows(
    rows: list[Any], partners_of: dict[int, Recipients], mask: SecretMask
) -> tuple[MailRow, ...]:
    """A page's rows, read by position (the columns of `mail_sql.mail_row_columns`)."""
    none: Recipients = ((), 0)
    result = []
    for (
        mail_id,
        state,
        date,
        scheduled_date,
        email_from,
        email_to,
        subject,
        model,
        res_id,
        record_name,
        failure_type,
        failure_reason,
        mailing_id,
        failed_raw,
        mail_server_id,
        alias_domain_id,
    ) in rows:
        partners, count = partners_of.get(mail_id, none)
        result.append(
            MailRow(
                mail_id,
                "?" if state is None else str(state),
                date,
                scheduled_date,
                email_from,
                email_to,
                partners,
                subject,
                model,
                res_id,
                record_name,
                failure_type,
                mask.cut(failure_reason, LIST_REASON_CHARS),
                mailing_id,
                count,
                failed_at=failed_at(state, failed_raw),
                mail_server_id=mail_server_id,
                alias_domain_id=alias_domain_id,
            )
        )
    return tuple(result)
