"""The facts the health checks need, read from an Odoo database (the rules that judge
them are pure: console.domain.health).

Each fact is read on its own: one that fails (a missing table, no rights) becomes None
and its check says UNKNOWN instead of the whole report failing. Credentials
(`smtp_pass`, odoo.conf passwords) are never read into the facts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from console.config.odoo_conf import OdooConf
from console.domain.bounces import RateWindow
from console.domain.errors import ConsoleError
from console.domain.health import HealthFacts, ServerFact
from console.domain.mail_crons import EMAIL_QUEUE, MASS_MAILING_QUEUE, find_cron
from console.domain.models import CampaignRow, CronRow
from console.domain.oca_modules import OcaFacts
from console.domain.timefmt import as_naive_datetime, utcnow_naive
from console.odoo import mail_queries as mail_sql
from console.odoo.bounces import WEEK, window_bounds
from console.odoo.bounces import window as bounce_window
from console.odoo.envelopes import envelope_counts
from console.odoo.health_rules import (
    ADMIN_UID,
    FACT_PARAMETERS,
    ROOT_UID,
    clean_params,
    conf_fact,
    default_from,
    neutralized,
)
from console.odoo.mail_volume import mail_volume
from console.odoo.oca_facts import read_oca_facts
from console.odoo.pause_writes import read_pause
from console.odoo.schema import OdooSchema

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FactSource:
    """What the facts are read from: the backend's runner (one connection per fact, errors
    mapped), its schema and version, and the reads it already has."""

    run: Callable[[Callable[[Connection], Any]], Any]
    schema: OdooSchema
    version: int
    neutralized: bool  # what the backend saw when it connected
    conf: OdooConf | None
    crons: Callable[[], list[CronRow]]
    campaigns: Callable[[], list[CampaignRow]]


def default_from_address(source: FactSource) -> str | None:
    """The default From Odoo uses for notifications (None when none is configured)."""
    schema = source.schema
    params = source.run(lambda c: _params(c, schema))
    company_alias = source.run(lambda c: _company_alias(c, schema))
    address, _source = default_from(
        source.version, params, company_alias, conf_fact(source.conf, source.version)
    )
    return address


class _Gatherer:
    def __init__(self, source: FactSource, now: datetime) -> None:
        self.source = source
        self.schema: OdooSchema = source.schema
        self.now = now
        self.unreadable: list[str] = []

    def read(self, what: str, work: Callable[[], T]) -> T | None:
        try:
            return work()
        except (ConsoleError, SQLAlchemyError):
            self.unreadable.append(what)
            return None
        except Exception:  # odd data or shape: this fact is UNKNOWN, the others still answer
            self.unreadable.append(what)
            return None

    def sql(self, what: str, work: Callable[[Connection], T]) -> T | None:
        return self.read(what, lambda: self.source.run(work))


def gather_facts(source: FactSource, *, now: datetime | None = None) -> HealthFacts:
    now = now or utcnow_naive()
    g = _Gatherer(source, now)
    schema = source.schema
    version = source.version
    crons = g.read("crons", source.crons)
    queue = find_cron(crons or [], EMAIL_QUEUE)
    params = g.sql("ir_config_parameter", lambda c: _params(c, schema)) or {}
    conf = conf_fact(source.conf, version)
    status = g.sql("mail states", lambda c: _status(c, schema, now))
    counts = None if status is None else status[0]
    oldest = None if status is None else status[1]
    scheduled = g.sql("scheduled mails", lambda c: _scheduled(c, schema, now))
    campaigns = g.read("campaigns", source.campaigns)
    admin = g.sql("admin user", lambda c: _admin_email(c, schema))
    alias = g.sql("alias domains", lambda c: _alias_domains(c, schema)) if version >= 17 else None
    company_alias = g.sql("company alias domain", lambda c: _company_alias(c, schema))
    failures = g.sql("failure times", lambda c: _failure_counts(c, schema, now))
    volume = g.sql("mail volume", lambda c: mail_volume(c, schema, now))
    envelopes = g.sql("red envelopes", lambda c: envelope_counts(c, schema))
    bounces = g.sql("bounce rates", lambda c: _bounce_windows(c, schema, now))
    servers = g.sql("ir_mail_server", lambda c: _servers(c, schema))
    oca = g.sql("OCA mail modules", lambda c: read_oca_facts(c, schema, now))
    paused = g.sql("console pause", read_pause) if schema.has_table("ir_config_parameter") else None
    from_address, from_source = default_from(version, params, company_alias, conf)
    return HealthFacts(
        now=now,
        version=version,
        neutralized=neutralized(params, source.neutralized),
        servers=servers,
        conf=conf,
        crons_read=crons is not None,
        queue_cron=queue,
        mass_mailing_cron=find_cron(crons or [], MASS_MAILING_QUEUE),
        paused=paused,
        failed=None if counts is None else counts.get("exception", 0),
        outgoing=None if counts is None else counts.get("outgoing", 0),
        oldest_due_outgoing=as_naive_datetime(oldest),
        scheduled_future=None if scheduled is None else scheduled[0],
        next_scheduled=None if scheduled is None else scheduled[1],
        campaigns=None if campaigns is None else tuple(campaigns),
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
        oca=oca or OcaFacts(),
        unreadable=tuple(g.unreadable),
    )


# -- individual facts ---------------------------------------------------------------------
def _bounce_windows(
    connection: Connection, schema: OdooSchema, now: datetime
) -> tuple[RateWindow, ...]:
    week = window_bounds(connection, schema, now - WEEK)
    return (
        bounce_window(connection, schema, "24h", now - timedelta(hours=24), week),
        bounce_window(connection, schema, "7d", now - WEEK, week),
    )


def _params(connection: Connection, schema: OdooSchema) -> dict[str, str]:
    if not schema.has_table("ir_config_parameter"):
        return {}
    icp = schema.t("ir_config_parameter")
    keys = FACT_PARAMETERS
    rows = connection.execute(select(icp.c.key, icp.c.value).where(icp.c.key.in_(keys)))
    return clean_params((k, v) for k, v in rows)


def _servers(connection: Connection, schema: OdooSchema) -> tuple[ServerFact, ...]:
    if not schema.has_table("ir_mail_server"):
        return ()
    server = schema.t("ir_mail_server")

    def col(name: str) -> Any:
        return server.c.get(name)

    wanted = [
        server.c.id,
        server.c.name,
        *(
            c
            for c in (
                col("smtp_host"),
                col("smtp_port"),
                col("smtp_encryption"),
                col("from_filter"),
                col("active"),
                col("smtp_authentication"),
                col("sequence"),
            )
            if c is not None
        ),
    ]
    order = [server.c.sequence, server.c.id] if "sequence" in server.c else [server.c.id]
    facts = []
    for row in connection.execute(select(*wanted).order_by(*order)).mappings():
        facts.append(
            ServerFact(
                id=int(row["id"]),
                name=str(row["name"]),
                host=row.get("smtp_host"),
                port=int(row["smtp_port"]) if row.get("smtp_port") is not None else None,
                encryption=row.get("smtp_encryption"),
                from_filter=row.get("from_filter"),
                active=bool(row.get("active", True)),
                authentication=row.get("smtp_authentication"),
            )
        )
    return tuple(facts)


def _status(
    connection: Connection, schema: OdooSchema, now: datetime
) -> tuple[dict[str, int], datetime | None]:
    """Counts per state and the oldest due outgoing mail, in one scan of mail_mail."""
    counts: dict[str, int] = {}
    oldest: datetime | None = None
    for state, count, oldest_due, _future in connection.execute(mail_sql.status_query(schema, now)):
        if state is None:
            continue
        counts[str(state)] = int(count)
        if state == "outgoing":
            oldest = as_naive_datetime(oldest_due)
    return counts, oldest


def _scheduled(
    connection: Connection, schema: OdooSchema, now: datetime
) -> tuple[int, datetime | None]:
    mail = schema.t("mail_mail")
    row = connection.execute(
        select(func.count(), func.min(mail.c.scheduled_date)).where(
            mail.c.state == "outgoing", mail.c.scheduled_date > now
        )
    ).one()
    return int(row[0]), as_naive_datetime(row[1])


def _admin_email(connection: Connection, schema: OdooSchema) -> tuple[bool, str | None]:
    if not (schema.has_table("res_users") and schema.has_table("res_partner")):
        return False, None
    users = schema.t("res_users")
    partner = schema.t("res_partner")
    uid: Any = ADMIN_UID
    if schema.has_table("ir_model_data"):
        data = schema.t("ir_model_data")
        found = connection.execute(
            select(data.c.res_id).where(
                data.c.module == "base", data.c.name == "user_admin", data.c.model == "res.users"
            )
        ).scalar()
        uid = int(found) if found else ADMIN_UID
    row = connection.execute(
        select(partner.c.email)
        .select_from(users.join(partner, partner.c.id == users.c.partner_id))
        .where(users.c.id == uid)
    ).first()
    if row is None:
        return False, None
    return True, row.email


def _alias_domains(connection: Connection, schema: OdooSchema) -> tuple[tuple[str, ...], int]:
    if not schema.has_table("mail_alias_domain"):
        return (), 0
    domain = schema.t("mail_alias_domain")
    order = [domain.c.sequence, domain.c.id] if "sequence" in domain.c else [domain.c.id]
    names = tuple(
        str(n) for n in connection.execute(select(domain.c.name).order_by(*order)).scalars()
    )
    without = 0
    if schema.has("res_company", "alias_domain_id"):
        company = schema.t("res_company")
        without = int(
            connection.execute(
                select(func.count()).where(company.c.alias_domain_id.is_(None))
            ).scalar_one()
        )
    return names, without


def _company_alias(connection: Connection, schema: OdooSchema) -> tuple[str, str | None] | None:
    """(domain name, default_from) of the alias domain of the crons' company (17+)."""
    if not (schema.has_table("mail_alias_domain") and schema.has("res_company", "alias_domain_id")):
        return None
    users = schema.t("res_users")
    company = schema.t("res_company")
    domain = schema.t("mail_alias_domain")
    row = connection.execute(
        select(domain.c.name, domain.c.default_from)
        .select_from(
            users.join(company, company.c.id == users.c.company_id).join(
                domain, domain.c.id == company.c.alias_domain_id
            )
        )
        .where(users.c.id == ROOT_UID)
    ).first()
    if row is None:
        return None
    return str(row.name), row.default_from


def _failure_counts(connection: Connection, schema: OdooSchema, now: datetime) -> tuple[int, int]:
    mail = schema.t("mail_mail")
    failed_at: Any = func.coalesce(mail.c.write_date, mail.c.create_date)
    hour_ago = now - timedelta(hours=1)
    day_before = hour_ago - timedelta(hours=24)
    recent = connection.execute(
        select(func.count()).where(mail.c.state == "exception", failed_at >= hour_ago)
    ).scalar_one()
    before = connection.execute(
        select(func.count()).where(
            mail.c.state == "exception", failed_at >= day_before, failed_at < hour_ago
        )
    ).scalar_one()
    return int(recent), int(before)
