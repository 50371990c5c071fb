"""The console's support features, driven headless at 80x24 on a real SQLite copy of the
sample: `e` .eml export and `l` log lines in the detail, `b` support bundle, the Logs pane
(7) on real log files written here in Odoo's format (a live file, a rotated `.1` and a
gzipped `.2.gz`), the Aliases pane (8) and its incoming check.
"""

from __future__ import annotations

import email
import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Static

from console.tui.app import MailQueueApp
from console.tui.controllers.support_actions import default_bundle_dir, eml_paths
from console.tui.panes.aliases_pane import AliasesPane
from console.tui.panes.logs_pane import LogsPane, LogTable
from console.tui.screens.cause_mails import CauseMailsScreen
from console.tui.screens.confirm_screen import ConfirmScreen
from console.tui.screens.detail_screen import DetailScreen
from console.tui.screens.export_screen import SaveScreen
from console.tui.screens.inbound_screen import InboundScreen
from console.tui.screens.log_record_screen import LogRecordScreen
from console.tui.widgets.header import TabBar
from tests.helpers.tui import (
    SIZE,
    make_app,
    open_detail,
    plain,
    settle,
    started,
    wait_for,
)

MAIL_ID = 512  # a failed mail of the sample (one message)
TWO_MESSAGES = 203  # a mail Odoo sends as two messages (one per recipient partner)


# ------------------------------------------------------------------ fixtures and helpers


def message_id_of(path: Path, mail_id: int) -> str:
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT mm.message_id FROM mail_mail m JOIN mail_message mm "
            "ON mm.id = m.mail_message_id WHERE m.id = ?",
            (mail_id,),
        ).fetchone()
    return str(row[0])


def line(stamp: str, level: str, logger: str, message: str) -> str:
    return f"{stamp} 4242 {level} acme {logger}: {message}\n"


MAIL = "odoo.addons.mail.models.mail_mail"


@pytest.fixture
def log_dir(tmp_path: Path, sample_path: Path) -> Path:
    """odoo.log, odoo.log.1 and odoo.log.2.gz, as Odoo and logrotate leave them."""
    folder = tmp_path / "logs"
    folder.mkdir()
    msgid = message_id_of(sample_path, MAIL_ID)
    oldest = line(
        "2026-11-25 07:00:00,001", "INFO", MAIL, "Sent batch 3 emails via mail server ID #1"
    )
    oldest += line("2026-11-25 07:00:01,002", "INFO", "werkzeug", '"GET /web HTTP/1.1" 200')
    (folder / "odoo.log.2.gz").write_bytes(gzip.compress(oldest.encode()))
    rotated = line(
        "2026-11-26 09:00:00,100",
        "ERROR",
        MAIL,
        f"failed sending mail (id: {MAIL_ID}) due to SMTPRecipientsRefused",
    )
    rotated += "Traceback (most recent call last):\n"
    rotated += '  File "/odoo/addons/mail/models/mail_mail.py", line 612, in _send\n'
    rotated += "smtplib.SMTPRecipientsRefused: {'x@example.org': (550, b'5.1.1 unknown')}\n"
    rotated += line("2026-11-26 09:00:05,000", "INFO", "odoo.modules.registry", "Registry loaded")
    (folder / "odoo.log.1").write_text(rotated)
    live = line(
        "2026-11-27 08:00:00,000",
        "INFO",
        "odoo.addons.base.models.ir_cron",
        "Job 'Mail: Email Queue Manager' (3) starting",
    )
    live += line(
        "2026-11-27 08:02:03,123",
        "ERROR",
        MAIL,
        f"Mail delivery failed via SMTP server 'smtp.example.org'. Message {msgid}",
    )
    live += line(
        "2026-11-27 08:03:00,000",
        "WARNING",
        "odoo.addons.base.models.ir_mail_server",
        "mail [bold]not markup[/bold] [link=http://x]y[/link]",
    )
    live += line("2026-11-27 08:04:00,000", "INFO", "odoo.http", "GET /web/login")
    (folder / "odoo.log").write_text(live)
    return folder


def log_rows(app: MailQueueApp) -> list[tuple[str, str, str]]:
    """(when, level, message) of every row, top to bottom."""
    table = app.query_one(LogTable)
    rows = []
    for index in range(table.row_count):
        cells = table.get_row_at(index)
        rows.append((cells[0].plain, cells[1].plain, cells[3].plain))
    return rows


async def open_logs(pilot: Pilot[None], app: MailQueueApp) -> LogsPane:
    await pilot.press("7")
    await settle(pilot, app)
    return app.query_one(LogsPane)


