"""SQL builders for mail lists, counts and details (SQLAlchemy Core, any dialect)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement as ColumnElementT

from console.domain.models import LIST_REASON_CHARS
from console.domain.text import document_reference, recipient_domain
from console.odoo.schema import OdooSchema


def _opt(schema: OdooSchema, table: str, column: str) -> ColumnElement[Any]:
    """A column if this database has it, else a typed NULL, so one query fits all versions."""
    if schema.has(table, column):
        return schema.t(table).c[column]
    return literal(None).label(column)


def reason_prefix(schema: OdooSchema) -> ColumnElement[Any]:
    if not schema.has("mail_mail", "failure_reason"):
        return literal(None).label("failure_reason")
    reason = schema.t("mail_mail").c.failure_reason
    return func.substr(reason, 1, LIST_REASON_CHARS).label("failure_reason")


def _contains_any(table: Any, names: tuple[str, ...], text: str) -> list[ColumnElementT[bool]]:
    # A column this Odoo version or shape lacks is skipped.
    return [table.c[n].icontains(text, autoescape=True) for n in names if n in table.c]


def mail_row_columns(schema: OdooSchema, reason: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """The columns of a MailRow, in one place for lists and the detail."""
    mail = schema.t("mail_mail")
    return [
        mail.c.id,
        mail.c.state,
        _opt(schema, "mail_message", "date"),
        _opt(schema, "mail_mail", "scheduled_date"),
        _opt(schema, "mail_message", "email_from"),
        _opt(schema, "mail_mail", "email_to"),
        _opt(schema, "mail_message", "subject"),
        _opt(schema, "mail_message", "model"),
        _opt(schema, "mail_message", "res_id"),
        _opt(schema, "mail_message", "record_name"),
        _opt(schema, "mail_mail", "failure_type"),
        reason,
        _opt(schema, "mail_mail", "mailing_id"),
        # when a failed mail failed (docs/failures.md); the list shows it to the second
        func.coalesce(mail.c.write_date, mail.c.create_date).label("failed_raw"),
        _opt(schema, "mail_message", "mail_server_id"),
        _opt(schema, "mail_message", "record_alias_domain_id").label("alias_domain_id"),
    ]


def mail_filter(
    schema: OdooSchema, states: tuple[str, ...], text: str, per_row: bool = False
) -> list[ColumnElementT[bool]]:
    """The WHERE conditions shared by a page and its count; they use mail_mail alone.

    By default matches on the message and on partners are `IN (subquery)` rather than a
    join or a correlated EXISTS: PostgreSQL then scans mail_message and res_partner once
    into a hash and walks mail_mail by id, which stays around a second at a million rows
    whether the text is rare or common (a correlated EXISTS over every mail took the
    statement timeout on rare text).

    `per_row` is for a walk bounded by an id range (the text page's window): the
    message is looked up by its key for each mail walked, and the walk stops at the
    page's last row, so a common word costs a few thousand lookups instead of a scan of
    every message.
    """
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    conditions: list[ColumnElementT[bool]] = []
    if states:
        conditions.append(mail.c.state.in_(states))
    text = text.strip()
    if not text:
        return conditions
    domain = recipient_domain(text)
    if domain is not None:  # `@gmail.com`: the queue shape's row (console.odoo.shape)
        from console.odoo.shape import recipient_domain_condition

        conditions.append(recipient_domain_condition(schema, domain))
        return conditions
    matches = _contains_any(mail, ("email_to", "failure_reason"), text)
    if per_row:
        own = msg.alias("text_message")
        message_matches = _contains_any(own, ("subject", "email_from", "record_name"), text)
        if message_matches:
            # OFFSET 0 keeps PostgreSQL from turning the EXISTS back into a hash of every
            # matching message, which is the scan this form is here to avoid.
            lookup = (
                select(literal(1))
                .where(own.c.id == mail.c.mail_message_id, or_(*message_matches))
                .offset(0)
            )
            matches.append(lookup.exists())
    else:
        message_matches = _contains_any(msg, ("subject", "email_from", "record_name"), text)
        if message_matches:
            matches.append(
                mail.c.mail_message_id.in_(select(msg.c.id).where(or_(*message_matches)))
            )
    if schema.has_table("mail_mail_res_partner_rel") and schema.has_table("res_partner"):
        rel = schema.t("mail_mail_res_partner_rel")
        partner = schema.t("res_partner")
        partner_matches = _contains_any(partner, ("email", "name"), text)
        if partner_matches:
            matches.append(
                mail.c.id.in_(
                    select(rel.c.mail_mail_id)
                    .select_from(rel.join(partner, partner.c.id == rel.c.res_partner_id))
                    .where(or_(*partner_matches))
                )
            )
    if text.isdigit() and len(text) < 10:
        matches.append(mail.c.id == int(text))
    document = document_reference(text)
    if document is not None and "model" in msg.c and "res_id" in msg.c:
        model, res_id = document
        on_it = [msg.c.model == model]
        if res_id is not None:
            on_it.append(msg.c.res_id == res_id)
        matches.append(mail.c.mail_message_id.in_(select(msg.c.id).where(*on_it)))
    conditions.append(or_(*matches) if matches else literal(False))
    return conditions


def mail_page_query(
    schema: OdooSchema,
    states: tuple[str, ...],
    text: str,
    before_id: int | None,
    after_id: int | None,
    limit: int,
) -> Select[Any]:
    """Newest first by id, keyset-paged; `after_id` pages backwards (ascending, reversed later)."""
    ascending = after_id is not None and before_id is None
    return page_select(schema, states, text, before_id, after_id, limit + 1, ascending)


def window_edge_query(
    schema: OdooSchema, before_id: int | None, after_id: int | None, ascending: bool, rows: int
) -> Select[Any]:
    """The id of the `rows`-th mail from where a page starts (none if there are fewer).

    An index-only walk of the primary key: the edge of the window a text page first
    searches row by row.
    """
    mail = schema.t("mail_mail")
    conditions: list[ColumnElementT[bool]] = []
    if before_id is not None:
        conditions.append(mail.c.id < before_id)
    if after_id is not None:
        conditions.append(mail.c.id > after_id)
    return (
        select(mail.c.id)
        .where(*conditions)
        .order_by(mail.c.id.asc() if ascending else mail.c.id.desc())
        .offset(rows - 1)
        .limit(1)
    )


def list_page_statement(
    schema: OdooSchema, states: tuple[str, ...], before: bool, after: bool
) -> Select[Any]:
    """`mail_page_query` without text, built once per shape: run it with `list_page_params`."""
    ascending = after and not before

    def build() -> Select[Any]:
        return page_select(
            schema,
            states,
            "",
            bindparam("before_id", type_=Integer) if before else None,
            bindparam("after_id", type_=Integer) if after else None,
            bindparam("fetch", type_=Integer),
            ascending,
        )

    return schema.statement(("list_page", states, before, after), build)


def list_page_params(before_id: int | None, after_id: int | None, limit: int) -> dict[str, int]:
    params = {"fetch": limit + 1}  # one more tells whether another page exists
    if before_id is not None:
        params["before_id"] = before_id
    if after_id is not None:
        params["after_id"] = after_id
    return params


def page_select(
    schema: OdooSchema,
    states: tuple[str, ...],
    text: str,
    before_id: Any,
    after_id: Any,
    fetch: Any,
    ascending: bool,
    per_row: bool = False,
) -> Select[Any]:
    """`fetch` mail rows with `after_id < id < before_id`, by id (see `mail_filter`)."""
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    conditions = mail_filter(schema, states, text, per_row)
    if before_id is not None:
        conditions.append(mail.c.id < before_id)
    if after_id is not None:
        conditions.append(mail.c.id > after_id)
    return (
        select(*mail_row_columns(schema, reason_prefix(schema)))
        .select_from(mail.join(msg, msg.c.id == mail.c.mail_message_id))
        .where(*conditions)
        .order_by(mail.c.id.asc() if ascending else mail.c.id.desc())
        .limit(fetch)
    )


def mail_ids_query(
    schema: OdooSchema, states: tuple[str, ...], text: str, before_id: int | None, limit: int
) -> Select[Any]:
    """Only the ids of a filter's mails, newest first, keyset-paged (select-all, --grep)."""
    mail = schema.t("mail_mail")
    conditions = mail_filter(schema, states, text)
    if before_id is not None:
        conditions.append(mail.c.id < before_id)
    return select(mail.c.id).where(*conditions).order_by(mail.c.id.desc()).limit(limit)


def mail_count_query(schema: OdooSchema, states: tuple[str, ...], text: str) -> Select[Any]:
    mail = schema.t("mail_mail")
    conditions = mail_filter(schema, states, text)
    return select(func.count()).select_from(mail).where(*conditions)


def id_in(column: ColumnElement[Any], array: bool) -> ColumnElementT[bool]:
    """`column = ANY(:ids)` with one array parameter (PostgreSQL), else an expanding IN.

    An IN of a few hundred bind parameters costs more in SQLAlchemy's and psycopg's
    query rewriting than the query itself takes in the database.
    """
    if array:
        return column == any_(bindparam("ids", type_=ARRAY(Integer)))
    return column.in_(bindparam("ids", expanding=True))


def recipients_statement(schema: OdooSchema, per_mail: int, array: bool) -> Select[Any]:
    """The first `per_mail` partners of each mail in `:ids`, with how many it has in all.

    A mail can carry thousands of partners; a page must not load them all.
    """

    def build() -> Select[Any]:
        rel = schema.t("mail_mail_res_partner_rel")
        partner = schema.t("res_partner")
        ranked = (
            select(
                rel.c.mail_mail_id,
                rel.c.res_partner_id,
                func.row_number()
                .over(partition_by=rel.c.mail_mail_id, order_by=rel.c.res_partner_id)
                .label("rank"),
                func.count().over(partition_by=rel.c.mail_mail_id).label("total"),
            )
            .where(id_in(rel.c.mail_mail_id, array))
            .subquery()
        )
        return (
            select(
                ranked.c.mail_mail_id, partner.c.id, partner.c.name, partner.c.email, ranked.c.total
            )
            .select_from(ranked.join(partner, partner.c.id == ranked.c.res_partner_id))
            .where(ranked.c.rank <= literal_column(str(int(per_mail))))
            .order_by(ranked.c.mail_mail_id, partner.c.id)
        )

    return schema.statement(("recipients", per_mail, array), build)


def scheduled_later_query(schema: OdooSchema, ids: list[int], now: datetime) -> Select[Any]:
    """When each of these outgoing mails falls due, for those scheduled after ``now``."""
    mail = schema.t("mail_mail")
    return (
        select(mail.c.scheduled_date)
        .where(mail.c.id.in_(ids), mail.c.state == "outgoing", mail.c.scheduled_date > now)
        .order_by(mail.c.scheduled_date)
    )


def status_statement(schema: OdooSchema) -> Select[Any]:
    """`status_query` built once for this database, run with `{"now": ...}`."""
    return schema.statement(
        ("status",), lambda: status_query(schema, bindparam("now", type_=DateTime))
    )


def status_query(schema: OdooSchema, now: datetime | ColumnElement[Any]) -> Select[Any]:
    """Counts per state, the oldest due outgoing mail and the future-scheduled ones.

    One scan of mail_mail (Odoo has no index on `state`): three separate queries cost three
    scans at a million rows.
    """
    mail = schema.t("mail_mail")
    outgoing = mail.c.state == "outgoing"
    due = or_(mail.c.scheduled_date.is_(None), mail.c.scheduled_date <= now)
    return select(
        mail.c.state,
        func.count(),
        func.min(mail.c.create_date).filter(and_(outgoing, due)),
        func.count().filter(and_(outgoing, mail.c.scheduled_date > now)),
    ).group_by(mail.c.state)


def mail_detail_query(schema: OdooSchema, mail_id: int) -> Select[Any]:
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    source = mail.join(msg, msg.c.id == mail.c.mail_message_id)
    extra: list[ColumnElement[Any]] = []
    if schema.has_table("ir_mail_server") and schema.has("mail_message", "mail_server_id"):
        server = schema.t("ir_mail_server")
        source = source.outerjoin(server, server.c.id == msg.c.mail_server_id)
        extra.append(server.c.name.label("server_name"))
    else:
        extra.append(literal(None).label("server_name"))
    if schema.has_table("mailing_mailing") and schema.has("mail_mail", "mailing_id"):
        mailing = schema.t("mailing_mailing")
        source = source.outerjoin(mailing, mailing.c.id == mail.c.mailing_id)
        extra.append(mailing.c.subject.label("campaign_subject"))
    else:
        extra.append(literal(None).label("campaign_subject"))
    return (
        select(
            *mail_row_columns(schema, _opt(schema, "mail_mail", "failure_reason")),
            mail.c.mail_message_id,
            _opt(schema, "mail_message", "message_id"),
            _opt(schema, "mail_mail", "references"),
            _opt(schema, "mail_message", "reply_to"),
            _opt(schema, "mail_mail", "email_cc"),
            _opt(schema, "mail_mail", "headers"),
            _opt(schema, "mail_mail", "auto_delete"),
            _opt(schema, "mail_mail", "is_notification"),
            _opt(schema, "mail_message", "message_type"),
            _opt(schema, "mail_mail", "body_html"),
            _opt(schema, "mail_mail", "create_date"),
            _opt(schema, "mail_mail", "write_date"),
            *extra,
        )
        .select_from(source)
        .where(mail.c.id == mail_id)
    )


def notifications_query(schema: OdooSchema, message_id: int) -> Select[Any]:
    notif = schema.t("mail_notification")
    partner = schema.t("res_partner")
    return (
        select(
            notif.c.id,
            notif.c.res_partner_id,
            partner.c.name,
            partner.c.email,
            notif.c.notification_type,
            notif.c.notification_status,
            notif.c.failure_type,
            func.substr(notif.c.failure_reason, 1, LIST_REASON_CHARS).label("failure_reason"),
            notif.c.mail_mail_id,
        )
        .select_from(notif.outerjoin(partner, partner.c.id == notif.c.res_partner_id))
        .where(notif.c.mail_message_id == message_id)
        .order_by(notif.c.id)
    )


def attachments_query(schema: OdooSchema, message_id: int) -> Select[Any]:
    rel = schema.t("message_attachment_rel")
    att = schema.t("ir_attachment")
    return (
        select(att.c.id, att.c.name, att.c.mimetype, att.c.file_size)
        .select_from(rel.join(att, att.c.id == rel.c.attachment_id))
        .where(rel.c.message_id == message_id)
        .order_by(att.c.id)
    )
