"""The health facts over Odoo's external API, judged by the same rules as over SQL
(console.domain.health, with console.odoo.health_rules for the default From and the
neutralization flag): every count at the server (``search_count`` and the version's
group-by), lists bounded, about thirty calls.

What cannot be read over the API is named in ``HealthFacts.not_available`` so its check
says "not available over the API" with the reason: whether a cron runs right now (a row
lock in PostgreSQL), the queued campaigns while this backend has no campaign list, and (in
``index_facts``) the index advice, which measures PostgreSQL's plans. odoo.conf is out of
reach as with ``--db`` without ``-c``: the checks already say what it would change.
The campaigns come from the backend's list; without one, no queued mailing is an empty
list, and queued ones are "not available".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, text, value
from console.domain.bounces import SENT_NOTIFICATION_STATUSES, SENT_TRACE_STATUSES, RateWindow
from console.domain.errors import ConsoleError, NotAvailable
from console.domain.health import ConfFact, HealthFacts, ServerFact
from console.domain.health.queue_cron import RUNNING_FACT
from console.domain.mail_crons import EMAIL_QUEUE, MASS_MAILING_QUEUE, find_cron
from console.domain.models import CampaignRow, CronRow
from console.domain.oca_modules import OcaFacts
from console.domain.queue_index import QueueIndexFacts
from console.domain.timefmt import utcnow_naive
from console.odoo.health_rules import (
    ADMIN_UID,
    FACT_PARAMETERS,
    ROOT_UID,
    clean_params,
    default_from,
    neutralized,
)

T = TypeVar("T")
ALL: dict[str, Any] = {"active_test": False}  # archived records too, as the SQL reads
WEEK = timedelta(days=7)
RUNNING_REASON = (
    "Odoo's runner holds a running cron's row lock in PostgreSQL, which the API does not "
    "show; an overdue cron may be running right now"
)
INDEX_REASON = (
    "the advice measures Odoo's queue search in PostgreSQL (EXPLAIN ANALYZE, pg_class, "
    "pg_index), which Odoo's external API does not expose"
)
SERVER_FIELDS = [
    "name",
    "smtp_host",
    "smtp_port",
    "smtp_encryption",
    "from_filter",
    "active",
    "smtp_authentication",
    "sequence",
]


def stamp(moment_: datetime) -> str:
    """A datetime as Odoo's domains take it (UTC, to the second)."""
    return moment_.strftime("%Y-%m-%d %H:%M:%S")


def count_by(api: OdooApi, model: str, domain: list[Any], field: str) -> dict[Any, int]:
    """``field`` value -> how many records match, counted by the server's group-by."""
    if api.version.major >= 19:
        groups = api.call(
            model, "formatted_read_group", domain=domain, groupby=[field], aggregates=["__count"]
        )
    else:
        groups = api.call(
            model, "read_group", domain=domain, fields=[field], groupby=[field], lazy=False
        )
    return {g[field]: int(g["__count"]) for g in groups}


def since(field: str, start: datetime, end: datetime | None = None) -> list[Any]:
    """``coalesce(write_date, create_date)``-style bound, as the SQL facts count: the
    record's ``field`` (write_date), or its create_date when that is empty."""
    upper: list[Any] = [] if end is None else [(field, "<", stamp(end))]
    lower_c: list[Any] = [] if end is None else [("create_date", "<", stamp(end))]
    own = ["&"] * len(upper) + [(field, ">=", stamp(start)), *upper]
    created = ["&"] * (1 + len(lower_c)) + [
        (field, "=", False),
        ("create_date", ">=", stamp(start)),
        *lower_c,
    ]
    return ["|", *own, *created]


