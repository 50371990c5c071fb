"""Odoo's e-mail blacklist table and the catalog rows its tracking needs (16-19).

``mail.blacklist`` (``addons/mail/models/mail_blacklist.py``) inherits ``mail.thread``:
``mail_blacklist`` has ``email`` (NOT NULL, UNIQUE ``mail_blacklist_unique_email``, and
``index='trigram'``: a GIN ``gin_trgm_ops`` index on PostgreSQL, a plain index here),
``active``, the log-access columns, and in 16 ``message_main_attachment_id`` (a real 16
database has it, 17 dropped it); mass_mailing adds ``opt_out_reason_id`` (17+), which the
console never reads. ``email`` (tracking=1) and ``active`` (tracking=2) are tracked:
``ir_model_fields.tracking`` holds 100 for both in 16 (``tracking=True``) and 1 and 2 in 17+.

The generator adds it to every database it builds, with a few entries
(``add_sample_blacklist``); ``add_blacklist`` also works on a database without it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sample_db.ddl_helpers import boolean, char, log_access, m2o, pk


def blacklist_metadata(version: int) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("res_users", md, pk())  # for the log-access FKs (created already)
    sa.Table("ir_attachment", md, pk())
    t = "mail_blacklist"
    extra: list[Any] = []
    if version <= 16:
        extra.append(m2o(t, "message_main_attachment_id", "ir_attachment", "set null"))
    sa.Table(
        t,
        md,
        pk(),
        *extra,
        char("email", nullable=False),
        boolean("active"),
        *log_access(t),
        sa.UniqueConstraint("email", name="mail_blacklist_unique_email"),
        sa.Index(_index_name(version), "email"),
    )
    return md


def _index_name(version: int) -> str:
    return "mail_blacklist_email_index" if version <= 16 else "mail_blacklist__email_index"


def add_blacklist(url: str, version: int, *, at: datetime) -> dict[str, int]:
    """Create the table and the catalog rows of ``mail.blacklist``; their ids by name."""
    engine = sa.create_engine(url)
    try:
        md = blacklist_metadata(version)
        with engine.begin() as connection:
            if sa.inspect(connection).has_table("mail_blacklist"):
                return _catalog_ids(connection)
            md.tables["mail_blacklist"].create(connection)
            return _catalog(connection, version, at)
    finally:
        engine.dispose()


def _catalog_ids(connection: sa.Connection) -> dict[str, int]:
    found = {
        str(name): int(i)
        for i, name in connection.execute(
            sa.text("SELECT id, name FROM ir_model_fields WHERE model = 'mail.blacklist'")
        )
    }
    model = connection.execute(
        sa.text("SELECT id FROM ir_model WHERE model = 'mail.blacklist'")
    ).scalar_one()
    return {"model": int(model), **found}


# The bundled sample's blacklist: two addresses that asked to be left alone, and one that
# was removed again with its reason in the chatter (as Odoo's wizard writes it on 17+).
SAMPLE_ENTRIES = (
    ("no-more-mail@hotmail.example", True, 40),
    ("compta@ancien-client.example", True, 12),
    ("j.moreau@orange.example", False, 30),
)
SAMPLE_REMOVAL = "<p>Unblock Reason: asked again for the newsletter</p>"


def _message_id(at: datetime, entry_id: int) -> str:
    """``generate_tracking_message_id`` for the entry, fixed so the sample is reproducible."""
    from sample_db.vocab import HOSTNAME

    seconds = at.replace(tzinfo=None).timestamp()
    tag = f"{entry_id}-mail.blacklist"
    return f"<{314159265358979 + entry_id}.{seconds:.15f}-openerp-{tag}@{HOSTNAME}>"


def add_sample_blacklist(url: str, version: int, *, anchor: datetime) -> None:
    """The table, its catalog rows and the sample's entries (with the removal's chatter)."""
    from datetime import timedelta

    add_blacklist(url, version, at=anchor - timedelta(days=400))
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for email, active, days in SAMPLE_ENTRIES:
                at = anchor - timedelta(days=days)
                entry_id = _insert_entry(connection, email, active, at)
                if not active:
                    connection.execute(
                        sa.text(
                            "INSERT INTO mail_message (model, res_id, body, message_type, date, "
                            "message_id, author_id, create_uid, create_date, write_uid, "
                            "write_date) VALUES ('mail.blacklist', :id, :body, 'notification', "
                            ":at, :message_id, 3, 2, :at, 2, :at)"
                        ),
                        {
                            "id": entry_id,
                            "body": SAMPLE_REMOVAL,
                            "at": at + timedelta(days=9),
                            "message_id": _message_id(at + timedelta(days=9), entry_id),
                        },
                    )
                    connection.execute(
                        sa.text("UPDATE mail_blacklist SET write_date = :at WHERE id = :id"),
                        {"id": entry_id, "at": at + timedelta(days=9)},
                    )
    finally:
        engine.dispose()


def _catalog(connection: sa.Connection, version: int, at: datetime) -> dict[str, int]:
    log = {"create_uid": 1, "create_date": at, "write_uid": 1, "write_date": at}
    model_id = connection.execute(
        sa.text(
            'INSERT INTO ir_model (model, name, "order", state, transient, create_uid, '
            "create_date, write_uid, write_date) VALUES ('mail.blacklist', "
            f"{_json(connection, 'name')}, 'id', 'base', "
            ":no, :create_uid, :create_date, :write_uid, :write_date) RETURNING id"
        ),
        {"name": _translated(connection, "Mail Blacklist"), "no": False, **log},
    ).scalar_one()
    ids = {"model": int(model_id)}
    for name, label, ttype, tracking in (("email", "Email Address", "char", 1),
                                         ("active", "Active", "boolean", 2)):  # fmt: skip
        ids[name] = int(
            connection.execute(
                sa.text(
                    "INSERT INTO ir_model_fields (name, complete_name, model, model_id, "
                    "field_description, ttype, state, store, tracking, create_uid, create_date, "
                    "write_uid, write_date) VALUES (:name, :complete, 'mail.blacklist', :model, "
                    f"{_json(connection, 'label')}, :ttype, 'base', :yes, :tracking, "
                    ":create_uid, :create_date, "
                    ":write_uid, :write_date) RETURNING id"
                ),
                {
                    "name": name,
                    "complete": f"mail.blacklist.{name}",
                    "model": model_id,
                    "label": _translated(connection, label),
                    "ttype": ttype,
                    "yes": True,
                    "tracking": 100 if version <= 16 else tracking,
                    **log,
                },
            ).scalar_one()
        )
    return ids


def _translated(connection: sa.Connection, text: str) -> str:
    return json.dumps({"en_US": text})


def _json(connection: sa.Connection, name: str) -> str:
    return f"CAST(:{name} AS jsonb)" if connection.dialect.name == "postgresql" else f":{name}"


def entry(url: str, email: str, *, active: bool, at: datetime) -> int:
    """One blacklist row as Odoo's create leaves it (the console's tests add chatter)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            return _insert_entry(connection, email, active, at)
    finally:
        engine.dispose()


def _insert_entry(connection: sa.Connection, email: str, active: bool, at: datetime) -> int:
    return int(
        connection.execute(
            sa.text(
                "INSERT INTO mail_blacklist (email, active, create_uid, create_date, "
                "write_uid, write_date) VALUES (:email, :active, 2, :at, 2, :at) "
                "RETURNING id"
            ),
            {"email": email, "active": active, "at": at},
        ).scalar_one()
    )


def forget_the_samples_entries(url: str) -> None:
    """An empty blacklist, for a test that brings its own entries."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM mail_message WHERE model = 'mail.blacklist'"))
            connection.execute(sa.text("DELETE FROM mail_blacklist"))
    finally:
        engine.dispose()
