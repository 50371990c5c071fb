"""Bulk history behind the scenario: months of ordinary mail in realistic proportions.

Mails are produced in chronological order (busier on weekday office hours), so that
``mail_mail.id`` grows with ``create_date`` once merged with the scenario. About 30 %
are campaign mails of past "done" newsletters, the rest chatter notifications and a
few direct mails; states follow a steady-state queue: mostly ``sent``, a few percent
``exception`` across the catalogue families, some ``cancel``, a backlog of ``outgoing``
queued since the queue cron stopped three hours ago, and ``received`` mail from when
the incoming server was still active.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sample_db import failures as F
from sample_db.campaign_mails import campaign_mail
from sample_db.campaigns import MailingDef, add_mailing, make_contacts, subscribe
from sample_db.mails import MailSpec, NotifOverride, TraceSpec, default_auto_delete
from sample_db.sinks import RowSink
from sample_db.vocab import COMPANY, DOC_TYPES, DOMAIN, INTERNAL_BODIES, LEAD_NAMES, TASK_NAMES
from sample_db.world import Contact, Document, Person, World

CAMPAIGN_SHARE = 0.30
BACKLOG_SHARE = 0.02
RECEIVED_SHARE = 0.01
FAILURE_MIX: tuple[tuple[str, float], ...] = (
    ("auth", 0.22),
    ("ssl", 0.08),
    ("refused", 0.10),
    ("throttling", 0.12),
    ("sender_identity", 0.12),
    ("m365_auth", 0.06),
    ("relay", 0.06),
    ("user_unknown", 0.12),
    ("disconnected", 0.06),
    ("placeholder", 0.06),
)
H = timedelta(hours=1)


@dataclass(slots=True)
class BulkPlan:
    regular: int
    received: int
    backlog: int
    span_days: int
    contacts: list[Contact] = field(default_factory=list)
    campaigns: list[tuple[int, datetime, str]] = field(default_factory=list)  # id, sent, subject


def plan_bulk(sink: RowSink, world: World, rng: random.Random, count: int) -> BulkPlan:
    """Create the contacts, list and past newsletters the bulk mails need."""
    span_days = max(14, min(365, count // 5000))
    campaign_mails = int(count * CAMPAIGN_SHARE) if count >= 100 else 0
    n_contacts = max(50, min(25_000, count // 40))
    n_campaigns = max(1, round(campaign_mails / n_contacts)) if campaign_mails else 0
    per_campaign = n_contacts
    campaign_total = n_campaigns * per_campaign
    backlog = int(count * BACKLOG_SHARE)
    received = int(count * RECEIVED_SHARE) if span_days > 31 else 0  # inbox closed 30 days ago
    regular = max(0, count - campaign_total - backlog - received)
    plan = BulkPlan(regular, received, backlog, span_days)
    if not n_campaigns:
        return plan
    a = world.anchor
    created = a - timedelta(days=span_days + 30)
    first = max(c.contact_id for c in world.contacts) + 1
    plan.contacts = make_contacts(sink, world, rng, first, n_contacts, created)
    list_id = max(world.list_members) + 1
    sink.add(
        "mailing_list",
        {
            "id": list_id,
            "name": "Tous les clients",
            "active": True,
            "is_public": False,
            "create_uid": 6,
            "create_date": created,
            "write_uid": 6,
            "write_date": created,
        },
    )
    opted = {c.contact_id for c in plan.contacts if rng.random() < 0.02}
    world.next_subscription_id = subscribe(
        sink, world, list_id, plan.contacts, opted, created, world.next_subscription_id
    )
    next_mailing = max(world.mailings.values()) + 1
    for k in range(n_campaigns):
        day = span_days - 3 - (span_days - 4) * k // max(1, n_campaigns)
        sent = (a - timedelta(days=day)).replace(hour=7 + k % 9, minute=30, second=0)
        subject = f"Newsletter #{k + 1} : les nouveautés de la semaine"
        mailing = MailingDef(
            f"bulk_{k + 1}",
            f"Newsletter #{k + 1} ({sent:%Y-%m-%d})",
            subject,
            "done",
            "scheduled",
            sent - timedelta(minutes=30),
            sent,
            sent,
            list_id,
            True,
            sent - timedelta(days=2),
        )
        add_mailing(sink, world, next_mailing + k, next_mailing + k, mailing)
        plan.campaigns.append((next_mailing + k, sent, subject))
    return plan


class BulkMails:
    def __init__(self, world: World, plan: BulkPlan, rng: random.Random) -> None:
        self.w = world
        self.plan = plan
        self.rng = rng
        self.valid = [p for p in world.customers if p.valid]
        self.invalid = [p for p in world.customers if not p.valid]
        self.authors = [world.claire, world.claire, world.thomas, world.thomas, world.sophie]
        self.doc_types = [d for d in DOC_TYPES if d.model != "res.partner"]
        families = [name for name, _ in FAILURE_MIX]
        weights = [w for _, w in FAILURE_MIX]
        self.family_cum = (families, list(_cumulative(weights)))

    def specs(self) -> Iterator[MailSpec]:
        a = self.w.anchor
        start = a - timedelta(days=self.plan.span_days)
        end = a - 3 * H
        hours = int((end - start) / H)
        weights = [_hour_weight(start + i * H) for i in range(hours)]
        received_until = a - timedelta(days=30)
        counts = _apportion(self.plan.regular, weights)
        received_hours = [i for i in range(hours) if start + i * H < received_until]
        received = _apportion(self.plan.received, [weights[i] for i in received_hours])
        received_at = dict(zip(received_hours, received, strict=True))
        campaigns: dict[int, list[tuple[int, datetime, str]]] = {}
        for mid, sent, subj in self.plan.campaigns:
            campaigns.setdefault(int((sent - start) / H), []).append((mid, sent, subj))
        for i in range(hours):
            slot = start + i * H
            batch = [self.regular(t) for t in self._times(slot, counts[i])]
            batch += [self.incoming(t) for t in self._times(slot, received_at.get(i, 0))]
            for mid, sent, subj in campaigns.get(i, ()):
                batch += list(self.campaign(mid, sent, subj))
            batch.sort(key=lambda s: s.at)
            yield from batch
        for t in self._times(end, self.plan.backlog, span=3 * H - timedelta(minutes=2)):
            yield self.chatter(t, "outgoing", None)

    def _times(self, slot: datetime, n: int, span: timedelta = H) -> list[datetime]:
        secs = span.total_seconds()
        return sorted(slot + timedelta(seconds=int(self.rng.random() * secs)) for _ in range(n))

    def document(self) -> Document:
        rng = self.rng
        dt = self.doc_types[rng.randrange(len(self.doc_types))]
        number = rng.randint(1, dt.first_id)
        customer = self.valid[rng.randrange(len(self.valid))]
        name = dt.name_format.format(
            n=number, lead=f"{customer.name}: {LEAD_NAMES[number % 8]}", task=TASK_NAMES[number % 6]
        )
        res_id = number + (
            -1000 if dt.model == "sale.order" else 1000 if dt.model == "account.move" else 0
        )
        return Document(dt.model, max(1, res_id), name, customer)

    def regular(self, at: datetime) -> MailSpec:
        roll = self.rng.random()
        if roll < 0.045:
            return self.failed(at)
        if roll < 0.06:
            spec = self.chatter(at, "cancel", None)
            spec.done_at, spec.done_uid = at + timedelta(minutes=7), 2
            return spec
        if roll < 0.063 and at > self.w.anchor - timedelta(days=10):
            spec = self.chatter(at, "outgoing", None)
            spec.scheduled_date = self.w.anchor + timedelta(hours=self.rng.randint(2, 240))
            return spec
        spec = self.chatter(at, "sent", None)
        if roll > 0.99:
            pid = spec.partner_ids[0]
            reason = F.BOUNCE_MAILBOX_FULL if self.w.version >= 17 else None
            ftype = "mail_bounce" if self.w.version >= 17 else None
            spec.notif_overrides = {pid: NotifOverride("bounce", ftype, reason)}
        return spec

    def chatter(
        self,
        at: datetime,
        state: str,
        failure: F.Failure | None,
        author: Person | None = None,
        recipient: Person | None = None,
    ) -> MailSpec:
        rng = self.rng
        author = author or self.authors[rng.randrange(len(self.authors))]
        doc = self.document()
        people = (recipient or doc.customer,)
        subjects = next(d.subjects for d in DOC_TYPES if d.model == doc.model)
        done = at + timedelta(seconds=rng.randint(1, 40)) if state != "outgoing" else None
        return MailSpec(
            at=at,
            kind="note" if rng.random() < 0.1 else "chatter",
            state=state,
            subject=subjects[rng.randrange(len(subjects))].format(name=doc.name, company=COMPANY),
            body=INTERNAL_BODIES[rng.randrange(len(INTERNAL_BODIES))].format(name=doc.name),
            email_from=author.formatted,
            author_id=author.partner_id,
            create_uid=author.uid or 1,
            model=doc.model,
            res_id=doc.res_id,
            record_name=doc.name,
            partner_ids=tuple(p.partner_id for p in people),
            failure=failure,
            done_at=done,
            done_uid=author.uid or 1,
            auto_delete=default_auto_delete(state, failure),
        )

    def failed(self, at: datetime) -> MailSpec:
        families, cum = self.family_cum
        family = families[_pick(cum, self.rng.random())]
        author = recipient = None
        if family in ("sender_identity", "m365_auth"):
            author = self.rng.choice([self.w.admin, self.w.sophie])
        if family == "placeholder":
            recipient = self.invalid[self.rng.randrange(len(self.invalid))]
        spec = self.chatter(at, "exception", None, author, recipient)
        email = str(self.w.customers[spec.partner_ids[0] - 8].email)
        spec.failure = {
            "auth": F.BREVO_AUTH,
            "ssl": F.SSL_MISMATCH,
            "refused": F.REFUSED,
            "throttling": F.THROTTLED,
            "sender_identity": F.SEND_AS_DENIED,
            "m365_auth": F.M365_NOT_AUTHENTICATED,
            "disconnected": F.DISCONNECTED,
        }.get(family) or (
            F.relay_denied(email)
            if family == "relay"
            else F.user_unknown(email)
            if family == "user_unknown"
            else F.recipients_failure(recipient is not None and recipient.email is None)
        )
        spec.auto_delete = default_auto_delete(spec.state, spec.failure)
        return spec

    def incoming(self, at: datetime) -> MailSpec:
        doc = self.document()
        person = doc.customer
        return MailSpec(
            at=at,
            kind="incoming",
            state="received",
            subject=f"Re: {doc.name}",
            body=f"<p>Bonjour,</p><p>Merci pour votre retour.</p><p>{person.name}</p>",
            email_from=person.formatted,
            author_id=person.partner_id,
            create_uid=1,
            model=doc.model,
            res_id=doc.res_id,
            record_name=doc.name,
            email_to=f"sales@{DOMAIN}",
            fetchmail_server_id=1,
        )

    def campaign(self, mailing_id: int, sent: datetime, subject: str) -> Iterator[MailSpec]:
        rng = self.rng
        opted = self.w.opted_out[max(self.w.list_members)]
        gen = sent - timedelta(minutes=25)
        step = timedelta(minutes=20) / max(1, len(self.plan.contacts))
        for i, contact in enumerate(self.plan.contacts):
            at = gen + step * i
            done = sent + step * i * 2
            roll = rng.random()
            if contact.contact_id in opted or roll < 0.01:
                kind = "mail_optout" if contact.contact_id in opted else "mail_bl"
                yield campaign_mail(
                    self.w,
                    mailing_id,
                    subject,
                    contact,
                    at,
                    "cancel",
                    keep_archives=True,
                    done_at=at,
                    cancel_type=kind,
                )
            elif roll < 0.025:
                failure = F.THROTTLED if roll < 0.018 else F.user_unknown(contact.email)
                yield campaign_mail(
                    self.w,
                    mailing_id,
                    subject,
                    contact,
                    at,
                    "exception",
                    keep_archives=True,
                    done_at=done,
                    failure=failure,
                )
            else:
                trace = None
                if roll > 0.75:
                    open_at = done + timedelta(minutes=rng.randint(2, 3000))
                    trace = TraceSpec(
                        mailing_id,
                        contact.contact_id,
                        contact.email.lower(),
                        "open",
                        open_at=open_at,
                    )
                yield campaign_mail(
                    self.w,
                    mailing_id,
                    subject,
                    contact,
                    at,
                    "sent",
                    keep_archives=True,
                    done_at=done,
                    trace=trace,
                )


def _hour_weight(at: datetime) -> float:
    day = 0.25 if at.weekday() >= 5 else 1.0
    hour = at.hour  # UTC; Paris office hours are 7-17 UTC
    return day * (1.0 if 7 <= hour <= 17 else 0.35 if 5 <= hour <= 20 else 0.06)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` proportionally to ``weights`` (cumulative rounding, exact sum)."""
    if not weights:
        return []
    whole = sum(weights)
    out: list[int] = []
    acc = 0.0
    given = 0
    for w in weights:
        acc += w
        target = math.floor(total * acc / whole + 0.5)
        out.append(target - given)
        given = target
    return out


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = sum(weights)
    acc = 0.0
    for w in weights:
        acc += w / total
        yield acc


def _pick(cum: list[float], roll: float) -> int:
    for i, bound in enumerate(cum):
        if roll <= bound:
            return i
    return len(cum) - 1