class ApiFacts:
    """The reads of one health run; a fact that fails is None and named in ``unreadable``."""

    def __init__(self, api: OdooApi, now: datetime, has_mass_mailing: bool) -> None:
        self.api = api
        self.now = now
        self.version = api.version.major
        self.has_mass_mailing = has_mass_mailing
        self.unreadable: list[str] = []
        self.not_available: list[tuple[str, str]] = []

    def read(self, what: str, work: Callable[[], T], check_id: str = "") -> T | None:
        try:
            return work()
        except NotAvailable as exc:
            if check_id:
                self.not_available.append((check_id, str(exc)))
            else:
                self.unreadable.append(what)
            return None
        except (ConsoleError, Exception):  # odd data or shape: this fact is UNKNOWN
            self.unreadable.append(what)
            return None

    def count(self, model: str, domain: list[Any]) -> int:
        return int(self.api.call(model, "search_count", domain=domain))

    # -- individual facts --------------------------------------------------------------
    def params(self) -> dict[str, str]:
        rows = self.api.call(
            "ir.config_parameter",
            "search_read",
            domain=[("key", "in", list(FACT_PARAMETERS))],
            fields=["key", "value"],
        )
        return clean_params((r["key"], value(r["value"])) for r in rows)

    def status(self) -> tuple[dict[str, int], datetime | None]:
        counts = {str(k): n for k, n in count_by(self.api, "mail.mail", [], "state").items() if k}
        due = [
            ("state", "=", "outgoing"),
            "|",
            ("scheduled_date", "=", False),
            ("scheduled_date", "<=", stamp(self.now)),
        ]
        oldest = self.api.call(
            "mail.mail",
            "search_read",
            domain=due,
            fields=["create_date"],
            order="create_date, id",
            limit=1,
        )
        return counts, moment(oldest[0]["create_date"]) if oldest else None

    def scheduled(self) -> tuple[int, datetime | None]:
        later = [("state", "=", "outgoing"), ("scheduled_date", ">", stamp(self.now))]
        first = self.api.call(
            "mail.mail",
            "search_read",
            domain=later,
            fields=["scheduled_date"],
            order="scheduled_date, id",
            limit=1,
        )
        return self.count("mail.mail", later), moment(first[0]["scheduled_date"]) if first else None

    def admin(self) -> tuple[bool, str | None]:
        data = self.api.call(
            "ir.model.data",
            "search_read",
            domain=[
                ("module", "=", "base"),
                ("name", "=", "user_admin"),
                ("model", "=", "res.users"),
            ],
            fields=["res_id"],
            limit=1,
        )
        uid = int(data[0]["res_id"]) if data and data[0]["res_id"] else ADMIN_UID
        users = self.api.call(
            "res.users", "search_read", domain=[("id", "=", uid)], fields=["email"], context=ALL
        )
        return (True, text(users[0]["email"])) if users else (False, None)

    def alias_domains(self) -> tuple[tuple[str, ...], int, dict[int, tuple[str, str | None]]]:
        """17+: the alias domains in Odoo's order, the companies without one, and each
        domain's (name, default_from) by id."""
        rows = self.api.call(
            "mail.alias.domain",
            "search_read",
            domain=[],
            fields=["name", "default_from"],
            order="sequence, id",
        )
        without = int(
            self.api.call(
                "res.company", "search_count", domain=[("alias_domain_id", "=", False)], context=ALL
            )
        )
        by_id = {int(r["id"]): (str(r["name"]), text(r["default_from"])) for r in rows}
        return tuple(str(r["name"]) for r in rows), without, by_id

    def company_alias(
        self, domains: dict[int, tuple[str, str | None]]
    ) -> tuple[str, str | None] | None:
        """(name, default_from) of the alias domain of the crons' company (17+)."""
        root = self.api.call(
            "res.users",
            "search_read",
            domain=[("id", "=", ROOT_UID)],
            fields=["company_id"],
            context=ALL,
        )
        company, _name = many2one(root[0]["company_id"]) if root else (None, None)
        if company is None:
            return None
        found = self.api.call(
            "res.company",
            "search_read",
            domain=[("id", "=", company)],
            fields=["alias_domain_id"],
            context=ALL,
        )
        domain_id, _shown = many2one(found[0]["alias_domain_id"]) if found else (None, None)
        return None if domain_id is None else domains.get(domain_id)

    def failures(self) -> tuple[int, int]:
        hour_ago = self.now - timedelta(hours=1)
        failed: list[Any] = [("state", "=", "exception")]
        recent = self.count("mail.mail", failed + since("write_date", hour_ago))
        day = hour_ago - timedelta(hours=24)
        return recent, self.count("mail.mail", failed + since("write_date", day, hour_ago))

    def volume(self) -> int:
        start = self.now - timedelta(hours=24)
        done: list[Any] = [("state", "in", ["sent", "exception"])]
        total = self.count("mail.mail", done + since("write_date", start))
        if self.has_mass_mailing:
            total += self.count(
                "mailing.trace",
                [("sent_datetime", ">=", stamp(start)), ("mail_mail_id", "=", False)],
            )
        return total

    def bounce_windows(self) -> tuple[RateWindow, ...]:
        return tuple(
            self._bounce_window(label, self.now - span)
            for label, span in (("24h", timedelta(hours=24)), ("7d", WEEK))
        )

    def _bounce_window(self, label: str, start: datetime) -> RateWindow:
        """The mails accepted since ``start`` and how many bounced (console.odoo.bounces):
        e-mail notifications dated by their message, traces by their sent time."""
        by_status = count_by(
            self.api,
            "mail.notification",
            [
                ("mail_message_id.date", ">=", stamp(start)),
                ("notification_type", "=", "email"),
                ("notification_status", "in", list(SENT_NOTIFICATION_STATUSES)),
            ],
            "notification_status",
        )
        sent, bounced = sum(by_status.values()), by_status.get("bounce", 0)
        if self.has_mass_mailing:
            traces = count_by(
                self.api,
                "mailing.trace",
                [
                    ("sent_datetime", ">=", stamp(start)),
                    ("trace_type", "=", "mail"),
                    ("trace_status", "in", list(SENT_TRACE_STATUSES)),
                ],
                "trace_status",
            )
            sent, bounced = sent + sum(traces.values()), bounced + traces.get("bounce", 0)
        return RateWindow(label, sent, bounced)

    def campaigns(self, listed: Callable[[], list[CampaignRow]]) -> list[CampaignRow]:
        """The backend's campaign list; without one, none when no mailing is queued (what
        the list would be: console.odoo.campaigns' queued mailings), else not available."""
        try:
            return listed()
        except NotAvailable:
            from console.odoo.campaigns import QUEUED_STATES

            queued = [("state", "in", list(QUEUED_STATES)), ("mailing_type", "in", ["mail", False])]
            waiting = self.count("mailing.mailing", queued) if self.has_mass_mailing else 0
            if waiting:
                raise NotAvailable(
                    f"the mass-mailing queue holds {waiting} mailing{'s' * (waiting != 1)}, "
                    "and the API backend does not list campaigns yet"
                ) from None
            return []

    def servers(self) -> tuple[ServerFact, ...]:
        rows = self.api.call(
            "ir.mail_server",
            "search_read",
            domain=[],
            fields=SERVER_FIELDS,
            order="sequence, id",
            context=ALL,
        )
        return tuple(
            ServerFact(
                id=int(r["id"]),
                name=str(r["name"]),
                host=text(r["smtp_host"]),
                port=value(r["smtp_port"]),
                encryption=text(r["smtp_encryption"]),
                from_filter=text(r["from_filter"]),
                active=bool(r["active"]),
                authentication=text(r["smtp_authentication"]),
            )
            for r in rows
        )


