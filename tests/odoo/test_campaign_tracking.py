"""Cancelling a campaign logs Odoo's chatter line: the rows mail.thread's tracking writes.

Expected rows come from Odoo's source (console/odoo/tracking.py docstring): one
``mail_message`` (a ``mail.mt_note`` notification from the acting user) per cancelled
mailing, with one ``mail_tracking_value`` per changed tracked field; 16 stores
field/field_desc/field_type/tracking_sequence, 17+ field_id; 19 names the Reply-To after
the author. Real SQLite and PostgreSQL databases of each version, built by sample_db.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.errors import QueryFailed
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.odoo_dbs import VERSIONS, build_postgres, build_sqlite
from tests.helpers.cli import run_cli

CLAIRE = "claire.dubois@acme-shop.example"  # uid 4, partner 5 in every generated database
MESSAGE_ID = re.compile(r"^<\d{15}\.\d+\.\d{15}-openerp-message-notify@[^>]+>$")


@pytest.fixture(params=[(e, v) for e in ("sqlite", "pg") for v in VERSIONS], ids=str)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, int]:
    engine, version = request.param
    if engine == "sqlite":
        return build_sqlite(tmp_path, version), version
    return build_postgres(request.getfixturevalue("pg_db_factory")(), version), version


def fetch(url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows as dicts, datetimes as datetimes on both engines (the columns are reflected)."""
    engine = sa.create_engine(url)
    try:
        table_name = sql.split(" FROM ", 1)[1].split()[0]
        table = sa.Table(table_name, sa.MetaData(), autoload_with=engine)
        dates = {c.name: c.type for c in table.columns if isinstance(c.type, sa.DateTime)}
        with engine.connect() as connection:
            result = connection.execute(sa.text(sql).columns(**dates), params)
            return [dict(row._mapping) for row in result]
    finally:
        engine.dispose()


def without_nulls(row: dict[str, Any], keep: dict[str, Any]) -> dict[str, Any]:
    """The row's non-NULL columns, plus those ``keep`` names (so a stray value shows)."""
    return {k: v for k, v in row.items() if v is not None or k in keep}


def execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def operator_for(url: str, tmp_path: Path, user: str | None = CLAIRE) -> Operator:
    backend = open_backend(ConnectionSettings(db_url=url))
    return Operator(backend, Journal(tmp_path / "journal.jsonl"), user)


def mailing_messages(url: str) -> list[dict[str, Any]]:
    return fetch(url, "SELECT * FROM mail_message WHERE model = 'mailing.mailing' ORDER BY id")


