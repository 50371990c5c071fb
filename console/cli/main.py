# PYTHON_ARGCOMPLETE_OK (argcomplete: odoo-mailq completes itself, see console/cli/shell.py)
"""Command line: the TUI by default, scriptable subcommands with --json.

Exit codes: 0 success, 2 usage or connection errors (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from console.cli.connection_options import add_connection_options
from console.cli.exit_codes import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK
from console.domain.errors import ConnectionFailed, ConsoleError, UsageError

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings

T = TypeVar("T")
PROG = "odoo-mailq"


class _Parser(argparse.ArgumentParser):
    """argparse that fails in one line and with our exit code."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _version() -> str:
    """The installed package's version (a source tree that is not installed: unknown)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PROG)
    except PackageNotFoundError:
        return "(not installed)"


class _VersionAction(argparse.Action):
    """argparse's "version" action, reading the version only when it is asked for (the
    package metadata costs more than parsing), so the main parser can always have it."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.update(nargs=0, default=argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        print(f"{PROG} {_version()}")
        parser.exit()


def _main_parser(*, add_help: bool = True) -> argparse.ArgumentParser:
    """The options before any command (the TUI's), without the commands."""
    parser = _Parser(
        prog=PROG,
        description="Operator console for the outgoing mail queue of an Odoo database.",
        add_help=add_help,
    )
    # Without a command, --version is answered here: the commands' parsers are not built.
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    add_connection_options(parser, sub=False)
    parser.add_argument(
        "--refresh",
        metavar="SECONDS",
        type=float,
        default=5.0,
        help="TUI auto-refresh period (0 turns it off; default 5)",
    )
    # These four also exist on the commands that use them, with SUPPRESSed defaults there:
    # given before or after the command they work, and after the command wins.
    parser.add_argument(
        "--odoo-user",
        metavar="LOGIN",
        help="actions act as this Odoo user (default: the superuser, uid 1)",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        metavar="PATH",
        help="the journal file of actions (default: ~/.local/state/odoo-mailq/journal.jsonl)",
    )
    parser.add_argument(
        "--log",
        type=Path,
        metavar="PATH",
        help="Odoo's log file for the Logs pane and `logs` (default: odoo.conf logfile, "
        "~/logs/odoo.log)",
    )
    parser.add_argument(
        "--daily-limit",
        type=int,
        metavar="N",
        help="health check: the provider's daily sending limit",
    )
    parser.add_argument(
        "--all-databases",
        action="store_true",
        help="open the fleet screen (every Odoo database of the server) even when the "
        "target names a database",
    )
    from console.cli.fleet_options import add_http_host
    from console.cli.send_options import add_send_options

    add_http_host(parser, sub=False)
    add_send_options(parser, sub=False)  # for the TUI's Send now
    return parser


