"""When a mail failed and which server it went through, as the console shows them at
80x24: the Failed list's When, the cause's last seen, the cause's mails and the detail
(created and failed), and each cause's server with why it was chosen. Driven by keys on
a real SQLite database of the generated Odoo 17 shape; what is read is the screen."""

from __future__ import annotations

from datetime import UTC, datetime, time

from textual.widgets import Static

from console.tui.panes.causes_pane import CausesPane
from console.tui.screens.cause_mails import CauseMailsScreen
from console.tui.widgets.tables import MailTable
from tests.helpers.db import MakeDb
from tests.helpers.tui import (
    PARIS,
    SIZE,
    make_app,
    open_detail,
    pane,
    plain,
    screen_text,
    settle,
    started,
)
from tests.odoo.test_failure_time import failed_mail, only_our_failures
from tests.odoo.test_server_names import BY_A, FIRST, SET, two_relays

TODAY = datetime.now(PARIS).date()


def paris(hour: int, minute: int) -> datetime:
    """A time of today in Paris (the App's zone), as Odoo stores it: naive UTC."""
    local = datetime.combine(TODAY, time(hour, minute, 12), tzinfo=PARIS)
    return local.astimezone(UTC).replace(tzinfo=None)


async def test_a_mail_made_at_1831_that_failed_at_1859_shows_1859(make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    only_our_failures(db)
    mail_id = failed_mail(db, paris(18, 31), paris(18, 59))
    app = make_app(db.url)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed = pane(app, "failed")
        assert str(failed.table.get_cell(str(mail_id), "failed")).strip() == "18:59 today"
        assert "18:59 today" in screen_text(app) and "18:31" not in screen_text(app)

        await pilot.press("3")
        await settle(pilot, app)
        causes = app.query_one(CausesPane)
        [row] = [
            [str(c).strip() for c in causes.table.get_row(r.key)] for r in causes.table.ordered_rows
        ]
        assert row[3] == "18:59 today"
        info = plain(causes.query_one("#causes-info", Static))
        seen = f"config · 1 mail · failed 18:59 today · key {causes.groups[0].key}"
        assert seen in info and seen in screen_text(app)  # not cut at 80x24

        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CauseMailsScreen)
        table = app.screen.query_one(MailTable)
        assert str(table.get_cell(str(mail_id), "failed")).strip() == "18:59 today"

        await open_detail(pilot, app, mail_id)
        shown = screen_text(app)
        assert f"Created  {TODAY.isoformat()} 18:31:12" in shown
        assert f"Failed  {TODAY.isoformat()} 18:59:12" in shown


async def test_the_causes_name_the_servers_and_why_at_80x24(make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    made = two_relays(db)
    app = make_app(db.url)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        causes = app.query_one(CausesPane)
        [key] = [r.key for r in causes.table.ordered_rows]
        assert str(causes.table.get_row(key)[4]).strip() == "relay-a +1"
        # The server first in the explanation, each with its mails and why, wrapped.
        info = plain(causes.query_one("#causes-info", Static))
        assert info.startswith(
            f"Via   relay-a (1): {FIRST}; relay-b (1): {SET}; "
            "relay-b (1): chosen by from_filter match on b.example; "
            f"relay-a (2): {BY_A}"
        )
        screen = screen_text(app)
        assert "Via   relay-a (1): first server by priority, although no" in screen
        assert "(auto)" not in screen
        assert "config · 5 mails · failed" in screen  # three lines of servers: all shown

        await pilot.press("enter")
        await settle(pilot, app)
        table = app.screen.query_one(MailTable)
        assert str(table.get_cell(str(made["set"]), "server")).strip() == "relay-b"
        assert str(table.get_cell(str(made["a1"]), "server")).strip() == "relay-a"

        await open_detail(pilot, app, made["set"])
        assert "Server  relay-b (set on the mail)" in screen_text(app)
        await pilot.press("escape")
        await open_detail(pilot, app, made["a2"])
        shown = screen_text(app)
        assert "Server  relay-a (chosen by from_filter match on a.example)" in shown
        assert "none set" not in shown
