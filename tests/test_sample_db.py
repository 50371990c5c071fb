"""The sample database generator: Odoo's shape per version and the on-call scenario (SQLite)."""

from __future__ import annotations

import ast
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from sample_db.generate import DEFAULT_ANCHOR, SAMPLE_LOG, SAMPLE_PATH, build_database
from tests.helpers.reserved_names import public_names

VERSIONS = (16, 17, 18, 19)
A = DEFAULT_ANCHOR
FMT = "%Y-%m-%d %H:%M:%S.%f"

# Phrases of the failure catalogue (docs/failures.md), one tuple per family.
FAMILIES: dict[str, tuple[str, ...]] = {
    "sender identity (550 send-as)": ("send as this sender", "verified Sender Identity"),
    "authentication (535)": ("Authentication failed", "Username and Password not accepted"),
    "relay denied (554/553)": ("Relay access denied", "Relaying disallowed", "not owned by user"),
    "throttling (421)": ("421\n", "Too many connections"),
    "too many recipients (452)": ("4.5.3 Too many recipients",),
    "TLS mismatch": ("WRONG_VERSION_NUMBER",),
    "connection refused": ("Connection refused",),
    "Microsoft 365 (530 5.7.57)": ("5.7.57",),
    "no recipient placeholder": ("Error without exception",),
    "session dropped": ("SMTPServerDisconnected",),
    "unknown mailbox (5.1.1)": ("5.1.1",),
}


def _build(path: Path, version: int, **kw: object) -> sqlite3.Connection:
    build_database(f"sqlite:///{path}", version=version, **kw)  # type: ignore[arg-type]
    return sqlite3.connect(path)


@pytest.fixture(scope="module", params=VERSIONS, ids=[f"odoo{v}" for v in VERSIONS])
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[int, sqlite3.Connection]]:
    version: int = request.param
    conn = _build(tmp_path_factory.mktemp(f"odoo{version}") / "db.sqlite", version)
    yield version, conn
    conn.close()


def ts(value: str) -> datetime:
    return datetime.strptime(value, FMT)


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def test_foreign_keys_hold(db: tuple[int, sqlite3.Connection]) -> None:
    _, conn = db
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_every_state_present_and_base_rows(db: tuple[int, sqlite3.Connection]) -> None:
    version, conn = db
    states = dict(conn.execute("SELECT state, count(*) FROM mail_mail GROUP BY state").fetchall())
    assert set(states) == {"outgoing", "sent", "received", "exception", "cancel"}
    assert sum(states.values()) == 400
    base = conn.execute("SELECT latest_version FROM ir_module_module WHERE name='base'").fetchone()
    assert base == (f"{version}.0.1.3",)
    admin = conn.execute(
        "SELECT u.login, p.email FROM res_users u "
        "JOIN res_partner p ON p.id = u.partner_id WHERE u.id = 2"
    ).fetchone()
    assert admin == ("admin", "admin@example.com")
    assert conn.execute("SELECT count(*) FROM res_partner WHERE partner_share").fetchone()[0] >= 60
    assert (
        conn.execute(
            "SELECT count(*) FROM res_partner WHERE email IS NULL AND partner_share"
        ).fetchone()[0]
        == 1
    )


def test_at_least_40_failures_in_8_families(db: tuple[int, sqlite3.Connection]) -> None:
    _, conn = db
    reasons = [
        r for (r,) in conn.execute("SELECT failure_reason FROM mail_mail WHERE state='exception'")
    ]
    assert len(reasons) >= 40
    seen = {
        name for name, phrases in FAMILIES.items() for r in reasons if any(p in r for p in phrases)
    }
    assert len(seen) >= 8, seen
    assert all(r for r in reasons)


