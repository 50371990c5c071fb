"""Every ``--json`` view of the console against what Odoo's ORM says on the same database.

The database is one day of traffic made by Odoo itself (traffic.build_traffic): failures
of every kind, a campaign sent and two queued in the same second, mails left outgoing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from testkit.net import free_port
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.traffic import DEFERRED, REFUSED, build_traffic


@pytest.fixture(scope="module")
def smtp(odoo: OdooInstance) -> Iterator[SmtpTestServer]:  # one per version
    with SmtpTestServer(refuse_domains=[REFUSED], defer_domains=[DEFERRED]) as server:
        yield server


@pytest.fixture(scope="module")
def day(odoo: OdooInstance, smtp: SmtpTestServer) -> tuple[str, dict[str, Any]]:
    db = odoo.new_database(f"reads{odoo.version}")
    return db, build_traffic(odoo, db, smtp.port, free_port())


def console_json(odoo: OdooInstance, db: str, *args: str) -> Any:
    done = run_cli("--db", odoo.url(db), *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def utc(value: str | None) -> str | None:
    """Odoo's naive UTC datetime text as the console's ISO form with a Z."""
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def test_status_counts_what_odoo_counts(odoo: OdooInstance, day: tuple[str, Any]) -> None:
    db, _ = day
    orm = odoo.orm(
        db,
        """
Mail = env['mail.mail'].with_context(active_test=False)
now = odoo.fields.Datetime.now()
states = Mail.search([]).mapped('state')
due = Mail.search([('state', '=', 'outgoing'), '|', ('scheduled_date', '=', False),
                   ('scheduled_date', '<=', now)], order='create_date asc', limit=1)
result = {
    'counts': {s: states.count(s) for s in set(states)},
    'total': len(states),
    'scheduled_future': Mail.search_count(
        [('state', '=', 'outgoing'), ('scheduled_date', '>', now)]),
    'oldest_due': odoo.fields.Datetime.to_string(due.create_date) if due else None,
}
""",
    )
    status = console_json(odoo, db, "status")
    assert {k: v for k, v in status["counts"].items() if v} == orm["counts"]
    assert status["total"] == orm["total"]
    assert status["scheduled_future"] == orm["scheduled_future"] == 1
    assert status["oldest_due_outgoing"] == utc(orm["oldest_due"])
    assert status["odoo_version"] == odoo.version


def test_failed_mails_and_their_fields(odoo: OdooInstance, day: tuple[str, Any]) -> None:
    db, _ = day
    orm = odoo.orm(
        db,
        """
result = {}
for m in env['mail.mail'].search([('state', '=', 'exception')]):
    result[m.id] = {
        'email_to': m.email_to or None, 'subject': m.subject or None,
        'failure_type': m.failure_type or None, 'failure_reason': m.failure_reason or None,
        'model': m.model or None, 'res_id': m.res_id or None,
        'record_name': m.record_name or None,
        'mailing_id': m.mailing_id.id or None if 'mailing_id' in m._fields else None,
        'partners': sorted(m.recipient_ids.ids),
    }
""",
    )
    mails = console_json(odoo, db, "mails", "--state", "failed", "--limit", "1000")
    seen = {m["id"]: m for m in mails}
    assert sorted(seen) == sorted(int(i) for i in orm)
    for mail_id, expected in orm.items():
        mail = seen[int(mail_id)]
        got = {key: mail.get(key) or None for key in expected if key != "partners"}
        assert got == {k: v for k, v in expected.items() if k != "partners"}, mail_id
        assert sorted(r["partner_id"] for r in mail["recipients"]) == expected["partners"]
        assert mail["state"] == "exception"


def test_causes_cover_every_failed_mail(odoo: OdooInstance, day: tuple[str, Any]) -> None:
    db, _ = day
    failed = odoo.orm(db, "result = env['mail.mail'].search([('state', '=', 'exception')]).ids")
    causes = console_json(odoo, db, "causes")
    assert sum(c["count"] for c in causes) == len(failed)
    assert {c["sample_mail_id"] for c in causes} <= set(failed)
    titles = " | ".join(c["title"] for c in causes)
    assert "550" in titles and "451" in titles, titles  # the refusal and the deferral
    assert "connection refused" in titles, titles  # the server on a closed port


def test_crons_and_their_triggers(odoo: OdooInstance, day: tuple[str, Any]) -> None:
    db, _ = day
    orm = odoo.orm(
        db,
        """