def build_parser(*, reads_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; `reads_only`: the read commands alone (status, mails,
    crons, envelopes, campaigns), for one of them: the other commands' modules stay
    unloaded."""
    parser = _main_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def sub(name: str, help_text: str) -> argparse.ArgumentParser:
        command = subparsers.add_parser(name, help=help_text, description=help_text)
        add_connection_options(command, sub=True)
        command.add_argument("--json", action="store_true", help="machine-readable output")
        return command

    sub("status", "counts per state and the Odoo version")
    mails = sub("mails", "list mails, newest first")
    from console.domain.states import CLI_STATE_FILTERS

    mails.add_argument("--state", choices=sorted(CLI_STATE_FILTERS), default="all")
    mails.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    mails.add_argument(
        "--grep",
        metavar="TEXT",
        default="",
        help="address/subject/reason/id filter, or a document: account.move or account.move,1401",
    )
    sub("crons", "the scheduled actions, with overdue and running flags")
    envelopes = sub(
        "envelopes",
        "the chatter's red envelopes: messages with a failed e-mail recipient, newest first",
    )
    envelopes.add_argument("--limit", type=int, default=50, help="messages (default 50)")
    sub("campaigns", "queued mass mailings in the order Odoo sends them")
    if reads_only:
        return parser
    from console.cli.action_parsers import add_action_parsers
    from console.cli.command_parsers import (
        add_blacklist_parsers,
        add_bounce_parsers,
        add_fleet_parser,
        add_triage_parsers,
    )
    from console.cli.support import add_support_parsers

    add_fleet_parser(sub)
    add_action_parsers(sub)
    add_blacklist_parsers(sub)
    add_triage_parsers(sub)
    add_support_parsers(sub)
    add_bounce_parsers(sub)
    from console.cli.shell import add_shell_parsers

    add_shell_parsers(subparsers)
    from console.cli.charts import add_chart_parsers

    add_chart_parsers(sub)
    from console.cli.metrics import add_metrics_parser

    add_metrics_parser(sub)
    return parser


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments; the commands' parsers (and their modules) only when a command is given.

    Without a command the TUI opens: the main options alone decide it, so its start does
    not wait for every command's parser. Anything left over (a command, --help, an unknown
    option, a bad value) goes to the full parser, which also gives the errors.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not any(a in ("-h", "--help") for a in arguments):
        try:
            args, rest = _main_parser(add_help=False).parse_known_args(arguments)
        except UsageError:
            rest = arguments  # the full parser says it, with its usage
        if not rest:
            args.command = None
            return args
        from console.cli.reads import READ_COMMANDS

        if rest[0] in READ_COMMANDS:  # a read command: its parser, not every command's
            return build_parser(reads_only=True).parse_args(arguments)
    return build_parser().parse_args(arguments)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None and "_ARGCOMPLETE" in os.environ:  # the shell asks for completions
        from console.cli.shell import complete

        complete(build_parser)
    args: argparse.Namespace | None = None
    try:
        args = parse_arguments(argv)
        return _dispatch(args)
    except ConsoleError as exc:
        _fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: still one line unless --debug
        if args is not None and getattr(args, "debug", False):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        return EXIT_INTERNAL


def _fail(message: str) -> None:
    from console.domain.sanitize import one_line

    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)


def _settings(args: argparse.Namespace) -> ConnectionSettings:
    from console.cli.api_options import api_settings
    from console.config.connection import ConnectionSettings

    if args.statement_timeout <= 0:
        raise UsageError("--statement-timeout must be a positive number of seconds")
    return ConnectionSettings(
        db_url=args.db,
        odoo_config=args.odoo_config,
        database=args.database,
        read_only=bool(args.read_only),
        statement_timeout_ms=int(args.statement_timeout * 1000),
        reset_sample=args.reset_sample,
        data_dir=args.data_dir,
        **api_settings(args),
    )


def _dispatch(args: argparse.Namespace) -> int:
    from console.cli.shell import SHELL_COMMANDS, dispatch_shell

    if args.command in SHELL_COMMANDS:  # completion, help: no database
        return dispatch_shell(args)
    from console.cli.api_options import apply_profile
    from console.domain.timefmt import resolve_timezone

    apply_profile(args)  # before anything reads an option a profile may set
    tz = resolve_timezone(args.tz)
    settings = _settings(args)
    if args.command in (None, "send"):
        from console.cli.send_options import send_policy

        args.send_policy = send_policy(args, dict(os.environ))
    if args.command is None:
        return _run_tui(settings, tz, args)
    if args.command == "audit":
        from console.cli.actions import audit_text
        from console.cli.logs import configured_mask

        print(audit_text(args, configured_mask(settings)))
        return EXIT_OK
    if args.command == "fleet" or (args.command == "check" and args.all_databases):
        from console.cli.fleet import check_all, run_fleet

        return run_fleet(settings, args) if args.command == "fleet" else check_all(settings, args)
    from console.cli.reads import READ_COMMANDS, quick_status

    if args.command in READ_COMMANDS:
        output = quick_status(settings, args, tz) if args.command == "status" else None
        if output is None:
            output = _on_backend(settings, lambda b: READ_COMMANDS[args.command](b, args, tz))
        print(output)
        return EXIT_OK
    from console.cli.support import SUPPORT_COMMANDS, dispatch_support

    if args.command in SUPPORT_COMMANDS:
        return dispatch_support(settings, args, tz)
    from console.cli.blacklist import BLACKLIST_COMMANDS, dispatch_blacklist

    if args.command in BLACKLIST_COMMANDS:
        return dispatch_blacklist(settings, args, tz)
    from console.cli.triage import TRIAGE_COMMANDS, dispatch_triage

    if args.command in TRIAGE_COMMANDS:
        return dispatch_triage(settings, args, tz)
    from console.cli.bounces import BOUNCE_COMMANDS, dispatch_bounces

    if args.command in BOUNCE_COMMANDS:
        return dispatch_bounces(settings, args, tz)
    from console.cli.charts import CHART_COMMANDS, dispatch_charts

    if args.command in CHART_COMMANDS:
        return dispatch_charts(settings, args, tz)
    if args.command == "metrics":
        from console.cli.metrics import run_metrics

        return run_metrics(settings, args)
    from console.cli.actions import run_action

    output, code = _on_backend(settings, lambda backend: run_action(backend, args))
    print(output)
    return code


def _on_backend(settings: ConnectionSettings, work: Callable[[MailQueueBackend], T]) -> T:
    """`work` on a backend opened for it and closed after."""
    from console.backends.connect import open_backend

    backend = open_backend(settings)
    try:
        return work(backend)
    finally:
        backend.close()


def _run_tui(settings: ConnectionSettings, tz: tzinfo, args: argparse.Namespace) -> int:
    from console.config.connection import precheck_target

    if args.refresh < 0:
        raise UsageError("--refresh must be 0 (off) or a positive number of seconds")

    from console.config.keymap import load_keymap

    keymap = load_keymap()
    if keymap:  # a wrong key map fails here, in one line, not as a dead key at night
        from console.tui.keymap import checked_keymap

        keymap = checked_keymap(keymap)
    args.keymap = keymap
    from console.config.server_target import wants_fleet

    if args.all_databases or wants_fleet(settings):
        from console.cli.fleet_tui import run_fleet_tui

        return run_fleet_tui(settings, tz, args)
    precheck_target(settings)  # a malformed target fails before the screen opens
    from console.cli.console_app import console_app

    app = console_app(settings, tz, args, from_fleet=False)
    app.run()
    if app.fatal_error:
        raise ConnectionFailed(app.fatal_error)
    return int(app.return_code or 0)
