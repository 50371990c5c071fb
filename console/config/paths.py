"""Where the console keeps its own files, as each platform says, through platformdirs.

On Linux and the BSDs the XDG base directory spec: ``$XDG_STATE_HOME`` (default
``~/.local/state``) and ``$XDG_CONFIG_HOME`` (default ``~/.config``), each followed by
``odoo-mailq``. The spec calls a relative value invalid, to be ignored: it is, here, even
with a platformdirs older than the one that ignores it itself (4.14), so the journal never
lands under whatever folder the console was started from. On macOS an absolute XDG
variable is honoured as well, else ``~/Library/Application Support/odoo-mailq`` (both state
and configuration, as platformdirs says); on Windows, platformdirs' answer.

platformdirs reads the process environment; ``environ`` only decides the XDG variable.
"""

from __future__ import annotations

import os
import posixpath
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from platformdirs.api import PlatformDirsABC

APP = "odoo-mailq"
Kind = Literal["state", "config"]
_VARIABLE: dict[Kind, str] = {"state": "XDG_STATE_HOME", "config": "XDG_CONFIG_HOME"}
_SPEC_DEFAULT: dict[Kind, tuple[str, ...]] = {"state": (".local", "state"), "config": (".config",)}


def user_state_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """The journal and the sample's private copy live here."""
    return _user_dir("state", environ, platform)


def user_config_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """The configuration file (config.toml) lives here."""
    return _user_dir("config", environ, platform)


def _user_dir(kind: Kind, environ: Mapping[str, str], platform: str) -> Path:
    value = environ.get(_VARIABLE[kind], "")
    if platform != "win32" and posixpath.isabs(value):
        return Path(value) / APP
    dirs = _platform_dirs(platform)
    found = Path(dirs.user_state_dir if kind == "state" else dirs.user_config_dir)
    if platform != "win32" and not found.is_absolute():
        # An older platformdirs took the relative variable as it was: the spec's default.
        return Path.home().joinpath(*_SPEC_DEFAULT[kind], APP)
    return found


def _platform_dirs(platform: str) -> PlatformDirsABC:
    """platformdirs' class for ``platform`` (named, so that macOS's answer can be asked on
    any machine), for this application, without version or author folders."""
    if platform == "darwin":
        from platformdirs.macos import MacOS

        return MacOS(APP, appauthor=False)
    if platform == "win32":
        from platformdirs.windows import Windows

        return Windows(APP, appauthor=False)
    from platformdirs.unix import Unix

    return Unix(APP, appauthor=False)
