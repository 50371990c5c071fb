"""The console speaks in its own keys: advice written for the shell names keys here."""

from __future__ import annotations

import re
from pathlib import Path

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
