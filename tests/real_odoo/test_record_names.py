"""The document's name of a mail, as Odoo shows it, on every version.

16-18 store ``mail_message.record_name``; 19 computes it (the record's ``display_name``)
and stores nothing, so the console reads the name from the record's own table, for a
whole page at once. Compared with what Odoo's ORM gives for the same messages: chatter
messages on partners (one of them a company's contact) and on a mass mailing.
"""

from __future__ import annotations

import json

from console.backends.sql import open_backend
from console.config.connection import ConnectionSettings
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance

POSTS = """
Partner = env['res.partner']
company = Partner.create({'name': 'Acme Names', 'is_company': True})
contact = Partner.create({'name': 'Ann Names', 'parent_id': company.id,
                          'email': 'ann-names@good.example'})
reader = Partner.create({'name': 'Reader Names', 'email': 'reader-names@good.example'})
mailing = env['mailing.mailing'].create({
    'subject': 'Spring names', 'body_html': '<p>x</p>',
    'mailing_model_id': env.ref('base.model_res_partner').id})
result = {}
for record in (company, contact, mailing):
    message = record.with_context(mail_notify_force_send=False).message_post(
        body='<p>names</p>', subject='Names', partner_ids=reader.ids,
        message_type='comment', subtype_xmlid='mail.mt_comment')
    mail = env['mail.mail'].search([('mail_message_id', '=', message.id)])
    result[str(mail.id)] = message.record_name or False
"""


def test_record_names_as_odoo_shows_them(odoo: OdooInstance) -> None:
    db = odoo.new_database(f"names{odoo.version}")
    expected: dict[str, str] = odoo.orm(db, POSTS)
    assert set(expected.values()) == {"Acme Names", "Acme Names, Ann Names", "Spring names"}
    done = run_cli("--db", odoo.url(db), "mails", "--json", "--state", "all")
    assert done.returncode == 0, done.stderr
    listed = {str(m["id"]): m["record_name"] for m in json.loads(done.stdout)}
    assert {i: listed[i] for i in expected} == expected
    backend = open_backend(ConnectionSettings(db_url=odoo.url(db), read_only=True))
    try:
        for mail_id, name in expected.items():
            detail = backend.mail_detail(int(mail_id))
            assert detail is not None and detail.mail.record_name == name
    finally:
        backend.close()
