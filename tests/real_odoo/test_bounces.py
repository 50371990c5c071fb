"""Bounces against real Odoo 16-19 (docs/odoo-bounces.md).

Odoo is fed REAL bounces: a DSN (``multipart/report``, ``Final-Recipient``, the original
Message-Id in ``text/rfc822-headers``) to the bounce address, through
``mail.thread.message_process``, for a chatter notification and a mass-mailing mail it
sent itself. Then the console's counts must be Odoo's (partners' and mailing contacts'
``message_bounce``, notifications in bounce, traces in bounce, each mailing's Bounced
ratio). And a twin: Odoo resets partner A's counter on a mail from A; the console's
``reset-bounce`` resets twin partner B; their rows must agree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.rows import assert_twins, fetch, one
from tests.real_odoo.traffic import configure_servers

SENT = """
Partner = env['res.partner']
def partner(name, email):
    return Partner.create({'name': name, 'email': email})
people = {key: partner(name, '%s@good.example' % key) for key, name in (
    ('ann', 'Ann Bounce'), ('bob', 'Bob Fine'), ('resa', 'Resa Twin'), ('resb', 'Resb Twin'),
    ('nico', 'Nico Named'))}
document = Partner.create({'name': 'Bounce Document'})
message = document.with_context(mail_notify_force_send=False).message_post(
    body='<p>Your order</p>', subject='Order 42', partner_ids=[p.id for p in people.values()],
    message_type='comment', subtype_xmlid='mail.mt_comment')
lst = env['mailing.list'].create({'name': 'Bounce list'})
env['mailing.contact'].create([
    {'name': 'Carl', 'email': 'carl@good.example', 'list_ids': [(4, lst.id)]},
    {'name': 'Dina', 'email': 'dina@good.example', 'list_ids': [(4, lst.id)]},
    {'name': 'Ann as contact', 'email': 'ann@good.example', 'list_ids': [(4, lst.id)]},
])
twin_contacts = env['mailing.contact'].create([
    {'name': 'Resa as contact', 'email': 'resa@good.example'},
    {'name': 'Resb as contact', 'email': 'resb@good.example'},
])
mailing = env['mailing.mailing'].create({
    'subject': 'Bounce campaign', 'body_html': '<p>news</p>',
    'mailing_model_id': env['ir.model']._get('mailing.list').id,
    'contact_list_ids': [(6, 0, [lst.id])]})
mailing.action_put_in_queue()
env['mailing.mailing']._process_mass_mailing_queue()
env.flush_all()
env['mail.mail'].process_email_queue()
env['mail.mail'].search([('mail_message_id', '=', message.id)]).send()
env.flush_all()
traces = env['mailing.trace'].search([('mass_mailing_id', '=', mailing.id)])
if 'mail.alias.domain' in env:
    bounce = env.company.alias_domain_id.bounce_email
else:
    icp = env['ir.config_parameter'].sudo()
    bounce = '%s@%s' % (icp.get_param('mail.bounce.alias'), icp.get_param('mail.catchall.domain'))
result = {
    'partners': {k: v.id for k, v in people.items()},
    'document': document.id,
    'message': message.id,
    'message_id': message.message_id,
    'mailing': mailing.id,
    'trace_ids': {t.email: t.message_id for t in traces},
    'trace_statuses': sorted(traces.mapped('trace_status')),
    'bounce_address': bounce,
    'twin_contacts': twin_contacts.ids,
}
"""

PROCESS = """
env['mail.thread'].message_process(False, args['raw'])
"""


def dsn(to: str, recipient: str, original_message_id: str, nonce: str) -> str:
    """A delivery status notification as an MTA sends it back (RFC 3464)."""
    boundary = f"dsn-{nonce}"
    lines = [
        "From: MAILER-DAEMON@mx.good.example",
        f"To: {to}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Message-Id: <dsn-{nonce}@mx.good.example>",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain",
        "",
        f"<{recipient}>: host mx.good.example said: 550 5.1.1 user unknown",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.good.example",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        "Action: failed",
        "Status: 5.1.1",
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        f"Message-Id: {original_message_id}",
        f"To: {recipient}",
        "Subject: Order 42",
        "",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines)


def plain_mail(sender: str, to: str, in_reply_to: str, nonce: str) -> str:
    """A customer's ordinary reply (not a bounce): Odoo resets the sender's counter."""
    return "\r\n".join(
        [
            f"From: {sender}",
            f"To: {to}",
            "Subject: Re: Order 42",
            f"Message-Id: <reply-{nonce}@customer.example>",
            f"In-Reply-To: {in_reply_to}",
            f"References: {in_reply_to}",
            "Content-Type: text/plain",
            "",
            "Thanks!",
            "",
        ]
    )


@pytest.fixture(scope="module")
def smtp(odoo: OdooInstance) -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:
        yield server


@pytest.fixture(scope="module")
def bounced(odoo: OdooInstance, smtp: SmtpTestServer) -> tuple[str, dict[str, Any]]:
    db = odoo.new_database(f"bounces{odoo.version}")
    configure_servers(odoo, db, smtp.port)
    built: dict[str, Any] = odoo.orm(db, SENT)
    assert built["trace_statuses"] == ["sent", "sent", "sent"], built
    to = built["bounce_address"]
    for number, who in enumerate(("ann", "resa", "resb", "nico", "resa"), start=1):
        raw = dsn(to, f"{who}@good.example", built["message_id"], f"n{number}")
        odoo.orm(db, PROCESS, raw=raw)
    for number, who in enumerate(("carl", "ann"), start=1):
        raw = dsn(
            to, f"{who}@good.example", built["trace_ids"][f"{who}@good.example"], f"t{number}"
        )
        odoo.orm(db, PROCESS, raw=raw)
    return db, built


ODOO_SAYS = """
Notification = env['mail.notification'].sudo()
bounced_n = Notification.search([('notification_type', '=', 'email'),
                                 ('notification_status', '=', 'bounce')], order='id desc')
