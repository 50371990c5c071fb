"""The console on the bundled sample, as `odoo-mailq` with no argument opens it (80x24): the
Logs pane and `l` read the sample's own Odoo log, and Send now and the probe say that its
servers are fictitious instead of trying the network."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Static

from console.backends.base import MailQueueBackend
from console.services.support.logs import NO_LINE_ON_CONNECT
from console.tui.panes.health_pane import HealthPane
from console.tui.panes.logs_pane import LogsPane, LogTable
from console.tui.screens.confirm_screen import ConfirmScreen
from tests.helpers.tui import (
    PARIS,
    SIZE,
    RecordingApp,
    open_detail,
    pane,
    plain,
    settle,
    started,
    wait_for,
)


@pytest.fixture
def sample_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RecordingApp:
    """The App on the embedded default: no --db, no odoo.conf, a state directory of its own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ODOO_MAILQ_DB", raising=False)

    def connect() -> MailQueueBackend:
        from console.backends.connect import open_backend
        from console.config.connection import ConnectionSettings

        return open_backend(ConnectionSettings())

    return RecordingApp(
        connect, tz=PARIS, refresh_seconds=3600.0, journal_path=tmp_path / "journal.jsonl"
    )


def copy_rows(tmp_path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "state" / "odoo-mailq" / "sample.sqlite") as db:
        return db.execute("SELECT * FROM mail_mail ORDER BY id").fetchall()


def log_messages(app: RecordingApp) -> list[str]:
    table = app.query_one(LogTable)
    return [table.get_row_at(i)[3].plain for i in range(table.row_count)]


async def test_the_logs_pane_and_l_read_the_samples_log(sample_app: RecordingApp) -> None:
    app = sample_app
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("7")
        await settle(pilot, app)
        messages = log_messages(app)
        assert len(messages) > 50
        assert any("Email Queue Manager" in m for m in messages)
        status = plain(app.query_one(LogsPane).query_one("#logs-status", Static))
        assert "sample.log" in status

        backend = app.backend
        assert backend is not None
        failed = next(
            r.id
            for r in backend.failed_mails()
            if (r.failure_reason or "").startswith("Mail Delivery Failed")
        )
        await open_detail(pilot, app, failed)
        await pilot.press("l")
        await settle(pilot, app)
        await wait_for(pilot, lambda: bool(log_messages(app)), "the mail's log lines")
        assert any(f"failed sending mail (id: {failed})" in m for m in log_messages(app))

        # a mail whose login failed has no line: Odoo fails its batch without one; said
        refused = next(r.id for r in backend.failed_mails() if "535" in (r.failure_reason or ""))
        await pilot.press("escape")  # back to the first mail's detail
        await settle(pilot, app)
        await open_detail(pilot, app, refused)
        await pilot.press("l")
        await settle(pilot, app)
        logs = app.query_one(LogsPane)
        await wait_for(pilot, lambda: logs.query_one("#logs-note").display, "the note")
        note = plain(logs.query_one("#logs-note", Static))
        assert not log_messages(app) and NO_LINE_ON_CONNECT in note.replace("\n", " ")


async def test_send_now_and_the_probe_say_the_servers_are_fictitious(
    sample_app: RecordingApp, tmp_path: Path
) -> None:
    app = sample_app
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        before = copy_rows(tmp_path)
        outgoing = pane(app, "outgoing")
        assert outgoing.cursor_id() is not None
        await pilot.press("S")
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)  # no dialog for what cannot work
        title, message, severity = app.toasts[-1]
        assert (title, severity) == ("Send now", "error")
        assert "fictitious" in message and "nothing was sent" in message
        assert "smtp-relay.brevo.example" in message
        assert copy_rows(tmp_path) == before

        await pilot.press("6")
        await settle(pilot, app)
        health = app.query_one(HealthPane)
        await pilot.press("P")
        await wait_for(pilot, lambda: not health.probing, "the probe's refusal")
        await settle(pilot, app)
        title, message, severity = app.toasts[-1]
        assert (title, severity) == ("SMTP probe", "error")
        assert "fictitious" in message and "nothing was contacted" in message
        assert "Traceback" not in message and "Name or service" not in message
