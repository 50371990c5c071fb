"""The console over Odoo's external API (no database access), against a real Odoo web
server on loopback: JSON-RPC on 16-18, JSON-2 on 19. What it shows must equal what the
SQL backend shows on the same database; Retry must leave the rows Odoo's own
``mark_outgoing`` leaves (it is that method); bad keys and missing rights get one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from testkit.net import free_port
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance
from tests.real_odoo.rows import one

KEYS = """
Users = env['res.users']
clerk = Users.create({'name': 'Clerk', 'login': 'clerk', 'password': 'clerk-pass-1',
                      'groups_id' if 'groups_id' in Users._fields else 'group_ids':
                      [(6, 0, [env.ref('base.group_user').id])]})
def key(user):
    keys = env['res.users.apikeys'].with_user(user)
    if 'expiration_date' in keys._fields:  # 19 wants one for a non-admin user
        import datetime
        tomorrow = datetime.datetime.now() + datetime.timedelta(days=1)
        return keys._generate('rpc', 'console', tomorrow)
    return keys._generate('rpc', 'console')
Mail = env['mail.mail']
failed = Mail.create({'subject': 'API failed', 'email_from': 'a@company.example',
                      'email_to': 'x@refused.example', 'body_html': '<p>x</p>'})
failed.write({'state': 'exception', 'failure_reason': 'SMTP refused'})
Mail.create({'subject': 'API outgoing', 'email_from': 'a@company.example',
             'email_to': 'y@good.example', 'body_html': '<p>y</p>'})
crowd = [env['res.partner'].create({'name': name, 'email': '%s@good.example' % name}).id
         for name in ('Zoe', 'Yann', 'Xavier', 'Walt')]  # ids ascending, names descending
Mail.create({'subject': 'API crowd', 'email_from': 'a@company.example', 'body_html': '<p>c</p>',
             'recipient_ids': [(6, 0, crowd)]})
if 'mailing.mailing' in env:
    mailing = env['mailing.mailing'].create({'subject': 'API campaign', 'body_html': '<p>m</p>',
        'mailing_model_id': env.ref('base.model_res_partner').id})
    Mail.create({'subject': 'API campaign mail', 'email_from': 'a@company.example',
                 'email_to': 'c@good.example', 'body_html': '<p>m</p>', 'mailing_id': mailing.id})
document = env['res.partner'].create({'name': 'API Document'})
for name, email in (('Bad Address', 'not-an-address'), ('No Server', 'ns@good.example')):
    partner = env['res.partner'].create({'name': name, 'email': email})
    message = document.with_context(mail_notify_force_send=False).message_post(
        body='<p>red</p>', subject='API envelope', partner_ids=partner.ids,
        message_type='comment', subtype_xmlid='mail.mt_comment')
    Mail.search([('mail_message_id', '=', message.id)]).send()  # no SMTP server: fails
