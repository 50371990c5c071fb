"""Send now against real databases (SQLite and PostgreSQL, Odoo 16-19) and a real SMTP
server on loopback: what the server receives and the exact rows written.

Every database is a fresh copy of a generated Odoo database; its own outgoing mails are
cancelled first, then each test creates exactly the mails it needs and points the
``ir_mail_server`` rows at its SMTP test server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg
import pytest

from console.domain.timefmt import utcnow_naive
from console.services.journal import Journal
from console.services.operations import Operator
from console.services.send.send_now import SendReport, send_now
from console.smtp.reasons import NOTIFICATION_PLACEHOLDER_REASON, PLACEHOLDER_REASON
from console.smtp.server_choice import NO_VALID_RECIPIENT
from sample_db.vocab import DOMAIN
from testkit.net import free_port
from testkit.odoo_dbs import VERSIONS
from testkit.pgcluster import PgCluster
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.helpers.db import Db
from tests.helpers.mails import (
    UID,
    Attachment,
    Mail,
    add_mail,
    mail_row,
    notifications,
)

BOUNCE = f"bounce@{DOMAIN}"
SECRET = "Sup3r-S3cret!pw"
DELIVERY = "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"


# -- databases ------------------------------------------------------------------------
CASES = [(kind, version) for kind in ("sqlite", "pg") for version in VERSIONS]


@pytest.fixture(params=CASES, ids=[f"{k}-odoo{v}" for k, v in CASES])
def db(request: pytest.FixtureRequest, make_db: Callable[[str, int], Db]) -> Db:
    kind, version = request.param
    made = make_db(kind, version)
    made.cancel_outgoing()
    return made


@pytest.fixture(params=["sqlite", "pg"])
def db17(request: pytest.FixtureRequest, make_db: Callable[[str, int], Db]) -> Db:
    made = make_db(request.param, 17)
    made.cancel_outgoing()
    return made


@pytest.fixture
def pg17(make_db: Callable[[str, int], Db]) -> Db:
    made = make_db("pg", 17)
    made.cancel_outgoing()
    return made


# -- helpers --------------------------------------------------------------------------
def write_conf(path: Path, **options: Any) -> Path:
    lines = ["[options]", *(f"{k} = {v}" for k, v in options.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


def header_line(data: bytes, name: bytes) -> str:
    return next(line for line in data.split(b"\r\n") if line.startswith(name + b":")).decode()


def as_datetime(value: Any) -> datetime:
    """SQLite hands timestamps back as text."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def parts(message: EmailMessage) -> list[str]:
    return [p.get_content_type() for p in message.walk() if not p.is_multipart()]


