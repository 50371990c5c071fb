"""Files that hold mails (personal data), written safely; bytes shown safely on a terminal.

`write_private` creates a file readable by its owner only (0600 from its creation), never
through a symbolic link, and replaces an existing file only when asked to (a new file
renamed over it: no moment where it is half written or more open). `terminal_hazard`
says whether raw bytes would drive a terminal (escape sequences, control characters).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from console.domain.sanitize import has_controls


class SymlinkRefused(OSError):
    """The target is a symbolic link: never written through, never replaced."""


def write_private(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` to a new file `path`, mode 0600; FileExistsError if it exists and
    `overwrite` is false; SymlinkRefused if it is a symbolic link (even with overwrite)."""
    if path.is_symlink():
        raise SymlinkRefused(errno.ELOOP, "it is a symbolic link (give the real path)", str(path))
    if not overwrite:
        # O_EXCL also refuses a link created after the check above; O_NOFOLLOW to be sure.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:  # mkstemp: 0600, O_EXCL
            handle.write(data)
        os.replace(temporary, path)  # replaces the name itself: a link put there is not followed
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def terminal_hazard(data: bytes) -> bool:
    """True when printing these bytes raw would send a terminal control characters or
    escape sequences (an OSC 52 in a subject writes the clipboard, others retitle or
    redraw the window)."""
    # A mail file's lines end with CR LF: a carriage return there is no hazard.
    return has_controls(data.decode("utf-8", "replace"), allow="\r")
