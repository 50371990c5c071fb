"""The operator's actions over Odoo's external API, against a real Odoo web server on
loopback (JSON-RPC on 16-18, JSON-2 on 19): each is Odoo's own method, its rows equal
those of the same action over SQL on a twin record, and each is journaled before its
first call (an ``intent`` line), because every call commits on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Static

from console.backends.api import open_api_backend
from console.domain.errors import ConnectionFailed
from console.services.journal import Journal
from console.services.operations import Operator
from testkit.net import free_port
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.helpers.tui import (
    PARIS,
    SIZE,
    RecordingApp,
    confirm,
    dialog_text,
    pane,
    settle,
    started,
)
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.rows import one
from tests.real_odoo.traffic import configure_servers

SETUP = """
def key(user):
    keys = env['res.users.apikeys'].with_user(user)
    if 'expiration_date' in keys._fields:
        import datetime
        tomorrow = datetime.datetime.now() + datetime.timedelta(days=1)
        return keys._generate('rpc', 'console', tomorrow)
    return keys._generate('rpc', 'console')
Mail = env['mail.mail']
document = env['res.partner'].create({'name': 'API Actions Document'})
messages, partners = [], []
for i in range(4):  # red envelopes: no SMTP server yet, so their mails fail
    partner = env['res.partner'].create({'name': 'Recipient %d' % i,
                                         'email': 'r%d@good.example' % i})
    message = document.with_context(mail_notify_force_send=False).message_post(
        body='<p>envelope %d</p>' % i, subject='Envelope %d' % i, partner_ids=partner.ids,
        message_type='comment', subtype_xmlid='mail.mt_comment')
    Mail.search([('mail_message_id', '=', message.id)]).send()
    messages.append(message.id)
    partners.append(partner.id)
twins = [env['res.partner'].create({'name': 'Twin %d' % i, 'email': 'old%d@good.example' % i}).id
         for i in range(2)]
mailings = []
if 'mailing.mailing' in env:
    for i in range(2):
        mailing = env['mailing.mailing'].create({
            'subject': 'Queued %d' % i, 'body_html': '<p>m</p>',
            'mailing_model_id': env.ref('base.model_res_partner').id,
            'mailing_domain': "[('id', '=', %d)]" % document.id})
        mailing.action_put_in_queue()
        mailings.append(mailing.id)
blocked = [env['mail.blacklist']._add(address).id
           for address in ('blocked-api@bad.example', 'blocked-sql@bad.example')]
result = {'admin': key(env.ref('base.user_admin')), 'messages': messages, 'blocked': blocked,
          'partners': partners, 'twins': twins, 'mailings': mailings,
          'admin_id': env.ref('base.user_admin').id}
"""

OUTGOING = """
result = env['mail.mail'].create([{'subject': 'Send over API %d' % i, 'body_html': '<p>s</p>',
    'email_from': 'admin@company.example', 'email_to': 'send%d@good.example' % i}
    for i in range(2)]).ids
"""


@pytest.fixture(scope="module")
def smtp(odoo: OdooInstance) -> Iterator[SmtpTestServer]:
    """One per version: what a version's Odoo sent is counted apart."""
    with SmtpTestServer() as server:
        yield server


@pytest.fixture(scope="module")
def served(odoo: OdooInstance, smtp: SmtpTestServer) -> Iterator[tuple[str, str, dict[str, Any]]]:
    db = odoo.new_database(f"apiact{odoo.version}")
    made: dict[str, Any] = odoo.orm(db, SETUP)
    configure_servers(odoo, db, smtp.port)  # from now on mail can leave
    port = free_port()
    with odoo.serve(db, http_port=port):
        yield db, f"http://127.0.0.1:{port}", made


def over_api(served: tuple[str, str, dict[str, Any]], journal: Path, *args: str) -> Any:
    db, url, made = served
    return run_cli(*args, "--url", url, "--odoo-db", db, "--login", "admin",
                   "--journal", str(journal),
                   env={"ODOO_MAILQ_API_KEY": made["admin"]})  # fmt: skip


def lines(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text().splitlines()]


def notifications(odoo: OdooInstance, db: str, message_id: int) -> list[tuple[Any, ...]]:
    code = """
found = env['mail.notification'].search([('mail_message_id', '=', args['message'])])
result = [[n.notification_type, n.notification_status, n.failure_type] for n in found]
"""
    return [tuple(row) for row in odoo.orm(db, code, message=message_id)]


