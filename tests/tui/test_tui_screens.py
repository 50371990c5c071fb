"""The journal (J) and a cron's detail (enter on the Crons pane), at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from console.tui.screens.cron_screen import CronScreen
from console.tui.screens.journal_screen import JournalScreen
from tests.helpers.db import sql
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


async def test_o_lists_the_servers_in_odoos_order_with_what_each_carries(
    sample_path: Path,
) -> None:
    servers = sql(
        sample_path, "SELECT id, name, from_filter FROM ir_mail_server ORDER BY sequence, id"
    )
    app = make_app(sample_path)
    async with app.run_test(size=(80, 60)) as pilot:
        await started(pilot, app)
        await pilot.press("O")
        await settle(pilot, app)
        body = plain(app.screen.query_one("#servers-body", Static))
        heads = [line for line in body.splitlines() if line.startswith("#")]
        assert [h.split(maxsplit=1)[0] for h in heads] == [f"#{s[0]}" for s in servers]
        for _id, _name, from_filter in servers:
            assert (f"mails From {from_filter}" if from_filter else "any From") in body
        carries = [line for line in body.splitlines() if "carries" in line]
        assert len(carries) == len(servers)
        assert any(
            not line.split("carries")[1].strip().startswith("0 outgoing") for line in carries
        )
        assert "password" not in body.lower() and "Acme-Claire" not in body
