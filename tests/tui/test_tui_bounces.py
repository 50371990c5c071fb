"""The Bounces pane (key 0) at 80x24: the rates, the campaigns and the records with the most
bounces in one table, read in a worker; Z resets the selected partner's counter through the
confirmation, the journal and undo."""

from __future__ import annotations

from pathlib import Path

from console.domain.bounces import BounceOverview
from console.tui.panes.bounces_pane import BouncesPane
from tests.helpers.db import sql
from tests.helpers.tui import (
    SIZE,
    confirm,
    dialog_text,
    journal_lines,
    make_app,
    screen_text,
    settle,
    shown_keys,
    started,
)


def bounced_partners(path: Path) -> list[tuple[object, ...]]:
    return sql(
        path,
        "SELECT id, message_bounce FROM res_partner WHERE message_bounce > 0 AND active "
        "ORDER BY message_bounce DESC, id",
    )


async def test_0_shows_rates_and_z_resets_the_selected_partner(sample_path: Path) -> None:
    sql(
        sample_path,
        "UPDATE res_partner SET message_bounce = 4 WHERE id = "
        "(SELECT min(id) FROM res_partner WHERE message_bounce > 0)",
    )
    before = bounced_partners(sample_path)
    assert len(before) >= 2 and before[0][1] == 4  # the sample has bounced customers
    top = int(str(before[0][0]))
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("0")
        await settle(pilot, app)
        pane = app.query_one(BouncesPane)
        assert isinstance(pane.overview, BounceOverview)
        assert pane.table.row_count == len(pane.order) < 1000
        assert pane.order[:2] == ["w:24h", "w:7d"]
        assert next(k for k in pane.order if k.startswith("d:")).startswith("d:20")
        assert any(k.startswith("c:") for k in pane.order)  # the sample's campaigns
        text = screen_text(app)
        assert "Last" in text and "24 hours" in text and "bounce rate" in text
        assert "Z" in shown_keys(app)
        await pilot.press("Z")  # on a rate row: says where to put the cursor
        await pilot.pause()
        assert app.toasts[-1][1].startswith("Put the cursor on a partner")
        pane.table.move_cursor(row=pane.order.index(f"r:res.partner:{top}"))
        await pilot.press("Z")
        await settle(pilot, app)
        assert "Reset the bounce counter of 1 address?" in dialog_text(app)
        assert "(4 bounces)" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][0] == "Reset bounces"
        assert app.toasts[-1][1].startswith("Reset the bounce counters of 1 record")
        await settle(pilot, app)
        assert bounced_partners(sample_path) == before[1:]
        assert f"r:res.partner:{top}" not in pane.order
        assert journal_lines(sample_path)[-1]["action"] == "reset-bounce"
        await pilot.press("u")
        await settle(pilot, app)
        assert "Undo the reset-bounce of 1 record" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Undid 1 bounce counter")
        assert bounced_partners(sample_path) == before


async def test_read_only_hides_the_reset(sample_path: Path) -> None:
    app = make_app(sample_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("0")
        await settle(pilot, app)
        assert "Z" not in shown_keys(app)
        pane = app.query_one(BouncesPane)
        assert pane.blacklist_target() is None  # the cursor is on the 24h rate


async def test_the_health_pane_judges_the_bounce_rate(sample_path: Path) -> None:
    from console.tui.panes.health_pane import HealthPane

    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        results = {r.id: r for r in app.query_one(HealthPane).results}
        assert results["bounces"].title == "Bounce rate"
        found = results["bounces"]
        assert found.summary.startswith("bounce rate ") or found.summary == (
            "no mail accepted in 7 days"
        )
        assert {p.label for p in found.perf} >= {"bounce_rate_24h", "bounce_rate_7d"}


async def test_b_on_a_bounced_partner_opens_the_blacklist_searched_for_it(
    sample_path: Path,
) -> None:
    from console.tui.screens.blacklist_screen import BlacklistScreen

    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("0")
        await settle(pilot, app)
        pane = app.query_one(BouncesPane)
        target = None
        for row in range(pane.table.row_count):
            pane.table.move_cursor(row=row)
            await pilot.pause()
            target = pane.blacklist_target()
            if target:
                break
        assert target, "the sample has partners with bounces"
        await pilot.press("B")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, BlacklistScreen)
        assert screen.query_state.text == target and screen.query_state.include_removed
        assert target in screen_text(app)