# -- success ------------------------------------------------------------------------------
def test_success_sends_what_odoo_sends_and_writes_what_odoo_writes(db: Db) -> None:
    with SmtpTestServer() as smtp:
        db.point_servers(smtp.port)
        mail = add_mail(
            db,
            email_to="Ext One <ext1@example.org>",
            email_cc="cc@example.org",
            partners=(("Bob Buyer", "bob@buyer.test"), ("Ann Accountant", "ann@acc.test")),
            headers={"X-Odoo-Objects": "account.move-42", "X-Custom": "v\r\nInjected: yes"},
            references="<parent.0@acme-odoo-prod-1>",
            body='<p>Hello <a href="https://erp.test/my/invoices/42">invoice</a></p>',
            attachments=(Attachment("INV_2026_0042.pdf", b"%PDF-1.4 invoice"),),
        )
        backend = db.backend()
        before = utcnow_naive()
        report = send_now(backend, [mail.id], uid=UID)
    assert (report.sent, report.failed, report.skipped) == ([mail.id], {}, {}), report
    assert report.message() == "Sent 1 mail"

    received = sorted(smtp.received, key=lambda r: r.rcpt_tos)
    if db.version <= 16:  # 16 passes email_cc to every message
        expected = [
            ("ann@acc.test", "cc@example.org"),
            ("bob@buyer.test", "cc@example.org"),
            ("ext1@example.org", "cc@example.org"),
        ]
    else:  # 17+: the Cc goes with the email_to message only
        expected = [("ann@acc.test",), ("bob@buyer.test",), ("ext1@example.org", "cc@example.org")]
    assert [r.rcpt_tos for r in received] == expected
    assert {r.mail_from for r in received} == {BOUNCE}  # bounce matches the from_filter
    for r in received:
        msg = r.message
        assert msg["Message-Id"] == mail.message_id
        assert msg["References"] == "<parent.0@acme-odoo-prod-1>"
        assert msg["Subject"] == "Invoice INV/2026/0042"
        assert msg["From"].addresses[0].addr_spec == f"claire.dubois@{DOMAIN}"
        assert msg["Reply-To"] == msg["From"]
        assert msg["Return-Path"] == BOUNCE
        assert msg["X-Odoo-Objects"] == "account.move-42"
        assert msg["X-Custom"] == "v Injected: yes" and msg["Injected"] is None
        assert parts(msg) == ["text/plain", "text/html", "application/pdf"]
        attachment = next(p for p in msg.walk() if p.get_filename())
        assert attachment.get_filename() == "INV_2026_0042.pdf"
        assert attachment.get_content() == b"%PDF-1.4 invoice"
        plain = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
        assert plain.get_content().replace("\r\n", "\n").strip() == (
            "Hello invoice [1]\n\n\n[1] https://erp.test/my/invoices/42"
        )
    assert sorted(header_line(r.data, b"To") for r in received) == [
        'To: "Ann Accountant" <ann@acc.test>',
        'To: "Bob Buyer" <bob@buyer.test>',
        'To: "Ext One" <ext1@example.org>',
    ]

    state, failure_type, failure_reason, write_uid, write_date = mail_row(db, mail.id)
    assert (state, failure_type, failure_reason, write_uid) == ("sent", None, None, UID)
    assert as_datetime(write_date) >= before - timedelta(seconds=1)
    assert db.one("SELECT message_id FROM mail_message WHERE id = :i", i=mail.message)[0] == (
        mail.message_id
    )
    assert notifications(db, mail) == {
        mail.partners[0]: ("sent", None, "", mail.id),
        mail.partners[1]: ("sent", None, "", mail.id),
    }


def test_from_is_rewritten_to_the_notifications_address(db17: Db) -> None:
    with SmtpTestServer() as smtp:
        db17.point_servers(smtp.port)
        mail = add_mail(db17, email_from='"Ann Ext" <ann@gmail.test>', email_to="x@y.test")
        report = send_now(db17.backend(), [mail.id], uid=UID)
    assert report.sent == [mail.id]
    (received,) = smtp.received
    assert header_line(received.data, b"From") == f'From: "Ann Ext" <notifications@{DOMAIN}>'
    assert header_line(received.data, b"Reply-To") == 'Reply-To: "Ann Ext" <ann@gmail.test>'
    assert received.mail_from == BOUNCE


def test_auto_delete_removes_the_mail_like_odoo(db17: Db) -> None:
    with SmtpTestServer() as smtp:
        db17.point_servers(smtp.port)
        chatter = add_mail(db17, partners=(("Bob", "bob@b.test"),), auto_delete=True)
        standalone = add_mail(db17, email_to="x@y.test", auto_delete=True, is_notification=False)
        report = send_now(db17.backend(), [chatter.id, standalone.id], uid=UID)
    assert sorted(report.sent) == sorted([chatter.id, standalone.id])
    assert sorted(report.deleted) == sorted([chatter.id, standalone.id])
    assert (
        db17.sql("SELECT id FROM mail_mail WHERE id IN (:a, :b)", a=chatter.id, b=standalone.id)
        == []
    )
    # a notification mail keeps its message; the notification loses its mail_mail_id
    assert db17.one("SELECT count(*) FROM mail_message WHERE id = :i", i=chatter.message)[0] == 1
    assert notifications(db17, chatter) == {chatter.partners[0]: ("sent", None, "", None)}
    # a standalone mail takes its message with it
    assert db17.one("SELECT count(*) FROM mail_message WHERE id = :i", i=standalone.message)[0] == 0


