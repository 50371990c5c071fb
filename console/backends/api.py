"""The data boundary over Odoo's external API (console.backends.api_transport), for an
Odoo without database access (Odoo Online on a Custom plan, or a server whose
PostgreSQL is out of reach).

Reads page at the server (``search_read`` with a limit, keyset on the id; counts with
``search_count`` and the version's group-by); writes call Odoo's own methods, so they
are Odoo-exact by construction. What this backend does not offer (yet, or ever over an
API) raises ``NotAvailableOverApi`` with the reason: one line, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from console.backends.api_transport import OdooApi
from console.backends.api_values import moment, record_id, text
from console.domain.actions import WriteOutcome
from console.domain.errors import ConsoleError, NotAvailable, ReadOnlyRefused
from console.domain.models import (
    CronRow,
    DatabaseInfo,
    MailPage,
    MailRow,
    QueueStatus,
    Recipient,
)
from console.domain.secrets import Credential, SecretMask
from console.domain.timefmt import utcnow_naive

if TYPE_CHECKING:
    from console.backends.base import MailQuery
    from console.domain.envelopes import EnvelopeCounts, EnvelopePage
    from console.domain.health import HealthFacts  # reads of api-reads-b
    from console.domain.inbound import RoutingSetup, Verdict  # reads of api-reads-b
    from console.domain.queue_index import QueueIndexFacts  # reads of api-reads-b
    from console.smtp.rows import DbSettings  # reads of api-reads-b
    from console.smtp.server_choice import ConfSmtp  # reads of api-reads-b

MAIL_FIELDS = [
    "state", "date", "scheduled_date", "email_from", "email_to", "recipient_ids", "subject",
    "model", "res_id", "record_name", "failure_type", "failure_reason", "create_date",
]  # fmt: skip
TEXT_FIELDS = ("email_to", "email_from", "subject", "record_name", "failure_reason")
RUN_WAIT = 600.0  # seconds a cron run inside a request may take (Run Manually)


class NotAvailableOverApi(NotAvailable):
    """What this console cannot do over Odoo's external API; the message says why."""


def mail_domain(query: MailQuery, version: int) -> list[Any]:
    """The Odoo domain of a mail list's filter (states, text or id, keyset bounds); 19
    no longer stores the record name, so it cannot be searched there."""
    domain: list[Any] = []
    if query.states:
        domain.append(("state", "in", list(query.states)))
    if query.before_id is not None:
        domain.append(("id", "<", query.before_id))
    if query.after_id is not None:
        domain.append(("id", ">", query.after_id))
    needle = query.text.strip()
    if needle:
        fields = [f for f in TEXT_FIELDS if version < 19 or f != "record_name"]
        terms: list[Any] = [(field, "ilike", needle) for field in fields]
        if needle.isdigit():
            terms.append(("id", "=", int(needle)))
        domain += ["|"] * (len(terms) - 1) + terms
    return domain


