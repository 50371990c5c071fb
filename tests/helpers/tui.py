"""The console's App in the tests, headless through ``App.run_test()`` at 80x24.

``make_app`` is the one way to build it on a real database (``connector`` opens the SQL
backend the App would); ``RecordingApp`` is the real App that also keeps its toasts. The
rest waits for it (``settle``, ``started``, ``wait_for``) and reads what it shows.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from textual.notifications import SeverityLevel
from textual.pilot import Pilot
from textual.widgets import Button, OptionList, Static

from console.backends.base import MailQueueBackend
from console.tui import app as app_module
from console.tui.app import MailQueueApp
from console.tui.panes.mail_table import MailListPane
from console.tui.screens.confirm_screen import ConfirmScreen
from console.tui.screens.detail_screen import DetailScreen

PARIS = ZoneInfo("Europe/Paris")
SIZE = (80, 24)


# -- building the App -------------------------------------------------------------------------
class RecordingApp(MailQueueApp):
    """The real App; it only also keeps every toast it shows, for the assertions."""

    CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.toasts: list[tuple[str, str, str]] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.toasts.append((title, message, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)


def connector(
    target: Path | str, read_only: bool = False, statement_timeout_ms: int | None = None
) -> Callable[[], MailQueueBackend]:
    """What the App's `connect` argument expects: opens the real SQL backend on ``target``
    (an SQLite file, or a database URL)."""
    url = f"sqlite:///{target}" if isinstance(target, Path) else target

    def connect() -> MailQueueBackend:
        from console.backends.sql import open_backend
        from console.config.connection import ConnectionSettings

        options: dict[str, Any] = {"read_only": read_only}
        if statement_timeout_ms is not None:
            options["statement_timeout_ms"] = statement_timeout_ms
        return open_backend(ConnectionSettings(db_url=url, **options))

    return connect


def journal_path(path: Path) -> Path:
    """Where ``make_app`` journals the actions on the SQLite file ``path``."""
    return path.parent / "journal.jsonl"


def make_app(
    target: Path | str,
    *,
    read_only: bool = False,
    statement_timeout_ms: int | None = None,
    refresh_seconds: float = 3600.0,
    **options: Any,
) -> RecordingApp:
    """The App on an SQLite file (journaling next to it, see ``journal_lines``) or on a
    database URL; it refreshes only when asked unless ``refresh_seconds`` says otherwise.
    ``options`` go to the App as they are (``journal_path``, ``log_path``, ...)."""
    if isinstance(target, Path):
        options.setdefault("journal_path", journal_path(target))
    return RecordingApp(
        connector(target, read_only, statement_timeout_ms),
        tz=PARIS,
        refresh_seconds=refresh_seconds,
        **options,
    )


def journal_lines(path: Path) -> list[dict[str, Any]]:
    """The journal of the App ``make_app`` built on the SQLite file ``path``."""
    journal = journal_path(path)
    if not journal.is_file():
        return []
    return [json.loads(line) for line in journal.read_text().splitlines()]


# -- waiting for it ---------------------------------------------------------------------------
async def settle(pilot: Pilot[None], app: MailQueueApp) -> None:
    """Let workers finish and their messages be handled, including follow-up loads."""
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished]
        if not busy:
            await pilot.pause()
            if not [w for w in app.workers if not w.is_finished]:
                return
    raise AssertionError("the app did not settle")


async def started(pilot: Pilot[None], app: MailQueueApp) -> None:
    """Until the App is connected and has loaded its first refresh."""
    for _ in range(100):
        await settle(pilot, app)
        if app.backend is not None and app.refresh_count:
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never connected")


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, seconds: float = 10.0
) -> None:
    """Until ``condition()`` holds, at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


# -- what it shows ----------------------------------------------------------------------------
def pane(app: MailQueueApp, pane_id: str) -> MailListPane:
    return app.query_one(f"#{pane_id}", MailListPane)


def table_ids(list_pane: MailListPane) -> list[int]:
    return [int(str(row.key.value)) for row in list_pane.table.ordered_rows]


def plain(widget: Static) -> str:
    """What a Static shows, as plain text (wide enough that nothing wraps)."""
    console = Console(width=1000, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def options_text(options: OptionList) -> str:
    """What an OptionList shows, option after option, as plain text (nothing wraps)."""
    console = Console(width=1000, file=io.StringIO(), record=True, color_system=None)
    for index in range(options.option_count):
        console.print(options.get_option_at_index(index).prompt)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def status_line(list_pane: MailListPane) -> str:
    return plain(list_pane.query_one(".status-line", Static))


# -- dialogs and the detail -------------------------------------------------------------------
def dialog(app: MailQueueApp) -> ConfirmScreen:
    assert isinstance(app.screen, ConfirmScreen), f"no dialog but {app.screen!r}"
    return app.screen


def dialog_text(app: MailQueueApp) -> str:
    return "\n".join(plain(s) for s in dialog(app).query(Static) if not isinstance(s, Button))


async def confirm(pilot: Pilot[None], app: MailQueueApp) -> None:
    """Move from the harmless button to the confirm button, press it, wait for the result."""
    screen = dialog(app)
    await pilot.press("tab")
    assert screen.focused is screen.query_one("#confirm-go", Button)
    await pilot.press("enter")
    await settle(pilot, app)
    assert not isinstance(app.screen, ConfirmScreen)


def focused_id(screen: ConfirmScreen) -> str | None:
    return screen.focused.id if screen.focused is not None else None


def shown_keys(app: MailQueueApp) -> set[str]:
    """The keys the footer offers right now (check_action says False: hidden)."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show}


async def open_detail(pilot: Pilot[None], app: MailQueueApp, mail_id: int) -> DetailScreen:
    app.open_detail(mail_id)
    await settle(pilot, app)
    screen = app.screen
    assert isinstance(screen, DetailScreen) and screen.detail is not None
    return screen


def screen_text(app: MailQueueApp) -> str:
    """The screen as plain text, line by line, as the terminal shows it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)
