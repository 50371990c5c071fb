"""Odoo's external API over HTTP (httpx): JSON-2 from 19 on, ``/jsonrpc`` before.

One client per console, with a connection pool. Every failure becomes one line (the
server's traceback, ``error.data.debug``, never leaves this module); the API key is sent
in the body (JSON-RPC) or a bearer header (JSON-2) and never appears in a message.

- ``/jsonrpc`` (16-19): ``common.version`` without a key, ``common.authenticate`` -> uid or
  false, ``object.execute_kw(db, uid, key, model, method, args, kwargs)``; errors come back
  as HTTP 200 with ``error.data.name`` (``odoo.exceptions.AccessDenied``, ``AccessError``).
- JSON-2 (19+): ``POST /json/2/<model>/<method>`` with the arguments by name,
  ``Authorization: bearer <key>`` and ``X-Odoo-Database``; 401 wrong key, 403 missing
  rights, 404 unknown method (or an HTML page for an unknown database).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from console.domain.errors import ConnectionFailed, QueryFailed, UsageError
from console.domain.sanitize import one_line

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRIES_ON_429 = 3  # then say the server is rate limiting
MAX_WAIT_ON_429 = 10.0  # seconds, whatever Retry-After says
MAX_PARALLEL = 4  # requests at once: a console is one operator, not a load test


class ApiRefused(QueryFailed):
    """The server answered, and refused (rights, key, unknown model or method)."""


@dataclass(frozen=True, slots=True)
class ServerVersion:
    major: int
    label: str  # "17.0", "saas~17.2"


class OdooApi:
    """Calls on one Odoo database as one user, the protocol chosen by the version."""

    def __init__(
        self, url: str, database: str, login: str, key: str, *, timeout: float | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self.login = login
        self._key = key
        self._timeout = TIMEOUT if timeout is None else httpx.Timeout(timeout)
        self._client = httpx.Client(
            base_url=self.url, timeout=self._timeout, follow_redirects=False
        )
        self.version = ServerVersion(0, "")
        self.uid = 0
        self.protocol = ""

    def close(self) -> None:
        self._client.close()

    # -- opening ----------------------------------------------------------------------
    def open(self) -> None:
        """Learn the version (no key needed), pick the protocol, and log in: both at once,
        since ``/jsonrpc`` logs in on every version and Odoo's key check is slow."""
        login = [self.database, self.login, self._key, {}]
        info, uid = self.gather(
            lambda: self._jsonrpc("common", "version", []),
            lambda: self._jsonrpc("common", "authenticate", login),
        )
        if not isinstance(info, dict) or "server_version_info" not in info:
            raise ConnectionFailed(f"{self.url} answered, but not as an Odoo server")
        version_info = info["server_version_info"]
        major = int(str(version_info[0]).split("~")[-1].split(".")[0])
        self.version = ServerVersion(major, str(info.get("server_version", major)))
        self.protocol = "JSON-2" if major >= 19 else "JSON-RPC"
        if not uid:
            raise ConnectionFailed(
                f"Odoo at {self.url} refused the login {self.login!r} on database "
                f"{self.database!r}: wrong login or API key"
            )
        self.uid = int(uid)

    # -- calls ------------------------------------------------------------------------
    def gather(self, *calls: Callable[[], Any]) -> list[Any]:
        """Independent calls at the same time, over the client's connection pool: one
        round trip instead of several on a distant server. The first failure is raised."""
        if len(calls) == 1:
            return [calls[0]()]
        with ThreadPoolExecutor(max_workers=min(len(calls), MAX_PARALLEL)) as pool:
            futures = [pool.submit(call) for call in calls]
            return [future.result() for future in futures]

    def call(
        self,
        model: str,
        method: str,
        args: list[Any] | None = None,
        *,
        wait: float | None = None,
        **kwargs: Any,
    ) -> Any:
        """``model.method(*args, **kwargs)``; over JSON-2, ``args`` are ids only.
        ``wait``: how long the answer may take (a cron run inside the request)."""
        if self.protocol == "JSON-2":
            body: dict[str, Any] = dict(kwargs)
            if args:
                body["ids"] = args[0]
            return self._json2(model, method, body, wait)
        return self._jsonrpc(
            "object",
            "execute_kw",
            [self.database, self.uid, self._key, model, method, list(args or []), kwargs],
            wait,
        )

    def create(self, model: str, values: list[dict[str, Any]], **kwargs: Any) -> list[int]:
        """``model.create(values)``: positional over ``/jsonrpc`` (Odoo's create takes no
        keyword there), by name (``vals_list``) over JSON-2; the new ids."""
        if self.protocol == "JSON-2":
            created = self._json2(model, "create", {"vals_list": values, **kwargs})
        else:
            created = self.call(model, "create", [values], **kwargs)
        return [int(i) for i in (created if isinstance(created, list) else [created])]

    def _json2(
        self, model: str, method: str, body: dict[str, Any], wait: float | None = None
    ) -> Any:
        headers = {
            "Authorization": f"bearer {self._key}",
            "X-Odoo-Database": self.database,
            "Content-Type": "application/json; charset=utf-8",
        }
        response = self._post(f"/json/2/{model}/{method}", body, headers, wait)
        if response.status_code == 200:
            return self._json(response)
        raise self._json2_error(response, model, method)

    def _jsonrpc(
        self, service: str, method: str, args: list[Any], wait: float | None = None
    ) -> Any:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
        }
        response = self._post("/jsonrpc", body, {}, wait)
        if response.status_code != 200:
            raise self._http_error(response)
        answer = self._json(response)
        if not isinstance(answer, dict):
            raise ConnectionFailed(f"{self.url} answered, but not as Odoo's API")
        if "error" in answer:
            raise _rpc_error(answer["error"], self.database)
        return answer.get("result")

    def _post(
        self, path: str, body: dict[str, Any], headers: dict[str, str], wait: float | None
    ) -> httpx.Response:
        timeout = self._timeout if wait is None else httpx.Timeout(wait, connect=10.0)
        for attempt in range(RETRIES_ON_429 + 1):
            try:
                response = self._client.post(path, json=body, headers=headers, timeout=timeout)
            except httpx.ConnectError as exc:
                raise ConnectionFailed(f"Cannot reach {self.url}: {_reason(exc)}") from None
            except httpx.TimeoutException:
                raise ConnectionFailed(f"{self.url} did not answer in time") from None
            except httpx.HTTPError as exc:
                raise ConnectionFailed(f"{self.url}: {_reason(exc)}") from None
            if response.status_code != 429 or attempt == RETRIES_ON_429:
                return response
            time.sleep(_retry_after(response, attempt))
        return response  # pragma: no cover (the loop returns)

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ConnectionFailed(
                f"{self.url} answered HTML, not Odoo's API (a proxy, a login page, or the "
                "external API is not available on this plan)"
            ) from None

    def _http_error(self, response: httpx.Response) -> Exception:
        code = response.status_code
        if code == 429:
            return QueryFailed(
                f"{self.url} is rate limiting the API (HTTP 429, still after "
                f"{RETRIES_ON_429} waits): try again in a minute"
            )
        if code == 404:
            return ConnectionFailed(
                f"{self.url} has no Odoo API here (HTTP 404): check the URL and the database "
                f"{self.database!r}"
            )
        if code in (301, 302, 303, 307, 308):
            where = response.headers.get("location", "?")
            return ConnectionFailed(f"{self.url} redirects to {one_line(where, 80)}: give that URL")
        return ConnectionFailed(f"{self.url} answered HTTP {code}")

    def _json2_error(self, response: httpx.Response, model: str, method: str) -> Exception:
        code = response.status_code
        try:
            detail = response.json()
        except ValueError:
            detail = None
        message = _first_line(detail.get("message") if isinstance(detail, dict) else None)
        if code == 401:
            return ConnectionFailed(
                f"Odoo at {self.url} refused the API key of {self.login!r}: {message or 'invalid'}"
            )
        if code == 403:
            return ApiRefused(_access_message(message or "access refused"))
        if code == 404 and isinstance(detail, dict):
            return ApiRefused(f"Odoo has no method {model}.{method} here: {message}")
        if code == 422 or (code == 400 and isinstance(detail, dict)):
            return QueryFailed(f"Odoo refused {model}.{method}: {message}")
        if message:  # Odoo's own error, its traceback (``debug``) left out
            return QueryFailed(f"Odoo failed on {model}.{method} (HTTP {code}): {message}")
        return self._http_error(response)


