"""The field catalog, the message subtypes and the chatter's tracking values (16-19).

What Odoo's tracking needs to log "Status: In Queue -> Draft" on a record:

- ``ir_model_fields`` (base, ``odoo/addons/base/models/ir_model.py``) and its
  ``ir_model_fields_selection``: ``mail.tracking.value`` points at the field row and the
  selection labels are read there, translated.
- ``mail_message_subtype`` (``addons/mail/models/mail_message_subtype.py``): a log is a
  ``mail.mt_note``.
- ``mail_tracking_value`` (``addons/mail/models/mail_tracking_value.py``). 16 has
  ``field`` (NOT NULL, ON DELETE CASCADE), ``field_desc`` (NOT NULL), ``field_type``,
  ``tracking_sequence`` and the ``*_value_monetary`` pair; 17 replaced them with
  ``field_id`` (nullable, ON DELETE SET NULL) and ``field_info`` (jsonb). The columns
  of 16 match a real Odoo 16 database (maaranmobiles/maaranodoo
  ``DB_Backup/mmdb_columns_data-1674924903328.csv``).

``currency_id`` is a plain int4 here: the subset has no ``res_currency`` table.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

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


def add_tracking_tables(md: sa.MetaData, version: int) -> None:
    _field_catalog(md, version)
    _subtypes(md)
    _tracking_values(md, version)


def _field_catalog(md: sa.MetaData, version: int) -> None:
    t = "ir_model_fields"
    sa.Table(
        t,
        md,
        pk(),
        char("name", nullable=False),
        char("complete_name"),
        char("model", nullable=False),
        char("relation"),
        char("relation_field"),
        m2o(t, "model_id", "ir_model", "cascade", nullable=False),
        jsonb("field_description", nullable=False),
        jsonb("help"),
        char("ttype", nullable=False),
        char("state", nullable=False),
        boolean("index"),
        boolean("copied"),
        char("related"),
        boolean("readonly"),
        boolean("required"),
        boolean("store"),
        integer("tracking"),  # added by mail (addons/mail/models/ir_model_fields.py)
        *log_access(t),
        sa.UniqueConstraint("model", "name", name="ir_model_fields_name_unique"),
        index(t, "model", version),
        index(t, "model_id", version),
    )
    t = "ir_model_fields_selection"
    sa.Table(
        t,
        md,
        pk(),
        m2o(t, "field_id", "ir_model_fields", "cascade", nullable=False),
        char("value", nullable=False),
        jsonb("name", nullable=False),
        integer("sequence"),
        *log_access(t),
        sa.UniqueConstraint(
            "field_id", "value", name="ir_model_fields_selection_selection_field_uniq"
        ),
        index(t, "field_id", version),
    )


def _subtypes(md: sa.MetaData) -> None:
    t = "mail_message_subtype"
    sa.Table(
        t,
        md,
        pk(),
        jsonb("name", nullable=False),
        jsonb("description"),
        boolean("internal"),
        m2o(t, "parent_id", "mail_message_subtype", "set null"),
        char("relation_field"),
        char("res_model"),
        boolean("default"),
        integer("sequence"),
        boolean("hidden"),
        boolean("track_recipients"),
        *log_access(t),
    )


def _values(prefix: str, version: int) -> list[sa.Column[Any]]:
    cols: list[sa.Column[Any]] = [integer(f"{prefix}_integer"), float8(f"{prefix}_float")]
    if version <= 16:
        cols.append(float8(f"{prefix}_monetary"))
    return [*cols, char(f"{prefix}_char"), text(f"{prefix}_text"), dt(f"{prefix}_datetime")]


def _tracking_values(md: sa.MetaData, version: int) -> None:
    t = "mail_tracking_value"
    if version <= 16:
        field: list[sa.schema.SchemaItem] = [
            m2o(t, "field", "ir_model_fields", "cascade", nullable=False),
            char("field_desc", nullable=False),
            char("field_type"),
            index(t, "field", version),
        ]
        sequence = [integer("tracking_sequence")]
    else:
        field = [
            m2o(t, "field_id", "ir_model_fields", "set null"),
            jsonb("field_info"),
            index(t, "field_id", version),
        ]
        sequence = []
    sa.Table(
        t,
        md,
        pk(),
        *field,
        *_values("old_value", version),
        *_values("new_value", version),
        integer("currency_id"),
        m2o(t, "mail_message_id", "mail_message", "cascade", nullable=False),
        *sequence,
        *log_access(t),
        index(t, "mail_message_id", version),
    )
