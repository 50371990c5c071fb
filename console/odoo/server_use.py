"""Which outgoing server each mail goes through, and why, for the lists, the detail and the
causes: the message's ``mail_server_id`` when set, else the server Odoo's
``_split_by_mail_configuration`` / ``_find_mail_server`` would pick for its From with
today's servers (console.smtp.routing, the rule Send now follows). Both backends name
their rows here; the settings are read again at most every ``ttl`` seconds, as the
secret mask is (a page must not cost the mail servers' reads each time).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from console.domain.causes import FailedRow, TextGroup
from console.domain.models import MailRow, ServerUse
from console.smtp.routing import SendContext
from console.smtp.rows import DbSettings, PlanRow
from console.smtp.server_choice import ConfSmtp

SETTINGS_TTL_S = 30.0
# Odoo's "Mail delivery failed via SMTP server 'HOST'.": the marker before the host, also
# found in SQL by the queue shape (console.odoo.shape), which groups by the host it names.
FAILED_VIA_MARKER = "via SMTP server '"
_FAILED_VIA = re.compile(
    r"Mail delivery failed " + re.escape(FAILED_VIA_MARKER) + r"([^'\n]{1,200})'\."
)
USED_WHY = "named in the failure: the server Odoo used"
Settings = tuple[DbSettings, ConfSmtp | None]
Row = TypeVar("Row", MailRow, TextGroup, FailedRow)


class ServerNamer:
    """Names the server of mails from (mail_server_id, email_from, alias domain).

    ``read`` gives the settings as the queue's cron user sees them (the superuser: its
    company's alias domain is 17+'s default notifications address), and odoo.conf's
    SMTP settings when this connection knows them.
    """

    def __init__(
        self,
        version: int,
        read: Callable[[], Settings],
        ttl: float = SETTINGS_TTL_S,
    ) -> None:
        self._version = version
        self._read = read
        self._ttl = ttl
        self._lock = threading.Lock()
        self._context: SendContext | None = None
        self._conf_known = False
        self._read_at = 0.0

    def _current(self) -> tuple[SendContext | None, bool]:
        with self._lock:
            if time.monotonic() - self._read_at < self._ttl:
                return self._context, self._conf_known
        try:
            settings, conf = self._read()
        except Exception:  # unreadable now: rows are named "unknown", never an error
            context, known = None, False
        else:
            context = SendContext(self._version, settings, conf or ConfSmtp(), "", "")
            known = conf is not None
        with self._lock:
            self._context, self._conf_known, self._read_at = context, known, time.monotonic()
        return context, known

    def name(
        self, mail_server_id: int | None, email_from: str | None, alias_domain_id: int | None
    ) -> ServerUse:
        context, conf_known = self._current()
        if context is None:
            return ServerUse(None, None, "unknown: the mail servers could not be read")
        plan = PlanRow(0, None, None, email_from, mail_server_id, alias_domain_id)
        route = context.route(plan)
        if route.server is not None:
            return ServerUse(route.server.id, route.server.name, route.why)
        if not conf_known:  # no -c, or over the API: its host is not known, nor guessed
            return ServerUse(None, None, route.why)
        endpoint = route.endpoint
        return ServerUse(None, None, f"{route.why} ({endpoint.host}:{endpoint.port})")

    def used(self, host: str) -> ServerUse:
        """The server a failure names (by host): the one Odoo used."""
        context, _known = self._current()
        servers = context.settings.servers if context is not None else ()
        server = next((s for s in servers if host in (s.smtp_host, s.name)), None)
        if server is None:
            return ServerUse(None, host, USED_WHY)
        return ServerUse(server.id, server.name, f"{USED_WHY} ({host})")

    def rows(self, rows: Iterable[Row]) -> list[Row]:
        """The rows with their ``server`` named (each distinct input resolved once): the
        server a failure names, else the one Odoo would pick."""
        named: dict[tuple[int | None, str | None, int | None, str | None], ServerUse] = {}
        result = []
        for row in rows:
            used = failed_via(row.failure_reason)
            key = (row.mail_server_id, row.email_from, row.alias_domain_id, used)
            if key not in named:
                named[key] = self.used(used) if used else self.name(*key[:3])
            result.append(replace(row, server=named[key]))
        return result


def failed_via(reason: str | None) -> str | None:
    """The SMTP host named in Odoo's failure text ("Mail delivery failed via SMTP server
    'smtp.example.com'.", 16-19): the one the send went through. Odoo writes the host it
    was given, so a send through a server record's session (the queue cron's way) says
    'None': then the text tells nothing."""
    match = _FAILED_VIA.search(reason or "")
    return named_host(match.group(1) if match else None)


def named_host(host: str | None) -> str | None:
    """The host a failure text names, or None when it names none: Odoo writes 'None' (or
    'False') when it sent through a server record's session."""
    host = (host or "").strip()
    return None if host in ("", "None", "False") else host
