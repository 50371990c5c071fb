"""The reads of the console over Odoo's external API against a real Odoo web server on
loopback (JSON-RPC on 16-18, JSON-2 on 19): failures by cause, one mail in full, the
.eml as it would be sent, the queued campaigns, bounces and the blacklist must equal
what the SQL backend reads on the same database. The data is made by Odoo's ORM: failed
mails with different reasons (one through an archived server, two whose reasons differ
only after 4,096 characters), a notification with an attachment to two partners, a
failed and a bounced notification, a mailing with sent, bounced and canceled traces,
two queued mailings, bounce counters, blacklist entries active and removed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import datetime
from typing import Any

import pytest

from testkit.net import free_port
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance

DATA = """
import base64, datetime
def key(user):
    keys = env['res.users.apikeys'].with_user(user)
    if 'expiration_date' in keys._fields:
        tomorrow = datetime.datetime.now() + datetime.timedelta(days=1)
        return keys._generate('rpc', 'console', tomorrow)
    return keys._generate('rpc', 'console')
Partner, Mail = env['res.partner'], env['mail.mail']
relay = env['ir.mail_server'].create({'name': 'Relay', 'smtp_host': '127.0.0.1',
                                      'smtp_port': args['closed'], 'active': False})
ann = Partner.create({'name': 'Ann Reads', 'email': 'ann@good.example'})
bob = Partner.create({'name': 'Bob Reads', 'email': 'bob@good.example'})
def failed(subject, reason, kind='mail_smtp', **extra):
    values = {'subject': subject, 'email_from': 'admin@company.example',
              'email_to': 'x@refused.example', 'body_html': '<p>%s</p>' % subject}
    values.update(extra)
    mail = Mail.create(values)
    mail.write({'state': 'exception', 'failure_reason': reason, 'failure_type': kind})
    return mail.id
failures = [
    failed('Refused 1', '550 5.1.1 <x@refused.example>: Recipient address rejected'),
    failed('Refused 2', '550 5.1.1 <y@refused.example>: Recipient address rejected'),
    failed('Auth', '535 5.7.8 Authentication failed', mail_server_id=relay.id),
    failed('Invalid', 'Invalid address', 'mail_email_invalid'),
    failed('Long 1', 'x' * 5000 + ' tail one', 'unknown'),
    failed('Long 2', 'x' * 5000 + ' tail two', 'unknown'),
]
document = Partner.create({'name': 'Reads Document'})
attachment = env['ir.attachment'].create({
    'name': 'invoice.pdf', 'datas': base64.b64encode(b'%PDF-1.4 not really'),
    'res_model': 'res.partner', 'res_id': document.id, 'mimetype': 'application/pdf'})
quiet = document.with_context(mail_notify_force_send=False)
def post(subject, partners, **extra):
    return quiet.message_post(body='<p>%s</p>' % subject, subject=subject,
                              partner_ids=partners.ids, message_type='comment',
                              subtype_xmlid='mail.mt_comment', **extra)
invoice = post('Invoice 7', ann | bob, attachment_ids=attachment.ids)
invoice_mail = Mail.search([('mail_message_id', '=', invoice.id)])
invoice_mail.write({'email_cc': 'cc@good.example', 'headers': repr({'X-Reads': 'yes'})})
env['mail.notification'].search([('mail_message_id', '=', invoice.id),
                                  ('res_partner_id', '=', ann.id)]).write(
    {'notification_status': 'sent'})
broken = post('Refused chatter', bob)
broken_mail = Mail.search([('mail_message_id', '=', broken.id)])
broken_mail.write({'state': 'exception', 'failure_type': 'mail_smtp',
                   'failure_reason': '550 mailbox unavailable'})
env['mail.notification'].search([('mail_message_id', '=', broken.id)]).write({
    'notification_status': 'exception', 'failure_type': 'mail_smtp',
    'failure_reason': '550 mailbox unavailable'})
bounced = post('Bounce me', bob)
env['mail.notification'].search([('mail_message_id', '=', bounced.id)]).write({
    'notification_status': 'bounce', 'failure_type': 'unknown', 'failure_reason': 'user unknown'})
Mail.search([('mail_message_id', '=', bounced.id)]).unlink()
later = Mail.create({'subject': 'Later', 'email_from': 'admin@company.example',
                     'email_to': 'l@good.example', 'body_html': '<p>l</p>',
                     'scheduled_date': '2099-01-01 00:00:00'})
lst = env['mailing.list'].create({'name': 'Reads list'})
contacts = env['mailing.contact'].create([
    {'name': n, 'email': '%s@good.example' % n.lower(), 'list_ids': [(4, lst.id)]}
    for n in ('Carl', 'Dina', 'Olga')])
