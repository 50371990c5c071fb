"""Where the API key of an Odoo external-API connection comes from: never the command
line. ``$ODOO_MAILQ_API_KEY``, a key file only its owner can read, or a prompt."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

from console.domain.errors import UsageError

KEY_ENV = "ODOO_MAILQ_API_KEY"


def api_key(key_file: Path | None, environ: Mapping[str, str]) -> str:
    """The key: from ``key_file`` (mode 0600 or stricter), else the environment, else a
    prompt on a terminal; UsageError in one line otherwise."""
    if key_file is not None:
        return _from_file(key_file)
    key = environ.get(KEY_ENV, "").strip()
    if key:
        return key
    if sys.stdin.isatty():
        import getpass

        key = getpass.getpass("Odoo API key (not shown): ").strip()
        if key:
            return key
    raise UsageError(
        f"No API key: set ${KEY_ENV}, give --api-key-file PATH (readable only by you), "
        "or run in a terminal to be asked"
    )


def _from_file(path: Path) -> str:
    try:
        info = path.stat()
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot read the API key file {path}: {exc.strerror}") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError(f"The API key file {path} can be read by others: chmod 600 {path} first")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise UsageError(f"The API key file {path} belongs to another user")
    key = text.strip()
    if not key or "\n" in key:
        raise UsageError(f"The API key file {path} must hold the key alone, on one line")
    return key
