"""A scrape of `odoo-mailq metrics` against the same figures read the plainest way.

    python -m bench.metrics_scrape [--url URL | --mails 1M] [--reps 9]

The exporter runs as an operator runs it (`python -m console metrics --listen`, a child
process) and is scraped over HTTP, each scrape a GET /metrics whose answer is read whole.
It is compared, alternating repetition by repetition after one unmeasured round, with

- raw SQL: the same counts written by hand on one psycopg connection, one after the other
  (counts per state with the oldest due mail, the failures grouped by type and text
  without classifying them, the red envelope totals, the crons, the head campaign's last
  trace, the 24-hour volume, the bounce windows);
- `status --json`: the read command, a whole process (start-up included), for scale.

Without --url a throwaway cluster is started and a database of --mails mails built
(1M: about 40 s); `python -m bench.keep_db 1M` keeps one for repeated runs. Prints only;
BENCHMARKS.md keeps what a run found.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from bench import raw_sql
from bench.machine import load_average
from bench.pgenv import BenchCluster, say
from bench.report import INFO, Row, Target, parse_size, size_label, text_table
from bench.timing import interleaved, timed
from testkit.net import free_port

ROOT = Path(__file__).resolve().parent.parent
SCRAPE_TARGET = Target("max_value", 1.0)  # seconds: the bound at a million mails

ENVELOPES = """
SELECT count(DISTINCT n.mail_message_id), count(*),
       count(*) FILTER (WHERE n.notification_status = 'bounce')
FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id
WHERE n.notification_type = 'email' AND n.notification_status IN ('exception', 'bounce')
  AND m.model IS NOT NULL AND (m.res_id IS NULL OR m.res_id <> 0)
  AND m.message_type <> 'user_notification'
"""
CRONS = "SELECT id, active, nextcall FROM ir_cron"
HEAD = """
SELECT mm.id, max(t.create_date) FROM mailing_mailing mm
LEFT JOIN mailing_trace t ON t.mass_mailing_id = mm.id
WHERE mm.state = 'sending' GROUP BY mm.id ORDER BY mm.id LIMIT 1
"""
VOLUME_MAILS = """
SELECT count(*) FROM mail_mail WHERE state IN ('sent', 'exception')
  AND coalesce(write_date, create_date) >= %(since)s
"""
VOLUME_TRACES = """
SELECT count(*) FROM mailing_trace WHERE sent_datetime >= %(since)s AND mail_mail_id IS NULL
"""
BOUNCE_NOTIFICATIONS = """
SELECT count(*), count(*) FILTER (WHERE n.notification_status = 'bounce')
FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id
WHERE n.notification_type = 'email' AND n.notification_status IN ('sent', 'bounce')
  AND m.date >= %(since)s
"""
BOUNCE_TRACES = """
SELECT count(*), count(*) FILTER (WHERE trace_status = 'bounce') FROM mailing_trace
WHERE trace_status IN ('sent', 'open', 'reply', 'bounce') AND sent_datetime >= %(since)s
"""


def raw_scrape(conn: psycopg.Connection[Any]) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    day, week = now - timedelta(hours=24), now - timedelta(days=7)
    conn.execute(raw_sql.STATUS, {"now": now}).fetchall()
    conn.execute(raw_sql.CAUSES_GROUP_BY).fetchall()
    conn.execute(ENVELOPES).fetchall()
    conn.execute(CRONS).fetchall()
    conn.execute(HEAD).fetchall()
    conn.execute(VOLUME_MAILS, {"since": day}).fetchall()
    conn.execute(VOLUME_TRACES, {"since": day}).fetchall()
    for since in (day, week):
        conn.execute(BOUNCE_NOTIFICATIONS, {"since": since}).fetchall()
        conn.execute(BOUNCE_TRACES, {"since": since}).fetchall()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return str(response.read().decode("utf-8"))


@contextmanager
def exporter(url: str) -> Iterator[str]:
    """The exporter on a free port; its /metrics URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "console", "metrics", "--db", url, "--listen", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    metrics = f"http://127.0.0.1:{port}/metrics"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the exporter stopped: {process.communicate()[1]}")
            try:
                _get(metrics)
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield metrics
    finally:
        process.terminate()
        process.wait(timeout=30)


def _status_json(url: str) -> Callable[[], float]:
    argv = [sys.executable, "-m", "console", "status", "--json", "--db", url]

    def run() -> float:
        return timed(lambda: subprocess.run(argv, cwd=ROOT, capture_output=True, check=True))

    return run


def measure(url: str, conninfo: str, reps: int, size: str) -> list[Row]:
    rows: list[Row] = []
    with exporter(url) as metrics, psycopg.connect(conninfo, prepare_threshold=None) as conn:
        conn.autocommit = True
        body = _get(metrics)
        assert "odoo_mailq_up" in body and " 1.0" in body, body[:500]
        scrape = lambda: timed(lambda: _get(metrics))  # noqa: E731
        raw = interleaved(scrape, lambda: timed(lambda: raw_scrape(conn)), reps, warmup=1)
        rows.append(
            Row(
                "metrics scrape (GET /metrics) vs the same counts in raw SQL",
                size,
                raw.candidate_median,
                raw.baseline_median,
                "s",
                SCRAPE_TARGET,
                f"raw SQL: one connection, 11 statements in a row, no classification; "
                f"scrape: all reads of one database, classification remembered between "
                f"scrapes; median of {reps}",
            )
        )
        status = interleaved(scrape, _status_json(url), reps, warmup=1)
        rows.append(
            Row(
                "metrics scrape vs `status --json` (a whole process)",
                size,
                status.candidate_median,
                status.baseline_median,
                "s",
                INFO,
                f"status reads the counts and the red envelopes; median of {reps}",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.metrics_scrape", description=__doc__)
    parser.add_argument("--url", help="an Odoo database (e.g. from python -m bench.keep_db 1M)")
    parser.add_argument("--mails", default="1M", help="size to build without --url")
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args(argv)
    say(f"load average at start: {load_average()}")
    if args.url:
        conninfo = args.url.replace("postgresql+psycopg://", "postgresql://")
        size = args.url.rsplit("_", 1)[-1] if "mailq_" in args.url else "?"
        rows = measure(args.url, conninfo, args.reps, _label(size))
    else:
        env = BenchCluster()
        try:
            env.start()
            name = env.build(parse_size(args.mails))
            rows = measure(env.url(name), env.conninfo(name), args.reps, args.mails)
        finally:
            env.stop()
    print(text_table(rows))
    say(f"load average at end: {load_average()}")
    return 0


def _label(count: str) -> str:
    return size_label(int(count)) if count.isdigit() else count


if __name__ == "__main__":
    raise SystemExit(main())
