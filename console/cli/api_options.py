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


TARGET_KEYS = ("db", "odoo_config", "url", "odoo_db", "login", "api_key_file", "api_key")


def apply_profile(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> None:
    """Fill the options the command line left out from --profile's settings: a target
    given on the command line replaces the profile's whole target, any other option given
    there (``--no-read-only`` included) wins over the profile's."""
    from console.config.profiles import PROFILE_ENV, load_profile

    name = getattr(args, "profile", None) or environ.get(PROFILE_ENV)
    if not name:
        return
    given = {key for key in ("db", "odoo_config", "url") if getattr(args, key, None)}
    for key, value in load_profile(name, environ).items():
        if given and key in TARGET_KEYS:
            continue
        if key == "api_key":
            if not getattr(args, "api_key_file", None):
                args.profile_api_key = value
        elif getattr(args, key, None) is None:
            setattr(args, key, str(value) if key == "concurrency" else value)


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
        "api_key": getattr(args, "profile_api_key", None)
        or api_key(getattr(args, "api_key_file", None), os.environ),
    }
