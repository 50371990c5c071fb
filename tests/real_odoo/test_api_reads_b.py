"""Health, routing and the support bundle over Odoo's external API, against a real Odoo
web server on loopback (JSON-RPC on 16-18, JSON-2 on 19): ``doctor``, ``check``,
``aliases``, ``inbound-check`` and ``bundle`` must say what they say over SQL on the same
database, except what the API cannot read, which says "not available over the API" with
the reason; the outgoing server's password and the API key appear nowhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.net import free_port
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.real_odoo.odoo_instance import OdooInstance

# the test SMTP server asks for AUTH without TLS on loopback, on purpose
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
PASSWORD = "Relay-Secret-Pass-4711"
WRONG = "Wrong-Pass-Echoed-0815"  # refused, and echoed back by the server (auth_echo)
NOT_AVAILABLE = "not available over the API"
# What the API can never judge: PostgreSQL's plans. Queued campaigns: until this backend
# lists them (then they must be equal like the rest); none queued is judged equal.
SQL_ONLY = {"queue_index", "campaign_head"}

DATA = """
import datetime
company = env.company
if 'mail.alias.domain' in env:
    domain = env['mail.alias.domain'].create({'name': 'company.example'})
    company.alias_domain_id = domain
else:
    ICP = env['ir.config_parameter'].sudo()
    ICP.set_param('mail.catchall.domain', 'company.example')
    ICP.set_param('mail.catchall.alias', 'catchall')
    ICP.set_param('mail.bounce.alias', 'bounce')
for name, password, sequence in (('Relay', args['password'], 10), ('Echo', args['wrong'], 20)):
    env['ir.mail_server'].create({
        'name': name, 'smtp_host': '127.0.0.1', 'smtp_port': args['port'], 'sequence': sequence,
        'smtp_encryption': 'none', 'smtp_user': 'relay-user', 'smtp_pass': password,
        'from_filter': 'company.example'})
env['mail.alias'].create({
    'alias_name': 'support', 'alias_model_id': env['ir.model']._get_id('res.partner'),
    'alias_contact': 'everyone'})
env['mail.alias'].create({
    'alias_name': 'partners-only', 'alias_model_id': env['ir.model']._get_id('res.partner'),
    'alias_contact': 'partners'})
known = env['res.partner'].create({'name': 'Known Sender', 'email': 'known@customer.example'})
document = env['res.partner'].create({'name': 'Routed Document'})
message = document.message_post(body='<p>hello</p>', partner_ids=known.ids,
                                message_type='comment', subtype_xmlid='mail.mt_comment')
Mail = env['mail.mail']
stuck = Mail.create({'subject': 'Stuck', 'email_from': 'a@company.example',
                     'email_to': 'y@good.example', 'body_html': '<p>y</p>'})
env.cr.execute("UPDATE mail_mail SET create_date = create_date - interval '5 hours' "
               "WHERE id = %s", [stuck.id])
for n in range(3):
    failed = Mail.create({'subject': 'Failed %d' % n, 'email_from': 'a@company.example',
                          'email_to': 'x@refused.example', 'body_html': '<p>x</p>'})
    failed.write({'state': 'exception', 'failure_reason': '550 refused by relay'})
echoed = Mail.create({'subject': 'Echoed', 'email_from': 'a@company.example',
                      'email_to': 'z@good.example', 'body_html': '<p>z</p>'})
echoed.write({'state': 'exception', 'failure_reason':  # as a server that echoes writes it
              '535 5.7.8 Authentication failed for relay-user %s' % args['wrong']})
keys = env['res.users.apikeys'].with_user(env.ref('base.user_admin'))
if 'expiration_date' in keys._fields:
    tomorrow = datetime.datetime.now() + datetime.timedelta(days=1)
    key = keys._generate('rpc', 'console', tomorrow)
else:
    key = keys._generate('rpc', 'console')
