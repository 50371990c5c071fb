"""The console's own state directory: the journal and the sample's private copy live there,
readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path

from console.config.paths import user_state_dir


def state_dir() -> Path:
    """Per-user state directory: ``$XDG_STATE_HOME/odoo-mailq`` (default
    ``~/.local/state/odoo-mailq``; on macOS ``~/Library/Application Support/odoo-mailq``),
    see console.config.paths."""
    return user_state_dir()


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner can enter (0700): created so, or tightened when it
    is ours and was created more open (by an older version, or a umask of 022)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        path.chmod(0o700)
    return path
