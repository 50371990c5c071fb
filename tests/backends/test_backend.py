"""The SQL backend against real Odoo-shaped databases: SQLite and PostgreSQL, Odoo 16 to 19.

Every expectation is recomputed here with plain SQL, independently of the backend's queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.base import MailQuery
from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.domain.models import MailRow
from testkit.odoo_dbs import VERSIONS
from tests.helpers.db import OdooDatabases

CASES = [(engine, version) for engine in ("sqlite", "pg") for version in VERSIONS]


@pytest.fixture(params=CASES, ids=[f"{e}-odoo{v}" for e, v in CASES])
def case(
    request: pytest.FixtureRequest, odoo_databases: OdooDatabases
) -> Iterator[tuple[str, int, str]]:
    engine, version = request.param
    yield engine, version, odoo_databases.get(engine, version)


@pytest.fixture
def backend(case: tuple[str, int, str]) -> Iterator[SqlBackend]:
    opened = open_backend(ConnectionSettings(db_url=case[2]))
    yield opened
    opened.close()


def raw(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), params))
    finally:
        engine.dispose()


def test_version_is_detected(backend: SqlBackend, case: tuple[str, int, str]) -> None:
    assert backend.info.odoo_version == case[1]
    assert backend.info.odoo_version_label == f"{case[1]}.0"
    assert backend.info.notes == ()
    assert backend.info.has_mass_mailing


def test_counts_match_sql(backend: SqlBackend, case: tuple[str, int, str]) -> None:
    expected = {
        row[0]: row[1]
        for row in raw(case[2], "SELECT state, count(*) FROM mail_mail GROUP BY state")
    }
    assert backend.status().counts == expected
    assert set(expected) >= {"outgoing", "sent", "exception", "cancel"}


def test_keyset_pages_cover_every_failed_mail_once(
    backend: SqlBackend, case: tuple[str, int, str]
) -> None:
    expected = [
        r[0]
        for r in raw(case[2], "SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id DESC")
    ]
    seen: list[int] = []
    before = None
    while True:
        page = backend.mail_page(MailQuery(states=("exception",), before_id=before, limit=7))
        seen.extend(m.id for m in page.rows)
        assert all(m.state == "exception" for m in page.rows)
        if not page.has_more:
            break
        before = page.rows[-1].id
    assert seen == expected


def test_failure_order_pages_cover_every_failed_mail_once(
    backend: SqlBackend, case: tuple[str, int, str]
) -> None:
    """The Failed list's order, newest failure second then id, recomputed in plain SQL
    (each engine's own way to cut a time to the second), paged 7 at a time."""
    second = (
        "substr(write_date, 1, 19)" if case[0] == "sqlite" else "date_trunc('second', write_date)"
    )
    expected = [
        r[0]
        for r in raw(
            case[2],
            f"SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY {second} DESC, id DESC",
        )
    ]
    assert expected != sorted(expected, reverse=True)  # not the id order in this data
    seen: list[int] = []
    query = MailQuery(states=("exception",), limit=7, by_failure=True)
    while True:
        page = backend.mail_page(query)
        seen.extend(m.id for m in page.rows)
        if not page.has_more:
            break
        last = page.rows[-1]
        query = MailQuery(
            states=("exception",), limit=7, by_failure=True, before_id=last.id,
            before_at=last.failed_at,
        )  # fmt: skip
    assert seen == expected
    assert backend.count_mails(MailQuery(states=("exception",))) == len(expected)


def test_after_id_pages_back_towards_the_newest(
    backend: SqlBackend, case: tuple[str, int, str]
) -> None:
    ids = [r[0] for r in raw(case[2], "SELECT id FROM mail_mail ORDER BY id DESC")]
    pivot = ids[20]
    page = backend.mail_page(MailQuery(after_id=pivot, limit=5))
    assert [m.id for m in page.rows] == ids[15:20]
    assert page.has_more


def test_text_filter_matches_addresses_subjects_and_reasons(
    backend: SqlBackend, case: tuple[str, int, str]
) -> None:
    everything = backend.mail_page(MailQuery(limit=1000)).rows
    for needle in ("535", "acme", "S0", "relay"):
        got = backend.mail_page(MailQuery(text=needle, limit=1000)).rows
        assert got, needle
        expected = {m.id for m in everything if needle.lower() in searchable(m)}
        assert {m.id for m in got} == expected, needle
        assert backend.count_mails(MailQuery(text=needle)) == len(got)


def searchable(mail: MailRow) -> str:
    """What the filter promises to search, lowered: addresses, subject, document, reason."""
    fields = (mail.email_to, mail.email_from, mail.subject, mail.record_name, mail.failure_reason)
    partners = " ".join(f"{r.name or ''} {r.email or ''}" for r in mail.recipients)
    return (" ".join(str(v or "") for v in fields) + " " + partners).lower()


@pytest.mark.parametrize("window", [1, 7, 60, 100_000])
def test_text_pages_walk_the_window_then_the_rest_without_gap_or_repeat(
    backend: SqlBackend, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text page searches the newest TEXT_WINDOW mails row by row, then the rest with
    the hashed form: paged either way, the matches come out all, once, in order."""
    from console.backends import sql

    monkeypatch.setattr(sql, "TEXT_WINDOW", window)
    everything = backend.mail_page(MailQuery(limit=1000)).rows
    assert len(everything) < 1000
    for needle, states in (("535", ()), ("acme", ()), ("S0", ("exception",)), ("relay", ())):
        expected = [
            m.id
            for m in everything
            if needle.lower() in searchable(m) and (not states or m.state in states)
        ]
        assert len(expected) >= 3, needle
        seen: list[int] = []
        before = None
        while True:
            page = backend.mail_page(
                MailQuery(states=states, text=needle, before_id=before, limit=4)
            )
            seen.extend(m.id for m in page.rows)
            if not page.has_more:
                break
            before = page.rows[-1].id
        assert seen == expected, (needle, window)
        # Paging back towards the newest from the oldest match: the 2 newer ones.
        page = backend.mail_page(
            MailQuery(states=states, text=needle, after_id=expected[-1], limit=2)
        )
        assert [m.id for m in page.rows] == expected[-3:-1], (needle, window)
        # Both bounds at once (a refresh of a window of the list).
        low = min(len(expected) - 1, 12)
        page = backend.mail_page(
            MailQuery(
                states=states, text=needle, before_id=expected[0], after_id=expected[low], limit=50
            )
        )
        assert [m.id for m in page.rows] == expected[1:low], (needle, window)


@pytest.mark.parametrize("ids_page", [3, 100_000])
def test_select_all_ids_are_the_listed_ones(
    backend: SqlBackend, ids_page: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mail_ids` (ids only, keyset pages of IDS_PAGE) lists what the pages list."""
    from console.backends import sql

    monkeypatch.setattr(sql, "IDS_PAGE", ids_page)
    for states, needle in ((("exception",), ""), ((), "acme"), (("exception",), "S0"), ((), "")):
        listed = [
            m.id for m in backend.mail_page(MailQuery(states=states, text=needle, limit=1000)).rows
        ]
        assert len(listed) >= 3
        assert backend.mail_ids(MailQuery(states=states, text=needle), 1_000_000) == listed
        assert backend.mail_ids(MailQuery(states=states, text=needle), 7) == listed[:7]
        below = MailQuery(states=states, text=needle, before_id=listed[2])
        assert backend.mail_ids(below, 1_000_000) == listed[3:]


def test_filter_wildcards_are_literal(backend: SqlBackend) -> None:
    everything = backend.mail_page(MailQuery(limit=1000)).rows
    for needle in ("%", "_"):
        got = {m.id for m in backend.mail_page(MailQuery(text=needle, limit=1000)).rows}
        assert got == {m.id for m in everything if needle in searchable(m)}


def test_detail_has_headers_notifications_and_full_reason(
    backend: SqlBackend, case: tuple[str, int, str]
) -> None:
    mail_id, message_id, reason = raw(
        case[2],
        "SELECT m.id, m.mail_message_id, m.failure_reason FROM mail_mail m "
        "WHERE m.state = 'exception' AND EXISTS (SELECT 1 FROM mail_notification n "
        "WHERE n.mail_mail_id = m.id) ORDER BY m.id DESC LIMIT 1",
    )[0]
    detail = backend.mail_detail(mail_id)
    assert detail is not None
    assert detail.mail.id == mail_id
    assert detail.failure_reason_full == reason
    expected = raw(
        case[2],
        "SELECT id, notification_status FROM mail_notification "
        "WHERE mail_message_id = :m ORDER BY id",
        m=message_id,
    )
    assert [(n.id, n.status) for n in detail.notifications] == [(r[0], r[1]) for r in expected]
    assert any(n.status == "exception" for n in detail.notifications)
    assert detail.message_id
    assert backend.mail_detail(10**9) is None


def test_crons_flag_the_overdue_queue_manager(
    backend: SqlBackend, case: tuple[str, int, str]
) -> None:
    crons = {c.name: c for c in backend.crons()}
    queue = crons["Mail: Email Queue Manager"]  # 16 stores the name as jsonb: read as text
    assert queue.xml_id == "mail.ir_cron_mail_scheduler_action"
    assert queue.active and queue.overdue and queue.is_mail_related
    assert queue.interval_type == "hours"
    if case[1] >= 18:
        assert any(c.failure_count for c in crons.values())
    else:
        assert all(c.failure_count is None for c in crons.values())
    if case[0] == "sqlite":
        assert all(c.running is None for c in crons.values())
    else:
        assert all(c.running is False for c in crons.values())


def test_campaigns_in_odoo_cron_order_with_the_stuck_head(
    backend: SqlBackend, case: tuple[str, int, str]
) -> None:
    campaigns = backend.campaigns()
    due = [c for c in campaigns if c.due]
    assert len(due) >= 3
    assert due[0].is_head and due[0].state == "sending" and due[0].position == 1
    assert not any(c.is_head for c in campaigns[1:])
    dates = [c.calendar_date for c in due if c.calendar_date is not None]
    assert dates == sorted(dates, reverse=True)
    traces = raw(
        case[2], "SELECT count(*) FROM mailing_trace WHERE mass_mailing_id = :m", m=due[0].id
    )[0][0]
    assert due[0].traces == traces > 0


def test_read_only_session_cannot_write(case: tuple[str, int, str]) -> None:
    backend = open_backend(ConnectionSettings(db_url=case[2], read_only=True))
    try:
        assert backend.info.read_only
        with backend.engine.connect() as connection, pytest.raises(Exception) as raised:
            connection.execute(text("UPDATE mail_mail SET state = 'cancel' WHERE id = -1"))
            connection.commit()
        assert "read" in str(raised.value).lower()
    finally:
        backend.close()


def _crowd(url: str, partners: int) -> int:
    """Give the newest failed mail `partners` extra partners; returns its id."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            mail_id = connection.execute(
                text("SELECT max(id) FROM mail_mail WHERE state = 'exception'")
            ).scalar_one()
            start = connection.execute(text("SELECT max(id) FROM res_partner")).scalar_one() + 1
            for i in range(partners):
                connection.execute(
                    text(
                        "INSERT INTO res_partner (id, name, email, active, type) "
                        "VALUES (:id, :name, :email, TRUE, 'contact')"
                    ),
                    {"id": start + i, "name": f"Crowd {i}", "email": f"crowd{i}@crowd.example"},
                )
                connection.execute(
                    text(
                        "INSERT INTO mail_mail_res_partner_rel (mail_mail_id, res_partner_id) "
                        "VALUES (:mail, :partner)"
                    ),
                    {"mail": mail_id, "partner": start + i},
                )
        return int(mail_id)
    finally:
        engine.dispose()


@pytest.mark.parametrize("engine_name", ["sqlite", "pg"])
def test_pages_carry_each_mails_first_partners_and_their_count(
    engine_name: str, tmp_path: Any, request: pytest.FixtureRequest
) -> None:
    """The recipients of a page (one array parameter on PostgreSQL, an IN on SQLite): the
    first 20 partners by id of every mail and how many it has, as plain SQL says."""
    from testkit.odoo_dbs import build_postgres, build_sqlite

    if engine_name == "sqlite":
        url = build_sqlite(tmp_path, 17)
    else:
        url = build_postgres(request.getfixturevalue("pg_db_factory")(), 17)
    crowd = _crowd(url, 45)
    pairs = raw(url, "SELECT mail_mail_id, res_partner_id FROM mail_mail_res_partner_rel")
    partners_of: dict[int, list[int]] = {}
    for mail_id, partner_id in pairs:
        partners_of.setdefault(int(mail_id), []).append(int(partner_id))
    opened = open_backend(ConnectionSettings(db_url=url))
    try:
        seen = 0
        for states in (("exception",), ()):
            for mail in opened.mail_page(MailQuery(states=states, limit=200)).rows:
                expected = sorted(partners_of.get(mail.id, []))
                assert [r.partner_id for r in mail.recipients] == expected[:20]
                assert mail.recipient_count == len(expected)
                seen += bool(expected)
        assert seen > 50
        crowded = opened.mail_page(MailQuery(states=("exception",), limit=1)).rows[0]
        assert crowded.id == crowd and crowded.recipient_count >= 45
        assert len(crowded.recipients) == 20
        detail = opened.mail_detail(crowd)
        assert detail is not None and len(detail.mail.recipients) == crowded.recipient_count
    finally:
        opened.close()
