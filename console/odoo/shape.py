"""The SQL of the queue shape (console.domain.shape): mails of one state counted by a raw
key and an age bucket, in one statement (PostgreSQL or SQLite).

The age of an outgoing mail runs from when it became due (its ``scheduled_date`` when
that is after its creation, else its creation); a failed mail's from its failure time,
the Failed list's (``write_date``, else ``create_date``: docs/odoo-queue.md). The bucket is
a CASE on bounds computed once in Python, so no date arithmetic differs between the two
databases. Odoo indexes neither ``state`` nor the dates: every form is one scan of
``mail_mail`` (and of the recipients' relation for domains).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, literal_column, or_, select, union, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, String

from console.domain.shape import BUCKET_MINUTES, LATER, bucket_bounds
from console.odoo.schema import OdooSchema
from console.odoo.server_use import FAILED_VIA_MARKER

REASON_PREFIX = 4096  # as the Causes pane reads a failure (console.odoo.causes)


class address_domain(FunctionElement[str]):
    """The domain of the first address in a text: what follows its first ``@`` up to a
    ``,`` or ``>``, trimmed of spaces, quotes, ``;`` and ``@``, lower-cased; NULL when there is
    none. ``"Ann" <ann@Gmail.com>, bob@x.org`` gives ``gmail.com``."""

    type = String()
    inherit_cache = True
    name = "address_domain"


_TRIM = "' ;\"@'''"  # spaces, quotes, ; and a doubled @ around the domain


@compiles(address_domain, "postgresql")
def _domain_pg(element: address_domain, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(next(iter(element.clauses)), **kw)
    return f"NULLIF(lower(btrim(substring({arg} from '@([^>,]*)'), {_TRIM})), '')"


@compiles(address_domain)
def _domain_sqlite(element: address_domain, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(next(iter(element.clauses)), **kw)
    after = f"substr({arg}, instr({arg}, '@') + 1)"

    def cut(text: str, char: str) -> str:
        return f"(CASE WHEN instr({text}, '{char}') > 0 THEN substr({text}, 1, instr({text}, '{char}') - 1) ELSE {text} END)"  # noqa: E501

    trimmed = f"lower(trim({cut(cut(after, ','), '>')}, {_TRIM}))"
    return f"(CASE WHEN instr({arg}, '@') > 0 THEN NULLIF({trimmed}, '') END)"


class failed_via_host(FunctionElement[str]):
    """The host in Odoo's "Mail delivery failed via SMTP server 'HOST'." (else NULL): the
    server a failure names (console.odoo.server_use.failed_via)."""

    type = String()
    inherit_cache = True
    name = "failed_via_host"


_VIA = FAILED_VIA_MARKER


def _via(arg: str, find: str) -> str:
    """Without a regular expression: a regex over every failure text (often a whole
    traceback) cost a second at 34,000 failures; finding the marker costs a fraction."""
    quote = "''''"  # one ' as an SQL literal
    at = f"{find}({arg}, '{_VIA.replace(chr(39), chr(39) * 2)}')"
    rest = f"substr({arg}, {at} + {len(_VIA)}, 201)"
    end = f"{find}({rest}, {quote})"
    return f"(CASE WHEN {at} > 0 AND {end} > 1 THEN substr({rest}, 1, {end} - 1) END)"


@compiles(failed_via_host, "postgresql")
def _via_pg(element: failed_via_host, compiler: Any, **kw: Any) -> str:
    return _via(compiler.process(next(iter(element.clauses)), **kw), "strpos")


@compiles(failed_via_host)
def _via_sqlite(element: failed_via_host, compiler: Any, **kw: Any) -> str:
    return _via(compiler.process(next(iter(element.clauses)), **kw), "instr")


def _bucket(schema: OdooSchema, state: str, now: datetime) -> Any:
    """The age bucket of each mail (LATER: scheduled after now)."""
    mail = schema.t("mail_mail")
    if state == "outgoing":
        scheduled = mail.c.scheduled_date
        since: Any = case((scheduled > mail.c.create_date, scheduled), else_=mail.c.create_date)
        first: list[Any] = [(scheduled > now, LATER)]
    else:
        since = func.coalesce(mail.c.write_date, mail.c.create_date)
        first = []
    whens = [*first, *((since >= bound, i) for i, bound in enumerate(bucket_bounds(now)))]
    return case(*whens, else_=len(BUCKET_MINUTES)).label("bucket")


def _key_columns(schema: OdooSchema, by: str) -> list[Any]:
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")

    def opt(table: Any, name: str, label: str) -> Any:
        column = table.c[name] if name in table.c else literal(None)
        return column.label(label)

    if by == "model":
        return [opt(msg, "model", "model")]
    if by == "server":
        via = failed_via_host(mail.c.failure_reason) if "failure_reason" in mail.c else None
        return [
            opt(msg, "mail_server_id", "mail_server_id"),
            opt(msg, "email_from", "email_from"),
            opt(msg, "record_alias_domain_id", "alias_domain_id"),
            (literal(None, String) if via is None else via).label("via_host"),
        ]
    # cause
    reason = (
        func.substr(mail.c.failure_reason, literal_column("1"), literal_column(str(REASON_PREFIX)))
        if "failure_reason" in mail.c
        else literal(None, String)
    )
    return [opt(mail, "failure_type", "failure_type"), reason.label("failure_reason")]


def keyed_shape_query(schema: OdooSchema, by: str, state: str, now: datetime) -> Select[Any]:
    """(keys..., bucket, count) for ``by`` in model, server, cause: each mail once."""
    mail = schema.t("mail_mail")
    msg = schema.t("mail_message")
    mails = (
        select(*_key_columns(schema, by), _bucket(schema, state, now))
        .select_from(mail.join(msg, msg.c.id == mail.c.mail_message_id))
        .where(mail.c.state == state)
        .subquery("shape_mails")
    )
    keys = [c for c in mails.c if c.name != "bucket"]
    return select(*keys, mails.c.bucket, func.count().label("mails")).group_by(
        *keys, mails.c.bucket
    )


def domain_shape_query(schema: OdooSchema, state: str, now: datetime) -> Select[Any]:
    """(kind, domain, bucket, count): kind 0 every mail once (the TOTAL row), kind 1 each
    distinct (mail, recipient domain) pair by domain, kind 2 the mails with no domain.

    A mail's recipient domains: the first address of ``email_to`` and every recipient
    partner's ``email`` (``mail_mail_res_partner_rel``), each domain once per mail."""
    mail = schema.t("mail_mail")
    email_to = mail.c.email_to if "email_to" in mail.c else literal(None, String)
    mails = (
        select(
            mail.c.id.label("id"),
            email_to.label("email_to"),
            _bucket(schema, state, now),
        )
        .where(mail.c.state == state)
        .cte("shape_mails")
    )
    to_domain = address_domain(mails.c.email_to)
    branches: list[Any] = [
        select(mails.c.id, mails.c.bucket, to_domain.label("domain")).where(to_domain.isnot(None))
    ]
    if schema.has_table("mail_mail_res_partner_rel") and schema.has("res_partner", "email"):
        rel = schema.t("mail_mail_res_partner_rel")
        partner = schema.t("res_partner")
        partner_domain = address_domain(partner.c.email)
        branches.append(
            select(mails.c.id, mails.c.bucket, partner_domain.label("domain"))
            .select_from(
                mails.join(rel, rel.c.mail_mail_id == mails.c.id).join(
                    partner, partner.c.id == rel.c.res_partner_id
                )
            )
            .where(partner_domain.isnot(None))
        )
    pairs = union(*branches).cte("shape_pairs") if len(branches) > 1 else branches[0].cte("p")
    count = func.count().label("mails")
    return union_all(
        select(literal(0, Integer).label("kind"), literal(None, String).label("domain"),
               mails.c.bucket, count).group_by(mails.c.bucket),
        select(literal(1, Integer), pairs.c.domain, pairs.c.bucket, func.count())
        .group_by(pairs.c.domain, pairs.c.bucket),
        select(literal(2, Integer), literal(None, String), mails.c.bucket, func.count())
        .where(mails.c.id.not_in(select(pairs.c.id)))
        .group_by(mails.c.bucket),
    )  # type: ignore[return-value]  # fmt: skip


def recipient_domain_condition(schema: OdooSchema, domain: str) -> Any:
    """The mail list's ``@domain`` filter: the mails the shape counts under ``domain``."""
    mail = schema.t("mail_mail")
    matches: list[Any] = []
    if "email_to" in mail.c:
        matches.append(address_domain(mail.c.email_to) == domain)
    if schema.has_table("mail_mail_res_partner_rel") and schema.has("res_partner", "email"):
        rel = schema.t("mail_mail_res_partner_rel")
        partner = schema.t("res_partner")
        matches.append(
            mail.c.id.in_(
                select(rel.c.mail_mail_id)
                .select_from(rel.join(partner, partner.c.id == rel.c.res_partner_id))
                .where(address_domain(partner.c.email) == domain)
            )
        )
    return or_(*matches) if matches else literal(False)
