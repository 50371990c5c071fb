"""Incoming routing over Odoo's external API, judged by the same rules as over SQL
(console.domain.inbound.check_incoming, console.odoo.inbound_routing.message_ids): the
aliases with their models, the alias domains (17+) or 16's catchall parameters, the
incoming servers that create records; then, for one address, the replied-to message,
the document and its followers, and the sender's partners. A model a module adds and
that is not installed (``fetchmail.server``, a document's model) is "cannot tell", as a
missing table is over SQL.
"""

from __future__ import annotations

from typing import Any

from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, record_id, text, value
from console.domain.errors import ConsoleError
from console.domain.inbound import (
    Alias,
    AliasDomain,
    ReplyTarget,
    RoutingSetup,
    Sender,
    Verdict,
    check_incoming,
)
from console.domain.mailtools import email_normalize

ALL: dict[str, Any] = {"active_test": False}
ICPS = (
    "mail.catchall.domain",
    "mail.bounce.alias",
    "mail.catchall.alias",
    "mail.catchall.domain.allowed",
)
ALIAS_FIELDS = [
    "alias_name",
    "alias_model_id",
    "alias_force_thread_id",
    "alias_parent_model_id",
    "alias_parent_thread_id",
    "alias_contact",
    "alias_defaults",
]
ALIAS_FIELDS_17 = ["alias_full_name", "alias_incoming_local", "alias_status", "alias_domain_id"]


def api_routing_setup(api: OdooApi) -> RoutingSetup:
    """Where incoming mail can land (console.odoo.inbound_routing.read_setup's answer)."""
    version = api.version.major
    params = {
        str(r["key"]): str(value(r["value"]) or "")
        for r in api.call(
            "ir.config_parameter",
            "search_read",
            domain=[("key", "in", list(ICPS))],
            fields=["key", "value"],
        )
    }
    domains: list[AliasDomain] = []
    if version >= 17:
        for row in api.call(
            "mail.alias.domain",
            "search_read",
            domain=[],
            fields=["name", "bounce_alias", "catchall_alias", "default_from"],
            order="sequence, id",
        ):
            domains.append(
                AliasDomain(
                    int(row["id"]),
                    str(row["name"]).strip().lower(),
                    text(row["bounce_alias"]),
                    text(row["catchall_alias"]),
                    text(row["default_from"]),
                )
            )
    allowed = params.get("mail.catchall.domain.allowed", "")
    return RoutingSetup(
        version=version,
        aliases=tuple(_aliases(api, version, params.get("mail.catchall.domain") or None)),
        domains=tuple(domains),
        catchall_domain=params.get("mail.catchall.domain") or None,
        bounce_alias=params.get("mail.bounce.alias") or None,
        catchall_alias=params.get("mail.catchall.alias") or None,
        domains_allowed=tuple(d for d in allowed.split(",") if d.strip()),
        fallbacks=tuple(_fallbacks(api)),
    )


def _aliases(api: OdooApi, version: int, catchall_domain: str | None) -> list[Alias]:
    fields = ALIAS_FIELDS + (ALIAS_FIELDS_17 if version >= 17 else [])
    rows = api.call("mail.alias", "search_read", domain=[], fields=fields, order="id")
    model_ids = {
        i
        for r in rows
        for i in (record_id(r["alias_model_id"]), record_id(r["alias_parent_model_id"]))
        if i is not None
    }
    models = _models(api, model_ids)
    return [
        Alias(
            id=int(r["id"]),
            name=text(r["alias_name"]),
            full_name=text(r["alias_full_name"]) if version >= 17 else None,
            domain=many2one(r["alias_domain_id"])[1] if version >= 17 else catchall_domain,
            model=models.get(record_id(r["alias_model_id"]) or 0),
            force_thread_id=value(r["alias_force_thread_id"]) or None,
            parent_model=models.get(record_id(r["alias_parent_model_id"]) or 0),
            parent_thread_id=value(r["alias_parent_thread_id"]) or None,
            contact=str(value(r["alias_contact"]) or "everyone"),
            incoming_local=bool(r.get("alias_incoming_local")),
            status=text(r.get("alias_status", False)),
            defaults=text(r["alias_defaults"]),
        )
        for r in rows
    ]


def _models(api: OdooApi, ids: set[int]) -> dict[int, str]:
    """ir.model id -> technical name (a many2one shows the human one)."""
    if not ids:
        return {}
    rows = api.call("ir.model", "search_read", domain=[("id", "in", sorted(ids))], fields=["model"])
    return {int(r["id"]): str(r["model"]) for r in rows}


def _fallbacks(api: OdooApi) -> list[tuple[str, str]]:
    """The active incoming servers that create a record (fetchmail; its own module on 16)."""
    if not api.call("ir.model", "search_count", domain=[("model", "=", "fetchmail.server")]):
        return []
    rows = api.call(
        "fetchmail.server",
        "search_read",
        domain=[("object_id", "!=", False)],
        fields=["name", "object_id"],
        order="id",
    )
    models = _models(api, {i for r in rows if (i := record_id(r["object_id"])) is not None})
    return [
        (str(r["name"]), models[oid])
        for r in rows
        if (oid := record_id(r["object_id"])) is not None and oid in models
    ]


class ApiLookups:
    """console.domain.inbound.Lookups over the API; None: cannot tell."""

    def __init__(self, api: OdooApi) -> None:
        self.api = api

    def record_exists(self, model: str, res_id: int) -> bool | None:
        try:
            found = self.api.call(
                model, "search_count", domain=[("id", "=", int(res_id))], context=ALL
            )
        except ConsoleError:  # a model that is not installed, or not readable
            return None
        return bool(found)

    def followers(self, model: str, res_id: int) -> frozenset[int] | None:
        rows = self.api.call(
            "mail.followers",
            "search_read",
            domain=[
                ("res_model", "=", model),
                ("res_id", "=", int(res_id)),
                ("partner_id", "!=", False),
            ],
            fields=["partner_id"],
        )
        return frozenset(i for r in rows if (i := record_id(r["partner_id"])) is not None)


def api_inbound_check(
    api: OdooApi, address: str, *, in_reply_to: str | None = None, sender: str | None = None
) -> Verdict:
    """Odoo's routing verdict for a mail delivered to ``address``."""
    setup = api_routing_setup(api)
    lookups = ApiLookups(api)
    reply = _reply(api, lookups, in_reply_to) if in_reply_to else None
    who = _sender(api, sender) if sender else None
    return check_incoming(setup, address, lookups, reply=reply, sender=who)


def _reply(api: OdooApi, lookups: ApiLookups, references: str) -> ReplyTarget:
    from console.odoo.inbound_routing import message_ids

    refs = message_ids(references, api.version.major)
    if not refs:
        return ReplyTarget(found=False)
    rows = api.call(
        "mail.message",
        "search_read",
        domain=[("message_id", "in", refs)],
        fields=["model", "res_id"],
        order="id desc",
        limit=1,
    )
    if not rows:
        return ReplyTarget(found=False)
    model, res_id = text(rows[0]["model"]), record_id(rows[0]["res_id"]) or None
    exists = lookups.record_exists(model, res_id) if model and res_id else None
    return ReplyTarget(True, model, res_id, exists)


def _sender(api: OdooApi, address: str) -> Sender:
    normalized = email_normalize(address) or address.strip().lower()
    ids = api.call(
        "res.partner", "search", domain=[("email_normalized", "=", normalized)], order="id"
    )
    return Sender(normalized, tuple(int(i) for i in ids))
