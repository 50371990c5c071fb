"""Odoo's e-mail blacklist over the external API (the SQL backend's console.odoo.blacklist):
``mail.blacklist`` newest first, keyset-paged on the id and searched on the address by
Odoo (``ilike``), each entry with its newest chatter line and who carries the address
(partners and mailing contacts by ``email_normalized``, archived ones too)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from console.backends.api_groups import grouped
from console.backends.api_transport import OdooApi
from console.backends.api_values import moment, text
from console.domain.blacklist import BlacklistEntry, BlacklistPage, BlacklistQuery
from console.domain.text import html_to_text
from console.odoo.blacklist import MODEL, NOTE_CHARS, PARTNERS_SHOWN

ENTRY_FIELDS = ["email", "active", "create_date", "write_date"]
EVERY: dict[str, Any] = {"active_test": False}  # archived records too, as the SQL reads them

Carriers = dict[str, tuple[list[tuple[int, str | None]], int]]


def api_blacklist_page(api: OdooApi, query: BlacklistQuery, *, contacts: bool) -> BlacklistPage:
    """One page of entries, newest first; ``contacts``: mass_mailing is installed."""
    domain: list[Any] = [] if query.include_removed else [("active", "=", True)]
    if query.text.strip():
        domain.append(("email", "ilike", query.text.strip().lower()))
    if query.before_id is not None:
        domain.append(("id", "<", query.before_id))
    rows = api.call(
        MODEL, "search_read", domain=domain, fields=ENTRY_FIELDS, order="id desc",
        limit=query.limit + 1, context=EVERY,
    )  # fmt: skip
    has_more = len(rows) > query.limit
    return BlacklistPage(_entries(api, rows[: query.limit], contacts), has_more)


def api_blacklist_entries(
    api: OdooApi, emails: Sequence[str], *, contacts: bool
) -> dict[str, BlacklistEntry]:
    """Normalized address -> its entry, active or not."""
    if not emails:
        return {}
    rows = api.call(
        MODEL, "search_read", domain=[("email", "in", list(emails))], fields=ENTRY_FIELDS,
        order="id desc", context=EVERY,
    )  # fmt: skip
    return {entry.email: entry for entry in _entries(api, rows, contacts)}


def _entries(
    api: OdooApi, rows: Sequence[dict[str, Any]], contacts: bool
) -> tuple[BlacklistEntry, ...]:
    ids = [int(r["id"]) for r in rows]
    emails = [str(r["email"]) for r in rows]
    notes = _notes(api, ids)
    partners = _carriers(api, "res.partner", emails, names=True)
    others = _carriers(api, "mailing.contact", emails, names=False) if contacts else {}
    return tuple(
        BlacklistEntry(
            id=int(r["id"]),
            email=str(r["email"]),
            active=bool(r["active"]),
            created=moment(r["create_date"]),
            changed=moment(r["write_date"]),
            note=notes.get(int(r["id"]), (None, None))[0],
            note_date=notes.get(int(r["id"]), (None, None))[1],
            partners=tuple(partners.get(str(r["email"]), ([], 0))[0]),
            partner_count=partners.get(str(r["email"]), ([], 0))[1],
            contact_count=others.get(str(r["email"]), ([], 0))[1],
        )
        for r in rows
    )


def _notes(api: OdooApi, ids: list[int]) -> dict[int, tuple[str, Any]]:
    """Entry id -> (text, date) of its newest chatter message with a body."""
    if not ids:
        return {}
    found: dict[int, tuple[str, Any]] = {}
    seen: set[int] = set()
    for message in api.call(
        "mail.message", "search_read",
        domain=[("model", "=", MODEL), ("res_id", "in", ids), ("body", "!=", False)],
        fields=["res_id", "body", "date"], order="id desc",
    ):  # fmt: skip
        res_id, body = int(message["res_id"]), text(message["body"])
        if res_id in seen or not body:
            continue
        seen.add(res_id)
        words = html_to_text(body)[:NOTE_CHARS]
        if words:
            found[res_id] = (words, moment(message["date"]))
    return found


def _carriers(api: OdooApi, model: str, emails: list[str], *, names: bool) -> Carriers:
    """Address -> (the first few (id, name) of ``model``'s records with that normalized
    address, when ``names``; how many there are)."""
    if not emails:
        return {}
    groups = grouped(
        api, model, [("email_normalized", "in", emails)], ["email_normalized"],
        {"ids": "id:array_agg"} if names else {}, context=EVERY,
    )  # fmt: skip
    found: Carriers = {}
    shown: list[int] = []
    for group in groups:
        first = sorted(int(i) for i in group.get("ids") or ())[:PARTNERS_SHOWN]
        shown += first
        found[str(group["email_normalized"])] = ([(i, None) for i in first], group["__count"])
    if shown:
        named = {
            int(r["id"]): text(r["name"])
            for r in api.call(model, "read", [sorted(shown)], fields=["name"], context=EVERY)
        }
        for email, (listed, count) in found.items():
            found[email] = ([(i, named.get(i)) for i, _ in listed], count)
    return found
