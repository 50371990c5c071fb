"""Send now against SMTP servers that misbehave, on PostgreSQL (Odoo 17): a server that
stalls, resets the connection or answers garbage in the middle of a transaction, one that
caps its connections, and a console killed in the middle of a send.

What every case proves, counted at the server: every mail ends in Odoo's state (sent,
exception with its reason, or outgoing when it was never handed to SMTP), none is lost,
and the messages the server holds are those of the mails marked sent plus those the
report lists as possibly delivered, never two for one mail, also after sending again.
"""

from __future__ import annotations

import fnmatch
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from console.services.send.send_now import SendReport, send_now
from console.smtp.concurrency import ConcurrencyPolicy, ConnectionLimit, resolve_policy
from console.smtp.reasons import PLACEHOLDER_REASON
from testkit.smtp_server import Fault, SmtpTestServer
from tests.helpers.cli import ROOT
from tests.helpers.db import Db
from tests.helpers.mails import UID, Mail, add_mail, by_message_id

DELIVERY = "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"


@pytest.fixture
def pg(make_db: Callable[[str, int], Db]) -> Db:
    db = make_db("pg", 17)
    db.cancel_outgoing()
    return db


def make_mails(db: Db, count: int) -> list[Mail]:
    """One message per mail (one partner), with values a retry leaves behind, so that a
    mail put back to outgoing can be compared with what it was, column by column."""
    mails = [add_mail(db, partners=((f"R{i}", f"r{i}@y.test"),)) for i in range(count)]
    db.sql(
        "UPDATE mail_mail SET failure_reason = 'an older failure', failure_type = 'mail_smtp', "
        "write_date = '2026-01-02 03:04:05.123456' WHERE id IN :ids".replace(
            ":ids", "(" + ",".join(str(m.id) for m in mails) + ")"
        )
    )
    return mails


