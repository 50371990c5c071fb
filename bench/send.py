"""Send now: the console's concurrent sender next to Odoo's sequential smtplib loop.

Both send to the same SMTP test server (its own process, every reply delayed by
``DELAY``). The console sends first on a fresh database copy, with its default number of
connections per server; the baseline then replays exactly the envelopes the server
received (same messages, same recipients) over one smtplib connection, committing one
UPDATE per message as Odoo's queue commits per mail. The console's database work is
counted too (statements and transactions per mail).
"""

from __future__ import annotations

import json
import pickle
import smtplib
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event

from bench.pgenv import BenchCluster, say
from bench.pty_run import stop_group
from bench.report import Row, Target, size_label
from bench.startup import ROOT
from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from console.services.send.send_now import SendReport, send_now
from console.smtp.concurrency import DEFAULT_CONCURRENCY, MAX_CONCURRENCY

DELAY = 0.050  # seconds before each SMTP reply
SEND_TARGET = Target("min_speedup", 10.0)

Envelope = tuple[str, tuple[str, ...], bytes]


class SmtpSink:
    """Handle on ``python -m bench.smtp_sink``."""

    def __init__(self, delay: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.smtp_sink", str(delay)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())

    def _command(self, line: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        if answer != "ok":
            raise RuntimeError(f"smtp sink answered {answer!r} to {line!r}")

    def reset(self) -> None:
        self._command("reset")

    def dump(self) -> tuple[list[Envelope], int, int]:
        """(envelopes, connections opened, most connections open at once)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "received"
            self._command(f"dump {path}")
            envelopes: list[Envelope] = pickle.loads(path.read_bytes())
            summary = json.loads(Path(f"{path}.json").read_text())
        return envelopes, int(summary["connections"]), int(summary["max_open"])

    def close(self) -> None:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.process.stdin.close()
        except (OSError, ValueError):
            pass
        stop_group(self.process, grace=5.0)


@dataclass(slots=True)
class ConsoleSend:
    seconds: float
    report: SendReport
    envelopes: list[Envelope]
    connections: int  # opened, counted at the server
    at_once: int  # most open at the same time, counted at the server
    statements: int  # database statements the console ran (executemany: one)
    transactions: int


def _replies(envelopes: list[Envelope]) -> int:
    """Delayed replies per message: MAIL, one RCPT per recipient, end of DATA."""
    return sum(2 + len(rcpts) for _from, rcpts, _data in envelopes)


class SendBench:
    def __init__(self, env: BenchCluster, source: str, mails: int, count: int) -> None:
        self.env = env
        self.source = source
        self.size = size_label(mails)
        self.count = count
        self.sink = SmtpSink(DELAY)
        self.template = ""
        self.ids: list[int] = []

    def prepare(self) -> None:
        """A copy whose servers point at the sink, with ``count`` non-campaign mails outgoing."""
        self.template = self.env.copy(self.source, "send_template")
        with self.env.connect(self.template) as conn:
            conn.execute(
                "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = %(port)s, "
                "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL, active = true",
                {"port": self.sink.port},
            )
            rows = conn.execute(
                "SELECT id FROM mail_mail WHERE mailing_id IS NULL ORDER BY id DESC LIMIT %(n)s",
                {"n": self.count},
            ).fetchall()
            self.ids = [int(r[0]) for r in rows]
            conn.execute(
                "UPDATE mail_mail SET state = 'outgoing', failure_reason = NULL, "
                "failure_type = NULL, scheduled_date = NULL WHERE id = ANY(%(ids)s)",
                {"ids": self.ids},
            )
            conn.commit()
        self.env.vacuum_analyze(self.template)

    def console(self, concurrency: int | None) -> ConsoleSend:
        """``concurrency`` None: send_now's own default policy."""
        copy = self.env.copy(self.template, "send_run")
        counts = {"statements": 0, "transactions": 0}

        def statement(*_args: object) -> None:
            counts["statements"] += 1

        def commit(*_args: object) -> None:
            counts["transactions"] += 1

        try:
            backend = open_backend(ConnectionSettings(db_url=self.env.url(copy)))
            event.listen(backend.engine, "before_cursor_execute", statement)
            event.listen(backend.engine, "commit", commit)
            try:
                self.sink.reset()
                started = time.perf_counter()
                report = send_now(backend, list(self.ids), uid=1, concurrency=concurrency)
                seconds = time.perf_counter() - started
            finally:
                backend.close()
            envelopes, connections, at_once = self.sink.dump()
        finally:
            self.env.drop(copy)
        return ConsoleSend(
            seconds,
            report,
            envelopes,
            connections,
            at_once,
            counts["statements"],
            counts["transactions"],
        )

    def baseline(self, envelopes: list[Envelope]) -> float:
        """Odoo's loop: one connection, one message after the other, a commit per message."""
        copy = self.env.copy(self.template, "send_run")
        try:
            with self.env.connect(copy) as conn:
                self.sink.reset()
                started = time.perf_counter()
                smtp = smtplib.SMTP("127.0.0.1", self.sink.port, timeout=60)
                smtp.ehlo()
                for number, (mail_from, rcpts, data) in enumerate(envelopes):
                    smtp.sendmail(mail_from, list(rcpts), data)
                    conn.execute(
                        "UPDATE mail_mail SET state = 'sent' WHERE id = %(id)s",
                        {"id": self.ids[number % len(self.ids)]},
                    )
                    conn.commit()
                smtp.quit()
                seconds = time.perf_counter() - started
            received, _connections, _at_once = self.sink.dump()
        finally:
            self.env.drop(copy)
        if len(received) != len(envelopes):
            raise RuntimeError(f"baseline delivered {len(received)} of {len(envelopes)}")
        return seconds

    def row(self, label: str, run: ConsoleSend, baseline_s: float, target: Target) -> Row:
        replies = _replies(run.envelopes)
        connections = max(1, run.at_once)
        bound = (replies / connections + 1) * DELAY
        best = (replies + 1) * DELAY / bound
        report = run.report
        per_server = "; ".join(
            f"{', '.join(c.servers)}: {c.opened} at once, limit {c.limit} ({c.source})"
            for c in report.connections
        )
        mails = max(1, len(self.ids))
        note = (
            f"{len(run.envelopes)} messages for {len(self.ids)} mails "
            f"(sent {len(report.sent)}, failed {len(report.failed)}, "
            f"skipped {len(report.skipped)}); connections per server: {per_server}; "
            f"at the server {run.at_once} at once ({run.connections} opened); "
            f"latency bound {replies} replies x 50 ms / {connections} = {bound:.1f} s, "
            f"i.e. at best {best:.1f}x faster than one connection; database: "
            f"{run.statements / mails:.1f} statements and {run.transactions / mails:.2f} "
            "transactions a mail"
        )
        return Row(label, self.size, run.seconds, baseline_s, "s", target, note)

    def run(self, extra_concurrency: int | None) -> list[Row]:
        self.prepare()
        try:
            default = self.console(None)
            say(
                f"  send now {len(self.ids)} mails, default {DEFAULT_CONCURRENCY} connections "
                f"per server: {default.seconds:.1f} s ({len(default.envelopes)} messages, "
                f"{default.at_once} connections at once)"
            )
            baseline_s = self.baseline(default.envelopes)
            say(f"  smtplib loop over one connection: {baseline_s:.1f} s")
            rows = [
                self.row(
                    f"send now of {len(self.ids):,} mails, {DEFAULT_CONCURRENCY} connections "
                    "per server (default)",
                    default,
                    baseline_s,
                    SEND_TARGET,
                )
            ]
            if extra_concurrency:
                more = self.console(extra_concurrency)
                say(f"  send now, concurrency {extra_concurrency}: {more.seconds:.1f} s")
                rows.append(
                    self.row(
                        f"send now of {len(self.ids):,} mails, {extra_concurrency} connections "
                        "per server",
                        more,
                        baseline_s,
                        Target("info"),
                    )
                )
            return rows
        finally:
            self.env.drop(self.template)


def run_send(env: BenchCluster, source: str, mails: int, count: int, extra: bool) -> list[Row]:
    bench = SendBench(env, source, mails, count)
    try:
        return bench.run(MAX_CONCURRENCY if extra else None)
    finally:
        bench.sink.close()