def test_invalid_partner_address_is_skipped_and_recorded(db: Db) -> None:
    with SmtpTestServer() as smtp:
        db.point_servers(smtp.port)
        mail = add_mail(
            db,
            email_to="x@y.test",
            partners=(("Good", "good@b.test"), ("Broken", "broken at example")),
        )
        report = send_now(db.backend(), [mail.id], uid=UID)
    assert report.sent == [mail.id]
    assert sorted(r.rcpt_tos for r in smtp.received) == [("good@b.test",), ("x@y.test",)]
    assert mail_row(db, mail.id)[:3] == ("sent", None, None)
    good, broken = mail.partners
    invalid_reason = None
    if db.version >= 19:
        invalid_reason = (
            "At least one valid recipient address should be specified for outgoing emails "
            "(To/Cc/Bcc)"
        )
    assert notifications(db, mail) == {
        good: ("sent", None, "", mail.id),
        broken: ("exception", "mail_email_invalid", invalid_reason, mail.id),
    }


def test_mail_without_recipients_keeps_odoo_placeholder(db: Db) -> None:
    with SmtpTestServer() as smtp:
        db.point_servers(smtp.port)
        mail = add_mail(db)
        report = send_now(db.backend(), [mail.id], uid=UID)
    if db.version <= 18:
        expected = ("exception", None, PLACEHOLDER_REASON)
    else:  # 19 records the missing recipients in the pre-send write
        expected = ("exception", "mail_email_missing", NO_VALID_RECIPIENT)
    assert mail_row(db, mail.id)[:3] == expected
    assert report.failed == {mail.id: expected[2]}
    assert smtp.received == []


# -- failures -----------------------------------------------------------------------------
def test_one_recipient_refused_with_550(db: Db) -> None:
    # partners go out in res.partner order (name): Bob first, then Zoe, who is refused
    with SmtpTestServer(refuse=["zoe@z.test"]) as smtp:
        db.point_servers(smtp.port)
        mail = add_mail(db, partners=(("Zoe", "zoe@z.test"), ("Bob", "bob@b.test")))
        report = send_now(db.backend(), [mail.id], uid=UID)
    refused = (
        "{'zoe@z.test': (550, b'5.1.1 <zoe@z.test>: Recipient address rejected: User unknown')}"
    )
    reason = f"{DELIVERY}SMTPRecipientsRefused: {refused}"
    assert report.failed == {mail.id: reason} and report.sent == []
    assert report.message() == "Sent 0 mails; 1 failed"
    assert [r.rcpt_tos for r in smtp.received] == [("bob@b.test",)]
    state, failure_type, failure_reason = mail_row(db, mail.id)[:3]
    assert (state, failure_reason) == ("exception", reason)
    assert failure_type == (None if db.version <= 16 else "unknown")
    zoe, bob = mail.partners
    assert notifications(db, mail) == {
        bob: ("sent", None, "", mail.id),
        zoe: ("exception", "unknown", reason, mail.id),
    }


@pytest.mark.parametrize("version", [16, 17, 18])
def test_temporary_4xx_is_stored_as_odoo_formats_it(
    version: int, make_db: Callable[[str, int], Db]
) -> None:
    db = make_db("sqlite", version)
    with SmtpTestServer(tempfail=True) as smtp:
        db.point_servers(smtp.port)
        mail = add_mail(db, email_to="x@y.test")
        report = send_now(db.backend(), [mail.id], uid=UID)
    if version <= 17:
        detail = "SMTPDataError: 451\n4.3.0 Temporary lookup failure, try again later"
    else:
        detail = "SMTPDataError: (451, b'4.3.0 Temporary lookup failure, try again later')"
    assert report.failed == {mail.id: DELIVERY + detail}
    assert mail_row(db, mail.id)[:3] == (
        "exception",
        None if version <= 16 else "unknown",
        DELIVERY + detail,
    )
    assert smtp.received == []