def _rpc_error(error: Any, database: str) -> Exception:
    data = error.get("data", {}) if isinstance(error, dict) else {}
    name = str(data.get("name", "")) if isinstance(data, dict) else ""
    message = _first_line(data.get("message") if isinstance(data, dict) else None)
    message = message or _first_line(error.get("message") if isinstance(error, dict) else None)
    if name.endswith("AccessDenied"):
        return ConnectionFailed("Odoo refused the login or API key (AccessDenied)")
    if name.endswith("AccessError"):
        return ApiRefused(_access_message(message))
    if "does not exist" in message and "database" in message.lower():
        return UsageError(f"No database {database!r} on this Odoo server")
    if name.endswith(("UserError", "ValidationError", "MissingError")):
        return QueryFailed(f"Odoo refused it: {message}")
    return QueryFailed(f"Odoo answered an error: {message or name or 'unknown'}")


def _access_message(message: str) -> str:
    if "not allowed to access" not in message:  # a record rule, not the model's rights
        return f"Odoo's record rules refuse it to this user: {message}"
    return (
        f"{message} (the API user needs Odoo's Settings/Administration rights, "
        "base.group_system, as Technical > Emails does)"
    )


def _first_line(value: Any) -> str:
    text = str(value or "").strip().splitlines()
    return one_line(text[0], 240) if text else ""


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"TLS failed ({one_line(text, 120)})"
    return one_line(text, 160)


def _retry_after(response: httpx.Response, attempt: int) -> float:
    try:
        wanted = float(response.headers.get("retry-after", ""))
    except ValueError:
        wanted = 2.0**attempt
    return max(0.0, min(wanted, MAX_WAIT_ON_429))
