"""`m`: the toasts of the session, whole, newest first; a long toast is cut on screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from textual.widgets._toast import Toast

from console.tui.screens.messages_screen import MessagesScreen
from tests.helpers.tui import SIZE, make_app, plain, screen_text, settle, started, wait_for


async def test_m_shows_every_message_whole_and_toasts_leave_the_status_line_free(
    sample_path: Path,
) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot, app)
        await settle(pilot, app)
        long = "Skipped 40 mails: " + ", ".join(f"#{n} state changed" for n in range(40))
        app.notify("First one", title="Retry")
        app.notify(long, title="Cancel", severity="warning")
        for _ in range(5):
            await pilot.pause(0.05)
        lines = screen_text(app).splitlines()
        assert "outgoing ·" in lines[-2]  # the status line is not under a toast
        toasts = [toast._notification.message for toast in app.screen.query(Toast)]
        cut = next(text for text in toasts if text.startswith("Skipped 40"))
        assert cut.endswith("(m: all of it)") and "#39 state changed" not in cut
        assert max(toast.region.height for toast in app.screen.query(Toast)) <= 7
        for n in range(5):  # they do not pile up: the newest three stay
            app.notify(f"More {n}", title="Retry")
        await wait_for(
            pilot,
            lambda: (
                [t._notification.message for t in app.screen.query(Toast)]
                == ["More 2", "More 3", "More 4"]
            ),
            "the newest three toasts only",
        )
        await pilot.press("m")
        await settle(pilot, app)
        assert isinstance(app.screen, MessagesScreen)
        body = plain(app.screen.query_one("#messages-body", Static))
        assert body.index("Cancel:") < body.index("Retry: First one")  # newest first
        assert "#39 state changed" in body and "More 0" in body  # whole, and every one
        assert "odoo-mailq" in screen_text(app).splitlines()[0]  # the header stays
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, MessagesScreen)
