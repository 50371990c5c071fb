"""Log search over real files built here in Odoo's and odoo.sh's shapes: rotated, gzipped,
date-suffixed, a 200 MB one (memory measured in a fresh interpreter), tracebacks, binary
junk, --since/--grep/--mail, and --follow across a rotation."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from console.services.support.logfollow import follow_log
from console.services.support.logread import reverse_blocks_gzip
from console.services.support.logs import (
    LogQuery,
    LogRecord,
    discover_log_files,
    parse_since,
    search_log,
)
from tests.helpers.cli import ROOT
from tests.helpers.cli import run_cli as run
from tests.helpers.db import MakeDb
from tests.helpers.mails import add_mail

T0 = datetime(2024, 11, 26, 0, 0, 0)
MAIL = "odoo.addons.mail.models.mail_mail"
WEB = "werkzeug"


def line(at: datetime, logger: str, message: str, level: str = "INFO", db: str = "prod") -> str:
    stamp = at.strftime("%Y-%m-%d %H:%M:%S") + f",{at.microsecond // 1000:03d}"
    return f"{stamp} 4242 {level} {db} {logger}: {message}\n"


def write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def numbered_log(start: int, count: int, *, every: int = 7) -> str:
    """`count` seconds of records; every `every`-th one is a mail record numbered `n`."""
    out = []
    for n in range(start, start + count):
        at = T0 + timedelta(seconds=n)
        if n % every == 0:
            out.append(
                line(at, MAIL, f"Mail with ID {n} and Message-Id '<m{n}@x>' successfully sent")
            )
        else:
            out.append(line(at, WEB, f'127.0.0.1 - - "POST /web/dataset/call_kw/{n} HTTP/1.1" 200'))
    return "".join(out)


def numbers(records: list[LogRecord]) -> list[int]:
    return [int(r.message.split()[3]) for r in records]


# -- files and order ----------------------------------------------------------------------
def test_odoo_rotation_newest_first_across_plain_and_gzip(tmp_path: Path) -> None:
    write(tmp_path / "odoo.log.3.gz", numbered_log(0, 1000))
    write(tmp_path / "odoo.log.2.gz", numbered_log(1000, 1000))
    write(tmp_path / "odoo.log.1", numbered_log(2000, 1000))
    write(tmp_path / "odoo.log", numbered_log(3000, 500))
    write(tmp_path / "odoo.log.bak", "not a rotation\n")
    files = discover_log_files(tmp_path / "odoo.log")
    assert [f.name for f in files] == ["odoo.log", "odoo.log.1", "odoo.log.2.gz", "odoo.log.3.gz"]
    assert discover_log_files(tmp_path) == files
    found = numbers(list(search_log(files, LogQuery())))
    assert found == list(range(3493, -1, -7))  # every mail record, strictly newest first
    every = list(search_log(files, LogQuery(everything=True)))
    assert len(every) == 3500
    stamps = [r.when for r in every]
    assert stamps == sorted(stamps, key=lambda t: t or T0, reverse=True)
    sources = [r.source for r in every][::1000]
    assert sources == ["odoo.log", "odoo.log.1", "odoo.log.2.gz", "odoo.log.3.gz"]


def test_odoo_sh_shape_with_date_suffixes(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    write(logs / "odoo.log", numbered_log(300, 100))
    write(logs / "odoo.log.2024-11-25.gz", numbered_log(0, 100))
    write(logs / "odoo.log.2024-11-26", numbered_log(200, 100))
    write(logs / "odoo.log-20241125b.gz", "ignored\n")
    write(logs / "install.log", numbered_log(0, 10))
    write(logs / "pip.log", "Collecting x\n")
    files = discover_log_files(logs)
    assert [f.name for f in files] == ["odoo.log", "odoo.log.2024-11-26", "odoo.log.2024-11-25.gz"]
    expected = [n for n in range(399, -1, -1) if n % 7 == 0 and n // 100 != 1]
    assert numbers(list(search_log(files, LogQuery()))) == expected


def test_gzip_checkpoints_and_multi_member(tmp_path: Path) -> None:
    text = numbered_log(0, 20000)
    path = tmp_path / "odoo.log.1.gz"
    half = len(text) // 2
    path.write_bytes(gzip.compress(text[:half].encode()) + gzip.compress(text[half:].encode()))
    for options in ({}, {"step": 4096, "max_marks": 4, "max_segment": 16384, "block": 1000}):
        blocks = list(reverse_blocks_gzip(path, **options))
        assert b"".join(reversed(blocks)) == text.encode()
        assert max(len(b) for b in blocks) <= (options.get("block") or 256 * 1024)


# -- the big one ---------------------------------------------------------------------------
BIG_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from console.services.support.logs import LogQuery, discover_log_files, search_log

def peak_kb():  # VmHWM: this process image's peak RSS (ru_maxrss survives fork+exec)
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1])
    raise SystemExit("no VmHWM")

folder = Path(sys.argv[1])
baseline = peak_kb()
started = time.monotonic()
files = discover_log_files(folder / "odoo.log")
found = [(r.source, r.message) for r in search_log(files, LogQuery(grep="needle-"))]
print(json.dumps({
    "found": found, "seconds": time.monotonic() - started,
    "baseline_kb": baseline, "peak_kb": peak_kb(),
}))
"""


