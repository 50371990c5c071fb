"""The console's App as the command line builds it, on one database: the same options
whether it opens directly or from the fleet screen."""

from __future__ import annotations

import argparse
from datetime import tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.backends.base import MailQueueBackend
    from console.config.connection import ConnectionSettings
    from console.tui.app import MailQueueApp


def console_app(
    settings: ConnectionSettings, tz: tzinfo, args: argparse.Namespace, *, from_fleet: bool
) -> MailQueueApp:
    """The App on ``settings``, with the options of ``args`` (``args.keymap`` checked)."""
    from console.tui.app import MailQueueApp

    def connect() -> MailQueueBackend:
        # Runs in the connect worker: SQLAlchemy loads after the first paint, and a bad URL
        # or password ends the app with exit code 2 and the one-line reason (fatal_error).
        from console.backends.connect import open_backend

        return open_backend(settings)

    return MailQueueApp(
        connect,
        tz=tz,
        refresh_seconds=args.refresh,
        journal_path=args.journal,
        odoo_user=args.odoo_user,
        send_policy=args.send_policy,
        log_path=args.log,
        daily_limit=args.daily_limit,
        keymap=args.keymap,
        from_fleet=from_fleet,
    )
