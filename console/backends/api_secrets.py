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
    """Two round trips: the fields of both server models and the parameters at once,
    then the servers' rows at once."""
    models = list(LOGIN_FIELD)
    *fields_of, parameters = api.gather(
        *(lambda m=model: _fields(api, m) for model in models),
        lambda: api.call(
            "ir.config_parameter", "search_read", domain=[], fields=["key", "value"], limit=5000
        ),
    )
    readable = [(m, f) for m, f in zip(models, fields_of, strict=True) if f]
    rows_of = api.gather(*(lambda m=m, f=f: _rows(api, m, f) for m, f in readable))
    found = [
        Credential(value, text(row.get(LOGIN_FIELD[model])) or None)
        for (model, fields), rows in zip(readable, rows_of, strict=True)
        for row in rows
        for name in fields
        if is_secret_name(name) and (value := _secret(row.get(name)))
    ]
    found += [
        Credential(value)
        for row in parameters
        if is_secret_name(str(row["key"])) and (value := _secret(row["value"]))
    ]
    return found


def _fields(api: OdooApi, model: str) -> list[str]:
    """The secret-like fields of ``model`` and its login field; none when the model is
    not installed or not readable (nothing of it can be shown either)."""
    try:
        fields = api.call(model, "fields_get", attributes=["type"])
    except ConsoleError:
        return []
    secret = [name for name in fields if is_secret_name(name)]
    login = LOGIN_FIELD[model]
    extra = [name for name in (login, "active") if name in fields]
    return [*secret, *extra] if secret else []


def _rows(api: OdooApi, model: str, fields: list[str]) -> list[dict[str, Any]]:
    archived_too = ["|", ("active", "=", True), ("active", "=", False)]
    rows: list[dict[str, Any]] = api.call(
        model, "search_read", domain=archived_too if "active" in fields else [],
        fields=[f for f in fields if f != "active"], limit=MAX_ROWS,
    )  # fmt: skip
    return rows


def _secret(value: Any) -> str | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    return str(value)
