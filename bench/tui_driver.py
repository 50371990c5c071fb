"""Drive a TUI headless through a refresh and paging, for the peak-memory measurement.

    python -m bench.tui_driver console URL
    python -m bench.tui_driver bare CONNINFO

Prints one JSON line saying what was shown (so a run that did nothing is noticed).
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

SIZE = (120, 40)
PAGINGS = 8  # presses of End per list: each loads the next 200-row page


async def settle(pilot: Pilot[Any], app: App[Any], rounds: int = 400) -> None:
    """Let workers finish and their messages be handled, including follow-up loads."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if all(w.is_finished for w in app.workers):
            await pilot.pause()
            if all(w.is_finished for w in app.workers):
                return
    raise RuntimeError("the app did not settle")


async def drive_console(url: str) -> dict[str, Any]:
    from console.tui.app import MailQueueApp
    from console.tui.panes.mail_table import MailListPane

    def connect() -> Any:
        from console.backends.sql import open_backend
        from console.config.connection import ConnectionSettings

        return open_backend(ConnectionSettings(db_url=url))

    app = MailQueueApp(connect, tz=UTC, refresh_seconds=0)
    shown: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(600):
            await settle(pilot, app)
            if app.backend is not None and app.refresh_count:
                break
            await pilot.pause(0.05)
        else:
            raise RuntimeError("the console never connected")
        for key, pane_id in (("1", "outgoing"), ("2", "failed")):
            await pilot.press(key)
            await settle(pilot, app)
            pane = app.query_one(f"#{pane_id}", MailListPane)
            lowest = None
            for _ in range(PAGINGS):
                await pilot.press("end")
                await settle(pilot, app)
                if pane.ids:
                    lowest = pane.ids[-1]
            await pilot.press("R")
            await settle(pilot, app)
            shown[pane_id] = {"rows": len(pane.ids), "lowest_id": lowest, "total": pane.total}
        shown["refreshes"] = app.refresh_count
        await pilot.press("q")
    return shown


async def drive_bare(conninfo: str) -> dict[str, Any]:
    from bench.bare_app import BareApp

    app = BareApp(conninfo)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        for _ in range(600):
            await settle(pilot, app)
            if table.row_count:
                break
            await pilot.pause(0.05)
        for _ in range(PAGINGS):
            await pilot.press("end")
            await settle(pilot, app)
        rows = table.row_count
        await pilot.press("q")
    return {"rows": rows}


def main(argv: list[str]) -> int:
    mode, target = argv
    drive = drive_console if mode == "console" else drive_bare
    print(json.dumps(asyncio.run(drive(target))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