result = {'key': key, 'message_id': message.message_id, 'document': document.id}
"""


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer(auth=("relay-user", PASSWORD), auth_echo=True) as server:
        yield server


@pytest.fixture(scope="module")
def served(odoo: OdooInstance, smtp: SmtpTestServer) -> Iterator[tuple[str, str, dict[str, Any]]]:
    db = odoo.new_database(f"apib{odoo.version}")
    made: dict[str, Any] = odoo.orm(db, DATA, password=PASSWORD, wrong=WRONG, port=smtp.port)
    port = free_port()
    with odoo.serve(db, http_port=port):
        yield db, f"http://127.0.0.1:{port}", made


def over_api(url: str, db: str, key: str, *args: str) -> Any:
    return run_cli(*args, "--url", url, "--odoo-db", db, "--login", "admin",
                   env={"ODOO_MAILQ_API_KEY": key})  # fmt: skip


def both(odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], *args: str) -> Any:
    db, url, made = served
    return over_api(url, db, made["key"], *args), run_cli(*args, "--db", odoo.url(db))


def as_sql_judges(api: dict[str, Any], sql: dict[str, Any]) -> dict[str, Any]:
    """The API's check with the caveat it adds to an overdue queue cron taken off (no cron
    runs here: the cron is overdue, and the API cannot tell whether it runs). Anything else
    is left as it is, for the caller to compare (and to read again when a minute ticked
    between the two reads: "due 16h33m ago" against "16h34m")."""
    caveat = api["why"].startswith(sql["why"]) and NOT_AVAILABLE in api["why"]
    if api["id"] == "queue_cron" and api["why"] != sql["why"] and caveat:
        return {**api, "why": sql["why"]}
    return api


def doctor_twice(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> tuple[Any, dict[str, Any], dict[str, Any], set[str]]:
    """``doctor --json`` over the API and over SQL, again if a minute ticked between the
    two (an age read a second later may be a minute more): a real difference stays."""
    for _attempt in range(3):
        api, sql = both(odoo, served, "doctor", "--json")
        assert api.returncode == sql.returncode == 1, api.stderr + sql.stderr  # findings
        left = {c["id"]: c for c in json.loads(api.stdout)["checks"]}
        right = {c["id"]: c for c in json.loads(sql.stdout)["checks"]}
        unavailable = {i for i, c in left.items() if c["summary"] == NOT_AVAILABLE}
        judged = set(left) - unavailable
        if all(as_sql_judges(left[i], right[i]) == right[i] for i in judged):
            break
    return api, left, right, unavailable


def test_doctor_and_check_over_the_api_equal_the_sql_backends(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    api, left, right, unavailable = doctor_twice(odoo, served)
    assert list(left) == list(right)
    assert "queue_index" in unavailable and unavailable <= SQL_ONLY
    for check_id in unavailable:
        assert left[check_id]["status"] == "UNKNOWN"
        assert left[check_id]["why"].lower().startswith(f"{NOT_AVAILABLE}: ".lower())
    for check_id in set(left) - unavailable:
        assert as_sql_judges(left[check_id], right[check_id]) == right[check_id], check_id
    # The data made above is judged as it is, on both sides.
    judged = {i: (c["status"], c["summary"]) for i, c in right.items()}
    assert judged["failed_mails"][1].endswith(" failed"), judged
    assert judged["oldest_outgoing"][0] != "OK", judged
    assert judged["outgoing_server"][0] == "OK", judged
    for secret in (PASSWORD, WRONG, served[2]["key"]):
        assert secret not in api.stdout

    api_check, sql_check = both(odoo, served, "check", "--json")
    assert api_check.returncode == sql_check.returncode != 0, api_check.stderr
    checks = json.loads(api_check.stdout)["checks"]
    assert [c for c in checks if c["summary"] == NOT_AVAILABLE] == [
        c for c in checks if c["id"] in unavailable
    ]


def test_aliases_and_inbound_check_over_the_api_equal_the_sql_backends(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    made = served[2]
    api, sql = both(odoo, served, "aliases", "--json")
    assert api.returncode == sql.returncode == 0, api.stderr + sql.stderr
    aliases = json.loads(api.stdout)
    assert aliases == json.loads(sql.stdout)
    assert "support" in json.dumps(aliases) and "company.example" in json.dumps(aliases)
    cases = [
        ("support@company.example",),
        ("partners-only@company.example", "--from", "stranger@elsewhere.example"),
        ("partners-only@company.example", "--from", "Known <KNOWN@customer.example>"),
        ("nobody@company.example",),
        ("bounce@company.example",),
        ("someone@other.example",),
        ("catchall@company.example", "--in-reply-to", made["message_id"]),
        ("support@company.example", "--in-reply-to", "<not-a-known-id@x>"),
    ]
    outcomes = set()
    for case in cases:
        api, sql = both(odoo, served, "inbound-check", *case, "--json")
        assert (api.returncode, api.stdout) == (sql.returncode, sql.stdout), case
        assert api.returncode in (0, 1), api.stderr
        outcomes.add(json.loads(api.stdout)["outcome"])
    assert len(outcomes) >= 3, outcomes


def test_bundle_over_the_api_says_what_it_cannot_read_and_holds_no_secret(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], tmp_path: Path
) -> None:
    db, url, made = served
    done = over_api(url, db, made["key"], "bundle", "-o", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    markdown = (tmp_path / "b" / "report.md").read_text()
    sql_dir = tmp_path / "s"
    assert run_cli("bundle", "-o", str(sql_dir), "--db", odoo.url(db)).returncode == 0
    sql_report = json.loads((sql_dir / "report.json").read_text())
    assert report["outgoing_servers"] == sql_report["outgoing_servers"]
    assert report["outgoing_servers"][0]["smtp_user"] == "relay-user"
    # The SQL bundle also masks every value equal to a secret-named parameter's ("True"
    # of auth_signup.reset_password): compare the values it left.
    kept = {k: v for k, v in sql_report["parameters"].items() if v != "[redacted]"}
    assert set(report["parameters"]) == set(sql_report["parameters"])
    assert {k: report["parameters"][k] for k in kept} == kept
    assert report["aliases"] == sql_report["aliases"]
    assert report["queue"] == sql_report["queue"]
    health = {c["id"]: c for c in report["health"]}
    assert health["queue_index"]["summary"] == NOT_AVAILABLE
    assert (
        health["outgoing_server"] == {c["id"]: c for c in sql_report["health"]}["outgoing_server"]
    )
    # Every section of the bundle can be read over the API now; only the index advice
    # (PostgreSQL's plans) is not, said in its check.
    assert report["not_available"] == {} and report["errors"] == []
    assert report["failure_groups"] == sql_report["failure_groups"]
    assert "## Not available over this connection" not in markdown
    for folder in (tmp_path / "b", sql_dir):
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert PASSWORD.encode() not in data, path
                assert made["key"].encode() not in data, path


def test_probe_over_the_api_logs_in_like_the_sql_backend_and_never_shows_a_password(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]], smtp: SmtpTestServer
) -> None:
    """The probe reads each server's login over the API (``ir.mail_server``, admin only)
    to log in as Odoo would; the refused password the server echoes back is masked."""
    smtp.auth_attempts.clear()
    api, sql = both(odoo, served, "probe", "--json")
    assert (api.returncode, sql.returncode) == (1, 1), api.stderr + sql.stderr  # Echo refused
    # each side logged in with the right password once, and tried the wrong one
    assert smtp.auth_attempts.count(("relay-user", PASSWORD)) == 2
    assert set(smtp.auth_attempts) == {("relay-user", PASSWORD), ("relay-user", WRONG)}

    def steps(out: str) -> list[Any]:
        return [
            {**r, "steps": [{k: v for k, v in s.items() if k != "elapsed_ms"} for s in r["steps"]]}
            for r in json.loads(out)
        ]

    assert steps(api.stdout) == steps(sql.stdout)
    relay, echo = json.loads(api.stdout)
    assert (relay["server"], relay["status"], echo["server"], echo["status"]) == (
        "Relay", "OK", "Echo", "CRITICAL",
    )  # fmt: skip
    # MAIL FROM the default From (default_from_address), read over the API as over SQL
    api_from, sql_from = both(odoo, served, "probe", "--json", "--mail-from")
    assert steps(api_from.stdout) == steps(sql_from.stdout)
    tried = [step["step"] for step in json.loads(api_from.stdout)[0]["steps"]]
    assert "mail-from" in tried, tried
    replies = " ".join(str(step["reply"]) for step in echo["steps"])
    assert "Authentication failed for *** ***" in replies, replies  # echoed, masked
    for secret in (PASSWORD, WRONG, served[2]["key"]):
        assert secret not in api.stdout + api.stderr


def test_a_queued_campaigns_head_over_the_api_equals_the_sql_backends(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    db = served[0]
    before, _sql = both(odoo, served, "doctor", "--json")
    head = {c["id"]: c for c in json.loads(before.stdout)["checks"]}["campaign_head"]
    assert (head["status"], head["summary"]) == ("OK", "no campaign due")  # none queued
    mailing = odoo.orm(
        db,
        """
