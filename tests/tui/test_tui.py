"""The Textual console, driven headless at 80x24 against a real SQLite copy of the sample.

No fake backend: every test connects with the SQL backend to a database in tmp_path, and
checks what the widgets show against counts computed here with sqlite3.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from console.backends.base import MailQueueBackend
from console.domain.errors import ConnectionFailed
from console.tui.app import MailQueueApp
from console.tui.panes.mail_table import MAX_ROWS, PAGE_SIZE, MailListPane
from console.tui.panes.record_table import RecordTablePane
from console.tui.screens.detail_screen import DetailScreen
from console.tui.screens.help_screen import HelpScreen
from console.tui.widgets.header import HeaderBar, TabBar
from sample_db.generate import build_database
from tests.helpers.db import sql, state_ids
from tests.helpers.mails import add_failed_mail
from tests.helpers.tui import (
    PARIS,
    SIZE,
    make_app,
    pane,
    plain,
    settle,
    started,
    status_line,
    table_ids,
    wait_for,
)
from tests.tui.test_tui_envelopes import failed_messages

# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture(scope="module")
def big_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More than MAX_ROWS failed mails, to exercise paging."""
    path = tmp_path_factory.mktemp("big") / "odoo17_big.sqlite"
    build_database(f"sqlite:///{path}", version=17, mails=3000)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE mail_mail SET state = 'exception'")
    return path


# ------------------------------------------------------------------ tests


