"""Odoo's mail configuration over the external API, as the support bundle shows it
(console.odoo.mail_config's columns and parameters): the outgoing mail servers, their
password fields never asked for, and the system parameters that steer mail. Reading
``ir.mail_server`` and ``ir.config_parameter`` needs Settings/Administration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, text, value
from console.odoo.mail_config import PARAMETER_KEYS, PARAMETER_PREFIXES, SERVER_COLUMNS

if TYPE_CHECKING:
    from console.smtp.rows import DbSettings

ALL: dict[str, Any] = {"active_test": False}  # archived servers too, as the SQL reads
SINCE_18 = frozenset({"max_email_size"})  # ir.mail_server fields 16-17 do not have


def api_mail_servers(api: OdooApi) -> list[dict[str, Any]]:
    """The outgoing mail servers in Odoo's order (sequence, id), the fields named one by
    one: ``smtp_pass`` and the certificate fields are never read."""
    fields = [
        c for c in SERVER_COLUMNS if c != "id" and (api.version.major >= 18 or c not in SINCE_18)
    ]
    rows = api.call(
        "ir.mail_server",
        "search_read",
        domain=[],
        fields=fields,
        order="sequence, id",
        context=ALL,
    )
    return [{c: _field(c, r[c]) for c in ("id", *fields)} for r in rows]


def _field(name: str, raw: Any) -> Any:
    """The column's value as the SQL reads it: None for an empty field. The API reads an
    empty ``max_email_size`` as 0.0; Odoo takes 0 as unset (``_get_max_email_size``)."""
    if name == "active":
        return bool(raw)
    if name == "max_email_size":
        return raw or None
    return value(raw)


def api_mail_parameters(api: OdooApi) -> dict[str, str]:
    """The ``mail.*`` and ``mass_mailing.*`` parameters and the few others the bundle
    shows, filtered at the server."""
    likes: list[Any] = [("key", "=like", f"{prefix}%") for prefix in PARAMETER_PREFIXES]
    terms: list[Any] = [*likes, ("key", "in", list(PARAMETER_KEYS))]
    domain = ["|"] * (len(terms) - 1) + terms
    rows = api.call(
        "ir.config_parameter", "search_read", domain=domain, fields=["key", "value"], order="key"
    )
    return {
        str(r["key"]): str(r["value"])
        for r in rows
        if str(r["key"]).startswith(PARAMETER_PREFIXES) or str(r["key"]) in PARAMETER_KEYS
    }


def api_mail_settings(api: OdooApi, uid: int) -> DbSettings:
    """What Send now and the probe read of the settings (console.odoo.send_reads's
    ``load_settings``): the servers with their login, for the probe to log in with (the
    password goes into the probe's mask, never on screen), the parameters, the alias
    domains (17+) and user ``uid``'s company's."""
    from console.odoo.send_reads import SETTINGS_PARAMS
    from console.smtp.rows import AliasDomain, DbSettings
    from console.smtp.server_choice import MailServer

    columns = [c for c in SERVER_COLUMNS if c not in ("id", "name")]
    fields = [c for c in (*columns, "smtp_pass") if api.version.major >= 18 or c not in SINCE_18]
    rows = api.call(
        "ir.mail_server",
        "search_read",
        domain=[],
        fields=["name", *fields],
        order="sequence, id",
        context=ALL,
    )
    servers = tuple(
        MailServer(id=int(r["id"]), name=str(r["name"]), **{c: _field(c, r[c]) for c in fields})
        for r in rows
    )
    params = {
        str(r["key"]): str(r["value"])
        for r in api.call(
            "ir.config_parameter",
            "search_read",
            domain=[("key", "in", list(SETTINGS_PARAMS))],
            fields=["key", "value"],
        )
    }
    domains: dict[int, AliasDomain] = {}
    company_alias = None
    if api.version.major >= 17:
        for d in api.call(
            "mail.alias.domain",
            "search_read",
            domain=[],
            fields=["name", "bounce_alias", "default_from"],
        ):
            domains[int(d["id"])] = AliasDomain(
                int(d["id"]), str(d["name"]), text(d["bounce_alias"]), text(d["default_from"])
            )
        user = api.call(
            "res.users",
            "search_read",
            domain=[("id", "=", uid)],
            fields=["company_id"],
            context=ALL,
        )
        company = many2one(user[0]["company_id"])[0] if user else None
        if company is not None:
            found = api.call(
                "res.company",
                "search_read",
                domain=[("id", "=", company)],
                fields=["alias_domain_id"],
                context=ALL,
            )
            alias_id = many2one(found[0]["alias_domain_id"])[0] if found else None
            company_alias = domains.get(alias_id) if alias_id is not None else None
    return DbSettings(servers, params, company_alias, domains)
