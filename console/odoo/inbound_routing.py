"""Read what Odoo's incoming routing needs from the database, then run the routing rules
(console.domain.inbound).

``read_aliases`` lists the aliases (for an Aliases pane); ``check_address`` gives the
verdict for an address, a reply and a sender. Only columns that exist are
read; tables a module adds (``fetchmail_server``, ``mail_followers``, the document tables)
are optional: a missing one makes the answer "cannot tell", never an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Connection

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

_MSGID = re.compile(r"<[^<>]+>")  # tools.mail_header_msgid_re
_MODEL_TABLE = re.compile(r"^[a-z0-9_.]+$")
_ICPS = (
    "mail.catchall.domain",
    "mail.bounce.alias",
    "mail.catchall.alias",
    "mail.catchall.domain.allowed",
)


class _Catalog:
    """Table and column names, read once per connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._inspector = inspect(connection)
        self._tables = set(self._inspector.get_table_names())
        self._columns: dict[str, set[str]] = {}

    def has(self, table: str, column: str | None = None) -> bool:
        if table not in self._tables:
            return False
        if column is None:
            return True
        if table not in self._columns:
            self._columns[table] = {c["name"] for c in self._inspector.get_columns(table)}
        return column in self._columns[table]

    def col(self, table: str, column: str, alias: str) -> str:
        return f"{alias}.{column}" if self.has(table, column) else f"NULL AS {column}"


def read_aliases(connection: Connection, version: int) -> list[Alias]:
    """Every mail alias with its address, target model and contact policy."""
    return _read_aliases(_Catalog(connection), version)


def read_setup(connection: Connection, version: int) -> RoutingSetup:
    """Where incoming mail can land: alias domains (17+), the catchall settings (16),
    every alias."""
    return _read_setup(_Catalog(connection), version)


def check_address(
    connection: Connection,
    version: int,
    address: str,
    *,
    in_reply_to: str | None = None,
    sender: str | None = None,
) -> Verdict:
    """Odoo's routing verdict for a mail delivered to `address`."""
    catalog = _Catalog(connection)
    setup = _read_setup(catalog, version)
    lookups = _DbLookups(catalog)
    reply = _reply(catalog, lookups, in_reply_to, version) if in_reply_to else None
    who = _sender(catalog, sender) if sender else None
    return check_incoming(setup, address, lookups, reply=reply, sender=who)


def _read_setup(catalog: _Catalog, version: int) -> RoutingSetup:
    conn = catalog.connection
    params: dict[str, str] = {}
    if catalog.has("ir_config_parameter"):
        query = text("SELECT key, value FROM ir_config_parameter WHERE key IN :keys")
        query = query.bindparams(bindparam("keys", expanding=True))
        params = {str(k): str(v or "") for k, v in conn.execute(query, {"keys": list(_ICPS)})}
    domains: list[AliasDomain] = []
    if version >= 17 and catalog.has("mail_alias_domain"):
        order = "sequence, id" if catalog.has("mail_alias_domain", "sequence") else "id"
        for row in conn.execute(
            text(
                "SELECT id, name, bounce_alias, catchall_alias, "
                f"{catalog.col('mail_alias_domain', 'default_from', 'd')} "
                f"FROM mail_alias_domain d ORDER BY {order}"
            )
        ):
            domains.append(
                AliasDomain(
                    int(row.id),
                    str(row.name).strip().lower(),
                    row.bounce_alias,
                    row.catchall_alias,
                    row.default_from,
                )
            )
    fallbacks: list[tuple[str, str]] = []
    if catalog.has("fetchmail_server", "object_id") and catalog.has("ir_model"):
        active = "AND s.active" if catalog.has("fetchmail_server", "active") else ""
        for row in conn.execute(
            text(
                "SELECT s.name, m.model FROM fetchmail_server s JOIN ir_model m "
                f"ON m.id = s.object_id WHERE s.object_id IS NOT NULL {active} ORDER BY s.id"
            )
        ):
            fallbacks.append((str(row.name), str(row.model)))
    allowed = params.get("mail.catchall.domain.allowed", "")
    return RoutingSetup(
        version=version,
        aliases=tuple(_read_aliases(catalog, version)),
        domains=tuple(domains),
        catchall_domain=params.get("mail.catchall.domain") or None,
        bounce_alias=params.get("mail.bounce.alias") or None,
        catchall_alias=params.get("mail.catchall.alias") or None,
        domains_allowed=tuple(d for d in allowed.split(",") if d.strip()),
        fallbacks=tuple(fallbacks),
    )