mailing = env['mailing.mailing'].create({
    'subject': 'Queued', 'body_html': '<p>q</p>', 'state': 'in_queue',
    'mailing_model_id': env['ir.model']._get_id('res.partner'),
    'mailing_domain': "[('id', '=', 0)]"})
result = mailing.id
""",
    )
    try:
        api, sql = both(odoo, served, "doctor", "--json")
        left = {c["id"]: c for c in json.loads(api.stdout)["checks"]}["campaign_head"]
        right = {c["id"]: c for c in json.loads(sql.stdout)["checks"]}["campaign_head"]
        assert left == right
        assert right["summary"] != "no campaign due"
    finally:
        odoo.orm(db, "env['mailing.mailing'].browse(args['id']).unlink()", id=mailing)


def test_a_password_a_server_echoed_into_a_failure_is_masked_over_the_api(
    odoo: OdooInstance, served: tuple[str, str, dict[str, Any]]
) -> None:
    """The API backend reads the servers' passwords for its mask, as the SQL backend
    does: a refused password echoed back into a failure reason never shows."""
    for command in (("mails", "--json", "--state", "failed"), ("causes", "--json")):
        api, sql = both(odoo, served, *command)
        assert api.returncode == sql.returncode == 0, api.stderr + sql.stderr
        assert "authentication failed" in api.stdout.lower()
        assert WRONG not in api.stdout and PASSWORD not in api.stdout
        assert json.loads(api.stdout) == json.loads(sql.stdout), command