def api_health_facts(
    api: OdooApi,
    *,
    now: datetime | None,
    has_mass_mailing: bool,
    crons: Callable[[], list[CronRow]],
    campaigns: Callable[[], list[CampaignRow]],
    oca: Callable[[datetime], OcaFacts] | None = None,
) -> HealthFacts:
    from console.backends.api_envelopes import api_envelope_counts

    now = now or utcnow_naive()
    f = ApiFacts(api, now, has_mass_mailing)
    version = f.version
    cron_rows = f.read("crons", crons)
    params = f.read("ir.config_parameter", f.params) or {}
    status = f.read("mail states", f.status)
    scheduled = f.read("scheduled mails", f.scheduled)
    campaign_rows = f.read("campaigns", lambda: f.campaigns(campaigns), check_id="campaign_head")
    admin = f.read("admin user", f.admin)
    alias = f.read("alias domains", f.alias_domains) if version >= 17 else None
    company_alias = (
        f.read("company alias domain", lambda: f.company_alias(alias[2]))
        if alias is not None
        else None
    )
    failures = f.read("failure times", f.failures)
    volume = f.read("mail volume", f.volume)
    envelopes = f.read("red envelopes", lambda: api_envelope_counts(api))
    bounces = f.read("bounce rates", f.bounce_windows)
    servers = f.read("ir.mail_server", f.servers)
    oca_facts = f.read("OCA mail modules", lambda: oca(now)) if oca is not None else None
    conf = ConfFact()  # odoo.conf is on the server's disk, out of the API's reach
    from_address, from_source = default_from(version, params, company_alias, conf)
    counts = None if status is None else status[0]
    return HealthFacts(
        now=now,
        version=version,
        neutralized=neutralized(params, False),
        servers=servers,
        conf=conf,
        crons_read=cron_rows is not None,
        queue_cron=find_cron(cron_rows or [], EMAIL_QUEUE),
        mass_mailing_cron=find_cron(cron_rows or [], MASS_MAILING_QUEUE),
        failed=None if counts is None else counts.get("exception", 0),
        outgoing=None if counts is None else counts.get("outgoing", 0),
        oldest_due_outgoing=None if status is None else status[1],
        scheduled_future=None if scheduled is None else scheduled[0],
        next_scheduled=None if scheduled is None else scheduled[1],
        campaigns=None if campaign_rows is None else tuple(campaign_rows),
        admin_found=admin is not None and admin[0],
        admin_email=None if admin is None else admin[1],
        alias_domains=None if alias is None else alias[0],
        companies_without_alias=0 if alias is None else alias[1],
        catchall_domain=params.get("mail.catchall.domain"),
        default_from=from_address,
        default_from_source=from_source,
        default_from_filter=params.get("mail.default.from_filter") or conf.from_filter,
        failures_last_hour=None if failures is None else failures[0],
        failures_prev_24h=None if failures is None else failures[1],
        envelopes=envelopes,
        bounces=bounces,
        volume_24h=volume,
        oca=oca_facts or OcaFacts(),
        unreadable=tuple(f.unreadable),
        not_available=((RUNNING_FACT, RUNNING_REASON), *f.not_available),
    )


def api_default_from(api: OdooApi) -> str | None:
    """The default From Odoo uses for notifications (None when none is configured)."""
    f = ApiFacts(api, utcnow_naive(), False)
    params = f.params()
    company_alias = f.company_alias(f.alias_domains()[2]) if f.version >= 17 else None
    address, _source = default_from(f.version, params, company_alias, ConfFact())
    return address


def api_index_facts() -> QueueIndexFacts:
    """The index advice cannot be measured over the API: it says why."""
    return QueueIndexFacts(dialect="odoo-api", not_available=INDEX_REASON)