def field_id(url: str, name: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.text(
                        "SELECT id FROM ir_model_fields "
                        "WHERE model = 'mailing.mailing' AND name = :n"
                    ),
                    {"n": name},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def expected_tracking(
    url: str, version: int, old_schedule: datetime | None
) -> list[dict[str, Any]]:
    state = {"old_value_char": "In Queue", "new_value_char": "Draft"}
    schedule = {"old_value_datetime": old_schedule, "new_value_datetime": None}
    if version <= 16:
        state |= {"field": field_id(url, "state"), "field_desc": "Status"}
        state |= {"field_type": "selection", "tracking_sequence": 100}
        schedule |= {"field": field_id(url, "schedule_date"), "field_desc": "Scheduled for"}
        schedule |= {"field_type": "datetime", "tracking_sequence": 100}
        rows = [schedule, state]  # fields_get order: schedule_date is defined first
    else:
        state |= {"field_id": field_id(url, "state"), "field_info": None}
        schedule |= {"field_id": field_id(url, "schedule_date"), "field_info": None}
        rows = [state, schedule]  # (sequence, name) descending: chatter shows id DESC
    return rows if old_schedule is not None else [r for r in rows if "old_value_char" in r]


def test_cancel_logs_odoos_tracking_message(db: tuple[str, int], tmp_path: Path) -> None:
    url, version = db
    before = fetch(url, "SELECT id, state, schedule_date FROM mailing_mailing ORDER BY id")
    queued = {r["id"]: r["schedule_date"] for r in before if r["state"] == "in_queue"}
    others = [r["id"] for r in before if r["state"] != "in_queue"]
    assert len(queued) == 3 and any(queued.values()) and None in queued.values()
    assert mailing_messages(url) == []
    operator = operator_for(url, tmp_path)
    outcome = operator.cancel_campaigns([*queued, *others])
    operator.backend.close()

    assert sorted(outcome.applied) == sorted(queued) and sorted(outcome.skipped) == others
    assert outcome.note == ""
    messages = mailing_messages(url)
    assert sorted(m["res_id"] for m in messages) == sorted(queued)  # one each, none for skipped
    assert outcome.chatter == {m["res_id"]: m["id"] for m in messages}
    company_reply_to = '"Acme Shop" <catchall@acme-shop.example>'
    author_reply_to = '"Claire Dubois" <catchall@acme-shop.example>'
    for message in messages:
        assert MESSAGE_ID.match(message.pop("message_id"))
        created = message.pop("create_date")
        assert message.pop("write_date") == created
        assert message.pop("date") == created.replace(microsecond=0)
        expected = {
            "subject": None,
            "body": "",
            "parent_id": None,
            "model": "mailing.mailing",
            "record_name": None,
            "message_type": "notification",
            "subtype_id": 2,  # mail.mt_note
            "mail_activity_type_id": None,
            "is_internal": True,
            "email_from": '"Claire Dubois" <claire.dubois@acme-shop.example>',
            "author_id": 5,
            "author_guest_id": None,
            "reply_to_force_new": None,
            "reply_to": author_reply_to if version >= 19 else company_reply_to,
            "mail_server_id": None,
            "email_layout_xmlid": None,
            "email_add_signature": False,
            "create_uid": 4,
            "write_uid": 4,
        }
        if version >= 17:
            expected |= {"record_alias_domain_id": None, "record_company_id": None}
            expected |= {"pinned_at": None}
        if version >= 19:
            expected |= {k: None for k in ("incoming_email_to", "incoming_email_cc")}
            expected |= {"outgoing_email_to": None}
        assert {k: v for k, v in message.items() if k not in ("id", "res_id")} == expected
        values = fetch(
            url,
            "SELECT * FROM mail_tracking_value WHERE mail_message_id = :m ORDER BY id",
            m=message["id"],
        )
        for row in values:
            assert (row.pop("create_uid"), row.pop("write_uid")) == (4, 4)
            assert row.pop("create_date") == row.pop("write_date") == created
            assert row.pop("mail_message_id") == message["id"]
            row.pop("id")
        expected_rows = expected_tracking(url, version, queued[message["res_id"]])
        assert len(values) == len(expected_rows)
        pairs = zip(values, expected_rows, strict=True)
        assert [without_nulls(row, want) for row, want in pairs] == expected_rows
    no_side_rows = fetch(
        url,
        "SELECT * FROM mail_message WHERE id IN "
        "(SELECT mail_message_id FROM mail_notification UNION "
        "SELECT mail_message_id FROM mail_message_res_partner_rel)",
    )
    assert [m for m in no_side_rows if m["model"] == "mailing.mailing"] == []
    entry = list(Journal(tmp_path / "journal.jsonl").entries())[-1].data
    assert entry["chatter_messages"] == {str(k): v for k, v in outcome.chatter.items()}


def test_superuser_logs_as_odoobot(tmp_path: Path) -> None:
    url = build_sqlite(tmp_path, 17)
    operator = operator_for(url, tmp_path, user=None)
    operator.cancel_campaigns([4])
    operator.backend.close()
    (message,) = mailing_messages(url)
    assert (message["author_id"], message["create_uid"]) == (2, 1)
    assert message["email_from"] == '"OdooBot" <odoobot@example.com>'


@pytest.fixture(params=["sqlite", "pg"])
def db17(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return build_sqlite(tmp_path, 17)
    return build_postgres(request.getfixturevalue("pg_db_factory")(), 17)


def refuse_tracking_values(url: str) -> None:
    """Make the database itself reject any new tracking value (a real failure, no mock)."""
    if url.startswith("sqlite"):
        execute(
            url,
            "CREATE TRIGGER refuse_tracking BEFORE INSERT ON mail_tracking_value "
            "BEGIN SELECT RAISE(ABORT, 'tracking refused by the test'); END",
        )
    else:
        execute(
            url,
            "ALTER TABLE mail_tracking_value ADD CONSTRAINT refuse_tracking "
            "CHECK (mail_message_id < 0) NOT VALID",
        )


def test_a_failing_tracking_insert_writes_nothing(db17: str, tmp_path: Path) -> None:
    refuse_tracking_values(db17)
    before = fetch(db17, "SELECT id, state, schedule_date FROM mailing_mailing ORDER BY id")
    count = len(fetch(db17, "SELECT id FROM mail_message"))
    operator = operator_for(db17, tmp_path)
    with pytest.raises(QueryFailed, match=r"refuse_tracking|tracking refused"):
        operator.cancel_campaigns([3, 4, 5])
    operator.backend.close()
    assert fetch(db17, "SELECT id, state, schedule_date FROM mailing_mailing ORDER BY id") == before
    assert len(fetch(db17, "SELECT id FROM mail_message")) == count  # the message rolled back
    assert not (tmp_path / "journal.jsonl").exists()


def test_without_tracking_table_the_state_changes_and_the_note_says_why(tmp_path: Path) -> None:
    url = build_sqlite(tmp_path, 18)
    execute(url, "DROP TABLE mail_tracking_value")
    operator = operator_for(url, tmp_path)
    outcome = operator.cancel_campaigns([4])
    operator.backend.close()
    assert outcome.applied == (4,) and outcome.chatter == {}
    assert "chatter line" in outcome.note and "no mail_tracking_value table" in outcome.note
    assert outcome.note in outcome.message()
    assert fetch(url, "SELECT state FROM mailing_mailing WHERE id = 4") == [{"state": "draft"}]
    assert mailing_messages(url) == []  # Odoo logs no message without tracking values


def test_without_the_field_row_the_note_names_the_field(tmp_path: Path) -> None:
    url = build_sqlite(tmp_path, 16)
    execute(
        url,
        "DELETE FROM ir_model_fields WHERE model = 'mailing.mailing' AND name = 'state'",
    )
    operator = operator_for(url, tmp_path)
    outcome = operator.cancel_campaigns([3, 6])
    operator.backend.close()
    assert outcome.applied == (3,) and list(outcome.skipped) == [6]
    assert "ir_model_fields has no row for mailing.mailing.state" in outcome.note
    assert mailing_messages(url) == []


def test_cli_reports_applied_skipped_and_the_chatter(tmp_path: Path) -> None:
    url = build_sqlite(tmp_path, 17)
    journal = str(tmp_path / "j.jsonl")
    done = run_cli(
        "--db", url, "cancel-campaign", "4", "2", "--yes", "--json", "--journal", journal
    )
    assert done.returncode == 1, done.stderr  # partial: the Sending one is skipped
    report = json.loads(done.stdout)
    assert report["applied"] == [4] and list(report["skipped"]) == ["2"]
    (message,) = mailing_messages(url)
    assert report["chatter_messages"] == {"4": message["id"]} and report["note"] == ""
    execute(url, "DROP TABLE mail_tracking_value")
    text = run_cli("--db", url, "cancel-campaign", "5", "--yes", "--journal", journal)
    assert text.returncode == 0, text.stderr
    assert text.stdout.strip() == (
        "Cancelled 1 campaign. Odoo's chatter line (Status: In Queue -> Draft) was not "
        "written: this database has no mail_tracking_value table"
    )


def test_labels_follow_the_users_language(tmp_path: Path) -> None:
    """fields_get reads the field and selection labels in env.lang (the user's language)."""
    url = build_sqlite(tmp_path, 16)
    execute(
        url,
        "ALTER TABLE res_partner ADD COLUMN lang VARCHAR",
        "UPDATE res_partner SET lang = 'fr_FR' WHERE id = 5",
        """UPDATE ir_model_fields SET field_description = '{"en_US": "Status", "fr_FR": "Statut"}'
           WHERE model = 'mailing.mailing' AND name = 'state'""",
        """UPDATE ir_model_fields_selection SET name = CASE value
             WHEN 'in_queue' THEN '{"en_US": "In Queue", "fr_FR": "En file d''attente"}'
             WHEN 'draft' THEN '{"en_US": "Draft", "fr_FR": "Brouillon"}' ELSE name END""",
    )
    operator = operator_for(url, tmp_path)
    operator.cancel_campaigns([4])
    operator.backend.close()
    (message,) = mailing_messages(url)
    rows = fetch(
        url,
        "SELECT field_desc, old_value_char, new_value_char FROM mail_tracking_value "
        "WHERE mail_message_id = :m",
        m=message["id"],
    )
    assert rows == [
        {
            "field_desc": "Statut",
            "old_value_char": "En file d'attente",
            "new_value_char": "Brouillon",
        }
    ]
