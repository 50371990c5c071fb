"""The Envelopes pane (key 9): the chatter's red envelopes at 80x24, and x turning one
white through the confirmation, the journal and undo."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input

from console.tui.panes.envelopes_pane import EnvelopesPane
from console.tui.widgets.header import TabBar
from tests.helpers.db import sql
from tests.helpers.tui import (
    SIZE,
    confirm,
    dialog,
    dialog_text,
    make_app,
    screen_text,
    settle,
    shown_keys,
    started,
)


def failed_messages(path: Path) -> list[int]:
    return [
        int(str(row[0]))
        for row in sql(
            path,
            "SELECT DISTINCT n.mail_message_id FROM mail_notification n "
            "JOIN mail_message m ON m.id = n.mail_message_id "
            "WHERE n.notification_type = 'email' "
            "AND n.notification_status IN ('exception', 'bounce') AND m.model IS NOT NULL "
            "AND m.message_type <> 'user_notification' ORDER BY 1 DESC",
        )
    ]


async def test_9_lists_the_red_envelopes_and_x_ignores_one(sample_path: Path) -> None:
    before = failed_messages(sample_path)
    assert len(before) > 3  # the sample has red envelopes to show
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("9")
        await settle(pilot, app)
        pane = app.query_one(EnvelopesPane)
        assert [e.message_id for e in pane.envelopes] == before
        text = screen_text(app)
        assert f"9 Env {len(before)}" in text.splitlines()[1]  # the active tab, with its count
        assert f"{len(before)} red envelopes, newest first" in text
        assert "Connection failed (outg" in text  # Odoo's words for the failure
        assert "x" in shown_keys(app) and "x Ignore all" in text.splitlines()[-1]
        await pilot.press("x")
        await pilot.pause()
        assert f"message #{before[0]}" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][0] == "Ignore all"
        assert app.toasts[-1][1].startswith("Ignored the failures of 1 message")
        await settle(pilot, app)
        assert failed_messages(sample_path) == before[1:]
        assert [e.message_id for e in pane.envelopes] == before[1:]
        assert app.query_one(TabBar).build_text(200).plain.count(f"9 Envelopes {len(before) - 1}")
        await pilot.press("2")  # its mail, still failed, is marked in the Failed list
        await settle(pilot, app)
        assert "ignored · " in screen_text(app)
        await pilot.press("9")
        await settle(pilot, app)
        await pilot.press("u")
        await settle(pilot, app)
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Undid 1 failed notification")
        assert failed_messages(sample_path) == before


async def test_retry_warns_when_a_recipient_already_received_the_mail(sample_path: Path) -> None:
    """Odoo's Retry (mark_outgoing) sends to every recipient again: the dialog says so when
    some of them got it, and names the resend that reaches only the failed ones."""
    target = int(
        str(
            sql(
                sample_path,
                "SELECT m.id FROM mail_mail m JOIN mail_notification n ON n.mail_mail_id = m.id "
                "WHERE m.state = 'exception' ORDER BY m.id DESC LIMIT 1",
            )[0][0]
        )
    )
    sql(
        sample_path,
        "UPDATE mail_notification SET notification_status = 'sent' WHERE mail_mail_id = ?",
        target,
    )
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("slash", *str(target), "enter")
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)  # the dialog opens once it knows who got the mail
        text = dialog_text(app)
        assert "1 of them already reached 1 recipient" in text
        assert "Send & close" in text
        await pilot.press("escape")
        await settle(pilot, app)
        assert sql(sample_path, "SELECT state FROM mail_mail WHERE id = ?", target) == [
            ("exception",)
        ]


def two_recipient_failure(path: Path) -> tuple[int, int, int, int]:
    """A failed mail of the sample given a second partner who did receive it: (mail,
    message, the failed partner, the partner it reached)."""
    mail, message, failed = (
        int(str(v))
        for v in sql(
            path,
            "SELECT m.id, m.mail_message_id, n.res_partner_id FROM mail_mail m "
            "JOIN mail_notification n ON n.mail_mail_id = m.id "
            "WHERE m.state = 'exception' AND n.notification_status = 'exception' "
            "ORDER BY m.id DESC LIMIT 1",
        )[0]
    )
    reached = int(
        str(
            sql(path, "SELECT min(id) FROM res_partner WHERE id <> ? AND email LIKE '%@%'", failed)[
                0
            ][0]
        )
    )
    sql(path, "INSERT INTO mail_mail_res_partner_rel VALUES (?, ?)", mail, reached)
    sql(
        path,
        "INSERT INTO mail_notification (mail_message_id, mail_mail_id, res_partner_id, "
        "notification_type, notification_status, is_read) VALUES (?, ?, ?, 'email', 'sent', 1)",
        message,
        mail,
        reached,
    )
    return mail, message, failed, reached


def new_mails_of(path: Path, message: int, old: int) -> list[tuple[int, str]]:
    rows = sql(
        path,
        "SELECT id, state FROM mail_mail WHERE mail_message_id = ? AND id <> ? ORDER BY id",
        message,
        old,
    )
    return [(int(str(i)), str(s)) for i, s in rows]


async def test_the_retry_dialog_offers_the_resend_to_failed_only(sample_path: Path) -> None:
    mail, message, failed, _ = two_recipient_failure(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("slash", *str(mail), "enter")
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        assert "already reached 1 recipient" in dialog_text(app)
        button = dialog(app).query_one("#confirm-all", Button)
        assert str(button.label) == "Resend to failed only"
        await pilot.click("#confirm-all")
        await settle(pilot, app)
        assert app.toasts[-1][1].startswith("Queued again for the failed recipients of 1 message")
        ((new_mail, state),) = new_mails_of(sample_path, message, mail)
        assert state == "outgoing"
        assert sql(
            sample_path,
            "SELECT res_partner_id FROM mail_mail_res_partner_rel WHERE mail_mail_id = ?",
            new_mail,
        ) == [(failed,)]  # not the partner it reached
        assert sql(sample_path, "SELECT state FROM mail_mail WHERE id = ?", mail) == [
            ("exception",)
        ]


async def test_a_fixes_the_address_then_r_resends(sample_path: Path) -> None:
    mail, message, failed, _ = two_recipient_failure(sample_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("9")
        await settle(pilot, app)
        pane = app.query_one(EnvelopesPane)
        row = [e.message_id for e in pane.envelopes].index(message)
        pane.table.move_cursor(row=row)
        await pilot.pause()
        assert {"r", "a"} <= shown_keys(app)
        await pilot.press("a")
        await pilot.pause()
        field = app.screen.query_one("#save-path", Input)
        old = field.value
        assert "@" in old and f"partner #{failed}" in screen_text(app)
        field.value = "fixed@example.org"
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.toasts[-1][1].startswith("Fixed the e-mail address of 1 partner")
        assert sql(sample_path, "SELECT email FROM res_partner WHERE id = ?", failed) == [
            ("fixed@example.org",)
        ]
        await pilot.press("r")
        await pilot.pause()
        assert f"message #{message}" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Queued again for the failed recipients of 1 message")
        assert [s for _, s in new_mails_of(sample_path, message, mail)] == ["outgoing"]
        await pilot.press("u")
        await settle(pilot, app)
        await confirm(pilot, app)
        assert [s for _, s in new_mails_of(sample_path, message, mail)] == ["cancel"]
