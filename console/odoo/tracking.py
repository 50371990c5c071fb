"""The chatter line Odoo's field tracking logs on a record, written row for row as Odoo does.

A ``write`` on a ``mail.thread`` model prepares tracking; before commit
``_track_finalize`` -> ``_message_track`` -> ``_mail_track`` compares the tracked fields
and, with no ``_track_subtype`` (``mailing.mailing`` has none), calls
``_message_log(body='', tracking_value_ids=...)`` (``addons/mail/models/mail_thread.py``
and ``models.py``, 16-19). That creates, as the acting user (``sudo()`` keeps the uid):

``mail_message``: ``message_type='notification'``, ``subtype_id`` = XML id
``mail.mt_note`` (NULL if absent, as ``_xmlid_to_res_id`` gives False), ``is_internal``
true, ``body`` '', ``subject``/``record_name``/``parent_id`` NULL (17+: also
``record_alias_domain_id``/``record_company_id`` NULL; 19 has no stored record_name),
``email_add_signature`` false, ``message_id`` from ``generate_tracking_message_id(
'message-notify')``, author/From/Reply-To (see ``message_author``), ``date`` =
``fields.Datetime.now()`` (whole seconds). No ``mail_notification``, no follower, no
recipient rows: a log notifies nobody.

``mail_tracking_value`` (``addons/mail/models/mail_tracking_value.py``), one per changed
field, created after the message with its ``mail_message_id``:

- 16 (``_create_tracking_values(..., tracking_sequence, record)``): ``field`` (the
  ``ir_model_fields`` id), ``field_desc`` (the field's label in the user's language),
  ``field_type``, ``tracking_sequence`` (``tracking=True`` -> 100); inserted in field
  definition order (``fields_get`` order: ``schedule_date`` before ``state``).
- 17, 18, 19 (``_create_tracking_values(..., record)``): ``field_id`` only; inserted by
  (sequence, name) descending (``_mail_track_order_fields``: ``state`` first), because the
  chatter shows them ``id DESC``.
- selection: ``old_value_char``/``new_value_char`` = the labels ("In Queue", "Draft"),
  '' for no value; datetime: ``old_value_datetime``/``new_value_datetime``, NULL for none.

Labels are read in the user's language from ``ir_model_fields(_selection)``, with
Odoo's source strings as the fallback (``fields_get`` does the same).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.engine import Connection

from console.odoo.message_author import MessageAuthor, log_author
from console.odoo.schema import OdooSchema
from console.smtp.build import generate_tracking_message_id

TRACKING_SEQUENCE = 100  # tracking=True (ir.model.fields._reflect_field_params)
# (type, label, tracking sequence), in the order the class defines them (16 inserts so).
FieldSpecs = dict[str, tuple[str, str, int]]
# mass_mailing/models/mailing.py 16-19: what a Cancel changes among its tracked fields.
MAILING_FIELDS: FieldSpecs = {
    "schedule_date": ("datetime", "Scheduled for", TRACKING_SEQUENCE),
    "state": ("selection", "Status", TRACKING_SEQUENCE),
}
# mail's res.partner 16-19: ``email = fields.Char(tracking=1)``.
PARTNER_FIELDS: FieldSpecs = {"email": ("char", "Email", 1)}
MAILING_STATE_LABELS = {
    "draft": "Draft",
    "in_queue": "In Queue",
    "sending": "Sending",
    "done": "Sent",
}


class ChatterUnavailable(Exception):
    """The database lacks what Odoo's tracking needs; the reason is the message."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    old: Any  # a selection value, a datetime, or None
    new: Any


@dataclass(frozen=True, slots=True)
class TrackedField:
    id: int
    ttype: str
    string: str  # label in the user's language
    labels: dict[str, str]  # selection value -> label, in the user's language
    sequence: int = TRACKING_SEQUENCE
    rank: int = 0  # its place among the model's tracked fields, in definition order


