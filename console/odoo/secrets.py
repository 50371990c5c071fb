"""Where the secrets the console must never show live: read them for the mask only.

`stored_credentials` reads the database's own: the SMTP logins and passwords of
``ir_mail_server`` (and any other secret-like column of it), the incoming servers'
(``fetchmail_server``) and ``ir_config_parameter`` values under secret-like keys.
`target_credentials` gives what the connection itself knows: the database URL's
password and odoo.conf's ``db_password`` and ``smtp_user``/``smtp_password``.
The values go into a `console.domain.secrets.SecretMask` and nowhere else.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text

from console.domain.secrets import Credential, SecretMask, is_secret_name

if TYPE_CHECKING:
    from console.config.connection import ResolvedTarget

# table -> the login column its passwords go with
_LOGIN_COLUMN = {"ir_mail_server": "smtp_user", "fetchmail_server": "user"}
MAX_ROWS = 1000
MASK_TTL_S = 60.0


def target_credentials(target: ResolvedTarget) -> list[Credential]:
    found: list[Credential] = []
    url = target.url
    if url.password:
        found.append(Credential(str(url.password), url.username))
    conf = target.odoo_conf
    if conf is not None:
        if conf.db_password:
            found.append(Credential(conf.db_password, conf.db_user))
        if conf.smtp_password:
            found.append(Credential(conf.smtp_password, conf.smtp_user))
    return found


def stored_credentials(connection: Any) -> list[Credential]:
    """Every secret the database holds for mail (read-only; nothing else is read)."""
    found: list[Credential] = []
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    # res_users (password hashes) is never read at all
    for table, login in _LOGIN_COLUMN.items():
        if table not in tables:
            continue
        names = [c["name"] for c in inspector.get_columns(table)]
        secret = [n for n in names if is_secret_name(n)]
        if not secret:
            continue
        user = f'"{login}"' if login in names else "NULL"
        columns = ", ".join(f'"{n}"' for n in secret)
        rows = connection.execute(
            text(f'SELECT {user}, {columns} FROM "{table}" LIMIT {MAX_ROWS}')
        ).all()
        for row in rows:
            user_value = _text(row[0])
            for value in row[1:]:
                secret_value = _text(value)
                if secret_value:
                    found.append(Credential(secret_value, user_value))
    if "ir_config_parameter" in tables:
        rows = connection.execute(text("SELECT key, value FROM ir_config_parameter")).all()
        found.extend(Credential(str(v)) for k, v in rows if v and is_secret_name(str(k)))
    return found


def _text(value: Any) -> str | None:
    if value is None or value is False:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value) or None


class MaskCache:
    """The mask of one database, read again at most every `ttl` seconds.

    A password changed in Odoo is masked from the next read on. When the database cannot
    be read, the last mask stays (or the connection's own secrets) until the next read.
    """

    def __init__(self, own: Callable[[], list[Credential]], ttl: float = MASK_TTL_S) -> None:
        self._own = own  # what the connection itself knows (URL, odoo.conf, API key)
        self._ttl = ttl
        self._lock = threading.Lock()
        self._mask: SecretMask | None = None
        self._read_at = 0.0

    def get(self, read: Callable[[], list[Credential]]) -> SecretMask:
        """The mask, with the database's stored secrets as ``read`` returns them."""
        with self._lock:
            if self._mask is not None and time.monotonic() - self._read_at < self._ttl:
                return self._mask
        own = self._own()
        try:
            mask = SecretMask([*own, *read()])
        except Exception:  # unreachable or not readable: its rows cannot be shown either
            mask = self._mask or SecretMask(own)
        with self._lock:
            self._mask, self._read_at = mask, time.monotonic()
        return mask
