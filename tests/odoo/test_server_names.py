"""Which server a failed mail went through, and why: the one set on the mail, else the one
Odoo's ``_find_mail_server`` picks for its From (console.smtp.server_choice), shown per
mail and per cause, in JSON and text. Two servers with different from_filters, mails
from each domain, one with its server set, one no from_filter matches; then no active
server at all (odoo.conf's settings, known only with -c). Real SQLite and PostgreSQL
databases of the generated Odoo shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import add_mail

REASON = "535 5.7.8 Authentication failed: bad username or password"
BY_A = "chosen by from_filter match on a.example"
BY_B = "chosen by from_filter match on b.example"
SET = "set on the mail"
FIRST = "first server by priority, although no from_filter matches"
NO_SERVER = "none: no active mail server, Odoo would use odoo.conf's smtp_server"


def two_relays(db: Db) -> dict[str, int]:
    """relay-a for a.example (first by priority), relay-b for b.example, and five
    mails failed with one 535: two from a.example, one from b.example, one from
    a.example with relay-b set on it, one from c.example that no server is for."""
    db.sql("UPDATE mail_mail SET state = 'cancel' WHERE state IN ('exception', 'outgoing')")
    for server_id, name, domain, sequence in ((1, "relay-a", "a.example", 10),
                                              (2, "relay-b", "b.example", 20)):  # fmt: skip
        db.sql(
            "UPDATE ir_mail_server SET name = :n, from_filter = :f, sequence = :s WHERE id = :i",
            n=name, f=domain, s=sequence, i=server_id,
        )  # fmt: skip
    made: dict[str, int] = {}
    for name, sender, server in (
        ("a1", "Ann <ann@a.example>", None),
        ("a2", "bob@A.example", None),
        ("b", '"Bea" <bea@b.example>', None),
        ("set", "cid@a.example", 2),
        ("none", "dan@c.example", None),
    ):
        made[name] = add_mail(
            db, email_from=sender, mail_server_id=server, state="exception", failure_reason=REASON
        ).id
    return made


def json_of(*args: str) -> Any:
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("kind", "version"), [("sqlite", 16), ("pg", 17), ("sqlite", 19)])
def test_each_mail_and_cause_names_its_server_and_why(
    make_db: MakeDb, kind: str, version: int
) -> None:
    db = make_db(kind, version)
    made = two_relays(db)
    mails = {
        m["id"]: m["server"]
        for m in json_of("mails", "--state", "failed", "--json", "--db", db.url)
    }
    assert mails == {
        made["a1"]: {"id": 1, "name": "relay-a", "why": BY_A},
        made["a2"]: {"id": 1, "name": "relay-a", "why": BY_A},
        made["b"]: {"id": 2, "name": "relay-b", "why": BY_B},
        made["set"]: {"id": 2, "name": "relay-b", "why": SET},
        made["none"]: {"id": 1, "name": "relay-a", "why": FIRST},
    }  # fmt: skip

    [cause] = json_of("causes", "--json", "--db", db.url)
    assert cause["count"] == 5 and cause["servers"] == ["relay-a", "relay-b"]
    assert cause["by_server"] == [  # newest mail's server first, each with its mails
        {"id": 1, "name": "relay-a", "why": FIRST, "mails": 1},
        {"id": 2, "name": "relay-b", "why": SET, "mails": 1},
        {"id": 2, "name": "relay-b", "why": BY_B, "mails": 1},
        {"id": 1, "name": "relay-a", "why": BY_A, "mails": 2},
    ]
    text = run_cli("causes", "--db", db.url).stdout
    assert "relay-a, relay-b" in text and "(auto)" not in text

    detail = db.backend().mail_detail(made["set"])
    assert detail is not None and detail.mail.server is not None
    assert (detail.mail.server.label, detail.mail.server.why) == ("relay-b", SET)


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_without_an_active_server_it_is_odoo_conf_as_far_as_known(
    make_db: MakeDb, kind: str, tmp_path: Path
) -> None:
    db = make_db(kind, 17)
    made = two_relays(db)
    db.sql("UPDATE ir_mail_server SET active = false")

    def servers(*extra: str) -> dict[int, tuple[str, str]]:
        found = json_of("mails", "--state", "failed", "--json", "--db", db.url, *extra)
        return {m["id"]: (m["server"]["name"], m["server"]["why"]) for m in found}

    unknown = servers()
    assert unknown[made["a1"]] == ("odoo.conf", NO_SERVER)  # its host: known only with -c
    # the server set on the mail is named, archived: Odoo refuses it, it does not fall back
    archived = "set on the mail, but archived: Odoo refuses to send through it"
    assert unknown[made["set"]] == ("relay-b", archived)

    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\nsmtp_server = smtp.conf.example\nsmtp_port = 2525\n")
    known = servers("-c", str(conf))
    assert known[made["none"]] == ("odoo.conf", f"{NO_SERVER} (smtp.conf.example:2525)")
    [cause] = json_of("causes", "--json", "--db", db.url, "-c", str(conf))
    assert cause["servers"] == ["odoo.conf", "relay-b"]


@pytest.mark.parametrize("kind", ["sqlite", "pg"])
def test_a_failure_that_names_its_smtp_host_names_the_server_odoo_used(
    make_db: MakeDb, kind: str
) -> None:
    db = make_db(kind, 17)
    two_relays(db)
    db.sql("UPDATE ir_mail_server SET smtp_host = 'smtp.b.example' WHERE id = 2")
    used = add_mail(  # its From says relay-a; the failure says it went through relay-b
        db,
        email_from="ann@a.example",
        state="exception",
        failure_reason="Mail delivery failed via SMTP server 'smtp.b.example'.\n"
        "SMTPAuthenticationError: (535, b'5.7.8 Authentication failed')",
    ).id
    unnamed = add_mail(  # the queue cron's sessions give Odoo no host: it writes 'None'
        db,
        email_from="ann@a.example",
        state="exception",
        failure_reason="Mail delivery failed via SMTP server 'None'.\n"
        "SMTPAuthenticationError: (535, b'5.7.8 Authentication failed')",
    ).id
    mails = {m["id"]: m["server"] for m in json_of("mails", "--state", "failed", "--json",
                                                    "--db", db.url)}  # fmt: skip
    assert mails[used] == {
        "id": 2,
        "name": "relay-b",
        "why": "named in the failure: the server Odoo used (smtp.b.example)",
    }
    assert mails[unnamed] == {"id": 1, "name": "relay-a", "why": BY_A}
