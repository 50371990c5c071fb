"""Which Odoo this database is, from ir_module_module and the shape of its tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.domain.errors import NotOdooDatabase, UnsupportedOdooVersion
from console.odoo.schema import OdooSchema

SUPPORTED_VERSIONS = (16, 17, 18, 19)
_REQUIRED_TABLES = ("ir_module_module", "mail_mail", "mail_message", "ir_cron")
# '17.0.1.3', 'saas~17.2.1.3', '18.0.1.3'
_VERSION_RE = re.compile(r"^(?:saas~)?(\d+)\.(\d+)")


@dataclass(frozen=True, slots=True)
class OdooVersion:
    major: int
    label: str  # "17.0", "saas~17.2"
    notes: tuple[str, ...] = ()


def parse_base_version(latest_version: str) -> tuple[int, str] | None:
    match = _VERSION_RE.match(latest_version.strip())
    if match is None:
        return None
    major, minor = int(match.group(1)), int(match.group(2))
    prefix = "saas~" if latest_version.strip().startswith("saas~") else ""
    return major, f"{prefix}{major}.{minor}"


def detect_version(connection: Connection, schema: OdooSchema) -> OdooVersion:
    missing = [name for name in _REQUIRED_TABLES if not schema.has_table(name)]
    if "ir_module_module" in missing:
        raise NotOdooDatabase(
            "This database is not an Odoo database (it has no ir_module_module table)"
        )
    modules = schema.t("ir_module_module")
    row = connection.execute(
        select(modules.c.latest_version, modules.c.state).where(modules.c.name == "base")
    ).first()
    if row is None or not row.latest_version:
        raise NotOdooDatabase(
            "This database is not an initialised Odoo database (no base module installed)"
        )
    parsed = parse_base_version(str(row.latest_version))
    if parsed is None:
        raise NotOdooDatabase(
            f"Cannot read the Odoo version from base module version {row.latest_version!r}"
        )
    major, label = parsed
    if major < SUPPORTED_VERSIONS[0]:
        raise UnsupportedOdooVersion(
            f"This is Odoo {label}; odoo-mailq supports Odoo 16 to 19 "
            "(older versions store mail differently)"
        )
    if major > SUPPORTED_VERSIONS[-1]:
        raise UnsupportedOdooVersion(
            f"This is Odoo {label}; odoo-mailq knows Odoo 16 to 19 and will not guess "
            "what a newer version writes"
        )
    if missing:
        raise NotOdooDatabase(
            f"This Odoo {label} database has no {', '.join(missing)} table: "
            "is the mail module installed?"
        )
    return OdooVersion(major, label, _shape_notes(major, schema))


def _shape_notes(major: int, schema: OdooSchema) -> tuple[str, ...]:
    """Say where the tables do not look like the version the modules claim."""
    notes: list[str] = []
    has_numbercall = schema.has("ir_cron", "numbercall")
    if major >= 18 and has_numbercall:
        notes.append("ir_cron still has numbercall although base says 18+")
    if major <= 17 and schema.has("ir_cron", "failure_count"):
        notes.append("ir_cron has failure_count although base says 16/17")
    if major >= 17 and not schema.has_table("mail_alias_domain"):
        notes.append("no mail_alias_domain table although base says 17+")
    if major == 16 and schema.has_table("mail_alias_domain"):
        notes.append("mail_alias_domain exists although base says 16")
    return tuple(notes)


def module_installed(connection: Connection, schema: OdooSchema, name: str) -> bool:
    modules = schema.t("ir_module_module")
    state = connection.execute(
        select(modules.c.state).where(modules.c.name == name)
    ).scalar_one_or_none()
    return state == "installed"
