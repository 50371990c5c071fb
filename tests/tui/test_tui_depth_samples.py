"""The console's own samples of the queue's depth: the TUI's refresh appends one per five
minutes per database under the state directory (trimmed past 60 days), and `T` draws them
as the fourth series."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from console.domain.history import NOT_SAMPLED, window
from console.domain.timefmt import utcnow_naive
from console.services.queue_samples import samples_path
from console.tui.screens.history_screen import HistoryScreen
from tests.helpers.db import rows
from tests.helpers.tui import SIZE, make_app, plain, screen_text, settle, started


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _line(at: datetime, outgoing: int, failed: int) -> str:
    stamp = at.isoformat(timespec="seconds") + "Z"
    return json.dumps({"at": stamp, "outgoing": outgoing, "failed": failed}) + "\n"


def _count(url: str, state: str) -> int:
    return int(rows(url, f"SELECT count(*) FROM mail_mail WHERE state = '{state}'")[0][0])


async def test_the_refresh_samples_the_depth_every_five_minutes_and_trims_past_60_days(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    url = f"sqlite:///{sample_path}"
    path = samples_path(url, state / "odoo-mailq" / "queue-samples")
    now = datetime(2026, 12, 5, 10, 0, 0)
    path.parent.mkdir(parents=True)
    path.write_text(_line(now - timedelta(days=61, hours=12), 9, 9)
                    + _line(now - timedelta(days=59), 4, 1))  # fmt: skip
    clock = [now]
    app = make_app(sample_path)
    app.refresher.samples.sampler.clock = lambda: clock[0]
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        outgoing, failed = _count(url, "outgoing"), _count(url, "exception")
        assert outgoing > 0 and failed > 0, "the scenario has a queue"
        lines = _lines(path)
        assert lines == [
            {"at": "2026-10-07T10:00:00Z", "outgoing": 4, "failed": 1},  # 59 days: kept
            {"at": "2026-12-05T10:00:00Z", "outgoing": outgoing, "failed": failed},
        ]
        for minutes, expected in ((2, 2), (4, 2), (5, 3), (9, 3), (11, 4)):
            clock[0] = now + timedelta(minutes=minutes)
            app.refresher.request()
            await settle(pilot, app)
            assert len(_lines(path)) == expected, minutes
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert not app.toasts or all(t[0] != "Samples" for t in app.toasts)


async def test_t_draws_the_sampled_depth_with_gaps_and_says_when_there_is_none(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    other = tmp_path / "other.sqlite"
    shutil.copy(sample_path, other)
    since, _until = window(utcnow_naive(), 3)
    folder = state / "odoo-mailq" / "queue-samples"
    folder.mkdir(parents=True)
    samples_path(f"sqlite:///{sample_path}", folder).write_text(
        _line(since + timedelta(hours=1, minutes=5), 30, 2)
        + _line(since + timedelta(hours=1, minutes=40), 12, 5)
        + _line(since + timedelta(hours=40), 0, 0)
    )
    app = make_app(sample_path)
    app.refresher.samples.sampler.clock = lambda: since - timedelta(days=1)  # out of view
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("T")
        await settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)
        label = plain(app.screen.query_one("#label-queued", Static))
        assert label.startswith("Queued (outgoing, sampled while the console ran)")
        assert "deepest 30 · failed 5" in label
        line = plain(app.screen.query_one("#spark-queued", Static))
        assert line[1] == "█" and line[40] == "·"  # 72 hours fit: one column per hour
        assert line[0] == " " and line[2:40].strip() == ""  # not sampled: gaps
        assert all(len(row) <= 80 for row in screen_text(app).splitlines())
    app = make_app(other)  # its own refresh samples it, but before the window
    app.refresher.samples.sampler.clock = lambda: since - timedelta(days=1)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("T")
        await settle(pilot, app)
        label = plain(app.screen.query_one("#label-queued", Static))
        assert label == f"Queued: {NOT_SAMPLED}"
        assert not app.screen.query_one("#spark-queued", Static).display