result = {'admin': key(env.ref('base.user_admin')), 'clerk': key(clerk), 'failed': failed.id}
"""


@pytest.fixture(scope="module")
def served(odoo: OdooInstance) -> Iterator[tuple[str, str, dict[str, Any]]]:
    db = odoo.new_database(f"api{odoo.version}")
    made: dict[str, Any] = odoo.orm(db, KEYS)
    port = free_port()
    with odoo.serve(db, http_port=port):
        yield db, f"http://127.0.0.1:{port}", made


def over_api(url: str, db: str, key: str, *args: str, login: str = "admin") -> Any:
    return run_cli(*args, "--url", url, "--odoo-db", db, "--login", login,
                   env={"ODOO_MAILQ_API_KEY": key})  # fmt: skip


def test_status_and_mails_equal_the_sql_backends(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    db, url, made = served
    for command in (("status", "--json"), ("mails", "--json", "--limit", "20"),
                    ("mails", "--json", "--state", "failed", "--grep", "refused")):  # fmt: skip
        api = over_api(url, db, made["admin"], *command)
        assert api.returncode == 0, api.stderr
        sql = run_cli(*command, "--db", odoo.url(db))
        assert sql.returncode == 0, sql.stderr
        left, right = json.loads(api.stdout), json.loads(sql.stdout)
        if command[0] == "status":
            assert left["counts"] == right["counts"]
            assert left["odoo_version"] == right["odoo_version"]
        else:
            assert left == right, command
            if command[1:] == ("--json", "--limit", "20"):  # the cases above are in the page
                crowd = next(m for m in left if m["subject"] == "API crowd")
                assert [r["name"] for r in crowd["recipients"]] == ["Zoe", "Yann", "Xavier", "Walt"]
    # the document filter, as the detail names a document, finds the same mails both ways
    everything = json.loads(
        run_cli("mails", "--json", "--state", "all", "--db", odoo.url(db)).stdout
    )
    on_a_record = next(m for m in everything if m["model"] and m["res_id"])
    reference = f"{on_a_record['model']},{on_a_record['res_id']}"
    for needle in (reference, on_a_record["model"]):
        command = ("mails", "--json", "--state", "all", "--grep", needle)
        found = json.loads(run_cli(*command, "--db", odoo.url(db)).stdout)
        assert found == json.loads(over_api(url, db, made["admin"], *command).stdout), needle
        assert on_a_record["id"] in [m["id"] for m in found]
        assert all(m["model"] == on_a_record["model"] for m in found)
    api_crons = json.loads(over_api(url, db, made["admin"], "crons", "--json").stdout)
    sql_crons = json.loads(run_cli("crons", "--json", "--db", odoo.url(db)).stdout)
    assert len(api_crons) == len(sql_crons) > 5
    for left, right in zip(api_crons, sql_crons, strict=True):
        assert left["running"] is None  # a row-lock probe: not over the API
        assert {k: v for k, v in left.items() if k != "running"} == {
            k: v for k, v in right.items() if k != "running"
        }
    api_envelopes = json.loads(over_api(url, db, made["admin"], "envelopes", "--json").stdout)
    sql_envelopes = json.loads(run_cli("envelopes", "--json", "--db", odoo.url(db)).stdout)
    assert len(api_envelopes) >= 2 and api_envelopes == sql_envelopes
    api_status = json.loads(over_api(url, db, made["admin"], "status", "--json").stdout)
    sql_status = json.loads(run_cli("status", "--json", "--db", odoo.url(db)).stdout)
    assert api_status["envelopes"] == sql_status["envelopes"]
    text = over_api(url, db, made["admin"], "status").stdout
    protocol = "JSON-2" if odoo.version >= 19 else "JSON-RPC"
    assert protocol in text and made["admin"] not in text


def test_retry_over_the_api_is_odoos_mark_outgoing(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    db, url, made = served
    done = over_api(url, db, made["admin"], "retry", str(made["failed"]), "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] == [made["failed"]]
    row = one(odoo, db, "mail_mail", made["failed"])
    admin = odoo.orm(db, "result = env.ref('base.user_admin').id")
    assert (row["state"], row["write_uid"]) == ("outgoing", admin)
    again = over_api(url, db, made["admin"], "retry", str(made["failed"]), "--yes", "--json")
    assert again.returncode == 1 and json.loads(again.stdout)["applied"] == []


def test_bad_keys_missing_rights_and_missing_views_are_one_line(
    served: tuple[str, str, dict[str, Any]],
) -> None:
    db, url, made = served
    wrong = over_api(url, db, "not-the-key", "status")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1
    assert "refused" in wrong.stderr and "not-the-key" not in wrong.stderr
    clerk = over_api(url, db, made["clerk"], "status", login="clerk")
    assert clerk.returncode == 2 and clerk.stderr.count("\n") == 1, clerk.stderr
    assert "base.group_system" in clerk.stderr and "Traceback" not in clerk.stderr
    missing = over_api(url, db, made["admin"], "reset-bounce", "x@good.example", "--yes")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "Resetting bounce counters is not available over Odoo's API" in missing.stderr
    wrong_db = over_api(url, "nosuchdb", made["admin"], "status")
    assert wrong_db.returncode == 2 and wrong_db.stderr.count("\n") == 1, wrong_db.stderr
    assert "No database 'nosuchdb'" in wrong_db.stderr
    nowhere = over_api(f"http://127.0.0.1:{free_port()}", db, made["admin"], "status")
    assert nowhere.returncode == 2 and "Cannot reach" in nowhere.stderr
    no_key = run_cli("status", "--url", url, "--odoo-db", db, "--login", "admin")
    assert no_key.returncode == 2 and "ODOO_MAILQ_API_KEY" in no_key.stderr


def test_run_now_over_the_api_is_the_forms_run_manually(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    """``method_direct_trigger``: Odoo runs the Email Queue Manager inside the request, so
    when the command returns the queue was processed (here it cannot connect to any SMTP
    server: the mails end failed, not outgoing)."""
    db, url, made = served
    before = one(odoo, db, "mail_mail", made["failed"])["state"]
    cron = odoo.orm(db, "result = env.ref('mail.ir_cron_mail_scheduler_action').id")
    done = over_api(url, db, made["admin"], "trigger", str(cron), "--yes")
    assert done.returncode == 0, done.stderr
    assert "ran it inside the API request" in done.stdout
    outgoing = odoo.orm(db, "result = env['mail.mail'].search_count([('state', '=', 'outgoing')])")
    assert before == "outgoing" and outgoing == 0
    assert one(odoo, db, "ir_cron", cron)["lastcall"] is not None
