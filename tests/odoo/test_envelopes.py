"""The chatter's red envelopes, read from mail_notification as Odoo's systray counts them,
on SQLite and PostgreSQL, with the versions' differences (19 stores no record name): the
counts in `status`, the `envelopes` list, and Ignore all by message, undone by `undo`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.db import Db
from tests.helpers.mails import add_mail

KINDS_AND_VERSIONS = [("sqlite", 16), ("sqlite", 19), ("pg", 17), ("pg", 18)]
ADMIN_PARTNER = 3


@dataclass
class Scene:
    db: Db
    smtp_failed: int  # message: one refused, one delivered, one bounced (mail row kept)
    address_gone: int  # message: invalid address, its mail row deleted by auto_delete
    partners: list[int]


def fail(db: Db, message: int, partner: int, status: str, failure_type: str | None) -> None:
    """The partner's notification failed; the admin wrote the message, as in the chatter."""
    db.sql("UPDATE mail_message SET author_id = :a WHERE id = :m", a=ADMIN_PARTNER, m=message)
    db.sql(
        "UPDATE mail_notification SET notification_status = :s, failure_type = :t, "
        "failure_reason = :r, author_id = :a WHERE mail_message_id = :m AND res_partner_id = :p",
        s=status,
        t=failure_type,
        r="550 5.1.1 no such user" if failure_type == "unknown" else None,
        a=ADMIN_PARTNER,
        m=message,
        p=partner,
    )


@pytest.fixture(params=KINDS_AND_VERSIONS, ids=lambda p: f"{p[0]}-{p[1]}")
def scene(request: pytest.FixtureRequest, make_db: Callable[[str, int], Db]) -> Scene:
    kind, version = request.param
    db = make_db(kind, version)
    # the generated scenario's own failures are not this test's
    db.sql("UPDATE mail_notification SET notification_status = 'sent'")
    three = add_mail(
        db,
        partners=(("Ann", "ann@x.example"), ("Bob", "bob@x.example"), ("Cy", "cy@x.example")),
        state="exception",
        failure_reason="SMTPRecipientsRefused",
        model="res.partner",
        res_id=ADMIN_PARTNER,
    )
    fail(db, three.message, three.partners[0], "exception", "unknown")
    db.sql(
        "UPDATE mail_notification SET notification_status = 'sent', author_id = :a "
        "WHERE mail_message_id = :m AND res_partner_id = :p",
        a=ADMIN_PARTNER,
        m=three.message,
        p=three.partners[1],
    )
    fail(db, three.message, three.partners[2], "exception" if version == 16 else "bounce", None)
    if version > 16:
        fail(db, three.message, three.partners[2], "bounce", "mail_bounce")
    gone = add_mail(
        db,
        partners=(("Dee", "not-an-address"),),
        state="exception",
        model="res.partner",
        res_id=ADMIN_PARTNER,
    )
    fail(db, gone.message, gone.partners[0], "exception", "mail_email_invalid")
    db.sql(
        "UPDATE mail_notification SET mail_mail_id = NULL WHERE mail_message_id = :m",
        m=gone.message,
    )
    db.sql("DELETE FROM mail_mail_res_partner_rel WHERE mail_mail_id = :i", i=gone.id)
    db.sql("DELETE FROM mail_mail WHERE id = :i", i=gone.id)
    # not envelopes: an ignored failure, a user notification, a message on no record
    ignored = add_mail(db, partners=(("Eve", "eve@x.example"),), state="exception")
    db.sql(
        "UPDATE mail_notification SET notification_status = 'canceled' WHERE mail_message_id = :m",
        m=ignored.message,
    )
    for kind_of in ("user_notification", "no record"):
        other = add_mail(db, partners=(("Fay", "fay@x.example"),), state="exception")
        fail(db, other.message, other.partners[0], "exception", "mail_smtp")
        if kind_of == "user_notification":
            db.sql(
                "UPDATE mail_message SET message_type = 'user_notification' WHERE id = :m",
                m=other.message,
            )
        else:
            db.sql(
                "UPDATE mail_message SET model = NULL, res_id = 0 WHERE id = :m", m=other.message
            )
    return Scene(db, three.message, gone.message, three.partners)


def test_counts_are_the_systrays(scene: Scene) -> None:
    counts = scene.db.backend().envelope_counts()
    assert (counts.messages, counts.notifications, counts.mail_gone) == (2, 3, 1)
    assert counts.bounced == (0 if scene.db.version == 16 else 1)
    assert [(partner, messages) for partner, _, messages in counts.by_author] == [
        (ADMIN_PARTNER, 2)
    ]


def test_retry_knows_which_mails_already_reached_someone(scene: Scene) -> None:
    smtp_failed_mail = int(
        scene.db.one("SELECT id FROM mail_mail WHERE mail_message_id = :m", m=scene.smtp_failed)[0]
    )
    backend = scene.db.backend()
    assert backend.already_delivered([smtp_failed_mail]) == (1, 1)  # Bob got it
    assert backend.already_delivered([smtp_failed_mail, 999999]) == (1, 1)
    assert backend.already_delivered([]) == (0, 0)


