"""The blacklist against real Odoo 16-19: Odoo's Unblacklist wizard removes one address,
the console's `unblacklist` its twin with the same reason; the rows (the entry, its chatter
messages, their tracking values) must be equal apart from ids, times and each twin's own
address; the console's list must be what Odoo's ORM calls blacklisted; and undo must leave
the entry as Odoo's own re-blacklisting does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.rows import assert_twins, fetch, one

REASON = 'Asked "by phone" & it\'s fine'
SETUP = """
BL = env['mail.blacklist']
result = {name: BL._add(address).id for name, address in args['addresses'].items()}
"""
WIZARD = """
env['mail.blacklist.remove'].create({'email': args['email'], 'reason': args['reason']}
                                    ).action_unblacklist_apply()
"""
ACTIVE = (
    "result = env['mail.blacklist'].search([('active', '=', True)], order='id desc')"
    ".mapped('email')"
)
CHATTER = "SELECT * FROM mail_message WHERE model = 'mail.blacklist' AND res_id = %s ORDER BY id"
TRACKING = "SELECT * FROM mail_tracking_value WHERE mail_message_id = %s ORDER BY id"


@pytest.fixture(scope="module")
def entries(odoo: OdooInstance) -> tuple[str, dict[str, int]]:
    db = odoo.new_database(f"blacklist{odoo.version}")
    addresses = {"odoo": "Odile@Twin.example", "console": "Conrad@Twin.example",
                 "undo": "udo@twin.example", "kept": "kept@twin.example"}  # fmt: skip
    return db, odoo.orm(db, SETUP, addresses=addresses)


def console(odoo: OdooInstance, db: str, *args: str) -> dict[str, Any]:
    done = run_cli("--db", odoo.url(db), *args, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def chatter_and_tracking(odoo: OdooInstance, db: str, entry: int) -> list[Any]:
    return [
        (message, fetch(odoo, db, TRACKING, message["id"]))
        for message in fetch(odoo, db, CHATTER, entry)
    ]


def assert_same_chatter(odoo: OdooInstance, db: str, console_id: int, odoo_id: int) -> None:
    left = chatter_and_tracking(odoo, db, console_id)
    right = chatter_and_tracking(odoo, db, odoo_id)
    assert len(left) == len(right) >= 2
    for (message_c, values_c), (message_o, values_o) in zip(left, right, strict=True):
        # parent_id: each twin's own first message; record_name (16): each twin's address
        own = frozenset({"res_id", "message_id", "parent_id", "record_name"})
        assert_twins(message_c, message_o, "chatter line", ignore=own)
        first_c, first_o = left[0][0]["id"], right[0][0]["id"]
        assert (message_c["parent_id"] == first_c) == (message_o["parent_id"] == first_o)
        if "record_name" in message_c and message_o["record_name"]:
            assert message_c["record_name"] == one(odoo, db, "mail_blacklist", console_id)["email"]
        assert len(values_c) == len(values_o)
        for value_c, value_o in zip(values_c, values_o, strict=True):
            assert_twins(value_c, value_o, "tracking value", ignore=frozenset({"mail_message_id"}))


def test_unblacklist_is_the_wizard(odoo: OdooInstance, entries: tuple[str, Any]) -> None:
    db, ids = entries
    odoo.orm(db, WIZARD, email="odile@twin.example", reason=REASON)
    result = console(odoo, db, "unblacklist", "conrad@twin.example", "--reason", REASON)
    assert result["applied"] == [ids["console"]]
    assert_twins(one(odoo, db, "mail_blacklist", ids["console"]),
                 one(odoo, db, "mail_blacklist", ids["odoo"]), "entry",
                 ignore=frozenset({"email"}))  # fmt: skip
    assert_same_chatter(odoo, db, ids["console"], ids["odoo"])
    bodies = [m["body"] for m in fetch(odoo, db, CHATTER, ids["console"])]
    reason = 'Asked "by phone" &amp; it\'s fine'
    assert bodies[-2 if odoo.version <= 16 else -1] == (
        f"<p>Unblacklisting Reason: {reason}</p>" if odoo.version <= 16
        else f"<p>Unblock Reason: {reason}</p>"
    )  # fmt: skip
    for entry in (ids["console"], ids["odoo"]):
        assert not fetch(odoo, db, "SELECT id FROM mail_followers WHERE res_model = "
                         "'mail.blacklist' AND res_id = %s", entry)  # fmt: skip
        assert not fetch(odoo, db, "SELECT n.id FROM mail_notification n JOIN mail_message m ON "
                         "m.id = n.mail_message_id WHERE m.model = 'mail.blacklist' AND "
                         "m.res_id = %s", entry)  # fmt: skip


def test_the_list_is_what_odoo_calls_blacklisted(
    odoo: OdooInstance, entries: tuple[str, Any]
) -> None:
    db, _ = entries
    listed = run_cli("--db", odoo.url(db), "blacklist", "--json", "--limit", "1000")
    assert listed.returncode == 0, listed.stderr
    emails = [row["email"] for row in json.loads(listed.stdout)]
    assert emails == odoo.orm(db, ACTIVE)
    assert "kept@twin.example" in emails and "odile@twin.example" not in emails
    every = json.loads(run_cli("--db", odoo.url(db), "blacklist", "--all", "--json").stdout)
    removed = {row["email"]: row for row in every if not row["active"]}
    assert removed["odile@twin.example"]["note"].startswith(
        "Unblacklisting Reason" if odoo.version <= 16 else "Unblock Reason"
    )


def test_undo_is_odoos_reblacklisting(odoo: OdooInstance, entries: tuple[str, Any]) -> None:
    db, ids = entries
    console(odoo, db, "unblacklist", "udo@twin.example", "--reason", REASON)
    console(odoo, db, "undo")
    odoo.orm(db, WIZARD, email="kept@twin.example", reason=REASON)
    odoo.orm(db, "env['mail.blacklist']._add('kept@twin.example')")
    assert_twins(one(odoo, db, "mail_blacklist", ids["undo"]),
                 one(odoo, db, "mail_blacklist", ids["kept"]), "entry",
                 ignore=frozenset({"email"}))  # fmt: skip
    assert one(odoo, db, "mail_blacklist", ids["undo"])["active"] is True
    assert_same_chatter(odoo, db, ids["undo"], ids["kept"])