def _connect_failure(db: Db, mail: Mail, report: SendReport, reason: str) -> None:
    assert report.failed == {mail.id: reason}
    # send(): state + failure_reason only; failure_type untouched (NULL)
    assert mail_row(db, mail.id)[:3] == ("exception", None, reason)
    assert notifications(db, mail) == {
        p: ("exception", "mail_smtp", None, mail.id) for p in mail.partners
    }


def test_authentication_refused(db17: Db) -> None:
    with SmtpTestServer(auth=("odoo@acme", "right-pw")) as smtp:
        db17.point_servers(smtp.port, user="odoo@acme", password=SECRET)
        mail = add_mail(db17, partners=(("Bob", "bob@b.test"),))
        report = send_now(db17.backend(), [mail.id], uid=UID)
    assert smtp.auth_attempts and all(pw == SECRET for _u, pw in smtp.auth_attempts)
    _connect_failure(db17, mail, report, "535\n5.7.8 Authentication credentials invalid")
    assert SECRET not in repr(report) and SECRET not in report.message()


def test_authentication_accepted_over_starttls(db17: Db) -> None:
    with SmtpTestServer(auth=("odoo@acme", SECRET), tls="starttls") as smtp:
        db17.point_servers(smtp.port, encryption="starttls", user="odoo@acme", password=SECRET)
        mail = add_mail(db17, email_to="x@y.test")
        report = send_now(db17.backend(), [mail.id], uid=UID)
    assert report.sent == [mail.id] and len(smtp.received) == 1


def test_implicit_tls(db17: Db) -> None:
    with SmtpTestServer(tls="implicit") as smtp:
        db17.point_servers(smtp.port, encryption="ssl")
        mail = add_mail(db17, email_to="x@y.test")
        report = send_now(db17.backend(), [mail.id], uid=UID)
    assert report.sent == [mail.id] and len(smtp.received) == 1


def test_connection_refused(db: Db) -> None:
    db.point_servers(free_port())
    mail = add_mail(db, partners=(("Bob", "bob@b.test"),))
    report = send_now(db.backend(), [mail.id], uid=UID)
    _connect_failure(db, mail, report, "111\nConnection refused")


def test_tls_mode_mismatch(db17: Db) -> None:
    with SmtpTestServer() as smtp:  # plain SMTP, but the server row says SSL/TLS
        db17.point_servers(smtp.port, encryption="ssl")
        mail = add_mail(db17, partners=(("Bob", "bob@b.test"),))
        report = send_now(db17.backend(), [mail.id], uid=UID)
    reason = report.failed[mail.id]
    assert reason.startswith("1\n[SSL: WRONG_VERSION_NUMBER] wrong version number")
    _connect_failure(db17, mail, report, reason)
    assert smtp.received == []


def test_starttls_required_but_not_offered(db17: Db) -> None:
    with SmtpTestServer() as smtp:
        db17.point_servers(smtp.port, encryption="starttls")
        mail = add_mail(db17, partners=(("Bob", "bob@b.test"),))
        report = send_now(db17.backend(), [mail.id], uid=UID)
    _connect_failure(db17, mail, report, "STARTTLS extension not supported by server.")


