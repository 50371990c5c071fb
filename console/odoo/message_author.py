"""Who a logged chatter message is from, and its Reply-To, as ``mail.thread`` computes them.

``_message_log_batch`` (``addons/mail/models/mail_thread.py``, 16-19) fills
``author_id, email_from = _message_compute_author(None, None)`` (the acting user's
partner and that partner's ``email_formatted``) and
``reply_to = env['mail.thread']._notify_get_reply_to(default=email_from)[False]``
(``addons/mail/models/models.py``):

- 16: the catchall ``mail.catchall.alias@mail.catchall.domain`` (both system parameters
  needed), named after ``env.company``; an address of 78 characters or more stays bare,
  and a formatted one over 78 falls back to the bare address.
- 17, 18: the catchall of the company's alias domain (``mail_alias_domain``), named after
  the company; the limit is 68 characters.
- 19: the same catchall, named after the author (``_notify_get_reply_to_formatted_email``
  takes ``author_id``); limit 68.
- No catchall: the default, i.e. ``email_from`` itself.

``env.company`` is the user's ``company_id`` (a web session may pick another allowed
company; a console has no such choice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.domain.mailtools import email_normalize_all, formataddr
from console.odoo.schema import OdooSchema


@dataclass(frozen=True, slots=True)
class MessageAuthor:
    author_id: int | None
    email_from: str | None
    reply_to: str | None


def email_formatted(name: str | None, email: str | None) -> str | None:
    """``res.partner._compute_email_formatted`` (16-19); False (NULL) without an email."""
    normalized = email_normalize_all(email)
    if normalized:
        return formataddr((name or "False", ",".join(normalized)))
    if email:
        return formataddr((name or "False", email))
    return None


def log_author(connection: Connection, schema: OdooSchema, version: int, uid: int) -> MessageAuthor:
    """Author, From and Reply-To of a message logged by user ``uid``."""
    users, partners = schema.t("res_users"), schema.t("res_partner")
    user = connection.execute(
        select(users.c.partner_id, users.c.company_id, partners.c.name, partners.c.email)
        .join(partners, partners.c.id == users.c.partner_id)
        .where(users.c.id == uid)
    ).first()
    if user is None:
        return MessageAuthor(None, None, None)
    email_from = email_formatted(user.name, user.email)
    catchall = _catchall(connection, schema, version, user.company_id)
    reply_to = email_from
    if catchall is not None:
        address, company_name = catchall
        name = user.name if version >= 19 else company_name
        reply_to = _formatted_reply_to(address, name, limit=78 if version <= 16 else 68)
    return MessageAuthor(int(user.partner_id), email_from, reply_to)


def catchall_of_user(
    connection: Connection, schema: OdooSchema, version: int, uid: int
) -> tuple[str, str | None] | None:
    """The catchall address of user ``uid``'s company and the company's name (None: none)."""
    users = schema.t("res_users")
    company_id = connection.execute(
        select(users.c.company_id).where(users.c.id == uid)
    ).scalar_one_or_none()
    return _catchall(connection, schema, version, company_id)


def _formatted_reply_to(address: str, name: str | None, *, limit: int) -> str:
    """``_notify_get_reply_to_formatted_email`` with no record name (a log on no record)."""
    if len(address) >= limit:
        return address
    formatted = formataddr((name or "", address))
    # Odoo retries with the record name or the same name, then gives the bare address.
    return address if len(formatted) > limit else formatted


def _catchall(
    connection: Connection, schema: OdooSchema, version: int, company_id: Any
) -> tuple[str, str | None] | None:
    """The company's catchall address and the company's name, when one is configured."""
    companies = schema.t("res_company")
    company = connection.execute(
        select(companies.c.name, *_alias_domain_column(schema)).where(companies.c.id == company_id)
    ).first()
    company_name = None if company is None else company.name
    if version <= 16:
        params = schema.t("ir_config_parameter")
        found = dict(
            connection.execute(
                select(params.c.key, params.c.value).where(
                    params.c.key.in_(("mail.catchall.alias", "mail.catchall.domain"))
                )
            ).all()
        )
        alias, domain = found.get("mail.catchall.alias"), found.get("mail.catchall.domain")
        return (f"{alias}@{domain}", company_name) if alias and domain else None
    domain_id = None if company is None else getattr(company, "alias_domain_id", None)
    if domain_id is None or not schema.has_table("mail_alias_domain"):
        return None
    domains = schema.t("mail_alias_domain")
    row = connection.execute(
        select(domains.c.name, domains.c.catchall_alias).where(domains.c.id == domain_id)
    ).first()
    if row is None or not row.catchall_alias:
        return None
    return f"{row.catchall_alias}@{row.name}", company_name


def _alias_domain_column(schema: OdooSchema) -> list[Any]:
    companies = schema.t("res_company")
    return [companies.c.alias_domain_id] if "alias_domain_id" in companies.c else []