Cron = env['ir.cron'].with_context(active_test=False)
Trigger = env['ir.cron.trigger']
result = {}
for c in Cron.search([]):
    result[c.id] = {
        'active': c.active, 'interval_number': c.interval_number,
        'interval_type': c.interval_type, 'priority': c.priority,
        'nextcall': odoo.fields.Datetime.to_string(c.nextcall),
        'lastcall': odoo.fields.Datetime.to_string(c.lastcall) if c.lastcall else None,
        'pending_triggers': Trigger.search_count([('cron_id', '=', c.id)]),
        'failure_count': c.failure_count if 'failure_count' in c._fields else None,
    }
""",
    )
    crons = {c["id"]: c for c in console_json(odoo, db, "crons")}
    assert sorted(crons) == sorted(int(i) for i in orm)
    for cron_id, expected in orm.items():
        cron = crons[int(cron_id)]
        for key in ("active", "interval_number", "interval_type", "priority", "failure_count"):
            assert cron[key] == expected[key], (cron_id, key)
        assert cron["nextcall"] == utc(expected["nextcall"])
        assert cron["lastcall"] == utc(expected["lastcall"])
        assert cron["pending_triggers"] == expected["pending_triggers"], cron["name"]
    queue = odoo.orm(db, "result = env.ref('mail.ir_cron_mail_scheduler_action').id")
    assert crons[queue]["mail_related"]


def test_campaigns_in_the_order_odoos_cron_takes_them(
    odoo: OdooInstance, day: tuple[str, Any]
) -> None:
    db, built = day
    order = odoo.orm(
        db,
        """
now = odoo.fields.Datetime.now()
result = env['mailing.mailing'].search([('state', 'in', ('in_queue', 'sending')), '|',
    ('schedule_date', '<', now), ('schedule_date', '=', False)]).ids
""",
    )
    campaigns = console_json(odoo, db, "campaigns")
    due = [c["id"] for c in campaigns if c["due"]]
    assert due == order
    assert sorted(order) == sorted(built["mailings"][1:])  # the first one was sent
    assert campaigns[0]["head"] and campaigns[0]["position"] == 1


def test_aliases_and_alias_domains(odoo: OdooInstance, day: tuple[str, Any]) -> None:
    db, _ = day
    orm = odoo.orm(
        db,
        """
Alias = env['mail.alias']
aliases = Alias.search([('alias_name', '!=', False)])
result = {
    'addresses': sorted(a.display_name for a in aliases),
    'domains': sorted(env['mail.alias.domain'].search([]).mapped('name'))
               if 'mail.alias.domain' in env else [],
}
""",
    )
    shown = console_json(odoo, db, "aliases")
    assert sorted(a["address"] for a in shown["aliases"]) == orm["addresses"]
    if odoo.version >= 17:
        assert sorted(d["name"] for d in shown["domains"]) == orm["domains"] == ["company.example"]


ALIAS = """
if not env['mail.alias'].search([('alias_name', '=', 'contact')]):
    values = {'alias_name': 'contact', 'alias_model_id': env['ir.model']._get('res.partner').id}
    if 'alias_domain_id' in env['mail.alias']._fields:
        values['alias_domain_id'] = env.company.alias_domain_id.id
    env['mail.alias'].create(values)
"""
ROUTE = """
from email.message import EmailMessage
Thread = env['mail.thread']
message = EmailMessage()
message['From'] = args['sender']
message['To'] = args['to']
message['Subject'] = 'routing test'
message['Message-Id'] = '<routing-%s@test.example>' % args['nonce']
if args.get('in_reply_to'):
    message['In-Reply-To'] = args['in_reply_to']
message.set_content('hello')
parsed = Thread.message_parse(message)
try:
    routes = Thread.message_route(message, parsed)
    result = {'routes': [[r[0], r[1] or None] for r in routes], 'error': None}
except ValueError as error:
    result = {'routes': [], 'error': str(error)}
