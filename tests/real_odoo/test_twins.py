"""Each action of the console on one record, Odoo's own code path on its twin.

The twins are made by Odoo (same content, same failure); the console's action goes
through its CLI as an operator types it, Odoo's through the method its button calls.
Then the rows must be equal apart from ids and times, and Odoo must agree afterwards.
(Ignore all and its bus notification are compared in test_bus.py.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.rows import assert_twins, fetch, notifications, one
from tests.real_odoo.traffic import DEFERRED, REFUSED, configure_servers

TWINS = """
Partner = env['res.partner']
good = Partner.create({'name': 'Gina Good', 'email': 'gina@good.example'})
refused = Partner.create({'name': 'Rex Refused', 'email': 'rex@refused.example'})
deferred = Partner.create({'name': 'Dora Deferred', 'email': 'dora@deferred.example'})
document = Partner.create({'name': 'Twin Document'})
quiet = document.with_context(mail_notify_force_send=False)
Mail = env['mail.mail']

def post(subject, partners):
    message = quiet.message_post(body='<p>%s</p>' % subject, subject=subject,
                                 partner_ids=partners.ids, message_type='comment',
                                 subtype_xmlid='mail.mt_comment')
    return message.id, Mail.search([('mail_message_id', '=', message.id)]).id

def plain(subject, to):
    return Mail.create({'subject': subject, 'email_from': 'admin@company.example',
                        'email_to': to, 'body_html': '<p>%s</p>' % subject}).id

pairs = {}
for name in ('a', 'b'):
    pairs.setdefault('failed_plain', []).append(plain('Twin refused', 'ann@refused.example'))
    pairs.setdefault('failed_notified', []).append(post('Twin deferred', deferred)[1])
    pairs.setdefault('outgoing_plain', []).append(plain('Twin outgoing', 'ola@good.example'))
    pairs.setdefault('outgoing_notified', []).append(post('Twin mixed', good | refused)[1])
    pairs.setdefault('to_send', []).append(post('Twin send', good | refused)[1])
    pairs.setdefault('undo', []).append(plain('Twin undo', 'udo@refused.example'))
Mail.browse(pairs['failed_plain'] + pairs['failed_notified'] + pairs['undo']).send()

lst = env['mailing.list'].create({'name': 'Twin list'})
env['mailing.contact'].create({'name': 'Tia', 'email': 'tia@good.example',
                               'list_ids': [(4, lst.id)]})
mailings = env['mailing.mailing'].create([{
    'subject': 'Twin campaign', 'body_html': '<p>twin</p>',
    'mailing_model_id': env['ir.model']._get('mailing.list').id,
    'contact_list_ids': [(6, 0, [lst.id])], 'schedule_type': 'scheduled',
    'schedule_date': '2099-06-01 08:00:00'} for _ in range(2)])
for mailing in mailings:
    mailing.action_schedule()
