"""Q (queue shape) and T (throughput) at 80x24 on the sample: the numbers against what the
test works out from the raw rows, enter on a domain lists its mails, the daily limit drawn."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Sparkline, Static

from console.tui.screens.history_screen import HistoryScreen
from console.tui.screens.shape_screen import ShapeScreen, ShapeTable
from tests.helpers.shape import expected_history, expected_shape, mails_to
from tests.helpers.tui import SIZE, make_app, pane, plain, screen_text, settle, started, table_ids


def _cells(table: ShapeTable, row: int) -> list[str]:
    return [cell.plain.strip() for cell in table.get_row_at(row)]


async def test_q_shows_the_failed_mails_by_domain_and_enter_lists_a_domain(
    sample_path: Path,
) -> None:
    url = f"sqlite:///{sample_path}"
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("Q")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ShapeScreen) and screen.shape is not None
        await pilot.press("s")  # outgoing -> failed
        await settle(pilot, app)
        shape = screen.shape
        assert shape is not None and shape.state == "failed"
        total, table, _later = expected_shape(url, "exception", shape.at)
        rows = screen.query_one(ShapeTable)
        assert _cells(rows, 0) == ["TOTAL", str(sum(total.values()))] + [
            str(total[i]) for i in range(9)
        ]
        top = _cells(rows, 1)
        assert top[2:] == [str(n) for n in table[top[0]]]
        text = screen_text(app)
        assert all(len(line) <= 80 for line in text.splitlines())
        header = next(line for line in text.splitlines() if "640m" in line)
        assert header.split()[-3:] == ["320m", "640m", "more"]
        rows.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot, app)
        failed = pane(app, "failed")
        assert app.visible_pane() is failed and failed.filter_text == f"@{top[0]}"
        assert set(table_ids(failed)) == mails_to(url, "exception", top[0])


async def test_v_switches_what_the_rows_are(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("Q")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ShapeScreen)
        await pilot.press("s", "v")
        await settle(pilot, app)
        assert screen.shape is not None and screen.shape.by == "server"
        names = {_cells(screen.query_one(ShapeTable), i)[0] for i in range(1, 3)}
        assert names == {"Brevo relay", "Office 365"}
        await pilot.press("v", "v")  # model, then cause: enter says what it lists
        await settle(pilot, app)
        screen.query_one(ShapeTable).move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ShapeScreen)
        assert any("recipient domain or a document model" in t[1] for t in app.toasts)


async def test_t_draws_the_hours_and_the_days_against_the_daily_limit(sample_path: Path) -> None:
    url = f"sqlite:///{sample_path}"
    app = make_app(sample_path, daily_limit=20)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("T")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await pilot.press("d")  # 7 days
        await settle(pilot, app)
        sparks = screen.query_one("#spark-sent", Sparkline)
        data = list(sparks.data or [])
        assert len(data) == 7 * 24
        from datetime import timedelta

        from console.domain.history import window
        from console.domain.timefmt import utcnow_naive

        since, until = window(utcnow_naive(), 7)
        expected = expected_history(url, since, until)
        assert sum(data) == sum(expected["sent"].values()) > 0
        hours = [since + timedelta(hours=i) for i in range(7 * 24)]
        assert data == [float(expected["sent"][h]) for h in hours]
        label = plain(screen.query_one("#label-failed", Static))
        assert label.startswith(f"Failed: {sum(expected['failed'].values())} ")
        days = plain(screen.query_one("#history-days", Static)).splitlines()
        assert "daily limit 20" in days[0]
        bars = days[1:]
        assert bars and all("│" in line for line in bars)
        over = [line for line in bars if line.endswith("over")]
        assert over and len(over) < len(bars)
        assert all(len(line) <= 80 for line in screen_text(app).splitlines())
        await pilot.press("escape", "question_mark")
        await settle(pilot, app)
        help_text = plain(app.screen.query_one("#help-body", Static))
        assert "Queue shape (Q) and throughput (T)" in help_text
        keys = {line.split(maxsplit=1)[0]: line for line in help_text.splitlines() if line.strip()}
        assert "recipient domain" in keys["Q"] and "per hour" in keys["T"]
