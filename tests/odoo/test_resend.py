"""Resend to the failed recipients only and fix-address, on SQLite and PostgreSQL (16-19),
through the CLI as an operator types them: who gets a new mail, what is left and why,
and what undo puts back. (The twins against Odoo's wizard are in tests/real_odoo.)"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.cli import run_cli
from tests.odoo.test_envelopes import Scene
from tests.odoo.test_envelopes import scene as scene  # the fixture


def cli(scene: Scene, tmp_path: Path, *args: str) -> tuple[int, dict[str, object], str]:
    journal = str(tmp_path / "journal.jsonl")
    done = run_cli(*args, "--yes", "--json", "--db", scene.db.url, "--journal", journal)
    assert done.returncode in (0, 1, 2), done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout else {}, done.stderr


def notifications(scene: Scene, message: int) -> list[tuple[int, str, int | None]]:
    rows = scene.db.sql(
        "SELECT res_partner_id, notification_status, mail_mail_id FROM mail_notification "
        "WHERE mail_message_id = :m AND notification_type = 'email' ORDER BY res_partner_id",
        m=message,
    )
    return [(int(p), str(s), None if m is None else int(m)) for p, s, m in rows]


def test_only_the_failed_recipients_get_a_new_mail_and_undo_takes_it_back(
    scene: Scene, tmp_path: Path
) -> None:
    db = scene.db
    ann, bob, cy = scene.partners
    (old_mail,) = db.one("SELECT id FROM mail_mail WHERE mail_message_id = :m", m=scene.smtp_failed)
    before = notifications(scene, scene.smtp_failed)
    both = (str(scene.smtp_failed), str(scene.address_gone))
    code, outcome, _ = cli(scene, tmp_path, "resend", *both)
    assert code == 1  # the second message's rendered mail is gone
    assert outcome["applied"] == [scene.smtp_failed]
    assert "Odoo deleted the mail it rendered" in str(outcome["skipped"])
    assert str(outcome["message"]).startswith(
        "Queued again for the failed recipients of 1 message (2 recipients"
    )
    new_mails = outcome["new_mails"]
    assert isinstance(new_mails, dict) and list(new_mails.values()) == [old_mail]
    new_mail = int(next(iter(new_mails)))
    assert db.one("SELECT state FROM mail_mail WHERE id = :i", i=new_mail) == ("outgoing",)
    assert db.one("SELECT state FROM mail_mail WHERE id = :i", i=old_mail) == ("exception",)
    body = "SELECT body_html, headers, mail_message_id FROM mail_mail WHERE id = :i"
    assert db.one(body, i=new_mail) == db.one(body, i=old_mail)
    recipients = db.sql(
        "SELECT res_partner_id FROM mail_mail_res_partner_rel WHERE mail_mail_id = :i ORDER BY 1",
        i=new_mail,
    )
    assert [int(r[0]) for r in recipients] == [ann, cy]  # Bob got it already: not again
    assert notifications(scene, scene.smtp_failed) == [
        (ann, "ready", new_mail),
        (bob, "sent", old_mail),
        (cy, "ready", new_mail),
    ]
    again, _, _ = cli(scene, tmp_path, "resend", str(scene.smtp_failed))
    assert again == 1  # nothing failed any more: nothing to resend twice
    code, undone, _ = cli(scene, tmp_path, "undo")
    assert code == 0, undone
    assert notifications(scene, scene.smtp_failed) == before
    assert db.one("SELECT state FROM mail_mail WHERE id = :i", i=new_mail) == ("cancel",)


def test_a_mail_queued_again_by_retry_is_not_resent_on_top(scene: Scene, tmp_path: Path) -> None:
    (old_mail,) = scene.db.one(
        "SELECT id FROM mail_mail WHERE mail_message_id = :m", m=scene.smtp_failed
    )
    cli(scene, tmp_path, "retry", str(old_mail))
    code, outcome, _ = cli(scene, tmp_path, "resend", "--mails", str(old_mail))
    assert code == 1 and outcome["applied"] == []
    assert "queued again already" in str(outcome["skipped"])


def test_fix_address_then_resend_says_plainly_when_the_mail_is_gone(
    scene: Scene, tmp_path: Path
) -> None:
    db = scene.db
    (dee,) = db.one(
        "SELECT res_partner_id FROM mail_notification WHERE mail_message_id = :m",
        m=scene.address_gone,
    )
    code, both, _ = cli(scene, tmp_path, "fix-address", str(dee), "Dee@Fixed.example", "--resend")
    assert code == 1  # fixed, but nothing could be resent
    fixed, resent = both["fix-address"], both["resend"]
    assert isinstance(fixed, dict) and isinstance(resent, dict)
    assert fixed["applied"] == [dee]
    assert db.one("SELECT email, email_normalized FROM res_partner WHERE id = :p", p=dee) == (
        "Dee@Fixed.example",
        "dee@fixed.example",
    )
    assert resent["applied"] == []
    reason = str(resent["skipped"][str(scene.address_gone)])
    assert "Odoo deleted the mail it rendered" in reason
    code, _, _ = cli(scene, tmp_path, "undo")
    assert code == 0
    assert db.one("SELECT email FROM res_partner WHERE id = :p", p=dee) == ("not-an-address",)


def test_fix_address_refuses_what_is_not_one_address(scene: Scene, tmp_path: Path) -> None:
    for bad in ("two@x.example, three@x.example", "no-at-sign", "a@x.example\nBcc: b@y"):
        code, _, stderr = cli(scene, tmp_path, "fix-address", str(scene.partners[0]), bad)
        assert code == 2 and stderr.count("\n") == 1 and "Not one e-mail address" in stderr
    code, _, stderr = cli(scene, tmp_path, "fix-address", "999999", "ok@x.example")
    assert code == 2 and "No partner with id 999999" in stderr
