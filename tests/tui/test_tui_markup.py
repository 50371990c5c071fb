"""Database text is never markup in the console: names that look like Textual/Rich markup
(`[@click=app.quit]`, `[b]`) show as typed, in lists, dialogs, the detail and toasts, and
no action fires. Driven by keys at 80x24 on a copy of the sample.
"""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widgets import Button, DataTable, Static
from textual.widgets._toast import Toast

from tests.helpers.db import sql, state_ids
from tests.helpers.tui import SIZE, dialog, dialog_text, make_app, plain, settle, started

CRON = "[@click=app.quit]Purge[/] [b]now[/b]"
SUBJECT = "[@click=app.quit]Invoice[/] [red]42[/red]"
PARTNER = "[@click=app.quit]Eve[/] Martin"
REASON = "[@click=app.quit]550 5.7.1 rejected[/] [link=https://evil.example]here[/link]"


def plant(path: Path) -> tuple[int, int]:
    """Hostile texts on the newest failed mail (subject, partner, reason) and on a cron."""
    mail_id = state_ids(path, "exception")[0]
    message_id, partner_id = sql(
        path,
        "SELECT mail_message_id, (SELECT max(id) FROM res_partner) FROM mail_mail WHERE id = ?",
        mail_id,
    )[0]
    sql(path, "UPDATE mail_message SET subject = ? WHERE id = ?", SUBJECT, message_id)
    sql(
        path,
        "UPDATE mail_mail SET failure_reason = ?, email_to = NULL WHERE id = ?",
        REASON,
        mail_id,
    )
    sql(path, "DELETE FROM mail_mail_res_partner_rel WHERE mail_mail_id = ?", mail_id)
    sql(path, "INSERT INTO mail_mail_res_partner_rel VALUES (?, ?)", mail_id, partner_id)
    sql(path, "UPDATE res_partner SET name = ?, email = NULL WHERE id = ?", PARTNER, partner_id)
    cron_id = int(str(sql(path, "SELECT min(id) FROM ir_cron WHERE active")[0][0]))
    sql(path, "UPDATE ir_cron SET cron_name = ? WHERE id = ?", CRON, cron_id)
    return mail_id, cron_id


def row_text(table: DataTable[object], key: str) -> str:
    return " | ".join(str(getattr(c, "plain", c)) for c in table.get_row(key))


def assert_literal(content: Content, text: str) -> None:
    assert text in content.plain, content.plain
    assert not any(
        "@click" in str(span.style) or "link" in str(span.style) for span in content.spans
    )


async def test_hostile_names_show_as_typed_and_fire_nothing(sample_path: Path) -> None:
    mail_id, cron_id = plant(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        failed = app.query_one("#failed-table", DataTable)
        assert failed.get_row_index(str(mail_id)) == 0
        for column in ("subject", "to", "reason"):  # the partner, the failure's cause
            shown = failed.get_cell(str(mail_id), column).plain.strip()
            assert shown.startswith("[@click=app."), (column, shown)

        await pilot.press("r")  # the dialog names the mail by its subject
        await pilot.pause()
        assert SUBJECT in dialog_text(app)
        await pilot.press("escape")
        await settle(pilot, app)

        await pilot.press("enter")  # the detail: subject, partner and the reason verbatim
        await settle(pilot, app)
        body = plain(app.screen.query_one("#detail-body", Static))
        for text in (SUBJECT, PARTNER, REASON):
            assert text in body, text
        await pilot.press("escape")
        await settle(pilot, app)

        await pilot.press("4")
        await settle(pilot, app)
        crons = app.query_one("#crons-table", DataTable)
        assert row_text(crons, str(cron_id)).strip().startswith("[@click=app.quit]Pu")
        crons.move_cursor(row=crons.get_row_index(str(cron_id)))
        await pilot.press("t")
        await pilot.pause()
        assert CRON in dialog_text(app)
        screen = dialog(app)
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#confirm-go", Button)
        await pilot.press("enter")
        await settle(pilot, app)
        title, message, _ = app.toasts[-1]
        assert title == "Run cron now" and CRON in message
        for _ in range(50):  # the toast rack shows it on a later tick
            toasts = [t for t in app.screen.query(Toast) if CRON in t.render().plain]
            if toasts:
                break
            await pilot.pause(0.02)
        assert toasts, [t.render().plain for t in app.screen.query(Toast)]
        assert_literal(toasts[-1].render(), CRON)
        await pilot.click(toasts[-1])  # a link would quit here
        await settle(pilot, app)
        assert app.is_running
    assert app.return_code is None or app.return_code == 0
