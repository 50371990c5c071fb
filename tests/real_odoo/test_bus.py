"""Live updates of Odoo's web client: the console's bus rows against Odoo's own (docs/odoo-bus.md).

Twins: two messages alike but for their author (and so their ids). The console acts on A,
Odoo's own code on B; the ``mail_notification`` rows and the new ``bus_bus`` rows must be
equal once A's ids are mapped to B's. A real LISTEN on the ``postgres`` database must hear
the console's NOTIFY imbus with the channels it wrote.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from testkit.net import free_port
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.traffic import DEFERRED, REFUSED, configure_servers

TWINS = """
Users = env['res.users'].with_context(no_reset_password=True)
groups = (env.ref('base.group_user') | env.ref('base.group_partner_manager')).ids
def user(login):
    values = {'name': 'Author %s' % login, 'login': login, 'email': '%s@good.example' % login}
    if 'group_ids' in Users._fields:
        values['group_ids'] = [(6, 0, groups)]
    else:
        values['groups_id'] = [(6, 0, groups)]
    return Users.create(values)
authors = [user(args['tag'] + '_a'), user(args['tag'] + '_b')]
reader = env['res.partner'].create({'name': 'Reader %s' % args['tag'],
                                    'email': 'reader-%s@%s' % (args['tag'], args['domain'])})
document = env['res.partner'].create({'name': 'Document %s' % args['tag']})
result = {'logins': [u.login for u in authors], 'partners': [u.partner_id.id for u in authors],
          'uids': [u.id for u in authors], 'messages': [], 'mails': [], 'reader': reader.id}
for author in (authors if args['by_authors'] else [env.user, env.user]):
    message = document.with_user(author).with_context(mail_notify_force_send=False).message_post(
        body='<p>Invoice INV/9</p>', subject='Invoice INV/9', partner_ids=reader.ids,
        message_type='comment', subtype_xmlid='mail.mt_comment')
    document.sudo().message_unsubscribe(partner_ids=[author.partner_id.id])  # B must not notify A
    result['messages'].append(message.id)
    result['dates'] = result.get('dates', []) + [odoo.fields.Datetime.to_string(message.date)]
    result['mails'] += env['mail.mail'].sudo().search([('mail_message_id', '=', message.id)]).ids
"""
NOTIFICATIONS = """
rows = env['mail.notification'].sudo().search([('mail_message_id', 'in', args['messages'])])
result = {m: [[n.id, n.res_partner_id.id, n.notification_type, n.notification_status,
               n.failure_type or None, n.failure_reason or None]
              for n in rows.filtered(lambda n: n.mail_message_id.id == m).sorted('id')]
          for m in args['messages']}
