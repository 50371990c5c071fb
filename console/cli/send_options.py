"""Send now's SMTP connection options, shared by the `send` command and the TUI.

Kept apart from the subcommand modules: the TUI's start path parses them and must not
import the write commands before the first frame.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.smtp.concurrency import ConcurrencyPolicy


def add_send_options(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    """How many SMTP connections Send now opens (the `send` command and the TUI)."""
    from console.smtp.concurrency import DEFAULT_CONCURRENCY, ENV_SERVER_CONCURRENCY

    # In `send` the defaults are suppressed so they never overwrite the main parser's.
    parser.add_argument(
        "--concurrency",
        metavar="N",
        default=argparse.SUPPRESS if sub else None,
        help=f"Send now: SMTP connections per server (default {DEFAULT_CONCURRENCY}, or the "
        "limit the provider publishes)",
    )
    parser.add_argument(
        "--server-concurrency",
        metavar="NAME_OR_HOST=N",
        action="append",
        default=argparse.SUPPRESS if sub else None,
        help="Send now: connections for one server, by its name in Odoo or its host "
        f"(repeatable; also ${ENV_SERVER_CONCURRENCY}=NAME_OR_HOST=N,...)",
    )


def send_policy(args: argparse.Namespace, environ: dict[str, str]) -> ConcurrencyPolicy:
    """The ConcurrencyPolicy of --concurrency, --server-concurrency and the environment;
    a one-line UsageError when one of them is wrong (before connecting)."""
    from console.smtp.concurrency import resolve_policy

    raw = getattr(args, "concurrency", None)
    return resolve_policy(raw, getattr(args, "server_concurrency", None) or (), environ)
