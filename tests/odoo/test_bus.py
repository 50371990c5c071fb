"""The bus rows of Ignore all on SQLite (the sample's shape, Odoo 16-19): who is told, in
which format, in the action's transaction; a database without bus_bus still ignores.

Real Odoo's own rows are compared in tests/real_odoo/test_bus.py; docs/odoo-bus.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.odoo import bus
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.odoo_dbs import build_sqlite
from tests.helpers.db import rows

VERSIONS = (16, 17, 18, 19)
ADMIN_PARTNER = 3  # base.partner_admin: an active internal user's partner
ROOT_PARTNER = 2  # the superuser's (uid 1) partner: the acting user by default


@pytest.fixture(params=VERSIONS, ids=[f"odoo{v}" for v in VERSIONS])
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return build_sqlite(tmp_path, int(request.param))


@pytest.fixture
def backend(sqlite_url: str) -> Iterator[SqlBackend]:
    opened = open_backend(ConnectionSettings(db_url=sqlite_url))
    yield opened
    opened.close()


def admin_failures(url: str, count: int) -> dict[int, int]:
    """Failed mails (mail id -> message id) of contact messages written by the admin,
    whose e-mail notifications Ignore all cancels."""
    found = rows(
        url,
        "SELECT m.id, m.mail_message_id FROM mail_mail m JOIN mail_message g "
        "ON g.id = m.mail_message_id WHERE g.author_id = :author AND g.model = 'res.partner' "
        "AND EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_message_id = g.id AND "
        "n.notification_type = 'email' AND n.notification_status IN ('exception', 'bounce')) "
        "ORDER BY m.id LIMIT :count",
        author=ADMIN_PARTNER,
        count=count,
    )
    assert len(found) == count, "the sample has fewer admin failures than the test needs"
    return {int(r[0]): int(r[1]) for r in found}


def message_ids(version: int, message: dict[str, Any]) -> list[int]:
    payload = message["payload"]
    if version <= 17:
        return [e["id"] for e in payload["elements"]]
    return [m["id"] for m in payload["mail.message"]]


def statuses(version: int, message: dict[str, Any]) -> dict[int, str]:
    payload = message["payload"]
    if version <= 17:
        return {
            n["id"]: n["notification_status"]
            for e in payload["elements"]
            for n in e["notifications"]
        }
    return {n["id"]: n["notification_status"] for n in payload["mail.notification"]}


def test_ignore_tells_the_acting_user_and_the_author(
    backend: SqlBackend, sqlite_url: str, tmp_path: Path
) -> None:
    version = backend.version.major
    targets = admin_failures(sqlite_url, 2)
    outcome = Operator(backend, Journal(tmp_path / "j.jsonl")).ignore(list(targets))
    assert sorted(outcome.applied) == sorted(targets)
    written = rows(sqlite_url, "SELECT channel, message, create_uid, create_date FROM bus_bus")
    assert outcome.details["bus_rows"] == len(written) == 2
    by_partner = {json.loads(r[0])[2]: json.loads(r[1]) for r in written}
    assert sorted(by_partner) == [ROOT_PARTNER, ADMIN_PARTNER]
    for channel, _, uid, created in written:
        assert json.loads(channel)[:2] == [backend.info.name, "res.partner"]
        assert uid == 1 and created is not None
    kind = "mail.message/notification_update" if version <= 17 else "mail.record/insert"
    canceled = {
        int(r[0])
        for r in rows(
            sqlite_url,
            "SELECT id FROM mail_notification WHERE notification_status = 'canceled' "
            "AND mail_message_id IN (:a, :b)",
            a=min(targets.values()),
            b=max(targets.values()),
        )
    }
    assert canceled and set(outcome.notifications) <= canceled
    for message in by_partner.values():
        assert message["type"] == kind
        assert message_ids(version, message) == sorted(set(targets.values()))
        shown = statuses(version, message)
        assert {n: shown[n] for n in outcome.notifications} == dict.fromkeys(
            outcome.notifications, "canceled"
        )
    assert outcome.details["bus_channels"] == [json.loads(r[0]) for r in written]


def test_nothing_to_ignore_writes_no_bus_row(
    backend: SqlBackend, sqlite_url: str, tmp_path: Path
) -> None:
    target = admin_failures(sqlite_url, 1)
    operator = Operator(backend, Journal(tmp_path / "j.jsonl"))
    operator.ignore(list(target))
    before = rows(sqlite_url, "SELECT count(*) FROM bus_bus")[0][0]
    again = operator.ignore(list(target))  # nothing failed any more: no change to announce
    assert not again.applied
    assert rows(sqlite_url, "SELECT count(*) FROM bus_bus")[0][0] == before == 2


def test_without_bus_bus_the_ignore_is_done_and_says_so(sqlite_url: str, tmp_path: Path) -> None:
    rows(sqlite_url, "DROP TABLE bus_bus")
    backend = open_backend(ConnectionSettings(db_url=sqlite_url))
    try:
        target = admin_failures(sqlite_url, 1)
        outcome = Operator(backend, Journal(tmp_path / "j.jsonl")).ignore(list(target))
    finally:
        backend.close()
    assert list(outcome.applied) == list(target)
    assert bus.NO_BUS in outcome.message()
    assert outcome.notifications


def test_notify_payloads_split_as_odoo_does() -> None:
    """``get_notify_payloads``: halves while a payload reaches 8000 bytes."""
    channels = [("a-database-name", "res.partner", i) for i in range(1000)]
    payloads = bus.notify_payloads(channels)
    assert len(payloads) > 1
    assert all(len(p.encode()) < bus.NOTIFY_PAYLOAD_MAX_LENGTH for p in payloads)
    assert [tuple(c) for p in payloads for c in json.loads(p)] == channels
    assert bus.notify_payloads(channels[:1]) == ['[["a-database-name","res.partner",0]]']
    assert bus.notify_payloads([]) == []