def test_tui_never_imports_a_database_driver() -> None:
    code = (
        "import sys, console.tui.app; "
        "bad = [m for m in ('sqlalchemy', 'psycopg') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_text_module_does_not_import_textual() -> None:
    code = "import sys, console.domain.text; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


async def test_connects_and_shows_counts_in_the_tab_row(sample_path: Path) -> None:
    outgoing = len(state_ids(sample_path, "outgoing"))
    failed = len(state_ids(sample_path, "exception"))
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        tab_bar = app.query_one(TabBar)
        # The red envelopes are counted with the health checks, a moment later; at 80
        # columns every pane keeps its key and a word, in key order, on every pane.
        envelopes = len(failed_messages(sample_path))
        await wait_for(pilot, lambda: "9 Env 5" in tab_bar.render().plain, "the envelope count")
        tabs = tab_bar.render().plain
        assert f"1 Out {outgoing}" in tabs and f"2 Fail {failed}" in tabs
        assert f"9 Env {envelopes}" in tabs
        words = ("3 Cause", "4 Cron", "5 Camp", "6 Hlth", "7 Log", "8 Ali", "9 Env", "0 Bnc")
        assert all(word in tabs for word in words), tabs
        assert [tabs.index(word) for word in words] == sorted(tabs.index(w) for w in words)
        for key in "74":
            await pilot.press(key)
            await settle(pilot, app)
            shown = tab_bar.render().plain
            assert len(shown) == len(tabs) and all(word in shown for word in words), shown
        wide = tab_bar.build_text(200).plain
        assert f"1 Outgoing {outgoing}" in wide and f"2 Failed {failed}" in wide
        assert f"9 Envelopes {envelopes}" in wide and "5 Campaigns" in wide and "7 Logs" in wide
        header = app.query_one(HeaderBar).build_text(200).plain
        assert "odoo17_sample.sqlite" in header
        assert "Odoo 17" in header
        assert "RW" in header
        assert "times: Europe/Paris" in header
        outgoing_pane = pane(app, "outgoing")
        assert table_ids(outgoing_pane) == state_ids(sample_path, "outgoing")[:PAGE_SIZE]
        assert f"{outgoing} outgoing" in status_line(outgoing_pane)
        assert "filter: none" in status_line(outgoing_pane)


async def test_a_connection_error_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    def refuse() -> MailQueueBackend:
        raise ConnectionFailed("Cannot connect to PostgreSQL at db:5432: connection refused")

    app = MailQueueApp(refuse, tz=PARIS)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.return_code is not None:
                break
            await pilot.pause(0.02)
    # The first connection failing ends the app with exit code 2 and the one-line reason,
    # which the CLI prints on stderr.
    assert app.backend is None
    assert app.return_code == 2
    assert app.fatal_error == "Cannot connect to PostgreSQL at db:5432: connection refused"


async def test_keys_one_to_six_switch_panes(sample_path: Path) -> None:
    crons = sql(sample_path, "SELECT count(*) FROM ir_cron")[0][0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        switcher = app.query_one("#panes", ContentSwitcher)
        await pilot.press("2")
        await settle(pilot, app)
        assert switcher.current == "failed"
        assert "reverse" in str(app.query_one(TabBar).render().spans)  # active tab marked
        assert table_ids(pane(app, "failed")) == state_ids(sample_path, "exception")[:PAGE_SIZE]
        await pilot.press("3")
        await settle(pilot, app)
        assert switcher.current == "causes"
        await pilot.press("4")
        await settle(pilot, app)
        assert switcher.current == "crons"
        crons_pane = app.query_one("#crons", RecordTablePane)
        assert crons_pane.table.row_count == crons
        await pilot.press("5")
        await settle(pilot, app)
        assert switcher.current == "campaigns"
        assert app.query_one("#campaigns", RecordTablePane).loaded
        await pilot.press("1")
        await settle(pilot, app)
        assert switcher.current == "outgoing"

        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Show Failed", "Refresh now", "Filter the list", "Keys"} <= set(titles)
        before = app.palette
        app.theme = "textual-light"  # the colours follow the theme's variables
        await pilot.pause()
        assert app.palette != before


async def test_quick_repeated_enters_open_one_detail(sample_path: Path) -> None:
    """Three enters in a row (a key that repeats, an impatient operator) stack no copies:
    one esc is back on the list."""
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        target = pane(app, "outgoing").cursor_id()
        assert target is not None
        for _ in range(3):  # typed faster than the screen switches: all reach the list
            app.open_detail(target)
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert sum(isinstance(s, DetailScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, DetailScreen)


async def test_enter_opens_the_detail_and_esc_goes_back(sample_path: Path) -> None:
    newest_failed = state_ids(sample_path, "exception")[0]
    subject, reason = sql(
        sample_path,
        "SELECT msg.subject, m.failure_reason FROM mail_mail m "
        "JOIN mail_message msg ON msg.id = m.mail_message_id WHERE m.id = ?",
        newest_failed,
    )[0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.mail_id == newest_failed
        body = plain(app.screen.query_one("#detail-body", Static))
        assert str(subject) in body
        for line in str(reason).splitlines():  # the reason verbatim, every line
            assert line.strip() in body
        assert "(Europe/Paris)" in body
        # what it means and what to do, before the raw text (the sample's newest failure
        # is a refused SMTP login)
        assert "535 auth failed" in body
        assert "configuration: fix the setup, then retry" in body
        assert "Fix the credentials" in body
        assert body.index("Fix the credentials") < body.index("Failure reason (verbatim)")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DetailScreen)
        assert app.query_one("#panes", ContentSwitcher).current == "failed"


def _expected_matches(path: Path, state: str, text: str) -> int:
    """The backend's filter, written out in plain SQL (SQLite LIKE ignores ASCII case)."""
    like = f"%{text}%"
    query = """
        SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
        WHERE m.state = ? AND (
            m.email_to LIKE ? OR msg.email_from LIKE ? OR msg.subject LIKE ?
            OR msg.record_name LIKE ? OR m.failure_reason LIKE ?
            OR EXISTS (SELECT 1 FROM mail_mail_res_partner_rel r
                       JOIN res_partner p ON p.id = r.res_partner_id
                       WHERE r.mail_mail_id = m.id AND (p.email LIKE ? OR p.name LIKE ?)))
    """
    return int(str(sql(path, query, state, *([like] * 7))[0][0]))


def _a_selective_word(path: Path, state: str, total: int) -> tuple[str, int]:
    rows = sql(
        path,
        "SELECT msg.subject FROM mail_mail m JOIN mail_message msg "
        "ON msg.id = m.mail_message_id WHERE m.state = ? AND msg.subject IS NOT NULL",
        state,
    )
    words = sorted({w for (subject,) in rows for w in str(subject).split() if w.isalpha()})
    for word in words:
        if len(word) >= 4:
            matches = _expected_matches(path, state, word)
            if 0 < matches < total:
                return word, matches
    pytest.skip("no selective word in the sample's subjects")


async def test_slash_filters_in_sql_and_esc_clears(sample_path: Path) -> None:
    failed = state_ids(sample_path, "exception")
    word, matches = _a_selective_word(sample_path, "exception", len(failed))
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed_pane = pane(app, "failed")
        await pilot.press("slash")
        field = failed_pane.query_one(Input)
        row = failed_pane.query_one(".filter-row")
        assert row.display and field.has_focus
        await pilot.press(*word)
        assert table_ids(failed_pane) == failed[:PAGE_SIZE]  # nothing happens before enter
        await pilot.press("enter")
        await settle(pilot, app)
        assert not row.display
        assert len(table_ids(failed_pane)) == min(matches, PAGE_SIZE)
        assert failed_pane.total == matches
        assert f"filter: {word}" in status_line(failed_pane)
        assert f"{matches} failed" in status_line(failed_pane)
        await pilot.press("escape")
        await settle(pilot, app)
        assert failed_pane.filter_text == ""
        assert table_ids(failed_pane) == failed[:PAGE_SIZE]
        assert app.is_running  # esc never quits
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_refresh_updates_by_diff_and_keeps_the_cursor(sample_path: Path) -> None:
    failed = state_ids(sample_path, "exception")
    assert len(failed) > 10
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed_pane = pane(app, "failed")
        await pilot.press("j", "j", "j", "down", "down")
        cursor = failed_pane.cursor_id()
        assert cursor == failed[5]
        await pilot.press("space")  # select the 6th row; the cursor moves on
        assert failed_pane.selected == {failed[5]}
        await pilot.press("k")
        before = table_ids(failed_pane)

        await pilot.press("R")
        await settle(pilot, app)
        assert table_ids(failed_pane) == before
        assert failed_pane.cursor_id() == cursor

        # Meanwhile: a mail is retried and sent, a new one fails.
        gone = failed[1]
        sql(sample_path, "UPDATE mail_mail SET state = 'sent' WHERE id = ?", gone)
        new = add_failed_mail(sample_path, failed[0])
        await pilot.press("R")
        await settle(pilot, app)
        ids = table_ids(failed_pane)
        assert len(ids) == len(set(ids)), "a row is duplicated"
        assert ids[0] == new and gone not in ids
        assert ids == state_ids(sample_path, "exception")[: len(ids)]
        assert failed_pane.cursor_id() == cursor
        assert failed_pane.selected == {failed[5]}
        assert str(failed_pane.table.get_cell(str(failed[5]), "sel")).strip() == "✓"
        assert f"2 Failed {len(failed)}" in app.query_one(TabBar).build_text(200).plain


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
async def test_the_timer_refreshes_without_overlap_or_duplicates(sample_path: Path) -> None:
    failed = state_ids(sample_path, "exception")
    app = make_app(sample_path, refresh_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed_pane = pane(app, "failed")
        await pilot.press("j", "j")
        cursor = failed_pane.cursor_id()
        new = add_failed_mail(sample_path, failed[0])
        seen = app.refresh_count
        for _ in range(200):
            await pilot.pause(0.02)
            running = [w for w in app.workers if w.group == "refresh" and not w.is_finished]
            assert len(running) <= 1, "two refreshes overlap"
            if app.refresh_count >= seen + 3 and new in table_ids(failed_pane):
                break
        else:
            raise AssertionError("the timer did not refresh")
        ids = table_ids(failed_pane)
        assert len(ids) == len(set(ids))
        assert ids[0] == new
        assert failed_pane.cursor_id() == cursor

        await pilot.press("p")  # paused: no more refreshes
        await settle(pilot, app)
        paused_at = app.refresh_count
        await pilot.pause(0.3)
        assert app.refresh_count == paused_at
        assert "paused" in app.query_one(HeaderBar).build_text(200).plain


async def test_the_rows_show_before_the_counts_of_the_same_poll(sample_path: Path) -> None:
    """A poll posts the visible list as soon as it is read; the counts (a scan of every
    mail, 0.3 s at a million) come after, and only they end the poll: no second poll
    starts meanwhile, an R pressed then runs right after."""
    import threading

    from console.backends.sql import SqlBackend
    from console.config.connection import ConnectionSettings, resolve_target
    from console.domain.models import QueueStatus

    counts_may_come = threading.Event()

    class SlowCounts(SqlBackend):
        def status(self) -> QueueStatus:
            counts_may_come.wait(30)
            return super().status()

    def connect() -> MailQueueBackend:
        settings = ConnectionSettings(db_url=f"sqlite:///{sample_path}")
        return SlowCounts(resolve_target(settings), settings)

    outgoing = state_ids(sample_path, "outgoing")
    app = MailQueueApp(connect, tz=PARIS, refresh_seconds=3600.0)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(250):
            await pilot.pause(0.02)
            if table_ids(pane(app, "outgoing")):
                break
        assert table_ids(pane(app, "outgoing")) == outgoing[: len(table_ids(pane(app, "outgoing")))]
        assert table_ids(pane(app, "outgoing"))[0] == outgoing[0]
        assert app.status is None and app.refresh_count == 0  # the counts are not there yet
        assert app.refresher.running
        await pilot.press("R")
        running = [w for w in app.workers if w.group == "refresh" and not w.is_finished]
        assert len(running) == 1 and app.refresher.pending
        counts_may_come.set()
        for _ in range(250):
            await pilot.pause(0.02)
            if app.refresh_count == 2 and not app.refresher.running:
                break
        assert app.refresh_count == 2  # the poll, then the R asked during it
        assert app.status is not None
        assert f"1 Outgoing {len(outgoing)}" in app.query_one(TabBar).build_text(200).plain


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
async def test_paging_keeps_the_table_under_the_cap(big_database: Path) -> None:
    all_ids = state_ids(big_database, "exception")
    assert len(all_ids) > MAX_ROWS
    app = make_app(big_database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed_pane = pane(app, "failed")
        assert failed_pane.total == len(all_ids)

        def check_window() -> list[int]:
            ids = table_ids(failed_pane)
            assert len(ids) <= MAX_ROWS
            start = all_ids.index(ids[0])
            assert ids == all_ids[start : start + len(ids)], "the window is not contiguous"
            return ids

        for _ in range(40):  # End, again and again: older pages load, newer ones drop
            await pilot.press("G")
            await settle(pilot, app)
            ids = check_window()
            if not failed_pane.more_below and failed_pane.cursor_id() == ids[-1]:
                break
        assert ids[-1] == all_ids[-1]
        assert failed_pane.more_above
        assert f"of {len(all_ids)}" in status_line(failed_pane)
        assert f"–{len(all_ids)} of" in status_line(failed_pane)

        for _ in range(40):  # and back to the top: dropped pages come back through after_id
            await pilot.press("g")
            await settle(pilot, app)
            ids = check_window()
            if not failed_pane.more_above and failed_pane.cursor_id() == ids[0]:
                break
        assert ids[0] == all_ids[0]
        assert "rows 1–" in status_line(failed_pane)


async def test_question_mark_shows_help_from_the_bindings(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one("#help-body", Static))
        for words in ("Refresh", "Pause", "Filter", "Select", "Detail", "Quit", "ctrl+p"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


def test_every_binding_has_an_id_and_a_description() -> None:
    from textual.binding import Binding

    from console.tui.screens.detail_screen import DetailScreen, DetailScroll
    from console.tui.screens.help_screen import HelpScreen
    from console.tui.widgets.tables import KeyedTable, MailTable, RecordTable

    forbidden = {"ctrl+j", "ctrl+s", "ctrl+h", "ctrl+enter"}
    for owner in (
        MailQueueApp,
        MailListPane,
        KeyedTable,
        MailTable,
        RecordTable,
        DetailScreen,
        DetailScroll,
        HelpScreen,
    ):
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert binding.id, f"{owner.__name__}: {binding.key} has no id"
            assert binding.description, f"{owner.__name__}: {binding.key} has no description"
            assert binding.key not in forbidden
            assert not binding.key.startswith("alt+")


def test_cell_texts_for_the_tables() -> None:
    from console.domain.models import MailRow, Recipient
    from console.tui.widgets.formatting import document_text, failure_headline, recipients_text

    wrapped = (
        "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"
        "SMTPRecipientsRefused: {'x@y.test': (550, b'5.1.1 User unknown')}"
    )
    assert failure_headline(wrapped) == (
        "SMTPRecipientsRefused: {'x@y.test': (550, 5.1.1 User unknown)}"
    )
    assert failure_headline("535\nb'5.7.8 Authentication failed'") == (
        "535 5.7.8 Authentication failed"
    )
    assert failure_headline(None) == ""
    assert document_text("sale.order", 77, "S01077") == 'sale.order,77 "S01077"'
    assert document_text(None, None, None) == ""

    def row(email_to: str | None, recipients: tuple[Recipient, ...]) -> MailRow:
        return MailRow(
            1,
            "outgoing",
            None,
            None,
            None,
            email_to,
            recipients,
            "s",
            None,
            None,
            None,
            None,
            None,
            None,
        )

    partners = (
        Recipient(1, "Ann", "ann@a.test"),
        Recipient(2, "Bob", None),
        Recipient(3, "C", None),
    )
    assert recipients_text(row("raw@a.test, b@b.test", partners)) == "raw@a.test, b@b.test"
    assert recipients_text(row(None, partners)) == "ann@a.test (+2)"
    assert recipients_text(row(None, partners[1:2])) == "Bob"
    assert recipients_text(row(None, ())) == "(no recipient)"


async def test_a_failing_refresh_is_reported_and_the_app_recovers(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        outgoing_pane = pane(app, "outgoing")
        sql(sample_path, "ALTER TABLE mail_mail RENAME TO mail_mail_away")
        await pilot.press("R")
        await settle(pilot, app)
        assert app.is_running
        assert "⚠" in status_line(outgoing_pane)
        assert "mail_mail" in status_line(outgoing_pane)
        assert app.header_state.refresh_error
        sql(sample_path, "ALTER TABLE mail_mail_away RENAME TO mail_mail")
        await pilot.press("R")
        await settle(pilot, app)
        assert "⚠" not in status_line(outgoing_pane)
        assert not app.header_state.refresh_error


async def test_the_failed_list_names_the_cause_as_the_causes_pane_does(
    sample_path: Path,
) -> None:
    """Classified titles ("535 auth failed"), the provider's own words when only the code
    class is known, never the raw multi-line reason."""
    from console.domain.classify import classify

    rows = sql(
        sample_path,
        "SELECT id, failure_reason, failure_type FROM mail_mail WHERE state = 'exception' "
        "ORDER BY id DESC",
    )
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        table = app.query_one("#failed DataTable", DataTable)
        header = [str(column.label).strip() for column in table.columns.values()]
        assert "Cause" in header
        cause_column = header.index("Cause")
        titles = {str(table.get_row_at(i)[cause_column]).strip() for i in range(table.row_count)}
    assert "535 auth failed" in titles
    expected = {classify(str(r), t).title for _i, r, t in rows}
    recognised = titles & expected
    assert len(recognised) >= 8  # most of the sample's dozen causes, by their names
    assert not any("\n" in title or "Mail Delivery Failed" in title for title in titles)