def test_ignore_all_is_the_wizards_on_16_18(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    db, _, made = served
    mine, twin = made["messages"][0], made["messages"][1]
    journal = tmp_path / "journal.jsonl"
    done = over_api(served, journal, "ignore", "--messages", str(mine), "--yes", "--json")
    if odoo.version >= 19:  # the messaging menu's discard: its author's, per type
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "Odoo 19 lets only a message's author discard its failures" in done.stderr
        assert notifications(odoo, db, mine)[0][1] == "exception"
        assert not journal.exists()  # refused before any call, so nothing to journal
        return
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [mine]
    sql = run_cli("ignore", "--messages", str(twin), "--yes", "--db", odoo.url(db),
                  "--journal", str(tmp_path / "sql.jsonl"))  # fmt: skip
    assert sql.returncode == 0, sql.stderr
    assert notifications(odoo, db, mine) == notifications(odoo, db, twin)
    assert notifications(odoo, db, mine)[0][1] == "canceled"
    intent, action = lines(journal)
    assert (intent["action"], intent["intended_action"], intent["targets"]) == (
        "intent", "ignore-messages", [mine]
    )  # fmt: skip
    assert action["action"] == "ignore-messages" and action["time"] >= intent["time"]
    undone = over_api(served, journal, "undo", "--yes", "--json")  # Odoo has no un-ignore
    assert undone.returncode == 2 and undone.stderr.count("\n") == 1, undone.stderr
    assert "Undo of Ignore all is not available over Odoo's API" in undone.stderr
    assert notifications(odoo, db, mine)[0][1] == "canceled"


MY_FAILURE = """
partner = env['res.partner'].create({'name': 'Mine %s' % args['tag'], 'email': 'not-an-address'})
message = env['res.partner'].browse(args['document']).with_context(
    mail_notify_force_send=False).message_post(
    body='<p>mine</p>', partner_ids=partner.ids, message_type='comment',
    subtype_xmlid='mail.mt_comment')
env['mail.mail'].search([('mail_message_id', '=', message.id)]).send()
result = message.id
"""


def test_odoo_19s_discard_ignores_the_api_users_own_failures_of_one_type(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    """19 has no resend wizard: its messaging menu discards its user's failures on one
    document type (``notify_cancel_by_type``). Used when that is exactly what was asked,
    refused when it would ignore more."""
    if odoo.version < 19:
        pytest.skip("16-18 ignore through the resend wizard (the test above)")
    db, _, made = served
    document = odoo.orm(
        db, "result = env['res.partner'].search([('name', '=', 'API Actions Document')]).id"
    )
    first = odoo.orm(db, MY_FAILURE, uid=made["admin_id"], tag="1", document=document)
    second = odoo.orm(db, MY_FAILURE, uid=made["admin_id"], tag="2", document=document)
    journal = tmp_path / "journal.jsonl"
    wider = over_api(served, journal, "ignore", "--messages", str(first), "--yes")
    assert wider.returncode == 2 and "it would also ignore 1 other" in wider.stderr
    assert notifications(odoo, db, first)[0][1] == "exception"
    done = over_api(served, journal, "ignore", "--messages", str(first), str(second),
                    "--yes", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(json.loads(done.stdout)["applied"]) == sorted([first, second])
    assert (
        notifications(odoo, db, first)[0][1] == notifications(odoo, db, second)[0][1] == "canceled"
    )
    assert [line["action"] for line in lines(journal)] == ["intent", "ignore-messages"]


def test_resend_is_the_wizards_send_and_close(
    odoo: OdooInstance,
    served: tuple[str, str, dict[str, Any]],
    smtp: SmtpTestServer,
    tmp_path: Path,
) -> None:
    """Odoo renders the message again for the failed recipient and sends it in the
    request, through the SMTP server configured since."""
    db, _, made = served
    message, journal = made["messages"][2], tmp_path / "journal.jsonl"
    done = over_api(served, journal, "resend", str(message), "--yes", "--json")
    if odoo.version >= 19:
        assert done.returncode == 2 and "Odoo 19 has no resend wizard" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [message]
    assert notifications(odoo, db, message) == [("email", "sent", False)]
    smtp.wait_until_idle()
    assert any("r2@good.example" in r.rcpt_tos for r in smtp.received)
    assert [line["action"] for line in lines(journal)][:2] == ["intent", "resend"]


def test_send_now_is_odoos_send_and_journaled_first(
    odoo: OdooInstance,
    served: tuple[str, str, dict[str, Any]],
    smtp: SmtpTestServer,
    tmp_path: Path,
) -> None:
    db, _, made = served
    ids = odoo.orm(db, OUTGOING, uid=made["admin_id"])  # Send Now needs the mails' messages
    journal = tmp_path / "journal.jsonl"
    done = over_api(served, journal, "send", *map(str, ids), "--yes", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(json.loads(done.stdout)["applied"]) == sorted(ids)
    smtp.wait_until_idle()
    for i in range(2):  # exactly once each, counted at the SMTP server
        assert sum(f"send{i}@good.example" in r.rcpt_tos for r in smtp.received) == 1
    for mail_id in ids:
        assert one(odoo, db, "mail_mail", mail_id)["state"] == "sent"
    intent, action = lines(journal)
    assert intent["intended_action"] == "send" and sorted(intent["targets"]) == sorted(ids)
    assert action["action"] == "send"
    again = over_api(served, journal, "send", str(ids[0]), "--yes", "--json")
    assert again.returncode == 1 and json.loads(again.stdout)["applied"] == []
    assert sum("send0@good.example" in r.rcpt_tos for r in smtp.received) == 1


def test_fix_address_equals_the_sql_twin(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    db, _, made = served
    mine, twin = made["twins"]
    done = over_api(served, tmp_path / "j.jsonl", "fix-address", str(mine), "new@fixed.example",
                    "--yes", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    sql = run_cli("fix-address", str(twin), "new@fixed.example", "--yes", "--db", odoo.url(db),
                  "--journal", str(tmp_path / "sql.jsonl"))  # fmt: skip
    assert sql.returncode == 0, sql.stderr
    code = """
partner = env['res.partner'].browse(args['pid'])
tracked = env['mail.tracking.value'].sudo().search([('mail_message_id.res_id', '=', partner.id),
    ('mail_message_id.model', '=', 'res.partner')])
result = [partner.email, partner.email_normalized,
          sorted((t.old_value_char or '', t.new_value_char or '') for t in tracked)]
"""
    left, right = odoo.orm(db, code, pid=mine), odoo.orm(db, code, pid=twin)
    assert left[:2] == right[:2] == ["new@fixed.example", "new@fixed.example"]
    assert [new for _, new in left[2]] == [new for _, new in right[2]] == ["new@fixed.example"]


def test_cancel_campaign_and_set_interval_are_odoos_buttons(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    db, _, made = served
    mine, twin = made["mailings"]
    done = over_api(served, tmp_path / "j.jsonl", "cancel-campaign", str(mine), "--yes", "--json")
    assert done.returncode == 0, done.stderr
    sql = run_cli("cancel-campaign", str(twin), "--yes", "--db", odoo.url(db),
                  "--journal", str(tmp_path / "sql.jsonl"))  # fmt: skip
    assert sql.returncode == 0, sql.stderr
    assert one(odoo, db, "mailing_mailing", mine)["state"] == "draft"
    assert one(odoo, db, "mailing_mailing", twin)["state"] == "draft"
    cron = odoo.orm(db, "result = env.ref('mail.ir_cron_mail_scheduler_action').id")
    changed = over_api(served, tmp_path / "j.jsonl", "set-interval", "7", "minutes", "--yes")
    assert changed.returncode == 0, changed.stderr
    row = one(odoo, db, "ir_cron", cron)
    assert (row["interval_number"], row["interval_type"], row["write_uid"]) == (
        7, "minutes", made["admin_id"]
    )  # fmt: skip


def test_unblacklist_is_odoos_wizard_and_undo_blacklists_again(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    db, _, made = served
    mine, twin = made["blocked"]
    journal = tmp_path / "j.jsonl"
    done = over_api(served, journal, "unblacklist", "blocked-api@bad.example",
                    "--reason", "asked by phone", "--yes", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [mine]
    sql = run_cli("unblacklist", "blocked-sql@bad.example", "--reason", "asked by phone",
                  "--yes", "--db", odoo.url(db),
                  "--journal", str(tmp_path / "sql.jsonl"))  # fmt: skip
    assert sql.returncode == 0, sql.stderr
    code = """
entry = env['mail.blacklist'].with_context(active_test=False).browse(args['id'])
notes = entry.message_ids.sorted('id')
result = [entry.active, [(m.message_type, m.body) for m in notes],
          [(v.old_value_integer, v.new_value_integer) for v in notes.tracking_value_ids]]
"""
    left, right = odoo.orm(db, code, id=mine), odoo.orm(db, code, id=twin)
    assert left[0] is right[0] is False
    assert left[1:] == right[1:]  # the reason and the tracking line, as the wizard writes them
    assert [line["action"] for line in lines(journal)] == ["intent", "unblacklist"]
    undone = over_api(served, journal, "undo", "--yes", "--json")
    assert undone.returncode == 0, undone.stderr
    assert odoo.orm(db, code, id=mine)[0] is True


def test_an_action_cut_off_after_its_intent_says_so_in_the_journal(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    """Odoo becomes unreachable between the intent line and its call: the journal keeps
    both what was about to be written and that it may not have happened."""
    db, url, made = served
    mail_id = odoo.orm(db, OUTGOING)[0]
    backend = open_api_backend(url, db, "admin", made["admin"], read_only=False)
    journal = Journal(tmp_path / "journal.jsonl")
    operator = Operator(backend, journal)
    real_record = journal.record_intent

    def record_then_lose_the_server(*args: Any, **kwargs: Any) -> Any:
        entry = real_record(*args, **kwargs)
        backend.api.close()  # the next call goes to a port nobody listens on
        backend.api._client = httpx.Client(base_url=f"http://127.0.0.1:{free_port()}")
        return entry

    journal.record_intent = record_then_lose_the_server  # type: ignore[method-assign]
    with pytest.raises(ConnectionFailed, match="Cannot reach"):
        operator.cancel([mail_id])
    assert one(odoo, db, "mail_mail", mail_id)["state"] == "outgoing"
    written = lines(tmp_path / "journal.jsonl")
    assert [line["action"] for line in written] == ["intent", "interrupted"]
    assert written[1]["interrupted"] == written[0]["id"]
    assert "INTERRUPTED" in written[1]["result"]
    backend.close()


FAILED_MAIL = """
mail = env['mail.mail'].create({'subject': 'TUI over API', 'body_html': '<p>t</p>',
    'email_from': 'admin@company.example', 'email_to': 'tui@good.example'})
mail.write({'state': 'exception', 'failure_reason': 'SMTP refused'})
result = mail.id
"""


async def test_the_screens_over_the_api_retry_through_odoo(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    """The TUI on the API backend: the header says how it is connected, the Failed pane
    pages from the server, and Retry confirmed in the dialog is Odoo's mark_outgoing,
    journaled before the call."""
    db, url, made = served
    failed = odoo.orm(db, FAILED_MAIL, uid=made["admin_id"])
    journal = tmp_path / "journal.jsonl"
    app = RecordingApp(
        lambda: open_api_backend(url, db, "admin", made["admin"], read_only=False),
        tz=PARIS,
        refresh_seconds=3600.0,
        journal_path=journal,
    )
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert app.backend is not None and app.backend.info.over_api
        await pilot.press("7")  # Odoo's log is on its server: said as a fact, not an error
        await settle(pilot, app)
        note = str(app.query_one("#logs-note", Static).render())
        assert note.startswith("ⓘ Odoo's log files are on its server"), note
        await pilot.press("2")
        await settle(pilot, app)
        assert pane(app, "failed").cursor_id() == failed
        await pilot.press("x")  # Ignore all: this mail has no chatter message to ignore
        await pilot.pause()
        await confirm(pilot, app)
        _, message, severity = app.toasts[-1]
        assert severity == "warning", app.toasts  # skipped: nothing to ignore, no error
        assert message.startswith("Ignored the failures of 0 mails"), message
        await pilot.press("r")
        await pilot.pause()
        assert f"#{failed} " in dialog_text(app)
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Retried 1 mail"), app.toasts
        assert one(odoo, db, "mail_mail", failed)["state"] == "outgoing"
        await pilot.press("u")
        await pilot.pause()
        await confirm(pilot, app)
        assert app.toasts[-1][1].startswith("Undid 1 mail"), app.toasts
    assert one(odoo, db, "mail_mail", failed)["state"] == "exception"
    actions = [line["action"] for line in lines(journal)]
    assert actions[-4:] == ["intent", "retry", "intent", "undo"]
