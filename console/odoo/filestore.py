"""Where Odoo keeps attachment files: ``<data_dir>/filestore/<database>/<store_fname>``.

``data_dir`` is odoo.conf's option; without it Odoo uses the data folder of the user it runs
as (``~/.local/share/Odoo``: for the ``odoo`` system user of the Debian package
``/var/lib/odoo/.local/share/Odoo``; the package's odoo.conf and the official Docker image
set ``/var/lib/odoo``). The console runs as another user, with ``--db`` and no odoo.conf
more often than not, so it looks for the database's filestore in those places when it
was not told (see docs/odoo-sending.md).
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from pathlib import Path

ENV_DATA_DIR = "ODOO_MAILQ_DATA_DIR"


@dataclass(frozen=True, slots=True)
class DataDir:
    path: str
    source: str  # how it was chosen, said when an attachment cannot be read


def _default_candidates() -> list[str]:
    home = os.path.expanduser("~")
    own = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    found = [os.path.join(own, "Odoo")]
    try:
        odoo_home = pwd.getpwnam("odoo").pw_dir
    except KeyError:
        odoo_home = "/var/lib/odoo"
    found += [os.path.join(odoo_home, ".local", "share", "Odoo"), "/var/lib/odoo", odoo_home]
    return list(dict.fromkeys(found))


def find_data_dir(explicit: str | None, conf_value: str | None, dbname: str) -> DataDir:
    """``--data-dir`` / $ODOO_MAILQ_DATA_DIR, else odoo.conf's ``data_dir``, else the first
    of Odoo's usual places that holds this database's filestore (else Odoo's default)."""
    if explicit:
        return DataDir(os.path.expanduser(explicit), "--data-dir")
    from_env = os.environ.get(ENV_DATA_DIR, "").strip()
    if from_env:
        return DataDir(os.path.expanduser(from_env), f"${ENV_DATA_DIR}")
    if conf_value:
        return DataDir(os.path.expanduser(conf_value), "odoo.conf data_dir")
    candidates = _default_candidates()
    for candidate in candidates:
        if (Path(candidate) / "filestore" / dbname).is_dir():
            return DataDir(candidate, "found")
    return DataDir(candidates[0], "Odoo's default")
