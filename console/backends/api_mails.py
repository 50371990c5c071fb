"""The mail lists over Odoo's external API: a filter as an Odoo domain, a page with a
keyset bound on the id, its partners in one read, counts and a select-all at the server.
Rows come out as the SQL backend's do (the same first recipients, by id; the reason
masked, then cut to what a list reads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from console.backends.api_failed_order import failed_order_rows, second_of
from console.backends.api_transport import OdooApi
from console.backends.api_values import moment, record_id, text
from console.domain.mail_order import NO_TIME
from console.domain.models import LIST_REASON_CHARS, LIST_RECIPIENTS, MailPage, MailRow, Recipient
from console.domain.secrets import SecretMask
from console.domain.text import document_reference, recipient_domain

if TYPE_CHECKING:
    from console.backends.base import MailQuery

MAIL_FIELDS = [
    "state", "date", "scheduled_date", "email_from", "email_to", "recipient_ids", "subject",
    "model", "res_id", "record_name", "failure_type", "failure_reason", "create_date",
    "write_date", "mail_server_id",
]  # fmt: skip
TEXT_FIELDS = ("email_to", "email_from", "subject", "record_name", "failure_reason")


def mail_domain(query: MailQuery, version: int) -> list[Any]:
    """The Odoo domain of a mail list's filter (states, text or id, keyset bounds); 19
    no longer stores the record name, so it cannot be searched there."""
    domain: list[Any] = []
    if query.states:
        domain.append(("state", "in", list(query.states)))
    if query.before_id is not None:
        domain.append(("id", "<", query.before_id))
    if query.after_id is not None:
        domain.append(("id", ">", query.after_id))
    needle = query.text.strip()
    domain_name = recipient_domain(needle)
    if domain_name is not None:
        return domain + recipient_domain_terms(domain_name)
    if needle:
        fields = [f for f in TEXT_FIELDS if version < 19 or f != "record_name"]
        terms: list[Any] = [(field, "ilike", needle) for field in fields]
        if needle.isdigit():
            terms.append(("id", "=", int(needle)))
        document = document_reference(needle)
        if document is not None:  # the document the detail names: `account.move,1401`
            model, res_id = document
            if res_id is None:
                terms.append(("model", "=", model))
            else:
                terms.append(["&", ("model", "=", model), ("res_id", "=", res_id)])
        domain += ["|"] * (len(terms) - 1)
        for term in terms:
            domain += term if isinstance(term, list) else [term]
    return domain


def recipient_domain_terms(name: str) -> list[Any]:
    """``@gmail.com``: a recipient at that domain, in ``email_to`` or among the recipient
    partners. Odoo's ``=ilike`` cannot say "the first address", so over the API an
    ``email_to`` with several addresses matches on any of them (README "Queue shape")."""
    ends = [f"%@{name}", f"%@{name}>%", f"%@{name},%", f"%@{name} %"]
    terms: list[Any] = [("email_to", "=ilike", e) for e in ends]
    terms += [("recipient_ids.email", "=ilike", e) for e in ends[:2]]
    return ["|"] * (len(terms) - 1) + terms


def mail_fields(version: int, mailing: bool) -> list[str]:
    """What a mail row reads: 17+ adds the message's alias domain (its server's choice)."""
    return [
        *MAIL_FIELDS,
        *(["record_alias_domain_id"] if version >= 17 else []),
        *(["mailing_id"] if mailing else []),
    ]


def api_mail_page(
    api: OdooApi, query: MailQuery, *, mailing: bool, mask: Callable[[], SecretMask]
) -> MailPage:
    """One page, newest first (oldest first above ``after_id``, then turned round); the
    mask (read once a minute) is asked for alongside the rows. In failure order the
    page is read as console.backends.api_failed_order says."""
    limit = max(1, min(query.limit, 1000))
    ascending = query.after_id is not None and query.before_id is None
    fields = mail_fields(api.version.major, mailing)

    def search(domain: list[Any], order: str, size: int) -> list[dict[str, Any]]:
        found = api.call(
            "mail.mail", "search_read", domain=domain, fields=fields, order=order, limit=size
        )
        return list(found)

    def read() -> list[dict[str, Any]]:
        if not query.by_failure:
            order = "id asc" if query.after_id is not None else "id desc"
            return search(mail_domain(query, api.version.major), order, limit + 1)
        bare = type(query)(states=query.states, text=query.text)
        before = None if query.before_id is None else (query.before_at or NO_TIME, query.before_id)
        after = None if query.after_id is None else (query.after_at or NO_TIME, query.after_id)
        bound = after if ascending else before
        rows = failed_order_rows(
            search, mail_domain(bare, api.version.major), bound=bound, ascending=ascending,
            fetch=limit + 1,
        )  # fmt: skip
        if before is not None and after is not None:  # both bounds: the refresh never asks
            rows = [r for r in rows if (second_of(r), int(r["id"])) > after]
        return rows

    rows, masking = api.gather(read, mask)
    has_more = len(rows) > limit
    rows = rows[:limit]
    if query.after_id is not None and query.before_id is None:
        rows.reverse()
    partners = partners_of(api, {p for r in rows for p in _first_recipients(r)})
    return MailPage(tuple(mail_row(r, partners, masking) for r in rows), has_more)


def api_count_mails(api: OdooApi, query: MailQuery) -> int:
    bare = type(query)(states=query.states, text=query.text)
    return int(api.call("mail.mail", "search_count", domain=mail_domain(bare, api.version.major)))


def api_mail_ids(api: OdooApi, query: MailQuery, cap: int) -> list[int]:
    bare = type(query)(states=query.states, text=query.text)
    domain = mail_domain(bare, api.version.major)
    ids = api.call("mail.mail", "search", domain=domain, order="id desc", limit=cap)
    return [int(i) for i in ids]


def partners_of(api: OdooApi, ids: set[int]) -> dict[int, Recipient]:
    """The partners' names and addresses, in one read."""
    if not ids:
        return {}
    found = api.call("res.partner", "read", [sorted(ids)], fields=["name", "email"])
    return {int(p["id"]): Recipient(int(p["id"]), text(p["name"]), text(p["email"])) for p in found}


