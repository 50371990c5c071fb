"""The console's operator actions, driven by keys at 80x24 against a real SQLite copy of the
sample: every write is confirmed in a dialog whose focused button is the harmless one, runs
in a worker, and is checked here row by row with sqlite3.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from console.backends.base import MailQueueBackend
from console.domain.actions import WriteOutcome
from console.domain.timefmt import utcnow_naive
from console.tui.app import MailQueueApp
from console.tui.controllers.actions import READ_ONLY_REFUSAL, ActionRequest
from console.tui.panes.crons_pane import CronsPane
from console.tui.screens.confirm_screen import ConfirmScreen
from console.tui.screens.detail_screen import DetailScreen
from console.tui.screens.help_screen import HelpScreen
from console.tui.widgets.header import HeaderBar
from testkit.net import free_port
from testkit.smtp_server import SmtpTestServer
from tests.helpers.db import sql, state_ids
from tests.helpers.tui import (
    PARIS,
    SIZE,
    RecordingApp,
    confirm,
    connector,
    dialog,
    dialog_text,
    focused_id,
    journal_lines,
    make_app,
    pane,
    plain,
    settle,
    shown_keys,
    started,
    status_line,
    table_ids,
)

ACTION_KEYS = {"r", "S", "c", "x", "u", "t"}


# ------------------------------------------------------------------ fixtures and helpers


def mail_state(path: Path, mail_id: int) -> str:
    return str(sql(path, "SELECT state FROM mail_mail WHERE id = ?", mail_id)[0][0])


def states(path: Path) -> dict[int, str]:
    return {int(str(i)): str(s) for i, s in sql(path, "SELECT id, state FROM mail_mail")}


async def open_failed(pilot: Pilot[None], app: MailQueueApp) -> None:
    await started(pilot, app)
    await pilot.press("2")
    await settle(pilot, app)


# ------------------------------------------------------------------ tests


async def test_retry_under_the_cursor_after_confirming(sample_path: Path) -> None:
    failed = state_ids(sample_path, "exception")
    target = failed[0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        failed_pane = pane(app, "failed")
        assert failed_pane.cursor_id() == target
        await pilot.press("r")
        await pilot.pause()
        text = dialog_text(app)
        assert "Retry 1 mail? For example #" in text
        assert f"#{target} " in text
        # The harmless button has the focus.
        assert dialog(app).focused is dialog(app).query_one("#confirm-back", Button)
        assert mail_state(sample_path, target) == "exception"  # nothing before confirming

        await confirm(pilot, app)
        assert mail_state(sample_path, target) == "outgoing"
        title, message, severity = app.toasts[-1]
        assert title == "Retry"
        assert message.startswith("Retried 1 mail")
        # the sample's queue cron is hours overdue: no "at its next poll" then
        assert "Email Queue Manager is overdue by" in message
        assert "no Odoo cron worker seems to run it" in message
        assert severity == "information"
        # The panes refreshed: the mail left the Failed list and its count.
        assert target not in table_ids(failed_pane)
        assert failed_pane.total == len(failed) - 1
        assert app.status is not None and app.status.counts["exception"] == len(failed) - 1
        assert [e["action"] for e in journal_lines(sample_path)] == ["retry"]


async def test_enter_or_esc_on_the_dialog_changes_nothing(sample_path: Path) -> None:
    before = states(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # a reflex enter lands on "Go back"
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("x", "escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("r", "r", "r")  # repeated keys stay inside the dialog
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.is_running
    assert states(sample_path) == before
    assert journal_lines(sample_path) == []


async def test_retry_of_three_selected_rows_changes_exactly_those(sample_path: Path) -> None:
    failed = state_ids(sample_path, "exception")
    before = states(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        failed_pane = pane(app, "failed")
        await pilot.press("j", "space", "space", "j", "space")  # rows 2, 3 and 5
        chosen = {failed[1], failed[2], failed[4]}
        assert failed_pane.selected == chosen
        assert "3 selected" in status_line(failed_pane)
        await pilot.press("r")
        await pilot.pause()
        assert "Retry 3 mails?" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Retried 3 mails")
        assert failed_pane.selected == set()  # the applied mails left the selection
    after = states(sample_path)
    changed = {i for i in before if before[i] != after[i]}
    assert changed == chosen
    assert all(after[i] == "outgoing" for i in chosen)


async def test_select_all_then_retry_over_50_asks_to_type_the_count(sample_path: Path) -> None:
    failed = state_ids(sample_path, "exception")
    count = len(failed)
    assert count > 50
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        failed_pane = pane(app, "failed")
        await pilot.press("asterisk")
        await settle(pilot, app)
        assert failed_pane.selected == set(failed)
        assert f"{count} selected" in status_line(failed_pane)
        assert f"{count} failed mails in this list selected" in app.toasts[-1][1]

        await pilot.press("r")
        await pilot.pause()
        screen = dialog(app)
        assert f"Retry {count} mails?" in dialog_text(app)
        assert f"type {count} to confirm" in dialog_text(app)
        go = screen.query_one("#confirm-go", Button)
        field = screen.query_one("#confirm-count", Input)
        assert go.disabled
        assert focused_id(screen) == field.id  # what the operator types lands in the field
        await pilot.press("enter")  # a reflex enter on the empty field does nothing
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen) and go.disabled
        assert f"not {count}: nothing done" in dialog_text(app)
        await pilot.press(*str(count - 1), "enter")  # a wrong count does nothing
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen) and go.disabled
        assert f"not {count}: nothing done" in dialog_text(app)
        assert state_ids(sample_path, "exception") == failed
        await pilot.press("backspace", "backspace", "backspace", *str(count))
        assert not go.disabled
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        assert state_ids(sample_path, "exception") == []
        assert set(failed) <= set(state_ids(sample_path, "outgoing"))
        assert app.toasts[-1][1].startswith(f"Retried {count} mails")
        assert failed_pane.selected == set()

        # U clears a selection
        await pilot.press("1")
        await settle(pilot, app)
        outgoing_pane = pane(app, "outgoing")
        await pilot.press("space", "space")
        assert len(outgoing_pane.selected) == 2
        await pilot.press("U")
        assert outgoing_pane.selected == set()


async def test_cancel_on_the_outgoing_pane(sample_path: Path) -> None:
    target = state_ids(sample_path, "outgoing")[0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert {"S", "c", "u"} <= shown_keys(app)
        assert not {"r", "x"} & shown_keys(app)  # only the keys valid on this list
        await pilot.press("c")
        await pilot.pause()
        assert "Cancel 1 mail?" in dialog_text(app)
        await confirm(pilot, app)
        assert mail_state(sample_path, target) == "cancel"
        assert app.toasts[-1][:2] == ("Cancel", app.toasts[-1][1])
        assert app.toasts[-1][1].startswith("Cancelled 1 mail")
        assert target not in table_ids(pane(app, "outgoing"))


async def test_ignore_sets_the_failed_notifications_to_canceled(sample_path: Path) -> None:
    rows = sql(
        sample_path,
        "SELECT m.id FROM mail_mail m JOIN mail_notification n ON n.mail_mail_id = m.id "
        "WHERE m.state = 'exception' AND n.notification_status IN ('exception', 'bounce') "
        "GROUP BY m.id HAVING count(*) > 1 ORDER BY m.id DESC",
    )
    target = int(str(rows[0][0]))

    def statuses() -> list[str]:
        found = sql(
            sample_path,
            "SELECT notification_status FROM mail_notification WHERE mail_mail_id = ?",
            target,
        )
        return sorted(str(s) for (s,) in found)

    assert "canceled" not in statuses()
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        failed_pane = pane(app, "failed")
        await pilot.press("slash", *str(target), "enter")  # a number matches the mail id
        await settle(pilot, app)
        assert failed_pane.cursor_id() == target
        await pilot.press("x")
        await pilot.pause()
        assert "Ignore all failures of 1 mail?" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][0] == "Ignore all"
        assert "set to canceled" in app.toasts[-1][1]
    assert set(statuses()) == {"canceled"}
    assert mail_state(sample_path, target) == "exception"  # the mail itself is untouched


async def test_undo_restores_the_last_retry(sample_path: Path) -> None:
    failed = state_ids(sample_path, "exception")
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        await pilot.press("space", "space")
        await pilot.press("r")
        await pilot.pause()
        await confirm(pilot, app)
        assert mail_state(sample_path, failed[0]) == "outgoing"
        assert mail_state(sample_path, failed[1]) == "outgoing"

        await pilot.press("u")
        await settle(pilot, app)
        text = dialog_text(app)
        assert "Undo the retry of 2 mails" in text
        assert f"#{failed[0]}" in text
        await pilot.press("enter")  # harmless: nothing undone
        await settle(pilot, app)
        assert mail_state(sample_path, failed[0]) == "outgoing"

        await pilot.press("u")
        await settle(pilot, app)
        await confirm(pilot, app)
        assert app.toasts[-1][0] == "Undo"
        assert app.toasts[-1][1].startswith("Undid 2 mails")
        assert state_ids(sample_path, "exception") == failed
        assert table_ids(pane(app, "failed"))[:2] == failed[:2]

        await pilot.press("u")  # undone already: nothing left to undo
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.toasts[-1][1].startswith("Nothing to undo")
    assert [e["action"] for e in journal_lines(sample_path)] == ["retry", "undo"]


async def test_actions_from_the_detail_view(sample_path: Path) -> None:
    target = state_ids(sample_path, "exception")[0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert {"r", "x"} <= shown_keys(app)
        assert not {"S", "c"} & shown_keys(app)
        await pilot.press("r")
        await pilot.pause()
        assert f"#{target} " in dialog_text(app)
        await confirm(pilot, app)
        assert mail_state(sample_path, target) == "outgoing"
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail is not None and app.screen.detail.mail.state == "outgoing"
        # Now outgoing: the detail offers Send now and Cancel, no longer Retry.
        assert {"S", "c"} <= shown_keys(app)
        assert "r" not in shown_keys(app)


async def test_read_only_offers_no_action_and_writes_nothing(sample_path: Path) -> None:
    before = states(sample_path)
    failed = state_ids(sample_path, "exception")
    app = make_app(sample_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        header = app.query_one(HeaderBar).build_text(80)
        assert "READ-ONLY" in header.plain
        assert any(span.style and "reverse" in str(span.style) for span in header.spans)
        assert not ACTION_KEYS & shown_keys(app)
        await pilot.press("c", "S", "u")
        await pilot.press("2")
        await settle(pilot, app)
        assert not ACTION_KEYS & shown_keys(app)
        await pilot.press("r", "x", "u", "enter", "escape")
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        assert "t" not in shown_keys(app)
        await pilot.press("t", "enter")
        await settle(pilot, app)
        assert not any(isinstance(s, ConfirmScreen) for s in app.screen_stack)

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = plain(app.screen.query_one("#help-body", Static))
        for word in ("Retry", "Send now", "Ignore", "Undo", "Run the cron", "Cancel"):
            assert word.lower() not in help_text.lower()
        assert "Filter" in help_text
        await pilot.press("escape")

        # Through the command palette, by name: refused with a toast.
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Retry")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.toasts[-1] == ("READ-ONLY", READ_ONLY_REFUSAL, "warning")

        # Even a request that got past the keys is refused by the Operator itself.
        assert app.backend is not None
        app.action_running = ActionRequest("retry", (failed[0],))
        app.write_in_worker(app.backend, ActionRequest("retry", (failed[0],)))
        await settle(pilot, app)
        title, message, severity = app.toasts[-1]
        assert (title, severity) == ("Retry", "error")
        assert message.startswith("Read-only session")
    assert states(sample_path) == before
    assert journal_lines(sample_path) == []
    assert sql(sample_path, "SELECT count(*) FROM ir_cron_trigger")[0][0] == 2


async def test_t_asks_odoo_to_run_the_cron_now(sample_path: Path) -> None:
    queue_cron = int(
        str(sql(sample_path, "SELECT id FROM ir_cron WHERE cron_name LIKE '%Email Queue%'")[0][0])
    )
    # It just ran: the dialog says a new run only picks up what arrived since.
    sql(
        sample_path,
        "UPDATE ir_cron SET lastcall = datetime('now', '-1 minute') WHERE id = ?",
        queue_cron,
    )
    triggers = int(str(sql(sample_path, "SELECT count(*) FROM ir_cron_trigger")[0][0]))
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        crons = app.query_one(CronsPane)
        assert "t" in shown_keys(app)
        row = [c.id for c in crons.crons].index(queue_cron)
        for _ in range(row):
            await pilot.press("j")
        cursor = crons.cursor_cron()
        assert cursor is not None and cursor.id == queue_cron
        await pilot.press("t")
        await pilot.pause()
        text = dialog_text(app)
        assert "Ask Odoo to run 'Mail: Email Queue Manager' now?" in text
        assert "It was just run" in text
        # the sample's queue cron is hours overdue with triggers waiting: said before t
        assert "It is overdue by" in text and "no Odoo cron worker seems to run it" in text
        if triggers:
            assert "already wait" in text
        await pilot.press("enter")  # harmless
        await settle(pilot, app)
        assert sql(sample_path, "SELECT count(*) FROM ir_cron_trigger")[0][0] == triggers

        await pilot.press("t")
        await pilot.pause()
        await confirm(pilot, app)
        assert app.toasts[-1][0] == "Run cron now"
        assert "Asked Odoo to run 'Mail: Email Queue Manager' now" in app.toasts[-1][1]
    rows = sql(sample_path, "SELECT cron_id FROM ir_cron_trigger ORDER BY id")
    assert len(rows) == triggers + 1
    assert rows[-1][0] == queue_cron


async def test_send_now_confirms_and_reports_failures_without_hanging(sample_path: Path) -> None:
    # The sample's servers are fictitious (Send now refuses them): a closed loopback port.
    sql(
        sample_path,
        "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = ?, "
        "smtp_encryption = 'none', smtp_authentication = 'login'",
        free_port(),
    )
    target = int(
        str(
            sql(
                sample_path,
                "SELECT id FROM mail_mail WHERE state = 'outgoing' AND mailing_id IS NULL "
                "ORDER BY id DESC LIMIT 1",
            )[0][0]
        )
    )
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("slash", *str(target), "enter")
        await settle(pilot, app)
        assert pane(app, "outgoing").cursor_id() == target
        await pilot.press("S")
        await settle(pilot, app)  # the dialog opens once it knows what is scheduled later
        text = dialog_text(app)
        assert "Send 1 mail now, through SMTP?" in text and "Irreversible" in text
        await pilot.press("enter")  # harmless first: nothing sent
        await settle(pilot, app)
        assert mail_state(sample_path, target) == "outgoing"
        assert app.toasts[-1][1] == "Send now: nothing done."  # said, not silent

        await pilot.press("S")
        await settle(pilot, app)
        started_at = time.monotonic()
        screen = dialog(app)
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#confirm-go", Button)
        await pilot.press("enter")
        for _ in range(1500):  # the UI keeps answering while the worker sends
            await pilot.pause(0.02)
            if app.action_running is None:
                break
        assert app.action_running is None, "Send now hung"
        await settle(pilot, app)
        assert time.monotonic() - started_at < 30
        title, message, severity = app.toasts[-1]
        assert title == "Send now"
        assert "Sent 0 mails" in message and "1 failed" in message
        # and why, for the first failure, as the detail classifies it: no raw errno, no
        # "0 connections at once" for a server that never answered
        assert f"#{target}: connection refused: " in message, message
        assert "connections at once" not in message
        assert severity == "warning"
    assert mail_state(sample_path, target) == "exception"


async def test_send_now_leaves_mails_scheduled_for_later_unless_told(sample_path: Path) -> None:
    scheduled = {int(str(r[0])) for r in sql(
        sample_path,
        "SELECT id FROM mail_mail WHERE state = 'outgoing' AND scheduled_date > ?",
        utcnow_naive().isoformat(sep=" "),
    )}  # fmt: skip
    outgoing = {i for i, state in states(sample_path).items() if state == "outgoing"}
    assert scheduled and scheduled < outgoing  # the sample: 4 of 22
    with SmtpTestServer() as smtp:
        sql(sample_path, "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = ?, "
            "smtp_encryption = 'none', smtp_user = NULL", smtp.port)  # fmt: skip
        app = make_app(sample_path)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot, app)
            await pilot.press("asterisk")  # every outgoing mail
            await settle(pilot, app)
            await pilot.press("S")
            await settle(pilot, app)
            text = dialog_text(app)
            count, later = len(outgoing), len(scheduled)
            assert f"{later} of them are scheduled for later" in text
            assert "they stay in the queue" in text
            screen = dialog(app)
            assert str(screen.query_one("#confirm-go", Button).label) == (
                f"Send {count - later} mails now"
            )
            assert str(screen.query_one("#confirm-all", Button).label) == f"Send all {count}"
            await confirm(pilot, app)
            for _ in range(1500):
                await pilot.pause(0.02)
                if app.action_running is None:
                    break
            await settle(pilot, app)
        assert {i for i in scheduled if mail_state(sample_path, i) == "outgoing"} == scheduled
        assert "scheduled for later, left in the queue" in app.toasts[-1][1]
        assert smtp.received  # the due ones left


def test_every_action_key_has_an_id_a_description_and_a_palette_command() -> None:
    from console.tui.panes.mail_table import MailListPane
    from console.tui.screens.confirm_screen import ConfirmScreen

    forbidden = {"ctrl+j", "ctrl+s", "ctrl+h", "ctrl+enter"}
    for owner in (MailListPane, DetailScreen, CronsPane, ConfirmScreen):
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert binding.id and binding.description, f"{owner.__name__}: {binding.key}"
            assert binding.key not in forbidden and not binding.key.startswith("alt+")


async def test_palette_lists_the_actions(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Retry", "Send now", "Cancel mails", "Ignore all", "Undo", "Run cron now"} <= titles
        assert "Select every mail matching the filter" in titles
        # Asked by name where it does not apply: said so, nothing opened.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Run cron now")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Crons pane" in app.toasts[-1][1]


async def test_the_ui_answers_while_an_action_runs_and_quit_asks(sample_path: Path) -> None:
    """The write runs in a worker (here held on a gate): keys still work, a second action is
    refused, and q asks before quitting; the operator_factory argument is honoured."""
    from console.backends.sql import SqlBackend
    from console.services.journal import Journal
    from console.services.operations import Operator

    gate = threading.Event()

    class HeldOperator(Operator):
        def retry(self, ids: Sequence[int], *, include_cancelled: bool = True) -> WriteOutcome:
            gate.wait(20)
            return super().retry(ids, include_cancelled=include_cancelled)

    def factory(backend: MailQueueBackend) -> Operator:
        assert isinstance(backend, SqlBackend)
        return HeldOperator(backend, Journal(sample_path.parent / "held.jsonl"))

    target = state_ids(sample_path, "exception")[0]
    app = RecordingApp(
        connector(sample_path), tz=PARIS, refresh_seconds=3600.0, operator_factory=factory
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        failed_pane = pane(app, "failed")
        await pilot.press("r", "tab", "enter")
        await pilot.pause(0.1)
        assert app.action_running is not None
        await pilot.press("j")  # the UI still answers
        assert failed_pane.cursor_id() != target
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.toasts[-1][0] == "Busy"
        await pilot.press("q")
        await pilot.pause()
        assert "Retry is still running. Quit anyway?" in dialog_text(app)
        await pilot.press("enter")  # "Go back" has the focus
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConfirmScreen)
        gate.set()
        await settle(pilot, app)
        assert app.action_running is None
        assert app.toasts[-1][1].startswith("Retried 1 mail")
    assert mail_state(sample_path, target) == "outgoing"
    assert (sample_path.parent / "held.jsonl").is_file()


def test_the_run_now_dialog_warns_about_a_running_or_inactive_cron() -> None:
    from datetime import timedelta

    from console.domain.models import CronRow
    from console.domain.timefmt import utcnow_naive
    from console.tui.controllers.actions import trigger_dialog

    now = utcnow_naive()
    cron = CronRow(
        3, "Mail: Email Queue Manager", "mail.ir_cron_mail_scheduler_action", True, 1,
        "hours", now + timedelta(minutes=50), now - timedelta(minutes=10), 5, None, None,
        True, 0, False, True,
    )  # fmt: skip
    running = trigger_dialog(cron, now)
    assert any("running right now" in w and "dropped" in w for w in running.warnings)
    assert not any("just run" in w for w in running.warnings)
    idle = trigger_dialog(replace(cron, running=None, active=False), now)
    assert any("inactive" in w for w in idle.warnings)
    assert any("cannot be told" in n for n in idle.notes)
    assert not any("overdue" in w for w in running.warnings + idle.warnings)
    stalled = replace(cron, running=False, nextcall=now - timedelta(hours=2), pending_triggers=2)
    waiting = trigger_dialog(stalled, now)
    assert any(
        "overdue by 2h, and 2 triggers already wait" in w and "would wait like them" in w
        for w in waiting.warnings
    ), waiting.warnings
    over_api = trigger_dialog(stalled, now, over_api=True)
    assert any("Run Manually" in n and "inside the request" in n for n in over_api.notes)
    assert any("runs it once, inside the request" in w for w in over_api.warnings)
    due = trigger_dialog(replace(stalled, nextcall=now - timedelta(seconds=30)), now)
    assert not any("overdue" in w for w in due.warnings)  # a runner polls each minute


async def test_an_action_key_where_it_does_not_apply_says_where_it_works(
    sample_path: Path,
) -> None:
    """r on Outgoing, S on Failed, u on Causes...: not silence, but where the key works;
    nothing is written, and typed text still goes to the filter."""
    before = states(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        asked = [
            ("1", "r", "the Failed list"),
            ("1", "x", "the Failed list"),
            ("1", "t", "the Crons pane (4)"),
            ("2", "S", "the Outgoing list"),
            ("2", "c", "the Outgoing list"),
            ("3", "u", "the Outgoing and Failed lists"),
            ("5", "u", "the Outgoing and Failed lists"),
            ("5", "i", "the Crons pane (4)"),
        ]
        for pane_key, key, where in asked:
            await pilot.press(pane_key)
            await settle(pilot, app)
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, ConfirmScreen)
            _, message, _ = app.toasts[-1]
            assert message.startswith(f"Not here: key {key} works on "), (key, message)
            assert where in message, (key, message)
        await pilot.press("1")
        await settle(pilot, app)
        await pilot.press("slash", "r", "x", "S")
        assert pane(app, "outgoing").query_one(Input).value == "rxS"
    assert states(sample_path) == before
    assert journal_lines(sample_path) == []


async def test_retrying_a_mixed_selection_warns_what_a_retry_does_not_cure(
    sample_path: Path,
) -> None:
    """Eight failed mails selected on the list, among them bad SMTP logins and unknown
    recipients: the dialog says so, as the Causes pane's retry does, before anything."""
    before = states(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_failed(pilot, app)
        for _ in range(8):
            await pilot.press("space")  # selects and moves down
        await pilot.press("r")
        await settle(pilot, app)
        text = dialog_text(app)
        assert "Retry 8 mails?" in text
        assert "fail again until the setup is fixed (535 auth failed x" in text
        assert "; the Causes pane (3) says what to fix first" in text
        await pilot.press("escape")
        await settle(pilot, app)
    assert states(sample_path) == before
