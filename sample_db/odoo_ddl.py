"""An Odoo-shaped schema subset (16, 17, 18 or 19) for PostgreSQL or SQLite.

One SQLAlchemy Core definition serves both dialects (docs/odoo-tables.md): the
columns, NOT NULL flags, foreign keys with their ON DELETE actions, check
constraints and key indexes that Odoo's ORM creates, with the version deltas of
§3.3 (16), §3.4 (18) and §2 (19). On PostgreSQL ``ir_act_server`` INHERITS
``ir_actions`` as in a real database, and the cache-signalling sequences exist.

``create_odoo_schema(engine, version)`` builds everything at once.
``create_tables`` / ``add_constraints_and_indexes`` split the job for bulk loads:
tables first, then foreign keys and secondary indexes once the rows are in.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

from sample_db.ddl_helpers import (
    boolean,
    char,
    dt,
    float8,
    index,
    integer,
    jsonb,
    log_access,
    m2o,
    pk,
    text,
)
from sample_db.odoo_ddl_mail import add_mail_tables
from sample_db.odoo_ddl_tracking import add_tracking_tables

SUPPORTED_VERSIONS = (16, 17, 18, 19)


def build_metadata(version: int, dialect: str) -> sa.MetaData:
    """The schema of one Odoo version as SQLAlchemy tables for ``dialect``."""
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unsupported Odoo version {version}; expected one of 16-19")
    md = sa.MetaData()
    _base_tables(md, version, dialect)
    _action_tables(md, version, dialect)
    _config_tables(md, version)
    add_mail_tables(md, version)
    add_tracking_tables(md, version)
    return md


def create_odoo_schema(engine: sa.Engine, version: int) -> None:
    """Create the Odoo ``version`` subset (tables, FKs, indexes, sequences) in ``engine``."""
    create_tables(engine, version, with_constraints=True)


def create_tables(engine: sa.Engine, version: int, *, with_constraints: bool) -> None:
    """Create the tables; without constraints, FKs and non-unique indexes are left out."""
    md = build_metadata(version, engine.dialect.name)
    with engine.begin() as conn:
        if with_constraints or engine.dialect.name != "postgresql":
            md.create_all(conn)
        else:
            # ir_actions first: ir_act_server INHERITS it.
            for table in sorted(md.sorted_tables, key=lambda t: t.name != "ir_actions"):
                conn.execute(CreateTable(table, include_foreign_key_constraints=[]))
        if engine.dialect.name == "postgresql":
            for seq in signaling_sequences(version):
                conn.execute(sa.text(f"CREATE SEQUENCE {seq} INCREMENT BY 1 START WITH 1"))


def add_constraints_and_indexes(engine: sa.Engine, version: int) -> None:
    """Second half of ``create_tables(with_constraints=False)`` (PostgreSQL only)."""
    md = build_metadata(version, engine.dialect.name)
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))
        for table in md.sorted_tables:
            for idx in sorted(table.indexes, key=lambda i: str(i.name)):
                conn.execute(CreateIndex(idx))
        for table in md.sorted_tables:
            for fk in sorted(table.foreign_key_constraints, key=lambda c: str(c.name)):
                conn.execute(AddConstraint(fk))


def signaling_sequences(version: int) -> tuple[str, ...]:
    """The inter-process cache invalidation sequences (§2.11)."""
    if version <= 16:
        return ("base_registry_signaling", "base_cache_signaling")
    seqs = ["base_registry_signaling"] + [
        f"base_cache_signaling_{name}" for name in ("default", "assets", "templates", "routing")
    ]
    if version >= 18:
        seqs.append("base_cache_signaling_groups")
    return tuple(seqs)


def _now_default(dialect: str) -> sa.TextClause:
    if dialect == "postgresql":
        return sa.text("(now() at time zone 'UTC')")
    return sa.text("CURRENT_TIMESTAMP")


def _base_tables(md: sa.MetaData, version: int, dialect: str) -> None:
    false = sa.false()
    sa.Table(  # base_data.sql: these defaults are the only ones in an Odoo database
        "ir_module_module",
        md,
        pk(),
        *log_access("ir_module_module"),
        char("website"),
        jsonb("summary"),
        char("name", nullable=False),
        char("author"),
        char("icon"),
        char("state", length=16),
        char("latest_version"),
        jsonb("shortdesc"),
        sa.Column("description", sa.Text),
        sa.Column("application", sa.Boolean, server_default=false),
        sa.Column("demo", sa.Boolean, server_default=false),
        sa.Column("web", sa.Boolean, server_default=false),
        char("license", length=32),
        sa.Column("sequence", sa.Integer, server_default=sa.text("100")),
        sa.Column("auto_install", sa.Boolean, server_default=false),
        sa.Column("to_buy", sa.Boolean, server_default=false),
        sa.UniqueConstraint("name", name="ir_module_module_name_uniq"),
    )
    sa.Table(
        "ir_model_data",
        md,
        pk(),
        integer("create_uid"),
        sa.Column("create_date", sa.DateTime, server_default=_now_default(dialect)),
        sa.Column("write_date", sa.DateTime, server_default=_now_default(dialect)),
        integer("write_uid"),
        integer("res_id"),
        sa.Column("noupdate", sa.Boolean, server_default=false),
        char("name", nullable=False),
        char("module", nullable=False),
        char("model", nullable=False),
        sa.CheckConstraint("name NOT LIKE '% %'", name="ir_model_data_name_nospaces"),
        sa.Index("ir_model_data_module_name_uniq_index", "module", "name", unique=True),
        sa.Index("ir_model_data_model_res_id_index", "model", "res_id"),
    )
    display = "display_name" if version <= 16 else "complete_name"
    sa.Table(
        "res_partner",
        md,
        pk(),
        char("name"),
        char(display),
        char("email"),
        char("email_normalized"),
        char("type"),
        boolean("active"),
        boolean("is_company"),
        boolean("partner_share"),
        m2o("res_partner", "company_id", "res_company", "set null", use_alter=True),
        m2o("res_partner", "parent_id", "res_partner", "set null"),
        integer("message_bounce"),
        *log_access("res_partner"),
        sa.CheckConstraint(
            "(type = 'contact' AND name IS NOT NULL) OR (type <> 'contact')",
            name="res_partner_check_name",
        ),
        index("res_partner", display, version),
        index("res_partner", "company_id", version),
        index("res_partner", "parent_id", version),
        index("res_partner", "email_normalized", version),
    )
    sa.Table(
        "res_users",
        md,
        pk(),
        char("login", nullable=False),
        char("password"),
        m2o("res_users", "partner_id", "res_partner", "restrict", nullable=False),
        m2o("res_users", "company_id", "res_company", "restrict", nullable=False, use_alter=True),
        sa.Column("active", sa.Boolean, server_default=sa.true()),
        boolean("share"),
        char("notification_type", nullable=False),
        *log_access("res_users"),
        sa.UniqueConstraint("login", name="res_users_login_key"),
        sa.CheckConstraint(
            "notification_type = 'email' OR NOT share", name="res_users_notification_type"
        ),
    )
    if version >= 17:
        sa.Table(
            "mail_alias_domain",
            md,
            pk(),
            char("name", nullable=False),
            integer("sequence"),
            char("bounce_alias", nullable=False),
            char("catchall_alias", nullable=False),
            char("default_from"),
            *log_access("mail_alias_domain"),
            sa.UniqueConstraint(
                "bounce_alias", "name", name="mail_alias_domain_bounce_email_uniques"
            ),
            sa.UniqueConstraint(
                "catchall_alias", "name", name="mail_alias_domain_catchall_email_uniques"
            ),
        )
    company_mail = (
        [
            m2o("res_company", "alias_domain_id", "mail_alias_domain", "set null"),
            char("alias_domain_name"),
        ]
        if version >= 17
        else []
    )
    sa.Table(
        "res_company",
        md,
        pk(),
        char("name", nullable=False),
        m2o("res_company", "partner_id", "res_partner", "restrict", nullable=False),
        integer("sequence"),
        boolean("active"),
        char("email"),
        *company_mail,
        *log_access("res_company"),
        sa.UniqueConstraint("name", name="res_company_name_uniq"),
    )
    sa.Table(
        "ir_model",
        md,
        pk(),
        char("model", nullable=False),
        jsonb("name", nullable=False),
        sa.Column("order", sa.String, nullable=False),
        char("state"),
        boolean("transient"),
        *log_access("ir_model"),
        sa.UniqueConstraint("model", name="ir_model_obj_name_uniq"),
    )


def _action_tables(md: sa.MetaData, version: int, dialect: str) -> None:
    def action_columns(table: str) -> list[sa.Column[Any]]:
        cols: list[sa.Column[Any]] = [
            jsonb("name", nullable=False),
            char("type", nullable=False),
            jsonb("help"),
            m2o(table, "binding_model_id", "ir_model", "cascade"),
            char("binding_type", nullable=False),
            char("binding_view_types"),
        ]
        if version >= 18:
            cols.append(char("path"))
        return [*cols, *log_access(table)]

    path_unique = (
        [sa.UniqueConstraint("path", name="ir_actions_path_unique")] if version >= 18 else []
    )
    sa.Table("ir_actions", md, pk(), *action_columns("ir_actions"), *path_unique)
    inherits: dict[str, Any] = (
        {"postgresql_inherits": "ir_actions"} if dialect == "postgresql" else {}
    )
    sa.Table(
        "ir_act_server",
        md,
        # On PostgreSQL the id (and its default from ir_actions_id_seq) is inherited.
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        *action_columns("ir_act_server"),
        char("usage", nullable=False),
        char("state", nullable=False),
        integer("sequence"),
        m2o("ir_act_server", "model_id", "ir_model", "cascade", nullable=False),
        char("model_name"),
        text("code"),
        **inherits,
    )
    cron_name = jsonb("cron_name") if version <= 16 else char("cron_name")
    strict = version >= 18
    pre = [integer("numbercall"), boolean("doall")] if version <= 17 else []
    post = [integer("failure_count"), dt("first_failure_date")] if version >= 18 else []
    checks = (
        [sa.CheckConstraint("interval_number > 0", name="ir_cron_check_strictly_positive_interval")]
        if version >= 18
        else []
    )
    server_index = [index("ir_cron", "ir_actions_server_id", version)] if version >= 19 else []
    sa.Table(
        "ir_cron",
        md,
        pk(),
        m2o("ir_cron", "ir_actions_server_id", "ir_act_server", "restrict", nullable=False),
        cron_name,
        m2o("ir_cron", "user_id", "res_users", "restrict", nullable=False),
        boolean("active"),
        integer("interval_number", nullable=not strict),
        char("interval_type", nullable=not strict),
        *pre,
        dt("nextcall", nullable=False),
        dt("lastcall"),
        integer("priority"),
        *post,
        *log_access("ir_cron"),
        *checks,
        *server_index,
    )
    trigger_idx = [index("ir_cron_trigger", "cron_id", version)]
    if version >= 17:
        trigger_idx.append(index("ir_cron_trigger", "call_at", version))
    sa.Table(
        "ir_cron_trigger",
        md,
        pk(),
        m2o("ir_cron_trigger", "cron_id", "ir_cron", "set null"),
        dt("call_at"),
        *log_access("ir_cron_trigger"),
        *trigger_idx,
    )
    if version >= 18:
        sa.Table(
            "ir_cron_progress",
            md,
            pk(),
            m2o("ir_cron_progress", "cron_id", "ir_cron", "cascade", nullable=False),
            integer("remaining"),
            integer("done"),
            boolean("deactivate"),
            integer("timed_out_counter"),
            *log_access("ir_cron_progress"),
            index("ir_cron_progress", "cron_id", version),
        )


def _config_tables(md: sa.MetaData, version: int) -> None:
    sa.Table(  # bus.bus (addons/bus): the web client's live updates (docs/odoo-bus.md)
        "bus_bus", md, pk(), char("channel"), char("message"), *log_access("bus_bus")
    )
    sa.Table(
        "ir_config_parameter",
        md,
        pk(),
        char("key", nullable=False),
        text("value", nullable=False),
        *log_access("ir_config_parameter"),
        sa.UniqueConstraint("key", name="ir_config_parameter_key_uniq"),
    )
    extra: list[sa.schema.SchemaItem] = []
    if version >= 18:
        extra.append(float8("max_email_size"))
    if version >= 19:
        extra += [
            m2o("ir_mail_server", "owner_user_id", "res_users", "set null"),
            dt("owner_limit_time"),
            integer("owner_limit_count"),
            sa.UniqueConstraint("owner_user_id", name="ir_mail_server_unique_owner_user_id"),
        ]
    strict16 = version <= 16
    sa.Table(
        "ir_mail_server",
        md,
        pk(),
        char("name", nullable=False),
        char("from_filter"),
        char("smtp_host", nullable=not strict16),
        integer("smtp_port", nullable=not strict16),
        char("smtp_authentication", nullable=False),
        char("smtp_user"),
        char("smtp_pass"),
        char("smtp_encryption", nullable=False),
        sa.Column("smtp_ssl_certificate", sa.LargeBinary),
        sa.Column("smtp_ssl_private_key", sa.LargeBinary),
        boolean("smtp_debug"),
        integer("sequence"),
        boolean("active"),
        *extra,
        *log_access("ir_mail_server"),
        index("ir_mail_server", "name", version),
    )
