"""Resend to the failed recipients only, and fix the address first: the console on one
message, the chatter wizard's Send & close (``mail.resend.message``) on its twin.

Odoo made both messages the same way and its own sending failed them the same way (one
recipient refused at RCPT, the other delivered). The wizard renders the mail again and
sends it at once; the console queues a copy of the rendered mail, which Odoo's own
``send()`` then sends. The new mails, their recipients, the notifications and what the
SMTP server received must then be the same. Odoo 19 has no wizard (it went in 18.4): there
the console's rows are checked against what Odoo's sending does with them.
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
from tests.real_odoo.traffic import REFUSED, configure_servers

MESSAGES = """
Partner = env['res.partner']
gina = Partner.create({'name': 'Gina Good', 'email': 'gina@good.example'})
document = Partner.create({'name': 'Resend Document'})
quiet = document.with_context(mail_notify_force_send=False)
Mail = env['mail.mail']
result = {'gina': gina.id}
for kind in ('resend', 'fix', 'gone'):
    for twin in ('a', 'b'):
        email = {'resend': 'rex@refused.example', 'fix': 'fred.%s@refused.example' % twin,
                 'gone': 'not-an-address'}[kind]
        other = Partner.create({'name': 'Other %s %s' % (kind, twin), 'email': email})
        message = quiet.message_post(body='<p>%s</p>' % kind, subject='Resend %s' % kind,
                                     partner_ids=(gina | other).ids, message_type='comment',
                                     subtype_xmlid='mail.mt_comment')
        Mail.search([('mail_message_id', '=', message.id)]).send()
        result.setdefault(kind, []).append({'message': message.id, 'partner': other.id})
"""

WIZARD = """
wizard = env['mail.resend.message'].with_context(mail_message_to_resend=args['message']).create({})
if args.get('email'):
    wizard.partner_ids.write({'email': args['email']})
wizard.resend_mail_action()
"""


@pytest.fixture(scope="module")
def smtp(odoo: OdooInstance) -> Iterator[SmtpTestServer]:
    with SmtpTestServer(refuse_domains=[REFUSED]) as server:
        yield server


@pytest.fixture(scope="module")
def made(odoo: OdooInstance, smtp: SmtpTestServer) -> tuple[str, dict[str, Any]]:
    db = odoo.new_database(f"resend{odoo.version}")
    configure_servers(odoo, db, smtp.port)
    result: dict[str, Any] = odoo.orm(db, MESSAGES)
    return db, result


def console(odoo: OdooInstance, db: str, *args: str) -> tuple[int, dict[str, Any]]:
    done = run_cli("--db", odoo.url(db), *args, "--yes", "--json")
    assert done.returncode in (0, 1), done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, result


def mails_of(odoo: OdooInstance, db: str, message_id: int) -> list[dict[str, Any]]:
    return fetch(odoo, db, "SELECT * FROM mail_mail WHERE mail_message_id = %s ORDER BY id",
                 message_id)  # fmt: skip


def recipients(odoo: OdooInstance, db: str, mail_id: int) -> list[int]:
    rows = fetch(odoo, db, "SELECT res_partner_id FROM mail_mail_res_partner_rel "
                 "WHERE mail_mail_id = %s ORDER BY 1", mail_id)  # fmt: skip
    return [int(r["res_partner_id"]) for r in rows]


def received_by(smtp: SmtpTestServer, subject: str) -> list[str]:
    return sorted(
        rcpt for r in smtp.received if r.message["Subject"] == subject for rcpt in r.rcpt_tos
    )


def statuses(odoo: OdooInstance, db: str, message_id: int, gina: int) -> dict[str, Any]:
    """Gina's notification and the other recipient's, in comparable terms."""
    rows = notifications(odoo, db, message_id)
    other = next(r for p, r in rows.items() if p != gina)
    return {
        "gina": (rows[gina]["notification_status"], rows[gina]["mail_mail_id"] is not None),
        "other": (other["notification_status"], other["failure_type"], other["is_read"]),
    }


def resend_through_odoo_send(odoo: OdooInstance, db: str, result: dict[str, Any]) -> None:
    """Odoo's own sending of the mails the console queued (the wizard sends at once)."""
    new_mails = [int(m) for m in result["new_mails"]]
    assert new_mails, result
    odoo.orm(db, "env['mail.mail'].browse(args['ids']).send()", ids=new_mails)


MAIL_LINKS = frozenset({"mail_message_id", "references"})


def same_lang_mark(odoo: OdooInstance, mail: dict[str, Any]) -> dict[str, Any]:
    """16's wizard renders again without the language the first rendering put on the
    <html> tag; the console's copy keeps the first rendering's, as the recipients who got
    it read it. Only that attribute may differ."""
    if odoo.version != 16:
        return mail
    return {**mail, "body_html": mail["body_html"].replace('<html lang="en_US">', "<html>", 1)}