class ApiBackend:
    """``console.backends.base.MailQueueBackend`` over Odoo's external API."""

    def __init__(self, api: OdooApi, *, read_only: bool) -> None:
        self.api = api
        self._read_only = read_only
        self._info: DatabaseInfo | None = None

    @property
    def info(self) -> DatabaseInfo:
        if self._info is None:
            api = self.api
            self._info = DatabaseInfo(
                name=api.database,
                dialect=f"Odoo API over {api.protocol}",
                display_url=f"{api.url} ({api.protocol}, as {api.login})",
                odoo_version=api.version.major,
                odoo_version_label=api.version.label,
                read_only=self._read_only,
                has_mass_mailing=self._installed("mass_mailing"),
                neutralized=False,
                notes=(f"over Odoo's external API ({api.protocol}): some views need a "
                       "database connection",),
            )  # fmt: skip
        return self._info

    @property
    def acting_uid(self) -> int | None:
        return self.api.uid

    def _installed(self, module: str) -> bool:
        found = self.api.call(
            "ir.module.module",
            "search_count",
            domain=[("name", "=", module), ("state", "=", "installed")],
        )
        return bool(found)

    # -- reads ------------------------------------------------------------------------
    def status(self) -> QueueStatus:
        counts = self._counts_by_state()
        now = utcnow_naive().strftime("%Y-%m-%d %H:%M:%S")
        due = [("state", "=", "outgoing"), "|", ("scheduled_date", "=", False),
               ("scheduled_date", "<=", now)]  # fmt: skip
        oldest = self.api.call(
            "mail.mail", "search_read", domain=due, fields=["create_date"], order="id", limit=1
        )
        later = self.api.call(
            "mail.mail",
            "search_count",
            domain=[("state", "=", "outgoing"), ("scheduled_date", ">", now)],
        )
        return QueueStatus(
            counts=counts,
            oldest_due_outgoing=moment(oldest[0]["create_date"]) if oldest else None,
            scheduled_future=int(later),
        )

    def _counts_by_state(self) -> dict[str, int]:
        if self.api.version.major >= 19:
            groups = self.api.call(
                "mail.mail",
                "formatted_read_group",
                domain=[],
                groupby=["state"],
                aggregates=["__count"],
            )
        else:
            groups = self.api.call(
                "mail.mail", "read_group", domain=[], fields=["state"], groupby=["state"],
                lazy=False,
            )  # fmt: skip
        return {str(g["state"]): int(g["__count"]) for g in groups if g.get("state")}

    def mail_page(self, query: MailQuery) -> MailPage:
        limit = max(1, min(query.limit, 1000))
        order = "id asc" if query.after_id is not None else "id desc"
        rows = self.api.call(
            "mail.mail",
            "search_read",
            domain=mail_domain(query, self.api.version.major),
            fields=MAIL_FIELDS,
            order=order,
            limit=limit + 1,
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        if query.after_id is not None:
            rows.reverse()
        partners = self._partners({p for r in rows for p in r["recipient_ids"][:3]})
        return MailPage(tuple(self._mail_row(r, partners) for r in rows), has_more)

    def _partners(self, ids: set[int]) -> dict[int, Recipient]:
        if not ids:
            return {}
        found = self.api.call("res.partner", "read", [sorted(ids)], fields=["name", "email"])
        return {
            int(p["id"]): Recipient(int(p["id"]), text(p["name"]), text(p["email"])) for p in found
        }

    def _mail_row(self, row: dict[str, Any], partners: dict[int, Recipient]) -> MailRow:
        mask = self.secret_mask()
        reason = text(row["failure_reason"])
        return MailRow(
            id=int(row["id"]),
            state=str(row["state"]),
            date=moment(row["date"]),
            scheduled_date=moment(row["scheduled_date"]),
            email_from=text(row["email_from"]),
            email_to=text(row["email_to"]),
            recipients=tuple(partners[p] for p in row["recipient_ids"][:3] if p in partners),
            subject=text(row["subject"]),
            model=text(row["model"]),
            res_id=record_id(row["res_id"]) or None,
            record_name=text(row["record_name"]),
            failure_type=text(row["failure_type"]),
            failure_reason=mask.text(reason) if reason else None,
            mailing_id=record_id(row.get("mailing_id")),
            recipient_count=len(row["recipient_ids"]),
        )

    def count_mails(self, query: MailQuery) -> int:
        bare = type(query)(states=query.states, text=query.text)
        domain = mail_domain(bare, self.api.version.major)
        return int(self.api.call("mail.mail", "search_count", domain=domain))

    def mail_ids(self, query: MailQuery, cap: int) -> list[int]:
        bare = type(query)(states=query.states, text=query.text)
        ids = self.api.call(
            "mail.mail",
            "search",
            domain=mail_domain(bare, self.api.version.major),
            order="id desc",
            limit=cap,
        )
        return [int(i) for i in ids]

    def envelope_counts(self) -> EnvelopeCounts:
        from console.backends.api_envelopes import api_envelope_counts

        return api_envelope_counts(self.api)

    def envelopes(self, *, before_id: int | None = None, limit: int = 200) -> EnvelopePage:
        from console.backends.api_envelopes import api_envelope_page

        size = max(1, min(limit, 1000))
        return api_envelope_page(self.api, before_id=before_id, limit=size, mask=self.secret_mask())

    def crons(self) -> list[CronRow]:
        from console.backends.api_crons import api_crons

        return api_crons(self.api)

    def secret_mask(self) -> SecretMask:
        return SecretMask([Credential(self.api._key, self.api.login)])

    def known_credentials(self) -> list[Credential]:
        return [Credential(self.api._key, self.api.login)]

    def user_id(self, login: str) -> int | None:
        found = self.api.call("res.users", "search", domain=[("login", "=", login)], limit=1)
        return int(found[0]) if found else None

    def odoo_conf(self) -> None:
        return None

    # -- reads of api-reads-b ------------------------------------------------------------
    # Health, routing and mail settings (console.backends.api_health, api_routing,
    # api_settings); what the API cannot read says "not available over the API".
    def health_facts(self, *, now: datetime | None = None) -> HealthFacts:
        from console.backends.api_health import api_health_facts

        mass_mailing = self.info.has_mass_mailing
        return api_health_facts(
            self.api,
            now=now,
            has_mass_mailing=mass_mailing,
            crons=self.crons,
            campaigns=lambda: self.campaigns() if mass_mailing else [],
        )

    def queue_index_facts(self, *, min_rows: int, now: datetime | None = None) -> QueueIndexFacts:
        from console.backends.api_health import api_index_facts

        return api_index_facts()

    def default_from_address(self) -> str | None:
        from console.backends.api_health import api_default_from

        return api_default_from(self.api)

    def routing_setup(self) -> RoutingSetup:
        from console.backends.api_routing import api_routing_setup

        return api_routing_setup(self.api)

    def inbound_check(
        self, address: str, *, in_reply_to: str | None = None, sender: str | None = None
    ) -> Verdict:
        from console.backends.api_routing import api_inbound_check

        return api_inbound_check(self.api, address, in_reply_to=in_reply_to, sender=sender)

    def mail_servers(self) -> list[dict[str, object]]:
        from console.backends.api_settings import api_mail_servers

        return api_mail_servers(self.api)

    def mail_parameters(self) -> dict[str, str]:
        from console.backends.api_settings import api_mail_parameters

        return api_mail_parameters(self.api)

    def mail_settings(self, uid: int) -> tuple[DbSettings, ConfSmtp | None]:
        """The servers and parameters as ``uid`` sees them; odoo.conf is out of reach."""
        from console.backends.api_settings import api_mail_settings

        return api_mail_settings(self.api, uid), None

    # -- end of reads of api-reads-b -----------------------------------------------------

    # -- writes -----------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[ApiWriter]:
        if self._read_only:
            raise ReadOnlyRefused("Read-only session: this console does not write (--read-only)")
        yield ApiWriter(self.api)

    def close(self) -> None:
        self.api.close()

    def __getattr__(self, name: str) -> NoReturn:
        """Every other read of the boundary: not over the API (yet), said in one line."""
        if name.startswith("_"):
            raise AttributeError(name)
        raise NotAvailableOverApi(
            f"'{name}' is not available over Odoo's external API yet: it needs a database "
            "connection (--db or -c odoo.conf)"
        )


class ApiWriter:
    """The writes of one action, each through Odoo's own method (no transaction spans
    them: each call is Odoo's own transaction, as its buttons are)."""

    def __init__(self, api: OdooApi) -> None:
        self.api = api
        self.notes: list[str] = []

    def set_mail_state(
        self,
        action: str,
        ids: Sequence[int],
        *,
        from_states: Sequence[str],
        to_state: str,
        uid: int,
        now: datetime,
    ) -> WriteOutcome:
        """Retry (``mark_outgoing``) or cancel (``cancel``) on the mails still in
        ``from_states``: Odoo's buttons, called as the API user."""
        requested = tuple(dict.fromkeys(ids))
        before = {
            int(r["id"]): str(r["state"])
            for r in self.api.call("mail.mail", "read", [list(requested)], fields=["state"])
        }
        targets = [i for i in requested if before.get(i) in from_states]
        if targets:
            method = "mark_outgoing" if to_state == "outgoing" else "cancel"
            self.api.call("mail.mail", method, [targets])
        after = {
            int(r["id"]): str(r["state"])
            for r in self.api.call("mail.mail", "read", [targets], fields=["state"])
        } if targets else {}  # fmt: skip
        applied = tuple(i for i in targets if after.get(i) == to_state)
        skipped = {
            i: "no such mail" if i not in before else f"not {' or '.join(from_states)} any more"
            for i in requested
            if i not in applied
        }
        return WriteOutcome(
            action=action,
            requested=requested,
            applied=applied,
            skipped=skipped,
            previous={i: before[i] for i in applied},
        )

    def trigger_cron(self, cron_id: int, *, uid: int, now: datetime) -> tuple[str, bool]:
        """Run now over the API: ``method_direct_trigger``, the cron form's "Run Manually",
        which runs the job inside the request (``_trigger`` is private to the server)."""
        found = self.api.call(
            "ir.cron", "search_read",
            domain=[("id", "=", cron_id), "|", ("active", "=", True), ("active", "=", False)],
            fields=["cron_name", "active"],
        )  # fmt: skip
        if not found:
            raise ConsoleError(f"There is no cron with id {cron_id}")
        name = str(found[0]["cron_name"] or f"cron {cron_id}")
        if not found[0]["active"]:
            return name, False
        self.api.call("ir.cron", "method_direct_trigger", [[cron_id]], wait=RUN_WAIT)
        self.notes.append(
            "Odoo ran it inside the API request (method_direct_trigger, the form's Run "
            "Manually): it has finished"
        )
        return name, True

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("_"):
            raise AttributeError(name)
        raise NotAvailableOverApi(f"'{name}' is not available over Odoo's external API yet")


def open_api_backend(
    url: str, database: str, login: str, key: str, *, read_only: bool
) -> ApiBackend:
    api = OdooApi(url, database, login, key)
    try:
        api.open()
    except BaseException:
        api.close()
        raise
    return ApiBackend(api, read_only=read_only)
