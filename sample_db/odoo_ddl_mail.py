"""The mail, attachment and mass-mailing tables of the Odoo schema subset (§2, §3)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from sample_db.ddl_helpers import (
    binary,
    boolean,
    char,
    dt,
    ident,
    index,
    integer,
    jsonb,
    log_access,
    m2m,
    m2o,
    not_null_index,
    pk,
    text,
)


def add_mail_tables(md: sa.MetaData, version: int) -> None:
    _alias_and_attachments(md, version)
    _mail_message(md, version)
    _mass_mailing(md, version)
    _mail_mail(md, version)
    _notification_and_trace(md, version)


def _alias_and_attachments(md: sa.MetaData, version: int) -> None:
    t = "mail_alias"
    if version >= 17:
        alias_cols: list[sa.Column[Any]] = [
            char("alias_name"),
            char("alias_full_name"),
            m2o(t, "alias_domain_id", "mail_alias_domain", "restrict"),
        ]
        alias_tail: list[sa.schema.SchemaItem] = [
            boolean("alias_incoming_local"),
            jsonb("alias_bounced_content"),
            char("alias_status"),
            *log_access(t),
            sa.Index(
                "mail_alias_name_domain_unique",
                "alias_name",
                sa.func.coalesce(sa.column("alias_domain_id"), 0),
                unique=True,
            ),
            not_null_index(t, "alias_full_name", version),
        ]
    else:
        alias_cols = [char("alias_name")]
        alias_tail = [
            m2o(t, "alias_user_id", "res_users", "set null"),
            jsonb("alias_bounced_content"),
            *log_access(t),
            sa.UniqueConstraint("alias_name", name="mail_alias_alias_unique"),
        ]
    sa.Table(
        t,
        md,
        pk(),
        *alias_cols,
        m2o(t, "alias_model_id", "ir_model", "cascade", nullable=False),
        text("alias_defaults", nullable=False),
        integer("alias_force_thread_id"),
        m2o(t, "alias_parent_model_id", "ir_model", "set null"),
        integer("alias_parent_thread_id"),
        char("alias_contact", nullable=False),
        *alias_tail,
    )
    t = "ir_attachment"
    checksum_index = [index(t, "checksum", version)] if version <= 16 else []
    sa.Table(
        t,
        md,
        pk(),
        char("name", nullable=False),
        text("description"),
        char("res_model"),
        char("res_field"),
        integer("res_id"),
        m2o(t, "company_id", "res_company", "set null"),
        char("type", nullable=False),
        char("url", length=1024),
        boolean("public"),
        char("access_token"),
        binary("db_datas"),
        char("store_fname"),
        integer("file_size"),
        char("checksum", length=40),
        char("mimetype"),
        text("index_content"),
        *log_access(t),
        sa.Index("ir_attachment_res_idx", "res_model", "res_id"),
        index(t, "store_fname", version),
        *checksum_index,
    )
    t = "fetchmail_server"
    sa.Table(
        t,
        md,
        pk(),
        char("name", nullable=False),
        boolean("active"),
        char("state"),
        char("server"),
        integer("port"),
        char("server_type", nullable=False),
        boolean("is_ssl"),
        char("user"),
        char("password"),
        dt("date"),
        m2o(t, "object_id", "ir_model", "cascade"),
        *log_access(t),
    )


def _mail_message(md: sa.MetaData, version: int) -> None:
    t = "mail_message"
    v17: list[sa.Column[Any]] = []
    if version >= 17:
        v17 = [
            m2o(t, "record_alias_domain_id", "mail_alias_domain", "set null"),
            m2o(t, "record_company_id", "res_company", "set null"),
        ]
    v19: list[sa.Column[Any]] = []
    if version >= 19:
        v19 = [text("incoming_email_to"), char("incoming_email_cc"), char("outgoing_email_to")]
    pinned = [dt("pinned_at")] if version >= 17 else []
    sa.Table(
        t,
        md,
        pk(),
        char("subject"),
        dt("date"),
        text("body"),
        m2o(t, "parent_id", "mail_message", "set null"),
        char("model"),
        integer("res_id"),
        char("record_name"),
        *v17,
        char("message_type", nullable=False),
        m2o(t, "subtype_id", "mail_message_subtype", "set null"),
        integer("mail_activity_type_id"),
        boolean("is_internal"),
        char("email_from"),
        m2o(t, "author_id", "res_partner", "set null"),
        integer("author_guest_id"),
        *pinned,
        boolean("reply_to_force_new"),
        char("message_id"),
        char("reply_to"),
        m2o(t, "mail_server_id", "ir_mail_server", "set null"),
        char("email_layout_xmlid"),
        boolean("email_add_signature"),
        *v19,
        *log_access(t),
        index(t, "author_id", version),
        index(t, "subtype_id", version),
        index(t, "message_id", version),
        not_null_index(t, "parent_id", version),
        sa.Index("mail_message_model_res_id_idx", "model", "res_id"),
        sa.Index("mail_message_model_res_id_id_idx", "model", "res_id", "id"),
    )
    m2m(
        md,
        "mail_message_res_partner_rel",
        "mail_message_id",
        "mail_message",
        "res_partner_id",
        "res_partner",
    )
    m2m(
        md, "message_attachment_rel", "message_id", "mail_message", "attachment_id", "ir_attachment"
    )


def _mass_mailing(md: sa.MetaData, version: int) -> None:
    sa.Table(
        "utm_source",
        md,
        pk(),
        char("name", nullable=False),
        *log_access("utm_source"),
        sa.UniqueConstraint("name", name="utm_source_unique_name"),
    )
    sa.Table(
        "mailing_list",
        md,
        pk(),
        char("name", nullable=False),
        boolean("active"),
        boolean("is_public"),
        *log_access("mailing_list"),
    )
    t = "mailing_contact"
    sa.Table(
        t,
        md,
        pk(),
        char("name"),
        char("company_name"),
        char("email"),
        char("email_normalized"),
        integer("message_bounce"),
        *log_access(t),
        index(t, "email_normalized", version),
    )
    # 16: model mailing.contact.subscription stored in mailing_contact_list_rel;
    # 17+: model mailing.subscription in mailing_subscription.
    t = "mailing_contact_list_rel" if version <= 16 else "mailing_subscription"
    opt_cols = (
        [dt("unsubscription_date")]
        if version <= 16
        else [integer("opt_out_reason_id"), dt("opt_out_datetime")]
    )
    sa.Table(
        t,
        md,
        pk(),
        m2o(t, "contact_id", "mailing_contact", "cascade", nullable=False),
        m2o(t, "list_id", "mailing_list", "cascade", nullable=False),
        boolean("opt_out"),
        *opt_cols,
        *log_access(t),
        sa.UniqueConstraint("contact_id", "list_id", name=f"{t}_unique_contact_list"),
    )
    t = "mailing_mailing"
    sa.Table(
        t,
        md,
        pk(),
        boolean("active"),
        char("subject", nullable=False),
        char("preview"),
        char("email_from", nullable=False),
        m2o(t, "source_id", "utm_source", "restrict", nullable=False),
        integer("campaign_id"),
        integer("medium_id"),
        char("state", nullable=False),
        char("schedule_type", nullable=False),
        dt("schedule_date"),
        dt("calendar_date"),
        dt("sent_date"),
        char("mailing_type", nullable=False),
        m2o(t, "mailing_model_id", "ir_model", "cascade", nullable=False),
        char("mailing_domain"),
        m2o(t, "mail_server_id", "ir_mail_server", "set null"),
        char("reply_to_mode"),
        char("reply_to"),
        boolean("keep_archives"),
        text("body_arch"),
        text("body_html"),
        m2o(t, "user_id", "res_users", "set null"),
        boolean("kpi_mail_required"),
        boolean("ab_testing_enabled"),
        integer("ab_testing_pc"),
        integer("color"),
        boolean("favorite"),
        dt("favorite_date"),
        char("lang"),
        *log_access(t),
        sa.CheckConstraint(
            "ab_testing_pc >= 0 AND ab_testing_pc <= 100", name="mailing_mailing_percentage_valid"
        ),
    )
    m2m(
        md,
        "mail_mass_mailing_list_rel",
        "mailing_mailing_id",
        "mailing_mailing",
        "mailing_list_id",
        "mailing_list",
    )


def _mail_mail(md: sa.MetaData, version: int) -> None:
    t = "mail_mail"
    extra: list[sa.schema.SchemaItem] = []
    if version <= 16:
        where = sa.text("to_delete = true")
        extra = [
            boolean("to_delete"),
            sa.Index("mail_mail_to_delete_idx", "id", postgresql_where=where, sqlite_where=where),
        ]
    if version >= 19:
        extra.append(not_null_index(t, "fetchmail_server_id", version))
    sa.Table(
        t,
        md,
        pk(),
        m2o(t, "mail_message_id", "mail_message", "cascade", nullable=False),
        text("body_html"),
        text("references"),
        text("headers"),
        boolean("is_notification"),
        text("email_to"),
        char("email_cc"),
        char("state"),
        char("failure_type"),
        text("failure_reason"),
        boolean("auto_delete"),
        dt("scheduled_date"),
        m2o(t, "fetchmail_server_id", "fetchmail_server", "set null"),
        m2o(t, "mailing_id", "mailing_mailing", "set null"),
        *log_access(t),
        index(t, "mail_message_id", version),
        *extra,
    )
    m2m(
        md,
        "mail_mail_res_partner_rel",
        "mail_mail_id",
        "mail_mail",
        "res_partner_id",
        "res_partner",
    )


def _notification_and_trace(md: sa.MetaData, version: int) -> None:
    t = "mail_notification"
    if version >= 19:
        address: list[sa.Column[Any]] = [char("mail_email_address")]
        checks = [
            sa.CheckConstraint(
                "notification_type != 'inbox' OR res_partner_id IS NOT NULL",
                name="mail_notification_notification_partner_required",
            ),
            sa.CheckConstraint(
                "notification_type != 'email' OR failure_type IS NOT NULL "
                "OR res_partner_id IS NOT NULL OR COALESCE(mail_email_address, '') != ''",
                name=ident("mail_notification_notification_partner_or_email_required"),
            ),
        ]
    else:
        address = []
        checks = [
            sa.CheckConstraint(
                "notification_type NOT IN ('email', 'inbox') OR res_partner_id IS NOT NULL",
                name="mail_notification_notification_partner_required",
            )
        ]
    failure_where = sa.text("notification_status IN ('bounce', 'exception')")
    partner_where = sa.text("res_partner_id IS NOT NULL")
    sa.Table(  # _log_access = False: no create_/write_ columns
        t,
        md,
        pk(),
        m2o(t, "author_id", "res_partner", "set null"),
        m2o(t, "mail_message_id", "mail_message", "cascade", nullable=False),
        m2o(t, "mail_mail_id", "mail_mail", "set null"),
        m2o(t, "res_partner_id", "res_partner", "cascade"),
        *address,
        char("notification_type", nullable=False),
        char("notification_status"),
        boolean("is_read"),
        dt("read_date"),
        char("failure_type"),
        text("failure_reason"),
        *checks,
        *(
            index(t, col, version)
            for col in (
                "mail_message_id",
                "mail_mail_id",
                "res_partner_id",
                "notification_type",
                "notification_status",
                "is_read",
            )
        ),
        sa.Index(
            ident("mail_notification_res_partner_id_is_read_notification_status_mail_message_id"),
            "res_partner_id",
            "is_read",
            "notification_status",
            "mail_message_id",
        ),
        sa.Index(
            "mail_notification_author_id_notification_status_failure",
            "author_id",
            "notification_status",
            postgresql_where=failure_where,
            sqlite_where=failure_where,
        ),
        sa.Index(
            "unique_mail_message_id_res_partner_id_if_set",
            "mail_message_id",
            "res_partner_id",
            unique=True,
            postgresql_where=partner_where,
            sqlite_where=partner_where,
        ),
    )
    t = "mailing_trace"
    reason = [text("failure_reason")] if version >= 17 else []
    sa.Table(
        t,
        md,
        pk(),
        char("trace_type", nullable=False),
        m2o(t, "mail_mail_id", "mail_mail", "set null"),
        integer("mail_mail_id_int"),
        char("email"),
        char("message_id"),
        char("model", nullable=False),
        integer("res_id"),
        m2o(t, "mass_mailing_id", "mailing_mailing", "cascade"),
        integer("campaign_id"),
        dt("sent_datetime"),
        dt("open_datetime"),
        dt("reply_datetime"),
        char("trace_status"),
        char("failure_type"),
        *reason,
        dt("links_click_datetime"),
        *log_access(t),
        sa.CheckConstraint(
            "res_id IS NOT NULL AND res_id != 0", name="mailing_trace_check_res_id_is_set"
        ),
        not_null_index(t, "mail_mail_id", version),
        not_null_index(t, "mail_mail_id_int", version),
        index(t, "mass_mailing_id", version),
    )