@dataclass(frozen=True, slots=True)
class ChatterLog:
    """What every tracking message of one write shares."""

    version: int
    uid: int
    subtype_id: int | None
    author: MessageAuthor
    fields: dict[str, TrackedField]


def prepare_mailing_log(
    connection: Connection, schema: OdooSchema, *, version: int, uid: int
) -> ChatterLog:
    """Resolve once what the Cancel's tracking messages need, or say why it cannot be."""
    return prepare_log(
        connection, schema, version=version, uid=uid, model="mailing.mailing", specs=MAILING_FIELDS
    )


def prepare_log(
    connection: Connection,
    schema: OdooSchema,
    *,
    version: int,
    uid: int,
    model: str,
    specs: FieldSpecs,
) -> ChatterLog:
    """What the tracking messages of a write on ``model``'s ``specs`` fields need."""
    _check_tracking_table(schema, version)
    lang = _user_lang(connection, schema, uid)
    fields = {
        name: replace(
            _tracked_field(connection, schema, model, name, ttype, string, lang),
            sequence=sequence,
            rank=rank,
        )
        for rank, (name, (ttype, string, sequence)) in enumerate(specs.items())
    }
    data = schema.t("ir_model_data")
    subtype_id = connection.execute(
        select(data.c.res_id).where(and_(data.c.module == "mail", data.c.name == "mt_note"))
    ).scalar_one_or_none()
    return ChatterLog(
        version=version,
        uid=uid,
        subtype_id=None if subtype_id is None else int(subtype_id),
        author=log_author(connection, schema, version, uid),
        fields=fields,
    )


def _check_tracking_table(schema: OdooSchema, version: int) -> None:
    if not schema.has_table("mail_tracking_value"):
        raise ChatterUnavailable("this database has no mail_tracking_value table")
    if version <= 16:
        wanted: tuple[str, ...] = ("field", "field_desc", "field_type", "tracking_sequence")
    else:
        wanted = ("field_id",)
    missing = [col for col in wanted if not schema.has("mail_tracking_value", col)]
    if missing:
        raise ChatterUnavailable(
            f"mail_tracking_value has no {', '.join(missing)} column (not Odoo {version}'s)"
        )
    if not schema.has_table("ir_model_fields"):
        raise ChatterUnavailable("this database has no ir_model_fields table")


def _user_lang(connection: Connection, schema: OdooSchema, uid: int) -> str:
    """``env.lang`` of the user's session: the partner's language (res.users.lang is related)."""
    partners, users = schema.t("res_partner"), schema.t("res_users")
    if "lang" not in partners.c:
        return "en_US"
    lang = connection.execute(
        select(partners.c.lang)
        .join(users, users.c.partner_id == partners.c.id)
        .where(users.c.id == uid)
    ).scalar_one_or_none()
    return str(lang) if lang else "en_US"


