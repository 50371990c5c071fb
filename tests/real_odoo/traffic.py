"""Mail traffic made by Odoo itself, through its ORM (the code runs inside Odoo).

Nothing here writes Odoo's tables directly: partners, chatter messages, mails, campaigns
and servers are created with Odoo's own models and methods, so the rows are what Odoo
writes for the version under test.
"""

from __future__ import annotations

from typing import Any

from tests.real_odoo.odoo_instance import OdooInstance

GOOD = "good.example"  # the test SMTP server accepts these
REFUSED = "refused.example"  # 550 at RCPT
DEFERRED = "deferred.example"  # 451 at RCPT

SERVERS = """
Server = env['ir.mail_server']
Server.search([]).write({'active': False})
main = Server.create({'name': 'Loopback', 'smtp_host': '127.0.0.1', 'smtp_port': args['port'],
                      'smtp_encryption': 'none', 'sequence': 1})
result = {'main': main.id}
if args.get('closed_port'):
    closed = Server.create({'name': 'Closed port', 'smtp_host': '127.0.0.1',
                            'smtp_port': args['closed_port'], 'smtp_encryption': 'none',
                            'sequence': 50})
    result['closed'] = closed.id
env['ir.config_parameter'].set_param('mail.catchall.domain', 'company.example')
env['ir.config_parameter'].set_param('mail.default.from', 'notifications')
env['ir.config_parameter'].set_param('mail.bounce.alias', 'bounce')
env.company.email = 'info@company.example'
env.user.partner_id.email = 'admin@company.example'
if 'mail.alias.domain' in env:
    domain = env['mail.alias.domain'].search([('name', '=', 'company.example')], limit=1)
    if not domain:
        domain = env['mail.alias.domain'].create({'name': 'company.example'})
    env.company.alias_domain_id = domain
"""


def configure_servers(
    odoo: OdooInstance, db: str, port: int, closed_port: int | None = None
) -> dict[str, int]:
    """One outgoing server on the test SMTP server (and one on a closed port); the
    catchall, bounce and default From of a configured company."""
    result: dict[str, int] = odoo.orm(db, SERVERS, port=port, closed_port=closed_port)
    return result


PLAIN_MAILS = """
vals = [{'subject': '%s %d' % (args['tag'], i), 'email_from': 'admin@company.example',
         'email_to': 'to%d@%s' % (i, args['domain']), 'body_html': '<p>mail %d</p>' % i}
        for i in range(args['count'])]
result = env['mail.mail'].create(vals).ids
"""


def queue_plain_mails(
    odoo: OdooInstance, db: str, count: int, tag: str, domain: str = GOOD
) -> list[int]:
    """``count`` outgoing ``mail.mail`` rows as a module or a script creates them."""
    ids: list[int] = odoo.orm(db, PLAIN_MAILS, count=count, tag=tag, domain=domain)
    return ids


NOTIFICATIONS = """
Partner = env['res.partner']
partners = Partner.create([{'name': 'Reader %s %d' % (args['tag'], i),
                            'email': 'reader%d-%s@%s' % (i, args['tag'], args['domain'])}
                           for i in range(args['partners'])])
record = Partner.create({'name': 'Document %s' % args['tag']})
ids = []
for i in range(args['count']):
    message = record.with_context(mail_notify_force_send=False).message_post(
        body='<p>note %d</p>' % i, subject='%s %d' % (args['tag'], i),
        partner_ids=partners.ids, message_type='comment', subtype_xmlid='mail.mt_comment')
    ids += env['mail.mail'].search([('mail_message_id', '=', message.id)]).ids
result = ids
"""


def queue_notifications(
    odoo: OdooInstance, db: str, count: int, tag: str, partners: int = 2, domain: str = GOOD
) -> list[int]:
    """``count`` chatter messages, each notifying ``partners`` partners by e-mail: the
    queued notification mails Odoo makes (``mail_notify_force_send`` off)."""
    ids: list[int] = odoo.orm(
        db, NOTIFICATIONS, count=count, tag=tag, partners=partners, domain=domain
    )
    return ids


def odoo_reads(odoo: OdooInstance, db: str, code: str, **args: Any) -> Any:
    """Read-only ORM code (the agent still commits: keep it read-only)."""
    return odoo.orm(db, code, **args)
