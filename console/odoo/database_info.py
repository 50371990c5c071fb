"""What the console says about the database it opened: its name, dialect, Odoo version,
whether Mail Marketing is installed and whether the database is neutralized."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import URL, Connection

from console.config.connection import mask_url
from console.domain.models import DatabaseInfo
from console.domain.sample_servers import SAMPLE_MARKER
from console.odoo.schema import OdooSchema
from console.odoo.version import module_installed
from console.odoo.version_rules import (
    NEUTRALIZED_KEY,
    OdooVersion,
    is_neutralized,
    mass_mailing_readable,
)


def read_info(
    connection: Connection,
    schema: OdooSchema,
    version: OdooVersion,
    url: URL,
    *,
    read_only: bool,
) -> DatabaseInfo:
    neutralized = _is_neutralized(connection, schema)
    has_mass_mailing = _has_mass_mailing(connection, schema)
    if url.get_backend_name() == "sqlite":
        name = (url.database or "").rsplit("/", 1)[-1]
    else:
        name = url.database or ""
    return DatabaseInfo(
        name=name,
        dialect=url.get_backend_name(),
        display_url=mask_url(url),
        odoo_version=version.major,
        odoo_version_label=version.label,
        read_only=read_only,
        has_mass_mailing=has_mass_mailing,
        neutralized=neutralized,
        notes=version.notes,
        sample=_parameter(connection, schema, SAMPLE_MARKER) is not None,
    )


def _is_neutralized(connection: Connection, schema: OdooSchema) -> bool:
    value = _parameter(connection, schema, NEUTRALIZED_KEY)
    return is_neutralized(value)


def _parameter(connection: Connection, schema: OdooSchema, key: str) -> str | None:
    if not schema.has_table("ir_config_parameter"):
        return None
    icp = schema.t("ir_config_parameter")
    value = connection.execute(select(icp.c.value).where(icp.c.key == key)).scalar_one_or_none()
    return None if value is None else str(value)


def _has_mass_mailing(connection: Connection, schema: OdooSchema) -> bool:
    return mass_mailing_readable(schema) and module_installed(connection, schema, "mass_mailing")
