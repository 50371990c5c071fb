"""The Odoo rules the health facts follow, apart from how they are read: which system
parameters they need, the neutralization flag, odoo.conf's SMTP options, and the default
From Odoo puts on notifications. Both backends call these (console.odoo.health_facts over
SQL, console.backends.api_health over Odoo's external API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from console.config.odoo_conf import OdooConf, smtp_ssl_enabled
from console.domain.health import ConfFact

ROOT_UID = 1  # the crons (and so the queue) run as base.user_root
ADMIN_UID = 2  # base.user_admin in every fresh database
# The system parameters (ir.config_parameter) the health facts read.
FACT_PARAMETERS = (
    "database.is_neutralized",
    "mail.catchall.domain",
    "mail.default.from",
    "mail.default.from_filter",
)


def clean_params(rows: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """key -> value, stripped, without the empty ones."""
    return {str(k): str(v).strip() for k, v in rows if v is not None and str(v).strip()}


def neutralized(params: dict[str, str], seen_when_connecting: bool) -> bool:
    value = params.get("database.is_neutralized")
    if value is None:
        return seen_when_connecting
    return value.lower() in {"true", "1"}


def conf_fact(conf: OdooConf | None, version: int) -> ConfFact:
    if conf is None:
        return ConfFact()
    return ConfFact(
        known=True,
        host=conf.smtp_server,
        port=conf.smtp_port,
        ssl=smtp_ssl_enabled(conf, version),
        email_from=conf.email_from,
        from_filter=conf.from_filter,
    )


def default_from(
    version: int,
    params: dict[str, str],
    company_alias: tuple[str, str | None] | None,
    conf: ConfFact,
) -> tuple[str | None, str]:
    """Odoo's `_get_default_from_address` (docs/odoo-queue.md), and where it came from.
    ``company_alias``: (name, default_from) of the crons' company's alias domain (17+)."""
    if version >= 17:
        if company_alias is not None and company_alias[1]:
            name, local = company_alias
            address = local if local and "@" in local else f"{local}@{name}"
            return address, "alias domain default From"
    else:
        value = params.get("mail.default.from")
        domain = params.get("mail.catchall.domain")
        if value and "@" in value:
            return value, "mail.default.from"
        if value and domain:
            return f"{value}@{domain}", "mail.default.from @ mail.catchall.domain"
    if conf.email_from:
        return conf.email_from, "odoo.conf email_from"
    return None, ""
