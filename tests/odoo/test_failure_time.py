"""When a mail failed, not when it was made: a failed mail's write_date is its failure
(Odoo's send writes the state and the reason), and the Failed list, the causes and the
JSON say so. On real SQLite and PostgreSQL databases of the generated Odoo shape, with
the failures written as Odoo writes them; the real Odoo twin is in
tests/real_odoo/test_failure_time.py."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time, timedelta

import pytest

from console.backends.base import MailQuery
from console.backends.sql import SqlBackend
from console.domain.mail_order import list_key
from console.domain.models import MailRow
from console.domain.timefmt import utcnow_naive
from tests.helpers.cli import run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import add_mail

TODAY = utcnow_naive().date()
CREATED = datetime.combine(TODAY, time(18, 31))
FAILED = datetime.combine(TODAY, time(18, 59, 7, 250_000))  # Odoo keeps microseconds
REASON = "535 5.7.8 Authentication failed: bad username or password"


def only_our_failures(db: Db) -> None:
    """The generated failures and queue out of the way: the test's mails are the list."""
    db.sql("UPDATE mail_mail SET state = 'cancel' WHERE state IN ('exception', 'outgoing')")


def failed_mail(
    db: Db, created: datetime, failed: datetime, *, email_from: str | None = None
) -> int:
    """A mail made at `created` that Odoo's send failed at `failed`: its message dated
    when it was made, the mail's write_date when the failure was written."""
    extra = {} if email_from is None else {"email_from": email_from}
    mail = add_mail(db, state="exception", failure_reason=REASON, **extra)
    db.sql(
        "UPDATE mail_mail SET failure_type = 'mail_smtp', create_date = :c, write_date = :f "
        "WHERE id = :id",
        c=created,
        f=failed,
        id=mail.id,
    )
    db.sql("UPDATE mail_message SET date = :c WHERE id = :m", c=created, m=mail.message)
    return mail.id


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_a_mail_made_at_1831_that_failed_at_1859_shows_1859(make_db: MakeDb, kind: str) -> None:
    db = make_db(kind, 17)
    only_our_failures(db)
    mail_id = failed_mail(db, CREATED, FAILED)
    day = TODAY.isoformat()

    mails = run_cli("mails", "--state", "failed", "--json", "--db", db.url)
    assert mails.returncode == 0, mails.stderr
    [row] = json.loads(mails.stdout)
    assert row["id"] == mail_id
    assert row["failed_at"] == f"{day}T18:59:07Z"
    assert row["date"] == f"{day}T18:31:00Z"  # the message's date keeps its meaning

    text = run_cli("mails", "--state", "failed", "--tz", "UTC", "--db", db.url).stdout
    assert "FAILED" in text and "18:59 today" in text and "18:31" not in text

    causes = run_cli("causes", "--json", "--db", db.url)
    assert causes.returncode == 0, causes.stderr
    [cause] = json.loads(causes.stdout)
    assert cause["first_seen"] == cause["last_seen"] == f"{day}T18:59:07Z"
    assert "18:59 today" in run_cli("causes", "--tz", "UTC", "--db", db.url).stdout

    detail = db.backend().mail_detail(mail_id)
    assert detail is not None
    assert detail.create_date is not None and detail.create_date.time() == time(18, 31)
    assert detail.mail.failed_at == FAILED.replace(microsecond=0)


def _pages(backend: SqlBackend, size: int, text: str = "") -> list[MailRow]:
    """The whole Failed list read `size` rows a page, newest failure first."""
    query = MailQuery(states=("exception",), text=text, limit=size, by_failure=True)
    page = backend.mail_page(query)
    rows = list(page.rows)
    while page.has_more:
        last = rows[-1]
        page = backend.mail_page(replace(query, before_id=last.id, before_at=last.failed_at))
        rows += page.rows
    return rows