def _translated(value: Any, lang: str, default: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en_US") or default)
    return str(value) if value else default


def _tracked_field(
    connection: Connection,
    schema: OdooSchema,
    model: str,
    name: str,
    ttype: str,
    string: str,
    lang: str,
) -> TrackedField:
    catalog = schema.t("ir_model_fields")
    row = connection.execute(
        select(catalog.c.id, *_description_column(schema)).where(
            and_(catalog.c.model == model, catalog.c.name == name)
        )
    ).first()
    if row is None:
        raise ChatterUnavailable(f"ir_model_fields has no row for {model}.{name}")
    description = getattr(row, "field_description", None)
    labels = dict(MAILING_STATE_LABELS) if ttype == "selection" else {}
    if ttype == "selection" and schema.has_table("ir_model_fields_selection"):
        options = schema.t("ir_model_fields_selection")
        for value, label in connection.execute(
            select(options.c.value, options.c.name).where(options.c.field_id == row.id)
        ):
            labels[str(value)] = _translated(label, lang, labels.get(str(value), str(value)))
    return TrackedField(int(row.id), ttype, _translated(description, lang, string), labels)


def _description_column(schema: OdooSchema) -> list[Any]:
    catalog = schema.t("ir_model_fields")
    return [catalog.c.field_description] if "field_description" in catalog.c else []


def cancel_changes(old_schedule_date: datetime | None) -> list[FieldChange]:
    """``action_cancel``'s tracked changes: the state, and the schedule when there was one."""
    changes = [FieldChange("state", "in_queue", "draft")]
    if old_schedule_date is not None:
        changes.append(FieldChange("schedule_date", old_schedule_date, None))
    return changes


def log_cancels(
    connection: Connection,
    schema: OdooSchema,
    log: ChatterLog,
    schedules: dict[int, datetime | None],
    *,
    now: datetime,
) -> dict[int, int]:
    """One tracking message per cancelled mailing (id -> its old schedule_date)."""
    return {
        mailing_id: log_tracking(
            connection,
            schema,
            log,
            model="mailing.mailing",
            res_id=mailing_id,
            changes=cancel_changes(old_date),
            now=now,
        )
        for mailing_id, old_date in schedules.items()
    }


def ordered_changes(
    version: int, changes: Sequence[FieldChange], fields: dict[str, TrackedField]
) -> list[FieldChange]:
    """The insertion order of the tracking values (see the module docstring)."""
    if version <= 16:
        return sorted(changes, key=lambda c: fields[c.name].rank)
    return sorted(changes, key=lambda c: (fields[c.name].sequence, c.name), reverse=True)


def log_tracking(
    connection: Connection,
    schema: OdooSchema,
    log: ChatterLog,
    *,
    model: str,
    res_id: int,
    changes: Sequence[FieldChange],
    now: datetime,
    body: str = "",
) -> int:
    """Insert the message and its tracking values; return the new mail_message id.
    ``body``: what ``_track_set_log_message`` gave (17+), '' otherwise."""
    messages = schema.t("mail_message")
    values: dict[str, Any] = {
        "subject": None,
        "date": now.replace(microsecond=0),
        "body": body,
        "model": model,
        "res_id": res_id,
        "record_name": None,
        "message_type": "notification",
        "subtype_id": log.subtype_id,
        "is_internal": True,
        "author_id": log.author.author_id,
        "email_from": log.author.email_from,
        "reply_to": log.author.reply_to,
        "message_id": generate_tracking_message_id("message-notify"),
        "email_add_signature": False,
        "create_uid": log.uid,
        "create_date": now,
        "write_uid": log.uid,
        "write_date": now,
    }
    message_id = int(
        connection.execute(
            insert(messages)
            .values({k: v for k, v in values.items() if k in messages.c})
            .returning(messages.c.id)
        ).scalar_one()
    )
    tracking = schema.t("mail_tracking_value")
    for change in ordered_changes(log.version, changes, log.fields):
        row = tracking_values(log, change)
        row.update(
            mail_message_id=message_id,
            create_uid=log.uid,
            create_date=now,
            write_uid=log.uid,
            write_date=now,
        )
        connection.execute(insert(tracking).values(row))
    return message_id


def tracking_values(log: ChatterLog, change: FieldChange) -> dict[str, Any]:
    """``mail.tracking.value._create_tracking_values`` for one change, per version."""
    field = log.fields[change.name]
    if log.version <= 16:
        row: dict[str, Any] = {
            "field": field.id,
            "field_desc": field.string,
            "field_type": field.ttype,
            "tracking_sequence": field.sequence,
        }
    else:
        row = {"field_id": field.id}
    if field.ttype == "boolean":  # stored as integers (mail.blacklist's active)
        row["old_value_integer"] = int(bool(change.old))
        row["new_value_integer"] = int(bool(change.new))
    elif field.ttype == "selection":
        row["old_value_char"] = field.labels.get(change.old, change.old) if change.old else ""
        row["new_value_char"] = field.labels[change.new] if change.new else ""
    elif field.ttype == "char":
        row["old_value_char"] = change.old or None
        row["new_value_char"] = change.new or None
    else:  # datetime
        row["old_value_datetime"] = change.old or None
        row["new_value_datetime"] = change.new or None
    return row