"""
BUS = """
rows = env['bus.bus'].sudo().search([('id', '>', args['after'])], order='id')
result = [[r.channel, r.message, r.create_uid.id] for r in rows]
"""
LAST_BUS = "result = max(env['bus.bus'].sudo().search([]).ids or [0])"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer(refuse_domains=[REFUSED], defer_domains=[DEFERRED]) as server:
        yield server


CLOSED: dict[int, int] = {}  # Odoo version -> the id of the server on a closed port


@pytest.fixture(scope="module")
def db(odoo: OdooInstance, smtp: SmtpTestServer) -> str:
    name = odoo.new_database(f"bus{odoo.version}")
    CLOSED[odoo.version] = configure_servers(odoo, name, smtp.port, free_port())["closed"]
    return name


def twins(odoo: OdooInstance, db: str, tag: str, domain: str, by_authors: bool) -> Any:
    return odoo.orm(db, TWINS, tag=tag, domain=domain, by_authors=by_authors)


def bus_rows(odoo: OdooInstance, db: str, after: int) -> list[tuple[Any, Any, int]]:
    rows = odoo.orm(db, BUS, after=after)
    return [(json.loads(c), json.loads(m), uid) for c, m, uid in rows]


def swap(value: Any, mapping: dict[int, int]) -> Any:
    return (
        [mapping.get(v, v) for v in value] if isinstance(value, list) else mapping.get(value, value)
    )


def normalised(version: int, message: dict[str, Any], ids: dict[str, dict[int, int]]) -> Any:
    """A's message, notification and author ids and date as B's (the twins differ there)."""
    msg, notif, partner, date = ids["message"], ids["notification"], ids["partner"], ids["date"]
    payload = message["payload"]
    if version <= 17:
        for element in payload["elements"]:
            element["id"] = swap(element["id"], msg)
            element["date"] = date.get(element["date"], element["date"])
            if element.get("author"):
                element["author"]["id"] = swap(element["author"]["id"], partner)
            for n in element["notifications"]:
                n["id"] = swap(n["id"], notif)
        return message
    for m in payload["mail.message"]:
        m["id"] = swap(m["id"], msg)
        m["date"] = date.get(m["date"], m["date"])
        key = "notifications" if version == 18 else "notification_ids"
        m[key] = swap(m[key], notif)
        if version == 18 and m["author"]:
            m["author"]["id"] = swap(m["author"]["id"], partner)
        if version >= 19:
            m["author_id"] = swap(m["author_id"], partner)
    for n in payload["mail.notification"]:
        n["id"] = swap(n["id"], notif)
        key = "message" if version == 18 else "mail_message_id"
        n[key] = swap(n[key], msg)
    return message


def mapping(made: Any, notes: Any, *, authors: bool) -> dict[str, Any]:
    """A's ids (and date) -> B's: the message, its notifications, its author."""
    msg_a, msg_b = made["messages"]
    pairs = zip(notes[str(msg_a)], notes[str(msg_b)], strict=True)
    return {
        "message": {msg_a: msg_b},
        "notification": {x[0]: y[0] for x, y in pairs},
        "partner": {made["partners"][0]: made["partners"][1]} if authors else {},
        "date": {made["dates"][0]: made["dates"][1]},
    }


def test_ignore_all_writes_odoos_bus_rows_and_notifies(odoo: OdooInstance, db: str) -> None:
    """Console's Ignore all on A (acting as A's author) vs Odoo's own path on B as B's
    author: the resend wizard's cancel_mail_action (16-18), the discard (19)."""
    made = twins(odoo, db, "ign", DEFERRED, by_authors=True)
    msg_a, msg_b = made["messages"]
    odoo.orm(db, "env['mail.mail'].sudo().browse(args['ids']).send()", ids=made["mails"])
    notes = odoo.orm(db, NOTIFICATIONS, messages=made["messages"])
    assert [n[3] for n in notes[str(msg_a)]] == ["exception"] == [n[3] for n in notes[str(msg_b)]]
    ids = mapping(made, notes, authors=True)

    after = odoo.orm(db, LAST_BUS)
    with odoo.cluster.connect("postgres") as listener:
        listener.execute("LISTEN imbus")
        done = run_cli(
            "--db", odoo.url(db), "ignore", str(made["mails"][0]), "--yes",
            "--odoo-user", made["logins"][0], "--json",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        heard = [n.payload for n in listener.notifies(timeout=10, stop_after=1)]
    console = bus_rows(odoo, db, after)
    assert console, "the console wrote no bus row"
    assert heard == [json.dumps([c for c, _, _ in console], separators=(",", ":"))]
    assert {uid for _, _, uid in console} == {made["uids"][0]}  # create_uid: the acting user

    after = odoo.orm(db, LAST_BUS)
    if odoo.version <= 18:
        code = (
            "env['mail.resend.message'].with_context(mail_message_to_resend=args['m'])"
            ".create({}).cancel_mail_action()"
        )
    else:
        code = "env['res.partner'].notify_cancel_by_type('email')"
    odoo.orm(db, code, uid=made["uids"][1], m=msg_b)
    theirs = bus_rows(odoo, db, after)

    now = odoo.orm(db, NOTIFICATIONS, messages=made["messages"])
    assert [n[1:] for n in now[str(msg_a)]] == [n[1:] for n in now[str(msg_b)]]
    assert now[str(msg_a)][0][3] == "canceled"
    partner_map = ids["partner"]
    assert [[c[0], c[1], swap(c[2], partner_map)] for c, _, _ in console] == [
        c for c, _, _ in theirs
    ]
    mine = [normalised(odoo.version, m, ids) for _, m, _ in console]
    assert mine == [normalised(odoo.version, m, ids) for _, m, _ in theirs]


@pytest.mark.parametrize("failure", ["refused", "connection"])
def test_failed_send_now_writes_odoos_bus_rows(odoo: OdooInstance, db: str, failure: str) -> None:
    """A notification mail to a refused address, or through a server on a closed port
    (send() post-processes the batch as mail_smtp): the console's Send now on A, Odoo's
    send() on B (same author, the superuser acting for both)."""
    console, theirs = send_twins(odoo, db, failure)
    assert [c for c, _, _ in console] == [c for c, _, _ in theirs]
    assert [m for _, m, _ in console] == [m for _, m, _ in theirs]


FRENCH = """
env['res.lang']._activate_lang('fr_FR')
env['ir.model']._get('res.partner').update_field_translations('name', {'fr_FR': args['name']})
env.user.partner_id.lang = args['lang']
"""


def test_model_name_is_in_the_acting_users_language(odoo: OdooInstance, db: str) -> None:
    """``ir.model._get(model).display_name`` in the acting user's language: the superuser's
    partner speaks French; Odoo runs in that language, as its cron and web client do."""
    odoo.orm(db, FRENCH, name="Fiche contact", lang="fr_FR")
    try:
        console, theirs = send_twins(odoo, db, "refused", lang="fr_FR")
    finally:
        odoo.orm(db, FRENCH, name="Fiche contact", lang="en_US")
    assert [m for _, m, _ in console] == [m for _, m, _ in theirs]
    assert "Fiche contact" in json.dumps(console[0][1])


def send_twins(
    odoo: OdooInstance, db: str, failure: str, lang: str | None = None
) -> tuple[list[Any], list[Any]]:
    """The bus rows of the console's failed Send now of A and of Odoo's send() of B,
    A's ids and date mapped to B's; the notifications of both checked equal."""
    made = twins(odoo, db, f"snd{failure}{lang or ''}", REFUSED, by_authors=False)
    if failure == "connection":
        odoo.orm(
            db,
            "env['mail.mail'].browse(args['ids']).write({'mail_server_id': args['server']})",
            ids=made["mails"],
            server=CLOSED[odoo.version],
        )
    msg_a, msg_b = made["messages"]
    before = odoo.orm(db, NOTIFICATIONS, messages=made["messages"])
    after = odoo.orm(db, LAST_BUS)
    done = run_cli("--db", odoo.url(db), "send", str(made["mails"][0]), "--yes", "--json")
    assert done.returncode == 1, done.stderr  # a mail failed: exit 1
    assert json.loads(done.stdout)["failed"], done.stdout
    console = bus_rows(odoo, db, after)
    after = odoo.orm(db, LAST_BUS)
    send = (
        "env(context=dict(env.context, lang=args['lang']))['mail.mail'].browse(args['ids']).send()"
    )
    odoo.orm(db, send, ids=made["mails"][1:], lang=lang)
    theirs = bus_rows(odoo, db, after)

    now = odoo.orm(db, NOTIFICATIONS, messages=made["messages"])
    assert now[str(msg_a)][0][3] == "exception"
    if failure == "connection":
        assert now[str(msg_a)][0][4] == "mail_smtp"
    assert [n[1:] for n in now[str(msg_a)]] == [n[1:] for n in now[str(msg_b)]]
    ids = mapping(made, before, authors=False)
    assert console, "the console wrote no bus row"
    assert theirs, "Odoo wrote no bus row: the twin does not exercise the failure path"
    return (
        [(c, normalised(odoo.version, m, ids), uid) for c, m, uid in console],
        [(c, normalised(odoo.version, m, ids), uid) for c, m, uid in theirs],
    )
