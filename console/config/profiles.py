"""Named connection profiles in the configuration file, so that an operator types
``--profile acme`` at 3 a.m. rather than a URL, a database and a login.

``$ODOO_MAILQ_CONFIG``, else ``config.toml`` in the user's configuration folder
(console.config.paths: ``$XDG_CONFIG_HOME/odoo-mailq``, by default
``~/.config/odoo-mailq``; on macOS ``~/Library/Application Support/odoo-mailq``)::

    [profiles.acme]              # Odoo Online, over its external API
    url = "https://acme.odoo.com"
    odoo_db = "acme"
    login = "admin@acme.example"
    api_key_file = "~/.config/odoo-mailq/acme.key"   # chmod 600

    [profiles.prod]              # on premise, with database access
    odoo_config = "/etc/odoo/odoo.conf"
    read_only = true             # --read-write to act
    tz = "Europe/Brussels"
    daily_limit = 10000
    concurrency = 8
    server_concurrency = { "Office 365" = 3 }

    [keymap]                     # the console's keys, by binding id (help keys)
    "mail.retry" = "ctrl+r"

A secret (``api_key``, or a password in ``db``) is refused unless the file is readable by
its owner alone, as ssh refuses a private key others can read.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.domain.errors import UsageError

CONFIG_ENV = "ODOO_MAILQ_CONFIG"
PROFILE_ENV = "ODOO_MAILQ_PROFILE"
TEXT_KEYS = ("url", "odoo_db", "login", "db", "database", "tz")
PATH_KEYS = ("api_key_file", "odoo_config", "data_dir")
FLAG_KEYS = ("read_only",)
COUNT_KEYS = ("daily_limit", "concurrency")  # positive whole numbers
SECRET_KEYS = ("api_key",)  # allowed only in a file its owner alone can read
NEVER_KEYS = ("password", "key")  # said where they go instead


def config_path(environ: Mapping[str, str]) -> Path:
    given = environ.get(CONFIG_ENV)
    if given:
        return Path(given).expanduser()
    from console.config.paths import user_config_dir

    return user_config_dir(environ) / "config.toml"


@dataclass(frozen=True, slots=True)
class ConfigFile:
    path: Path
    document: dict[str, Any]  # empty when there is no file
    private: bool  # readable by its owner alone: secrets allowed


def read_config(environ: Mapping[str, str], *, needed_for: str | None) -> ConfigFile:
    """The configuration file: empty when there is none and nothing needs one, a
    UsageError in one line when ``needed_for`` (``--profile x``) needs it."""
    path = config_path(environ)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
            private = _owner_only(os.fstat(handle.fileno()))
    except FileNotFoundError:
        if needed_for is None:
            return ConfigFile(path, {}, private=False)
        raise UsageError(f"No configuration file {path} for {needed_for}") from None
    except OSError as exc:
        raise UsageError(f"Cannot read the configuration file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"The configuration file {path} is not valid TOML: {exc}") from None
    return ConfigFile(path, document, private)


def load_profile(name: str, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The profile's settings, keyed like the command-line options (``odoo_db``,
    ``api_key_file``, ``server_concurrency`` as ``NAME=N`` items...); UsageError in one
    line for anything wrong with it."""
    config = read_config(environ, needed_for=f"--profile {name!r}")
    path, profiles = config.path, config.document.get("profiles", {})
    if not isinstance(profiles, dict) or not isinstance(profiles.get(name), dict):
        known = ", ".join(sorted(profiles)) if isinstance(profiles, dict) else ""
        raise UsageError(
            f"No profile {name!r} in {path}" + (f" (it has: {known})" if known else "")
        )
    return _checked(profiles[name], f"profile {name!r} in {path}", config.private)


def _checked(raw: dict[str, Any], where: str, private: bool) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, value in raw.items():
        if key in NEVER_KEYS or (key in SECRET_KEYS and not private):
            raise UsageError(_secret_refusal(where, key))
        if key in SECRET_KEYS and isinstance(value, str) and value.strip():
            settings[key] = value.strip()
        elif _plain(key, value):
            settings[key] = value
        elif key in PATH_KEYS and isinstance(value, str):
            settings[key] = Path(value).expanduser()
        elif key == "server_concurrency" and isinstance(value, dict):
            settings[key] = _server_limits(value, where)
        else:
            allowed = ", ".join((*TEXT_KEYS, *PATH_KEYS, *FLAG_KEYS, *COUNT_KEYS,
                                 "server_concurrency", *SECRET_KEYS))  # fmt: skip
            raise UsageError(f"{where}: {key!r} is not a known setting or has the wrong type "
                             f"(known: {allowed})")  # fmt: skip
    if _has_password(settings.get("db", "")) and not private:
        raise UsageError(
            f"{where} has a password in its db URL and others can read the file: put it in "
            "~/.pgpass or use odoo_config, or chmod 600 the file"
        )
    return settings


def _secret_refusal(where: str, key: str) -> str:
    if key in NEVER_KEYS:
        return (f"{where} holds {key!r}: a database password goes in the db URL or "
                "~/.pgpass, an API key in api_key (or api_key_file)")  # fmt: skip
    return (f"{where} holds a secret ({key}) and others can read the file: chmod 600 it, "
            "or put the API key in a file of its own and name it with api_key_file")  # fmt: skip


def _owner_only(info: os.stat_result) -> bool:
    """Readable by its owner alone, and that owner is us (ssh's rule for private keys)."""
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _plain(key: str, value: Any) -> bool:
    """A setting taken as it is written: text, a flag or a count of the right type."""
    if key in FLAG_KEYS:
        return isinstance(value, bool)
    if key in COUNT_KEYS:
        return _positive(value)
    return key in TEXT_KEYS and isinstance(value, str)


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _server_limits(table: dict[str, Any], where: str) -> list[str]:
    """``{"Office 365" = 3}`` as the ``NAME_OR_HOST=N`` items --server-concurrency takes."""
    items = []
    for server, limit in table.items():
        if not _positive(limit):
            raise UsageError(f"{where}: server_concurrency {server!r} must be a positive number")
        items.append(f"{server}={limit}")
    return items


def _has_password(db_url: str) -> bool:
    return "@" in db_url and ":" in db_url.split("@")[0].split("//")[-1]
