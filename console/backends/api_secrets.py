"""The secrets an Odoo database holds for mail, read over its external API for the mask
only, as the SQL backend reads them from the tables: the outgoing servers' logins and
password fields (``ir.mail_server``), the incoming servers' (``fetchmail.server``), and
``ir.config_parameter`` values under secret-like keys. An SMTP server that echoes a
refused password puts it in a failure reason; without these, it would show."""

from __future__ import annotations

from typing import Any

from console.backends.api_transport import OdooApi
from console.backends.api_values import text
from console.domain.errors import ConsoleError
from console.domain.secrets import Credential, is_secret_name

MAX_ROWS = 1000
LOGIN_FIELD = {"ir.mail_server": "smtp_user", "fetchmail.server": "user"}


def api_stored_credentials(api: OdooApi) -> list[Credential]:
    found: list[Credential] = []
    for model, login in LOGIN_FIELD.items():
        try:
            fields = api.call(model, "fields_get", attributes=["type"])
        except ConsoleError:  # fetchmail not installed, or not readable: nothing to mask
            continue
        secret = [name for name in fields if is_secret_name(name)]
        if not secret:
            continue
        names = [*secret, *([login] if login in fields else [])]
        rows = api.call(
            model, "search_read", domain=["|", ("active", "=", True), ("active", "=", False)]
            if "active" in fields else [], fields=names, limit=MAX_ROWS,
        )  # fmt: skip
        found += [
            Credential(value, text(row.get(login)) or None)
            for row in rows
            for name in secret
            if (value := _secret(row.get(name)))
        ]
    parameters = api.call(
        "ir.config_parameter", "search_read", domain=[], fields=["key", "value"], limit=5000
    )
    found += [
        Credential(value)
        for row in parameters
        if is_secret_name(str(row["key"])) and (value := _secret(row["value"]))
    ]
    return found


def _secret(value: Any) -> str | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    return str(value)
