"""What the first screen of each pane shows at 80x24 and 60x20, as the operator reads it."""

from __future__ import annotations

import re
from pathlib import Path

from console.tui.app import MailQueueApp
from tests.helpers.db import sql
from tests.helpers.tui import SIZE, make_app, screen_text, settle, started


async def _pane_lines(pilot: object, app: MailQueueApp, key: str) -> list[str]:
    await pilot.press(key)  # type: ignore[attr-defined]
    await settle(pilot, app)  # type: ignore[arg-type]
    return screen_text(app).splitlines()


async def test_the_columns_a_glance_needs_fit_80_columns(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await settle(pilot, app)
        heads = {
            "1": ("✓", "ID", "State", "When", "To", "Subject"),
            "2": ("✓", "ID", "Failed", "Cause", "To", "Subject"),
            "4": ("Name", "On", "Every", "Next call", "Late", "Last call", "Run", "Fail", "Trig"),
            "5": ("ID", "Queue", "Name", "Subject", "State", "Scheduled"),
        }
        for key, words in heads.items():
            lines = await _pane_lines(pilot, app, key)
            header = lines[2]
            assert len(header) <= 80
            expected = [w for word in words for w in word.split()]
            assert header.split()[: len(expected)] == expected, header  # more to the right

        lines = await _pane_lines(pilot, app, "2")
        row = next(line for line in lines if "535 auth failed" in line)
        cells = row.split()
        # the subject has room (not the 0-8 characters of before), and the cause is whole
        assert len(row.rstrip()) >= 76 and re.search(r"\w{6,}", row[64:]), row
        assert cells[0].isdigit()


async def test_outgoing_marks_mails_scheduled_for_later(sample_path: Path) -> None:
    later = sql(
        sample_path,
        "SELECT id FROM mail_mail WHERE state = 'outgoing' AND scheduled_date > "
        "strftime('%Y-%m-%d %H:%M:%f', 'now') ORDER BY id DESC",
    )
    due = sql(
        sample_path,
        "SELECT id FROM mail_mail WHERE state = 'outgoing' AND (scheduled_date IS NULL OR "
        "scheduled_date <= strftime('%Y-%m-%d %H:%M:%f', 'now')) ORDER BY id DESC",
    )
    assert later and due  # the sample has both
    app = make_app(sample_path)
    async with app.run_test(size=(80, 60)) as pilot:
        await started(pilot, app)
        await settle(pilot, app)
        lines = screen_text(app).splitlines()
        for (mail_id,), word in [*((r, "later") for r in later), *((r, "outgoing") for r in due)]:
            row = next((line for line in lines if re.match(rf"\s+{mail_id} ", line)), None)
            if row is not None:
                assert row.split()[1] == word, row


async def test_campaigns_show_ids_as_health_names_them_and_positions_as_ordinals(
    sample_path: Path,
) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=(80, 200)) as pilot:  # tall: every health check at once
        await started(pilot, app)
        await settle(pilot, app)
        health = " ".join(await _pane_lines(pilot, app, "6"))
        lines = await _pane_lines(pilot, app, "5")
        rows = [line.split() for line in lines[3:] if re.match(r"\s+\d+ ", line)]
        assert rows[0][1:3] == ["▶", "head"]
        assert [row[1] for row in rows[1:3]] == ["2nd", "3rd"]
        ids = {row[0] for row in rows}
        named = re.findall(r"Campaign #(\d+)", health)
        assert named and set(named) <= ids, (named, ids)
        assert not re.search(r"(?<!Campaign )#\d", "\n".join(lines[2:-2]))


async def test_help_wraps_under_its_descriptions_at_60x20(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await started(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        seen: list[str] = []
        for _ in range(12):
            seen += screen_text(app).splitlines()[2:-2]
            await pilot.press("pagedown")
            await pilot.pause()
        wrapped = [line for line in seen if re.match(r"│ {17,}\S", line)]
        assert wrapped, "\n".join(seen)  # continuation lines sit under the description
        assert not [line for line in seen if re.match(r"│ [a-z]", line)], "\n".join(seen)
