"""The health model: statuses, results, the facts the checks read, their thresholds,
and the small helpers every check family shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

from console.domain.bounces import RateWindow
from console.domain.envelopes import EnvelopeCounts
from console.domain.models import CampaignRow, CronRow, cron_interval_of
from console.domain.oca_modules import OcaFacts
from console.domain.pause import PauseState
from console.domain.thresholds import Thresholds as Thresholds  # where the checks take it


class Status(IntEnum):
    """Nagios plugin codes."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


# Worst-of order: CRITICAL > WARNING > UNKNOWN > OK (as Nagios plugins aggregate).
_SEVERITY = {Status.OK: 0, Status.UNKNOWN: 1, Status.WARNING: 2, Status.CRITICAL: 3}


def worst(statuses: Sequence[Status]) -> Status:
    return max(statuses, key=lambda s: _SEVERITY[s], default=Status.OK)


@dataclass(frozen=True, slots=True)
class Perf:
    """One Nagios performance value: label=value[uom];warn;crit."""

    label: str
    value: float
    warn: float | None = None
    crit: float | None = None
    uom: str = ""

    def render(self) -> str:
        def num(value: float | None) -> str:
            if value is None:
                return ""
            return str(int(value)) if float(value).is_integer() else f"{value:.1f}"

        text = f"{self.label}={num(self.value)}{self.uom};{num(self.warn)};{num(self.crit)}"
        return text.rstrip(";")


@dataclass(frozen=True, slots=True)
class CheckResult:
    id: str  # stable identifier, e.g. "queue_cron"
    title: str  # what is checked, e.g. "Email Queue Manager cron"
    status: Status
    summary: str  # a few words for a one-line report, e.g. "queue cron overdue 2h"
    why: str  # one or two sentences: what was found and what it means
    fix: str = ""  # what to do ("" when nothing)
    perf: tuple[Perf, ...] = ()
    command: str = ""  # a command or statement for the operator to run; never run by us


@dataclass(frozen=True, slots=True)
class ServerFact:
    """An ir_mail_server row (credentials are never part of the facts)."""

    id: int
    name: str
    host: str | None
    port: int | None
    encryption: str | None
    from_filter: str | None
    active: bool
    authentication: str | None = None


@dataclass(frozen=True, slots=True)
class ConfFact:
    """odoo.conf's SMTP options; `known` is False when no odoo.conf was given to us."""

    known: bool = False
    host: str | None = None
    port: int | None = None
    ssl: bool = False
    email_from: str | None = None
    from_filter: str | None = None


@dataclass(frozen=True, slots=True)
class HealthFacts:
    now: datetime
    version: int
    neutralized: bool | None = None
    servers: tuple[ServerFact, ...] | None = None
    conf: ConfFact = field(default_factory=ConfFact)
    crons_read: bool = False
    queue_cron: CronRow | None = None
    mass_mailing_cron: CronRow | None = None
    paused: PauseState | None = None  # the console's pause of the queue (odoo_mailq.pause)
    failed: int | None = None
    outgoing: int | None = None
    oldest_due_outgoing: datetime | None = None
    scheduled_future: int | None = None
    next_scheduled: datetime | None = None
    campaigns: tuple[CampaignRow, ...] | None = None
    admin_found: bool = False
    admin_email: str | None = None
    alias_domains: tuple[str, ...] | None = None  # 17+: mail_alias_domain names
    companies_without_alias: int = 0  # 17+
    catchall_domain: str | None = None  # 16: ICP mail.catchall.domain
    default_from: str | None = None
    default_from_source: str = ""
    default_from_filter: str | None = None  # ICP mail.default.from_filter or odoo.conf
    failures_last_hour: int | None = None
    failures_prev_24h: int | None = None
    volume_24h: int | None = None
    envelopes: EnvelopeCounts | None = None  # the chatter's red envelopes
    bounces: tuple[RateWindow, ...] | None = None  # bounce rates: last 24 hours, last 7 days
    oca: OcaFacts = field(default_factory=OcaFacts)  # OCA mail modules (domain.oca_modules)
    unreadable: tuple[str, ...] = ()  # facts that could not be read, for the record
    # (check id, why): what this connection cannot read at all (over Odoo's external API:
    # PostgreSQL's row locks, odoo.conf); those checks say so instead of judging.
    not_available: tuple[tuple[str, str], ...] = ()

    def unavailable(self, check_id: str) -> str | None:
        """Why this connection cannot judge ``check_id`` (None: it can)."""
        return next((why for key, why in self.not_available if key == check_id), None)


def cron_interval(cron: CronRow | None) -> timedelta | None:
    return None if cron is None else cron_interval_of(cron.interval_number, cron.interval_type)


def in_minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def ok_result(id_: str, title: str, summary: str, why: str, *perf: Perf) -> CheckResult:
    return CheckResult(id_, title, Status.OK, summary, why, "", perf)


def unknown_result(id_: str, title: str, what: str) -> CheckResult:
    return CheckResult(
        id_,
        title,
        Status.UNKNOWN,
        f"{what} unreadable",
        f"Could not read {what} from this database",
        "Check the database user's rights and the schema (see --debug)",
    )


NOT_AVAILABLE_OVER_API = "not available over the API"


def not_available_result(id_: str, title: str, reason: str) -> CheckResult:
    """UNKNOWN: this connection cannot read what the check needs (never an error)."""
    return CheckResult(
        id_,
        title,
        Status.UNKNOWN,
        NOT_AVAILABLE_OVER_API,
        f"{NOT_AVAILABLE_OVER_API[0].upper()}{NOT_AVAILABLE_OVER_API[1:]}: {reason}",
        "Run it with a database connection (--db or -c odoo.conf) to judge this",
    )


def active_servers(facts: HealthFacts) -> list[ServerFact]:
    return [s for s in facts.servers or () if s.active]