def _pages_up(backend: SqlBackend, size: int, bottom: MailRow) -> list[MailRow]:
    """From the bottom row back up with `after` bounds, as the TUI reloads dropped pages."""
    rows: list[MailRow] = []
    first = bottom
    while True:
        page = backend.mail_page(
            MailQuery(
                states=("exception",), limit=size, by_failure=True,
                after_id=first.id, after_at=first.failed_at,
            )
        )  # fmt: skip
        rows = list(page.rows) + rows
        if not page.has_more or not page.rows:
            return rows
        first = page.rows[0]


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_the_failed_list_pages_newest_failure_first(make_db: MakeDb, kind: str) -> None:
    """Failure order is not the id order: an old mail retried and failed again comes
    first; failures in the same second keep the id order whatever their microseconds;
    pages of 2 in both directions give the same total order as one read."""
    db = make_db(kind, 17)
    only_our_failures(db)
    base = datetime.combine(TODAY, time(9, 0))
    offsets = [  # (seconds after `base`, microseconds) of each new mail's failure
        (50, 0), (10, 900_000), (50, 1), (30, 0), (10, 100), (90, 0), (10, 500_000),
        (30, 999_999), (0, 0),
    ]  # fmt: skip
    ids = [
        failed_mail(db, base - timedelta(hours=1), base + timedelta(seconds=s, microseconds=us))
        for s, us in offsets
    ]
    expected = [i for _, i in sorted(((offsets[n][0], i) for n, i in enumerate(ids)), reverse=True)]
    assert expected != sorted(ids, reverse=True)  # the test means something
    backend = db.backend()
    whole = backend.mail_page(MailQuery(states=("exception",), limit=100, by_failure=True))
    assert [r.id for r in whole.rows] == expected and not whole.has_more
    keys = [list_key(r, True) for r in whole.rows]
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)

    down = _pages(backend, 2)
    assert [r.id for r in down] == expected
    assert [r.id for r in _pages_up(backend, 2, down[-1])] == expected[:-1]
    assert [r.id for r in _pages(backend, 3, text="Invoice")] == expected  # the text path

    by_id = backend.mail_page(MailQuery(states=("exception",), limit=100))
    assert [r.id for r in by_id.rows] == sorted(ids, reverse=True)  # other lists: by id


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_a_red_envelope_shows_when_its_mail_failed_else_the_message_date(
    make_db: MakeDb, kind: str
) -> None:
    """mail_notification keeps no date: the failed mail row's is the best Odoo has; once
    the row is gone (auto_delete), only the message's date is left."""
    db = make_db(kind, 17)
    only_our_failures(db)
    db.sql("UPDATE mail_notification SET notification_status = 'canceled'")
    kept = add_mail(db, partners=(("Ann", "ann@example.com"),), state="exception")
    gone = add_mail(db, partners=(("Bob", "bob@example.com"),), state="exception")
    for mail in (kept, gone):
        db.sql(
            "UPDATE mail_mail SET create_date = :c, write_date = :f WHERE id = :id",
            c=CREATED, f=FAILED, id=mail.id,
        )  # fmt: skip
        db.sql("UPDATE mail_message SET date = :c WHERE id = :m", c=CREATED, m=mail.message)
        db.sql(
            "UPDATE mail_notification SET notification_status = 'exception', "
            "failure_type = 'mail_smtp' WHERE mail_message_id = :m",
            m=mail.message,
        )
    db.sql("DELETE FROM mail_mail_res_partner_rel WHERE mail_mail_id = :id", id=gone.id)
    db.sql("UPDATE mail_notification SET mail_mail_id = NULL WHERE mail_mail_id = :id", id=gone.id)
    db.sql("DELETE FROM mail_mail WHERE id = :id", id=gone.id)
    day = TODAY.isoformat()

    found = run_cli("envelopes", "--json", "--db", db.url)
    assert found.returncode == 0, found.stderr
    by_message = {e["message_id"]: e for e in json.loads(found.stdout)}
    assert by_message[kept.message]["failed_at"] == f"{day}T18:59:07Z"
    assert by_message[kept.message]["recipients"][0]["mail_failed_at"] == f"{day}T18:59:07Z"
    assert by_message[gone.message]["failed_at"] is None
    assert by_message[gone.message]["date"] == f"{day}T18:31:00Z"
    text = run_cli("envelopes", "--tz", "UTC", "--db", db.url).stdout
    assert f"#{kept.message}  18:59 today" in text and f"#{gone.message}  18:31 today" in text
