"""Which Odoo a database is, decided from its base module's version and the shape of its
tables: the rules alone, without SQL or SQLAlchemy (console.odoo.version reads the row
through SQLAlchemy, console.odoo.plain_reads through the driver)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from console.domain.errors import NotOdooDatabase, UnsupportedOdooVersion

SUPPORTED_VERSIONS = (16, 17, 18, 19)
REQUIRED_TABLES = ("ir_module_module", "mail_mail", "mail_message", "ir_cron")
# '17.0.1.3', 'saas~17.2.1.3', '18.0.1.3'
_VERSION_RE = re.compile(r"^(?:saas~)?(\d+)\.(\d+)")


class TableShape(Protocol):
    """Which tables and columns a database has (console.odoo.schema.OdooSchema is one)."""

    def has_table(self, name: str) -> bool: ...

    def has(self, table: str, column: str) -> bool: ...


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


def require_module_table(shape: TableShape) -> None:
    """Before the base module is read: a database without ir_module_module is not Odoo's."""
    if not shape.has_table("ir_module_module"):
        raise NotOdooDatabase(
            "This database is not an Odoo database (it has no ir_module_module table)"
        )


def version_from_base(latest_version: object, shape: TableShape) -> OdooVersion:
    """The version the base module's `latest_version` says (None: no base row), checked
    against the versions the console knows and the tables it needs."""
    if not latest_version:
        raise NotOdooDatabase(
            "This database is not an initialised Odoo database (no base module installed)"
        )
    parsed = parse_base_version(str(latest_version))
    if parsed is None:
        raise NotOdooDatabase(
            f"Cannot read the Odoo version from base module version {latest_version!r}"
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
    missing = [name for name in REQUIRED_TABLES if not shape.has_table(name)]
    if missing:
        raise NotOdooDatabase(
            f"This Odoo {label} database has no {', '.join(missing)} table: "
            "is the mail module installed?"
        )
    return OdooVersion(major, label, _shape_notes(major, shape))


def _shape_notes(major: int, shape: TableShape) -> tuple[str, ...]:
    """Say where the tables do not look like the version the modules claim."""
    notes: list[str] = []
    has_numbercall = shape.has("ir_cron", "numbercall")
    if major >= 18 and has_numbercall:
        notes.append("ir_cron still has numbercall although base says 18+")
    if major <= 17 and shape.has("ir_cron", "failure_count"):
        notes.append("ir_cron has failure_count although base says 16/17")
    if major >= 17 and not shape.has_table("mail_alias_domain"):
        notes.append("no mail_alias_domain table although base says 17+")
    if major == 16 and shape.has_table("mail_alias_domain"):
        notes.append("mail_alias_domain exists although base says 16")
    return tuple(notes)


NEUTRALIZED_KEY = "database.is_neutralized"


def is_neutralized(value: object) -> bool:
    """ir_config_parameter `database.is_neutralized`, as Odoo writes it."""
    return str(value or "").strip().lower() in {"true", "1"}


def mass_mailing_readable(shape: TableShape) -> bool:
    """Whether the campaign tables are there to read (the module must be installed too)."""
    return shape.has_table("mailing_mailing") and shape.has("mail_mail", "mailing_id")
