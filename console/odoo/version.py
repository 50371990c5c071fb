"""Which Odoo this database is, from ir_module_module and the shape of its tables (the
rules: console.odoo.version_rules)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.odoo.schema import OdooSchema
from console.odoo.version_rules import OdooVersion, require_module_table, version_from_base


def detect_version(connection: Connection, schema: OdooSchema) -> OdooVersion:
    require_module_table(schema)
    modules = schema.t("ir_module_module")
    row = connection.execute(
        select(modules.c.latest_version, modules.c.state).where(modules.c.name == "base")
    ).first()
    return version_from_base(None if row is None else row.latest_version, schema)


def module_installed(connection: Connection, schema: OdooSchema, name: str) -> bool:
    modules = schema.t("ir_module_module")
    state = connection.execute(
        select(modules.c.state).where(modules.c.name == name)
    ).scalar_one_or_none()
    return state == "installed"
