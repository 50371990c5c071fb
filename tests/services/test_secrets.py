"""A password a server echoes never leaves the console: the mask, then the real thing.

The end-to-end tests send through a real SMTP server (aiosmtpd) that refuses the login
and echoes it in its 535 reply (``SmtpTestServer(auth_echo=True)``), on SQLite and on
PostgreSQL, with the real CLI in a child process; then they look for the password and
its base64 forms in the database row, ``mails --json``, ``causes --json``, ``audit
--json``, the journal file, ``logs`` and the TUI's detail at 80x24. The password is
shaped like nothing: only knowing it (from ``ir_mail_server``) can mask it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from textual.widgets import Static

from console.domain.classify import classify
from console.domain.secrets import Credential, SecretMask
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import add_mail

USER = "apikey"
SECRET = "Zq8-f0o!Bar%baz_42xyz"  # no known key shape: masked only because it is known
SENDGRID = "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"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def forms(user: str, secret: str) -> list[str]:
    raw, login = secret.encode(), user.encode()
    return [
        secret,
        b64(raw),
        b64(raw).rstrip("="),
        b64(b"\0" + login + b"\0" + raw),  # AUTH PLAIN
        b64(login + b"\0" + login + b"\0" + raw),  # AUTH PLAIN with an authzid
        quote(secret, safe=""),
        quote_plus(secret),
    ]


def assert_clean(text: str, user: str = USER, secret: str = SECRET) -> None:
    for form in forms(user, secret):
        assert form not in text, f"{form!r} leaked"


# -- the mask itself -----------------------------------------------------------------------
def test_every_encoded_form_is_masked() -> None:
    mask = SecretMask([Credential(SECRET, USER)])
    raw = SECRET.encode()
    texts = [
        *forms(USER, SECRET),
        base64.urlsafe_b64encode(raw).decode(),
        b64(USER.encode()) + " " + b64(raw),  # AUTH LOGIN, both answers
        f"(535, b'5.7.8 Authentication failed for {USER} {SECRET}')",
        json.dumps({"reason": f"bad password {SECRET}"}),
        # inside a longer base64 text, at each of the three alignments
        *(b64(b"x" * n + raw + b"tail") for n in range(3)),
    ]
    for text in texts:
        masked = mask.text(text)
        assert "***" in masked, text
        assert_clean(masked)
        assert SECRET[3:-3] not in masked
    assert mask.text("Authentication failed for apikey") == "Authentication failed for apikey"


def test_recognisable_secrets_are_masked_without_being_known() -> None:
    mask = SecretMask()
    plain = b64(b"\0someone\0an unknown password")
    assert mask.text(f"535 5.7.8 Authentication failed ({plain})") == (
        "535 5.7.8 Authentication failed (***)"
    )
    assert mask.text("C: AUTH LOGIN c29tZW9uZQ==") == "C: AUTH LOGIN ***"
    assert mask.text(f"535 Authentication failed for apikey {SENDGRID}") == (
        "535 Authentication failed for apikey ***"
    )
    ordinary = "550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown"
    assert mask.text(ordinary) == ordinary
    assert mask.text("Message-Id <dGhpcyBpcyBhIHRlc3Q=@odoo>") == (
        "Message-Id <dGhpcyBpcyBhIHRlc3Q=@odoo>"
    )


def test_short_values_are_not_masked_and_a_cut_secret_is() -> None:
    mask = SecretMask([Credential("abc"), Credential(SECRET)])
    assert mask.text("abc def") == "abc def"
    text = "x" * 30 + SECRET
    assert mask.cut(text[:40], 40) == "x" * 30 + "***"
    assert mask.cut("short", 40) == "short"


def test_the_masked_reply_still_classifies_as_a_refused_login() -> None:
    mask = SecretMask([Credential(SECRET, USER)])
    masked = mask.text(echoed("PLAIN"))
    assert masked == "535\n5.7.8 Authentication failed for apikey *** (AUTH PLAIN ***)"
    assert classify(masked, None).title == "535 auth failed"


# -- Send now through a server that echoes the login ----------------------------------------
@pytest.fixture(params=["sqlite", "pg"])
def db(request: pytest.FixtureRequest, make_db: MakeDb) -> Db:
    made = make_db(request.param, 17)
    made.sql("UPDATE mail_mail SET state = 'cancel' WHERE state IN ('outgoing', 'exception')")
    return made


def echoed(mechanism: str = "PLAIN") -> str:
    """The reason Odoo itself stores for the echoing server (the raw reply)."""
    sent = (
        forms(USER, SECRET)[3]
        if mechanism == "PLAIN"
        else f"{b64(USER.encode())} {b64(SECRET.encode())}"
    )
    return f"535\n5.7.8 Authentication failed for {USER} {SECRET} (AUTH {mechanism} {sent})"


def cli(db: Db, *args: str) -> str:
    done = run_cli("--db", db.url, *args)
    assert done.returncode in (0, 1), done.stderr
    assert_clean(done.stdout + done.stderr)
    return done.stdout


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
async def test_an_echoed_password_is_masked_everywhere(
    db: Db, mechanism: str, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.jsonl"
    # a failure Odoo itself recorded earlier: Odoo stores the server's reply as it is
    by_odoo = add_mail(db, state="exception", failure_reason=echoed(mechanism)).id
    mail_id = add_mail(db, email_to="bob@example.org").id
    server = SmtpTestServer(
        auth=(USER, "the right one"), auth_echo=True, auth_mechanisms=(mechanism,)
    )
    with server as smtp:
        db.sql(
            "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = :port, "
            "smtp_encryption = 'none', smtp_user = :user, smtp_pass = :pw, active = :on",
            port=smtp.port, user=USER, pw=SECRET, on=True,
        )  # fmt: skip
        done = run_cli(
            "--db", db.url, "send", str(mail_id), "--yes", "--json", "--journal", str(journal)
        )
    assert smtp.auth_attempts and smtp.auth_attempts[0] == (USER, SECRET)
    assert done.returncode == 1, done.stderr
    assert_clean(done.stdout + done.stderr)
    expected = f"535\n5.7.8 Authentication failed for {USER} *** (AUTH {mechanism} ***"
    assert json.loads(done.stdout)["failed"][str(mail_id)].startswith(expected)

    # the row Send now wrote, read with SQL
    ((stored,),) = db.sql("SELECT failure_reason FROM mail_mail WHERE id = :i", i=mail_id)
    assert stored.startswith(expected)
    assert_clean(stored)

    # every output: both mails, the one Odoo wrote raw too
    mails = json.loads(cli(db, "mails", "--state", "failed", "--json"))
    reasons = {m["id"]: m["failure_reason"] for m in mails}
    assert reasons[mail_id].startswith(expected) and reasons[by_odoo].startswith(expected)
    assert "Authentication failed for apikey ***" in cli(db, "mails", "--state", "failed")
    causes = json.loads(cli(db, "causes", "--json"))
    assert [(c["title"], c["count"]) for c in causes] == [("535 auth failed", 2)]
    cli(db, "causes")
    journal_text = journal.read_text()
    assert_clean(journal_text)
    assert "***" in journal_text
    # an entry an older console wrote raw is masked when shown
    with journal.open("a") as handle:
        handle.write(json.dumps({"action": "send", "result": echoed(mechanism)}) + "\n")
    audit = cli(db, "audit", "--json", "--journal", str(journal))
    assert audit.count("***") >= 2
    cli(db, "audit", "--journal", str(journal))
    # Odoo's log carries the raw reply too
    log = tmp_path / "odoo.log"
    log.write_text(
        "2026-12-04 10:00:00,123 4242 ERROR prod odoo.addons.mail.models.mail_mail: "
        f"failed sending mail (id: {mail_id}) due to {echoed(mechanism)}\n"
    )
    shown = cli(db, "logs", "--log", str(log), "--json")
    assert "Authentication failed for apikey ***" in shown

    await check_tui(db, [mail_id, by_odoo], expected)


async def check_tui(db: Db, ids: list[int], expected: str) -> None:
    """The Failed list and each mail's detail at 80x24."""
    from console.tui.screens.detail_screen import DetailScreen
    from tests.helpers.tui import SIZE, make_app, plain, settle, started

    app = make_app(db.url)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("2")
        await settle(pilot, app)
        assert_clean(app.export_screenshot())
        for position, mail_id in enumerate(ids):
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, DetailScreen) and app.screen.mail_id == mail_id
            body = plain(app.screen.query_one("#detail-body", Static))
            assert "535 auth failed" in body
            assert expected.split("\n")[1] in body
            assert_clean(body)
            assert_clean(app.export_screenshot())
            await pilot.press("escape")
            await pilot.pause()
            if position == 0:
                await pilot.press("down")
                await pilot.pause()


