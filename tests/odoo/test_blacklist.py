"""Odoo's e-mail blacklist on SQLite and PostgreSQL, 16-19: the list (active by default,
removed ones with --all, searched and keyset-paged in SQL, with the chatter's last line and
who carries the address), the Unblacklist wizard's rows written by `unblacklist`, its
refusals, and `undo` (blacklisted again as Odoo's `_add`, the removal's line kept)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from console.domain.blacklist import BlacklistQuery
from sample_db.odoo_ddl_blacklist import add_blacklist, entry, forget_the_samples_entries
from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import Db

KINDS_AND_VERSIONS = [("sqlite", 16), ("sqlite", 17), ("pg", 18), ("pg", 19), ("pg", 16)]
AT = datetime(2026, 11, 20, 9, 0, 0)
REASON = 'Asked again "by phone" & <confirmed> it\'s fine'


@dataclass
class Scene:
    db: Db
    ann: int
    bob: int
    old: int
    active_field: int


@pytest.fixture(params=KINDS_AND_VERSIONS, ids=lambda p: f"{p[0]}-{p[1]}")
def scene(request: pytest.FixtureRequest, make_db: Callable[[str, int], Db]) -> Scene:
    kind, version = request.param
    db = make_db(kind, version)
    ids = add_blacklist(db.url, version, at=AT)
    forget_the_samples_entries(db.url)
    ann = entry(db.url, "ann@x.example", active=True, at=AT)
    old = entry(db.url, "old@x.example", active=False, at=AT)
    bob = entry(db.url, "bob@x.example", active=True, at=AT)
    db.insert(
        "mail_message",
        model="mail.blacklist",
        res_id=old,
        body="<p>Unblock Reason: moved to a new job</p>",
        message_type="notification",
        date=AT,
    )
    partner = int(db.one("SELECT min(id) FROM res_partner WHERE partner_share")[0])
    db.sql("UPDATE res_partner SET email = 'Ann@X.example', email_normalized = 'ann@x.example', "
           "name = 'Ann Lee' WHERE id = :p", p=partner)  # fmt: skip
    return Scene(db, ann, bob, old, ids["active"])


def test_the_list_is_active_by_default_newest_first_with_notes_and_carriers(scene: Scene) -> None:
    backend = scene.db.backend()
    page = backend.blacklist(BlacklistQuery())
    assert [e.email for e in page.rows] == ["bob@x.example", "ann@x.example"]
    assert page.available and not page.has_more
    ann = page.rows[1]
    assert ann.partner_count == 1 and ann.partners[0][1] == "Ann Lee"
    everything = backend.blacklist(BlacklistQuery(include_removed=True))
    assert [e.email for e in everything.rows] == ["bob@x.example", "old@x.example", "ann@x.example"]
    old = everything.rows[1]
    assert (old.active, old.note) == (False, "Unblock Reason: moved to a new job")
    assert old.removed_on == AT and old.created == AT


def test_search_is_a_case_insensitive_substring_and_pages_by_keyset(scene: Scene) -> None:
    backend = scene.db.backend()
    assert [e.email for e in backend.blacklist(BlacklistQuery(text="ANN@X")).rows] == [
        "ann@x.example"
    ]
    assert backend.blacklist(BlacklistQuery(text="%")).rows == ()  # a literal, not a wildcard
    first = backend.blacklist(BlacklistQuery(limit=1))
    assert [e.id for e in first.rows] == [scene.bob] and first.has_more
    rest = backend.blacklist(BlacklistQuery(limit=1, before_id=scene.bob))
    assert [e.id for e in rest.rows] == [scene.ann] and not rest.has_more


def test_the_cli_lists_as_json_and_text(scene: Scene) -> None:
    done = run_cli("blacklist", "--all", "--search", "x.example", "--json", "--db", scene.db.url)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["email"], r["active"]) for r in rows] == [
        ("bob@x.example", True), ("old@x.example", False), ("ann@x.example", True)]  # fmt: skip
    assert rows[1]["removed_on"] == "2026-11-20T09:00:00Z" and rows[0]["removed_on"] is None
    assert rows[2]["partners"][0]["name"] == "Ann Lee" and rows[2]["partner_count"] == 1
    text = run_cli("blacklist", "--limit", "1", "--db", scene.db.url).stdout
    assert "bob@x.example" in text and "ann@x.example" not in text and "(more:" in text


def chatter(db: Db, res_id: int) -> list[tuple[object, ...]]:
    return [
        tuple(r)
        for r in db.sql(
            "SELECT id, body, message_type, subtype_id, author_id FROM mail_message "
            "WHERE model = 'mail.blacklist' AND res_id = :r ORDER BY id",
            r=res_id,
        )
    ]


def tracked(db: Db, message_id: int) -> list[tuple[object, ...]]:
    field = "field" if db.version <= 16 else "field_id"
    return [
        tuple(r)
        for r in db.sql(
            f"SELECT {field}, old_value_integer, new_value_integer FROM mail_tracking_value "
            "WHERE mail_message_id = :m",
            m=message_id,
        )
    ]


def test_unblacklist_writes_the_wizards_rows_and_undo_blacklists_again(
    scene: Scene, tmp_path: Path
) -> None:
    db = scene.db
    journal = ("--journal", str(tmp_path / "journal.jsonl"), "--db", db.url)
    done = run_cli("unblacklist", "ANN@x.example", "--reason", REASON, "--yes", "--json", *journal)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["applied"] == [scene.ann] and report["reason"] == REASON
    assert report["message"].startswith("Removed from the blacklist 1 address")
    row = db.one("SELECT active, write_uid FROM mail_blacklist WHERE id = :i", i=scene.ann)
    assert (bool(row[0]), row[1]) == (False, 1)
    note, subtype = (
        chatter(db, scene.ann),
        db.one("SELECT res_id FROM ir_model_data WHERE module = 'mail' AND name = 'mt_note'")[0],
    )
    author = db.one("SELECT partner_id FROM res_users WHERE id = 1")[0]
    escaped = 'Asked again "by phone" &amp; &lt;confirmed&gt; it\'s fine'
    if db.version <= 16:  # the note first, then the tracking line (logged at the commit)
        assert [(m[1], m[2], m[3], m[4]) for m in note] == [
            (f"<p>Unblacklisting Reason: {escaped}</p>", "notification", subtype, author),
            ("", "notification", subtype, author),
        ]
    else:
        assert [(m[1], m[2], m[3], m[4]) for m in note] == [
            (f"<p>Unblock Reason: {escaped}</p>", "notification", subtype, author)
        ]
    assert tracked(db, int(str(note[-1][0]))) == [(scene.active_field, 1, 0)]
    assert report["chatter_messages"] == {str(scene.ann): note[-1][0]}
    assert db.backend().blacklist(BlacklistQuery(text="ann")).rows == ()
    # undo: Odoo's _add on the archived entry; the removal's chatter stays
    undone = run_cli("undo", "--yes", *journal)
    assert undone.returncode == 0, undone.stderr
    assert "Undid 1 address" in undone.stdout
    assert bool(db.one("SELECT active FROM mail_blacklist WHERE id = :i", i=scene.ann)[0])
    after = chatter(db, scene.ann)
    assert after[: len(note)] == note and after[-1][1] == ""
    assert tracked(db, int(str(after[-1][0]))) == [(scene.active_field, 0, 1)]
    again = run_cli("undo", "--yes", *journal)
    assert again.returncode == 2 and "Nothing to undo" in again.stderr


def test_undo_leaves_an_entry_changed_since_the_removal(scene: Scene, tmp_path: Path) -> None:
    db = scene.db
    journal = ("--journal", str(tmp_path / "journal.jsonl"), "--db", db.url)
    done = run_cli("unblacklist", "bob@x.example", "--reason", "", "--yes", *journal)
    assert done.returncode == 0, done.stderr
    if db.version <= 16:  # no reason: no note, the tracking line alone
        assert [m[1] for m in chatter(db, scene.bob)] == [""]
    db.sql("UPDATE mail_blacklist SET write_date = :t WHERE id = :i", t=AT, i=scene.bob)
    undone = run_cli("undo", "--yes", *journal)
    assert undone.returncode == 1 and "1 skipped" in undone.stdout
    assert not bool(db.one("SELECT active FROM mail_blacklist WHERE id = :i", i=scene.bob)[0])


def test_a_removed_entry_is_skipped_when_it_changed_before_the_write(scene: Scene) -> None:
    from console.services.journal import Journal
    from console.services.operations import Operator

    operator = Operator(scene.db.backend(), Journal(scene.db.tmp / "j.jsonl"))
    outcome = operator.unblacklist([scene.old, scene.bob, 999999], "test")
    assert outcome.applied == (scene.bob,)
    assert outcome.skipped == {
        scene.old: "already removed from the blacklist",
        999999: "no such blacklist entry, or locked by Odoo right now",
    }
    assert chatter(scene.db, scene.old)[-1][1] == "<p>Unblock Reason: moved to a new job</p>"


@pytest.mark.parametrize(
    ("addresses", "fragments"),
    [
        (("nobody@x.example",), ("nobody@x.example", "not on the blacklist")),
        (("old@x.example",), ("old@x.example", "removed already")),
        (("not an address",), ("invalid email address",)),
    ],
)
def test_bad_addresses_are_refused_in_one_line(
    scene: Scene, tmp_path: Path, addresses: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    done = run_cli("unblacklist", *addresses, "ann@x.example", "--reason", "r", "--yes",
                   "--db", scene.db.url, "--journal", str(tmp_path / "j.jsonl"))  # fmt: skip
    assert_one_line_error(done, *fragments)
    assert bool(scene.db.one("SELECT active FROM mail_blacklist WHERE id = :i", i=scene.ann)[0])


def test_read_only_refuses_before_anything(scene: Scene, tmp_path: Path) -> None:
    done = run_cli("--read-only", "unblacklist", "ann@x.example", "--reason", "r", "--yes",
                   "--db", scene.db.url, "--journal", str(tmp_path / "j.jsonl"))  # fmt: skip
    assert_one_line_error(done, "read-only")
    assert not (tmp_path / "j.jsonl").exists()
    missing = run_cli("unblacklist", "ann@x.example", "--yes", "--db", scene.db.url)
    assert missing.returncode == 2 and "--reason" in missing.stderr
