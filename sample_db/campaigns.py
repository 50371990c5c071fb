"""Mass-mailing campaigns, their mailing lists, contacts and subscriptions.

The cron walks due campaigns (``schedule_date < now OR schedule_date IS NULL``) in
``calendar_date DESC`` order; the head of that walk is "Black Friday", stuck in
``sending`` for six hours. The Advent campaign has a later calendar_date but is not due.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sample_db.sinks import RowSink, log
from sample_db.vocab import BASE_URL, CAMPAIGN_BODY, DOMAIN, FIRST_NAMES, LAST_NAMES, MAIL_PROVIDERS
from sample_db.world import Contact, World

NEWSLETTER_FROM = f'"Acme Shop" <newsletter@{DOMAIN}>'


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch in ".-")


def make_contacts(
    sink: RowSink, world: World, rng: random.Random, first_id: int, count: int, created: datetime
) -> list[Contact]:
    contacts: list[Contact] = []
    seen: set[str] = set()
    customers = [p for p in world.customers if p.valid and p.email]
    for i in range(count):
        cid = first_id + i
        if first_id == 1 and i % 12 == 5 and customers:
            person = customers[(i // 12) % len(customers)]
            name, email = person.name, str(person.email)
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            first, last = (ascii_slug(part) for part in name.split(" ", 1))
            email = f"{first}.{last}{rng.randint(1, 99) if rng.random() < 0.4 else ''}"
            email = f"{email}@{rng.choice(MAIL_PROVIDERS)}"
        if email in seen:
            email = email.replace("@", f".{cid}@")
        seen.add(email)
        sink.add(
            "mailing_contact",
            {
                "id": cid,
                "name": name,
                "email": email,
                "email_normalized": email.lower(),
                "message_bounce": 0,
                **log(6, created + timedelta(minutes=i % 500)),
            },
        )
        contacts.append(Contact(cid, name, email))
    return contacts


def subscribe(
    sink: RowSink,
    world: World,
    list_id: int,
    members: list[Contact],
    opted_out: set[int],
    created: datetime,
    first_sub_id: int,
) -> int:
    table = "mailing_contact_list_rel" if world.version <= 16 else "mailing_subscription"
    date_column = "unsubscription_date" if world.version <= 16 else "opt_out_datetime"
    for i, contact in enumerate(members):
        out = contact.contact_id in opted_out
        opt_at = created + timedelta(days=20 + i % 30) if out else None
        sink.add(
            table,
            {
                "id": first_sub_id + i,
                "contact_id": contact.contact_id,
                "list_id": list_id,
                "opt_out": out,
                date_column: opt_at,
                **log(6, created),
            },
        )
    world.list_members[list_id] = members
    world.opted_out[list_id] = opted_out
    return first_sub_id + len(members)


@dataclass(frozen=True, slots=True)
class MailingDef:
    key: str
    source: str
    subject: str
    state: str
    schedule_type: str
    schedule_date: datetime | None
    calendar_date: datetime | None
    sent_date: datetime | None
    list_id: int
    keep_archives: bool
    created: datetime


def add_mailing(
    sink: RowSink, world: World, mailing_id: int, source_id: int, m: MailingDef
) -> None:
    sink.add("utm_source", {"id": source_id, "name": m.source, **log(6, m.created)})
    body = CAMPAIGN_BODY.format(subject=m.subject, base=BASE_URL)
    sink.add(
        "mailing_mailing",
        {
            "id": mailing_id,
            "active": True,
            "subject": m.subject,
            "preview": m.subject.split(":")[0],
            "email_from": NEWSLETTER_FROM,
            "source_id": source_id,
            "state": m.state,
            "schedule_type": m.schedule_type,
            "schedule_date": m.schedule_date,
            "calendar_date": m.calendar_date,
            "sent_date": m.sent_date,
            "mailing_type": "mail",
            "mailing_model_id": world.model_ids["mailing.list"],
            "mailing_domain": f"[('list_ids', 'in', [{m.list_id}])]",
            "reply_to_mode": "new",
            "reply_to": NEWSLETTER_FROM,
            "keep_archives": m.keep_archives,
            "body_arch": body,
            "body_html": body,
            "user_id": 6,
            "kpi_mail_required": False,
            "ab_testing_enabled": False,
            "ab_testing_pc": 10,
            "color": 0,
            "favorite": False,
            **log(6, m.created),
            "write_date": m.calendar_date or m.created,
        },
    )
    sink.add(
        "mail_mass_mailing_list_rel",
        {"mailing_mailing_id": mailing_id, "mailing_list_id": m.list_id},
    )
    world.mailings[m.key] = mailing_id


def scenario_mailing_defs(anchor: datetime) -> list[MailingDef]:
    a = anchor
    h = timedelta(hours=1)
    d = timedelta(days=1)
    bf_sending = a - timedelta(hours=6, minutes=10)
    advent = (a + 4 * d).replace(hour=7, minute=0, second=0)
    return [
        MailingDef(
            "newsletter_nov",
            "Newsletter novembre 2026",
            "Newsletter de novembre : nos coups de cœur",
            "done",
            "now",
            None,
            a - 26 * h + timedelta(minutes=25),
            a - 26 * h + timedelta(minutes=25),
            1,
            False,
            a - 4 * d,
        ),
        MailingDef(
            "black_friday",
            "Black Friday 2026",
            "Black Friday : -30 % sur tout le site",
            "sending",
            "now",
            None,
            bf_sending,
            None,
            1,
            True,
            a - 2 * d,
        ),
        MailingDef(
            "winter",
            "Winter arrivals 2026",
            "New in: the winter collection",
            "in_queue",
            "scheduled",
            a - 8 * h,
            a - 8 * h,
            None,
            3,
            True,
            a - 2 * d - 3 * h,
        ),
        MailingDef(
            "loyalty",
            "Programme fidélité 2026",
            "Programme fidélité : vos avantages de fin d'année",
            "in_queue",
            "now",
            None,
            a - 7 * h,
            None,
            2,
            True,
            a - 30 * h,
        ),
        MailingDef(
            "advent",
            "Calendrier de l'Avent 2026",
            "Le calendrier de l'Avent Acme commence !",
            "in_queue",
            "scheduled",
            advent,
            advent,
            None,
            1,
            True,
            a - 1 * d - 2 * h,
        ),
        MailingDef(
            "winter_sales_draft",
            "Soldes d'hiver 2027",
            "Soldes d'hiver : jusqu'à -50 %",
            "draft",
            "now",
            None,
            None,
            None,
            2,
            True,
            a - 20 * h,
        ),
    ]


def build_campaign_base(sink: RowSink, world: World, rng: random.Random) -> None:
    anchor = world.anchor
    created = anchor - timedelta(days=300)
    contacts = make_contacts(sink, world, rng, 1, 150, created)
    world.contacts = contacts
    lists = [
        (1, "Newsletter FR", contacts[:120], {7, 33, 58}),
        (2, "Clients fidèles", contacts[80:120], {90}),
        (3, "Newsletter EN", contacts[120:150], set()),
    ]
    next_sub = 1
    for list_id, name, members, opted_out in lists:
        sink.add(
            "mailing_list",
            {
                "id": list_id,
                "name": name,
                "active": True,
                "is_public": list_id != 2,
                **log(6, created),
            },
        )
        next_sub = subscribe(sink, world, list_id, members, opted_out, created, next_sub)
    world.next_subscription_id = next_sub
    for i, mailing in enumerate(scenario_mailing_defs(anchor), start=1):
        add_mailing(sink, world, i, i, mailing)
