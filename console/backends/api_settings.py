"""Odoo's mail configuration over the external API, as the support bundle shows it
(console.odoo.mail_config's columns and parameters): the outgoing mail servers, their
password fields never asked for, and the system parameters that steer mail. Reading
``ir.mail_server`` and ``ir.config_parameter`` needs Settings/Administration."""

from __future__ import annotations

from typing import Any

from console.backends.api_transport import OdooApi
from console.backends.api_values import value
from console.odoo.mail_config import PARAMETER_KEYS, PARAMETER_PREFIXES, SERVER_COLUMNS

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
