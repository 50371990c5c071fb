"""The hand-written on-call scenario: a week of mail at Acme Shop ending at the anchor.

* The Brevo relay has refused every login for the last hour (535): 15 chatter mails failed.
* Mail from addresses outside acme-shop.example (the admin still has admin@example.com, Sophie
  writes from Gmail) falls through to Office 365, which refuses to send as
  notifications@ (5.7.60) and, two days ago, refused unauthenticated clients (5.7.57).
* Older incidents: a TLS mismatch (3 days ago), connection refused (6 days ago), relay
  denied (4 days ago), a 421 storm while the queue cron pushed Black Friday (5 hours ago),
  too many recipients, dropped sessions, dead mailboxes, partners without a usable address.
* The queue cron is stuck: mails queued in the last 3 hours wait in ``outgoing``.
* Black Friday is stuck in ``sending``; the November newsletter was sent yesterday.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sample_db import failures as F
from sample_db.attachments import pdf_attachment
from sample_db.mails import AttachmentSpec, MailSpec, NotifOverride, default_auto_delete
from sample_db.vocab import (
    COMPANY,
    DOC_TYPES,
    DOMAIN,
    INCOMING_SUBJECTS,
    INTERNAL_BODIES,
    NOTIFICATIONS,
)
from sample_db.world import Document, Person, World

SUBJECTS = {d.model: d.subjects for d in DOC_TYPES}
M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)


OFFICE365_SERVER = 2  # sample_db/settings.py: the second ir_mail_server


class Scenario:
    def __init__(self, world: World, rng: random.Random) -> None:
        self.w = world
        self.rng = rng
        self.a = world.anchor
        self.specs: list[MailSpec] = []

    # ------------------------------------------------------------ helpers
    def doc(self, model: str, *, valid: bool | None = True) -> Document:
        docs = self.w.documents[model]
        while True:
            doc = docs[self.rng.randrange(len(docs))]
            if valid is None or doc.customer.valid == valid:
                return doc

    def chatter(
        self,
        at: datetime,
        author: Person,
        doc: Document,
        state: str,
        *,
        recipients: tuple[Person, ...] | None = None,
        failure: F.Failure | None = None,
        done_at: datetime | None = None,
        kind: str = "chatter",
        attach: bool = False,
        tag: str | None = None,
        **extra: Any,
    ) -> MailSpec:
        rng = self.rng
        people = recipients if recipients is not None else (doc.customer,)
        subject = rng.choice(SUBJECTS[doc.model]).format(name=doc.name, company=COMPANY)
        body = rng.choice(INTERNAL_BODIES).format(name=doc.name)
        if done_at is None and state in ("sent", "exception", "cancel"):
            done_at = at + timedelta(seconds=rng.randint(1, 4))
        attachments: tuple[AttachmentSpec, ...] = ()
        if attach and doc.model in ("sale.order", "account.move", "purchase.order"):
            attachments = (pdf_attachment(doc.name),)
        others = [p for p in self.w.staff if p is not author]
        inbox = (rng.choice(others).partner_id,) if rng.random() < 0.3 else ()
        spec = MailSpec(
            at=at,
            kind=kind,
            state=state,
            subject=subject,
            body=body,
            email_from=author.formatted,
            author_id=author.partner_id,
            create_uid=author.uid or 1,
            model=doc.model,
            res_id=doc.res_id,
            record_name=doc.name,
            partner_ids=tuple(p.partner_id for p in people),
            failure=failure,
            done_at=done_at,
            done_uid=author.uid or 1,
            auto_delete=default_auto_delete(state, failure),
            attachments=attachments,
            inbox_partner_ids=inbox,
            tag=tag,
        )
        for key, value in extra.items():
            setattr(spec, key, value)
        self.specs.append(spec)
        return spec

    def spread(self, start: datetime, end: datetime, count: int) -> list[datetime]:
        span = (end - start).total_seconds()
        return sorted(
            start + timedelta(seconds=int(self.rng.random() * span)) for _ in range(count)
        )

    def sales_author(self) -> Person:
        return self.rng.choice([self.w.claire, self.w.thomas])

    def model_for(self, author: Person) -> str:
        if author is self.w.thomas:
            return self.rng.choice(["account.move", "account.move", "purchase.order"])
        return self.rng.choice(["sale.order", "sale.order", "crm.lead", "project.task"])

    # ------------------------------------------------------------ story
    def build(self) -> list[MailSpec]:
        self.history()
        self.incoming()
        self.outages()
        self.office365()
        self.recipient_problems()
        self.queue_backlog()
        self.campaign_mails()
        self.specs.sort(key=lambda s: s.at)
        return self.specs

    def history(self) -> None:
        a = self.a
        for i, at in enumerate(self.spread(a - 7 * D, a - 70 * M, 64)):
            author = self.sales_author()
            doc = self.doc(self.model_for(author))
            kind = "note" if i % 9 == 4 else "chatter"
            self.chatter(at, author, doc, "sent", kind=kind, attach=i % 4 == 0, tag="sent")
        # bounces that came back later, one of them "ignored" in the resend wizard
        bounce_type = "mail_bounce" if self.w.version >= 17 else None
        for name, dsn, status, ago in (
            ("Grace Mitchell", F.BOUNCE_UNAUTHENTICATED, "bounce", 30 * H),
            ("Emily Walker", F.BOUNCE_MAILBOX_FULL, "bounce", 52 * H),
            ("Julien Moreau", F.BOUNCE_UNAUTHENTICATED, "canceled", 4 * D),
        ):
            person = self.w.customer(name)
            doc = Document("res.partner", person.partner_id, person.name, person)
            reason = dsn if self.w.version >= 17 else None
            over = {person.partner_id: NotifOverride(status, bounce_type, reason)}
            self.chatter(
                a - ago, self.w.claire, doc, "sent", notif_overrides=over, tag=f"bounce:{status}"
            )
        # one good and one unusable recipient: the mail is sent, one notification fails
        good, bad = self.w.customer("Camille Lefebvre"), self.w.customer("Jean-Marc Petit")
        doc = self.doc("sale.order")
        over = {bad.partner_id: NotifOverride("exception", "mail_email_invalid", None)}
        self.chatter(
            a - 3 * D - 5 * H,
            self.w.claire,
            doc,
            "sent",
            recipients=(good, bad),
            notif_overrides=over,
            tag="partial_invalid",
        )
        # mails nobody wanted: cancelled by hand from the queue
        for at in self.spread(a - 30 * H, a - 28 * H, 3):
            doc = self.doc("sale.order")
            self.chatter(
                at,
                self.w.claire,
                doc,
                "cancel",
                done_at=at + 25 * M,
                done_uid=2,
                tag="cancel_manual",
            )
        # direct mails (not chatter notifications): portal invitations and password resets
        for at in self.spread(a - 6 * D, a - 5 * H, 4):
            person = self.rng.choice([p for p in self.w.customers if p.valid])
            self.direct(at, person, "sent", done_at=at + 3 * M)

    def direct(self, at: datetime, person: Person, state: str, **extra: object) -> MailSpec:
        subject = self.rng.choice(
            [f"{COMPANY}: your account", "Password reset", f"Invitation to access {COMPANY}"]
        )
        spec = MailSpec(
            at=at,
            kind="direct",
            state=state,
            subject=subject,
            body=f"<p>Dear {person.name},</p><p>Click below to access your documents.</p>",
            email_from=f'"{COMPANY}" <{NOTIFICATIONS}>',
            author_id=self.w.odoobot.partner_id,
            create_uid=2,
            email_to=person.email,
            model="res.partner",
            res_id=person.partner_id,
            record_name=person.name,
            auto_delete=True,
            tag=f"direct_{state}",
        )
        for key, value in extra.items():
            setattr(spec, key, value)
        self.specs.append(spec)
        return spec

    def incoming(self) -> None:
        for i, at in enumerate(self.spread(self.a - 40 * D, self.a - 30 * D - 2 * H, 5)):
            doc = self.doc("crm.lead")
            person = doc.customer
            self.specs.append(
                MailSpec(
                    at=at,
                    kind="incoming",
                    state="received",
                    subject=INCOMING_SUBJECTS[i],
                    body=f"<p>Bonjour,</p><p>{INCOMING_SUBJECTS[i]}.</p><p>{person.name}</p>",
                    email_from=person.formatted,
                    author_id=person.partner_id,
                    create_uid=1,
                    model="crm.lead",
                    res_id=doc.res_id,
                    record_name=doc.name,
                    email_to=f"sales@{DOMAIN}",
                    fetchmail_server_id=1,
                    tag="received",
                )
            )

    def outages(self) -> None:
        a = self.a
        # Brevo refuses our login since an hour ago (a rotated key nobody updated)
        for i, at in enumerate(self.spread(a - 58 * M, a - 3 * M, 15)):
            author = self.sales_author()
            doc = self.doc(self.model_for(author))
            recipients = (doc.customer, self.doc("res.partner").customer) if i % 5 == 0 else None
            self.chatter(
                at,
                author,
                doc,
                "exception",
                failure=F.BREVO_AUTH,
                attach=i % 6 == 1,
                recipients=recipients,
                tag="auth_outage",
            )
        incidents: list[tuple[Callable[[Person], F.Failure], datetime, int, str]] = [
            (lambda p: F.SSL_MISMATCH, a - 3 * D + 6 * H, 4, "ssl"),
            (lambda p: F.REFUSED, a - 6 * D + 3 * H, 4, "refused"),
            (lambda p: F.relay_denied(str(p.email)), a - 4 * D + 2 * H, 3, "relay"),
            (lambda p: F.SENDER_NOT_OWNED, a - 4 * D + 2 * H + 40 * M, 1, "relay"),
            (lambda p: F.DISCONNECTED, a - 29 * H, 2, "disconnected"),
            (lambda p: F.DISCONNECTED_RAW, a - 29 * H + 3 * M, 1, "disconnected_raw"),
            (lambda p: F.TOO_MANY_RECIPIENTS, a - 22 * H, 2, "too_many_recipients"),
        ]
        for make, start, count, tag in incidents:
            for at in self.spread(start, start + 20 * M, count):
                author = self.sales_author()
                doc = self.doc(self.model_for(author))
                extra: dict[str, Any] = {}
                if tag == "too_many_recipients":
                    extra["email_to"] = ", ".join(str(c.email) for c in self.w.contacts[:110])
                self.chatter(
                    at, author, doc, "exception", failure=make(doc.customer), tag=tag, **extra
                )
        # queued mails hit by the 421 storm while the cron pushed Black Friday
        for at in self.spread(a - 5 * H - 40 * M, a - 5 * H - 10 * M, 2):
            doc = self.doc("account.move")
            self.chatter(
                at,
                self.w.thomas,
                doc,
                "exception",
                failure=F.THROTTLED,
                done_at=a - 5 * H + 2 * M,
                done_uid=1,
                tag="throttling",
            )

    def office365(self) -> None:
        # Their messages name the Office 365 server (Odoo's composer sets mail_server_id
        # when a user picks it): by From alone Odoo 17 would pick the relay, whose
        # from_filter covers the notifications address.
        a = self.a
        for at in self.spread(a - 2 * D + 2 * M, a - 2 * D + 40 * M, 4):
            author = self.rng.choice([self.w.admin, self.w.sophie])
            doc = self.doc("res.partner" if author is self.w.admin else "project.task")
            self.chatter(
                at,
                author,
                doc,
                "exception",
                failure=F.M365_NOT_AUTHENTICATED,
                tag="m365_auth",
                mail_server_id=OFFICE365_SERVER,
            )
        for at in self.spread(a - 44 * H, a - 3 * H, 5):
            author = self.rng.choice([self.w.admin, self.w.sophie])
            doc = self.doc("res.partner" if author is self.w.admin else "project.task")
            self.chatter(
                at,
                author,
                doc,
                "exception",
                failure=F.SEND_AS_DENIED,
                tag="sender_identity",
                mail_server_id=OFFICE365_SERVER,
            )

    def recipient_problems(self) -> None:
        a = self.a
        for name, missing, ago in (
            ("Garage Lefèvre", True, 5 * D + 2 * H),
            ("Lucas Moreau", False, 2 * D + 5 * H),
            ("Marie Leroy", False, 20 * H),
        ):
            person = self.w.customer(name)
            doc = Document(
                "sale.order",
                self.w.documents["sale.order"][5].res_id,
                self.w.documents["sale.order"][5].name,
                person,
            )
            self.chatter(
                a - ago,
                self.w.claire,
                doc,
                "exception",
                failure=F.recipients_failure(missing),
                tag="placeholder",
            )
        for name, ago in (
            ("Paul Bernard", 6 * D - 4 * H),
            ("Cave Saint-Vincent", 3 * D - 1 * H),
            ("Paul Bernard", 26 * H),
        ):
            person = self.w.customer(name)
            doc = Document(
                "account.move",
                self.w.documents["account.move"][9].res_id,
                self.w.documents["account.move"][9].name,
                person,
            )
            self.chatter(
                a - ago,
                self.w.thomas,
                doc,
                "exception",
                failure=F.user_unknown(str(person.email)),
                tag="user_unknown",
            )

    def queue_backlog(self) -> None:
        a = self.a
        # invoices sent in batch: queued for the cron, which has not run since
        for i, at in enumerate(self.spread(a - 2 * H - 50 * M, a - 5 * M, 12)):
            author = self.w.thomas if i % 3 else self.w.claire
            doc = self.doc(self.model_for(author))
            self.chatter(at, author, doc, "outgoing", attach=i % 4 == 0, tag="queued")
        for at in self.spread(a - 2 * H, a - 20 * M, 2):
            person = self.rng.choice([p for p in self.w.customers if p.valid])
            self.direct(at, person, "outgoing")
        # scheduled mails (mail.mail.scheduled_date in the future)
        for i, (created, due) in enumerate(
            ((30 * H, -20 * H), (6 * H, -27 * H), (50 * H, -2 * D), (3 * H, -5 * D))
        ):
            doc = self.doc("account.move" if i % 2 else "project.task")
            author = self.w.thomas if i % 2 else self.w.claire
            spec = self.chatter(a - created, author, doc, "outgoing", tag="scheduled")
            spec.scheduled_date = a - due

    def campaign_mails(self) -> None:
        from sample_db.campaign_mails import black_friday, november_newsletter

        self.specs.extend(november_newsletter(self.w, self.rng))
        self.specs.extend(black_friday(self.w, self.rng))
