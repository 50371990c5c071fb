"""Twin mails: the same content queued twice by Odoo's ORM, one sent by Odoo, one by the
console, and what the SMTP server received from each, compared header by header and part
by part.

Only what must differ between two sends is set aside: Message-Id, Date and the MIME
boundaries, and in References the message id Odoo generated for each twin's own chatter
message (each twin is posted on its own document, alike but for its id).
"""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from typing import Any, NamedTuple

from testkit.smtp_server import Received, SmtpTestServer
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance

NOTIFY_TWINS = """
Partner = env['res.partner']
readers = Partner.browse()
for name in args['readers']:
    email = '%s@%s' % (name.split()[0].lower() + args['tag'], args['domain'])
    readers |= Partner.search([('email', '=', email)], limit=1) or Partner.create(
        {'name': name, 'email': email})
twins, records = [], []
for _twin in range(2):  # one document each: a thread's second post references the first
    record = Partner.create({'name': 'Document %s' % args['tag'], 'email': 'doc-%s@%s' % (
        args['tag'], args['domain'])})
    records.append(record.id)
    message = record.with_context(mail_notify_force_send=False).message_post(
        body=args['body'], subject=args['subject'], partner_ids=readers.ids,
        message_type='comment', subtype_xmlid='mail.mt_comment')
    twins.append(env['mail.mail'].search([('mail_message_id', '=', message.id)]).ids)
result = {'twins': twins, 'records': records, 'readers': readers.ids}
"""

PLAIN_TWINS = """
values = dict(args['values'])
result = {'twins': [env['mail.mail'].create(values).ids for _twin in range(2)]}
"""

ODOO_SEND = "env['mail.mail'].browse(args['ids']).send()"


class Twins(NamedTuple):
    odoo: list[int]  # the mails Odoo sends
    console: list[int]  # the mails the console sends
    records: tuple[int, int] = (0, 0)  # the document each twin was posted on


def notification_twins(
    odoo: OdooInstance,
    db: str,
    tag: str,
    readers: list[str],
    body: str,
    subject: str,
    domain: str = "good.example",
) -> Twins:
    """Two chatter messages posted alike on two alike documents, notifying ``readers``
    (names of partners made for them) by e-mail."""
    done: dict[str, Any] = odoo.orm(
        db, NOTIFY_TWINS, tag=tag, readers=readers, body=body, subject=subject, domain=domain
    )
    first, second = done["twins"]
    return Twins(list(first), list(second), tuple(done["records"]))


def plain_twins(odoo: OdooInstance, db: str, values: dict[str, Any]) -> Twins:
    """Two ``mail.mail`` created from the same values (as a module or a script does)."""
    done: dict[str, Any] = odoo.orm(db, PLAIN_TWINS, values=values)
    first, second = done["twins"]
    return Twins(list(first), list(second))


def odoo_send(odoo: OdooInstance, db: str, ids: list[int]) -> None:
    odoo.orm(db, ODOO_SEND, ids=ids)


def console_send(odoo: OdooInstance, db: str, ids: list[int]) -> dict[str, Any]:
    done = run_cli("--db", odoo.url(db), "send", *map(str, ids), "--yes", "--json", timeout=300)
    assert done.returncode == 0, (done.stdout, done.stderr)
    report: dict[str, Any] = json.loads(done.stdout)
    assert sorted(int(i) for i in report["applied"]) == sorted(ids), report
    return report


def received_since(smtp: SmtpTestServer, start: int) -> list[Received]:
    with smtp._lock:
        return list(smtp.received[start:])


def sent_by_odoo_and_console(
    odoo: OdooInstance, db: str, smtp: SmtpTestServer, twins: Twins
) -> tuple[list[Received], list[Received]]:
    """Odoo's ``send()`` on the first twin, the console's Send now on the second: what the
    SMTP server received from each, in the order sent."""
    start = len(smtp.received)
    odoo_send(odoo, db, twins.odoo)
    middle = len(smtp.received)
    console_send(odoo, db, twins.console)
    return received_since(smtp, start)[: middle - start], received_since(smtp, middle)


_BOUNDARY = re.compile(r'boundary="([^"]+)"')
_ANGLE_IDS = re.compile(r"<[^<>@\s]+@[^<>\s]+>")


def _boundaries(data: bytes) -> list[str]:
    return _BOUNDARY.findall(data.decode("utf-8", "replace"))


def comparable(received: Received, record: int = 0) -> dict[str, Any]:
    """One received message with what must differ between twins set aside (``record``:
    the twin's document, named by its id in X-Odoo-Objects)."""
    message: EmailMessage = received.message
    headers: list[tuple[str, str]] = []
    for name, value in message.items():
        lowered = name.lower()
        if lowered in ("message-id", "date"):
            value = "<differs>"
        elif lowered == "references":
            value = _ANGLE_IDS.sub("<id>", str(value))
        elif lowered == "x-odoo-objects" and record:
            value = re.sub(rf"-{record}\b", "-<record>", str(value))
        headers.append((name, _BOUNDARY.sub('boundary="<b>"', str(value))))
    parts = []
    for part in message.walk():
        part_headers = [
            (k, _BOUNDARY.sub('boundary="<b>"', str(v)))
            for k, v in part.items()
            if part is not message
        ]
        payload = None if part.is_multipart() else part.get_payload(decode=True)
        parts.append((part.get_content_type(), part_headers, payload))
    raw = received.data.decode("utf-8", "replace")
    for boundary in _boundaries(received.data):
        raw = raw.replace(boundary, "<b>")
    return {
        "mail_from": received.mail_from,
        "rcpt_tos": sorted(received.rcpt_tos),
        "headers": headers,
        "parts": parts,
        # the whole message as sent, headers folded and bodies encoded, boundaries aside
        "body_bytes": raw.split("\r\n\r\n", 1)[1],
    }


def raw_header(received: Received, name: str) -> str | None:
    """A header as transmitted (unfolded, not decoded)."""
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    unfolded = re.sub(r"\r\n[ \t]+", " ", head)
    for line in unfolded.split("\r\n"):
        key, _, value = line.partition(":")
        if key.lower() == name.lower():
            return value.strip()
    return None
