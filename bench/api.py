"""The console over Odoo's external API, at a simulated network latency, next to a bare
httpx loop making the same calls.

``python -m bench.api [--version 17] [--mails 100000] [--rtt-ms 50] [--reps 7]``

Needs real Odoo (``ODOO_SRC_<V>``, as the real-Odoo test tier): it builds a database with
``mail`` and ``mass_mailing`` (``tests/real_odoo/odoo_instance.py``), adds the mails in
one SQL statement, serves it with ``odoo-bin`` and puts ``bench/latency_proxy.py`` in
front. Measured, alternating with the baseline, medians of ``--reps``:

- first screen's data: log in, the database facts, the counts per state, the first page
  of outgoing mails and its total (``ApiBackend``), against the same JSON-RPC / JSON-2
  calls written by hand with httpx, one after the other;
- the TUI's first screen: ``MailQueueApp`` headless at 80x24 until the newest outgoing
  mail is in the table, against the 2-second target.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bench.latency_proxy import LatencyProxy
from bench.report import Row, Target, size_label, text_table
from bench.timing import interleaved, timed
from console.backends.api import open_api_backend
from console.backends.base import MailQuery
from testkit.net import free_port
from testkit.pgcluster import PgCluster

FIRST_SCREEN = Target("max_value", 2.0)
API_RATIO = Target("max_ratio", 1.5)

BULK = """
WITH m AS (
  INSERT INTO mail_message (subject, email_from, body, message_type, model, res_id, date,
                            create_date, write_date, create_uid, write_uid, author_id)
  SELECT 'Bulk ' || g, 'admin@company.example', '<p>x</p>', 'email', 'res.partner', 3,
         now() - (g || ' seconds')::interval, now(), now(), 2, 2, 3
  FROM generate_series(1, %(count)s) g
  RETURNING id)
INSERT INTO mail_mail (mail_message_id, email_to, body_html, state, failure_reason,
                       create_date, write_date, create_uid, write_uid, auto_delete)
SELECT id, 'to' || id || '@good.example', '<p>x</p>',
       (ARRAY['outgoing','exception','sent','cancel'])[1 + id %% 4],
       CASE WHEN id %% 4 = 1 THEN '550 5.1.1 user unknown' END, now(), now(), 2, 2, false
FROM m
"""

KEY = """
keys = env['res.users.apikeys'].with_user(env.ref('base.user_admin'))
if 'expiration_date' in keys._fields:
    import datetime
    result = keys._generate('rpc', 'bench', datetime.datetime.now() + datetime.timedelta(days=1))
else:
    result = keys._generate('rpc', 'bench')
"""


class BareClient:
    """The baseline: the calls the console's first screen needs, by hand, with httpx."""

    def __init__(self, url: str, db: str, key: str, version: int) -> None:
        self.url, self.db, self.key, self.version = url, db, key, version

    def first_screen(self) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            self._rpc(client, "common", "version", [])
            uid = self._rpc(client, "common", "authenticate", [self.db, "admin", self.key, {}])
            call = self._json2 if self.version >= 19 else self._object
            call(
                client,
                uid,
                "ir.module.module",
                "search_count",
                {"domain": [["name", "=", "mass_mailing"], ["state", "=", "installed"]]},
            )
            if self.version >= 19:
                call(client, uid, "mail.mail", "formatted_read_group",
                     {"domain": [], "groupby": ["state"], "aggregates": ["__count"]})  # fmt: skip
            else:
                call(client, uid, "mail.mail", "read_group", {"domain": [], "fields": ["state"],
                     "groupby": ["state"], "lazy": False})  # fmt: skip
            now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
            due = [["state", "=", "outgoing"], "|", ["scheduled_date", "=", False],
                   ["scheduled_date", "<=", now]]  # fmt: skip
            later = [["state", "=", "outgoing"], ["scheduled_date", ">", now]]
            call(
                client,
                uid,
                "mail.mail",
                "search_read",
                {"domain": due, "fields": ["create_date"], "order": "id", "limit": 1},
            )
            call(client, uid, "mail.mail", "search_count", {"domain": later})
            call(client, uid, "mail.mail", "search_read",
                 {"domain": [["state", "in", ["outgoing"]]], "order": "id desc", "limit": 201,
                  "fields": ["state", "date", "scheduled_date", "email_from", "email_to",
                             "recipient_ids", "subject", "model", "res_id", "record_name",
                             "failure_type", "failure_reason", "create_date"]})  # fmt: skip
            call(
                client,
                uid,
                "mail.mail",
                "search_count",
                {"domain": [["state", "in", ["outgoing"]]]},
            )

    def _rpc(self, client: httpx.Client, service: str, method: str, args: list[Any]) -> Any:
        body = {"jsonrpc": "2.0", "method": "call",
                "params": {"service": service, "method": method, "args": args}}  # fmt: skip
        return client.post("/jsonrpc", json=body).json()["result"]

    def _object(
        self, client: httpx.Client, uid: int, model: str, method: str, kwargs: dict[str, Any]
    ) -> Any:
        args = [self.db, uid, self.key, model, method, [], kwargs]
        return self._rpc(client, "object", "execute_kw", args)

    def _json2(
        self, client: httpx.Client, uid: int, model: str, method: str, kwargs: dict[str, Any]
    ) -> Any:
        headers = {"Authorization": f"bearer {self.key}", "X-Odoo-Database": self.db}
        return client.post(f"/json/2/{model}/{method}", json=kwargs, headers=headers).json()