# -- the probe and the support bundle use the same mask -------------------------------------
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
async def test_the_probe_masks_an_echoed_login() -> None:
    from console.services.probe import ProbeTarget, probe_target

    with SmtpTestServer(auth=(USER, "the right one"), auth_echo=True) as smtp:
        target = ProbeTarget("t", "test", "127.0.0.1", smtp.port, "none", USER, SECRET)
        result = await probe_target(target, timeout=2.0)
    login = next(step for step in result.steps if step.name == "login")
    assert "(535, b'5.7.8 Authentication failed for *** *** (AUTH " in login.reply
    assert result.classification is not None
    assert result.classification.title == "535 auth failed"
    assert_clean(repr(result))


def test_the_bundle_holds_no_encoded_form(tmp_path: Path, make_db: MakeDb) -> None:
    from console.services.journal import Journal
    from console.services.support.bundle import write_bundle

    db = make_db("sqlite", 17)
    try:
        db.sql("UPDATE ir_mail_server SET smtp_user = :u, smtp_pass = :p", u=USER, p=SECRET)
        add_mail(db, state="exception", failure_reason=echoed("LOGIN"), email_to="a@b.test")
        folder = write_bundle(
            db.backend(), tmp_path / "bundle", journal=Journal(tmp_path / "j.jsonl")
        )
    finally:
        db.close()
    written = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"report.md", "report.json"}
    for path in written:
        assert_clean(path.read_text(errors="replace"))
    assert (
        "Authentication failed for apikey *** (AUTH LOGIN *** ***)"
        in (folder / "report.md").read_text()
    )
