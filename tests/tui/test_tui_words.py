"""The console speaks in its own keys: advice written for the shell names keys here."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import OptionList

from console.tui.panes.crons_pane import CronsPane
from console.tui.screens.servers_screen import ServersScreen
from tests.helpers.tui import SIZE, dialog_text, make_app, screen_text, settle, started


async def test_health_and_causes_advice_name_keys_not_shell_commands(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=(80, 200)) as pilot:  # tall: every check at once
        await started(pilot, app)
        await settle(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        health = screen_text(app)
        assert "CRITICAL" in health
        assert not re.search(r"odoo-mailq [a-z]", health), health
        assert "key t on the cron, pane 4" in health  # the overdue queue cron's remedy
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("enter")  # a cause's mails, with its fix under them
        await settle(pilot, app)
        assert not re.search(r"odoo-mailq [a-z]", screen_text(app).split("\n", 1)[1])


async def test_retry_dialogs_say_the_queue_cron_is_overdue_not_at_its_next_run(
    sample_path: Path,
) -> None:
    app = make_app(sample_path)  # the sample's Email Queue Manager is overdue, no worker
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        for keys in (("2", "r"), ("3", "r")):  # a failed mail, then a whole cause
            for key in keys:
                await pilot.press(key)
                await settle(pilot, app)
            text = dialog_text(app)
            assert "They go back to Outgoing. Odoo's Email Queue Manager is overdue by" in text
            assert "at its next run" not in text
            await pilot.press("escape")
            await settle(pilot, app)


async def test_enter_on_a_health_check_goes_where_its_fix_is(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        checks = app.query_one("#health-checks", OptionList)
        order = [checks.get_option_at_index(i).id for i in range(checks.option_count)]
        assert order[0] == "queue_cron"  # the worst first: the overdue Email Queue Manager
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.visible_pane().id == "crons"
        crons = app.query_one(CronsPane)
        cron = crons.cursor_cron()
        assert cron is not None and "Email Queue Manager" in cron.name
        for check, place in (("failed_mails", "causes"), ("campaign_head", "campaigns")):
            await pilot.press("6")
            await settle(pilot, app)
            checks.highlighted = order.index(check)
            await pilot.press("enter")
            await settle(pilot, app)
            assert app.visible_pane().id == place, check
        await pilot.press("6")
        await settle(pilot, app)
        checks.highlighted = order.index("outgoing_server")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ServersScreen)
