"""The configuration file's [keymap]: the console's keys rebound, as the operator wrote
them, checked before the first frame (console.tui.keymap)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from console.domain.errors import UsageError
from console.tui.keymap import checked_keymap
from console.tui.screens.confirm_screen import ConfirmScreen
from console.tui.screens.help_screen import HelpScreen, help_rows
from tests.helpers.tui import SIZE, make_app, settle, started


async def test_a_rebound_key_acts_is_in_the_help_and_the_old_one_is_gone(
    sample_path: Path,
) -> None:
    app = make_app(sample_path, keymap=checked_keymap({"mail.retry": "ctrl+r"}))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("r")  # no longer retry: says where the retry key works
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.press("question_mark")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        lists = next(group for title, group in app.screen.sections if title.startswith("Outg"))
        retry_keys = [keys for keys, text in help_rows(lists, {}) if text.startswith("Retry")]
        assert retry_keys == ["ctrl+r"]


def test_a_wrong_keymap_is_refused_in_one_line() -> None:
    with pytest.raises(UsageError, match=re.escape("no key binding 'mail.retyr'")):
        checked_keymap({"mail.retyr": "ctrl+r"})
    with pytest.raises(UsageError, match=re.escape("'ctlr+r' is not a key")):
        checked_keymap({"mail.retry": "ctlr+r"})
    # Taking the key another binding keeps would silently remove that binding.
    with pytest.raises(UsageError, match="would take both"):
        checked_keymap({"mail.retry": "c"})
    assert checked_keymap({"pane.failed": "f2,2"}) == {"pane.failed": "f2,2"}
