"""Health checks as data: pure rules over `HealthFacts`, each saying status, why and what to do.

Nothing here reads a database or the network: `console.services.health` gathers the facts.
A fact that could not be read is None, and the checks that need it answer UNKNOWN.
Datetimes are naive UTC, as Odoo stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

from console.domain.from_filter import match_from_filter
from console.domain.models import CampaignRow, CronRow


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
    unreadable: tuple[str, ...] = ()  # facts that could not be read, for the record


@dataclass(frozen=True, slots=True)
class Thresholds:
    warn_failed: int = 10
    crit_failed: int = 50
    max_oldest_outgoing_min: float | None = None  # CRITICAL above; default 2 intervals
    cron_grace_min: float = 5.0  # Odoo's runner polls every minute; allow a few
    min_interval_min: float = 5.0
    max_interval_min: float = 60.0
    recommended_interval_min: float = 15.0
    cron_running_long_min: float = 60.0
    spike_min_count: int = 5
    spike_factor: float = 3.0
    spike_crit_count: int = 20
    spike_crit_factor: float = 10.0
    campaign_stall_floor_min: float = 15.0
    campaign_stall_cap_min: float = 60.0
    daily_warn_ratio: float = 0.8


TEST_CATCHER_PORTS = frozenset({1025, 8025, 2525})
TEST_CATCHER_NAMES = ("mailpit", "mailhog", "smtp4dev", "mailcatcher", "maildev")
PLACEHOLDER_ADMIN_EMAIL = "admin@example.com"

_INTERVALS = {
    "minutes": timedelta(minutes=1),
    "hours": timedelta(hours=1),
    "days": timedelta(days=1),
    "weeks": timedelta(weeks=1),
    "months": timedelta(days=30),
}


def cron_interval(cron: CronRow | None) -> timedelta | None:
    if cron is None or not cron.interval_number or cron.interval_type not in _INTERVALS:
        return None
    return _INTERVALS[cron.interval_type] * int(cron.interval_number)


def age(seconds: float) -> str:
    """'45s', '12m', '2h', '2h05m', '3d4h'."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        hours, minutes = seconds // 3600, (seconds % 3600) // 60
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    return f"{seconds // 86400}d{(seconds % 86400) // 3600}h"


def _minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def _ok(id_: str, title: str, summary: str, why: str, *perf: Perf) -> CheckResult:
    return CheckResult(id_, title, Status.OK, summary, why, "", perf)


def _unknown(id_: str, title: str, what: str) -> CheckResult:
    return CheckResult(
        id_,
        title,
        Status.UNKNOWN,
        f"{what} unreadable",
        f"Could not read {what} from this database",
        "Check the database user's rights and the schema (see --debug)",
    )


