"""The sample (or any SQLite file) replaced under a running console: R opens the new one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.helpers.db import sql, state_ids
from tests.helpers.tui import SIZE, confirm, make_app, pane, settle, started, table_ids


async def test_r_reconnects_to_a_replaced_database_file(sample_path: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.sqlite"
    shutil.copyfile(sample_path, fresh)
    first = state_ids(sample_path, "outgoing")[0]
    sql(fresh, "UPDATE mail_mail SET state = 'cancel' WHERE id = ?", first)  # told apart
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert table_ids(pane(app, "outgoing"))[0] == first
        os.replace(fresh, sample_path)  # a new file at the same path, as a reset would do
        await pilot.press("R")
        await settle(pilot, app)
        assert app.toasts[-1][1] == "The database file was replaced: reconnecting to it."
        assert app.backend is not None and not app.backend.replaced()
        await settle(pilot, app)
        outgoing = table_ids(pane(app, "outgoing"))
        assert first not in outgoing  # the new file's rows
        target = outgoing[0]
        await pilot.press("c")
        await pilot.pause()
        await confirm(pilot, app)  # and writes go to it
        assert app.toasts[-1][1].startswith("Cancelled 1 mail"), app.toasts[-1]
    assert sql(sample_path, "SELECT state FROM mail_mail WHERE id = ?", target)[0][0] == "cancel"
