"""The queue shape and the throughput history at a million mails, side by side with the
same counts written by hand (psycopg, one statement each) in the same run.

    python -m bench.keep_db 1M &            # once; the URL lands in the URLs file
    python -m bench.shape [--url URL] [--reps 5]

Without --url the 1M line of bench.keep_db's URLs file is used. Prints medians and
ratios (console / hand-written); BENCHMARKS.md keeps what a run found.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg

from bench.keep_db import DEFAULT_URLS_FILE
from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.domain.timefmt import utcnow_naive

# What a DBA would type: buckets from the age in minutes, the domain by split_part.
BUCKET = """CASE WHEN a <= 5 THEN 0 WHEN a <= 10 THEN 1 WHEN a <= 20 THEN 2 WHEN a <= 40 THEN 3
WHEN a <= 80 THEN 4 WHEN a <= 160 THEN 5 WHEN a <= 320 THEN 6 WHEN a <= 640 THEN 7 ELSE 8 END"""
AGE = "extract(epoch FROM (%(now)s - {since})) / 60"
FAILED_SINCE = "coalesce(m.write_date, m.create_date)"
DUE_SINCE = "greatest(coalesce(m.scheduled_date, m.create_date), m.create_date)"

DOMAIN = f"""
WITH m AS (
  SELECT id, email_to, {BUCKET} AS bucket
  FROM (SELECT m.id, m.email_to, {{age}} AS a FROM mail_mail m
        WHERE m.state = %(state)s {{due}}) x
), d AS (
  SELECT id, bucket, lower(split_part(split_part(split_part(email_to, '@', 2), ',', 1), '>', 1))
         AS domain FROM m WHERE email_to LIKE '%%@%%'
  UNION
  SELECT m.id, m.bucket, lower(split_part(p.email, '@', 2))
  FROM m JOIN mail_mail_res_partner_rel r ON r.mail_mail_id = m.id
  JOIN res_partner p ON p.id = r.res_partner_id WHERE p.email LIKE '%%@%%'
)
SELECT 1, domain, bucket, count(*) FROM d GROUP BY domain, bucket
UNION ALL SELECT 0, NULL, bucket, count(*) FROM m GROUP BY bucket
"""

MODEL = f"""
SELECT model, {BUCKET} AS bucket, count(*) FROM (
  SELECT msg.model, {{age}} AS a FROM mail_mail m
  JOIN mail_message msg ON msg.id = m.mail_message_id WHERE m.state = %(state)s {{due}}
) x GROUP BY 1, 2
"""

HISTORY = (
    """
SELECT date_trunc('hour', msg.date), count(*) FILTER (WHERE n.notification_status IN
  ('sent', 'pending', 'bounce')), count(*) FILTER (WHERE n.notification_status = 'exception'),
  count(*) FILTER (WHERE n.notification_status = 'bounce')
FROM mail_notification n JOIN mail_message msg ON msg.id = n.mail_message_id
WHERE n.notification_type = 'email' AND msg.date >= %(since)s GROUP BY 1
""",
    """
SELECT date_trunc('hour', sent_datetime), count(*), count(*) FILTER (WHERE trace_status = 'bounce')
FROM mailing_trace WHERE trace_type = 'mail' AND sent_datetime >= %(since)s
  AND trace_status IN ('sent', 'open', 'reply', 'bounce', 'pending') GROUP BY 1
""",
    """
SELECT date_trunc('hour', coalesce(write_date, create_date)), count(*) FROM mailing_trace
WHERE trace_type = 'mail' AND trace_status = 'error'
  AND coalesce(write_date, create_date) >= %(since)s GROUP BY 1
""",
    """
SELECT date_trunc('hour', coalesce(write_date, create_date)),
  count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state = 'exception') FROM mail_mail
WHERE state IN ('sent', 'exception') AND NOT coalesce(is_notification, false)
  AND mailing_id IS NULL AND coalesce(write_date, create_date) >= %(since)s GROUP BY 1
""",
)


def _sql(template: str, state: str) -> str:
    since = FAILED_SINCE if state == "exception" else DUE_SINCE
    due = "AND (m.scheduled_date IS NULL OR m.scheduled_date <= %(now)s)"
    if state == "exception":
        due = ""
    return template.format(age=AGE.format(since=since), due=due)


def _median_ms(run: Callable[[], object], reps: int) -> float:
    run()  # warm the cache
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _url(given: str | None) -> str:
    if given:
        return given
    for line in DEFAULT_URLS_FILE.read_text().splitlines():
        size, url = line.split(maxsplit=1)
        if size == "1M":
            return url
    raise SystemExit(f"no 1M database in {DEFAULT_URLS_FILE}: run python -m bench.keep_db 1M")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.shape", description=__doc__)
    parser.add_argument("--url", help="an existing database (python -m bench.keep_db)")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    url = _url(args.url)
    backend = open_backend(ConnectionSettings(db_url=url, statement_timeout_ms=300_000))
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    conn = psycopg.connect(conninfo, autocommit=True)
    counts = dict(conn.execute("SELECT state, count(*) FROM mail_mail GROUP BY 1").fetchall())
    print(f"mail_mail: {sum(counts.values()):,} rows {counts}")

    def raw(statement: str, **params: Any) -> Callable[[], object]:
        return lambda: conn.execute(statement, params).fetchall()

    now = utcnow_naive()
    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = []
    for state, cli in (("exception", "failed"), ("outgoing", "outgoing")):
        for by, template in (("domain", DOMAIN), ("model", MODEL)):
            cases.append((
                f"shape --by {by} --state {cli}",
                lambda by=by, cli=cli: backend.queue_shape(by=by, state=cli, limit=20),
                raw(_sql(template, state), state=state, now=now),
            ))  # fmt: skip
        cases.append((
            f"shape --by server --state {cli}",
            lambda cli=cli: backend.queue_shape(by="server", state=cli, limit=20),
            raw(_sql(MODEL, state), state=state, now=now),  # the same scan, fewer keys
        ))  # fmt: skip
    for days in (3, 14):
        since = now - timedelta(days=days)

        def hand(since: Any = since) -> None:
            for statement in HISTORY:
                conn.execute(statement, {"since": since}).fetchall()

        cases.append((f"history --days {days}", lambda d=days: backend.throughput(days=d), hand))
    print(f"{'what':<34} {'console':>10} {'by hand':>10} {'ratio':>6}")
    for label, console_run, hand_run in cases:
        ours = _median_ms(console_run, args.reps)
        theirs = _median_ms(hand_run, args.reps)
        print(f"{label:<34} {ours:>8.0f}ms {theirs:>8.0f}ms {ours / theirs:>6.2f}", flush=True)
    backend.close()
    conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
