"""Odoo's incoming routing on real databases: the 16 layout (ICPs, alias_name only) and the
17+ layout (alias domains, alias_full_name, alias_incoming_local), with aliases,
catchall, bounce, replies by Message-Id, alias_contact and unknown addresses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from console.domain.inbound import ACCEPTED, BOUNCE_REPORT, BOUNCED, DEPENDS, REJECTED
from console.odoo.inbound_routing import message_ids
from tests.helpers.cli import run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import add_mail

CLAIRE = "claire.dubois@acme-shop.example"  # partner 5 in the generated databases
STRANGER = "someone@unknown.example"


def model_id(db: Db, model: str) -> int:
    return int(db.sql("SELECT id FROM ir_model WHERE model = :m", m=model)[0][0])


def add_alias(db: Db, name: str, model: str, **values: Any) -> int:
    row: dict[str, Any] = {
        "alias_name": name,
        "alias_model_id": model_id(db, model),
        "alias_defaults": "{}",
        "alias_contact": values.pop("contact", "everyone"),
        "create_uid": 1,
        "write_uid": 1,
    }
    if db.version >= 17:
        domain_id = values.pop("domain_id", 1)
        domain = db.sql("SELECT name FROM mail_alias_domain WHERE id = :d", d=domain_id)[0][0]
        row.update(
            alias_domain_id=domain_id,
            alias_full_name=f"{name}@{domain}",
            alias_incoming_local=values.pop("incoming_local", False),
        )
    row.update(values)
    return db.insert("mail_alias", **row)


def documents(db: Db) -> None:
    """Real tables for the documents the mails point at (the generator has none)."""
    for table, ids in (("crm_lead", (7, 21)), ("sale_order", (40,)), ("res_partner", ())):
        if table != "res_partner":
            db.sql(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR)")
            for record_id in ids:
                db.sql(f"INSERT INTO {table} (id, name) VALUES (:i, 'x')", i=record_id)
    db.sql(
        "CREATE TABLE mail_followers (id INTEGER PRIMARY KEY, res_model VARCHAR NOT NULL, "
        "res_id INTEGER, partner_id INTEGER)"
    )
    db.sql(
        "INSERT INTO mail_followers (id, res_model, res_id, partner_id) "
        "VALUES (1, 'res.partner', 1, 5)"
    )


def reply_to(db: Db, model: str, res_id: int) -> str:
    mail_id = add_mail(db, email_to="x@example.org", model=model, res_id=res_id).id
    return str(
        db.sql(
            "SELECT msg.message_id FROM mail_mail m JOIN mail_message msg "
            "ON msg.id = m.mail_message_id WHERE m.id = :id",
            id=mail_id,
        )[0][0]
    )


@pytest.fixture(params=["sqlite-17", "sqlite-18", "sqlite-19", "pg-17"])
def db17(request: pytest.FixtureRequest, make_db: MakeDb) -> Db:
    kind, version = request.param.split("-")
    db = make_db(kind, int(version))
    db.insert(
        "mail_alias_domain",
        id=2,
        name="acme-eu.example",
        sequence=20,
        bounce_alias="bounces",
        catchall_alias="contact",
        default_from="notifications",
        create_uid=1,
        write_uid=1,
    )
    documents(db)
    add_alias(db, "jobs", "crm.lead", domain_id=2, incoming_local=True)
    add_alias(db, "vip", "crm.lead", contact="partners")
    add_alias(
        db,
        "board",
        "crm.lead",
        contact="followers",
        alias_parent_model_id=model_id(db, "res.partner"),
        alias_parent_thread_id=1,
    )
    add_alias(db, "broken", "crm.lead", contact="followers")
    add_alias(db, "ticket-7", "crm.lead", alias_force_thread_id=7)
    add_alias(db, "ticket-8", "crm.lead", alias_force_thread_id=8)
    add_alias(db, "orders", "sale.order", contact="partners")
    return db


def check(db: Db, address: str, **kwargs: Any) -> Any:
    return db.backend().inbound_check(address, **kwargs)


def test_17_aliases_domains_and_local_parts(db17: Db) -> None:
    verdict = check(db17, "Sales@Acme-Shop.EXAMPLE")
    assert verdict.outcome == ACCEPTED and verdict.accepted is True
    assert [(r.model, r.res_id) for r in verdict.routes] == [("crm.lead", None)]
    assert "a new crm.lead" in verdict.line()
    # the full address counts: the same local part on another alias domain is no alias
    assert check(db17, "sales@acme-eu.example").outcome == REJECTED
    # alias_incoming_local: the local part alone, on any domain
    assert check(db17, "jobs@anything.example").outcome == ACCEPTED
    db17.insert(
        "ir_config_parameter",
        key="mail.catchall.domain.allowed",
        value="acme-shop.example",
        create_uid=1,
        write_uid=1,
    )
    assert check(db17, "jobs@anything.example").outcome == REJECTED
    assert check(db17, "jobs@acme-eu.example").outcome == ACCEPTED  # alias domains allowed
    assert check(db17, "ticket-7@acme-shop.example").routes[0].res_id == 7
    missing = check(db17, "ticket-8@acme-shop.example")
    assert missing.outcome == ACCEPTED and missing.routes[0].res_id is None
    assert any("no longer exists" in step for step in missing.steps)


def test_17_bounce_catchall_and_unknown(db17: Db) -> None:
    for address in ("bounce@acme-shop.example", "BOUNCES@acme-eu.example"):
        verdict = check(db17, address)
        assert verdict.outcome == BOUNCE_REPORT and verdict.accepted is False
    assert check(db17, "bounce@acme-eu.example").outcome == REJECTED  # not that domain's
    for address in ("catchall@acme-shop.example", "contact@acme-eu.example"):
        verdict = check(db17, address)
        assert verdict.outcome == BOUNCED and verdict.bounced
    assert check(db17, "sales@acme-shop.example", sender="MAILER-DAEMON@mx.example").outcome == (
        BOUNCE_REPORT
    )
    unknown = check(db17, "nobody@acme-shop.example")
    assert unknown.outcome == REJECTED and "No possible route" in unknown.reason
    db17.sql("UPDATE fetchmail_server SET active = :t", t=True)
    fallback = check(db17, "nobody@acme-shop.example")
    assert fallback.outcome == DEPENDS and "crm.lead" in fallback.reason


def test_17_alias_contact(db17: Db) -> None:
    assert check(db17, "vip@acme-shop.example").outcome == DEPENDS
    assert check(db17, "vip@acme-shop.example", sender=CLAIRE).outcome == ACCEPTED
    refused = check(db17, "vip@acme-shop.example", sender=STRANGER)
    assert refused.outcome == BOUNCED and "known authors" in refused.reason
    assert check(db17, "board@acme-shop.example", sender=CLAIRE).outcome == ACCEPTED  # follows
    not_following = check(db17, "board@acme-shop.example", sender="contact@acme-shop.example")
    assert not_following.outcome == BOUNCED and "restricted to followers" in not_following.reason
    assert check(db17, "board@acme-shop.example").outcome == DEPENDS
    broken = check(db17, "broken@acme-shop.example", sender=CLAIRE)
    assert broken.outcome == BOUNCED and "incorrectly configured" in broken.reason


def test_17_replies(db17: Db) -> None:
    message_id = reply_to(db17, "sale.order", 40)
    # a reply wins over the catchall rule: it goes to the document
    verdict = check(db17, "catchall@acme-shop.example", in_reply_to=f"<x@y> {message_id}")
    assert verdict.outcome == ACCEPTED
    assert [(r.model, r.res_id) for r in verdict.routes] == [("sale.order", 40)]
    # addressed to an alias of another model: a forward, not a reply
    forward = check(db17, "sales@acme-shop.example", in_reply_to=message_id)
    assert [(r.model, r.res_id) for r in forward.routes] == [("crm.lead", None)]
    # an alias of the same model keeps its contact rule
    assert check(
        db17, "orders@acme-shop.example", in_reply_to=message_id, sender=STRANGER
    ).outcome == (BOUNCED)
    gone = reply_to(db17, "sale.order", 41)
    recreated = check(db17, "catchall@acme-shop.example", in_reply_to=gone)
    assert recreated.outcome == ACCEPTED and recreated.routes[0].res_id is None
    unknown = check(db17, "catchall@acme-shop.example", in_reply_to="<nobody@nowhere>")
    assert unknown.outcome == BOUNCED
    assert any("not a reply" in step for step in unknown.steps)
    bare = check(db17, "catchall@acme-shop.example", in_reply_to=message_id.strip("<>"))
    assert bare.outcome == ACCEPTED


@pytest.fixture(params=["sqlite", "pg"])
def db16(request: pytest.FixtureRequest, make_db: MakeDb) -> Db:
    db = make_db(request.param, 16)
    documents(db)
    add_alias(db, "vip", "crm.lead", contact="partners")
    return db


def test_16_icp_layout(db16: Db) -> None:
    assert check(db16, "sales@acme-shop.example").outcome == ACCEPTED
    # 16 matches the local part only, whatever the domain
    other = check(db16, "sales@other-domain.example")
    assert other.outcome == ACCEPTED and other.routes[0].model == "crm.lead"
    assert check(db16, "bounce@anything.example").outcome == BOUNCE_REPORT
    assert check(db16, "catchall@acme-shop.example").outcome == BOUNCED
    assert check(db16, "nobody@acme-shop.example").outcome == REJECTED
    assert check(db16, "vip@acme-shop.example", sender=STRANGER).outcome == BOUNCED
    assert check(db16, "vip@acme-shop.example", sender=CLAIRE).outcome == ACCEPTED
    message_id = reply_to(db16, "sale.order", 40)
    reply = check(db16, "catchall@acme-shop.example", in_reply_to=message_id)
    assert [(r.model, r.res_id) for r in reply.routes] == [("sale.order", 40)]
    db16.insert(
        "ir_config_parameter",
        key="mail.catchall.domain.allowed",
        value="acme-shop.example",
        create_uid=1,
        write_uid=1,
    )
    assert check(db16, "sales@other-domain.example").outcome == REJECTED
    # the catchall test of 16 looks at the local part of To, without the domain filter
    assert check(db16, "catchall@other-domain.example").outcome == BOUNCED
    listed = {a.name: a for a in db16.backend().routing_setup().aliases}
    assert (
        listed["sales"].address == "sales@acme-shop.example" and listed["sales"].full_name is None
    )


def test_message_ids_like_odoo() -> None:
    refs = "<a@x>\r\n <b@x> <c-reply_to@x>"
    assert message_ids(refs, 17) == ["<a@x>", "<b@x>"]
    many = " ".join(f"<{n}@x>" for n in range(40))
    assert len(message_ids(many, 17)) == 40 and len(message_ids(many, 18)) == 32
    assert message_ids("abc@host", 17) == ["<abc@host>"]


def test_cli(make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    done = run_cli("inbound-check", "sales@acme-shop.example", "--db", db.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ACCEPTED: sales@acme-shop.example")
    done = run_cli("inbound-check", "catchall@acme-shop.example", "--json", "--db", db.url)
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert payload["outcome"] == "bounced" and payload["bounced"] is True
    done = run_cli("aliases", "--db", db.url)
    assert "sales@acme-shop.example" in done.stdout and "crm.lead" in done.stdout
    done = run_cli("inbound-check", "not-an-address", "--db", db.url)
    assert done.returncode == 2
