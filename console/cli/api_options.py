"""The options of a connection over Odoo's external API: --url, --odoo-db, --login,
--api-key-file (the key itself is never an option: it would show in ps), and --profile,
a named set of connection options from the configuration file."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from console.domain.errors import UsageError


def add_api_options(group: argparse._ArgumentGroup, default: Callable[[Any], Any]) -> None:
    group.add_argument(
        "--profile",
        metavar="NAME",
        default=default(None),
        help="a named connection from ~/.config/odoo-mailq/config.toml ($ODOO_MAILQ_CONFIG); "
        "options given here win (default: $ODOO_MAILQ_PROFILE)",
    )
    group.add_argument(
        "--url",
        metavar="URL",
        default=default(None),
        help="Odoo's web address, for its external API instead of the database (Odoo Online "
        "offers the API on Custom plans only): https://acme.odoo.com",
    )
    group.add_argument(
        "--odoo-db", metavar="NAME", default=default(None), help="the Odoo database (with --url)"
    )
    group.add_argument(
        "--login", metavar="LOGIN", default=default(None), help="the Odoo user (with --url)"
    )
    group.add_argument(
        "--api-key-file",
        metavar="PATH",
        type=Path,
        default=default(None),
        help="a file holding the user's API key, readable only by you (default: "
        "$ODOO_MAILQ_API_KEY, else a prompt)",
    )


def apply_profile(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> None:
    """Fill the connection options the command line left out from --profile's settings."""
    from console.config.profiles import PROFILE_ENV, load_profile

    name = getattr(args, "profile", None) or environ.get(PROFILE_ENV)
    if not name:
        return
    given = {key for key in ("db", "odoo_config", "url") if getattr(args, key, None)}
    for key, value in load_profile(name, environ).items():
        if given and key in ("db", "odoo_config", "url", "odoo_db", "login", "api_key_file"):
            continue  # a target on the command line replaces the profile's whole target
        if not getattr(args, key, None):
            setattr(args, key, value)


def api_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The API part of the connection settings (empty without --url)."""
    url = getattr(args, "url", None)
    if not url:
        if getattr(args, "odoo_db", None) or getattr(args, "login", None):
            raise UsageError("--odoo-db and --login go with --url (Odoo's external API)")
        return {}
    if args.db or args.odoo_config:
        raise UsageError("Give either --url (Odoo's API) or --db / -c (the database), not both")
    if not url.startswith(("https://", "http://")):
        raise UsageError(f"--url must start with https:// (or http://), not {url[:40]!r}")
    if not args.odoo_db or not args.login:
        raise UsageError("--url needs --odoo-db NAME and --login LOGIN")
    from console.config.api_key import api_key

    return {
        "api_url": url,
        "odoo_db": args.odoo_db,
        "login": args.login,
        "api_key": api_key(getattr(args, "api_key_file", None), os.environ),
    }