@pytest.mark.parametrize("misbehaviour", ["drop", "stall"])
def test_server_dropping_or_stalling_during_data_leaves_odoo_placeholder(
    misbehaviour: str, db17: Db
) -> None:
    options: dict[str, Any] = (
        {"drop_during_data": True} if misbehaviour == "drop" else {"data_delay": 3.0}
    )
    with SmtpTestServer(**options) as smtp:
        db17.point_servers(smtp.port)
        first = add_mail(db17, partners=(("Bob", "bob@b.test"),))
        second = add_mail(db17, partners=(("Carl", "carl@c.test"),))
        backend = db17.backend()
        report = send_now(backend, [first.id, second.id], uid=UID, concurrency=1, timeout=1.0)
        assert report.failed == {first.id: PLACEHOLDER_REASON}
        assert report.skipped == {
            second.id: f"not attempted: the connection to {_server_name(db17)} broke; left outgoing"
        }
        assert any("closed the connection" in note for note in report.notes)
        assert mail_row(db17, first.id)[:3] == ("exception", None, PLACEHOLDER_REASON)
        assert notifications(db17, first) == {
            first.partners[0]: ("exception", "unknown", NOTIFICATION_PLACEHOLDER_REASON, first.id)
        }
        assert mail_row(db17, second.id)[0] == "outgoing"
        # sending again never sends the dropped mail a second time
        again = send_now(backend, [first.id], uid=UID, timeout=1.0)
        assert again.skipped == {first.id: "not outgoing any more (now 'exception')"}
        smtp.wait_until_idle()  # nothing left in flight that could still arrive
    assert len(smtp.received) <= 1


def _server_name(db: Db) -> str:
    return str(db.one("SELECT name FROM ir_mail_server WHERE id = 1")[0])


def test_archived_server_of_the_mail_is_refused(db17: Db) -> None:
    db17.point_servers(free_port())
    db17.sql("UPDATE ir_mail_server SET active = :f WHERE id = 2", f=False)
    mail = add_mail(db17, partners=(("Bob", "bob@b.test"),), mail_server_id=2)
    report = send_now(db17.backend(), [mail.id], uid=UID)
    name = db17.one("SELECT name FROM ir_mail_server WHERE id = 2")[0]
    _connect_failure(
        db17, mail, report, f'The server "{name}" cannot be used because it is archived.'
    )


# -- odoo.conf fallback and filestore -------------------------------------------------------
def test_odoo_conf_server_and_filestore_attachment(db: Db) -> None:
    data_dir = db.tmp / f"data{db.version}{db.kind}"
    with SmtpTestServer() as smtp:
        db.sql("UPDATE ir_mail_server SET active = :f", f=False)
        conf = write_conf(
            db.tmp / "odoo.conf",
            smtp_server="127.0.0.1",
            smtp_port=smtp.port,
            email_from="odoo@conf.test",
            data_dir=data_dir,
        )
        backend = db.backend(conf)
        dbname = backend.target.url.database if db.kind == "pg" else backend.info.name
        stored = data_dir / "filestore" / str(dbname) / "ab" / "abcdef0123"
        stored.parent.mkdir(parents=True)
        stored.write_bytes(b"%PDF from the filestore")
        mail = add_mail(
            db,
            email_to="x@y.test",
            attachments=(Attachment("quote.pdf", None, store_fname="ab/abcdef0123"),),
        )
        report = send_now(backend, [mail.id], uid=UID)
    assert report.sent == [mail.id]
    (received,) = smtp.received
    attachment = next(p for p in received.message.walk() if p.get_filename())
    assert attachment.get_content() == b"%PDF from the filestore"


def test_unreadable_filestore_leaves_the_mail_outgoing(db17: Db) -> None:
    with SmtpTestServer() as smtp:
        db17.point_servers(smtp.port)
        conf = write_conf(db17.tmp / "odoo.conf", data_dir=db17.tmp / "nowhere")
        mail = add_mail(
            db17, email_to="x@y.test", attachments=(Attachment("q.pdf", None, store_fname="ab/cd"),)
        )
        report = send_now(db17.backend(conf), [mail.id], uid=UID)
    assert "cannot read" in report.skipped[mail.id]
    assert mail_row(db17, mail.id)[0] == "outgoing" and smtp.received == []


