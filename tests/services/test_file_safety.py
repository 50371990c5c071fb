"""Files holding mails are the owner's only and never written through a link; the state
directory is private; a terminal never receives the escape sequences a mail carries.
Through the CLI (and the TUI's export) as a user runs them.
"""

from __future__ import annotations

import email
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli import ROOT, run_cli
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import add_mail

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # "write this to the clipboard"


@pytest.fixture
def mail(make_db: MakeDb) -> tuple[Db, int]:
    db = make_db("sqlite", 17)
    return db, add_mail(db, email_to="ana@example.org").id


def message_id(data: bytes) -> str:
    return str(email.message_from_bytes(data)["Message-Id"])


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_export_eml_writes_0600_and_replaces_only_with_force(
    tmp_path: Path, mail: tuple[Db, int]
) -> None:
    db, mail_id = mail
    target = tmp_path / "out.eml"
    done = run_cli("export-eml", str(mail_id), "-o", str(target), "--db", db.url)
    assert done.returncode == 0, done.stderr
    assert mode(target) == 0o600
    exported = message_id(target.read_bytes())

    target.write_bytes(b"keep me")
    target.chmod(0o644)
    refused = run_cli("export-eml", str(mail_id), "-o", str(target), "--db", db.url)
    assert refused.returncode == 2 and "exists (add --force" in refused.stderr
    assert target.read_bytes() == b"keep me"

    forced = run_cli("export-eml", str(mail_id), "-o", str(target), "--force", "--db", db.url)
    assert forced.returncode == 0, forced.stderr
    assert message_id(target.read_bytes()) == exported and mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.glob("*out.eml*")) == ["out.eml"]  # no leftover


@pytest.mark.parametrize("force", [False, True])
def test_export_eml_never_writes_through_a_symbolic_link(
    tmp_path: Path, mail: tuple[Db, int], force: bool
) -> None:
    db, mail_id = mail
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    link = tmp_path / "out.eml"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.eml"
    dangling.symlink_to(tmp_path / "nowhere" / "created.eml")
    extra = ["--force"] if force else []
    for target in (link, dangling):
        done = run_cli("export-eml", str(mail_id), "-o", str(target), *extra, "--db", db.url)
        assert done.returncode == 2, done
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and f"Cannot write {target}: it is a symbolic link" in lines[0]
        assert target.is_symlink()
    assert victim.read_text() == "precious\n" and mode(victim) == 0o644
    assert not (tmp_path / "nowhere").exists()


def test_export_eml_all_writes_every_file_0600(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    mail_id = add_mail(db, partners=(("Ana", "ana@example.org"), ("Bruno", "bruno@example.net"))).id
    done = run_cli(
        "export-eml", str(mail_id), "-o", str(tmp_path / "all.eml"), "--all", "--db", db.url
    )
    assert done.returncode == 0, done.stderr
    assert [mode(tmp_path / n) for n in ("all-1.eml", "all-2.eml")] == [0o600, 0o600]


def export_to_a_terminal(db: Db, mail_id: int) -> tuple[int, bytes, str]:
    """Run export-eml -o - with a pseudo-terminal as stdout: (exit code, what the terminal
    received, stderr)."""
    primary, secondary = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "ODOO_MAILQ_DB"}
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "console",
                "export-eml",
                str(mail_id),
                "-o",
                "-",
                "--db",
                db.url,
            ],
            stdout=secondary,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
        )
        os.close(secondary)
        received = b""
        while True:
            ready, _, _ = select.select([primary], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not chunk:
                break
            received += chunk
        _, stderr = process.communicate(timeout=60)
        return process.returncode, received, stderr.decode()
    finally:
        os.close(primary)


def test_export_eml_to_a_terminal_refuses_escape_sequences(tmp_path: Path, make_db: MakeDb) -> None:
    db = make_db("sqlite", 17)
    hostile = add_mail(db, email_to="ana@example.org", subject=f"Invoice {OSC52} 42").id
    plain = add_mail(db, email_to="ana@example.org", subject="Invoice 43").id

    code, received, stderr = export_to_a_terminal(db, hostile)
    assert code == 2, stderr
    assert b"\x1b" not in received and b"Invoice" not in received
    lines = stderr.splitlines()
    assert len(lines) == 1 and "escape sequences" in lines[0] and "-o FILE" in lines[0]

    code, received, stderr = export_to_a_terminal(db, plain)
    assert code == 0, stderr
    assert b"Invoice 43" in received

    # To a pipe (or a file) the exact bytes, escapes included: it is the message.
    piped = run_cli("export-eml", str(hostile), "-o", "-", "--db", db.url, binary=True)
    assert piped.returncode == 0 and b"\x1b]52;c;" in piped.stdout


def test_the_state_directory_is_private_and_the_sample_copy_0600(tmp_path: Path) -> None:
    env = {"XDG_STATE_HOME": str(tmp_path)}
    state = tmp_path / "odoo-mailq"
    assert run_cli("status", env=env).returncode == 0
    assert mode(state) == 0o700 and mode(state / "sample.sqlite") == 0o600
    assert run_cli("retry", "509", "--yes", env=env).returncode == 0
    assert mode(state / "journal.jsonl") == 0o600
    # What an older version left (0755, 0644) is tightened on the next start.
    state.chmod(0o755)
    (state / "sample.sqlite").chmod(0o644)
    assert run_cli("status", env=env).returncode == 0
    assert mode(state) == 0o700 and mode(state / "sample.sqlite") == 0o600
    assert run_cli("status", "--reset-sample", env=env).returncode == 0
    assert mode(state / "sample.sqlite") == 0o600
    assert not list(state.glob("*.partial"))


async def test_the_tui_export_never_writes_through_a_link_and_overwrites_0600(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers.tui import SIZE, make_app, open_detail, settle, started

    mail_id = 512  # a failed mail of the sample (one message)

    monkeypatch.chdir(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / f"mail-{mail_id}.eml"
    target.symlink_to(victim)
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await open_detail(pilot, app, mail_id)
        await pilot.press("e", "enter")
        await settle(pilot, app)
        _title, text, severity = app.toasts[-1]
        assert severity == "error" and f"{target}: it is a symbolic link" in text
        assert victim.read_text() == "precious\n" and target.is_symlink()

        target.unlink()
        target.write_bytes(b"old export")
        target.chmod(0o644)
        await pilot.press("e", "enter")  # exists: asks first
        await settle(pilot, app)
        await pilot.press("tab", "enter")  # overwrite, confirmed
        await settle(pilot, app)
        assert app.toasts[-1][2] == "information", app.toasts[-1]
    assert message_id(target.read_bytes()).startswith("<") and mode(target) == 0o600
