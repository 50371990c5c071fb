"""Bounces on SQLite and PostgreSQL (docs/odoo-bounces.md): the bounced notifications and
traces, the records with the most bounces, the rates (last 24h/7d, per day, per campaign
with each version's Odoo ratio), and reset-bounce with its journal and undo."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from console.domain.timefmt import utcnow_naive
from tests.helpers.cli import run_cli
from tests.helpers.db import Db
from tests.helpers.mails import add_mail

KINDS_AND_VERSIONS = [("sqlite", 16), ("sqlite", 19), ("pg", 17), ("pg", 18)]
# A moment after every generated row: the windows hold only this test's rows.
NOW = (utcnow_naive() + timedelta(days=400)).replace(microsecond=0)


@dataclass
class Scene:
    db: Db
    recent: int  # message 2h ago: 2 sent, 1 bounced (Ann), 1 exception
    older: int  # message 3 days ago: 1 bounced (Bob), 1 still ready
    oldest: int  # message 10 days ago: 1 bounced (Cy)
    mailing: int  # 5 sent, 2 bounced, 1 canceled, 1 error, 1 outgoing traces
    ann: int  # partner, 3 bounces
    archived: int  # archived partner with Ann's address, 5 bounces
    contact: int | None  # mailing contact with Ann's address, 2 bounces


def _message(
    db: Db, when: datetime, statuses: list[str], names: list[str]
) -> tuple[int, list[int]]:
    mail = add_mail(
        db,
        partners=tuple((n, f"{n.lower()}@x.example") for n in names),
        state="sent",
        model="res.partner",
        res_id=3,
    )
    db.sql("UPDATE mail_message SET date = :d WHERE id = :m", d=when, m=mail.message)
    for partner, status in zip(mail.partners, statuses, strict=True):
        db.sql(
            "UPDATE mail_notification SET notification_status = :s, failure_type = :t "
            "WHERE mail_message_id = :m AND res_partner_id = :p",
            s=status,
            t="mail_bounce" if status == "bounce" and db.version >= 17 else None,
            m=mail.message,
            p=partner,
        )
        db.sql(
            "UPDATE res_partner SET email_normalized = email WHERE id = :p",
            p=partner,
        )
    return mail.message, mail.partners


def _traces(db: Db, mailing: int) -> None:
    db.sql("DELETE FROM mailing_trace WHERE mass_mailing_id = :m", m=mailing)
    sent = NOW - timedelta(hours=1)
    for number, status in enumerate(
        ["sent"] * 5 + ["bounce"] * 2 + ["cancel", "error", "outgoing"], start=1
    ):
        db.insert(
            "mailing_trace",
            trace_type="mail",
            email=f"t{number}@y.example",
            model="mailing.contact",
            res_id=number,
            mass_mailing_id=mailing,
            trace_status=status,
            sent_datetime=sent if status in ("sent", "bounce") else None,
            create_uid=1,
            create_date=sent,
            write_uid=1,
            write_date=sent + timedelta(minutes=5),
        )


@pytest.fixture(params=KINDS_AND_VERSIONS, ids=lambda p: f"{p[0]}-{p[1]}")
def scene(request: pytest.FixtureRequest, make_db: Callable[[str, int], Db]) -> Scene:
    kind, version = request.param
    db = make_db(kind, version)
    # the generated scenario's own bounces are not this test's
    db.sql("UPDATE mail_notification SET notification_status = 'sent' "
           "WHERE notification_status = 'bounce'")  # fmt: skip
    db.sql("UPDATE mailing_trace SET trace_status = 'sent' WHERE trace_status = 'bounce'")
    db.sql("UPDATE res_partner SET message_bounce = 0")
    # oldest first: ids grow with time, as in Odoo (the windows bisect on the id)
    oldest, _ = _message(db, NOW - timedelta(days=10), ["bounce"], ["Cy"])
    older, _ = _message(db, NOW - timedelta(days=3), ["bounce", "ready"], ["Bob", "Gus"])
    recent, (ann, _, _, _) = _message(
        db,
        NOW - timedelta(hours=2),
        ["bounce", "sent", "sent", "exception"],
        ["Ann", "Dan", "Eve", "Fay"],
    )
    db.sql("UPDATE res_partner SET message_bounce = 3 WHERE id = :p", p=ann)
    archived = db.insert(
        "res_partner", name="Ann (old)", email="ann@x.example", email_normalized="ann@x.example",
        message_bounce=5, active=False, type="contact",
    )  # fmt: skip
    mailing = int(db.one("SELECT min(id) FROM mailing_mailing")[0])
    _traces(db, mailing)
    contact = None
    if "message_bounce" in db.columns("mailing_contact"):
        db.sql("UPDATE mailing_contact SET message_bounce = 0")
        contact = int(db.one("SELECT min(id) FROM mailing_contact")[0])
        db.sql(
            "UPDATE mailing_contact SET message_bounce = 2, email = 'Ann@X.example', "
            "email_normalized = 'ann@x.example' WHERE id = :c",
            c=contact,
        )
    return Scene(db, recent, older, oldest, mailing, ann, archived, contact)


def test_rates_count_accepted_mails_in_each_window(scene: Scene) -> None:
    overview = scene.db.backend().bounce_overview(days=14, limit=10, now=NOW)
    # 24h: the recent message (3 accepted, 1 bounced) + 7 traces sent, 2 bounced
    assert (overview.last_24h.sent, overview.last_24h.bounced) == (10, 3)
    # 7 days: + the older message's bounce (its ready notification is not sent yet)
    assert (overview.last_7d.sent, overview.last_7d.bounced) == (11, 4)
    assert overview.last_7d.rate == pytest.approx(4 / 11)
    assert len(overview.days) == 14 and overview.days[-1].label == NOW.date().isoformat()
    by_day = {d.label: (d.sent, d.bounced) for d in overview.days}
    assert by_day[(NOW - timedelta(days=10)).date().isoformat()] == (1, 1)
    assert by_day[(NOW - timedelta(days=3)).date().isoformat()] == (1, 1)
    assert sum(d.sent for d in overview.days) == 12


def test_windows_start_at_a_bisected_id(scene: Scene) -> None:
    """No index on mail_message.date: the window starts at the first id dated after its
    start minus two days, found by bisecting the primary key."""
    from sqlalchemy import create_engine

    from console.odoo.bounces import first_id_since

    engine = create_engine(scene.db.url)
    try:
        with engine.connect() as connection:
            week = first_id_since(connection, "mail_message", "date", NOW - timedelta(days=7))
            fortnight = first_id_since(connection, "mail_message", "date", NOW - timedelta(days=14))
            later = first_id_since(connection, "mail_message", "date", NOW + timedelta(days=9))
            top = connection.exec_driver_sql("SELECT max(id) FROM mail_message").scalar()
    finally:
        engine.dispose()
    assert week == scene.older  # the 10-day-old message is before NOW - 9 days
    assert fortnight == scene.oldest
    assert later == int(top) + 1  # nothing that recent: the window reads no row


def test_campaign_ratio_is_odoos_for_the_version(scene: Scene) -> None:
    overview = scene.db.backend().bounce_overview(days=1, limit=50, now=NOW)
    mine = next(c for c in overview.campaigns if c.mailing_id == scene.mailing)
    assert (mine.expected, mine.canceled, mine.failed, mine.bounced) == (10, 1, 1, 2)
    if scene.db.version >= 19:  # bounced / (expected - canceled - failed)
        assert (mine.denominator, mine.ratio) == (8, 25.0)
    elif scene.db.version == 16:  # an integer field: 22.2 is stored as 22
        assert (mine.denominator, mine.ratio) == (9, 22.0)
    else:
        assert (mine.denominator, mine.ratio) == (9, 22.22)
    ids = [c.mailing_id for c in overview.campaigns]
    assert ids == sorted(ids, reverse=True)


def test_most_bounced_records_leave_archived_partners_out(scene: Scene) -> None:
    overview = scene.db.backend().bounce_overview(days=1, limit=10, now=NOW)
    top = [(c.model, c.record_id, c.bounces) for c in overview.counters]
    assert top[0] == ("res.partner", scene.ann, 3)
    assert all(c.record_id != scene.archived or c.model != "res.partner" for c in overview.counters)
    if scene.contact is not None:
        assert ("mailing.contact", scene.contact, 2) in top and overview.contacts_readable
    backend = scene.db.backend()
    first = backend.bounce_counters("res.partner", limit=1)
    assert [c.record_id for c in first] == [scene.ann]
    rest = backend.bounce_counters("res.partner", after=(3, scene.ann), limit=10)
    assert scene.ann not in [c.record_id for c in rest]


def test_bounced_lists_are_keyset_pages(scene: Scene) -> None:
    backend = scene.db.backend()
    page = backend.bounced_notifications(limit=2)
    assert page.has_more and len(page.rows) == 2
    messages = [getattr(r, "message_id", None) for r in page.rows]
    assert messages == [scene.recent, scene.older]  # newest notification first
    rest = backend.bounced_notifications(before_id=page.rows[-1].notification_id, limit=10)  # type: ignore[union-attr]
    assert [getattr(r, "message_id", None) for r in rest.rows] == [scene.oldest]
    assert not rest.has_more
    traces = backend.bounced_traces(limit=10)
    assert len(traces.rows) == 2 and not traces.has_more
    assert {getattr(t, "mailing_id", None) for t in traces.rows} == {scene.mailing}


def test_bounces_command_json(scene: Scene) -> None:
    done = run_cli("bounces", "--json", "--days", "3", "--limit", "5", "--db", scene.db.url)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert set(shown) >= {"last_24h", "last_7d", "days", "campaigns", "top", "notifications",
                          "traces", "mailing_contacts"}  # fmt: skip
    assert len(shown["days"]) == 3
    assert shown["top"][0]["id"] == scene.ann and shown["top"][0]["bounces"] == 3
    assert [n["message_id"] for n in shown["notifications"]] == [
        scene.recent, scene.older, scene.oldest
    ]  # fmt: skip
    text = run_cli("bounces", "--db", scene.db.url)
    assert text.returncode == 0 and "Most bounces" in text.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("bounces", "--days", "0"), "--days must be between"),
        (("bounces", "--limit", "100000"), "--limit must be between"),
        (("reset-bounce", "not-an-address", "--yes"), "Not one e-mail address"),
        (("reset-bounce", "a@x.example, b@x.example", "--yes"), "Not one e-mail address"),
    ],
)
def test_bad_input_is_one_line(args: tuple[str, ...], said: str, tmp_path: Path) -> None:
    done = run_cli(*args, "--db", f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert done.returncode == 2 and said in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_reset_as_odoo_then_undo(scene: Scene, tmp_path: Path) -> None:
    db = scene.db
    journal = str(tmp_path / "journal.jsonl")
    common = ("--yes", "--db", db.url, "--journal", journal)

    def state() -> list[tuple[object, ...]]:
        rows = [tuple(r) for r in db.sql(
            "SELECT id, message_bounce, write_uid, write_date FROM res_partner "
            "WHERE message_bounce > 0 OR id = :a ORDER BY id", a=scene.ann)]  # fmt: skip
        if scene.contact is not None:
            rows += [tuple(r) for r in db.sql(
                "SELECT id, message_bounce, write_uid, write_date FROM mailing_contact "
                "WHERE id = :c", c=scene.contact)]  # fmt: skip
        return rows

    before = state()
    done = run_cli("reset-bounce", "ANN@x.example", "nobody@x.example", "--json", *common)
    assert done.returncode == 1, done.stderr  # one address had nothing to reset
    report = json.loads(done.stdout)
    expected = [scene.ann] + ([scene.contact] if scene.contact is not None else [])
    assert sorted(report["applied"]) == sorted(expected)
    assert report["skipped_addresses"] == ["nobody@x.example"]
    assert db.one("SELECT message_bounce, write_uid FROM res_partner WHERE id = :p",
                  p=scene.ann) == (0, 1)  # fmt: skip
    assert db.one("SELECT message_bounce FROM res_partner WHERE id = :p",
                  p=scene.archived) == (5,)  # archived: Odoo's search leaves it  # fmt: skip
    if scene.contact is not None:
        assert db.one("SELECT message_bounce FROM mailing_contact WHERE id = :c",
                      c=scene.contact) == (0,)  # fmt: skip
    undone = run_cli("undo", *common)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.startswith(f"Undid {len(expected)} bounce counter")
    assert state() == before


def test_undo_leaves_a_counter_that_grew_again(scene: Scene, tmp_path: Path) -> None:
    db = scene.db
    common = ("--yes", "--db", db.url, "--journal", str(tmp_path / "j.jsonl"))
    assert run_cli("reset-bounce", "ann@x.example", *common).returncode == 0
    db.sql("UPDATE res_partner SET message_bounce = 1 WHERE id = :p", p=scene.ann)  # a bounce
    undone = run_cli("undo", *common)
    assert "skipped: its bounce counter changed meanwhile" in undone.stdout
    assert db.one("SELECT message_bounce FROM res_partner WHERE id = :p", p=scene.ann) == (1,)


def test_reset_is_refused_read_only(scene: Scene, tmp_path: Path) -> None:
    done = run_cli("reset-bounce", "ann@x.example", "--yes", "--read-only", "--db", scene.db.url,
                   "--journal", str(tmp_path / "j.jsonl"))  # fmt: skip
    assert done.returncode == 2 and "Read-only" in done.stderr
    assert scene.db.one("SELECT message_bounce FROM res_partner WHERE id = :p",
                        p=scene.ann) == (3,)  # fmt: skip


def test_health_check_reads_the_windows(scene: Scene) -> None:
    facts = scene.db.backend().health_facts(now=NOW)
    assert facts.bounces is not None
    assert [(w.label, w.sent, w.bounced) for w in facts.bounces] == [
        ("24h", 10, 3),
        ("7d", 11, 4),
    ]
    # 30% of 10 mails: under the default minimum sample; from 5 mails it is critical
    from console.domain.health import Status, Thresholds, check_bounces

    assert check_bounces(facts, Thresholds()).status is Status.OK
    assert check_bounces(facts, Thresholds(bounce_min_sent=5)).status is Status.CRITICAL
    wrong = run_cli(
        "check", "--db", scene.db.url, "--warn-bounce-rate", "9", "--crit-bounce-rate", "3"
    )
    assert wrong.returncode == 3 and "warn <= crit" in wrong.stdout


def test_without_mass_mailing(make_db: Callable[[str, int], Db], tmp_path: Path) -> None:
    """No mass_mailing: no mailing_contact, mailing_trace or mailing_mailing table. The
    reads say so instead of failing, and the reset writes the partners alone."""
    db = make_db("sqlite", 17)
    tables = [str(r[0]) for r in db.sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in [t for t in tables if t.startswith(("mailing_", "mail_mass_mailing"))]:
        db.sql(f'DROP TABLE "{table}"')
    partner = int(db.one("SELECT min(id) FROM res_partner WHERE email LIKE '%@%'")[0])
    db.sql(
        "UPDATE res_partner SET message_bounce = 2, email_normalized = lower(email) WHERE id = :p",
        p=partner,
    )
    address = str(db.one("SELECT email_normalized FROM res_partner WHERE id = :p", p=partner)[0])
    backend = db.backend()
    overview = backend.bounce_overview(days=2, limit=5, now=NOW)
    assert overview.contacts_readable is False and overview.campaigns == ()
    assert backend.bounced_traces(limit=5).rows == ()
    assert backend.bounce_counters("mailing.contact") == []
    shown = run_cli("bounces", "--db", db.url)
    assert shown.returncode == 0 and "mass_mailing is not installed" in shown.stdout
    done = run_cli("reset-bounce", address, "--yes", "--json", "--db", db.url,
                   "--journal", str(tmp_path / "j.jsonl"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [partner]
