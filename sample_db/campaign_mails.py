"""The mails and traces of the two campaigns that already generated mail.

What the mass-mailing composer and the queue cron leave behind
(docs/odoo-mailing-queue.md, docs/odoo-sending.md):
opted-out, blacklisted and duplicate recipients get a ``cancel`` mail and trace at once;
the others are ``outgoing`` until the queue cron sends them; sent mails of a campaign
without ``keep_archives`` are deleted, leaving only their trace (``mail_mail_id_int``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sample_db import failures as F
from sample_db.campaigns import NEWSLETTER_FROM
from sample_db.mails import MailSpec, TraceSpec
from sample_db.vocab import BASE_URL, CAMPAIGN_BODY, DEAD_MAILBOXES
from sample_db.world import Contact, World


def campaign_mail(
    world: World,
    mailing_id: int,
    subject: str,
    contact: Contact,
    at: datetime,
    state: str,
    *,
    keep_archives: bool,
    done_at: datetime | None = None,
    failure: F.Failure | None = None,
    cancel_type: str | None = None,
    trace: TraceSpec | None = None,
    tag: str | None = None,
) -> MailSpec:
    body = CAMPAIGN_BODY.format(subject=subject, base=BASE_URL)
    return MailSpec(
        at=at,
        kind="campaign",
        state=state,
        subject=subject,
        body=body,
        email_from=NEWSLETTER_FROM,
        author_id=world.odoobot.partner_id,
        create_uid=1,
        model="mailing.contact",
        res_id=contact.contact_id,
        record_name=contact.name,
        email_to=contact.email,
        failure=failure,
        mail_failure_type=cancel_type,
        done_at=done_at,
        auto_delete=not keep_archives,
        mailing_id=mailing_id,
        trace=trace or TraceSpec(mailing_id, contact.contact_id, contact.email.lower()),
        deleted=state == "sent" and not keep_archives,
        tag=tag,
    )


@dataclass(frozen=True, slots=True)
class CampaignRun:
    """One campaign's mails: everything but the recipient, state and times is shared."""

    world: World
    mailing_id: int
    subject: str
    keep_archives: bool
    tag: str | None = None

    def mail(self, contact: Contact, at: datetime, state: str, **kw: Any) -> MailSpec:
        return campaign_mail(
            self.world, self.mailing_id, self.subject, contact, at, state,
            keep_archives=self.keep_archives, tag=self.tag, **kw,
        )  # fmt: skip

    def opened(
        self, rng: random.Random, contact: Contact, sent: datetime, rate: float
    ) -> TraceSpec | None:
        """An open (sometimes a reply) for ``rate`` of the recipients."""
        roll = rng.random()
        if roll > rate:
            return None
        open_at = sent + timedelta(minutes=rng.randint(3, 600))
        if open_at > self.world.anchor:
            return None
        reply_at = open_at + timedelta(minutes=rng.randint(5, 90)) if roll < rate / 12 else None
        return TraceSpec(
            self.mailing_id, contact.contact_id, contact.email.lower(),
            "reply" if reply_at else "open", open_at=open_at, reply_at=reply_at,
        )  # fmt: skip


def november_newsletter(world: World, rng: random.Random) -> Iterator[MailSpec]:
    """Sent yesterday without keep_archives: sent mails are gone, their traces remain."""
    a = world.anchor
    run = CampaignRun(
        world, world.mailings["newsletter_nov"], "Newsletter de novembre : nos coups de cœur",
        keep_archives=False, tag="newsletter",
    )  # fmt: skip
    members = world.list_members[1]
    opted_out = world.opted_out[1]
    start = a - timedelta(hours=26, minutes=-5)
    cron_run = a - timedelta(hours=25)
    dead = {22, 95} | {i for i, c in enumerate(members) if c.email == DEAD_MAILBOXES[0]}
    for i, contact in enumerate(members):
        at = start + timedelta(seconds=2 * i)
        sent = cron_run + timedelta(seconds=3 * i)
        if contact.contact_id in opted_out:
            yield run.mail(contact, at, "cancel", done_at=at, cancel_type="mail_optout")
        elif i in (15, 70):
            kind = "mail_bl" if i == 15 else "mail_dup"
            yield run.mail(contact, at, "cancel", done_at=at, cancel_type=kind)
        elif i in dead:
            failure = F.user_unknown(contact.email)
            yield run.mail(contact, at, "exception", done_at=sent, failure=failure)
        elif i == 48:  # came back through bounce@ a few minutes later
            v17 = world.version >= 17
            trace: TraceSpec | None = TraceSpec(
                run.mailing_id, contact.contact_id, contact.email.lower(), "bounce",
                failure_type="mail_bounce" if v17 else None,
                failure_reason=F.BOUNCE_UNAUTHENTICATED if v17 else None,
            )  # fmt: skip
            yield run.mail(contact, at, "sent", done_at=sent, trace=trace)
        else:
            trace = run.opened(rng, contact, sent, 0.35)
            yield run.mail(contact, at, "sent", done_at=sent, trace=trace)


def black_friday(world: World, rng: random.Random) -> Iterator[MailSpec]:
    """45 of 120 recipients generated before the cron died; the queue cron sent them."""
    a = world.anchor
    run = CampaignRun(
        world, world.mailings["black_friday"], "Black Friday : -30 % sur tout le site",
        keep_archives=True, tag="black_friday",
    )  # fmt: skip
    opted_out = world.opted_out[1]
    start = a - timedelta(hours=6, minutes=12)
    cron_run = a - timedelta(hours=5)
    throttled = {3, 9, 17, 26, 31, 44}
    for i, contact in enumerate(world.list_members[1][:45]):
        at = start + timedelta(seconds=12 * i)
        sent = cron_run + timedelta(seconds=2 * i)
        if contact.contact_id in opted_out:
            yield run.mail(contact, at, "cancel", done_at=at, cancel_type="mail_optout")
        elif i in (11, 39):
            yield run.mail(contact, at, "cancel", done_at=at, cancel_type="mail_bl")
        elif i in throttled:
            yield run.mail(contact, at, "exception", done_at=sent, failure=F.THROTTLED)
        else:
            trace = run.opened(rng, contact, sent, 0.25)
            yield run.mail(contact, at, "sent", done_at=sent, trace=trace)