pairs['campaign'] = mailings.ids
result = pairs
"""


@pytest.fixture(scope="module")
def smtp(odoo: OdooInstance) -> Iterator[SmtpTestServer]:  # one per version: counts stay apart
    with SmtpTestServer(refuse_domains=[REFUSED], defer_domains=[DEFERRED]) as server:
        yield server


@pytest.fixture(scope="module")
def twins(odoo: OdooInstance, smtp: SmtpTestServer) -> tuple[str, dict[str, list[int]]]:
    db = odoo.new_database(f"twins{odoo.version}")
    configure_servers(odoo, db, smtp.port)
    pairs: dict[str, list[int]] = odoo.orm(db, TWINS)
    return db, pairs


def console(odoo: OdooInstance, db: str, *args: str) -> dict[str, Any]:
    done = run_cli("--db", odoo.url(db), *args, "--yes", "--json")
    assert done.returncode in (0, 1), done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def message_of(odoo: OdooInstance, db: str, mail_id: int) -> int:
    return int(one(odoo, db, "mail_mail", mail_id)["mail_message_id"])


MAIL_LINKS = frozenset({"mail_message_id", "references"})  # each twin's own Message-Id


def test_retry_is_mark_outgoing(odoo: OdooInstance, twins: tuple[str, Any]) -> None:
    db, pairs = twins
    for kind in ("failed_plain", "failed_notified"):
        a, b = pairs[kind]
        assert one(odoo, db, "mail_mail", a)["state"] == "exception"
        result = console(odoo, db, "retry", str(a))
        assert result["applied"] == [a]
        odoo.orm(db, "env['mail.mail'].browse(args['id']).mark_outgoing()", id=b)
        assert_twins(one(odoo, db, "mail_mail", a), one(odoo, db, "mail_mail", b), kind,
                     ignore=MAIL_LINKS)  # fmt: skip
        if kind == "failed_notified":
            left = notifications(odoo, db, message_of(odoo, db, a))
            right = notifications(odoo, db, message_of(odoo, db, b))
            assert [comparable_notification(n) for n in left.values()] == [
                comparable_notification(n) for n in right.values()
            ]


def comparable_notification(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["res_partner_id"], row["notification_type"], row["notification_status"],
            row["failure_type"], row["failure_reason"], row["is_read"])  # fmt: skip


def test_cancel_is_cancel(odoo: OdooInstance, twins: tuple[str, Any]) -> None:
    db, pairs = twins
    for kind in ("outgoing_plain", "outgoing_notified"):
        a, b = pairs[kind]
        result = console(odoo, db, "cancel", str(a))
        assert result["applied"] == [a]
        odoo.orm(db, "env['mail.mail'].browse(args['id']).cancel()", id=b)
        assert_twins(one(odoo, db, "mail_mail", a), one(odoo, db, "mail_mail", b), kind,
                     ignore=MAIL_LINKS)  # fmt: skip
        left = notifications(odoo, db, message_of(odoo, db, a))
        right = notifications(odoo, db, message_of(odoo, db, b))
        assert [comparable_notification(n) for n in left.values()] == [
            comparable_notification(n) for n in right.values()
        ], kind


def test_send_now_is_send(odoo: OdooInstance, twins: tuple[str, Any], smtp: SmtpTestServer) -> None:
    db, pairs = twins
    a, b = pairs["to_send"]
    message_a, message_b = message_of(odoo, db, a), message_of(odoo, db, b)
    result = console(odoo, db, "send", str(a))
    assert result["applied"] == [] and list(result["failed"]) == [str(a)]  # one refused
    odoo.orm(db, "env['mail.mail'].browse(args['id']).send()", id=b)
    assert_twins(one(odoo, db, "mail_mail", a), one(odoo, db, "mail_mail", b), "send",
                 ignore=MAIL_LINKS)  # fmt: skip
    assert_twins(one(odoo, db, "mail_message", message_a), one(odoo, db, "mail_message", message_b),
                 "the message", ignore=frozenset({"message_id"}))  # fmt: skip
    left, right = notifications(odoo, db, message_a), notifications(odoo, db, message_b)
    assert [comparable_notification(n) for n in left.values()] == [
        comparable_notification(n) for n in right.values()
    ]
    delivered = [m for m in smtp.messages() if m["Subject"] == "Twin send"]
    assert len(delivered) == 2  # Gina's copy from each; Rex refused both times


def test_cancel_campaign_is_action_cancel(odoo: OdooInstance, twins: tuple[str, Any]) -> None:
    db, pairs = twins
    a, b = pairs["campaign"]
    result = console(odoo, db, "cancel-campaign", str(a))
    assert result["applied"] == [a]
    odoo.orm(db, "env['mailing.mailing'].browse(args['id']).action_cancel()", id=b)
    assert_twins(one(odoo, db, "mailing_mailing", a), one(odoo, db, "mailing_mailing", b),
                 "mailing", ignore=frozenset({"name", "source_id"}))  # fmt: skip
    chatter = (
        "SELECT * FROM mail_message WHERE model = 'mailing.mailing' AND res_id = %s ORDER BY id"
    )
    left, right = fetch(odoo, db, chatter, a), fetch(odoo, db, chatter, b)
    assert len(left) == len(right) >= 1
    for console_msg, odoo_msg in zip(left, right, strict=True):
        assert_twins(console_msg, odoo_msg, "chatter line",
                     ignore=frozenset({"res_id", "message_id"}))  # fmt: skip
        tracking = "SELECT * FROM mail_tracking_value WHERE mail_message_id = %s ORDER BY id"
        values_a = fetch(odoo, db, tracking, console_msg["id"])
        values_b = fetch(odoo, db, tracking, odoo_msg["id"])
        assert len(values_a) == len(values_b)
        for value_a, value_b in zip(values_a, values_b, strict=True):
            assert_twins(value_a, value_b, "tracking value",
                         ignore=frozenset({"mail_message_id"}))  # fmt: skip


def test_trigger_is_trigger(odoo: OdooInstance, twins: tuple[str, Any]) -> None:
    db, _ = twins
    cron = odoo.orm(db, "result = env.ref('mail.ir_cron_mail_scheduler_action').id")
    before = {r["id"] for r in fetch(odoo, db, "SELECT id FROM ir_cron_trigger")}
    done = run_cli("--db", odoo.url(db), "trigger", str(cron), "--yes")
    assert done.returncode == 0, done.stderr
    odoo.orm(db, "env['ir.cron'].browse(args['id'])._trigger()", id=cron)
    new = fetch(odoo, db, "SELECT * FROM ir_cron_trigger WHERE NOT id = ANY(%s) ORDER BY id",
                list(before))  # fmt: skip
    assert len(new) == 2
    assert_twins(new[0], new[1], "trigger", ignore=frozenset({"call_at"}))
    for row in new:  # Odoo's fields.Datetime.now(): whole seconds
        assert row["call_at"].microsecond == 0


def test_set_interval_is_a_write_on_the_cron(odoo: OdooInstance, twins: tuple[str, Any]) -> None:
    db, _ = twins
    crons = odoo.orm(
        db,
        "result = [env.ref('mail.ir_cron_mail_scheduler_action').id,"
        " env.ref('mass_mailing.ir_cron_mass_mailing_queue').id]",
    )
    a, b = crons
    done = run_cli("--db", odoo.url(db), "set-interval", "20", "minutes", "--cron", str(a), "--yes")
    assert done.returncode == 0, done.stderr
    odoo.orm(db, "env['ir.cron'].browse(args['id']).write({'interval_number': 20,"
                 " 'interval_type': 'minutes'})", id=b)  # fmt: skip
    left, right = one(odoo, db, "ir_cron", a), one(odoo, db, "ir_cron", b)
    for key in ("interval_number", "interval_type", "write_uid"):
        assert left[key] == right[key], key


def test_undo_leaves_the_mail_as_its_untouched_twin(
    odoo: OdooInstance, twins: tuple[str, Any]
) -> None:
    db, pairs = twins
    a, b = pairs["undo"]
    before = one(odoo, db, "mail_mail", a)
    console(odoo, db, "retry", str(a))
    assert one(odoo, db, "mail_mail", a)["state"] == "outgoing"
    console(odoo, db, "undo")
    after = one(odoo, db, "mail_mail", a)
    assert_twins(after, one(odoo, db, "mail_mail", b), "undone retry", ignore=MAIL_LINKS)
    assert (after["write_uid"], after["write_date"]) == (before["write_uid"], before["write_date"])
