"""Failures by cause grouped in SQL give exactly what the row-by-row grouping gives.

`causes()` groups the failed mails by text and server in SQL and classifies each text once;
`group_rows(backend.failed_mails())` reads and classifies every failed row (the earlier way, still
used for the support bundle's samples). Both run here on the same real databases: the
bundled sample (SQLite), every Odoo version on PostgreSQL, and generated databases made
more varied (several servers per cause, missing dates and types) so that the servers'
order, the first/last dates and the newest id of a cause are really put to the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.domain.causes import group_rows
from console.domain.classify import classify
from console.services.causes import cause_target_ids, causes, ids_for_cause
from testkit.odoo_dbs import VERSIONS, build_postgres, build_sqlite
from tests.helpers.db import OdooDatabases


@pytest.fixture
def open_db() -> Iterator[Any]:
    opened: list[SqlBackend] = []

    def open_url(url: str) -> SqlBackend:
        backend = open_backend(ConnectionSettings(db_url=url))
        opened.append(backend)
        return backend

    yield open_url
    for backend in opened:
        backend.close()


def row_by_row_ids(backend: SqlBackend, signature: str) -> list[int]:
    return [
        row.id
        for row in backend.failed_mails(page_size=7)
        if classify(row.failure_reason, row.failure_type).signature == signature
    ]


def assert_same_as_row_by_row(backend: SqlBackend) -> None:
    expected = group_rows(backend.failed_mails(page_size=7))
    got = causes(backend)
    assert len(expected) >= 5  # a grouping worth comparing
    assert got == expected  # counts, dates, servers (in order), classification, sample id
    assert [g.key for g in got] == [g.key for g in expected]
    for group in expected:
        ids = ids_for_cause(backend, group.signature)
        assert ids == row_by_row_ids(backend, group.signature)
        assert len(ids) == group.count and ids[0] == group.sample_mail_id
        assert cause_target_ids(backend, group.key) == ids
    assert ids_for_cause(backend, "SMTP 999 nothing like this") == []


def vary(url: str) -> None:
    """More servers per cause (set on the message, or chosen by From), missing dates and
    types, NULL and empty reasons."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in (
                "UPDATE mail_message SET mail_server_id = (SELECT max(id) FROM ir_mail_server) "
                "WHERE id IN (SELECT mail_message_id FROM mail_mail WHERE id % 3 = 0)",
                "UPDATE mail_message SET mail_server_id = (SELECT min(id) FROM ir_mail_server) "
                "WHERE id IN (SELECT mail_message_id FROM mail_mail WHERE id % 3 = 1)",
                "UPDATE mail_message SET mail_server_id = NULL "
                "WHERE id IN (SELECT mail_message_id FROM mail_mail WHERE id % 5 = 0)",
                "UPDATE mail_mail SET create_date = NULL WHERE id % 4 = 0",
                "UPDATE mail_mail SET write_date = NULL WHERE id % 6 = 0",
                "UPDATE mail_message SET date = NULL "
                "WHERE id IN (SELECT mail_message_id FROM mail_mail WHERE id % 8 = 0)",
                "UPDATE mail_mail SET failure_type = NULL WHERE id % 11 = 0",
                "UPDATE mail_mail SET failure_reason = NULL WHERE id % 13 = 0",
                "UPDATE mail_mail SET failure_reason = '' WHERE id % 17 = 0",
            ):
                connection.execute(text(statement))
            servers = connection.execute(text("SELECT count(*) FROM ir_mail_server")).scalar()
        assert servers and servers >= 2
    finally:
        engine.dispose()


def test_the_bundled_sample_groups_the_same(sample_path: Path, open_db: Any) -> None:
    assert_same_as_row_by_row(open_db(f"sqlite:///{sample_path}"))


