"""Start-up: the first frame needs only the header, the tab row, the Outgoing list and the
footer; everything else loads after it (bench/startup.py measures the time, these tests
keep the shape that makes it fast)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from console.tui.pane_set import PANES
from console.tui.panes.pane import Pane
from tests.helpers.tui import SIZE, make_app, settle, started

# Loaded after the first frame, or only by the command that needs them.
NOT_BEFORE_THE_FIRST_FRAME = (
    "console.cli.actions",
    "console.cli.triage",
    "console.cli.support",
    "console.domain.health",
    "console.domain.models",
    "console.services.health",
    "console.config.odoo_conf",  # only with -c
    "console.tui.controllers.action_runner",
    "console.tui.panes.aliases_pane",
    "console.tui.panes.campaigns_pane",
    "console.tui.panes.causes_pane",
    "console.tui.commands",
    "console.tui.screens.confirm_screen",
    "console.tui.panes.crons_pane",
    "console.tui.screens.detail_screen",
    "console.tui.panes.health_pane",
    "console.tui.panes.logs_pane",
    "console.tui.controllers.support_actions",
    "sqlalchemy",
    "psycopg",
)


def test_the_tui_path_imports_only_what_the_first_frame_draws() -> None:
    """What `odoo-mailq --db URL` imports before App.run(): no command, pane or driver."""
    code = (
        "import sys\n"
        "from console.cli.main import parse_arguments\n"
        "args = parse_arguments(['--db', 'postgresql://odoo@db/acme', '--refresh', '2'])\n"
        "assert args.command is None and args.refresh == 2.0, args\n"
        "from console.config.connection import precheck_target\n"
        "from console.tui.app import MailQueueApp\n"
        "from console.tui.pane_set import first_pane\n"
        "import console.tui.panes.mail_table\n"
        f"bad = [m for m in {NOT_BEFORE_THE_FIRST_FRAME!r} if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_command_still_gets_its_own_parser() -> None:
    from console.cli.main import parse_arguments

    args = parse_arguments(["--db", "sqlite:///x.sqlite", "mails", "--state", "failed"])
    assert args.command == "mails" and args.state == "failed" and args.db == "sqlite:///x.sqlite"
    args = parse_arguments(["status", "--json", "--db", "sqlite:///y.sqlite"])
    assert args.command == "status" and args.json and args.db == "sqlite:///y.sqlite"


def test_bad_options_fail_in_one_line_before_the_screen(tmp_path: Path) -> None:
    for argv, expected in (
        (["--refresh", "soon"], "argument --refresh: invalid float value: 'soon'"),
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["--db", "not a url"], "--db: not a database URL"),
        (["status", "--refresh", "2"], "unrecognized arguments: --refresh 2"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "console", *argv],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,
            timeout=60,
        )
        assert result.returncode == 2, (argv, result.stderr)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and expected in lines[0], (argv, result.stderr)


async def test_the_first_frame_has_one_pane_and_a_key_pressed_at_once_still_works(
    sample_path: Path,
) -> None:
    app = make_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        # The first frame: the Outgoing list alone; the other panes come right after it.
        assert [p.id for p in app.query(Pane)] == ["outgoing"]
        assert not app.panes_mounted.is_set()
        await pilot.press("6")  # before the Health pane exists
        await started(pilot, app)
        await settle(pilot, app)
        assert sorted(p.id or "" for p in app.query(Pane)) == sorted(p[1] for p in PANES)
        assert [p.id for p in app.query(Pane) if p.display] == ["health"]
        assert app.visible_pane().id == "health"
        await pilot.press("1")
        await settle(pilot, app)
        assert [p.id for p in app.query(Pane) if p.display] == ["outgoing"]
