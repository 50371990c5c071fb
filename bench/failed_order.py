"""The Failed list in failure order at 1M mails with 100,000 failed: the plans and times
of its first page and of a page 50,000 rows down, as Odoo ships (no index on state or
write_date) and with the index the console's advice prints, next to the id order it
replaced, a hand-written ORDER BY write_date and the refresh's own scan (status).

    python -m bench.failed_order            # about 3 minutes: builds 1M, prints plans

Prints only; BENCHMARKS.md keeps what a run found.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import raw_sql
from bench.pgenv import BenchCluster, say
from console.backends.base import MailQuery
from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.odoo import mail_queries as mail_sql
from console.odoo.failed_order import failed_page_select

FAILED = 100_000
DEEP = 50_000
REPS = 7


def _failures(env: BenchCluster, name: str) -> None:
    """Exactly FAILED failed mails, each failing up to 3 hours after it was made."""
    env.execute(name, "UPDATE mail_mail SET state = 'sent' WHERE state = 'exception'")
    env.execute(
        name,
        "UPDATE mail_mail SET state = 'exception', failure_reason = 'SMTP 550 refused', "
        "write_date = create_date + random() * interval '3 hours' "
        "WHERE id IN (SELECT id FROM mail_mail ORDER BY random() LIMIT %(n)s)",
        {"n": FAILED},
    )
    env.vacuum_analyze(name)


def _median_ms(run: Callable[[], object]) -> float:
    run()
    times = []
    for _ in range(REPS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _explain(backend: SqlBackend, conn: Any, statement: Any) -> str:
    compiled = statement.compile(
        dialect=backend.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    return raw_sql.explain(conn, str(compiled), compiled.params)


def main() -> None:
    env = BenchCluster().start()
    try:
        name = env.build(1_000_000)
        _failures(env, name)
        backend = open_backend(ConnectionSettings(db_url=env.url(name)))
        conn = env.connect(name, prepare=False)
        schema = backend.schema
        deep = conn.execute(
            "SELECT id, date_trunc('second', write_date) FROM mail_mail "
            "WHERE state = 'exception' ORDER BY 2 DESC, 1 DESC OFFSET %(n)s LIMIT 1",
            {"n": DEEP},
        ).fetchone()
        conn.rollback()
        assert deep is not None
        first = MailQuery(states=("exception",), limit=200, by_failure=True)
        down = MailQuery(
            states=("exception",), limit=200, by_failure=True, before_id=deep[0],
            before_at=deep[1],
        )  # fmt: skip
        for indexed in (False, True):
            if indexed:
                conn.execute("CREATE INDEX mail_mail_state_idx ON mail_mail (state)")
                conn.commit()
                env.vacuum_analyze(name)
            say("with the index on state" if indexed else "as Odoo ships")
            for title, statement in (
                ("first page", failed_page_select(
                    schema, ("exception",), "", before=None, after=None, fetch=201,
                    postgres=True,
                )),
                (f"{DEEP:,} rows down", failed_page_select(
                    schema, ("exception",), "", before=(deep[1], deep[0]), after=None,
                    fetch=201, postgres=True,
                )),
                ("id order, first page", mail_sql.mail_page_query(
                    schema, ("exception",), "", None, None, 200,
                )),
            ):  # fmt: skip
                print(f"--- {title}\n{_explain(backend, conn, statement)}\n")
            for label, run in (
                ("mail_page, failure order, first page", lambda: backend.mail_page(first)),
                (f"mail_page, failure order, {DEEP:,} down", lambda: backend.mail_page(down)),
                ("mail_page, id order, first page", lambda: backend.mail_page(
                    MailQuery(states=("exception",), limit=200)
                )),
                ("hand-written ORDER BY write_date DESC, id DESC", lambda: raw_sql.failed_page(
                    conn, 200
                )),
                ("status (the refresh's scan of mail_mail)", backend.status),
            ):  # fmt: skip
                print(f"{label}: median {_median_ms(run):.1f} ms")
        backend.close()
        conn.close()
    finally:
        env.stop()


if __name__ == "__main__":
    main()