def snapshot(db: Db, ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Every column the placeholder touches, per mail (its notifications included)."""
    found: dict[int, tuple[Any, ...]] = {}
    for mail_id in ids:
        row = db.one(
            "SELECT state, failure_reason, failure_type, write_uid, write_date FROM mail_mail "
            "WHERE id = :id",
            id=mail_id,
        )
        notes = db.sql(
            "SELECT id, notification_status, failure_type, failure_reason FROM "
            "mail_notification WHERE mail_mail_id = :id ORDER BY id",
            id=mail_id,
        )
        found[mail_id] = (tuple(row), tuple(tuple(n) for n in notes))
    return found


def check_accounting(
    db: Db, mails: list[Mail], report: SendReport, smtp: SmtpTestServer
) -> dict[int, str]:
    """The invariants of every fault case; returns each mail's state."""
    ids = [m.id for m in mails]
    buckets = [set(report.sent), set(report.failed), set(report.skipped)]
    assert sorted(i for bucket in buckets for i in bucket) == sorted(ids), "none lost"
    states = {
        int(r[0]): (r[1], r[2])
        for r in db.sql(
            "SELECT id, state, failure_reason FROM mail_mail WHERE id IN :ids".replace(
                ":ids", "(" + ",".join(map(str, ids)) + ")"
            )
        )
    }
    for mail_id in report.sent:
        assert states[mail_id][0] == "sent"
    for mail_id, reason in report.failed.items():
        assert states[mail_id] == ("exception", reason)
    for mail_id, why in report.skipped.items():
        assert why.startswith("not attempted: ") and why.endswith("; left outgoing"), why
        assert states[mail_id][0] == "outgoing"
    received = by_message_id(smtp)
    assert set(received.values()) <= {1}, "never two messages for one mail"
    by_mail = {m.message_id: m.id for m in mails}
    at_server = {by_mail[mid] for mid in received}
    assert set(report.sent) <= at_server
    assert at_server <= set(report.sent) | set(report.possibly_delivered)
    assert set(report.possibly_delivered) <= set(report.failed)
    return {mail_id: state for mail_id, (state, _) in states.items()}


FAULTS = [
    Fault("MAIL", "stall", after=2, seconds=3.0),
    Fault("DATA", "stall", after=2, seconds=3.0),
    Fault("RCPT", "reset", after=2),
    Fault("DATA", "reset", after=2),
    Fault("MAIL", "garbage", after=2),
    Fault("RCPT", "garbage", after=2),
    Fault("DATA", "garbage", after=2),
    Fault("DATA", "bad_code", after=2),
    Fault("MAIL", "truncated", after=2),
    Fault("DATA", "truncated", after=2),
]


def expected_reason(fault: Fault) -> str:
    """What the faulty mail keeps: Odoo's placeholder after a lost connection (Odoo
    re-raises SMTPServerDisconnected), else what 17 stores for the exception smtplib
    raises (its args joined by newlines; smtplib keeps ``line[4:]`` of a garbage line)."""
    if fault.action in ("stall", "reset", "truncated"):
        return PLACEHOLDER_REASON
    if fault.action == "bad_code":
        return DELIVERY + "SMTPDataError: 700\n7.0.0 a reply code SMTP does not have"
    garbage = "o, this is not an SMTP reply"
    if fault.command == "MAIL":
        return DELIVERY + f"SMTPSenderRefused: -1\n{garbage}\nbounce@"
    if fault.command == "RCPT":  # (which mail meets it depends on the connections)
        return DELIVERY + "SMTPRecipientsRefused: {'r*@y.test': (-1, b'" + garbage + "')}"
    return DELIVERY + f"SMTPDataError: -1\n{garbage}"


@pytest.mark.parametrize("connections", [1, 3])
@pytest.mark.parametrize("fault", FAULTS, ids=[f"{f.command.lower()}-{f.action}" for f in FAULTS])
def test_smtp_fault_mid_transaction(pg: Db, fault: Fault, connections: int) -> None:
    with SmtpTestServer(faults=[fault]) as smtp:
        pg.point_servers(smtp.port)
        mails = make_mails(pg, 12)
        ids = [m.id for m in mails]
        before = snapshot(pg, ids)
        backend = pg.backend()
        report = send_now(backend, ids, uid=UID, concurrency=connections, timeout=1.0)
        states = check_accounting(pg, mails, report, smtp)

        # exactly one mail met the fault; it failed the way Odoo records it
        assert len(report.failed) == 1, report
        (faulty, reason) = next(iter(report.failed.items()))
        assert fnmatch.fnmatchcase(reason, expected_reason(fault) + "*"), reason
        assert (faulty in report.possibly_delivered) == (fault.command == "DATA")
        kept = {by_message_id(smtp).get(m.message_id) for m in mails if m.id == faulty}
        assert kept == ({1} if fault.keeps_message else {None})
        # every other mail was sent, or never handed to SMTP and put back untouched (its
        # connection broke and no other one was left to take it)
        assert len(report.sent) + len(report.skipped) == 11
        for mail_id in report.skipped:
            assert snapshot(pg, [mail_id]) == {mail_id: before[mail_id]}, "restored exactly"
        if fault.action == "bad_code":  # a reply in step: the connection goes on
            assert not report.skipped
        elif connections == 1:  # the claimed window went back, the rest never left
            assert len(report.skipped) == 11 - 2  # the 4th of the first window was claimed

        # sending everything again: the faulty mail is never sent twice
        again = send_now(backend, ids, uid=UID, concurrency=connections, timeout=1.0)
        assert again.skipped[faulty] == "not outgoing any more (now 'exception')"
        assert set(again.skipped) - {faulty} == set(report.sent)
        assert sorted(again.sent) == sorted(report.skipped)
        states = {**states, **{i: "sent" for i in again.sent}}
    received = by_message_id(smtp)
    assert set(received.values()) == {1}
    assert len(received) == 11 + (1 if fault.keeps_message else 0)
    assert sum(1 for s in states.values() if s == "sent") == 11


def test_after_a_refusal_the_connection_is_reset_and_goes_on(pg: Db) -> None:
    """smtplib's RSET after every recipient is refused: the next mail on the same
    connection is not met by "503 nested MAIL command". And MAIL FROM carries one SIZE
    parameter, as smtplib sends it (aiosmtplib's sendmail would add a second one)."""
    with SmtpTestServer(refuse=["nobody@y.test"]) as smtp:
        pg.point_servers(smtp.port)
        refused = add_mail(pg, partners=(("Nobody", "nobody@y.test"),))
        fine = add_mail(pg, partners=(("Bob", "bob@y.test"),))
        report = send_now(pg.backend(), [refused.id, fine.id], uid=UID, concurrency=1)
    assert report.sent == [fine.id] and list(report.failed) == [refused.id]
    assert "SMTPRecipientsRefused" in report.failed[refused.id]
    (message,) = smtp.received
    assert len(message.mail_options) == 1
    assert message.mail_options[0].upper() == f"SIZE={len(message.data)}"


def test_a_connection_that_breaks_hands_its_claimed_mails_to_the_others(pg: Db) -> None:
    """With several connections, the mails one had claimed are sent by the others."""
    with SmtpTestServer(faults=[Fault("DATA", "reset", after=2)], delay=0.02) as smtp:
        pg.point_servers(smtp.port)
        mails = make_mails(pg, 40)
        report = send_now(pg.backend(), [m.id for m in mails], uid=UID, concurrency=4)
        check_accounting(pg, mails, report, smtp)
    assert len(report.sent) == 39 and not report.skipped


# -- connections per server ---------------------------------------------------------------
def test_the_server_never_sees_more_connections_than_its_limit(pg: Db) -> None:
    name = str(pg.one("SELECT name FROM ir_mail_server WHERE id = 1")[0])
    with SmtpTestServer(delay=0.03) as smtp:
        pg.point_servers(smtp.port)
        mails = make_mails(pg, 30)
        policy = resolve_policy(9, [f"{name}=3"])
        report = send_now(pg.backend(), [m.id for m in mails], uid=UID, policy=policy)
        check_accounting(pg, mails, report, smtp)
    assert len(report.sent) == 30
    assert smtp.max_open_connections == 3
    (used,) = report.connections
    assert (used.limit, used.opened, used.source) == (3, 3, "--server-concurrency")
    assert used.servers == (name,) and used.host == "127.0.0.1"
    assert f"'{name}' (127.0.0.1): 3 connections at once, limit 3" in report.connections_note()


def test_the_default_number_of_connections_is_used_and_reported(pg: Db) -> None:
    with SmtpTestServer(delay=0.03) as smtp:
        pg.point_servers(smtp.port)
        mails = make_mails(pg, 40)
        report = send_now(pg.backend(), [m.id for m in mails], uid=UID)
    assert len(report.sent) == 40
    (used,) = report.connections
    assert (used.limit, used.source) == (16, "default")
    assert smtp.max_open_connections == used.opened
    assert 8 <= used.opened <= 16  # 40 mails claimed 4 at a time: up to 10 windows


def test_two_servers_with_one_login_share_one_budget(pg: Db) -> None:
    """Providers count connections per account: two Odoo servers on the same host with
    the same login never get more than the limit between them."""
    pg.sql("UPDATE ir_mail_server SET active = true")
    servers = [int(r[0]) for r in pg.sql("SELECT id FROM ir_mail_server ORDER BY id")]
    assert len(servers) >= 2
    with SmtpTestServer(delay=0.03, auth=("shared", "pw")) as smtp:
        pg.point_servers(smtp.port, user="shared", password="pw")
        mails = [
            add_mail(pg, partners=((f"R{i}", f"r{i}@y.test"),), mail_server_id=servers[i % 2])
            for i in range(24)
        ]
        policy = ConcurrencyPolicy(4, "test")
        report = send_now(pg.backend(), [m.id for m in mails], uid=UID, policy=policy)
    assert len(report.sent) == 24
    (used,) = report.connections
    assert len(used.servers) == 2 and used.limit == 4
    assert smtp.max_open_connections <= 4


def test_connections_the_server_refuses_are_not_a_failure(pg: Db) -> None:
    """A server that accepts two connections: the console asked for 5, sends every mail
    over the two it got, and says how many it had."""
    with SmtpTestServer(delay=0.03, connection_limit=2) as smtp:
        pg.point_servers(smtp.port)
        mails = make_mails(pg, 20)
        report = send_now(pg.backend(), [m.id for m in mails], uid=UID, concurrency=5)
        check_accounting(pg, mails, report, smtp)
    assert len(report.sent) == 20
    assert smtp.refused_connections >= 1 and smtp.max_open_connections == 2
    assert report.connections[0].opened == 2 and report.connections[0].limit == 5


def test_policy_order_provider_limits_and_typos() -> None:
    env = {"ODOO_MAILQ_SERVER_CONCURRENCY": "smtp.example.com=5, Main Server=2"}
    policy = resolve_policy("8", ["smtp.example.com=6"], env)
    assert policy.limit_for("Other", "smtp.example.com") == ConnectionLimit(
        6, "--server-concurrency"
    )
    assert policy.limit_for("main server", "smtp.example.com").limit == 2  # name first
    assert policy.limit_for("x", "SMTP.office365.com") == ConnectionLimit(
        3, "Microsoft 365's published limit"
    )
    assert policy.limit_for("x", "relay.test") == ConnectionLimit(8, "--concurrency")
    override = resolve_policy(None, ["smtp.office365.com=1"])
    assert override.limit_for("x", "smtp.office365.com").limit == 1
    assert resolve_policy().limit_for(None, "relay.test") == ConnectionLimit(16, "default")
    assert policy.unmatched(["Main Server", "smtp.example.com"]) == []
    assert resolve_policy(None, ["typo.example=2"]).unmatched(["smtp.example.com"]) == [
        "typo.example"
    ]


def test_an_override_that_names_no_server_is_reported(pg: Db) -> None:
    with SmtpTestServer() as smtp:
        pg.point_servers(smtp.port)
        mails = make_mails(pg, 1)
        policy = resolve_policy(None, ["no-such-relay.example=2"])
        report = send_now(pg.backend(), [mails[0].id], uid=UID, policy=policy)
    assert report.sent == [mails[0].id]
    assert any("'no-such-relay.example'" in note for note in report.notes)


# -- a console killed in the middle of a send ------------------------------------------------
@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
def test_killed_mid_send_never_leaves_a_delivered_mail_outgoing(pg: Db, tmp_path: Path) -> None:
    """kill -9 while 4 connections send: no mail the server holds is outgoing (it would be
    sent twice), no mail is sent that the server does not hold; sending again afterwards
    sends each remaining mail once."""
    with SmtpTestServer(delay=0.05) as smtp:
        pg.point_servers(smtp.port)
        mails = make_mails(pg, 60)
        ids = [str(m.id) for m in mails]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(
            [sys.executable, "-m", "console", "send", *ids, "--db", pg.url, "--yes",
             "--concurrency", "4", "--journal", str(tmp_path / "journal.jsonl")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while len(smtp.received) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        smtp.wait_until_idle()  # the server has finished what was in flight
        at_server = {m.id for m in mails if by_message_id(smtp).get(m.message_id)}
        states = {
            int(r[0]): (r[1], r[2])
            for r in pg.sql("SELECT id, state, failure_reason FROM mail_mail")
        }
        assert 10 <= len(at_server) < 60
        for mail in mails:
            state, reason = states[mail.id]
            if mail.id in at_server:
                assert state != "outgoing", "a delivered mail must never be outgoing again"
            if state == "sent":
                assert mail.id in at_server, "sent only when the server accepted it"
            if state == "exception":  # claimed: the placeholder, never anything else
                assert reason == PLACEHOLDER_REASON
        claimed_unsent = [
            m.id for m in mails if states[m.id][0] == "exception" and m.id not in at_server
        ]
        assert len(claimed_unsent) <= 4 * 4  # a window per connection, at most
        again = send_now(pg.backend(), [m.id for m in mails], uid=UID, timeout=2.0)
        assert not again.failed
        assert all(reason.startswith("not outgoing any more") for reason in again.skipped.values())
    received = by_message_id(smtp)
    assert set(received.values()) == {1}, "never two messages for one mail"
