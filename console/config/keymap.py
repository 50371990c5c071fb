"""The ``[keymap]`` section of the configuration file: the console's keys, rebound.

    [keymap]
    "mail.retry" = "ctrl+r"        # a binding id (as `odoo-mailq help keys` lists them)
    "pane.failed" = "f2,2"         # several keys: comma-separated

Only the file's shape is checked here; which ids exist and which keys would clash is the
TUI's to say (console.tui.keymap), before its first frame.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from console.config.profiles import read_config
from console.domain.errors import UsageError


def load_keymap(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Binding id -> key string(s); empty without a file or a section."""
    config = read_config(environ, needed_for=None)
    section = config.document.get("keymap", {})
    where = f"[keymap] in {config.path}"
    if not isinstance(section, dict):
        raise UsageError(f'{where} must be a table of binding id = "key"')
    keymap: dict[str, str] = {}
    for binding_id, keys in section.items():
        if not isinstance(keys, str) or not keys.strip():
            raise UsageError(f'{where}: {binding_id!r} must be a key such as "ctrl+r"')
        keymap[binding_id] = ",".join(part.strip() for part in keys.split(","))
    return keymap