env.cr.rollback()  # routing only: no bounce counted, nothing kept
"""


def test_inbound_routing_is_odoos(odoo: OdooInstance, day: tuple[str, Any]) -> None:
    db, built = day
    reply_to = odoo.orm(
        db,
        "result = env['mail.message'].browse(args['id']).message_id",
        id=built["messages"]["mixed"],
    )
    odoo.orm(db, ALIAS)
    cases = [
        ("contact@company.example", None),
        ("nobody@company.example", None),
        ("nobody@company.example", reply_to),
        ("bounce@company.example", None),
        ("catchall@company.example", None),
        ("someone@elsewhere.example", None),
    ]
    outcomes = []
    for number, (address, in_reply_to) in enumerate(cases, start=1):
        odoo_says = odoo.orm(
            db, ROUTE, sender="sender@outside.example", to=address, nonce=number,
            in_reply_to=in_reply_to,
        )  # fmt: skip
        args = ["inbound-check", address, "--from", "sender@outside.example"]
        if in_reply_to:
            args += ["--in-reply-to", in_reply_to]
        done = run_cli("--db", odoo.url(db), *args, "--json")
        assert done.returncode in (0, 1), done.stderr
        verdict = json.loads(done.stdout)
        routes = [[r["model"], r["res_id"]] for r in verdict["routes"]]
        assert routes == odoo_says["routes"], (address, in_reply_to, verdict["line"], odoo_says)
        assert verdict["accepted"] == bool(odoo_says["routes"]), (address, verdict["line"])
        if odoo_says["error"]:
            assert verdict["outcome"] == "rejected", (address, verdict["line"], odoo_says)
        outcomes.append((verdict["outcome"], routes))
    assert outcomes[0] == ("accepted", [["res.partner", None]])  # the alias: a new partner
    assert outcomes[1][0] == "rejected"  # no alias, no reply
    assert outcomes[2] == ("accepted", [["res.partner", built["document"]]])  # the reply


def test_filestore_attachments_with_db_and_data_dir(
    odoo: OdooInstance, day: tuple[str, Any]
) -> None:
    db, built = day
    mail_id = str(built["outgoing"]["with_attachment"])
    args = ("--db", odoo.url(db), "export-eml", mail_id, "-o", "-")
    found = run_cli(*args, "--data-dir", str(odoo.data_dir), binary=True)
    assert found.returncode == 0, found.stderr
    assert b"invoice.pdf" in found.stdout
    assert base64.b64encode(b"%PDF-1.4 not really") in found.stdout.replace(b"\r\n", b"")
    lost = run_cli(*args, binary=True)  # Odoo's data_dir is none of the usual places here
    assert lost.returncode == 2
    assert b"--data-dir" in lost.stderr and b"Traceback" not in lost.stderr


def test_red_envelopes_are_the_ones_odoo_flags(odoo: OdooInstance, day: tuple[str, Any]) -> None:
    """The envelopes against Odoo's own view of failures: the messages with ``has_error``
    on a record (the systray's domain), per author as the systray counts them, each
    failed recipient with the words of the resend wizard (``format_failure_reason``)."""
    db, _ = day
    orm = odoo.orm(
        db,
        """
Notification = env['mail.notification'].sudo()
failed = Notification.search([
    ('notification_type', '=', 'email'),
    ('notification_status', 'in', ('bounce', 'exception')),
    ('mail_message_id.message_type', '!=', 'user_notification'),
    ('mail_message_id.model', '!=', False),
    ('mail_message_id.res_id', '!=', 0),
])
by_author = {}
for n in failed:
    by_author.setdefault(n.author_id.id or None, set()).add(n.mail_message_id.id)
flagged = env['mail.message'].sudo().search([
    ('has_error', '=', True), ('model', '!=', False), ('res_id', '!=', 0),
    ('message_type', '!=', 'user_notification')])
result = {
    'messages': sorted(failed.mail_message_id.ids, reverse=True),
    'flagged': sorted(flagged.ids, reverse=True),
    'recipients': len(failed),
    'bounced': len(failed.filtered(lambda n: n.notification_status == 'bounce')),
    'gone': len(failed.filtered(lambda n: not n.mail_mail_id)),
    'by_author': {str(a): len(m) for a, m in by_author.items()},
    'words': {str(n.id): n.format_failure_reason() for n in failed},
}
""",
    )
    assert orm["messages"], "the day's traffic has red envelopes"
    status = console_json(odoo, db, "status")["envelopes"]
    assert status["messages"] == len(orm["messages"]) == len(orm["flagged"])
    assert status["recipients"] == orm["recipients"]
    assert status["bounced"] == orm["bounced"]
    assert status["without_mail_row"] == orm["gone"]
    assert {str(a["partner_id"]): a["messages"] for a in status["by_author"]} == orm["by_author"]
    listed = console_json(odoo, db, "envelopes", "--limit", "1000")
    assert [e["message_id"] for e in listed] == orm["messages"] == orm["flagged"]
    words = {str(r["notification_id"]): r["failure"] for e in listed for r in e["recipients"]}
    assert words == orm["words"]
