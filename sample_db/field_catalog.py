"""Catalog rows Odoo's chatter tracking reads: subtypes, and the tracked mailing fields.

Every real database has thousands of ``ir_model_fields`` rows; the sample carries the
ones a console write refers to: ``mailing.mailing``'s ``state`` and ``schedule_date``
(both ``tracking=True`` in ``addons/mass_mailing/models/mailing.py``, 16-19) with the
state's selection, and the three subtypes of ``mail/data/mail_message_subtype_data.xml``
(``mail.mt_note`` is what a tracking log is filed under). XML ids are added last so the
ids of every other ``ir_model_data`` row stay what they were.
"""

from __future__ import annotations

from sample_db.base import install_date, xmlid
from sample_db.sinks import RowSink, log
from sample_db.world import World

# (xml name, label, internal, default, sequence, track_recipients)
SUBTYPES = (
    ("mt_comment", "Discussions", False, True, 0, True),
    ("mt_note", "Note", True, False, 100, False),
    ("mt_activities", "Activities", True, False, 90, False),
)
MAILING_STATES = (
    ("draft", "Draft"),
    ("in_queue", "In Queue"),
    ("sending", "Sending"),
    ("done", "Sent"),
)
# (name, label, type): the tracked fields a Cancel changes
MAILING_FIELDS = (("schedule_date", "Scheduled for", "datetime"), ("state", "Status", "selection"))


def build_field_catalog(sink: RowSink, world: World) -> None:
    at = install_date(world.anchor)
    for sid, (name, label, internal, default, sequence, track) in enumerate(SUBTYPES, start=1):
        sink.add(
            "mail_message_subtype",
            {
                "id": sid,
                "name": {"en_US": label},
                "internal": internal,
                "default": default,
                "sequence": sequence,
                "hidden": False,
                "track_recipients": track,
                **log(1, at),
            },
        )
        xmlid(sink, "mail", name, "mail.message.subtype", sid, at)
    model_id = world.model_ids["mailing.mailing"]
    for fid, (name, label, ttype) in enumerate(MAILING_FIELDS, start=1):
        sink.add(
            "ir_model_fields",
            {
                "id": fid,
                "name": name,
                "complete_name": f"mailing.mailing.{name}",
                "model": "mailing.mailing",
                "model_id": model_id,
                "field_description": {"en_US": label},
                "ttype": ttype,
                "state": "base",
                "index": False,
                "copied": name == "schedule_date",
                "readonly": False,
                "required": name == "state",
                "store": True,
                "tracking": 100,  # tracking=True is stored as 100
                **log(1, at),
            },
        )
        xmlid(sink, "mass_mailing", f"field_mailing_mailing__{name}", "ir.model.fields", fid, at)
    state_field = next(i for i, f in enumerate(MAILING_FIELDS, start=1) if f[0] == "state")
    for sid, (value, label) in enumerate(MAILING_STATES, start=1):
        sink.add(
            "ir_model_fields_selection",
            {
                "id": sid,
                "field_id": state_field,
                "value": value,
                "name": {"en_US": label},
                "sequence": sid - 1,
                **log(1, at),
            },
        )
        xml = f"selection__mailing_mailing__state__{value}"
        xmlid(sink, "mass_mailing", xml, "ir.model.fields.selection", sid, at)
