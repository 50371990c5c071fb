"""When a mail failed, and which server it went through, against real Odoo: mails made by
Odoo's ORM, then, seconds later, sent by Odoo's own ``send()`` through servers on a
closed port, so Odoo itself writes the failure. The row shows the failure in
``write_date``, seconds after ``create_date``; the console's Failed list, causes and
JSON give that time, over SQL and over Odoo's API alike; and the server the console
names for each mail is the one Odoo's own ``_split_by_mail_configuration`` chose."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from testkit.net import free_port
from tests.helpers.cli import run_cli
from tests.helpers.db import rows
from tests.real_odoo.odoo_instance import OdooInstance

MADE = """
import datetime
keys = env['res.users.apikeys'].with_user(env.ref('base.user_admin'))
if 'expiration_date' in keys._fields:
    key = keys._generate('rpc', 'console', datetime.datetime.now() + datetime.timedelta(days=1))
else:
    key = keys._generate('rpc', 'console')
Server, Mail = env['ir.mail_server'], env['mail.mail']
Server.search([]).write({'active': False})
def server(name, domain, sequence):
    return Server.create({'name': name, 'from_filter': domain, 'smtp_host': '127.0.0.1',
                          'smtp_port': args['closed'], 'smtp_encryption': 'none',
                          'sequence': sequence}).id
a, b = server('relay-a', 'a.example', 10), server('relay-b', 'b.example', 20)
def mail(subject, sender, **extra):
    return Mail.create({'subject': subject, 'email_from': sender, 'body_html': '<p>x</p>',
                        'email_to': 'to@good.example', **extra}).id
result = {'key': key, 'mails': {
    'from_a': mail('From a', '"Ann" <ann@a.example>'),
    'from_b': mail('From b', 'bea@b.example'),
    'set': mail('Server set', 'cid@a.example', mail_server_id=b),
    'none': mail('No filter matches', 'dan@c.example'),
    **{'more%d' % i: mail('More %d' % i, 'eve@a.example') for i in range(4)},
}}
"""
# Odoo's own choice of server per mail (what its send does next), then its send.
SEND = """
mails = env['mail.mail'].browse(args['ids'])
chosen = {}
for batch in mails._split_by_mail_configuration():
    for mail_id in batch[-1]:
        chosen[mail_id] = batch[0] or None