def test_each_envelope_names_its_record_and_failed_recipients_in_odoos_words(
    scene: Scene,
) -> None:
    page = scene.db.backend().envelopes(limit=10)
    assert [e.message_id for e in page.rows] == [scene.address_gone, scene.smtp_failed]
    assert not page.has_more
    gone, smtp = page.rows
    assert (gone.mail_exists, smtp.mail_exists) == (False, True)
    assert [(r.name, r.status, r.words, r.mail_state) for r in gone.recipients] == [
        ("Dee", "exception", "Invalid email address", None)
    ]
    bounced = "exception" if scene.db.version == 16 else "bounce"
    words = "Unknown error" if scene.db.version == 16 else "Bounce"
    assert [(r.name, r.status, r.words, r.mail_state) for r in smtp.recipients] == [
        ("Ann", "exception", "Unknown error: 550 5.1.1 no such user", "exception"),
        ("Cy", bounced, words, "exception"),
    ]
    assert smtp.model == "res.partner" and smtp.record_name  # 19: read from the record
    first = scene.db.backend().envelopes(limit=1)
    assert first.has_more and first.rows[0].message_id == scene.address_gone
    rest = scene.db.backend().envelopes(before_id=scene.address_gone, limit=1)
    assert [e.message_id for e in rest.rows] == [scene.smtp_failed] and not rest.has_more


def test_the_cli_lists_them_and_status_counts_them(scene: Scene) -> None:
    listed = run_cli("envelopes", "--json", "--db", scene.db.url)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["message_id"] for r in rows] == [scene.address_gone, scene.smtp_failed]
    assert rows[0]["recipients"][0]["failure"] == "Invalid email address"
    assert rows[0]["mail_exists"] is False
    status = json.loads(run_cli("status", "--json", "--db", scene.db.url).stdout)
    assert status["envelopes"]["messages"] == 2
    assert status["envelopes"]["without_mail_row"] == 1
    text = run_cli("status", "--db", scene.db.url).stdout
    assert re.search(r"^Red envelopes +2 messages \(3 failed recipients, ", text, re.MULTILINE)


def test_ignore_by_message_turns_them_white_even_without_a_mail_row_and_undo_restores(
    scene: Scene, tmp_path: Path
) -> None:
    db = scene.db
    journal = str(tmp_path / "journal.jsonl")
    common = ("--yes", "--db", db.url, "--journal", journal)
    before = db.sql("SELECT id, notification_status FROM mail_notification ORDER BY id")
    done = run_cli("ignore", "--messages", str(scene.address_gone), "999999", *common)
    assert done.returncode == 1, done.stderr  # one message had nothing to ignore
    assert done.stdout.startswith("Ignored the failures of 1 message (1 failed notification")
    assert db.backend().envelope_counts().messages == 1
    assert db.one(
        "SELECT notification_status FROM mail_notification WHERE mail_message_id = :m",
        m=scene.address_gone,
    ) == ("canceled",)
    if db.version >= 17:  # Odoo's bus row for the open chatters (docs/odoo-bus.md)
        assert db.one("SELECT count(*) FROM bus_bus")[0] >= 1
    undone = run_cli("undo", *common)
    assert undone.returncode == 0 and "Undid 1 failed notification" in undone.stdout
    assert db.sql("SELECT id, notification_status FROM mail_notification ORDER BY id") == before
    everything = run_cli("ignore", "--all-envelopes", *common)
    assert everything.returncode == 0, everything.stderr
    assert db.backend().envelope_counts().messages == 0


def test_ignore_by_message_refuses_mail_filters(scene: Scene, tmp_path: Path) -> None:
    wrong = run_cli(
        "ignore", "--messages", "--all-failed", "--yes", "--db", scene.db.url,
        "--journal", str(tmp_path / "j.jsonl"),
    )  # fmt: skip
    assert wrong.returncode == 2 and "message ids, not mail filters" in wrong.stderr


def test_the_failed_list_marks_mails_whose_envelope_was_ignored_or_resent(
    scene: Scene, tmp_path: Path
) -> None:
    from console.backends.base import MailQuery

    db = scene.db
    ignored = add_mail(db, partners=(("Gil", "gil@x.example"),), state="exception")
    fail(db, ignored.message, ignored.partners[0], "exception", "mail_smtp")
    resent = add_mail(db, partners=(("Hal", "hal@x.example"),), state="exception")
    fail(db, resent.message, resent.partners[0], "exception", "mail_smtp")
    # Send & close: a new mail for the failed recipient, the notification points to it
    newer = add_mail(db, partners=(("Ida", "ida@x.example"),), state="sent")
    db.sql(
        "UPDATE mail_notification SET mail_mail_id = :n, notification_status = 'sent' "
        "WHERE mail_message_id = :m",
        n=newer.id,
        m=resent.message,
    )
    journal = str(tmp_path / "journal.jsonl")
    done = run_cli("ignore", "--messages", str(ignored.message), "--yes", "--db", db.url,
                   "--journal", journal)  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = db.backend().mail_page(MailQuery(states=("exception",), limit=1000))
    marks = {m.id: m.chatter for m in page.rows}
    assert marks[ignored.id] == "ignored"
    assert marks[resent.id] == "resent"
    smtp_failed = int(
        db.one("SELECT id FROM mail_mail WHERE mail_message_id = :m", m=scene.smtp_failed)[0]
    )
    assert marks[smtp_failed] is None  # still red: one recipient failed, one bounced
    listed = json.loads(run_cli("mails", "--state", "failed", "--json", "--db", db.url).stdout)
    assert {m["id"]: m["chatter"] for m in listed}[ignored.id] == "ignored"
