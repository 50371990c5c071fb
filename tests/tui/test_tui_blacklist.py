"""The Blacklist screen (B, or the palette) at 80x24: the entries read in a worker, searched
in SQL with /, removed ones with a; D asks the reason, then the confirmation, writes what
Odoo's wizard writes, journals it, and u undoes it; a read-only session refuses D."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import DataTable

from console.tui.screens.blacklist_screen import BlacklistScreen, ReasonScreen
from sample_db.odoo_ddl_blacklist import add_blacklist, entry, forget_the_samples_entries
from tests.helpers.db import sql
from tests.helpers.tui import (
    SIZE,
    confirm,
    dialog_text,
    journal_lines,
    make_app,
    screen_text,
    settle,
    started,
)

AT = datetime(2026, 11, 20, 9, 0, 0)


def blacklisted(path: Path) -> list[str]:
    return [str(r[0]) for r in sql(path, "SELECT email FROM mail_blacklist WHERE active "
                                         "ORDER BY id DESC")]  # fmt: skip


def prepare(path: Path) -> None:
    url = f"sqlite:///{path}"
    add_blacklist(url, 17, at=AT)
    forget_the_samples_entries(url)
    for address in ("ann@x.example", "bob@y.example", "cy@x.example"):
        entry(url, address, active=True, at=AT)
    entry(url, "gone@x.example", active=False, at=AT)


async def test_b_lists_searches_and_d_removes_with_a_reason_then_u_undoes(
    sample_path: Path,
) -> None:
    prepare(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("B")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BlacklistScreen)
        assert [e.email for e in screen.entries] == blacklisted(sample_path)
        assert "3 blacklisted addresses" in screen_text(app)
        await pilot.press("slash")
        await pilot.press(*"X.EXAMPLE", "enter")
        await settle(pilot, app)
        assert [e.email for e in screen.entries] == ["cy@x.example", "ann@x.example"]
        await pilot.press("a")
        await settle(pilot, app)
        assert [e.email for e in screen.entries] == [
            "gone@x.example", "cy@x.example", "ann@x.example"]  # fmt: skip
        await pilot.press("a")
        await settle(pilot, app)
        assert screen.query_one(DataTable).row_count == 2
        await pilot.press("D")  # the cursor is on cy@x.example
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        await pilot.press(*"asked by phone", "enter")
        await pilot.pause()
        assert "cy@x.example" in dialog_text(app) and "asked by phone" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Removed from the blacklist 1 address")
        assert blacklisted(sample_path) == ["bob@y.example", "ann@x.example"]
        body = sql(sample_path, "SELECT body FROM mail_message WHERE model = 'mail.blacklist' "
                                "ORDER BY id DESC LIMIT 1")[0][0]  # fmt: skip
        assert body == "<p>Unblock Reason: asked by phone</p>"
        assert journal_lines(sample_path)[-1]["action"] == "unblacklist"
        assert [e.email for e in screen.entries] == ["ann@x.example"]  # reloaded
        await pilot.press("u")
        await settle(pilot, app)
        assert "removal from the blacklist" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Undid 1 address")
        assert "cy@x.example" in blacklisted(sample_path)
        await pilot.press("escape")  # clears the search
        await settle(pilot, app)
        assert len(screen.entries) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, BlacklistScreen)


async def test_read_only_refuses_d_and_the_palette_opens_the_screen(sample_path: Path) -> None:
    prepare(sample_path)
    app = make_app(sample_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.action_blacklist()
        await settle(pilot, app)
        assert isinstance(app.screen, BlacklistScreen)
        await pilot.press("D")
        await pilot.pause()
        assert not isinstance(app.screen, ReasonScreen)
        assert app.toasts[-1][0] == "READ-ONLY"
        assert len(blacklisted(sample_path)) == 3
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Blacklist" in titles
