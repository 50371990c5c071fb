"""The Odoo log shipped with the sample (sample_db/odoo17_sample.log): Odoo 17's format and
wording, the same mails, reasons, Message-Ids and times as the database, and the console's
copy of it, moved in time with the copy of the database."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from console.config import sample as sample_config
from console.domain.sample_servers import SAMPLE_MARKER
from sample_db.generate import DEFAULT_ANCHOR, SAMPLE_LOG, SAMPLE_PATH
from sample_db.settings import SAMPLE_MARKER as GENERATOR_MARKER

# odoo/netsvc.py: '%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s %(perf_info)s'
HEADER = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (\d+) (INFO|WARNING|ERROR) acme_prod "
    r"(odoo\.addons\.[\w.]+): (.*)$"
)
SENT = re.compile(r"Mail with ID (\d+) and Message-Id '(<[^']+>)' successfully sent $")
FAILED = re.compile(r"failed sending mail \(id: (\d+)\) due to ")
FMT = "%Y-%m-%d %H:%M:%S.%f"


def records(text: str) -> list[tuple[datetime, str, str]]:
    """(time, logger, the record's text from its message on), oldest first."""
    out: list[tuple[datetime, str, str]] = []
    for line in text.splitlines():
        match = HEADER.match(line)
        if match is None:
            assert out, f"a continuation line before any record: {line!r}"
            when, logger, message = out[-1]
            out[-1] = (when, logger, f"{message}\n{line}")
            continue
        when = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f")
        out.append((when, match.group(4), match.group(5)))
    return out


@pytest.fixture(scope="module")
def logged() -> list[tuple[datetime, str, str]]:
    return records(SAMPLE_LOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def db() -> sqlite3.Connection:
    return sqlite3.connect(SAMPLE_PATH)


def test_every_record_in_odoo_17s_format_oldest_first(
    logged: list[tuple[datetime, str, str]],
) -> None:
    text = SAMPLE_LOG.read_text(encoding="utf-8")
    headers = [line for line in text.splitlines() if HEADER.match(line)]
    assert len(headers) == len(logged) > 1000
    # perf_info is empty outside werkzeug: each message ends with a space, before its traceback
    messages = [m.split("\nTraceback (most recent call last):")[0] for _, _, m in logged]
    assert all(m.endswith(" ") for m in messages)
    times = [when for when, _, _ in logged]
    assert times == sorted(times)
    assert times[-1] < DEFAULT_ANCHOR and times[0] > DEFAULT_ANCHOR - timedelta(days=15)


def test_sent_mails_match_the_database_or_their_trace(
    logged: list[tuple[datetime, str, str]], db: sqlite3.Connection
) -> None:
    """Odoo deletes sent campaign mails: their ids and Message-Ids are only in the log and
    in the trace the mailing keeps (mail_mail_id_int)."""
    in_db = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT m.id, m.state, g.message_id, m.create_date, m.write_date FROM mail_mail m "
            "JOIN mail_message g ON g.id = m.mail_message_id"
        )
    }
    traces = dict(db.execute("SELECT mail_mail_id_int, message_id FROM mailing_trace"))
    gone = 0
    for when, _, message in logged:
        match = SENT.match(message)
        if match is None:
            continue
        mail_id, message_id = int(match.group(1)), match.group(2)
        if mail_id in in_db:
            state, stored_id, created, written = in_db[mail_id]
            assert (state, stored_id) == ("sent", message_id)
            assert datetime.strptime(created, FMT) <= when
            assert timedelta(0) <= when - datetime.strptime(written, FMT) < timedelta(seconds=3)
        else:
            assert traces[mail_id] == message_id
            gone += 1
    assert gone >= 50


def test_failed_sends_carry_the_mails_reason_and_a_traceback(
    logged: list[tuple[datetime, str, str]], db: sqlite3.Connection
) -> None:
    reasons = dict(db.execute("SELECT id, failure_reason FROM mail_mail WHERE state = 'exception'"))
    failed = [(FAILED.match(m), m) for _, _, m in logged]
    found = {int(match.group(1)): text for match, text in failed if match is not None}
    assert len(found) >= 20
    for mail_id, text in found.items():
        reason = reasons[mail_id]
        head, traceback = text.split("\nTraceback (most recent call last):\n", 1)
        assert head == f"failed sending mail (id: {mail_id}) due to {reason} "
        assert traceback.endswith(f"MailDeliveryException: {tuple(reason.split(chr(10), 1))}")
    # A refused login, a TLS mismatch, a refused connection: Odoo 17's send() writes no line.
    unlogged = [i for i, r in reasons.items() if "Authentication failed" in r]
    assert unlogged and not any(f"(id: {i})" in m for i in unlogged for _, _, m in logged)


def test_the_queue_cron_runs_hourly_until_it_got_stuck(
    logged: list[tuple[datetime, str, str]],
) -> None:
    job = "`Mail: Email Queue Manager`"
    starts = [w for w, _, m in logged if m == f"Starting job {job}. "]
    dones = [(w, m) for w, _, m in logged if m.startswith(f"Job done: {job} (")]
    assert len(starts) == len(dones) + 1 > 300
    assert starts[-2].replace(microsecond=0) == DEFAULT_ANCHOR - timedelta(hours=3)  # lastcall
    assert starts[-1].replace(microsecond=0) == DEFAULT_ANCHOR - timedelta(hours=2)  # stuck
    for start, (done, message) in zip(starts, dones, strict=False):
        seconds = float(message.rsplit("(", 1)[1].removesuffix("s). "))
        assert abs((done - start).total_seconds() - seconds) < 0.002


def test_the_marker_is_the_consoles_and_holds_the_anchor(db: sqlite3.Connection) -> None:
    assert GENERATOR_MARKER == SAMPLE_MARKER
    value, created = db.execute(
        "SELECT value, create_date FROM ir_config_parameter WHERE key = ?", (SAMPLE_MARKER,)
    ).fetchone()
    assert datetime.fromisoformat(value) == datetime.strptime(created, FMT) == DEFAULT_ANCHOR


def test_the_console_copies_the_log_moved_like_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    copy = sample_config.sample_database_path()
    log = sample_config.sample_log_path()
    assert (copy.stat().st_mode & 0o777, log.stat().st_mode & 0o777) == (0o600, 0o600)
    with sqlite3.connect(copy) as conn:
        written = dict(conn.execute("SELECT id, write_date FROM mail_mail WHERE state = 'sent'"))
    copied = records(log.read_text(encoding="utf-8"))
    lines = [(when, SENT.match(m)) for when, _, m in copied]
    sent = [(when, int(m.group(1))) for when, m in lines if m and int(m.group(1)) in written]
    assert len(sent) > 100
    for when, mail_id in sent:
        assert (
            timedelta(0) <= when - datetime.strptime(written[mail_id], FMT) < timedelta(seconds=3)
        )
    assert len(copied) == len(records(SAMPLE_LOG.read_text(encoding="utf-8")))

    # A copy made by an older version (no marker: real providers' hosts) is replaced.
    log.unlink()
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM ir_config_parameter WHERE key = ?", (SAMPLE_MARKER,))
        conn.execute("UPDATE ir_mail_server SET smtp_host = 'smtp-relay.brevo.com'")
    assert sample_config.sample_database_path() == copy
    with sqlite3.connect(copy) as conn:
        hosts = {h for (h,) in conn.execute("SELECT smtp_host FROM ir_mail_server")}
    assert hosts == {"smtp-relay.brevo.example", "smtp.office365.example"} and log.is_file()
