"""The console when things go wrong: PostgreSQL restarted under it, a write in flight when
the database goes away, a query held by a lock until the statement timeout, the terminal
resized to 60x20 and back, and NO_COLOR. PostgreSQL runs in a private throwaway cluster
(testkit/pgcluster.py) that these tests stop and start again on the same port.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import psycopg
import pytest
from textual.widgets import ContentSwitcher

from console.backends.base import MailQueueBackend
from console.domain.actions import WriteOutcome
from console.tui.app import MailQueueApp
from console.tui.controllers.refresher import BACKOFF_SECONDS
from console.tui.screens.help_screen import HelpScreen
from console.tui.widgets.header import HeaderBar, TabBar
from testkit.odoo_dbs import build_postgres
from testkit.pgcluster import PgCluster
from tests.helpers.tui import (
    SIZE,
    make_app,
    pane,
    screen_text,
    settle,
    started,
    table_ids,
    wait_for,
)

DB_NAME = "mailq_faults"


# ------------------------------------------------------------------ PostgreSQL helpers


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    """A private server: stopping it must not disturb the session's shared one."""
    server = PgCluster()
    try:
        server.start()
    except Exception as exc:  # no PostgreSQL binaries on this machine
        server.stop()
        pytest.skip(f"no PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(cluster: PgCluster) -> Iterator[str]:
    """A fresh Odoo 17 sample database on the private server."""
    if not _running(cluster):
        _start(cluster)
    cluster.drop_database(DB_NAME)
    url = build_postgres(cluster.create_database(DB_NAME), 17)
    yield url
    if not _running(cluster):
        _start(cluster)
    cluster.drop_database(DB_NAME)


def _running(cluster: PgCluster) -> bool:
    return (cluster.data_dir / "postmaster.pid").exists()


def _stop(cluster: PgCluster) -> None:
    cluster._run_pg(["pg_ctl", "-D", str(cluster.data_dir), "-m", "fast", "-w", "stop"])


def _start(cluster: PgCluster) -> None:
    # postgresql.auto.conf holds the port: the server comes back where the app expects it.
    cluster._run_pg(
        ["pg_ctl", "-D", str(cluster.data_dir), "-l", str(cluster.log_file), "-w", "start"]
    )
    cluster._wait_ready()


def pg_rows(cluster: PgCluster, query: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(cluster.conninfo(DB_NAME), autocommit=True) as conn:
        return list(conn.execute(query, params).fetchall())


def failed_ids(cluster: PgCluster) -> list[int]:
    """The failed mails as the Failed list orders them: newest failure second, then id."""
    rows = pg_rows(
        cluster,
        "SELECT id FROM mail_mail WHERE state = 'exception' "
        "ORDER BY date_trunc('second', write_date) DESC, id DESC",
    )
    return [int(str(r[0])) for r in rows]


def header(app: MailQueueApp, width: int = 80) -> str:
    return app.query_one(HeaderBar).build_text(width).plain


# ------------------------------------------------------------------ PostgreSQL faults


def test_the_back_off_schedule() -> None:
    from console.tui.controllers.refresher import Refresher

    refresher = Refresher.__new__(Refresher)
    refresher.refresh_seconds = 5.0
    delays = []
    for failures in range(7):
        refresher.failures = failures
        delays.append(refresher.retry_delay())
    assert delays == [5.0, *BACKOFF_SECONDS, BACKOFF_SECONDS[-1]]
    assert BACKOFF_SECONDS == (1.0, 2.0, 5.0, 10.0, 30.0)


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
async def test_postgres_restart_says_disconnected_then_recovers(
    cluster: PgCluster, pg_url: str
) -> None:
    app = make_app(pg_url, refresh_seconds=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed = failed_ids(cluster)
        assert table_ids(pane(app, "failed")) == failed[:200]
        assert "DISCONNECTED" not in header(app)

        await asyncio.to_thread(_stop, cluster)
        await wait_for(pilot, lambda: app.header_state.disconnected, "DISCONNECTED", 20)
        text = app.query_one(HeaderBar).build_text(80)
        assert "DISCONNECTED" in text.plain
        loud = [s for s in text.spans if "reverse" in str(s.style)]
        assert any("DISCONNECTED" in text.plain[s.start : s.end] for s in loud)
        assert any(title == "Database unreachable" for title, _m, _s in app.toasts)
        # The polls back off instead of hammering, and the keys still answer.
        await pilot.pause(2.5)
        assert 1 <= app.refresher.failures <= 3
        assert app.header_state.retry_at is not None or app.refresher.running
        switcher = app.query_one("#panes", ContentSwitcher)
        await pilot.press("1")
        assert switcher.current == "outgoing"
        await pilot.press("2")
        assert switcher.current == "failed"

        await asyncio.to_thread(_start, cluster)
        seen = app.refresh_count
        await wait_for(
            pilot,
            lambda: not app.header_state.disconnected and app.refresh_count > seen,
            "the refresh after the restart",
            40,
        )
        await settle(pilot, app)
        assert "DISCONNECTED" not in header(app)
        assert not app.header_state.refresh_error
        assert table_ids(pane(app, "failed")) == failed[:200]
        assert any(title == "Reconnected" for title, _m, _s in app.toasts)


async def test_a_write_in_flight_when_postgres_stops_says_it_was_not_applied(
    cluster: PgCluster, pg_url: str, tmp_path: Path
) -> None:
    from console.backends.sql import SqlBackend
    from console.services.journal import Journal
    from console.services.operations import Operator

    gate = threading.Event()

    class HeldOperator(Operator):
        def retry(self, ids: Sequence[int], *, include_cancelled: bool = True) -> WriteOutcome:
            gate.wait(30)
            return super().retry(ids, include_cancelled=include_cancelled)

    def factory(backend: MailQueueBackend) -> Operator:
        assert isinstance(backend, SqlBackend)
        return HeldOperator(backend, Journal(tmp_path / "journal.jsonl"))

    target = failed_ids(cluster)[0]
    app = make_app(pg_url, operator_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        assert pane(app, "failed").cursor_id() == target
        await pilot.press("r", "tab", "enter")
        await wait_for(pilot, lambda: app.action_running is not None, "the write to start", 5)
        await asyncio.to_thread(_stop, cluster)
        gate.set()
        await wait_for(pilot, lambda: app.action_running is None, "the write to end", 30)
        retried = [(m, s) for t, m, s in app.toasts if t == "Retry"]
        assert len(retried) == 1
        message, severity = retried[0]
        assert severity == "error"
        assert "Not applied: nothing was changed" in message
        await asyncio.to_thread(_start, cluster)
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.header_state.refresh_error, "recovery", 30)
    state = pg_rows(cluster, "SELECT state FROM mail_mail WHERE id = %s", target)
    assert state == [("exception",)]
    assert not (tmp_path / "journal.jsonl").exists()


async def test_a_locked_table_is_bounded_by_the_statement_timeout(
    cluster: PgCluster, pg_url: str
) -> None:
    app = make_app(pg_url, statement_timeout_ms=3000)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        locker = psycopg.connect(cluster.conninfo(DB_NAME))  # a transaction that holds on
        try:
            locker.execute("LOCK TABLE mail_mail IN ACCESS EXCLUSIVE MODE")
            begun = time.monotonic()
            await pilot.press("R")
            await pilot.pause(0.3)
            assert app.refresher.running  # the worker waits on the lock...
            await pilot.press("question_mark")  # ...and the keys still answer
            assert isinstance(app.screen, HelpScreen)
            assert app.refresher.running, "the key waited for the query"
            await pilot.press("escape")
            await wait_for(pilot, lambda: not app.refresher.running, "the timeout", 20)
            assert 2.5 < time.monotonic() - begun < 15  # the 3 s statement timeout, not more
            assert app.header_state.refresh_error
            assert not app.header_state.disconnected  # slow is not gone
            assert any("did not answer in time" in m for _t, m, _s in app.toasts)
        finally:
            locker.rollback()
            locker.close()
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.header_state.refresh_error, "recovery", 20)
        assert app.is_running


# ------------------------------------------------------------------ terminal


async def test_60x20_and_back_keeps_a_usable_layout(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await settle(pilot, app)
        tab_bar = app.query_one(TabBar)  # short labels once the envelopes are counted too
        await wait_for(pilot, lambda: "9 Env" in tab_bar.render().plain, "the envelope count")
        full = tab_bar.render().plain
        assert "1 Out 22 │2 Fail 65│3 Cause 12" in full and "9 Env 5" in full and "0 Bnc" in full

        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        for key, status, keys in (
            ("1", "outgoing", "S Send now"),
            ("2", "failed", "r Retry"),
            ("3", "causes", "r Retry group"),
            ("4", "crons", "i Interval"),
            ("5", "in the queue", "c Cancel campaign"),
            ("6", "checks", "P Probe SMTP"),
        ):
            await pilot.press(key)
            await settle(pilot, app)
            lines = screen_text(app).splitlines()
            assert len(lines) == 20
            assert "RW" in lines[0] and "✖4 ▲3" in lines[0]
            tabs = lines[1]
            for short in ("1 Out 22", "2 Fail 65", "3 Cause 12", "4 Cron", "6 Hlth", "│0"):
                assert short in tabs, tabs  # every key; the diagnosis panes with a word
            assert status in lines[-2], lines[-2]  # the status line
            assert keys in lines[-1], lines[-1]  # the footer starts with this pane's keys
            assert lines[-1].rstrip().endswith("? Help q Quit"), lines[-1]
        await pilot.press("R")
        await settle(pilot, app)

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert len(lines) == 24
        assert "✖ 4 critical ▲ 3 warn" in lines[0]
        assert "1 Out 22│2 Fail 65│3 Cause 12│" in lines[1] and "│0 Bnc" in lines[1]


async def test_no_color_keeps_every_state_a_word(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(sample_path)
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        text = screen_text(app)
        assert "✖ 4 critical ▲ 3 warn" in text.splitlines()[0]
        assert "✖ CRITICAL" in text
        await pilot.press("3")
        await settle(pilot, app)
        text = screen_text(app)
        assert "config" in text and "transient" in text and "recipient" in text
        await pilot.press("2")
        await settle(pilot, app)
        assert "failed" in screen_text(app)
        await pilot.press("4")
        await settle(pilot, app)
        text = screen_text(app)  # how late, in words and digits, not only in red
        assert "Late" in text and re.search(r" \d+[dhms]\w* ", text), text
        app.header_state.disconnected = True  # as the refresher sets it
        app.query_one(HeaderBar).refresh()
        await pilot.pause()
        assert "DISCONNECTED" in screen_text(app).splitlines()[0]
