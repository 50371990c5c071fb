"""How many SMTP connections Send now opens, as the operator sets it: ``--concurrency``,
``--server-concurrency NAME_OR_HOST=N`` and ``$ODOO_MAILQ_SERVER_CONCURRENCY`` on the
``send`` command and the TUI, validated before anything connects, and reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot

from console.smtp.concurrency import ENV_SERVER_CONCURRENCY, resolve_policy
from testkit.net import free_port
from testkit.smtp_server import SmtpTestServer
from tests.helpers.cli import assert_one_line_error, run_cli
from tests.helpers.db import sql
from tests.helpers.tui import SIZE, RecordingApp, dialog, make_app, pane, settle, started


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (["send", "1", "--concurrency", "0"], {}, "--concurrency: the number of connections"),
        (["send", "1", "--concurrency", "many"], {}, "whole number from 1 to 32, not 'many'"),
        (["send", "1", "--server-concurrency", "relay"], {}, "expected NAME_OR_HOST=N"),
        (["send", "1", "--server-concurrency", "=3"], {}, "expected NAME_OR_HOST=N"),
        (["send", "1", "--server-concurrency", "relay=33"], {}, "--server-concurrency relay"),
        (["send", "1"], {ENV_SERVER_CONCURRENCY: "relay=2,oops"}, f"${ENV_SERVER_CONCURRENCY}"),
        (["--concurrency", "-1"], {}, "--concurrency"),  # the TUI refuses before it opens
        (["--server-concurrency", "x=0"], {}, "--server-concurrency x"),
    ],
)
def test_bad_concurrency_gives_one_line_and_exit_2(
    args: list[str], env: dict[str, str], fragment: str
) -> None:
    # A database nobody listens on: the options are refused before connecting (else the
    # error would be the refused connection, or the TUI would open).
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/odoo"
    assert_one_line_error(run_cli(*args, "--db", closed, env=env), fragment)


def outgoing_mail(path: Path) -> int:
    return int(
        str(
            sql(
                path,
                "SELECT id FROM mail_mail WHERE state = 'outgoing' AND mailing_id IS NULL "
                "ORDER BY id DESC LIMIT 1",
            )[0][0]
        )
    )


def point_servers(path: Path, port: int) -> None:
    """Every server of the sample to the test SMTP server."""
    sql(
        path,
        "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = ?, "
        "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL, "
        "smtp_authentication = 'login'",
        port,
    )


def test_send_json_says_the_connections_per_server(sample_path: Path) -> None:
    target = outgoing_mail(sample_path)
    with SmtpTestServer() as smtp:
        point_servers(sample_path, smtp.port)
        db = f"sqlite:///{sample_path}"
        result = run_cli(
            "send", str(target), "--db", db, "--yes", "--json",
            "--server-concurrency", "127.0.0.1=2",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out["applied"] == [target]
        (used,) = out["connections"]
        assert used["host"] == "127.0.0.1" and used["connections"] == 1
        assert (used["limit"], used["limit_source"]) == (2, "--server-concurrency")
        assert out["possibly_delivered"] == []
        assert (
            "Connections: '" in out["message"]
            and "limit 2 (--server-concurrency)" in (out["message"])
        )

        second = outgoing_mail(sample_path)
        env = {ENV_SERVER_CONCURRENCY: "127.0.0.1=3"}
        text = run_cli("send", str(second), "--db", db, "--yes", env=env)
        assert text.returncode == 0, text.stderr
        assert f"limit 3 (${ENV_SERVER_CONCURRENCY})" in text.stdout
    assert len(smtp.received) >= 2


async def test_tui_send_now_uses_the_policy_it_was_given(sample_path: Path) -> None:
    target = outgoing_mail(sample_path)
    with SmtpTestServer() as smtp:
        point_servers(sample_path, smtp.port)
        app = make_app(sample_path, send_policy=resolve_policy(None, ["127.0.0.1=2"]))
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot, app)
            await pilot.press("slash", *str(target), "enter")
            await settle(pilot, app)
            assert pane(app, "outgoing").cursor_id() == target
            await pilot.press("S")
            await pilot.pause()
            await confirm_send(pilot, app)
            title, message, _severity = app.toasts[-1]
    assert title == "Send now"
    assert "Sent 1 mail" in message and "limit 2 (--server-concurrency)" in message
    left = sql(sample_path, "SELECT state FROM mail_mail WHERE id = ?", target)
    assert left in ([], [("sent",)])  # sent, or removed by auto_delete as Odoo does
    assert len(smtp.received) >= 1


async def confirm_send(pilot: Pilot[None], app: RecordingApp) -> None:
    screen = dialog(app)
    await pilot.press("tab")
    assert screen.focused is not None and screen.focused.id == "confirm-go"
    await pilot.press("enter")
    for _ in range(500):
        await pilot.pause(0.02)
        if app.action_running is None:
            break
    await settle(pilot, app)


def test_the_options_load_nothing_heavy() -> None:
    """The CLI checks them before the TUI's first paint: no database or SMTP library."""
    code = (
        "import sys, console.cli.actions, console.smtp.concurrency; "
        "print(sorted(m for m in ('sqlalchemy', 'aiosmtplib', 'textual') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