def test_a_cause_without_any_date_sorts_last_instead_of_crashing(
    sample_path: Path, open_db: Any
) -> None:
    url = f"sqlite:///{sample_path}"
    backend = open_db(url)
    dated = causes(backend)
    chosen = dated[0]  # the biggest: undated, it must still come first (count first)
    ids = ids_for_cause(backend, chosen.signature)
    engine = create_engine(url)
    with engine.begin() as connection:
        for mail_id in ids:
            connection.execute(
                text("UPDATE mail_mail SET create_date = NULL, write_date = NULL WHERE id = :i"),
                {"i": mail_id},
            )
            connection.execute(
                text(
                    "UPDATE mail_message SET date = NULL WHERE id = "
                    "(SELECT mail_message_id FROM mail_mail WHERE id = :i)"
                ),
                {"i": mail_id},
            )
    engine.dispose()
    groups = causes(backend)
    assert groups == group_rows(backend.failed_mails())
    assert groups[0].signature == chosen.signature and groups[0].last_seen is None
    assert groups[0].first_seen is None and all(g.last_seen for g in groups[1:])


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_on_postgresql_groups_the_same(
    version: int, odoo_databases: OdooDatabases, open_db: Any
) -> None:
    assert_same_as_row_by_row(open_db(odoo_databases.get("pg", version)))


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
def test_a_generated_varied_postgresql_database_groups_the_same(
    pg_db_factory: Any, open_db: Any
) -> None:
    url = build_postgres(pg_db_factory(), 17, mails=20_000)
    vary(url)
    backend = open_db(url)
    assert_same_as_row_by_row(backend)
    groups = causes(backend)
    assert any(len(g.servers) >= 3 for g in groups)  # the servers' order was compared
    assert len(backend.failure_groups()) > 3 * len(groups)  # many texts per cause were merged


def test_a_generated_varied_sqlite_database_groups_the_same(tmp_path: Path, open_db: Any) -> None:
    url = build_sqlite(tmp_path, 16, mails=5_000)
    vary(url)
    assert_same_as_row_by_row(open_db(url))


def test_a_refresh_classifies_only_texts_it_has_not_seen(
    sample_path: Path, open_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two refreshes the texts rarely change: the second grouping must not
    classify them again, must give the same causes, and the memory stays bounded."""
    import console.domain.classify.known as known_module
    from console.domain.classify import KNOWN_TEXTS

    backend = open_db(f"sqlite:///{sample_path}")
    KNOWN_TEXTS.forget()
    classified_texts: list[str | None] = []

    def counting(reason: str | None, failure_type: str | None) -> Any:
        classified_texts.append(reason)
        return classify(reason, failure_type)

    monkeypatch.setattr(known_module, "classify", counting)
    first = causes(backend)
    distinct = len(classified_texts)
    assert distinct >= 10
    assert causes(backend) == first
    assert len(classified_texts) == distinct  # nothing classified twice

    engine = create_engine(f"sqlite:///{sample_path}")
    with engine.begin() as connection:  # a new failure text appears
        connection.execute(
            text(
                "UPDATE mail_mail SET failure_reason = 'SMTPDataError: 552 5.3.4 Message "
                "size exceeds fixed limit' WHERE id = (SELECT max(id) FROM mail_mail "
                "WHERE state = 'exception')"
            )
        )
    engine.dispose()
    again = causes(backend)
    assert len(classified_texts) == distinct + 1  # only the new text
    assert any("552" in group.signature for group in again)

    monkeypatch.setattr(KNOWN_TEXTS, "max_texts", 3)
    KNOWN_TEXTS.forget()
    causes(backend)
    assert len(KNOWN_TEXTS.classified) <= 3  # emptied when full, never beyond
    monkeypatch.setattr(KNOWN_TEXTS, "max_texts", 20_000)
    monkeypatch.setattr(KNOWN_TEXTS, "max_chars", 400)  # a few long texts
    KNOWN_TEXTS.forget()
    causes(backend)
    assert 0 < KNOWN_TEXTS.chars <= 400
    assert sum(len(r or "") for r, _t in KNOWN_TEXTS.classified) == KNOWN_TEXTS.chars
    KNOWN_TEXTS.forget()