# -- the checks ---------------------------------------------------------------------------
def check_neutralized(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Database neutralized"
    if f.neutralized is None:
        return _unknown("neutralized", title, "the neutralization flag")
    if f.neutralized:
        return CheckResult(
            "neutralized",
            title,
            Status.CRITICAL,
            "database neutralized",
            "database.is_neutralized is set: this is a copy (staging/test) where Odoo "
            "deactivated the outgoing servers and crons on purpose, so no mail leaves",
            "Expected on a staging copy. On production, the database was restored as a "
            "copy: restore it as the original (or remove the flag and re-enable servers "
            "and crons deliberately)",
        )
    return _ok("neutralized", title, "not neutralized", "database.is_neutralized is not set")


def _active_servers(f: HealthFacts) -> list[ServerFact]:
    return [s for s in f.servers or () if s.active]


def _conf_endpoint(f: HealthFacts) -> str:
    host = f.conf.host or "localhost"
    return f"{host}:{f.conf.port or 25}"


def check_outgoing_server(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Outgoing mail server"
    if f.servers is None:
        return _unknown("outgoing_server", title, "ir_mail_server")
    active = _active_servers(f)
    if active:
        names = ", ".join(f"{s.name} ({s.host}:{s.port})" for s in active[:3])
        return _ok("outgoing_server", title, f"{len(active)} active", f"Active: {names}")
    archived = len(f.servers)
    why_archived = f" ({archived} archived)" if archived else ""
    if f.conf.known and f.conf.host:
        return _ok(
            "outgoing_server",
            title,
            "odoo.conf smtp",
            f"No active ir_mail_server{why_archived}: Odoo sends through odoo.conf "
            f"smtp_server {_conf_endpoint(f)}",
        )
    if f.conf.known:
        where = "odoo.conf sets no smtp_server, so Odoo uses localhost:25"
    else:
        where = (
            "Odoo falls back to odoo.conf smtp_server (localhost:25 when unset; give "
            "odoo-mailq the odoo.conf with -c to check it)"
        )
    return CheckResult(
        "outgoing_server",
        title,
        Status.WARNING,
        "no active outgoing server",
        f"No active outgoing mail server{why_archived}: {where}",
        "Configure and activate an outgoing server (Settings > Technical > Outgoing Mail "
        "Servers), then `odoo-mailq probe`",
    )


def _is_catcher(host: str | None, port: int | None) -> bool:
    lowered = (host or "").lower()
    return (port in TEST_CATCHER_PORTS) or any(n in lowered for n in TEST_CATCHER_NAMES)


def check_test_catcher(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Test mail catcher"
    if f.servers is None:
        return _unknown("test_catcher", title, "ir_mail_server")
    targets = [(s.name, s.host, s.port) for s in _active_servers(f)]
    if not targets and f.conf.known:
        targets = [("odoo.conf", f.conf.host or "localhost", f.conf.port or 25)]
    catchers = [(n, h, p) for n, h, p in targets if _is_catcher(h, p)]
    if not catchers:
        return _ok("test_catcher", title, "no catcher", "No server points at a test catcher")
    name, host, port = catchers[0]
    return CheckResult(
        "test_catcher",
        title,
        Status.CRITICAL,
        f"server {name} is a test catcher",
        f"{name} sends to {host}:{port}, a test mail catcher (Mailpit/MailHog/smtp4dev): "
        "Odoo marks mail sent but nobody receives it",
        "On production, point the outgoing server at the real relay (host, port, "
        "encryption, credentials), then `odoo-mailq probe`",
    )


def _queue_cron_missing(f: HealthFacts) -> CheckResult | None:
    title = "Email Queue Manager cron"
    if not f.crons_read:
        return _unknown("queue_cron", title, "ir_cron")
    if f.queue_cron is None:
        return CheckResult(
            "queue_cron",
            title,
            Status.CRITICAL,
            "queue cron missing",
            "The cron mail.ir_cron_mail_scheduler_action (Mail: Email Queue Manager) was "
            "not found: nothing sends queued mail",
            "Upgrade the mail module (it recreates the cron), or restore it from a backup",
        )
    return None


def check_queue_cron(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Email Queue Manager cron"
    missing = _queue_cron_missing(f)
    if missing is not None:
        return missing
    cron = f.queue_cron
    assert cron is not None
    if not cron.active:
        failures = cron.failure_count or 0
        if failures:
            since = (
                f" since {cron.first_failure_date:%Y-%m-%d %H:%M} UTC"
                if (cron.first_failure_date)
                else ""
            )
            why = (
                f"The cron is inactive after {failures} consecutive failures{since}: "
                "Odoo switched it off itself; queued mail is not sent"
            )
        elif f.neutralized:
            why = "The cron is inactive (neutralization deactivates crons): queued mail waits"
        else:
            why = "The cron is inactive: queued mail is not sent"
        return CheckResult(
            "queue_cron",
            title,
            Status.CRITICAL,
            "queue cron inactive",
            why,
            "Find why it failed in the Odoo log (if it did), then re-activate it in "
            "Settings > Technical > Scheduled Actions; `odoo-mailq trigger` runs it now",
        )
    interval = cron_interval(cron)
    if cron.running:
        late = (f.now - cron.nextcall) if cron.nextcall else timedelta(0)
        if _minutes(late) > t.cron_running_long_min:
            return CheckResult(
                "queue_cron",
                title,
                Status.WARNING,
                f"queue cron running for {age(late.total_seconds())}",
                f"A worker has held the cron for about {age(late.total_seconds())}: a very "
                "long batch or a stuck worker",
                "Look at the Odoo log and pg_stat_activity for the cron worker; lower "
                "mail.mail.queue.batch.size if batches are huge",
            )
        return _ok("queue_cron", title, "queue cron running", "A worker is running it now")
    if cron.nextcall is not None and cron.nextcall + timedelta(minutes=t.cron_grace_min) < f.now:
        late = f.now - cron.nextcall
        missed_a_run = interval is None or late > interval
        return CheckResult(
            "queue_cron",
            title,
            Status.CRITICAL if missed_a_run else Status.WARNING,
            f"queue cron overdue {age(late.total_seconds())}",
            f"Its next call was due {age(late.total_seconds())} ago and no worker ran it: "
            "no Odoo process runs crons for this database, or they are all busy",
            "Check that an Odoo server runs crons for this database (max_cron_threads > 0, "
            "db_name/--database, no --no-cron) and look for a long cron in `crons`; "
            "`odoo-mailq trigger` asks for a run",
            (Perf("queue_cron_late_min", round(_minutes(late))),),
        )
    when = f"next run in {age((cron.nextcall - f.now).total_seconds())}" if cron.nextcall else ""
    return _ok("queue_cron", title, "queue cron on time", f"Active; {when}".rstrip("; "))


def check_queue_cron_interval(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Email Queue Manager interval"
    missing = _queue_cron_missing(f)
    if missing is not None:
        return CheckResult(
            "queue_cron_interval", title, missing.status, missing.summary, missing.why, missing.fix
        )
    interval = cron_interval(f.queue_cron)
    if interval is None:
        return _unknown("queue_cron_interval", title, "the cron interval")
    minutes = _minutes(interval)
    every = age(interval.total_seconds())
    fix = (
        f"Set the Email Queue Manager to every {int(t.recommended_interval_min)} minutes "
        "(Settings > Technical > Scheduled Actions)"
    )
    if minutes < t.min_interval_min:
        return CheckResult(
            "queue_cron_interval",
            title,
            Status.WARNING,
            f"queue cron every {every}",
            f"Every {every} is below Odoo's {int(t.min_interval_min)}-minute floor: runs "
            "overlap and hammer the relay",
            fix,
        )
    if minutes > t.max_interval_min:
        return CheckResult(
            "queue_cron_interval",
            title,
            Status.WARNING,
            f"queue cron every {every}",
            f"Queued mail waits up to {every} between runs (Odoo recommends "
            f"{int(t.recommended_interval_min)} minutes)",
            fix,
        )
    return _ok(
        "queue_cron_interval",
        title,
        f"every {every}",
        f"Runs every {every} (Odoo recommends {int(t.recommended_interval_min)} minutes)",
    )


def check_queue_cron_failures(f: HealthFacts, t: Thresholds) -> CheckResult:
    """Odoo 18+: failure_count, and self-deactivation after 5 failures over 7 days."""
    title = "Email Queue Manager failures"
    missing = _queue_cron_missing(f)
    if missing is not None:
        return CheckResult(
            "queue_cron_failures", title, missing.status, missing.summary, missing.why, missing.fix
        )
    cron = f.queue_cron
    assert cron is not None
    if cron.failure_count is None:
        return _ok(
            "queue_cron_failures", title, "not tracked", "This Odoo version counts no failures"
        )
    failures = int(cron.failure_count)
    perf = Perf("queue_cron_failures", failures, 1, 5)
    if failures == 0:
        return _ok("queue_cron_failures", title, "no failures", "Its last run succeeded", perf)
    since = (
        f" since {cron.first_failure_date:%Y-%m-%d %H:%M} UTC" if cron.first_failure_date else ""
    )
    status = Status.CRITICAL if failures >= 5 or not cron.active else Status.WARNING
    deactivate = (
        "Odoo switched it off"
        if not cron.active
        else "Odoo switches it off after 5 failures over 7 days"
    )
    return CheckResult(
        "queue_cron_failures",
        title,
        status,
        f"queue cron failed {failures}x",
        f"The last {failures} runs failed{since}; {deactivate}",
        "Read the Odoo log for 'Failed processing mail queue' and the traceback; fix it, "
        "then re-activate the cron if needed",
        (perf,),
    )


def check_oldest_outgoing(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Oldest mail waiting"
    if f.outgoing is None:
        return _unknown("oldest_outgoing", title, "the outgoing queue")
    interval = cron_interval(f.queue_cron) or timedelta(hours=1)
    warn_min = _minutes(interval) + t.cron_grace_min
    crit_min = (
        t.max_oldest_outgoing_min
        if t.max_oldest_outgoing_min is not None
        else 2 * _minutes(interval) + t.cron_grace_min
    )
    warn_min = min(warn_min, crit_min)
    if f.oldest_due_outgoing is None:
        return _ok(
            "oldest_outgoing",
            title,
            "nothing waiting",
            "No outgoing mail is due",
            Perf("oldest_outgoing_min", 0, warn_min, crit_min),
            Perf("outgoing", f.outgoing),
        )
    waited = max(0.0, _minutes(f.now - f.oldest_due_outgoing))
    perf = (
        Perf("oldest_outgoing_min", round(waited), round(warn_min), round(crit_min)),
        Perf("outgoing", f.outgoing),
    )
    text = age(waited * 60)
    if waited > crit_min or waited > warn_min:
        status = Status.CRITICAL if waited > crit_min else Status.WARNING
        return CheckResult(
            "oldest_outgoing",
            title,
            status,
            f"oldest outgoing {text}",
            f"The oldest due mail has waited {text}, longer than the queue cron interval "
            f"({age(interval.total_seconds())}): the queue is not draining",
            "See the Email Queue Manager check; `odoo-mailq trigger` asks for a run, "
            "`odoo-mailq send` sends now",
            perf,
        )
    return CheckResult(
        "oldest_outgoing",
        title,
        Status.OK,
        f"oldest outgoing {text}",
        f"The oldest due mail has waited {text}, within one cron interval",
        "",
        perf,
    )


def check_failed(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Failed mails"
    if f.failed is None:
        return _unknown("failed_mails", title, "the failed mails")
    perf = (Perf("failed", f.failed, t.warn_failed, t.crit_failed),)
    if f.failed >= t.crit_failed or f.failed >= t.warn_failed:
        status = Status.CRITICAL if f.failed >= t.crit_failed else Status.WARNING
        return CheckResult(
            "failed_mails",
            title,
            status,
            f"{f.failed} failed",
            f"{f.failed} mails are in Delivery Failed (Odoo never retries them by itself)",
            "See the causes (`odoo-mailq causes`), fix the configuration ones, then retry one "
            "cause at a time (`odoo-mailq retry --cause KEY`)",
            perf,
        )
    why = f"{f.failed} mails in Delivery Failed" if f.failed else "No mail in Delivery Failed"
    return CheckResult("failed_mails", title, Status.OK, f"{f.failed} failed", why, "", perf)


def check_failure_spike(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Failures in the last hour"
    if f.failures_last_hour is None or f.failures_prev_24h is None:
        return _unknown("failure_spike", title, "the failure times")
    recent, before = f.failures_last_hour, f.failures_prev_24h
    rate = before / 24.0
    perf = (Perf("failures_last_hour", recent), Perf("failures_prev_24h", before))
    baseline = max(rate, 1.0)
    if recent >= t.spike_min_count and recent >= t.spike_factor * baseline:
        critical = recent >= t.spike_crit_count and recent >= t.spike_crit_factor * baseline
        return CheckResult(
            "failure_spike",
            title,
            Status.CRITICAL if critical else Status.WARNING,
            f"{recent} failures in the last hour",
            f"{recent} mails failed in the last hour against {rate:.1f}/hour over the 24 "
            "hours before: something just broke (credentials, relay, quota)",
            "Look at the newest cause (`odoo-mailq causes`) and probe the server "
            "(`odoo-mailq probe`)",
            perf,
        )
    return CheckResult(
        "failure_spike",
        title,
        Status.OK,
        f"{recent} failures last hour",
        f"{recent} failures in the last hour ({rate:.1f}/hour over the 24 hours before)",
        "",
        perf,
    )


def check_scheduled(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Mails scheduled for later"
    if f.scheduled_future is None:
        return _unknown("scheduled_future", title, "the scheduled mails")
    if not f.scheduled_future:
        return _ok("scheduled_future", title, "none scheduled", "No mail is scheduled for later")
    when = ""
    if f.next_scheduled is not None:
        when = f"; the next is due in {age((f.next_scheduled - f.now).total_seconds())}"
    return _ok(
        "scheduled_future",
        title,
        f"{f.scheduled_future} scheduled",
        f"{f.scheduled_future} outgoing mails have a scheduled date in the future and wait "
        f"on purpose{when}",
        Perf("scheduled_future", f.scheduled_future),
    )


def _stall_limit(f: HealthFacts, t: Thresholds) -> timedelta:
    interval = cron_interval(f.mass_mailing_cron) or timedelta(minutes=t.campaign_stall_cap_min)
    minutes = max(t.campaign_stall_floor_min, min(_minutes(interval), t.campaign_stall_cap_min))
    return timedelta(minutes=minutes)


def check_campaign_head(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Mass-mailing queue head"
    if f.campaigns is None:
        return _unknown("campaign_head", title, "the mass-mailing queue")
    head = next((c for c in f.campaigns if c.is_head), None)
    if head is None:
        return _ok("campaign_head", title, "no campaign due", "No campaign is due to send")
    behind = sum(1 for c in f.campaigns if c.due) - 1
    name = head.name or head.subject
    if head.state == "sending":
        last = head.last_trace_at or head.calendar_date
        limit = _stall_limit(f, t)
        if last is not None and f.now - last > limit:
            quiet = age((f.now - last).total_seconds())
            waiting = f"; {behind} campaigns wait behind it" if behind > 0 else ""
            return CheckResult(
                "campaign_head",
                title,
                Status.CRITICAL if behind > 0 else Status.WARNING,
                f"campaign {name!r} stuck {quiet}",
                f"Campaign #{head.id} {name!r} is in Sending with no new trace for {quiet} "
                f"(more than {age(limit.total_seconds())}){waiting}",
                "Read the Odoo log of the Mail Marketing queue cron and ask it to run now "
                "(`odoo-mailq trigger mass_mailing.ir_cron_mass_mailing_queue`); Odoo has no "
                "Cancel for a campaign in Sending, but the queued ones behind it can be "
                "cancelled (`odoo-mailq cancel-campaign ID`)",
            )
        return _ok("campaign_head", title, "head sending", f"Campaign #{head.id} is sending")
    cron = f.mass_mailing_cron
    if cron is not None and (not cron.active or cron.overdue):
        state = "inactive" if not cron.active else "overdue"
        return CheckResult(
            "campaign_head",
            title,
            Status.WARNING,
            f"mass-mailing cron {state}",
            f"Campaign #{head.id} {name!r} is due but the Mail Marketing queue cron is {state}",
            "Re-activate the Mail Marketing: Process queue cron, or `odoo-mailq trigger "
            "mass_mailing.ir_cron_mass_mailing_queue`",
        )
    return _ok("campaign_head", title, "head queued", f"Campaign #{head.id} {name!r} is next")


def check_admin_email(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Administrator e-mail"
    if not f.admin_found:
        return _ok("admin_email", title, "no admin user", "No base.user_admin user to check")
    email = (f.admin_email or "").strip().lower()
    if email == PLACEHOLDER_ADMIN_EMAIL or email.endswith("@example.com"):
        return CheckResult(
            "admin_email",
            title,
            Status.WARNING,
            "admin e-mail is a placeholder",
            f"The administrator still has the placeholder e-mail {email} set at database "
            "creation: mail sent as the admin is refused or bounces",
            "Set a real address on the Administrator user (Settings > Users)",
        )
    if not email:
        return CheckResult(
            "admin_email",
            title,
            Status.WARNING,
            "admin has no e-mail",
            "The administrator has no e-mail address: mail authored by the admin fails",
            "Set a real address on the Administrator user (Settings > Users)",
        )
    return _ok("admin_email", title, "admin e-mail set", f"The administrator's e-mail is {email}")


def check_alias_domain(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Catchall / alias domain"
    fix = (
        "Set the alias domain in Settings > General Settings > Discuss (Alias Domain) to "
        "the domain you send from"
    )
    if f.version >= 17:
        if f.alias_domains is None:
            return _unknown("alias_domain", title, "mail_alias_domain")
        if not f.alias_domains:
            return CheckResult(
                "alias_domain",
                title,
                Status.WARNING,
                "no alias domain",
                "No alias domain: no bounce or catchall address, replies and bounces "
                "cannot come back, and the default From falls back to odoo.conf email_from",
                fix,
            )
        if f.companies_without_alias:
            return CheckResult(
                "alias_domain",
                title,
                Status.WARNING,
                f"{f.companies_without_alias} companies without alias domain",
                f"{f.companies_without_alias} companies have no alias domain: their mail "
                "has no bounce address or default From",
                fix,
            )
        return _ok("alias_domain", title, "alias domain set", ", ".join(f.alias_domains))
    if not f.catchall_domain:
        return CheckResult(
            "alias_domain",
            title,
            Status.WARNING,
            "no catchall domain",
            "The ICP mail.catchall.domain is not set: no bounce/catchall address and no "
            "default From built from mail.default.from",
            "Set the alias domain in Settings > General Settings (mail.catchall.domain)",
        )
    return _ok("alias_domain", title, "catchall domain set", f.catchall_domain)


def check_default_from(f: HealthFacts, t: Thresholds) -> CheckResult:
    title = "Default From vs from_filter"
    if f.servers is None:
        return _unknown("default_from", title, "ir_mail_server")
    if not f.default_from:
        return CheckResult(
            "default_from",
            title,
            Status.WARNING,
            "no default From",
            "No default From (alias domain default From, mail.default.from or odoo.conf "
            "email_from): notifications go out with each author's address, which relays "
            "often refuse",
            "Set the alias domain's default From (17+) or mail.default.from (16)",
        )
    active = _active_servers(f)
    if active:
        filters = [s.from_filter for s in active]
        if any(match_from_filter(f.default_from, flt, f.version) for flt in filters):
            return _ok(
                "default_from",
                title,
                "default From allowed",
                f"A server's from_filter allows {f.default_from} ({f.default_from_source})",
            )
        shown = "; ".join(f"{s.name}: {s.from_filter}" for s in active[:3])
        listed = f.version <= 16 and any("," in (flt or "") for flt in filters)
        return CheckResult(
            "default_from",
            title,
            Status.WARNING,
            "default From matches no from_filter",
            f"No active server's from_filter allows the default From {f.default_from} "
            f"({shown}): Odoo falls back to the first server, and the relay may refuse the "
            "sender (550 sender identity)"
            + (
                ". Odoo 16 reads a from_filter as one address or one domain, not a list"
                if listed
                else ""
            ),
            "Add the domain to a server's from_filter or change the default From to an "
            "address the relay accepts",
        )
    if match_from_filter(f.default_from, f.default_from_filter, f.version):
        return _ok("default_from", title, "default From allowed", f"Default From {f.default_from}")
    return CheckResult(
        "default_from",
        title,
        Status.WARNING,
        "default From matches no from_filter",
        f"The default From {f.default_from} is not allowed by the odoo.conf/ICP from_filter "
        f"{f.default_from_filter}",
        "Align mail.default.from_filter (or odoo.conf from_filter) with the default From",
    )


def check_daily_volume(f: HealthFacts, t: Thresholds, daily_limit: int) -> CheckResult:
    title = "Mail volume (24 h)"
    if f.volume_24h is None:
        return _unknown("daily_volume", title, "the mail volume")
    volume = f.volume_24h
    warn_at = daily_limit * t.daily_warn_ratio
    perf = (Perf("volume_24h", volume, round(warn_at), daily_limit),)
    pending = f.outgoing or 0
    if volume >= daily_limit:
        return CheckResult(
            "daily_volume",
            title,
            Status.CRITICAL,
            f"daily limit reached ({volume}/{daily_limit})",
            f"At least {volume} mails in the last 24 hours against a limit of {daily_limit}: "
            "further mail is refused until the quota resets",
            "Wait for the reset, ask the provider (Odoo support) for a higher quota, or use "
            "your own SMTP server; hold campaigns meanwhile",
            perf,
        )
    if volume >= warn_at or volume + pending > daily_limit:
        return CheckResult(
            "daily_volume",
            title,
            Status.WARNING,
            f"near daily limit ({volume}/{daily_limit})",
            f"At least {volume} mails in the last 24 hours and {pending} waiting, against a "
            f"limit of {daily_limit}",
            "Hold or reschedule big campaigns until the quota resets",
            perf,
        )
    return CheckResult(
        "daily_volume",
        title,
        Status.OK,
        f"{volume}/{daily_limit} in 24 h",
        f"At least {volume} mails in the last 24 hours (limit {daily_limit})",
        "",
        perf,
    )


CHECKS: tuple[Callable[[HealthFacts, Thresholds], CheckResult], ...] = (
    check_neutralized,
    check_outgoing_server,
    check_test_catcher,
    check_queue_cron,
    check_queue_cron_interval,
    check_queue_cron_failures,
    check_oldest_outgoing,
    check_failed,
    check_failure_spike,
    check_scheduled,
    check_campaign_head,
    check_admin_email,
    check_alias_domain,
    check_default_from,
)


def evaluate(
    facts: HealthFacts, *, daily_limit: int | None = None, thresholds: Thresholds | None = None
) -> list[CheckResult]:
    """Every check over the facts, in a fixed order."""
    t = thresholds or Thresholds()
    results = [check(facts, t) for check in CHECKS]
    if facts.version < 18:
        results = [r for r in results if r.id != "queue_cron_failures"]
    if daily_limit is not None:
        results.append(check_daily_volume(facts, t, daily_limit))
    return results


def overall(results: Sequence[CheckResult]) -> Status:
    return worst([r.status for r in results])


def health_summary(results: Sequence[CheckResult]) -> str:
    """One line for a header: '✖ 2 critical ▲ 1 warn', or '✔ healthy'."""
    counts = {status: sum(1 for r in results if r.status is status) for status in Status}
    parts = []
    if counts[Status.CRITICAL]:
        parts.append(f"✖ {counts[Status.CRITICAL]} critical")
    if counts[Status.WARNING]:
        parts.append(f"▲ {counts[Status.WARNING]} warn")
    if counts[Status.UNKNOWN]:
        parts.append(f"? {counts[Status.UNKNOWN]} unknown")
    return " ".join(parts) if parts else "✔ healthy"


def check_line(results: Sequence[CheckResult], *, name: str = "MAILQ") -> str:
    """The Nagios plugin line: 'MAILQ CRITICAL - 59 failed, ... | failed=59;10;50 ...'."""
    status = overall(results)
    problems = [r for r in results if r.status is status and status is not Status.OK]
    if status is Status.CRITICAL:  # the warnings matter too, after the criticals
        problems += [r for r in results if r.status is Status.WARNING]
    if problems:
        text = ", ".join(r.summary for r in problems)
    else:
        failed = next((r for r in results if r.id == "failed_mails"), None)
        text = "mail queue healthy" + (f", {failed.summary}" if failed else "")
    perf = " ".join(p.render() for r in results for p in r.perf)
    line = f"{name} {status.name} - {_one_line(text)}"
    return f"{line} | {perf}" if perf else line


def _one_line(text: str) -> str:
    return " ".join(text.replace("|", "/").split())
