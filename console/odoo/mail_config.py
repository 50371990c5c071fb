"""Odoo's mail configuration as a support bundle shows it: the outgoing mail servers (never
their password columns) and the system parameters that steer mail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from console.odoo.schema import OdooSchema

PARAMETER_PREFIXES = ("mail.", "mass_mailing.")
PARAMETER_KEYS = (
    "web.base.url",
    "database.is_neutralized",
    "base.default_max_email_size",
    "ir_attachment.location",
)
# Named, not "*": a column that holds a secret can never be selected by accident.
SERVER_COLUMNS = (
    "id",
    "name",
    "smtp_host",
    "smtp_port",
    "smtp_encryption",
    "smtp_authentication",
    "smtp_user",
    "from_filter",
    "sequence",
    "active",
    "max_email_size",
)


def server_rows(connection: Connection, schema: OdooSchema) -> list[dict[str, Any]]:
    if not schema.has_table("ir_mail_server"):
        return []
    table = schema.t("ir_mail_server")
    columns = [table.c[name] for name in SERVER_COLUMNS if name in table.c]
    order = [table.c.sequence] if "sequence" in table.c else []
    query = select(*columns).order_by(*order, table.c.id)
    return [dict(row._mapping) for row in connection.execute(query)]


def mail_parameters(connection: Connection, schema: OdooSchema) -> dict[str, str]:
    if not schema.has_table("ir_config_parameter"):
        return {}
    rows = connection.execute(text("SELECT key, value FROM ir_config_parameter ORDER BY key"))
    return {
        str(k): str(v)
        for k, v in rows
        if str(k).startswith(PARAMETER_PREFIXES) or str(k) in PARAMETER_KEYS
    }