def test_failure_vocabulary_per_version(db: tuple[int, sqlite3.Connection]) -> None:
    version, conn = db
    wrapped = conn.execute(
        "SELECT DISTINCT failure_type FROM mail_mail "
        "WHERE failure_reason LIKE 'Mail Delivery Failed%'"
    ).fetchall()
    assert wrapped == ([(None,)] if version <= 16 else [("unknown",)])
    connect = conn.execute(
        "SELECT DISTINCT m.failure_type, n.failure_type FROM mail_mail m "
        "JOIN mail_notification n ON n.mail_mail_id = m.id "
        "WHERE m.failure_reason LIKE '535%' OR m.failure_reason LIKE '111%'"
    ).fetchall()
    assert connect == [(None, "mail_smtp")]
    placeholders = conn.execute(
        "SELECT DISTINCT n.failure_type FROM mail_mail m "
        "JOIN mail_notification n ON n.mail_mail_id = m.id "
        "WHERE m.failure_reason LIKE 'Error without exception%'"
    ).fetchall()
    assert {p for (p,) in placeholders} <= {"mail_email_invalid", "mail_email_missing", "unknown"}
    statuses = {
        s for (s,) in conn.execute("SELECT DISTINCT notification_status FROM mail_notification")
    }
    vocabulary = {"ready", "sent", "bounce", "exception", "canceled"}
    if version >= 17:
        vocabulary |= {"process", "pending"}
    assert {"ready", "sent", "bounce", "exception", "canceled"} <= statuses <= vocabulary
    traces = {s for (s,) in conn.execute("SELECT DISTINCT trace_status FROM mailing_trace")}
    assert {"sent", "open", "error", "cancel", "bounce"} <= traces


def test_failed_mails_have_failed_notifications_or_traces(
    db: tuple[int, sqlite3.Connection],
) -> None:
    _, conn = db
    orphan_notification_mails = conn.execute(
        "SELECT m.id FROM mail_mail m WHERE m.state = 'exception' AND m.is_notification "
        "AND NOT EXISTS (SELECT 1 FROM mail_notification n WHERE n.mail_mail_id = m.id "
        "AND n.notification_type = 'email' AND n.notification_status = 'exception')"
    ).fetchall()
    assert orphan_notification_mails == []
    orphan_campaign_mails = conn.execute(
        "SELECT m.id FROM mail_mail m WHERE m.state = 'exception' AND NOT m.is_notification "
        "AND NOT EXISTS (SELECT 1 FROM mailing_trace t "
        "WHERE t.mail_mail_id = m.id AND t.trace_status = 'error')"
    ).fetchall()
    assert orphan_campaign_mails == []
    mismatched = conn.execute(
        "SELECT m.state, n.notification_status, count(*) FROM mail_mail m "
        "JOIN mail_notification n ON n.mail_mail_id = m.id AND n.notification_type = 'email' "
        "GROUP BY 1, 2"
    ).fetchall()
    pairs = {(s, n) for s, n, _ in mismatched}
    assert ("outgoing", "ready") in pairs and ("sent", "sent") in pairs
    assert not {p for p in pairs if p[0] == "outgoing" and p[1] != "ready"}


def test_auth_outage_in_the_last_hour(db: tuple[int, sqlite3.Connection]) -> None:
    _, conn = db
    rows = conn.execute(
        "SELECT m.write_date FROM mail_mail m WHERE m.failure_reason LIKE '535%'"
    ).fetchall()
    recent = [r for (r,) in rows if A - timedelta(hours=1) <= ts(r) <= A]
    assert len(recent) >= 12


def test_head_campaign_is_stuck_sending(db: tuple[int, sqlite3.Connection]) -> None:
    _, conn = db
    now = A.strftime(FMT)
    queue = conn.execute(
        "SELECT id, state FROM mailing_mailing WHERE state IN ('in_queue', 'sending') "
        "AND (schedule_date < ? OR schedule_date IS NULL) ORDER BY calendar_date DESC",
        (now,),
    ).fetchall()
    assert len(queue) >= 3
    head_id, head_state = queue[0]
    assert head_state == "sending"
    (last_trace,) = conn.execute(
        "SELECT max(create_date) FROM mailing_trace WHERE mass_mailing_id = ?", (head_id,)
    ).fetchone()
    assert timedelta(hours=5, minutes=30) < A - ts(last_trace) < timedelta(hours=7)
    (name,) = conn.execute(
        "SELECT s.name FROM mailing_mailing m "
        "JOIN utm_source s ON s.id = m.source_id WHERE m.id = ?",
        (head_id,),
    ).fetchone()
    assert name == "Black Friday 2026"
    not_due = conn.execute(
        "SELECT count(*) FROM mailing_mailing WHERE state = 'in_queue' AND schedule_date > ? "
        "AND calendar_date > (SELECT calendar_date FROM mailing_mailing WHERE id = ?)",
        (now, head_id),
    ).fetchone()[0]
    assert not_due == 1  # a naive ORDER BY calendar_date DESC would pick it
    states = {s for (s,) in conn.execute("SELECT state FROM mailing_mailing")}
    assert {"done", "draft", "in_queue", "sending"} <= states
    with_mails = conn.execute(
        "SELECT count(*) FROM mail_mail WHERE mailing_id = ?", (head_id,)
    ).fetchone()
    assert with_mails[0] > 0


