"""The fleet's own option, shared by the main parser (the TUI's fleet screen), `fleet`
and `check --all-databases`; argparse alone, so the TUI's start loads nothing more."""

from __future__ import annotations

import argparse


def add_http_host(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    """--http-host: what a fleet's dbfilter sees for %h and %d (README "Fleet")."""
    parser.add_argument(
        "--http-host",
        metavar="HOST",
        default=argparse.SUPPRESS if sub else None,
        help="the host name odoo.conf's dbfilter sees for %%h and %%d (default: any host)",
    )
