"""The connection options every command shares (which database, how the session
behaves), before or after the command; argparse alone, so --help loads nothing more."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

# What an option's default becomes: itself, or SUPPRESS in a subcommand.
Default = Callable[[Any], Any]


def add_connection_options(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    # In subcommands the defaults are suppressed so they never overwrite the main parser's.
    def default(value: Any) -> Any:
        return argparse.SUPPRESS if sub else value

    group = parser.add_argument_group("database")
    _add_target_options(group, default)
    _add_session_options(group, default)


def _add_target_options(group: argparse._ArgumentGroup, default: Default) -> None:
    """Which database: a URL, an odoo.conf, a database name."""
    group.add_argument(
        "--db",
        metavar="URL",
        default=default(None),
        help="SQLAlchemy URL: postgresql://user@host:5432/dbname or sqlite:///file.sqlite "
        "(default: $ODOO_MAILQ_DB, else the bundled sample). A password written in the URL "
        "shows in ps to every user of the machine: leave it out and put it in ~/.pgpass or "
        "$PGPASSWORD, or give the URL in $ODOO_MAILQ_DB, or use -c odoo.conf",
    )
    group.add_argument(
        "-c",
        "--odoo-config",
        metavar="PATH",
        type=Path,
        default=default(None),
        help="read db_host/db_port/db_user/db_password/db_name from this odoo.conf",
    )
    group.add_argument(
        "-d", "--database", metavar="NAME", default=default(None), help="database name to use"
    )
    from console.cli.api_options import add_api_options

    add_api_options(group, default)


def _add_session_options(group: argparse._ArgumentGroup, default: Default) -> None:
    """How the session behaves: read-only, time zone, timeout, where the filestore is."""
    group.add_argument(
        "--read-only",
        action=argparse.BooleanOptionalAction,
        default=default(None),
        help="open a read-only database session (--no-read-only: act, even with a profile "
        "that is read-only)",
    )
    group.add_argument(
        "--tz",
        metavar="ZONE",
        default=default(None),
        help="show times in this zone (default: $TZ or the machine's)",
    )
    group.add_argument(
        "--statement-timeout",
        metavar="SECONDS",
        type=float,
        default=default(30.0),
        help="PostgreSQL statement_timeout for every query (default 30)",
    )
    group.add_argument(
        "--data-dir",
        metavar="PATH",
        default=default(None),
        help="Odoo's data_dir, where its filestore keeps attachments (default: odoo.conf's "
        "data_dir, else $ODOO_MAILQ_DATA_DIR, else Odoo's usual places)",
    )
    group.add_argument(
        "--reset-sample",
        action="store_true",
        default=default(False),
        help="copy the bundled sample database afresh",
    )
    group.add_argument(
        "--debug", action="store_true", default=default(False), help=argparse.SUPPRESS
    )