Subscription = env['mailing.subscription' if 'mailing.subscription' in env
                   else 'mailing.contact.subscription']
Subscription.search([('contact_id', '=', contacts[2].id)]).write({'opt_out': True})
list_model = env['ir.model']._get('mailing.list').id
def mailing(subject):
    return env['mailing.mailing'].create({
        'subject': subject, 'body_html': '<p>%s</p>' % subject,
        'mailing_model_id': list_model, 'contact_list_ids': [(6, 0, [lst.id])]})
done = mailing('Reads campaign sent')
now = datetime.datetime.utcnow().replace(microsecond=0)
Trace = env['mailing.trace']
for contact, status in zip(contacts, ('sent', 'bounce', 'cancel')):
    values = {'mass_mailing_id': done.id, 'model': 'mailing.contact', 'res_id': contact.id,
              'email': contact.email, 'trace_status': status, 'sent_datetime': now}
    if status == 'bounce' and 'failure_reason' in Trace._fields:
        values['failure_reason'] = '550 5.1.1 user unknown'
    Trace.create(values)
for subject in ('Reads campaign queued', 'Reads campaign queued 2'):
    mailing(subject).action_put_in_queue()
bob.write({'message_bounce': 3})
contacts[1].write({'message_bounce': 2})
Blacklist = env['mail.blacklist']
kept = Blacklist.create({'email': 'blocked@bad.example'})
kept.message_post(body='<p>Spam complaint</p>')
Blacklist.create({'email': 'removed@bad.example'}).write({'active': False})
Partner.create({'name': 'Blocked One', 'email': 'Blocked@bad.example'})
Partner.create({'name': 'Blocked Two', 'email': 'blocked@bad.example', 'active': False})
env['mailing.contact'].create({'name': 'Blocked contact', 'email': 'blocked@bad.example'})
result = {'admin': key(env.ref('base.user_admin')), 'failures': failures,
          'invoice_mail': invoice_mail.id, 'broken_mail': broken_mail.id, 'later': later.id,
          'ann': ann.id, 'bob': bob.id}
"""


@pytest.fixture(scope="module")
def served(odoo: OdooInstance) -> Iterator[tuple[str, str, dict[str, Any]]]:
    db = odoo.new_database(f"apireads{odoo.version}")
    made: dict[str, Any] = odoo.orm(db, DATA, closed=free_port())
    port = free_port()
    with odoo.serve(db, http_port=port):
        yield db, f"http://127.0.0.1:{port}", made


def over_api(url: str, db: str, key: str, *args: str, binary: bool = False) -> Any:
    return run_cli(*args, "--url", url, "--odoo-db", db, "--login", "admin",
                   env={"ODOO_MAILQ_API_KEY": key}, binary=binary)  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [
        ("causes", "--json"),
        ("campaigns", "--json"),
        ("bounces", "--json"),
        ("blacklist", "--json", "--all"),
        ("blacklist", "--json", "--search", "BLOCKED"),
        ("blacklist", "--json", "--all", "--limit", "1"),
        ("bounces", "--json", "--days", "3", "--limit", "1"),
        ("campaigns",),
        ("bounces",),
        ("blacklist", "--all"),
    ],
    ids=lambda c: "-".join(c).replace("--", ""),
)
def test_json_views_equal_the_sql_backends(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], command: tuple[str, ...]
) -> None:
    db, url, made = served
    api = over_api(url, db, made["admin"], *command)
    assert api.returncode == 0, api.stderr
    sql = run_cli(*command, "--db", odoo.url(db))
    assert sql.returncode == 0, sql.stderr
    if "--json" not in command:
        assert api.stdout == sql.stdout and api.stdout.strip()
        return
    left, right = json.loads(api.stdout), json.loads(sql.stdout)
    assert left == right
    assert left  # each view has something to compare


def test_causes_over_the_api_say_what_sql_says(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    """``causes`` is no longer "not available" over the API: its text is the SQL's."""
    db, url, made = served
    api = over_api(url, db, made["admin"], "causes")
    assert api.returncode == 0, api.stderr
    assert "not available" not in api.stdout + api.stderr
    assert api.stdout == run_cli("causes", "--db", odoo.url(db)).stdout
    assert "550" in api.stdout