def _first_recipients(row: dict[str, Any]) -> list[int]:
    """The partners a list reads, by id as the SQL backend takes them (Odoo gives a
    many2many in the partners' own order, by name)."""
    return sorted(int(p) for p in row["recipient_ids"])[:LIST_RECIPIENTS]


def mail_row(
    row: dict[str, Any], partners: dict[int, Recipient], mask: SecretMask, *, whole: bool = False
) -> MailRow:
    """A ``mail.mail`` read as the console's row; a list reads the failure reason's
    beginning, the detail (``whole``) all of it."""
    reason = text(row["failure_reason"])
    cut = None if whole else LIST_REASON_CHARS
    return MailRow(
        id=int(row["id"]),
        state=str(row["state"]),
        date=moment(row["date"]),
        scheduled_date=moment(row["scheduled_date"]),
        email_from=text(row["email_from"]),
        email_to=text(row["email_to"]),
        recipients=tuple(partners[p] for p in _first_recipients(row) if p in partners),
        subject=text(row["subject"]),
        model=text(row["model"]),
        res_id=record_id(row["res_id"]) or None,
        record_name=text(row["record_name"]),
        failure_type=text(row["failure_type"]),
        failure_reason=mask.text(reason)[:cut] if reason else None,
        mailing_id=record_id(row.get("mailing_id")),
        recipient_count=len(row["recipient_ids"]),
        failed_at=second_of(row) if row["state"] == "exception" else None,
        mail_server_id=record_id(row["mail_server_id"]),
        alias_domain_id=record_id(row.get("record_alias_domain_id")),
    )
