"""What the console's Send now transmits equals what Odoo's own ``send()`` transmits.

Twin mails (tests/real_odoo/twins.py) are queued by Odoo's ORM; Odoo sends one, the
console the other, through the same SMTP server; the two messages must be the same header
by header and part by part (Message-Id, Date, MIME boundaries and the twin's own message
ids in References aside). The notification is Odoo's own layout, rendered by
``message_post`` for partners that are customers, so on 19 it carries ``X-Msg-To-Add``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testkit.smtp_server import Received, SmtpTestServer
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.traffic import GOOD, configure_servers
from tests.real_odoo.twins import (
    Twins,
    comparable,
    notification_twins,
    plain_twins,
    raw_header,
    sent_by_odoo_and_console,
)

BODY = (
    "<p>Hello <b>everyone</b>,</p><p>the <a href='https://shop.example/order/42?x=1&amp;y=2'>"
    "order</a> is ready &amp; paid.<br>See the picture <img src='https://cdn.example/i/"
    "photo.jpg'>.</p><ul><li>first</li><li>second<ul><li>nested</li></ul></li></ul>"
    "<table><tr><td>Total</td><td>42 &euro;</td></tr></table>"
)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:
        yield server


@pytest.fixture(scope="module")
def fidelity_db(odoo: OdooInstance, smtp: SmtpTestServer) -> str:
    db = odoo.new_database(f"fidelity{odoo.version}")
    configure_servers(odoo, db, smtp.port)
    return db


def _assert_same(odoo_sent: list[Received], console_sent: list[Received], twins: Twins) -> None:
    assert odoo_sent, "Odoo sent nothing"
    assert len(console_sent) == len(odoo_sent)
    by_rcpt = {tuple(sorted(r.rcpt_tos)): comparable(r, twins.records[0]) for r in odoo_sent}
    for received in console_sent:
        ours = comparable(received, twins.records[1])
        theirs = by_rcpt[tuple(sorted(received.rcpt_tos))]
        for key in ("mail_from", "rcpt_tos", "headers"):
            assert ours[key] == theirs[key], key
        for ours_part, theirs_part in zip(ours["parts"], theirs["parts"], strict=True):
            assert ours_part[:2] == theirs_part[:2]
            if ours_part[2] is not None and theirs_part[2] is not None:  # a clear diff
                assert ours_part[2].decode() == theirs_part[2].decode()
            assert ours_part == theirs_part
        assert ours["body_bytes"] == theirs["body_bytes"]


def test_notification_to_customers(
    odoo: OdooInstance, fidelity_db: str, smtp: SmtpTestServer
) -> None:
    tag = f"n{odoo.version}"
    twins = notification_twins(
        odoo, fidelity_db, tag, ["Alice Good", "Frank Good"], BODY, f"Order {tag}"
    )
    odoo_sent, console_sent = sent_by_odoo_and_console(odoo, fidelity_db, smtp, twins)
    assert len(odoo_sent) == 2  # one message per partner
    _assert_same(odoo_sent, console_sent, twins)
    alice = next(r for r in console_sent if r.rcpt_tos[0].startswith("alice"))
    to = raw_header(alice, "To")
    if odoo.version >= 19:
        # X-Msg-To-Add: the other customer notified is shown, not sent to
        assert to == f'"Alice Good" <alice{tag}@{GOOD}>, "Frank Good" <frank{tag}@{GOOD}>'
        assert alice.rcpt_tos == (f"alice{tag}@{GOOD}",)
    else:
        assert to == f'"Alice Good" <alice{tag}@{GOOD}>'
    assert "X-Msg-To-Add" not in alice.message


def test_plain_mail(odoo: OdooInstance, fidelity_db: str, smtp: SmtpTestServer) -> None:
    values = {
        "subject": f"Plain {odoo.version} été",
        "email_from": '"Admin" <admin@company.example>',
        "email_to": f'"Bob Plain" <bob@{GOOD}>, carol@{GOOD}',
        "email_cc": f"dave@{GOOD}",
        "reply_to": "replies@company.example",
        "body_html": BODY,
        "headers": repr({"X-Custom": "kept", "X-Msg-To-Add": f"erin@{GOOD}"}),
    }
    twins = plain_twins(odoo, fidelity_db, values)
    odoo_sent, console_sent = sent_by_odoo_and_console(odoo, fidelity_db, smtp, twins)
    _assert_same(odoo_sent, console_sent, twins)