mails.send(raise_exception=False)
result = chosen
"""
GAP_S = 2.2  # between the commit that made the mails and the send that fails them


@pytest.fixture(scope="module")
def failed(odoo: OdooInstance) -> Iterator[tuple[str, dict[str, Any], dict[int, int | None]]]:
    db = odoo.new_database(f"failtime{odoo.version}")
    made: dict[str, Any] = odoo.orm(db, MADE, closed=free_port())
    time.sleep(GAP_S)
    ids = list(made["mails"].values())
    chosen = {int(k): v for k, v in odoo.orm(db, SEND, ids=ids).items()}
    yield db, made, chosen


def iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def test_odoo_writes_the_failure_in_write_date_seconds_after_creation(
    odoo: OdooInstance, failed: tuple[str, dict[str, Any], dict[int, int | None]]
) -> None:
    db, made, chosen = failed
    ids = sorted(chosen)
    found = rows(
        odoo.url(db),
        "SELECT id, state, create_date, write_date, failure_reason FROM mail_mail "
        "WHERE id = ANY(:ids) ORDER BY id",
        ids=ids,
    )
    assert [r[1] for r in found] == ["exception"] * len(ids), found
    for _, _, created, written, reason in found:
        assert written - created >= timedelta(seconds=GAP_S - 0.2), (created, written)
        assert reason  # Odoo's own words for the refused connection
    failed_at = {int(r[0]): iso(r[3]) for r in found}

    listed = run_cli("mails", "--state", "failed", "--json", "--db", odoo.url(db))
    assert listed.returncode == 0, listed.stderr
    ours = [m for m in json.loads(listed.stdout) if m["id"] in chosen]
    assert {m["id"]: m["failed_at"] for m in ours} == failed_at
    # the server named for each mail is the one Odoo's send chose
    assert {m["id"]: m["server"]["id"] for m in ours} == chosen
    mails = made["mails"]
    assert chosen[mails["set"]] != chosen[mails["from_a"]]  # two servers are in play
    assert {m["id"]: m["server"]["why"] for m in ours}[mails["set"]] == "set on the mail"

    causes = json.loads(run_cli("causes", "--json", "--db", odoo.url(db)).stdout)
    ours_causes = [c for c in causes if c["sample_mail_id"] in chosen]
    assert ours_causes, causes
    assert max(c["last_seen"] for c in ours_causes) == max(failed_at.values())
    assert {s["name"] for c in ours_causes for s in c["by_server"]} == {"relay-a", "relay-b"}


@pytest.fixture(scope="module")
def served(
    odoo: OdooInstance, failed: tuple[str, dict[str, Any], dict[int, int | None]]
) -> Iterator[str]:
    port = free_port()
    with odoo.serve(failed[0], http_port=port):
        yield f"http://127.0.0.1:{port}"


def test_over_the_api_the_failed_list_and_causes_are_the_sqls(
    odoo: OdooInstance, failed: tuple[str, dict[str, Any], dict[int, int | None]], served: str
) -> None:
    db, made, _ = failed
    for command in (("mails", "--state", "failed", "--json"), ("causes", "--json")):
        api = run_cli(
            *command, "--url", served, "--odoo-db", db, "--login", "admin",
            env={"ODOO_MAILQ_API_KEY": made["key"]},
        )  # fmt: skip
        assert api.returncode == 0, api.stderr
        sql = run_cli(*command, "--db", odoo.url(db))
        assert json.loads(api.stdout) == json.loads(sql.stdout), command


def test_the_api_pages_in_failure_order_as_sql_does(
    odoo: OdooInstance, failed: tuple[str, dict[str, Any], dict[int, int | None]], served: str
) -> None:
    """Odoo orders write_date to the microsecond but answers it to the second: with
    failures in one second whose microseconds run against their ids, pages of 1 to 3,
    down and back up, over the API are the SQL backend's (console.backends.api_failed_order).
    The times are set in SQL afterwards, the order of the failures being the point."""
    from console.backends.api import open_api_backend
    from console.backends.sql import open_backend
    from console.config.connection import ConnectionSettings

    db, made, chosen = failed
    ids = sorted(chosen)
    assert len(ids) == 8
    base = datetime(2026, 1, 5, 10, 0, 0)
    offsets = [2.9, 1.1, 2.1, 2.5, 1.9, 0.5, 2.2, 1.3]  # seconds after `base`, by id
    for mail_id, offset in zip(ids, offsets, strict=True):
        rows(
            odoo.url(db), "UPDATE mail_mail SET write_date = :at WHERE id = :id",
            at=base + timedelta(seconds=offset), id=mail_id,
        )  # fmt: skip
    expected = [
        i for _, i in sorted(((int(o), i) for o, i in zip(offsets, ids, strict=True)), reverse=True)
    ]
    assert expected[:4] == [ids[6], ids[3], ids[2], ids[0]]  # one second, by id not by time
    api = open_api_backend(served, db, "admin", made["key"], read_only=True)
    sql = open_backend(ConnectionSettings(db_url=odoo.url(db), read_only=True))
    try:
        for size in (1, 2, 3):
            pages = {name: _down(backend, size) for name, backend in (("api", api), ("sql", sql))}
            assert [r.id for r in pages["api"] if r.id in chosen] == expected, size
            assert pages["api"] == pages["sql"], size
            bottom = pages["sql"][-1]
            assert _up(api, size, bottom) == _up(sql, size, bottom) == pages["sql"][:-1], size
    finally:
        api.close()
        sql.close()


def _query(size: int, **bounds: Any) -> Any:
    from console.backends.base import MailQuery

    return MailQuery(states=("exception",), limit=size, by_failure=True, **bounds)


def _down(backend: Any, size: int) -> list[Any]:
    page = backend.mail_page(_query(size))
    found = list(page.rows)
    while page.has_more:
        last = found[-1]
        page = backend.mail_page(_query(size, before_id=last.id, before_at=last.failed_at))
        found += page.rows
    return found


def _up(backend: Any, size: int, bottom: Any) -> list[Any]:
    found: list[Any] = []
    first = bottom
    while True:
        page = backend.mail_page(_query(size, after_id=first.id, after_at=first.failed_at))
        found = list(page.rows) + found
        if not page.has_more or not page.rows:
            return found
        first = page.rows[0]
