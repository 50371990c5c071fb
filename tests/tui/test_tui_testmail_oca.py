"""The Health pane at 80x24: `M` sends a real test mail (asked first, the SMTP dialogue
shown, nothing written to Odoo), and the checks of a database with mail_queue_job read
its send jobs instead of crying about the queue cron it switched off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Static

from console.domain.timefmt import utcnow_naive
from console.tui.panes.crons_pane import CronsPane
from console.tui.panes.health_pane import HealthPane
from console.tui.screens.confirm_screen import IntervalScreen
from console.tui.screens.test_mail_screen import TestMailScreen
from testkit.smtp_server import SmtpTestServer
from tests.helpers.checksum import checksum
from tests.helpers.db import MakeDb
from tests.helpers.oca import (
    add_job,
    create_queue_job,
    install_modules,
    queue_cron_id,
    set_queue_cron,
)
from tests.helpers.tui import (
    SIZE,
    confirm,
    dialog_text,
    make_app,
    options_text,
    plain,
    settle,
    started,
    wait_for,
)

TO = "operator@example.net"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


async def test_m_sends_a_test_mail_after_asking(make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    with SmtpTestServer(auth=("relay@acme-shop.example", "Pw-0f-the-relay")) as smtp:
        db.point_servers(smtp.port, user="relay@acme-shop.example", password="Pw-0f-the-relay")
        db.sql("UPDATE ir_mail_server SET from_filter = NULL")
        before = checksum(db.url)
        app = make_app(db.url)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot, app)
            await pilot.press("6")
            await settle(pilot, app)
            assert "M test mail" in plain(app.query_one("#health-status", Static))
            await pilot.press("M")
            await settle(pilot, app)
            screen = app.screen
            assert isinstance(screen, TestMailScreen)
            screen.query_one("#tm-to", Input).value = TO
            await pilot.press("enter")  # plans, and asks
            await wait_for(pilot, lambda: screen.plan is not None, "the plan")
            await settle(pilot, app)
            asked = plain(screen.query_one("#tm-out", Static))
            assert "sends this REAL mail" in asked and "127.0.0.1" in asked
            assert smtp.received == []  # nothing sent before the second enter
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.result is not None, "the test mail")
            await settle(pilot, app)
            shown = plain(screen.query_one("#tm-out", Static))
            assert "> MAIL FROM:<" in shown and f"> RCPT TO:<{TO}>" in shown
            assert "✔ Delivered" in shown and "Pw-0f-the-relay" not in shown
            assert "masked" in shown
            await pilot.press("escape")
            await settle(pilot, app)
            assert isinstance(app.screen.query_one(HealthPane), HealthPane)
        assert len(smtp.received) == 1 and smtp.received[0].rcpt_tos == (TO,)
        assert checksum(db.url) == before


async def test_health_reads_mail_queue_job_jobs(make_db: MakeDb) -> None:
    db = make_db("sqlite", 16)
    create_queue_job(db)
    install_modules(db, "queue_job", "mail_queue_job")
    set_queue_cron(db, active=False)
    mail_id = int(db.one("SELECT min(id) FROM mail_mail")[0])
    add_job(db, mail_id, "pending", utcnow_naive() - timedelta(minutes=2))
    app = make_app(db.url)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("6")
        await settle(pilot, app)
        checks = app.query_one("#health-checks", OptionList)
        await wait_for(pilot, lambda: "mail_queue_job" in options_text(checks), "the checks")
        text = options_text(checks)
        assert "Mail send jobs (mail_queue_job): 1 waiting, 0 running, 0 failed" in text
        assert "queue cron off (mail_queue_job)" in text
        assert "queue cron inactive" not in text


async def test_mail_post_defer_lets_the_dialog_set_one_minute(make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    install_modules(db, "mail_post_defer")
    cron_id = queue_cron_id(db)
    app = make_app(db.url)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("6")  # the health run that finds the module
        await settle(pilot, app)
        await pilot.press("4")
        await settle(pilot, app)
        crons = app.query_one(CronsPane)
        for _ in range([c.id for c in crons.crons].index(cron_id)):
            await pilot.press("j")
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntervalScreen)
        assert "mail_post_defer" in plain(screen.query_one(".confirm-note", Static))
        field = screen.query_one("#interval-number", Input)
        field.value = ""
        await pilot.press("1", "enter")
        await pilot.pause()
        assert "Run 'Mail: Email Queue Manager' every 1 minutes?" in dialog_text(app)
        await confirm(pilot, app)
        await settle(pilot, app)
    row = db.one("SELECT interval_number, interval_type FROM ir_cron WHERE id = :id", id=cron_id)
    assert tuple(row) == (1, "minutes")
