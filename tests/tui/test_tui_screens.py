"""The journal (J) and a cron's detail (enter on the Crons pane), at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from console.tui.screens.cron_screen import CronScreen
from console.tui.screens.journal_screen import JournalScreen
from tests.helpers.tui import (
    SIZE,
    confirm,
    dialog_text,
    make_app,
    plain,
    screen_text,
    settle,
    started,
)


async def test_j_shows_this_databases_actions_newest_first(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("J")
        await settle(pilot, app)
        assert isinstance(app.screen, JournalScreen)
        assert "No action of the console on this database yet." in plain(
            app.screen.query_one("#journal-body", Static)
        )
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        await confirm(pilot, app)
        await pilot.press("J")
        await settle(pilot, app)
        body = plain(app.screen.query_one("#journal-body", Static))
        assert body.splitlines()[0].split(maxsplit=2)[2].startswith("Cancelled 1 mail"), body
        assert "1 entries" in screen_text(app).splitlines()[1]
        assert "odoo-mailq" in screen_text(app).splitlines()[0]  # the header stays


async def test_enter_on_a_cron_shows_it_whole(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        crons = app.visible_pane()
        queue = next(c for c in crons.crons if "Email Queue" in c.name)  # type: ignore[attr-defined]
        crons.table.move_cursor(row=crons.crons.index(queue))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CronScreen) and app.screen.cron.id == queue.id
        body = plain(app.screen.query_one("#cron-body", Static))
        assert "Odoo's Email Queue Manager: sends the queued (Outgoing) mails" in body
        assert "overdue by" in body and "Waiting triggers" in body
        assert {"t", "i"} <= {k for k, b in app.screen.active_bindings.items() if b.binding.show}
        await pilot.press("t")  # run it now, from here
        await settle(pilot, app)
        assert "Run" in dialog_text(app)