def all_text(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


# ------------------------------------------------------------------ pure helpers


def test_eml_paths_and_the_default_bundle_folder() -> None:
    from datetime import UTC, datetime

    assert eml_paths(Path("mail-7.eml"), 1) == [Path("mail-7.eml")]
    assert eml_paths(Path("out/mail-7.eml"), 2) == [
        Path("out/mail-7-1.eml"),
        Path("out/mail-7-2.eml"),
    ]
    assert eml_paths(Path("dump"), 2) == [Path("dump-1.eml"), Path("dump-2.eml")]
    when = datetime(2026, 11, 27, 8, 2, 3, tzinfo=UTC)
    assert (
        default_bundle_dir("acme prod/../x", when)
        == "./odoo-mailq-bundle-acme-prod-..-x-20261127T080203Z"
    )
    assert default_bundle_dir("acme_prod", when) == "./odoo-mailq-bundle-acme_prod-20261127T080203Z"


def test_the_log_comes_from_log_then_odoo_conf_and_says_how_to_give_one(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from console.tui.controllers.log_reader import log_files

    conf_log = tmp_path / "conf" / "odoo-server.log"
    conf_log.parent.mkdir()
    conf_log.write_text("")
    (tmp_path / "conf" / "odoo-server.log.1").write_text("")
    backend: Any = SimpleNamespace(
        target=SimpleNamespace(odoo_conf=SimpleNamespace(logfile=str(conf_log))),
        bundled_log=lambda: None,
    )
    files, why = log_files(None, backend)
    assert [f.name for f in files] == ["odoo-server.log", "odoo-server.log.1"] and not why
    files, why = log_files(tmp_path / "missing.log", backend)  # --log wins, even if wrong
    assert files == [] and "--log PATH" in why and "missing.log" in why
    shipped = tmp_path / "shipped" / "sample.log"  # a database's own log (the sample's) wins
    shipped.parent.mkdir()
    shipped.write_text("")
    backend.bundled_log = lambda: shipped
    files, why = log_files(None, backend)
    assert files == [shipped] and not why


def test_support_bindings_have_an_id_a_description_and_no_forbidden_key() -> None:
    from console.tui.screens.export_screen import SaveScreen
    from console.tui.screens.log_record_screen import LogRecordScroll

    forbidden = {"ctrl+j", "ctrl+s", "ctrl+h", "ctrl+enter"}
    owners = (LogsPane, LogTable, LogRecordScreen, LogRecordScroll, AliasesPane, InboundScreen,
              SaveScreen, DetailScreen, MailQueueApp)  # fmt: skip
    for owner in owners:
        for binding in Binding.make_bindings(owner.BINDINGS):
            assert binding.id and binding.description, f"{owner.__name__}: {binding.key}"
            assert binding.key not in forbidden and not binding.key.startswith("alt+")


# ------------------------------------------------------------------ e: export .eml


async def test_e_in_the_detail_writes_an_eml_and_asks_before_overwriting(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        detail = await open_detail(pilot, app, MAIL_ID)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreen)
        assert app.screen.query_one("#save-path", Input).value == f"./mail-{MAIL_ID}.eml"
        await pilot.press("enter")
        await settle(pilot, app)
        target = tmp_path / f"mail-{MAIL_ID}.eml"
        parsed = email.message_from_bytes(target.read_bytes())
        assert detail.detail is not None
        assert parsed["Message-Id"] == detail.detail.message_id
        assert target.stat().st_mode & 0o077 == 0  # personal data: the owner's only
        title, text, severity = app.toasts[-1]
        assert (title, severity) == (f"Export mail {MAIL_ID}", "information")
        assert str(target) in text

        # Again: the file exists; the dialog's harmless button keeps it.
        target.write_bytes(b"keep me")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.focused is app.screen.query_one("#confirm-back", Button)
        await pilot.press("enter")
        await settle(pilot, app)
        assert target.read_bytes() == b"keep me"
        # And once more, confirmed: overwritten.
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("tab", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert email.message_from_bytes(target.read_bytes())["Message-Id"] == parsed["Message-Id"]

        # A mail sent as two messages: -1.eml and -2.eml.
        await pilot.press("escape")
        await open_detail(pilot, app, TWO_MESSAGES)
        await pilot.press("e", "enter")
        await settle(pilot, app)
        written = sorted(p.name for p in tmp_path.glob(f"mail-{TWO_MESSAGES}*.eml"))
        assert written == [f"mail-{TWO_MESSAGES}-1.eml", f"mail-{TWO_MESSAGES}-2.eml"]
        assert "Wrote 2 messages" in app.toasts[-1][1]


# ------------------------------------------------------------------ b: support bundle


async def test_b_writes_a_bundle_without_secrets_even_read_only(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with sqlite3.connect(sample_path) as db:
        secrets = [str(r[0]) for r in db.execute("SELECT smtp_pass FROM ir_mail_server")]
    assert "Acme-Claire#2026!" in secrets and len(secrets) == 2
    app = make_app(sample_path, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert app.info is not None and app.info.read_only
        await pilot.press("2")
        await settle(pilot, app)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SaveScreen)
        default = screen.query_one("#save-path", Input).value
        assert default.startswith("./odoo-mailq-bundle-odoo17_sample.sqlite-")
        box = screen.query_one(Checkbox)
        assert str(box.render()).startswith("[ ] mask e-mail addresses and people's names")
        await pilot.press("tab", "space")
        assert box.value is True and str(box.render()).startswith("[x] mask")
        await pilot.press("shift+tab", "enter")
        await settle(pilot, app)
        await wait_for(pilot, lambda: not app.support.bundle_running, "the bundle")
        title, text, severity = app.toasts[-1]
        assert (title, severity) == ("Support bundle", "information"), text
        assert "addresses and names masked" in text
        folder = (tmp_path / default).resolve()
        assert str(folder) in text
        assert (folder / "report.md").is_file() and (folder / "report.json").is_file()
        report = json.loads((folder / "report.json").read_text())
        assert report["redaction"]["addresses"] == "masked"
        everything = all_text(folder)
        for secret in secrets:
            assert secret.encode() not in everything
        # the people of the failed mails written as .eml: neither address nor name is left
        with sqlite3.connect(sample_path) as db:
            people = db.execute(
                "SELECT DISTINCT p.name, p.email FROM mail_mail_res_partner_rel r "
                "JOIN res_partner p ON p.id = r.res_partner_id WHERE r.mail_mail_id IN "
                f"({','.join(str(e['mail_id']) for e in report['eml'])})"
            ).fetchall()
        assert people
        for name, address in people:
            assert name.encode() not in everything, name
            assert not address or address.encode() not in everything, address
        assert b"Person 1" in everything

        # The same folder again: refused, said in one line.
        await pilot.press("b")
        await pilot.pause()
        field = app.screen.query_one("#save-path", Input)
        field.value = default
        await pilot.press("enter")
        await settle(pilot, app)
        await wait_for(pilot, lambda: not app.support.bundle_running, "the refusal")
        assert app.toasts[-1][2] == "error" and "not an empty folder" in app.toasts[-1][1]


# ------------------------------------------------------------------ Logs pane


async def test_logs_pane_newest_first_across_rotations_search_and_all(
    sample_path: Path, log_dir: Path
) -> None:
    app = make_app(sample_path, log_path=log_dir / "odoo.log")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        logs = await open_logs(pilot, app)
        rows = log_rows(app)
        # Mail-related only, newest first, across odoo.log, .1 and .2.gz; times in Paris.
        assert [when for when, _level, _msg in rows] == [
            "11-27 09:03:00",
            "11-27 09:02:03",
            "11-27 09:00:00",
            "11-26 10:00:00",
            "11-25 08:00:00",
        ]
        assert [level for _when, level, _msg in rows] == ["WARN", "ERROR", "INFO", "ERROR", "INFO"]
        # Markup in a log line is shown as written, never interpreted.
        assert rows[0][2].startswith("mail [bold]not markup[/bold]")
        # A traceback stays in one row, marked; enter shows the whole record.
        assert rows[3][2].startswith("▸ failed sending mail")
        status = plain(logs.query_one("#logs-status", Static))
        assert "5 records · mail-related" in status and "odoo.log +2 rotated" in status
        assert "7 Log" in app.query_one(TabBar).render().plain

        table = app.query_one(LogTable)
        table.move_cursor(row=3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LogRecordScreen)
        body = plain(app.screen.query_one("#logrecord-body", Static))
        assert "Traceback (most recent call last):" in body
        assert "SMTPRecipientsRefused: {'x@example.org'" in body and "odoo.log.1" in body
        await pilot.press("escape")
        await pilot.pause()

        # / searches (free text, case-insensitive)
        await pilot.press("slash", *"smtp server", "enter")
        await settle(pilot, app)
        assert [r[0] for r in log_rows(app)] == ["11-27 09:02:03"]
        assert "search: smtp server" in plain(logs.query_one("#logs-status", Static))
        # esc clears it; a shows every line, mail-related or not.
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(log_rows(app)) == 5
        await pilot.press("a")
        await settle(pilot, app)
        assert len(log_rows(app)) == 8
        assert log_rows(app)[0][0] == "11-27 09:04:00"
        assert "all lines" in plain(logs.query_one("#logs-status", Static))


async def test_l_in_the_detail_shows_only_that_mails_lines(
    sample_path: Path, log_dir: Path
) -> None:
    app = make_app(sample_path, log_path=log_dir)  # the folder works too
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await open_detail(pilot, app, MAIL_ID)
        await pilot.press("l")
        await settle(pilot, app)
        logs = app.query_one(LogsPane)
        assert app.visible_pane() is logs and not isinstance(app.screen, DetailScreen)
        # The line naming its Message-Id and the one naming its id, nothing else.
        assert [r[0] for r in log_rows(app)] == ["11-27 09:02:03", "11-26 10:00:00"]
        status = plain(logs.query_one("#logs-status", Static))
        assert f"mail {MAIL_ID}" in status and f"esc: back to mail {MAIL_ID}" in status
        await pilot.press("escape")  # back to the mail, its filter gone from the log
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen) and app.screen.mail_id == MAIL_ID
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.visible_pane().id == "outgoing"  # where enter was pressed
        await pilot.press("7")
        await settle(pilot, app)
        assert len(log_rows(app)) == 5
        await pilot.press("escape")  # nothing to go back to: esc stays
        await settle(pilot, app)
        assert app.visible_pane() is logs


async def test_l_from_a_cause_comes_back_to_the_mail_over_its_cause(
    sample_path: Path, log_dir: Path
) -> None:
    app = make_app(sample_path, log_path=log_dir)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("3")
        await settle(pilot, app)
        await pilot.press("enter")  # the first cause's mails
        await settle(pilot, app)
        cause = app.screen
        assert isinstance(cause, CauseMailsScreen)
        await pilot.press("enter")  # its first mail
        await settle(pilot, app)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await pilot.press("l")
        await settle(pilot, app)
        assert app.visible_pane() is app.query_one(LogsPane)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen) and app.screen.mail_id == detail.mail_id
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, CauseMailsScreen)
        assert app.screen.group.signature == cause.group.signature
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.visible_pane().id == "causes"


async def test_follow_shows_new_records_on_top_and_stops_when_leaving(
    sample_path: Path, log_dir: Path
) -> None:
    app = make_app(sample_path, log_path=log_dir / "odoo.log")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        logs = await open_logs(pilot, app)
        await pilot.press("f")
        await pilot.pause(0.3)
        assert logs.following
        with (log_dir / "odoo.log").open("a") as handle:
            handle.write(
                line("2026-11-27 08:10:00,000", "ERROR", MAIL, "Mail delivery failed: new")
            )
            handle.write(line("2026-11-27 08:10:01,000", "INFO", "odoo.http", "not mail"))
        await wait_for(pilot, lambda: len(log_rows(app)) == 6, "the followed record")
        assert log_rows(app)[0] == ("11-27 09:10:00", "ERROR", "Mail delivery failed: new")
        assert "FOLLOWING" in plain(logs.query_one("#logs-status", Static))
        await pilot.press("8")  # leaving the pane stops the polling worker
        assert not logs.following
        await settle(pilot, app)  # ...so every worker ends


async def test_no_log_file_says_how_to_give_one(sample_path: Path, tmp_path: Path) -> None:
    app = make_app(sample_path, log_path=tmp_path / "nowhere" / "odoo.log")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        logs = await open_logs(pilot, app)
        note = plain(logs.query_one("#logs-note", Static))
        assert "No Odoo log at" in note and "--log PATH" in note
        await pilot.press("f")
        await pilot.pause()
        assert not logs.following and "--log PATH" in app.toasts[-1][1]


# ------------------------------------------------------------------ Aliases pane


async def test_aliases_pane_and_the_incoming_check(sample_path: Path) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("8")
        await settle(pilot, app)
        aliases = app.query_one(AliasesPane)
        table = aliases.table
        shown = [
            tuple(c.plain.strip() for c in table.get_row_at(i)) for i in range(table.row_count)
        ]
        assert shown == [
            ("sales@acme-shop.example", "crm.lead", "everyone", "", "valid"),
            ("support@acme-shop.example", "project.task", "everyone", "", "valid"),
        ]
        assert " 8 Ali " in app.query_one(TabBar).render().plain  # active, at 80 columns

        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InboundScreen)
        verdict = app.screen.query_one("#inbound-verdict", Static)
        await pilot.press(*"catchall@acme-shop.example", "enter")
        await settle(pilot, app)
        assert plain(verdict).startswith("BOUNCED: catchall@acme-shop.example: it is the catchall")
        app.screen.query_one("#inbound-address", Input).value = "nobody@nowhere.example"
        await pilot.press("enter")
        await settle(pilot, app)
        assert plain(verdict).startswith("REJECTED: nobody@nowhere.example: no alias")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, InboundScreen)


async def test_help_and_palette_name_the_support_keys(sample_path: Path) -> None:
    from console.tui.screens.help_screen import HelpScreen

    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Show Logs", "Show Aliases", "Support bundle", "Export .eml"} <= titles
        assert {"Follow the log", "Would Odoo accept a mail to…?"} <= titles
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one("#help-body", Static))
        for expected in ("Logs (7)", "Aliases (8)", "Export as .eml", "Support bundle"):
            assert expected in text, expected