def test_campaign_recipients_can_be_counted(db: tuple[int, sqlite3.Connection]) -> None:
    version, conn = db
    table = "mailing_contact_list_rel" if version <= 16 else "mailing_subscription"
    counts = conn.execute(
        f"SELECT r.mailing_mailing_id, count(*) FROM mail_mass_mailing_list_rel r "
        f"JOIN {table} s ON s.list_id = r.mailing_list_id AND NOT s.opt_out GROUP BY 1"
    ).fetchall()
    assert len(counts) >= 6 and all(n > 0 for _, n in counts)


def test_queue_cron_is_overdue(db: tuple[int, sqlite3.Connection]) -> None:
    version, conn = db
    row = conn.execute(
        "SELECT c.nextcall, c.lastcall, c.interval_number, c.interval_type, c.active, "
        "c.cron_name, a.code "
        "FROM ir_model_data d JOIN ir_cron c ON c.id = d.res_id "
        "JOIN ir_act_server a ON a.id = c.ir_actions_server_id "
        "WHERE d.module = 'mail' AND d.name = 'ir_cron_mail_scheduler_action'"
    ).fetchone()
    nextcall, lastcall, number, unit, active, name, code = row
    assert ts(nextcall) == A - timedelta(hours=2) and ts(lastcall) == A - timedelta(hours=3)
    assert (number, unit, active) == (1, "hours", 1)
    assert ("Mail: Email Queue Manager" in name) and code.startswith("model.process_email_queue(")
    if version <= 16:
        assert name == '{"en_US": "Mail: Email Queue Manager"}'
    action = conn.execute(
        "SELECT a.name, a.usage, a.state FROM ir_model_data d "
        "JOIN ir_act_server a ON a.id = d.res_id "
        "WHERE d.name = 'ir_cron_mail_scheduler_action_ir_actions_server'"
    ).fetchone()
    assert action == ('{"en_US": "Mail: Email Queue Manager"}', "ir_cron", "code")
    if version >= 18:
        failing = conn.execute("SELECT count(*) FROM ir_cron WHERE failure_count > 0").fetchone()
        assert failing == (1,)
    assert conn.execute("SELECT count(*) FROM ir_cron_trigger").fetchone()[0] >= 2