# -- campaigns and the cron trigger --------------------------------------------------------
def test_campaign_mail_is_left_to_odoo_and_the_queue_is_triggered(db: Db) -> None:
    with SmtpTestServer() as smtp:
        db.point_servers(smtp.port)
        mailing = int(db.one("SELECT min(id) FROM mailing_mailing")[0])
        campaign = add_mail(db, email_to="fan@x.test", mailing_id=mailing)
        plain = add_mail(db, email_to="x@y.test")
        cron = db.one(
            "SELECT res_id FROM ir_model_data WHERE module = 'mail' "
            "AND name = 'ir_cron_mail_scheduler_action'"
        )[0]
        before = db.one("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = :c", c=cron)[0]
        start = utcnow_naive()
        report = send_now(db.backend(), [campaign.id, plain.id], uid=UID)
    assert report.sent == [plain.id]
    assert report.skipped == {
        campaign.id: "belongs to a mass-mailing campaign: asked Odoo's queue to run instead"
    }
    assert report.deferred_campaign_ids == [mailing]
    assert report.message() == "Sent 1 mail; 1 skipped: campaign mails left to Odoo's queue"
    assert [r.rcpt_tos for r in smtp.received] == [("x@y.test",)]
    assert mail_row(db, campaign.id)[0] == "outgoing"
    triggers = db.sql(
        "SELECT call_at, create_uid, write_uid FROM ir_cron_trigger WHERE cron_id = :c ORDER BY id",
        c=cron,
    )
    assert len(triggers) == before + 1
    call_at, create_uid, write_uid = triggers[-1]
    assert (create_uid, write_uid) == (UID, UID)
    call_at = as_datetime(call_at)
    assert start - timedelta(seconds=2) <= call_at <= utcnow_naive() + timedelta(seconds=2)


def test_trigger_cron(db17: Db, tmp_path: Path) -> None:
    cron = db_cron(db17)
    journal = Journal(tmp_path / "journal.jsonl")
    operator = Operator(db17.backend(), journal)
    count = db17.one("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = :c", c=cron)[0]
    message = operator.trigger(cron)
    assert message.startswith("Asked Odoo to run 'Mail: Email Queue Manager' now; ")
    if db17.kind == "pg":
        assert message.endswith("Odoo's cron workers were woken up")
    else:
        assert message.endswith("its cron runner picks the trigger up at its next poll")
    assert db17.one("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = :c", c=cron)[0] == (
        count + 1
    )
    db17.sql("UPDATE ir_cron SET active = :f WHERE id = :c", f=False, c=cron)
    assert "inactive" in operator.trigger(cron)
    assert db17.one("SELECT count(*) FROM ir_cron_trigger WHERE cron_id = :c", c=cron)[0] == (
        count + 1
    )
    lines = [json.loads(line) for line in (tmp_path / "journal.jsonl").read_text().splitlines()]
    assert [(e["action"], e["applied"], list(e["skipped"])) for e in lines] == [
        ("trigger", [cron], []),
        ("trigger", [], [str(cron)]),
    ]