def _read_aliases(catalog: _Catalog, version: int) -> list[Alias]:
    if not catalog.has("mail_alias"):
        return []
    conn = catalog.connection
    t = "mail_alias"
    columns = [
        catalog.col(t, c, "a")
        for c in (
            "alias_full_name",
            "alias_force_thread_id",
            "alias_parent_thread_id",
            "alias_incoming_local",
            "alias_status",
            "alias_defaults",
        )
    ]
    joins = "LEFT JOIN ir_model m ON m.id = a.alias_model_id "
    parent = "NULL AS parent_model"
    if catalog.has(t, "alias_parent_model_id"):
        joins += "LEFT JOIN ir_model pm ON pm.id = a.alias_parent_model_id "
        parent = "pm.model AS parent_model"
    domain = "NULL AS domain_name"
    if version >= 17 and catalog.has(t, "alias_domain_id") and catalog.has("mail_alias_domain"):
        joins += "LEFT JOIN mail_alias_domain d ON d.id = a.alias_domain_id "
        domain = "d.name AS domain_name"
    contact = "a.alias_contact" if catalog.has(t, "alias_contact") else "'everyone'"
    rows = conn.execute(
        text(
            f"SELECT a.id, a.alias_name, {', '.join(columns)}, m.model AS model, {parent}, "
            f"{domain}, {contact} AS alias_contact FROM mail_alias a {joins}ORDER BY a.id"
        )
    )
    catchall_domain = None
    if version <= 16 and catalog.has("ir_config_parameter"):
        catchall_domain = conn.execute(
            text("SELECT value FROM ir_config_parameter WHERE key = 'mail.catchall.domain'")
        ).scalar_one_or_none()
    return [
        Alias(
            id=int(r.id),
            name=r.alias_name,
            full_name=r.alias_full_name if version >= 17 else None,
            domain=(r.domain_name or None) if version >= 17 else (catchall_domain or None),
            model=r.model,
            force_thread_id=r.alias_force_thread_id or None,
            parent_model=r.parent_model,
            parent_thread_id=r.alias_parent_thread_id or None,
            contact=str(r.alias_contact or "everyone"),
            incoming_local=bool(r.alias_incoming_local),
            status=r.alias_status,
            defaults=r.alias_defaults,
        )
        for r in rows
    ]


class _DbLookups:
    def __init__(self, catalog: _Catalog) -> None:
        self.catalog = catalog

    def record_exists(self, model: str, res_id: int) -> bool | None:
        table = model.replace(".", "_")
        if not _MODEL_TABLE.match(model) or not self.catalog.has(table):
            return None
        found = self.catalog.connection.execute(
            text(f'SELECT 1 FROM "{table}" WHERE id = :id'), {"id": int(res_id)}
        ).first()
        return found is not None

    def followers(self, model: str, res_id: int) -> frozenset[int] | None:
        if not self.catalog.has("mail_followers", "partner_id"):
            return None
        rows = self.catalog.connection.execute(
            text(
                "SELECT partner_id FROM mail_followers WHERE res_model = :model "
                "AND res_id = :id AND partner_id IS NOT NULL"
            ),
            {"model": model, "id": int(res_id)},
        )
        return frozenset(int(r[0]) for r in rows)


def message_ids(references: str, version: int) -> list[str]:
    """The Message-Ids Odoo looks up from References / In-Reply-To."""
    found = [re.sub(r"[\r\n\t ]+", "", ref) for ref in _MSGID.findall(references)]
    if not found and references.strip():
        found = [f"<{references.strip().strip('<>')}>"]  # a bare id typed without brackets
    found = [ref for ref in found if "reply_to" not in ref]
    return found[-32:] if version >= 18 else found


def _reply(catalog: _Catalog, lookups: _DbLookups, references: str, version: int) -> ReplyTarget:
    refs: Sequence[str] = message_ids(references, version)
    if not refs:
        return ReplyTarget(found=False)
    query = text(
        "SELECT id, model, res_id FROM mail_message WHERE message_id IN :refs "
        "ORDER BY id DESC LIMIT 1"
    ).bindparams(bindparam("refs", expanding=True))
    row = catalog.connection.execute(query, {"refs": list(refs)}).first()
    if row is None:
        return ReplyTarget(found=False)
    exists = None
    if row.model and row.res_id:
        exists = lookups.record_exists(str(row.model), int(row.res_id))
    return ReplyTarget(True, row.model, int(row.res_id) if row.res_id else None, exists)


def _sender(catalog: _Catalog, address: str) -> Sender:
    normalized = email_normalize(address) or address.strip().lower()
    if not catalog.has("res_partner"):
        return Sender(normalized)
    active = " AND active" if catalog.has("res_partner", "active") else ""
    if catalog.has("res_partner", "email_normalized"):
        rows = catalog.connection.execute(
            text(f"SELECT id FROM res_partner WHERE email_normalized = :e{active} ORDER BY id"),
            {"e": normalized},
        )
        return Sender(normalized, tuple(int(r[0]) for r in rows))
    rows = catalog.connection.execute(
        text(f"SELECT id, email FROM res_partner WHERE lower(email) LIKE :e{active} ORDER BY id"),
        {"e": f"%{normalized}%"},
    )
    ids = tuple(int(r.id) for r in rows if email_normalize(r.email) == normalized)
    return Sender(normalized, ids)