def test_version_specific_columns(db: tuple[int, sqlite3.Connection]) -> None:
    version, conn = db
    tables = {r for (r,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    cron = columns(conn, "ir_cron")
    assert ("numbercall" in cron) == (version <= 17) and ("failure_count" in cron) == (
        version >= 18
    )
    assert ("ir_cron_progress" in tables) == (version >= 18)
    assert ("mail_alias_domain" in tables) == (version >= 17)
    assert ("to_delete" in columns(conn, "mail_mail")) == (version <= 16)
    assert ("failure_reason" in columns(conn, "mailing_trace")) == (version >= 17)
    partner = columns(conn, "res_partner")
    assert ("display_name" in partner) == (version <= 16) and ("complete_name" in partner) == (
        version >= 17
    )
    assert ("mail_email_address" in columns(conn, "mail_notification")) == (version >= 19)
    assert ("outgoing_email_to" in columns(conn, "mail_message")) == (version >= 19)
    assert ("owner_user_id" in columns(conn, "ir_mail_server")) == (version >= 19)
    assert ("max_email_size" in columns(conn, "ir_mail_server")) == (version >= 18)
    assert ("mailing_subscription" in tables) == (version >= 17)
    assert ("mailing_contact_list_rel" in tables) == (version <= 16)
    params = dict(conn.execute("SELECT key, value FROM ir_config_parameter").fetchall())
    assert ("mail.catchall.domain" in params) == (version <= 16)
    message_types = {t for (t,) in conn.execute("SELECT DISTINCT message_type FROM mail_message")}
    assert ("email_outgoing" in message_types) == (version >= 17)


def test_tracking_tables_and_catalog_rows(db: tuple[int, sqlite3.Connection]) -> None:
    """What Odoo's chatter tracking needs: 16's or 17+'s mail_tracking_value, the fields."""
    version, conn = db
    tracking = columns(conn, "mail_tracking_value")
    old_style = {"field", "field_desc", "field_type", "tracking_sequence", "old_value_monetary"}
    assert old_style <= tracking if version <= 16 else not old_style & tracking
    assert ({"field_id", "field_info"} <= tracking) == (version >= 17)
    assert tracking >= {"mail_message_id", "old_value_char", "new_value_datetime", "currency_id"}
    notes = conn.execute(
        "SELECT s.name FROM ir_model_data d JOIN mail_message_subtype s ON s.id = d.res_id "
        "WHERE d.module = 'mail' AND d.name = 'mt_note'"
    ).fetchall()
    assert notes == [('{"en_US": "Note"}',)]
    fields = conn.execute(
        "SELECT f.name, f.ttype, f.tracking FROM ir_model_fields f "
        "JOIN ir_model m ON m.id = f.model_id "
        "WHERE m.model = 'mailing.mailing' AND f.model = m.model ORDER BY f.name"
    ).fetchall()
    assert fields == [("schedule_date", "datetime", 100), ("state", "selection", 100)]
    labels = conn.execute(
        "SELECT s.value, s.name FROM ir_model_fields_selection s "
        "JOIN ir_model_fields f ON f.id = s.field_id WHERE f.name = 'state' ORDER BY s.sequence"
    ).fetchall()
    assert [v for v, _ in labels] == ["draft", "in_queue", "sending", "done"]
    assert labels[1][1] == '{"en_US": "In Queue"}'


def test_mail_values_look_like_odoo(db: tuple[int, sqlite3.Connection]) -> None:
    _, conn = db
    pattern = re.compile(r"^<\d{15}\.\d+\.\d{15}-openerp-(\d+-[a-z_.]+|private)@[\w.-]+>$")
    ids = [
        m
        for (m,) in conn.execute(
            "SELECT message_id FROM mail_message WHERE message_type != 'email'"
        )
    ]
    assert ids and all(pattern.match(m) for m in ids)
    for (headers,) in conn.execute("SELECT headers FROM mail_mail WHERE headers IS NOT NULL"):
        assert ast.literal_eval(headers)["Return-Path"] == "bounce@acme-shop.example"
    pdfs = conn.execute(
        "SELECT count(*) FROM ir_attachment a "
        "JOIN message_attachment_rel r ON r.attachment_id = a.id "
        "WHERE substr(a.db_datas, 1, 5) = CAST('%PDF-' AS BLOB)"
    ).fetchone()[0]
    assert pdfs >= 5
    future = conn.execute(
        "SELECT count(*) FROM mail_mail WHERE state = 'outgoing' AND scheduled_date > ?",
        (A.strftime(FMT),),
    ).fetchone()[0]
    assert future >= 3
    servers = conn.execute(
        "SELECT name, smtp_host, smtp_port, from_filter, sequence FROM ir_mail_server"
    ).fetchall()
    assert ("Brevo relay", "smtp-relay.brevo.example", 587, "acme-shop.example", 10) in servers
    assert ("Office 365", "smtp.office365.example", 587, None, 20) in servers


def test_same_seed_same_rows_other_seed_other_rows(tmp_path: Path) -> None:
    def dump(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
        return conn.execute(
            "SELECT m.*, g.subject, g.message_id FROM mail_mail m "
            "JOIN mail_message g ON g.id = m.mail_message_id ORDER BY m.id"
        ).fetchall()

    first = dump(_build(tmp_path / "a.sqlite", 18))
    again = dump(_build(tmp_path / "b.sqlite", 18))
    other = dump(_build(tmp_path / "c.sqlite", 18, seed=8))
    assert first == again
    assert first != other


def test_mails_option_scales_the_bulk(tmp_path: Path) -> None:
    conn = _build(tmp_path / "big.sqlite", 17, mails=3000)
    total = conn.execute("SELECT count(*) FROM mail_mail").fetchone()[0]
    assert total == 3000
    failed = conn.execute("SELECT count(*) FROM mail_mail WHERE state = 'exception'").fetchone()[0]
    assert 60 < failed < 400
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    order = conn.execute(
        "SELECT count(*) FROM mail_mail a JOIN mail_mail b ON b.id = a.id + 1 "
        "WHERE b.create_date < a.create_date"
    ).fetchone()[0]
    assert order == 0  # ids grow with create_date


def test_committed_sample_is_a_fresh_build(tmp_path: Path) -> None:
    assert SAMPLE_PATH.stat().st_size < 2 * 1024 * 1024
    fresh = tmp_path / "fresh.sqlite"
    build_database(f"sqlite:///{fresh}", version=17, log_path=tmp_path / "fresh.log")
    assert SAMPLE_LOG.read_bytes() == (tmp_path / "fresh.log").read_bytes(), (
        "odoo17_sample.log drifted: run `python -m sample_db.generate`"
    )
    committed = sa.create_engine(f"sqlite:///{SAMPLE_PATH}")
    rebuilt = sa.create_engine(f"sqlite:///{fresh}")
    with committed.connect() as old, rebuilt.connect() as new:
        old_tables = sa.inspect(old).get_table_names()
        assert old_tables == sa.inspect(new).get_table_names()
        for table in old_tables:
            query = sa.text(f'SELECT * FROM "{table}" ORDER BY 1, 2')
            assert old.execute(query).all() == new.execute(query).all(), (
                f"{table} drifted: run `python -m sample_db.generate`"
            )


# -- reserved names only -----------------------------------------------------------------
def test_the_scan_sees_real_names() -> None:
    text = (
        "Smtp: smtp-relay.brevo.com:587, <a@Gmail.COM>, x@@free.fr, https://erp.acme.fr/web, "
        "[185.107.232.21], mail.mail sale.order S00041.pdf odoo.addons.mail smtplib.py 17.0.1.3"
    )
    assert public_names(text) == {
        "smtp-relay.brevo.com", "Gmail.COM", "free.fr", "erp.acme.fr", "185.107.232.21", "17.0.1.3",
    }  # fmt: skip
    safe = "a@b.example, c@d.invalid <e@example.com> https://erp.x.example/ [203.0.113.21] j@orange"
    assert public_names(safe) == set()


def test_the_sample_names_reserved_hosts_and_domains_only() -> None:
    """Every text of every table of the bundled sample, and its Odoo log: a Send now or a
    probe on it on a laptop with a network can reach no real server and no stranger."""
    conn = sqlite3.connect(SAMPLE_PATH)
    found: dict[str, set[str]] = {}
    hosts: list[str] = []  # the servers' hosts, as the scan met them
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for column in columns(conn, table):
            if (table, column) == ("ir_module_module", "latest_version"):
                continue  # 17.0.1.3 is a version, not an address
            query = f'SELECT "{column}" FROM "{table}" WHERE typeof("{column}") = \'text\''
            for (value,) in conn.execute(query):
                if column in ("smtp_host", "server"):
                    hosts.append(value)
                if names := public_names(value):
                    found.setdefault(f"{table}.{column}", set()).update(names)
    conn.close()
    if names := public_names(SAMPLE_LOG.read_text(encoding="utf-8")):
        found[SAMPLE_LOG.name] = names
    assert found == {}
    assert sorted(hosts) == [
        "imap.gmail.example", "smtp-relay.brevo.example", "smtp.office365.example",
    ]  # fmt: skip
