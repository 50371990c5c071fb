"""Who sent each of the sample's mails, and when: the sending sessions behind its Odoo log.

A chatter notification is sent right after it is posted (``force_send``: an HTTP worker
sends it once the request commits, one ``send()`` per mail); campaign mails and mails the
queue picked up later are sent by the Email Queue Manager cron, which runs every hour and
when a campaign triggers it. ``odoo_log`` turns these sessions into Odoo's lines.

The cron's schedule follows the scenario (``crons.py``): hourly runs on the anchor's hour up
to three hours before it (its ``lastcall``), then a run that started two hours before the
anchor and never ended (the stuck run that keeps the queue waiting).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sample_db.failures import Failure
from sample_db.mails import MailSpec
from sample_db.vocab import DOMAIN
from sample_db.world import Person, World

H = timedelta(hours=1)
RELAY_SERVER_ID = 1  # the Brevo relay: mail from the company's domain (its from_filter)
M365_SERVER_ID = 2  # Office 365: every other sender (no from_filter)
QUEUED_AFTER = timedelta(minutes=10)  # sent later than this after creation: by the cron
RUN_GAP = timedelta(minutes=5)  # cron-sent mails further apart belong to two runs
LAST_RUN = 3 * H  # before the anchor: the cron's lastcall
STUCK_RUN = 2 * H  # before the anchor: the run that never finished


@dataclass(frozen=True, slots=True)
class LoggedMail:
    """One sent or failed mail as its log lines need it."""

    mail_id: int
    message_id: str
    done: datetime  # when it was sent or failed (write_date)
    failure: Failure | None
    server_id: int
    invalid_to: tuple[str, ...]  # recipients Odoo skipped (formatted as it logs them)
    by_cron: bool

    @property
    def connected(self) -> bool:
        """False when the SMTP session never opened (login, TLS, refused, 421 greeting)."""
        return self.failure is None or self.failure.kind != "connect"


@dataclass(slots=True)
class CronRun:
    start: datetime
    mails: list[LoggedMail] = field(default_factory=list)
    finished: bool = True

    @property
    def end(self) -> datetime:
        return max([self.start, *(m.done for m in self.mails)])


def partners(world: World) -> dict[int, Person]:
    return {p.partner_id: p for p in (*world.customers, *world.staff, world.admin)}


def logged_mail(
    people: dict[int, Person], spec: MailSpec, mail_id: int, message_id: str
) -> LoggedMail | None:
    """The mail as the log sees it, or None when Odoo never tried to send it."""
    if spec.state not in ("sent", "exception") or spec.done_at is None or spec.kind == "incoming":
        return None
    sender = spec.email_from.rpartition("<")[2].rstrip(">").strip()
    server = RELAY_SERVER_ID if sender.endswith(f"@{DOMAIN}") else M365_SERVER_ID
    skipped = tuple(
        odoo_formataddr(person)
        for pid in spec.partner_ids
        if (person := people.get(pid)) is not None and not person.valid
    )
    return LoggedMail(
        mail_id=mail_id,
        message_id=message_id,
        done=spec.done_at,
        failure=spec.failure,
        server_id=server,
        invalid_to=skipped,
        by_cron=spec.kind == "campaign" or spec.done_at - spec.at > QUEUED_AFTER,
    )


def odoo_formataddr(person: Person) -> str:
    """``tools.formataddr((partner.name, partner.email or "False"))`` (utf-8), as
    ``_prepare_outgoing_list`` formats a recipient whose address does not normalize."""
    local, _, domain = (person.email or "False").rpartition("@")
    name = person.name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{name}" <{local}@{domain}>'


def cron_runs(mails: list[LoggedMail], anchor: datetime) -> list[CronRun]:
    """The queue cron's runs, oldest first: hourly ones (empty or not), the triggered ones a
    campaign started, and the stuck one."""
    queued = sorted((m for m in mails if m.by_cron), key=lambda m: (m.done, m.mail_id))
    first = min((m.done for m in mails), default=anchor - LAST_RUN)
    hourly: list[datetime] = []
    slot = anchor - LAST_RUN
    while slot >= first.replace(minute=0, second=0, microsecond=0):
        hourly.append(slot)
        slot -= H
    hourly.reverse()
    runs: dict[datetime, CronRun] = {at: CronRun(at) for at in hourly}
    current: CronRun | None = None
    for mail in queued:
        if current is not None and mail.done - current.end <= RUN_GAP:
            current.mails.append(mail)
            continue
        slot = max((at for at in hourly if at <= mail.done), default=None)
        if slot is not None and mail.done - slot <= RUN_GAP:
            current = runs[slot]
        else:  # a campaign put in the queue triggers a run of its own
            current = CronRun(mail.done - timedelta(seconds=1))
            runs[current.start] = current
        current.mails.append(mail)
    ordered = sorted(runs.values(), key=lambda r: r.start)
    # Odoo never runs a job twice at once: an hourly slot inside a longer run is skipped.
    kept: list[CronRun] = []
    for run in ordered:
        if kept and not run.mails and run.start <= kept[-1].end:
            continue
        kept.append(run)
    kept.append(CronRun(anchor - STUCK_RUN, finished=False))
    return kept


def batches(run_mails: list[LoggedMail]) -> list[list[LoggedMail]]:
    """One SMTP session per server (and per failed connection), in sending order."""
    out: list[list[LoggedMail]] = []
    for mail in run_mails:
        if out and (out[-1][0].server_id, out[-1][0].connected) == (
            mail.server_id,
            mail.connected,
        ):
            out[-1].append(mail)
        else:
            out.append([mail])
    return out