def test_resend_goes_to_the_failed_recipient_only(
    odoo: OdooInstance, made: tuple[str, dict[str, Any]], smtp: SmtpTestServer
) -> None:
    db, result = made
    gina = result["gina"]
    a, b = result["resend"]
    old_a = mails_of(odoo, db, a["message"])
    assert [m["state"] for m in old_a] == ["exception"]
    assert received_by(smtp, "Resend resend") == ["gina@good.example"] * 2
    failed_first = statuses(odoo, db, a["message"], gina)

    code, outcome = console(odoo, db, "resend", str(a["message"]))
    assert code == 0 and outcome["applied"] == [a["message"]], outcome
    (new_a,) = (int(m) for m in outcome["new_mails"])
    queued = one(odoo, db, "mail_mail", new_a)
    assert queued["state"] == "outgoing" and recipients(odoo, db, new_a) == [a["partner"]]
    assert queued["body_html"] == old_a[0]["body_html"]
    assert one(odoo, db, "mail_mail", old_a[0]["id"])["state"] == "exception"  # left as is
    resend_through_odoo_send(odoo, db, outcome)
    if odoo.version >= 19:  # no wizard: Odoo's sending must treat the rows as its own
        assert statuses(odoo, db, a["message"], gina) == failed_first  # refused again
        other = notifications(odoo, db, a["message"])[a["partner"]]
        assert other["mail_mail_id"] == new_a
    else:
        odoo.orm(db, WIZARD, message=b["message"])
        mails_a, mails_b = mails_of(odoo, db, a["message"]), mails_of(odoo, db, b["message"])
        assert len(mails_a) == len(mails_b) == 2
        for left, right in zip(mails_a, mails_b, strict=True):
            assert_twins(same_lang_mark(odoo, left), same_lang_mark(odoo, right), "mail",
                         ignore=MAIL_LINKS)  # fmt: skip
        assert recipients(odoo, db, mails_a[1]["id"]) == [a["partner"]]
        assert recipients(odoo, db, mails_b[1]["id"]) == [b["partner"]]
        assert statuses(odoo, db, a["message"], gina) == statuses(odoo, db, b["message"], gina)
    # Gina got her copy once per message, never again; the refused address was tried again.
    expected = ["gina@good.example"] * 2
    assert received_by(smtp, "Resend resend") == expected


def test_fix_address_then_resend(
    odoo: OdooInstance, made: tuple[str, dict[str, Any]], smtp: SmtpTestServer
) -> None:
    db, result = made
    a, b = result["fix"]
    done = run_cli("--db", odoo.url(db), "fix-address", str(a["partner"]), "fred.a@good.example",
                   "--resend", "--yes", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    both = json.loads(done.stdout)
    assert both["fix-address"]["applied"] == [a["partner"]]
    assert both["resend"]["applied"] == [a["message"]]
    resend_through_odoo_send(odoo, db, both["resend"])
    partner_a = one(odoo, db, "res_partner", a["partner"])
    assert (partner_a["email"], partner_a["email_normalized"]) == ("fred.a@good.example",) * 2
    assert received_by(smtp, "Resend fix") == ["fred.a@good.example", "gina@good.example",
                                               "gina@good.example"]  # fmt: skip
    assert statuses(odoo, db, a["message"], result["gina"])["other"][0] == "sent"
    if odoo.version >= 19:
        return
    odoo.orm(db, WIZARD, message=b["message"], email="fred.b@good.example")
    partner_b = one(odoo, db, "res_partner", b["partner"])
    assert_twins(partner_a, partner_b, "partner",
                 ignore=frozenset({"name", "email", "email_normalized", "complete_name",
                                   "commercial_partner_id",
                                   "display_name"}))  # fmt: skip
    log = ("SELECT * FROM mail_message WHERE model = 'res.partner' AND res_id = %s "
           "ORDER BY id")  # fmt: skip
    left, right = fetch(odoo, db, log, a["partner"]), fetch(odoo, db, log, b["partner"])
    assert len(left) == len(right) >= 1
    for mine, theirs in zip(left, right, strict=True):
        assert_twins(mine, theirs, "chatter line", ignore=frozenset({"res_id", "message_id"}))
    values = "SELECT * FROM mail_tracking_value WHERE mail_message_id = %s ORDER BY id"
    tracked_a = fetch(odoo, db, values, left[-1]["id"])
    tracked_b = fetch(odoo, db, values, right[-1]["id"])
    assert [(t["old_value_char"], t["new_value_char"]) for t in tracked_a] == [
        ("fred.a@refused.example", "fred.a@good.example")
    ]
    assert len(tracked_a) == len(tracked_b)
    for value_a, value_b in zip(tracked_a, tracked_b, strict=True):
        own = frozenset({"mail_message_id", "old_value_char", "new_value_char"})
        assert_twins(value_a, value_b, "tracking value", ignore=own)
    assert statuses(odoo, db, a["message"], result["gina"]) == statuses(
        odoo, db, b["message"], result["gina"]
    )
    assert received_by(smtp, "Resend fix") == sorted(
        ["fred.a@good.example", "fred.b@good.example"] + ["gina@good.example"] * 2
    )


def test_a_deleted_rendered_mail_is_said_not_improvised(
    odoo: OdooInstance, made: tuple[str, dict[str, Any]]
) -> None:
    db, result = made
    a, _ = result["gone"]
    assert mails_of(odoo, db, a["message"]) == []  # Odoo deleted it: only a bad address failed
    before = notifications(odoo, db, a["message"])
    code, outcome = console(odoo, db, "resend", str(a["message"]))
    assert code == 1 and outcome["applied"] == [] and outcome["new_mails"] == {}
    reason = outcome["skipped"][str(a["message"])]
    assert "Odoo deleted the mail it rendered" in reason
    assert ("no resend" in reason) == (odoo.version >= 19)
    assert notifications(odoo, db, a["message"]) == before
    assert mails_of(odoo, db, a["message"]) == []
