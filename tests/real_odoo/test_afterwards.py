"""After the console acts, Odoo agrees: its own queue sends what the console retried, and
the chatter's red envelope and the systray's failures go when the console ignores them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.traffic import DEFERRED, REFUSED, configure_servers

FAILED_POST = """
partner = env['res.partner'].create({'name': args['who'], 'email': args['email']})
document = env['res.partner'].create({'name': args['document']})
message = document.with_context(mail_notify_force_send=False).message_post(
    body='<p>%s</p>' % args['document'], subject=args['document'], partner_ids=partner.ids,
    message_type='comment', subtype_xmlid='mail.mt_comment')
mail = env['mail.mail'].search([('mail_message_id', '=', message.id)])
mail.send()
result = {'document': document.id, 'message': message.id, 'mail': mail.id}
"""

# What Odoo's systray lists as failures (the same domain in 16-19) and the chatter's mark.
ODOO_SEES = """
domain = [('author_id', '=', env.user.partner_id.id),
          ('notification_status', 'in', ('bounce', 'exception')),
          ('mail_message_id.message_type', '!=', 'user_notification'),
          ('mail_message_id.model', '!=', False), ('mail_message_id.res_id', '!=', 0)]
failures = env['mail.notification'].search(domain).mail_message_id
document = env['res.partner'].browse(args['document'])
document.invalidate_recordset()
result = {'has_error': document.message_has_error, 'systray': failures.ids}
"""


@pytest.fixture(scope="module")
def smtp(odoo: OdooInstance) -> Iterator[SmtpTestServer]:
    with SmtpTestServer(refuse_domains=[REFUSED], defer_domains=[DEFERRED]) as server:
        yield server


@pytest.fixture(scope="module")
def db(odoo: OdooInstance, smtp: SmtpTestServer) -> str:
    name = odoo.new_database(f"afterwards{odoo.version}")
    configure_servers(odoo, name, smtp.port)
    return name


def console(odoo: OdooInstance, db: str, *args: str) -> dict[str, Any]:
    done = run_cli("--db", odoo.url(db), *args, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_odoos_queue_sends_what_the_console_retried(
    odoo: OdooInstance, db: str, smtp: SmtpTestServer
) -> None:
    post = odoo.orm(db, FAILED_POST, who="Greylisted", email="gl@deferred.example",
                    document="Retried document")  # fmt: skip
    assert odoo.orm(db, "result = env['mail.mail'].browse(args['id']).state", id=post["mail"]) == (
        "exception"
    )
    console(odoo, db, "retry", str(post["mail"]))
    smtp.defer_domains.discard(DEFERRED)  # the greylisting is over
    try:
        odoo.orm(db, "env['mail.mail'].process_email_queue()")
    finally:
        smtp.defer_domains.add(DEFERRED)
    state = odoo.orm(
        db, "m = env['mail.mail'].browse(args['id']).exists(); result = m.state if m else 'gone'",
        id=post["mail"],
    )  # fmt: skip
    assert state in ("sent", "gone")  # gone: Odoo's auto_delete after success
    assert [m["To"] for m in smtp.messages() if m["Subject"] == "Retried document"] == [
        "Greylisted <gl@deferred.example>"
    ]
    seen = odoo.orm(db, ODOO_SEES, document=post["document"])
    assert not seen["has_error"] and post["message"] not in seen["systray"]


def test_the_red_envelope_goes_when_the_console_ignores_it(odoo: OdooInstance, db: str) -> None:
    post = odoo.orm(db, FAILED_POST, who="Refused", email="no@refused.example",
                    document="Ignored document")  # fmt: skip
    before = odoo.orm(db, ODOO_SEES, document=post["document"])
    assert before["has_error"] and post["message"] in before["systray"]
    result = console(odoo, db, "ignore", str(post["mail"]))
    assert result["applied"] == [post["mail"]]
    after = odoo.orm(db, ODOO_SEES, document=post["document"])
    assert not after["has_error"] and post["message"] not in after["systray"]
    assert set(after["systray"]) == set(before["systray"]) - {post["message"]}


CUT_OFF = """
ids = env['mail.mail'].create([
    {'subject': 'Cut off %d' % i, 'email_from': 'admin@company.example',
     'email_to': 'cut%d@good.example' % i, 'body_html': '<p>cut %d</p>' % i}
    for i in range(4)]).ids
env.cr.commit()
if odoo.release.version_info[0] >= 19:
    env['mail.mail'].process_email_queue(email_ids=ids)
else:
    env['mail.mail'].process_email_queue(ids=ids)
Mail = env['mail.mail'].browse(ids).exists()
result = {m.id: [m.state, m.failure_type or None, m.failure_reason or ''] for m in Mail}
"""


def test_a_session_closed_mid_batch_is_said_to_be_retryable(odoo: OdooInstance, db: str) -> None:
    """A 421 that ends the SMTP session leaves the next mail with Odoo's placeholder: the
    console must not call it a permanent recipient problem (a retry works)."""
    from testkit.smtp_server import Fault

    with SmtpTestServer(faults=[Fault("MAIL", "close421", after=1, times=1)]) as closing:
        configure_servers(odoo, db, closing.port)
        states = odoo.orm(db, CUT_OFF)
    placeholder = {
        int(i) for i, (state, _, reason) in states.items()
        if state == "exception" and "Error without exception" in reason
    }  # fmt: skip
    assert placeholder, states  # Odoo left its pre-send text on the mail after the 421
    causes = json.loads(run_cli("--db", odoo.url(db), "causes", "--json").stdout)
    cut = next(c for c in causes if c["family"] == "send_cut_off")
    assert cut["class"] == "transient" and "retry" in cut["fix"], cut
    assert "cut off" in cut["explanation"]