Trace = env['mailing.trace'].sudo()
bounced_t = Trace.search([('trace_status', '=', 'bounce')], order='id desc')
partners = env['res.partner'].search([('message_bounce', '>', 0)])
contacts = env['mailing.contact'].search([('message_bounce', '>', 0)])
mailing = env['mailing.mailing'].browse(args['mailing'])
result = {
    'notifications': bounced_n.ids,
    'traces': bounced_t.ids,
    'counters': sorted([['res.partner', p.id, p.message_bounce] for p in partners]
                       + [['mailing.contact', c.id, c.message_bounce] for c in contacts]),
    'mailing': [mailing.expected, mailing.canceled, mailing.failed, mailing.bounced,
                mailing.bounced_ratio],
}
"""


def console_json(odoo: OdooInstance, db: str, *args: str) -> Any:
    done = run_cli("--db", odoo.url(db), *args, "--json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_bounce_counts_are_odoos(odoo: OdooInstance, bounced: tuple[str, Any]) -> None:
    db, built = bounced
    orm = odoo.orm(db, ODOO_SAYS, mailing=built["mailing"])
    partners = built["partners"]
    # Odoo counted what it was fed: Ann twice (her notification and her contact's trace)
    assert ["res.partner", partners["ann"], 2] in orm["counters"]
    assert ["res.partner", partners["resa"], 2] in orm["counters"]
    assert len(orm["notifications"]) == 4 and len(orm["traces"]) == 2
    shown = console_json(odoo, db, "bounces", "--limit", "1000")
    top = sorted([t["model"], t["id"], t["bounces"]] for t in shown["top"])
    assert top == orm["counters"]
    assert [n["notification_id"] for n in shown["notifications"]] == orm["notifications"]
    said = {n["reason"] for n in shown["notifications"]}
    if odoo.version >= 17:  # Odoo keeps the bounce's text on the notification
        assert all(r and "550 5.1.1 user unknown" in r for r in said), said
    assert [t["trace_id"] for t in shown["traces"]] == orm["traces"]
    campaign = next(c for c in shown["campaigns"] if c["mailing_id"] == built["mailing"])
    expected, canceled, failed, bounced_count, ratio = orm["mailing"]
    assert [
        campaign["expected"],
        campaign["canceled"],
        campaign["failed"],
        campaign["bounced"],
    ] == [expected, canceled, failed, bounced_count]
    assert campaign["bounced_ratio"] == pytest.approx(ratio)
    assert shown["mailing_contacts"] is True
    # every bounced mail was accepted today: the rates count them all
    assert shown["last_24h"]["bounced"] == len(orm["notifications"]) + len(orm["traces"])


NAMED_RESET = """
partner = env['res.partner'].browse(args['partner'])
result = partner.message_bounce
"""


def test_reset_twin(odoo: OdooInstance, bounced: tuple[str, Any]) -> None:
    """Odoo resets A (a reply from A's bare address, processed by its gateway as the admin);
    the console resets twin B as the admin: same counters, same write_uid."""
    db, built = bounced
    partners = built["partners"]
    a, b = partners["resa"], partners["resb"]

    def row(partner: int) -> dict[str, Any]:
        return fetch(
            odoo,
            db,
            "SELECT message_bounce, write_uid, active FROM res_partner WHERE id = %s",
            partner,
        )[0]

    assert row(a)["message_bounce"] == 2 and row(b)["message_bounce"] == 1
    # A display name in From: 16-18 compare the formatted From with email_normalized
    raw = plain_mail(
        '"Nico Named" <nico@good.example>', "catchall@company.example", built["message_id"], "named"
    )
    odoo.orm(db, PROCESS, uid=2, raw=raw)
    assert row(partners["nico"])["message_bounce"] == (1 if odoo.version < 19 else 0)
    raw = plain_mail("resa@good.example", "catchall@company.example", built["message_id"], "a")
    odoo.orm(db, PROCESS, uid=2, raw=raw)
    report = console_json(
        odoo, db, "reset-bounce", "resb@good.example", "--yes", "--odoo-user", "admin"
    )
    contact_a, contact_b = built["twin_contacts"]
    assert report["applied"] == [b, contact_b], report  # the partner, then the contact
    assert row(a) == row(b) == {"message_bounce": 0, "write_uid": 2, "active": True}
    # the whole rows, but for what names each twin or points to itself (and times)
    own = frozenset({"name", "email", "email_normalized", "complete_name", "display_name",
                     "commercial_partner_id"})  # fmt: skip
    assert_twins(one(odoo, db, "res_partner", b), one(odoo, db, "res_partner", a),
                 "reset partner", ignore=own)  # fmt: skip
    left, right = (
        one(odoo, db, "mailing_contact", contact_b),
        one(odoo, db, "mailing_contact", contact_a),
    )
    assert left["message_bounce"] == 0 and left["write_uid"] == 2
    assert_twins(left, right, "reset contact", ignore=own)
    contact = fetch(
        odoo, db, "SELECT id FROM mailing_contact WHERE email = %s", "carl@good.example"
    )[0]["id"]
    report = console_json(odoo, db, "reset-bounce", "carl@good.example", "--yes")
    assert report["applied"] == [contact]
    assert fetch(
        odoo, db, "SELECT message_bounce, write_uid FROM mailing_contact WHERE id = %s", contact
    )[0] == {"message_bounce": 0, "write_uid": 1}