def big_text(start: datetime, lines: int, needles: dict[int, str]) -> Iterator[str]:
    padding = "x" * 900
    for n in range(lines):
        at = start + timedelta(milliseconds=10 * n)
        if n in needles:
            yield line(at, MAIL, needles[n], level="ERROR")
        else:
            yield line(at, WEB, f"GET /web/{n} {padding}")


def test_200mb_log_memory_stays_flat_and_order_holds(tmp_path: Path) -> None:
    older = T0
    big_start = T0 + timedelta(days=1)
    newest = T0 + timedelta(days=2)
    needles = {0: "needle-g0", 59_999: "needle-g1"}
    write(tmp_path / "odoo.log.2.gz", "".join(big_text(older, 60_000, needles)))
    big = tmp_path / "odoo.log.1"
    lines = 215_000  # about 200 MB
    with big.open("w", encoding="utf-8") as handle:
        chunk: list[str] = []
        for text in big_text(
            big_start, lines, {0: "needle-b0", 100_000: "needle-b1", lines - 1: "needle-b2"}
        ):
            chunk.append(text)
            if len(chunk) == 10_000:
                handle.write("".join(chunk))
                chunk = []
        handle.write("".join(chunk))
    assert big.stat().st_size > 200 * 1000 * 1000
    write(tmp_path / "odoo.log", "".join(big_text(newest, 100, {50: "needle-n0"})))
    done = subprocess.run(
        [sys.executable, "-c", BIG_SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [m for _s, m in result["found"]] == [
        "needle-n0",
        "needle-b2",
        "needle-b1",
        "needle-b0",
        "needle-g1",
        "needle-g0",
    ]
    assert [s for s, _m in result["found"]][:2] == ["odoo.log", "odoo.log.1"]
    grown_mb = (result["peak_kb"] - result["baseline_kb"]) / 1024
    assert grown_mb < 30, f"memory grew by {grown_mb:.0f} MB reading a 200 MB log"
    assert result["peak_kb"] < 80 * 1024


# -- filters -------------------------------------------------------------------------------
def traceback_record(at: datetime, mail_id: int) -> str:
    return line(
        at, MAIL, f"failed sending mail (id: {mail_id}) due to Connection refused", level="ERROR"
    ) + (
        "Traceback (most recent call last):\n"
        '  File "/opt/odoo/addons/mail/models/mail_mail.py", line 620, in _send\n'
        "    res = SendIrMailServer.send_email(\n"
        "ConnectionRefusedError: [Errno 111] Connection refused\n"
    )


def test_tracebacks_grep_mail_since_and_binary(tmp_path: Path) -> None:
    at = T0 + timedelta(hours=10)
    cron = "odoo.addons.base.models.ir_cron"
    server = "odoo.addons.base.models.ir_mail_server"
    other = "Mail with ID 47110 and Message-Id '<other@x>' successfully sent"
    failed_via = "Mail delivery failed via SMTP server 'relay'. Message-Id <abc.4711@odoo-prod>"
    text = "".join(
        [
            line(at, cron, "Starting job `Mail: Email Queue Manager`."),
            traceback_record(at + timedelta(seconds=1), 4711),
            line(at + timedelta(seconds=2), MAIL, other),
            line(at + timedelta(seconds=3), server, failed_via),
            line(at + timedelta(seconds=4), cron, "Starting job `Base: Auto-vacuum`."),
            line(at + timedelta(seconds=5), WEB, "GET /web 200"),
            line(at + timedelta(seconds=6), MAIL, "Sent batch 12 emails via mail server ID #2"),
        ]
    )
    junk = os.urandom(300).replace(b"\n", b"")
    binary = b"\x00\x01\x02\xff\xfe garbage \x1b[31mred\x1b[0m " + junk
    last = line(at + timedelta(seconds=7), MAIL, "after the junk").encode()
    path = tmp_path / "odoo.log"
    path.write_bytes(text.encode() + binary + b"\n" + b"Z" * 100_000 + b"\n" + last)
    files = [path]
    default = list(search_log(files, LogQuery()))
    messages = [r.message for r in default]
    assert messages[0] == "after the junk"
    assert "Sent batch 12 emails via mail server ID #2" in messages
    assert "Starting job `Mail: Email Queue Manager`." in messages
    assert "Starting job `Base: Auto-vacuum`." not in messages and "GET /web 200" not in messages
    failed = next(r for r in default if "(id: 4711)" in r.message)
    assert failed.level == "ERROR" and failed.logger == MAIL
    assert failed.lines[0] == "Traceback (most recent call last):"
    assert failed.lines[-1] == "ConnectionRefusedError: [Errno 111] Connection refused"
    assert failed.when == at + timedelta(seconds=1)
    # --grep matches a traceback line and returns the whole record
    (hit,) = search_log(files, LogQuery(grep="connectionrefusederror"))
    assert hit.message.startswith("failed sending mail (id: 4711)")
    # --mail: the id patterns and the Message-Id, not ID 47110
    by_mail = list(search_log(files, LogQuery(mail_id=4711, message_id="<abc.4711@odoo-prod>")))
    assert [r.logger for r in by_mail] == ["odoo.addons.base.models.ir_mail_server", MAIL]
    # --since
    since = list(search_log(files, LogQuery(everything=True, since=at + timedelta(seconds=5))))
    assert [r.when for r in since if r.when][-1] == at + timedelta(seconds=5)
    # the binary line and the 100 KB line are shown safely
    every = list(search_log(files, LogQuery(everything=True)))
    junk = [r for r in every if r.when is None]
    assert not junk  # they continue the record before them...
    record = next(r for r in every if r.message == "Sent batch 12 emails via mail server ID #2")
    assert record.lines[0].startswith("[binary data, ")
    assert "bytes cut" in record.lines[1] and len(record.lines[1]) < 20_000
    for shown in [record.header, *record.lines]:
        assert all(ch.isprintable() for ch in shown), shown


def test_orphan_lines_and_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "odoo.log"
    path.write_bytes(b"continued from the rotated file\n" + line(T0, MAIL, "first").encode())
    records = list(search_log([path], LogQuery(everything=True)))
    assert [r.message for r in records] == ["first", "continued from the rotated file"]
    assert records[1].when is None
    blob = tmp_path / "binary.log"
    blob.write_bytes(os.urandom(3_000_000).replace(b"\n", b"\x00"))
    (record,) = search_log([blob], LogQuery(everything=True))
    assert record.binary and len(record.header) < 300


def test_parse_since() -> None:
    now = datetime(2024, 11, 26, 12, 0, tzinfo=UTC)
    paris = ZoneInfo("Europe/Paris")
    assert parse_since("2h", now=now) == datetime(2024, 11, 26, 10, 0)
    assert parse_since("30m", now=now) == datetime(2024, 11, 26, 11, 30)
    assert parse_since("1d", now=now) == datetime(2024, 11, 25, 12, 0)
    assert parse_since("2024-11-26 10:00", now=now, tz=paris) == datetime(2024, 11, 26, 9, 0)
    assert parse_since("2024-11-26T10:00:00Z", now=now, tz=paris) == datetime(2024, 11, 26, 10, 0)
    assert parse_since("10:00", now=now, tz=paris) == datetime(2024, 11, 26, 9, 0)
    with pytest.raises(ValueError, match="not a time"):
        parse_since("yesterday-ish", now=now)


def test_since_stops_before_older_files(tmp_path: Path) -> None:
    write(tmp_path / "odoo.log", numbered_log(2000, 100))
    write(tmp_path / "odoo.log.1", numbered_log(1000, 1000))
    files = discover_log_files(tmp_path / "odoo.log")
    never_opened = tmp_path / "odoo.log.2.gz"  # does not exist: opening it would say so
    since = T0 + timedelta(seconds=1500)
    found = list(search_log([*files, never_opened], LogQuery(everything=True, since=since)))
    assert found[-1].when == since and len(found) == 600
    assert {r.source for r in found} == {"odoo.log", "odoo.log.1"}
    # without --since every file is read, and an unreadable one is reported, not fatal
    every = list(search_log([*files, never_opened], LogQuery(everything=True)))
    assert every[-1].source == "odoo.log.2.gz" and every[-1].message.startswith("cannot read")


# -- follow --------------------------------------------------------------------------------
def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_follow_across_rotation(tmp_path: Path) -> None:
    path = tmp_path / "odoo.log"
    write(path, numbered_log(0, 10))
    seen: list[LogRecord] = []
    stop = threading.Event()
    polls = [0]  # how many times follow_log asked whether to stop (once per round)

    def writer() -> None:
        # The follower opens the file (at its end) in its first round: append after it.
        if not wait_until(lambda: polls[0] >= 2):
            return
        with path.open("a") as handle:
            handle.write(traceback_record(T0 + timedelta(seconds=100), 100))
            handle.flush()
        if not wait_until(lambda: len(seen) >= 1):  # handed out once the file went quiet
            return
        path.rename(tmp_path / "odoo.log.1")
        with path.open("w") as handle:
            handle.write(line(T0 + timedelta(seconds=200), MAIL, "Mail with ID 200 after rotation"))
            handle.flush()
            if not wait_until(lambda: len(seen) >= 2):  # the new file was found and read
                return
            handle.write(line(T0 + timedelta(seconds=201), WEB, "GET /web 200"))
            handle.write(line(T0 + timedelta(seconds=202), MAIL, "Mail with ID 202 last"))

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 20

    def should_stop() -> bool:
        polls[0] += 1
        return stop.is_set() or time.monotonic() > deadline

    for record in follow_log(path, LogQuery(), poll=0.05, should_stop=should_stop):
        seen.append(record)
        if len(seen) == 3:
            stop.set()
    thread.join()
    assert [r.message.split(" due")[0] for r in seen] == [
        "failed sending mail (id: 100)",
        "Mail with ID 200 after rotation",
        "Mail with ID 202 last",
    ]
    assert seen[0].lines[-1] == "ConnectionRefusedError: [Errno 111] Connection refused"


# -- CLI -------------------------------------------------------------------------------------


def test_cli_logs(tmp_path: Path) -> None:
    write(tmp_path / "odoo.log", numbered_log(100, 50))
    write(tmp_path / "odoo.log.1.gz", numbered_log(0, 100))
    done = run("logs", "--log", str(tmp_path), "--limit", "3")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "==> odoo.log <=="
    assert "Mail with ID 147 " in out[1] and "Mail with ID 140 " in out[2]
    assert "3 records, newest first" in done.stdout
    done = run("logs", "--log", str(tmp_path / "odoo.log"), "--grep", "ID 98 ", "--json")
    assert done.returncode == 0, done.stderr
    (record,) = json.loads(done.stdout)
    assert record["source"] == "odoo.log.1.gz" and record["time"] == "2024-11-26T00:01:38Z"
    done = run("logs", "--log", str(tmp_path), "--grep", "no such text")
    assert done.returncode == 1 and "No matching" in done.stdout
    done = run("logs", "--log", str(tmp_path / "missing"))
    assert done.returncode == 2


def test_cli_logs_mail_uses_the_message_id(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    try:
        mail_id = add_mail(db, email_to="x@example.org").id
        (message_id,) = db.sql(
            "SELECT msg.message_id FROM mail_mail m JOIN mail_message msg "
            "ON msg.id = m.mail_message_id WHERE m.id = :id",
            id=mail_id,
        )[0]
    finally:
        db.close()
    at = T0
    write(
        tmp_path / "odoo.log",
        line(at, "odoo.addons.base.models.ir_mail_server", f"sent {message_id} via relay")
        + line(at, MAIL, f"failed sending mail (id: {mail_id}) due to boom", level="ERROR")
        + line(at, MAIL, "failed sending mail (id: 1) due to boom", level="ERROR"),
    )
    done = run("logs", "--log", str(tmp_path), "--mail", str(mail_id), "--db", db.url, "--json")
    assert done.returncode == 0, done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    assert [r["message"].split(" due")[0] for r in found] == [
        f"failed sending mail (id: {mail_id})",
        f"sent {message_id} via relay",
    ]


def test_cli_follow_prints_recent_then_new(tmp_path: Path) -> None:
    import argparse

    from console.cli.logs import run_logs

    path = write(tmp_path / "odoo.log", numbered_log(0, 30))
    printed: list[str] = []
    started = time.monotonic()
    polls = [0]

    def should_stop() -> bool:
        polls[0] += 1
        return any("ID 1001 " in p for p in printed) or time.monotonic() - started > 15

    def later() -> None:
        # The recent records are printed and the follower has opened the file at its end.
        if not wait_until(lambda: polls[0] >= 2):
            return
        with path.open("a") as handle:
            handle.write(line(T0 + timedelta(seconds=1001), MAIL, "Mail with ID 1001 live"))

    args = argparse.Namespace(
        log=tmp_path,
        grep="",
        mail=None,
        since=None,
        all=False,
        follow=True,
        limit=100,
        log_db=None,
        json=False,
        odoo_config=None,
        should_stop=should_stop,
    )
    thread = threading.Thread(target=later)
    thread.start()
    output, code = run_logs(args, out=printed.append)
    thread.join()
    assert (output, code) == ("", 0)
    mails = [p for p in printed if "Mail with ID" in p]
    assert "Mail with ID 0 " in mails[0] and "Mail with ID 28 " in mails[-2]  # oldest first
    assert mails[-1].endswith("Mail with ID 1001 live")
    assert any(p.startswith("-- following") for p in printed)