def test_trigger_cron_wakes_listeners_on_the_postgres_database(
    pg17: Db, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    cron = int(db_cron(pg17))
    with psycopg.connect(pg_cluster.conninfo("postgres"), autocommit=True) as listener:
        listener.execute("LISTEN cron_trigger")
        Operator(pg17.backend(), Journal(tmp_path / "journal.jsonl")).trigger(cron)
        notices = list(listener.notifies(timeout=5, stop_after=1))
    dbname = pg17.url.rsplit("/", 1)[1]
    assert [(n.channel, n.payload) for n in notices] == [("cron_trigger", dbname)]


def db_cron(db: Db) -> int:
    return int(
        db.one(
            "SELECT res_id FROM ir_model_data WHERE module = 'mail' "
            "AND name = 'ir_cron_mail_scheduler_action'"
        )[0]
    )


# -- never twice ----------------------------------------------------------------------------
def test_queue_busy_when_odoo_holds_the_cron_lock(pg17: Db, pg_cluster: PgCluster) -> None:
    with SmtpTestServer() as smtp:
        pg17.point_servers(smtp.port)
        mail = add_mail(pg17, email_to="x@y.test")
        backend = pg17.backend()
        dbname = pg17.url.rsplit("/", 1)[1]
        with psycopg.connect(pg_cluster.conninfo(dbname)) as odoo:
            odoo.execute("SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE", (db_cron(pg17),))
            report = send_now(backend, [mail.id], uid=UID)
            odoo.rollback()
        assert report.sent == [] and report.failed == {}
        assert "Email Queue Manager is running right now" in report.skipped[mail.id]
        assert report.message().endswith("1 skipped: Odoo's queue is sending them right now")
        assert mail_row(pg17, mail.id)[0] == "outgoing" and smtp.received == []
        assert send_now(backend, [mail.id], uid=UID).sent == [mail.id]


def test_mail_locked_by_another_transaction_is_skipped(pg17: Db, pg_cluster: PgCluster) -> None:
    with SmtpTestServer() as smtp:
        pg17.point_servers(smtp.port)
        mail = add_mail(pg17, email_to="x@y.test")
        dbname = pg17.url.rsplit("/", 1)[1]
        with psycopg.connect(pg_cluster.conninfo(dbname)) as other:
            other.execute("SELECT id FROM mail_mail WHERE id = %s FOR UPDATE", (mail.id,))
            report = send_now(pg17.backend(), [mail.id], uid=UID)
            other.rollback()
    assert report.skipped == {mail.id: "locked by another transaction"}
    assert report.message() == "Sent 0 mails; 1 skipped: locked by another transaction"
    assert smtp.received == []


def test_mails_scheduled_for_later_stay_queued_unless_asked(db17: Db) -> None:
    with SmtpTestServer() as smtp:
        db17.point_servers(smtp.port)
        due = add_mail(db17, email_to="due@y.test")
        later = add_mail(db17, email_to="later@y.test")
        tomorrow = (utcnow_naive() + timedelta(days=1)).replace(microsecond=0)
        db17.sql(
            "UPDATE mail_mail SET scheduled_date = :at WHERE id = :id", at=tomorrow, id=later.id
        )
        done = run_cli("--db", db17.url, "send", str(due.id), str(later.id), "--yes", "--json")
        assert done.returncode == 1, done.stderr  # one skipped
        result = json.loads(done.stdout)
        assert result["applied"] == [due.id]
        assert result["skipped"][str(later.id)].startswith(
            f"scheduled for {tomorrow:%Y-%m-%d %H:%M}"
        )
        assert result["scheduled_later"]["count"] == 1
        assert result["scheduled_later"]["first"] == tomorrow.isoformat() + "Z"
        assert mail_row(db17, later.id)[0] == "outgoing"
        assert [m["To"] for m in smtp.messages()] == ["due@y.test"]
        text_done = run_cli("--db", db17.url, "send", str(later.id), "--yes")
        assert "1 skipped: scheduled for later, left in the queue" in text_done.stdout
        assert "--include-scheduled sends those now" in text_done.stdout
        sent = run_cli("--db", db17.url, "send", str(later.id), "--include-scheduled", "--yes")
        assert sent.returncode == 0, sent.stderr
        assert mail_row(db17, later.id)[0] == "sent"


def test_report_message_summarises() -> None:
    report = SendReport(
        sent=list(range(12)),
        failed={20: "x"},
        skipped={
            30: "not outgoing any more (now 'sent')",
            31: "not outgoing any more (now 'cancel')",
        },
    )
    assert report.message() == "Sent 12 mails; 1 failed; 2 skipped: their state changed meanwhile"
