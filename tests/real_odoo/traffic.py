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
    odoo: OdooInstance, db: str, count: int, tag: str, domain: str = GOOD, uid: int = 1
) -> list[int]:
    """``count`` outgoing ``mail.mail`` rows as a module or a script creates them (as user
    ``uid``: a user's Send Now can send only the mails that user may read)."""
    ids: list[int] = odoo.orm(db, PLAIN_MAILS, uid=uid, count=count, tag=tag, domain=domain)
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
    odoo: OdooInstance,
    db: str,
    count: int,
    tag: str,
    partners: int = 2,
    domain: str = GOOD,
    uid: int = 1,
) -> list[int]:
    """``count`` chatter messages, each notifying ``partners`` partners by e-mail: the
    queued notification mails Odoo makes (``mail_notify_force_send`` off), by user ``uid``."""
    ids: list[int] = odoo.orm(
        db, NOTIFICATIONS, uid=uid, count=count, tag=tag, partners=partners, domain=domain
    )
    return ids


def odoo_reads(odoo: OdooInstance, db: str, code: str, **args: Any) -> Any:
    """Read-only ORM code (the agent still commits: keep it read-only)."""
    return odoo.orm(db, code, **args)


TRAFFIC = """
import base64
Partner = env['res.partner']
def partner(name, email):
    return Partner.create({'name': name, 'email': email})
people = {
    'alice': partner('Alice Good', 'alice@good.example'),
    'frank': partner('Frank Good', 'frank@good.example'),
    'bob': partner('Bob Refused', 'bob@refused.example'),
    'carol': partner('Carol Deferred', 'carol@deferred.example'),
    'dave': partner('Dave Invalid', 'dave-at-nowhere'),
    'eve': partner('Eve Missing', False),
}
document = Partner.create({'name': 'Customer Document'})
quiet = document.with_context(mail_notify_force_send=False)
def post(subject, names):
    message = quiet.message_post(body='<p>%s</p>' % subject, subject=subject,
                                 partner_ids=[people[n].id for n in names],
                                 message_type='comment', subtype_xmlid='mail.mt_comment')
    return message.id
messages = {
    'mixed': post('Invoice INV/1 (mixed)', ['alice', 'bob', 'frank']),
    'deferred': post('Invoice INV/2 (deferred)', ['carol']),
    'invalid': post('Invoice INV/3 (invalid)', ['dave']),
    'missing': post('Invoice INV/4 (missing)', ['eve']),
    'good': post('Invoice INV/5 (good)', ['alice', 'frank']),
}
Mail = env['mail.mail']
def plain(subject, to, **extra):
    values = {'subject': subject, 'email_from': 'admin@company.example', 'email_to': to,
              'body_html': '<p>%s</p>' % subject}
    values.update(extra)
    return Mail.create(values).id
mails = {
    'plain_good': plain('Plain to good', 'zoe@good.example'),
    'plain_refused': plain('Plain to refused', 'yan@refused.example'),
    'plain_deferred': plain('Plain to deferred', 'xia@deferred.example'),
    'closed_port': plain('Via the closed port', 'wim@good.example', mail_server_id=args['closed']),
}
# a campaign processed by Odoo's mass-mailing cron, its mails then sent by the queue
lst = env['mailing.list'].create({'name': 'Newsletter'})
env['mailing.contact'].create([
    {'name': 'Grace', 'email': 'grace@good.example', 'list_ids': [(4, lst.id)]},
    {'name': 'Heidi', 'email': 'heidi@refused.example', 'list_ids': [(4, lst.id)]},
])
list_model = env['ir.model']._get('mailing.list').id
def mailing(subject):
    return env['mailing.mailing'].create({
        'subject': subject, 'body_html': '<p>%s</p>' % subject,
        'mailing_model_id': list_model, 'contact_list_ids': [(6, 0, [lst.id])],
    })
first = mailing('Campaign one')
first.action_put_in_queue()
env['mailing.mailing']._process_mass_mailing_queue()
env.flush_all()
Mail.process_email_queue()
# what is left queued afterwards, for the actions
second, third = mailing('Campaign two'), mailing('Campaign three')
(second | third).action_put_in_queue()
attachment = env['ir.attachment'].create({
    'name': 'invoice.pdf', 'datas': base64.b64encode(b'%PDF-1.4 not really'),
    'res_model': 'res.partner', 'res_id': document.id, 'mimetype': 'application/pdf'})
outgoing = {
    'with_attachment': plain('With an attachment', 'ann@good.example',
                             attachment_ids=[(4, attachment.id)]),
    'queued_good': plain('Queued to good', 'bea@good.example'),
    'queued_later': plain('Queued for later', 'cid@good.example',
                          scheduled_date='2099-01-01 00:00:00'),
}
result = {
    'partners': {k: v.id for k, v in people.items()},
    'document': document.id,
    'messages': messages,
    'mails': mails,
    'outgoing': outgoing,
    'mailings': [first.id, second.id, third.id],
    'attachment': attachment.id,
    'store_fname': attachment.store_fname,
}
"""


def build_traffic(odoo: OdooInstance, db: str, port: int, closed_port: int) -> dict[str, Any]:
    """A database as a day of Odoo leaves it: chatter notifications to good, refused,
    deferred, invalid and missing addresses; plain mails; one through a server on a closed
    port; a campaign processed by the mass-mailing cron; all sent by Odoo's queue to the
    test SMTP server (which refuses *@refused.example with 550, defers *@deferred.example
    with 451); then two campaigns queued in the same second and three outgoing mails (one
    with a filestore attachment, one scheduled for later)."""
    servers = configure_servers(odoo, db, port, closed_port)
    built: dict[str, Any] = odoo.orm(db, TRAFFIC, closed=servers["closed"])
    built["servers"] = servers
    return built