def test_export_eml_is_byte_equal(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    """The .eml of a notification with a filestore attachment and two partners: over the
    API the attachment comes from ``datas``, over SQL from the filestore."""
    db, url, made = served
    for mail_id in (made["invoice_mail"], made["failures"][0]):
        args = ("export-eml", str(mail_id), "-o", "-", "--all")
        api = over_api(url, db, made["admin"], *args, binary=True)
        assert api.returncode == 0, api.stderr
        sql = run_cli(*args, "--db", odoo.url(db), "--data-dir", str(odoo.data_dir), binary=True)
        assert sql.returncode == 0, sql.stderr
        assert without_boundaries(api.stdout) == without_boundaries(sql.stdout), mail_id
        assert api.stdout.count(b"boundary=") >= 1
        if mail_id == made["invoice_mail"]:
            assert b"invoice.pdf" in api.stdout and b"cc@good.example" in api.stdout


def without_boundaries(data: bytes) -> bytes:
    """The export with its MIME boundaries (random for every message built) and the
    moment of the export (the mbox separator lines, the Date header) set aside."""
    data = re.sub(rb"(?m)^(From \S+) .*$", rb"\1 <time>", data)
    data = re.sub(rb"(?m)^Date: .*$", b"Date: <time>", data)
    for boundary in set(re.findall(rb'boundary="([^"]+)"', data)):
        data = data.replace(boundary, b"<boundary>")
    return data


@pytest.fixture(scope="module")
def backends(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> Iterator[tuple[Any, Any]]:
    from console.backends.api import open_api_backend
    from console.backends.sql import open_backend
    from console.config.connection import ConnectionSettings

    db, url, made = served
    api = open_api_backend(url, db, "admin", made["admin"], read_only=True)
    sql = open_backend(ConnectionSettings(db_url=odoo.url(db), read_only=True))
    try:
        yield api, sql
    finally:
        api.close()
        sql.close()


def test_mail_detail_equals_the_sql_backends(
    served: tuple[str, str, dict[str, Any]], backends: tuple[Any, Any]
) -> None:
    _, _, made = served
    api, sql = backends
    for mail_id in (made["invoice_mail"], made["broken_mail"], *made["failures"], made["later"]):
        by_sql = to_seconds(sql.mail_detail(mail_id))
        # Odoo answers False for an empty boolean column, which SQL reads as NULL
        by_sql = replace(by_sql, auto_delete=bool(by_sql.auto_delete),
                         is_notification=bool(by_sql.is_notification))  # fmt: skip
        assert api.mail_detail(mail_id) == by_sql, mail_id
    detail = api.mail_detail(made["invoice_mail"])
    assert [a.name for a in detail.attachments] == ["invoice.pdf"]
    assert detail.mail.recipient_count == 2 and len(detail.notifications) == 2
    assert api.mail_detail(10**9) is None


def to_seconds(found: Any) -> Any:
    """A dataclass with its datetimes to the second: Odoo's API writes them so (its
    ``create_date`` and ``write_date`` keep microseconds in the database)."""
    changes = {
        f.name: getattr(found, f.name).replace(microsecond=0)
        for f in fields(found)
        if isinstance(getattr(found, f.name), datetime)
    }
    return replace(found, **changes)


def test_small_reads_equal_the_sql_backends(
    served: tuple[str, str, dict[str, Any]], backends: tuple[Any, Any]
) -> None:
    _, _, made = served
    api, sql = backends

    def groups(backend: Any) -> list[Any]:
        found = backend.failure_groups(with_ids=True)
        return [to_seconds(replace(g, ids=tuple(sorted(g.ids)))) for g in found]

    assert groups(api) == groups(sql)
    assert len(groups(api)) == len(made["failures"])  # the two long reasons are one group
    assert list(api.failed_mails(page_size=2)) == [
        to_seconds(row) for row in sql.failed_mails(page_size=2)
    ]
    mails = [made["later"], made["invoice_mail"], made["broken_mail"], 10**9, made["later"]]
    assert api.messages_of_mails(mails) == sql.messages_of_mails(mails)
    assert api.scheduled_later(mails) == sql.scheduled_later(mails) != []
    assert api.already_delivered(mails) == sql.already_delivered(mails) == (1, 1)
    for partner in (made["ann"], made["bob"], 10**9):
        assert api.partner_failures(partner) == sql.partner_failures(partner)
    emails = ["blocked@bad.example", "removed@bad.example", "nobody@bad.example"]
    by_sql = {k: to_seconds(v) for k, v in sql.blacklist_entries(emails).items()}
    assert api.blacklist_entries(emails) == by_sql and len(by_sql) == 2
    for model in ("res.partner", "mailing.contact"):
        assert api.bounce_counters(model, after=(3, 0)) == sql.bounce_counters(model, after=(3, 0))
    for read in ("bounced_traces", "bounced_notifications"):
        page = getattr(sql, read)(limit=1)
        by_sql = replace(page, rows=tuple(to_seconds(r) for r in page.rows))
        assert getattr(api, read)(limit=1) == by_sql and len(by_sql.rows) == 1
