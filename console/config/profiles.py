"""Named connection profiles in the configuration file, so that an operator types
``--profile acme`` at 3 a.m. rather than a URL, a database and a login.

``$ODOO_MAILQ_CONFIG``, else ``$XDG_CONFIG_HOME/odoo-mailq/config.toml`` (by default
``~/.config/odoo-mailq/config.toml``)::

    [profiles.acme]              # Odoo Online, over its external API
    url = "https://acme.odoo.com"
    odoo_db = "acme"
    login = "admin@acme.com"
    api_key_file = "~/.config/odoo-mailq/acme.key"   # chmod 600

    [profiles.prod]              # on premise, with database access
    odoo_config = "/etc/odoo/odoo.conf"
    read_only = true

Secrets never live in this file: an API key goes in its own file readable only by its
owner, a database password in ``~/.pgpass`` or odoo.conf.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from console.domain.errors import UsageError

CONFIG_ENV = "ODOO_MAILQ_CONFIG"
PROFILE_ENV = "ODOO_MAILQ_PROFILE"
TEXT_KEYS = ("url", "odoo_db", "login", "db", "database")
PATH_KEYS = ("api_key_file", "odoo_config", "data_dir")
FLAG_KEYS = ("read_only",)
SECRET_KEYS = ("api_key", "password", "key")


def config_path(environ: Mapping[str, str]) -> Path:
    given = environ.get(CONFIG_ENV)
    if given:
        return Path(given).expanduser()
    from console.config.paths import user_config_dir

    return user_config_dir(environ) / "config.toml"


def load_profile(name: str, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The profile's settings, keyed like the command-line options (``odoo_db``,
    ``api_key_file``...); UsageError in one line for anything wrong with it."""
    path = config_path(environ)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise UsageError(f"No configuration file {path} for --profile {name!r}") from None
    except OSError as exc:
        raise UsageError(f"Cannot read the configuration file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"The configuration file {path} is not valid TOML: {exc}") from None
    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict) or not isinstance(profiles.get(name), dict):
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) else ""
        raise UsageError(
            f"No profile {name!r} in {path}" + (f" (it has: {known})" if known else "")
        )
    return _checked(profiles[name], name, path)


def _checked(raw: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"profile {name!r} in {path}"
        if key in SECRET_KEYS:
            raise UsageError(
                f"{where} holds a secret ({key}): put the API key in a file readable only "
                "by you and name it with api_key_file"
            )
        wanted = bool if key in FLAG_KEYS else str if key in TEXT_KEYS else None
        if wanted is not None and isinstance(value, wanted):
            settings[key] = value
        elif key in PATH_KEYS and isinstance(value, str):
            settings[key] = Path(value).expanduser()
        else:
            allowed = ", ".join((*TEXT_KEYS, *PATH_KEYS, *FLAG_KEYS))
            raise UsageError(f"{where}: {key!r} is not a known setting or has the wrong type "
                             f"(known: {allowed})")  # fmt: skip
    db_url = settings.get("db", "")
    if "@" in db_url and ":" in db_url.split("@")[0].split("//")[-1]:
        raise UsageError(
            f"profile {name!r} in {path} has a password in its db URL: put it in ~/.pgpass "
            "or use odoo_config"
        )
    return settings