def console_first_screen(url: str, db: str, key: str) -> None:
    backend = open_api_backend(url, db, "admin", key, read_only=False)
    try:
        _ = backend.info
        backend.status()
        query = MailQuery(states=("outgoing",), limit=200)
        backend.mail_page(query)
        backend.count_mails(query)
    finally:
        backend.close()


def tui_first_screen(url: str, db: str, key: str, newest: int) -> float:
    """Seconds from the App's start to the newest outgoing mail in its table."""
    from console.tui.app import MailQueueApp
    from console.tui.panes.mail_table import MailListPane

    async def run() -> float:
        app = MailQueueApp(
            lambda: open_api_backend(url, db, "admin", key, read_only=False),
            tz=ZoneInfo("UTC"),
            refresh_seconds=3600.0,
            journal_path=Path(tempfile.gettempdir()) / "bench-api-journal.jsonl",
        )
        started = time.perf_counter()
        async with app.run_test(size=(80, 24)) as pilot:
            while time.perf_counter() - started < 60:
                table = app.query_one("#outgoing", MailListPane)
                if table.cursor_id() == newest:
                    return time.perf_counter() - started
                await pilot.pause(0.005)
        raise RuntimeError("the first page never showed")

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.api")
    parser.add_argument("--version", type=int, default=17)
    parser.add_argument("--mails", type=int, default=100_000)
    parser.add_argument("--rtt-ms", type=float, default=50.0)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    from tests.real_odoo.environment import odoo_python, skip_reason, tree
    from tests.real_odoo.odoo_instance import OdooInstance

    reason = skip_reason(args.version)
    if reason:
        raise SystemExit(reason)
    odoo_tree = tree(args.version)
    assert odoo_tree is not None
    with tempfile.TemporaryDirectory(prefix="bench-api-") as work, PgCluster() as cluster:
        odoo = OdooInstance(odoo_tree, odoo_python(args.version), cluster, Path(work))
        db = odoo.new_database("bench_api")
        with cluster.connect(db) as conn:
            conn.execute(BULK, {"count": args.mails})
            found = conn.execute("SELECT max(id) FROM mail_mail WHERE state = 'outgoing'")
            newest = int(found.fetchone()[0])  # type: ignore[index]
            conn.execute("VACUUM ANALYZE mail_mail")
        key = odoo.orm(db, KEY)
        port = free_port()
        with odoo.serve(db, http_port=port), LatencyProxy(port, rtt=args.rtt_ms / 1000) as proxy:
            url = f"http://127.0.0.1:{proxy.port}"
            bare = BareClient(url, db, key, args.version)
            samples = interleaved(
                lambda: timed(lambda: console_first_screen(url, db, key)),
                lambda: timed(bare.first_screen),
                reps=args.reps,
                warmup=1,
            )
            tui = [tui_first_screen(url, db, key, newest) for _ in range(3)]
    size = size_label(args.mails)
    note = f"Odoo {args.version}, {args.rtt_ms:g} ms round trip"
    rows = [
        Row("API: first screen's data", size, samples.candidate_median,
            samples.baseline_median, "s", API_RATIO, note),
        Row("API: TUI first page visible", size, statistics.median(tui), None, "s",
            FIRST_SCREEN, note),
    ]  # fmt: skip
    print(text_table(rows))


if __name__ == "__main__":
    main()
