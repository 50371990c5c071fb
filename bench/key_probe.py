"""One start of a TUI, headless at 80x24, and how long each key takes to show its effect.

    python -m bench.key_probe console URL
    python -m bench.key_probe bare CONNINFO

As soon as the first page of mails is on screen, a typist thread presses KEYS one after
the other, each once the previous one has shown (and GAP_S later). Keys enter the way a
terminal's go in: from another thread, through the driver (Driver.send_message). A key
has shown when a screen update leaves the App's `_display` with the view changed: which
pane is shown, which widget has the focus, which row the cursor is on. The compositor
renders in headless mode too; only writing to a terminal is left out. Prints one JSON line:
the milliseconds per key, and what was on screen.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from datetime import UTC
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import ContentSwitcher, DataTable, Footer, Header

SIZE = (80, 24)
# Cursor keys only where the rows are there (Outgoing, shown first); pane keys back and forth.
KEYS = ("down", "j", "down", "2", "1", "j", "down", "2", "1", "down", "j", "2")
GAP_S = 0.05  # between one key's effect and the next key: a fast typist
KEY_TIMEOUT_S = 5.0
START_TIMEOUT_S = 120.0
CHARACTERS = {"down": None, "j": "j", "1": "1", "2": "2"}

PAGE = """
SELECT m.id, m.state, msg.date, m.email_to, msg.subject
FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
WHERE m.state = %s ORDER BY m.id DESC LIMIT 200
"""


class BareKeysApp(App[None]):
    """The baseline: two DataTables of the same pages (Outgoing, Failed) in a
    ContentSwitcher, `1`/`2` to switch, `j` and the arrows to move; one raw psycopg read."""

    TITLE = "odoo-mailq"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("1", "show('outgoing')", "Outgoing"),
        Binding("2", "show('failed')", "Failed"),
        Binding("j", "down", "Down", show=False),
    ]

    def __init__(self, conninfo: str) -> None:
        super().__init__()
        self.conninfo = conninfo

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="outgoing", id="panes"):
            yield DataTable(id="outgoing")
            yield DataTable(id="failed")
        yield Footer()

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_columns("ID", "State", "When", "To", "Subject")
        self.query_one("#outgoing", DataTable).focus()
        self.call_after_refresh(self.load)

    def action_show(self, pane: str) -> None:
        self.query_one(ContentSwitcher).current = pane
        self.query_one(f"#{pane}", DataTable).focus()

    def action_down(self) -> None:
        table = self.focused
        if isinstance(table, DataTable):
            table.action_cursor_down()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        import psycopg

        with psycopg.connect(self.conninfo) as conn:
            pages = {state: conn.execute(PAGE, (state,)).fetchall() for state in ("outgoing",)}
            pages["exception"] = conn.execute(PAGE, ("exception",)).fetchall()
        self.call_from_thread(self.show_pages, pages)

    def show_pages(self, pages: dict[str, list[Any]]) -> None:
        for state, pane in (("outgoing", "outgoing"), ("exception", "failed")):
            table = self.query_one(f"#{pane}", DataTable)
            for mail_id, mail_state, date, email_to, subject in pages[state]:
                table.add_row(
                    str(mail_id), mail_state, str(date)[:16], email_to or "", subject or ""
                )


def view(app: App[Any]) -> tuple[object, ...]:
    """What a key changes on screen: the pane shown, the focus, the cursor row."""
    switcher = app.query(ContentSwitcher).first() if app.query(ContentSwitcher) else None
    focused = app.focused
    row = focused.cursor_row if isinstance(focused, DataTable) else None
    rows = focused.row_count if isinstance(focused, DataTable) else 0
    return (switcher.current if switcher else None, focused.id if focused else None, row, rows)


class Probe:
    """Hooks the App's `_display`; the typist thread waits on it."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.ready = threading.Event()
        self.shown = threading.Event()
        self.before: tuple[object, ...] | None = None
        self.last: tuple[object, ...] | None = None
        self.displays = 0
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            self.displays += 1
            self.last = current = view(app)
            if not self.ready.is_set() and current[3]:  # the first page's rows are drawn
                self.ready.set()
            if self.before is not None and current[:3] != self.before[:3]:
                self.before = None
                self.shown.set()

        app._display = display  # type: ignore[method-assign]

    def press(self, key: str) -> float | None:
        """Seconds from sending the key to the screen update that shows it (None: never)."""
        assert self.last is not None
        self.shown.clear()
        self.before = self.last
        event = events.Key(key, CHARACTERS[key])
        started = time.perf_counter()
        driver = self.app._driver
        assert driver is not None
        driver.send_message(event)
        if not self.shown.wait(KEY_TIMEOUT_S):
            self.before = None
            return None
        return time.perf_counter() - started


def typist(probe: Probe, results: dict[str, Any]) -> None:
    started = time.perf_counter()
    if not probe.ready.wait(START_TIMEOUT_S):
        results["error"] = "the first page never showed"
        return
    results["first_page_s"] = time.perf_counter() - started
    latencies: list[float | None] = []
    for key in KEYS:
        latencies.append(probe.press(key))
        time.sleep(GAP_S)
    results["keys"] = list(KEYS)
    results["ms"] = [None if s is None else round(s * 1000, 2) for s in latencies]
    results["last_view"] = [str(part) for part in probe.last or ()]


async def drive(app: App[Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        probe = Probe(app)
        thread = threading.Thread(target=typist, args=(probe, results), daemon=True)
        thread.start()
        while thread.is_alive():
            await asyncio.sleep(0.02)
        results["displays"] = probe.displays
        await pilot.press("q")
    return results


def console_app(url: str) -> App[Any]:
    from console.tui.app import MailQueueApp

    def connect() -> Any:
        from console.backends.connect import open_backend
        from console.config.connection import ConnectionSettings

        return open_backend(ConnectionSettings(db_url=url))

    return MailQueueApp(connect, tz=UTC, refresh_seconds=5.0)


def main(argv: list[str]) -> int:
    mode, target = argv
    app = console_app(target) if mode == "console" else BareKeysApp(target)
    print(json.dumps(asyncio.run(drive(app))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
