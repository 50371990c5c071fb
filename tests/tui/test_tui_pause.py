"""W (pause / resume Odoo's queue) and h (hold / release mails on Outgoing) at 80x24,
against a real SQLite copy of the sample, checked row by row with sqlite3."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button

from console.tui.widgets.header import HeaderBar
from tests.helpers.db import sql, state_ids
from tests.helpers.tui import (
    SIZE,
    confirm,
    dialog,
    dialog_text,
    journal_lines,
    make_app,
    pane,
    settle,
    started,
)

QUEUE_ACTIVE = (
    "SELECT c.active FROM ir_cron c JOIN ir_model_data d ON d.model = 'ir.cron' "
    "AND d.res_id = c.id AND d.name = 'ir_cron_mail_scheduler_action'"
)


def queue_active(path: Path) -> bool:
    return bool(sql(path, QUEUE_ACTIVE)[0][0])


def header(app: object) -> str:
    return app.query_one(HeaderBar).build_text(80).plain  # type: ignore[attr-defined]


async def test_w_pauses_with_what_it_does_not_stop_then_resumes(sample_path: Path) -> None:
    sql(sample_path, "UPDATE ir_cron SET active = 1 WHERE id IN (SELECT res_id FROM "
        "ir_model_data WHERE name = 'ir_cron_mail_scheduler_action')")  # fmt: skip
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert "PAUSED" not in header(app)
        await pilot.press("W")
        await settle(pilot, app)
        text = dialog_text(app)
        assert "Pause Odoo's queue?" in text
        assert "Pausing does NOT stop" in text and "Send Now button" in text
        assert str(dialog(app).query_one("#confirm-all", Button).label) == "Pause, campaigns too"
        assert queue_active(sample_path)  # nothing before confirming
        await confirm(pilot, app)
        assert not queue_active(sample_path)
        title, message, _severity = app.toasts[-1]
        assert title == "Pause queue" and message.startswith("Paused Odoo's queue.")
        assert "QUEUE PAUSED" in header(app)  # loud, at 80 columns

        await pilot.press("W")  # W again: resume
        await settle(pilot, app)
        assert "Resume Odoo's queue? It is paused by " in dialog_text(app)
        await confirm(pilot, app)
        assert queue_active(sample_path)
        assert "PAUSED" not in header(app)
    assert [e["action"] for e in journal_lines(sample_path)] == ["pause", "resume"]


async def test_h_holds_the_mail_then_releases_it(sample_path: Path) -> None:
    target = state_ids(sample_path, "outgoing")[0]
    before = sql(sample_path, "SELECT scheduled_date FROM mail_mail WHERE id = ?", target)[0][0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        outgoing = pane(app, "outgoing")
        assert outgoing.cursor_id() == target
        await pilot.press("h")
        await settle(pilot, app)
        assert "Hold 1 mail?" in dialog_text(app)
        await confirm(pilot, app)
        held = sql(sample_path, "SELECT scheduled_date FROM mail_mail WHERE id = ?", target)
        assert str(held[0][0]).startswith("9999-01-01")
        row = outgoing.table.get_row(str(target))
        assert any("HELD" in str(cell) for cell in row)

        outgoing.table.move_cursor(row=outgoing.table.get_row_index(str(target)))
        await pilot.press("h")  # on a held mail: release
        await settle(pilot, app)
        assert "Release 1 mail?" in dialog_text(app)
        await confirm(pilot, app)
    after = sql(sample_path, "SELECT scheduled_date FROM mail_mail WHERE id = ?", target)[0][0]
    assert after == before
    assert [e["action"] for e in journal_lines(sample_path)] == ["hold", "release"]


async def test_read_only_refuses_w_and_hides_h(sample_path: Path) -> None:
    active = queue_active(sample_path)
    app = make_app(sample_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("W")
        await settle(pilot, app)
        assert app.toasts[-1][0] == "READ-ONLY"
        await pilot.press("h")
        await settle(pilot, app)
    assert queue_active(sample_path) == active
    assert journal_lines(sample_path) == []
    held = sql(sample_path, "SELECT count(*) FROM mail_mail WHERE scheduled_date LIKE '9999%'")
    assert held[0][0] == 0
