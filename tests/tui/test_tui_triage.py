"""Triage in the console (Causes, Health, the SMTP probe) and the remedies (cancel a
campaign, set a cron's interval), driven by keys at 80x24 against a real SQLite copy of the
sample; what the panes show is compared with the headless functions called directly, and
every write is checked with sqlite3.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.domain.causes import CauseGroup
from console.domain.health import health_summary
from console.services.causes import causes, ids_for_cause
from console.services.health import run_health
from console.tui.app import MailQueueApp
from console.tui.panes.campaigns_pane import CampaignsPane
from console.tui.panes.causes_pane import CausesPane
from console.tui.panes.crons_pane import CronsPane
from console.tui.panes.health_pane import HealthPane
from console.tui.screens.cause_mails import CauseMailsScreen
from console.tui.screens.confirm_screen import ConfirmScreen, IntervalScreen
from console.tui.screens.detail_screen import DetailScreen
from console.tui.widgets.header import HeaderBar, TabBar
from console.tui.widgets.tables import MailTable
from testkit.net import free_port
from tests.helpers.db import sql, state_ids
from tests.helpers.mails import add_failed_mail
from tests.helpers.tui import (
    SIZE,
    confirm,
    dialog,
    dialog_text,
    focused_id,
    journal_lines,
    make_app,
    options_text,
    plain,
    settle,
    shown_keys,
    started,
)


@pytest.fixture
def backend(sample_path: Path) -> Iterator[SqlBackend]:
    """A second connection to the same file: what the headless functions say."""
    opened = open_backend(ConnectionSettings(db_url=f"sqlite:///{sample_path}"))
    yield opened
    opened.close()


def causes_pane(app: MailQueueApp) -> CausesPane:
    return app.query_one(CausesPane)


def row_keys(pane: CausesPane) -> list[str]:
    return [str(row.key.value) for row in pane.table.ordered_rows]


async def open_pane(pilot: Pilot[None], app: MailQueueApp, key: str) -> None:
    await started(pilot, app)
    await pilot.press(key)
    await settle(pilot, app)


async def move_to(pilot: Pilot[None], index: int) -> None:
    for _ in range(index):
        await pilot.press("j")


def group_at(groups: list[CauseGroup], klass: str) -> tuple[int, CauseGroup]:
    return next((i, g) for i, g in enumerate(groups) if g.classification.klass == klass)


# ------------------------------------------------------------------ Causes


async def test_the_causes_pane_shows_causes_as_computed_directly(
    sample_path: Path, backend: SqlBackend
) -> None:
    expected = causes(backend)
    assert len(expected) > 3
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "3")
        pane = causes_pane(app)
        assert row_keys(pane) == [g.signature for g in expected]
        for group in expected:
            cells = [str(c).strip() for c in pane.table.get_row(group.signature)]
            assert cells[0] == str(group.count)
            assert cells[1] == {
                "transient": "transient",
                "permanent-recipient": "recipient",
                "configuration": "config",
            }.get(group.classification.klass, "?")
            assert cells[2] == group.classification.title
        assert f"3 Causes {len(expected)}" in app.query_one(TabBar).build_text(200).plain
        total = sum(g.count for g in expected)
        assert f"{len(expected)} causes · {total} failed mails" in plain(
            pane.query_one(".status-line", Static)
        )
        # The cause under the cursor is explained in full: what it means and the fix.
        info = plain(pane.query_one("#causes-info", Static))
        assert "Means" in info and "Fix" in info
        assert expected[0].classification.fix.split()[0] in info
        assert {"r", "x"} <= shown_keys(app)


async def test_enter_drills_into_exactly_the_mails_of_the_cause(
    sample_path: Path, backend: SqlBackend
) -> None:
    groups = causes(backend)
    index, group = 1, groups[1]
    expected = ids_for_cause(backend, group.signature)
    assert len(expected) == group.count
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "3")
        await move_to(pilot, index)
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CauseMailsScreen)
        assert screen.group.signature == group.signature
        table = screen.query_one("#cause-mails-table", MailTable)
        rows = [int(str(r.key.value)) for r in table.ordered_rows]
        # newest failure first, as the Failed list
        assert rows == [i for i in state_ids(sample_path, "exception") if i in set(expected)]
        expected = rows
        await pilot.press("j", "enter")  # the usual detail, on the second mail
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.mail_id == expected[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CauseMailsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert causes_pane(app).table.has_focus


async def test_r_on_a_cause_retries_exactly_its_mails(
    sample_path: Path, backend: SqlBackend
) -> None:
    groups = causes(backend)
    index, group = group_at(groups, "transient")
    target = set(ids_for_cause(backend, group.signature))
    before = dict(sql(sample_path, "SELECT id, state FROM mail_mail"))
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "3")
        await move_to(pilot, index)
        await pilot.press("r")
        await settle(pilot, app)  # the preview worker counts the group, then the dialog
        text = dialog_text(app)
        assert f"Retry {len(target)} mails?" in text
        assert f"Cause: {group.classification.title} (transient), {len(target)} mails now" in text
        assert focused_id(dialog(app)) == "confirm-back"
        assert dict(sql(sample_path, "SELECT id, state FROM mail_mail")) == before
        await confirm(pilot, app)
        title, message, severity = app.toasts[-1]
        assert (title, severity) == ("Retry", "information")
        assert message.startswith(f"Retried {len(target)} mails")
        await settle(pilot, app)
        # The group is gone from the pane and the tab row, recomputed after the write.
        assert group.signature not in row_keys(causes_pane(app))
        assert f"3 Causes {len(groups) - 1}" in app.query_one(TabBar).build_text(200).plain
    after = dict(sql(sample_path, "SELECT id, state FROM mail_mail"))
    changed = {i for i in before if before[i] != after[i]}
    assert changed == target
    assert all(after[i] == "outgoing" for i in target)
    assert [e["action"] for e in journal_lines(sample_path)] == ["retry"]


async def test_x_on_a_cause_ignores_its_failed_notifications(
    sample_path: Path, backend: SqlBackend
) -> None:
    groups = causes(backend)
    index, group = group_at(groups, "permanent-recipient")
    target = ids_for_cause(backend, group.signature)
    marks = ",".join("?" for _ in target)
    query = (
        f"SELECT count(*) FROM mail_notification WHERE mail_mail_id IN ({marks}) "
        "AND notification_status IN ('exception', 'bounce')"
    )
    assert sql(sample_path, query, *target)[0][0]
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "3")
        await move_to(pilot, index)
        await pilot.press("x")
        await settle(pilot, app)
        assert f"Ignore all failures of {len(target)} mails?" in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][0] == "Ignore all"
    assert sql(sample_path, query, *target)[0][0] == 0
    assert set(state_ids(sample_path, "exception")) >= set(target)  # the mails stay failed


async def test_retrying_a_permanent_cause_warns_in_the_dialog(
    sample_path: Path, backend: SqlBackend
) -> None:
    groups = causes(backend)
    index, _group = group_at(groups, "permanent-recipient")
    config_index, _config = group_at(groups, "configuration")
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "3")
        await move_to(pilot, index)
        await pilot.press("r")
        await settle(pilot, app)
        assert "⚠ Permanent for these recipients" in dialog_text(app)
        await pilot.press("escape")
        await pilot.press("g")
        await move_to(pilot, config_index)
        await pilot.press("r")
        await settle(pilot, app)
        assert "⚠ A configuration problem" in dialog_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
    assert journal_lines(sample_path) == []


async def test_causes_are_read_again_when_the_failed_count_changes_not_every_tick(
    sample_path: Path,
) -> None:
    app = make_app(sample_path, refresh_seconds=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        refresher = app.refresher
        first, health_first = refresher.causes_at, refresher.health_at
        assert first is not None and health_first is not None
        seen = app.refresh_count
        await wait_refreshes(pilot, app, seen + 5)
        assert refresher.causes_at == first  # same Failed count, pane hidden: not re-read
        assert refresher.health_at == health_first  # every 30 s, not every tick

        template = state_ids(sample_path, "exception")[0]
        add_failed_mail(sample_path, template)  # one more failed mail: the count changes
        await wait_refreshes(pilot, app, app.refresh_count + 3)
        await settle(pilot, app)
        assert refresher.causes_at != first
        pane = causes_pane(app)
        assert sum(g.count for g in pane.groups) == len(state_ids(sample_path, "exception"))


async def wait_refreshes(pilot: Pilot[None], app: MailQueueApp, count: int) -> None:
    for _ in range(500):
        if app.refresh_count >= count:
            return
        await pilot.pause(0.02)
    raise AssertionError("the timer did not refresh")


# ------------------------------------------------------------------ Health and the probe


async def test_health_pane_and_header_summary(sample_path: Path, backend: SqlBackend) -> None:
    expected = health_summary(run_health(backend))
    assert "critical" in expected
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "6")
        assert app.header_state.health == expected
        assert expected in app.query_one(HeaderBar).build_text(80).plain
        pane = app.query_one(HealthPane)
        text = options_text(pane.query_one("#health-checks", OptionList))
        lines = text.splitlines()
        # The sample's CRITICAL checks, as words, each with why and what to do.
        overdue = next(line for line in lines if "Email Queue Manager cron:" in line)
        assert "✖ CRITICAL" in overdue and "overdue" in overdue
        stuck = next(line for line in lines if "Mass-mailing queue head:" in line)
        assert "✖ CRITICAL" in stuck and "stuck" in stuck
        assert any("▲ WARNING" in line for line in lines)
        assert any("✔ OK" in line for line in lines)
        assert "why" in text and "do" in text
        criticals = [line for line in lines if "✖ CRITICAL" in line]
        assert lines.index(criticals[-1]) < lines.index(next(x for x in lines if "✔ OK" in x))
        assert "P" in shown_keys(app)


async def test_p_probes_a_closed_port_without_hanging(sample_path: Path) -> None:
    sql(
        sample_path,
        "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = ?, "
        "smtp_encryption = 'none', smtp_pass = 'Sup3r-Secret-pw'",
        free_port(),
    )
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "6")
        pane = app.query_one(HealthPane)
        begun = time.monotonic()
        await pilot.press("P", "1", "6")  # the keys answer while the probe runs
        for _ in range(1500):
            if not pane.probing:
                break
            await pilot.pause(0.02)
        assert not pane.probing, "the probe hung"
        assert time.monotonic() - begun < 30
        await settle(pilot, app)
        text = plain(pane.query_one("#health-probe", Static))
        assert "✖ CRITICAL" in text
        assert "Brevo relay" in text and "Office 365" in text
        assert "✖ connect" in text and "Connection refused" in text
        assert "Sup3r-Secret-pw" not in text
        assert app.toasts[-1][0] == "SMTP probe"


# ------------------------------------------------------------------ remedies


def campaign_state(path: Path, campaign_id: int) -> str:
    return str(sql(path, "SELECT state FROM mailing_mailing WHERE id = ?", campaign_id)[0][0])


async def test_c_cancels_a_queued_campaign(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "5")
        pane = app.query_one(CampaignsPane)
        index, queued = next((i, c) for i, c in enumerate(pane.campaigns) if c.state == "in_queue")
        await move_to(pilot, index)
        assert "c" in shown_keys(app)
        await pilot.press("c")
        await pilot.pause()
        text = dialog_text(app)
        assert f"Cancel the campaign #{queued.id}" in text and "back to Draft" in text
        await pilot.press("enter")  # harmless: "Go back" has the focus
        await settle(pilot, app)
        assert campaign_state(sample_path, queued.id) == "in_queue"
        await pilot.press("c")
        await pilot.pause()
        await confirm(pilot, app)
        assert app.toasts[-1][:2] == ("Cancel campaign", "Cancelled 1 campaign")
        assert queued.id not in [c.id for c in pane.campaigns]
    assert campaign_state(sample_path, queued.id) == "draft"
    assert [e["action"] for e in journal_lines(sample_path)] == ["cancel-campaign"]
    # Odoo's chatter line, as the Cancel button logs it (tests/odoo/test_campaign_tracking.py)
    (message_id,) = sql(
        sample_path,
        "SELECT id FROM mail_message WHERE model = 'mailing.mailing' AND res_id = ?",
        queued.id,
    )[0]
    assert sql(
        sample_path,
        "SELECT old_value_char, new_value_char FROM mail_tracking_value "
        "WHERE mail_message_id = ? AND old_value_char IS NOT NULL",
        message_id,
    ) == [("In Queue", "Draft")]


async def test_c_without_odoos_tracking_table_cancels_and_says_the_chatter_is_missing(
    sample_path: Path,
) -> None:
    sql(sample_path, "DROP TABLE mail_tracking_value")
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "5")
        pane = app.query_one(CampaignsPane)
        index, queued = next((i, c) for i, c in enumerate(pane.campaigns) if c.state == "in_queue")
        await move_to(pilot, index)
        await pilot.press("c")
        await pilot.pause()
        await confirm(pilot, app)
        title, message, _severity = app.toasts[-1]
        assert title == "Cancel campaign" and message.startswith("Cancelled 1 campaign. ")
        assert "chatter line (Status: In Queue -> Draft) was not written" in message
        assert "no mail_tracking_value table" in message
    assert campaign_state(sample_path, queued.id) == "draft"


async def test_c_on_the_sending_head_explains_and_writes_nothing(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "5")
        pane = app.query_one(CampaignsPane)
        head = pane.campaigns[0]
        assert head.is_head and head.state == "sending"
        await pilot.press("c")
        await settle(pilot, app)
        assert not isinstance(app.screen, ConfirmScreen)
        title, message, severity = app.toasts[-1]
        assert title.startswith("Cannot cancel")
        assert "Odoo has no Cancel for a campaign already Sending" in message
        assert severity == "warning"
    assert campaign_state(sample_path, head.id) == "sending"
    assert journal_lines(sample_path) == []


def queue_cron(path: Path) -> tuple[int, int, str]:
    row = sql(
        path,
        "SELECT id, interval_number, interval_type FROM ir_cron WHERE cron_name LIKE "
        "'%Email Queue%'",
    )[0]
    return int(str(row[0])), int(str(row[1])), str(row[2])


async def type_interval(pilot: Pilot[None], app: MailQueueApp, number: str) -> None:
    screen = app.screen
    assert isinstance(screen, IntervalScreen)
    field = screen.query_one("#interval-number", Input)
    assert field.has_focus
    field.value = ""
    await pilot.press(*number, "enter")
    await pilot.pause()


async def test_i_sets_the_interval_after_checking_it_in_the_dialog(sample_path: Path) -> None:
    cron_id, number, unit = queue_cron(sample_path)
    assert (number, unit) == (1, "hours")
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "4")
        crons = app.query_one(CronsPane)
        await move_to(pilot, [c.id for c in crons.crons].index(cron_id))
        assert "i" in shown_keys(app)
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IntervalScreen)
        assert screen.chosen_unit() == "minutes"

        await type_interval(pilot, app, "3")  # below the floor: refused inside the dialog
        assert app.screen is screen
        error = plain(screen.query_one("#interval-error", Static))
        assert "3 minutes is below Odoo's floor of 5 minutes" in error
        assert "15 minutes is recommended" in error
        assert queue_cron(sample_path) == (cron_id, 1, "hours")

        await type_interval(pilot, app, "15")  # then the confirmation, harmless focused
        text = dialog_text(app)
        assert "Run 'Mail: Email Queue Manager' every 15 minutes?" in text
        assert "Now every 1 hours" in text
        assert focused_id(dialog(app)) == "confirm-back"
        await confirm(pilot, app)
        title, message, severity = app.toasts[-1]
        assert (title, severity) == ("Set interval", "information")
        assert message.startswith("Changed the interval of 1 cron")
        assert "was every 1 hours" in message
        cron = next(c for c in crons.crons if c.id == cron_id)
        assert (cron.interval_number, cron.interval_type) == (15, "minutes")
    assert queue_cron(sample_path) == (cron_id, 15, "minutes")
    assert [e["action"] for e in journal_lines(sample_path)] == ["set-interval"]


async def test_read_only_offers_no_remedy(sample_path: Path) -> None:
    app = make_app(sample_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_pane(pilot, app, "3")
        assert not {"r", "x"} & shown_keys(app)
        await pilot.press("r", "x")
        await pilot.press("4")
        await settle(pilot, app)
        assert not {"i", "t"} & shown_keys(app)
        await pilot.press("i")
        await pilot.press("5")
        await settle(pilot, app)
        assert "c" not in shown_keys(app)
        await pilot.press("c")
        await pilot.press("6")
        await settle(pilot, app)
        assert "P" in shown_keys(app)  # the probe reads only: offered in read-only too
        assert not any(isinstance(s, ConfirmScreen | IntervalScreen) for s in app.screen_stack)
    assert journal_lines(sample_path) == []


def test_every_new_binding_has_an_id_a_description_and_a_safe_key() -> None:
    from textual.binding import Binding

    from console.tui.panes.causes_pane import CauseTable
    from console.tui.panes.health_pane import HealthChecks

    forbidden = {"ctrl+j", "ctrl+s", "ctrl+h", "ctrl+enter"}
    owners = (
        CausesPane,
        CauseTable,
        CauseMailsScreen,
        HealthPane,
        HealthChecks,
        CronsPane,
        CampaignsPane,
        IntervalScreen,
        ConfirmScreen,
    )
    for owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert binding.id and binding.description, f"{owner.__name__}: {binding.key}"
            assert binding.key not in forbidden and not binding.key.startswith("alt+")
