"""The rows every Odoo database has: modules, company, users, partners, models, settings."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sample_db.settings import build_settings
from sample_db.sinks import RowSink, log
from sample_db.vocab import (
    BOUNCED_CUSTOMERS,
    COMPANY,
    CUSTOMERS,
    DOC_TYPES,
    DOMAIN,
    LEAD_NAMES,
    TASK_NAMES,
    WEBMAIL,
)
from sample_db.world import Document, Person, World

MODULE_VERSIONS: dict[str, dict[int, str]] = {
    "base": {16: "1.3", 17: "1.3", 18: "1.3", 19: "1.3"},
    "mail": {16: "1.10", 17: "1.15", 18: "1.18", 19: "1.19"},
    "mass_mailing": {16: "2.5", 17: "2.7", 18: "2.7", 19: "2.7"},
}
# record number -> database id (S01077 is sale.order 77, INV/2026/00412 account.move 1412)
ID_DELTA = {"sale.order": -1000, "account.move": 1000}
OTHER_MODULES = ("web", "bus", "utm", "contacts", "sale", "account", "crm", "purchase", "project")

# (model, label, _order, owning module); ids are assigned in this order.
MODELS: tuple[tuple[str, str, str, str], ...] = (
    ("res.partner", "Contact", "complete_name ASC, id DESC", "base"),
    ("res.users", "User", "name, login", "base"),
    ("res.company", "Companies", "sequence, name", "base"),
    ("ir.cron", "Scheduled Actions", "cron_name", "base"),
    ("ir.autovacuum", "Automatic Vacuum", "id", "base"),
    ("ir.mail_server", "Mail Server", "sequence, id", "base"),
    ("ir.module.module", "Module", "application desc,sequence,name", "base"),
    ("publisher_warranty.contract", "Publisher Warranty Contract", "id", "mail"),
    ("mail.mail", "Outgoing Mails", "id desc", "mail"),
    ("mail.message", "Message", "id desc", "mail"),
    ("mail.notification", "Message Notifications", "id", "mail"),
    ("mail.message.schedule", "Scheduled Messages", "scheduled_datetime DESC, id DESC", "mail"),
    ("fetchmail.server", "Incoming Mail Server", "priority", "mail"),
    ("utm.source", "Source", "id", "utm"),
    ("mailing.mailing", "Mass Mailing", "calendar_date DESC", "mass_mailing"),
    ("mailing.contact", "Mailing Contact", "name ASC, id DESC", "mass_mailing"),
    ("mailing.list", "Mailing List", "create_date DESC", "mass_mailing"),
    ("mailing.trace", "Mailing Statistics", "create_date DESC", "mass_mailing"),
    ("mail.scheduled.message", "Scheduled Message", "scheduled_date asc, id asc", "mail"),
)


def xmlid(
    sink: RowSink,
    module: str,
    name: str,
    model: str,
    res_id: int,
    at: datetime,
    *,
    noupdate: bool = True,
) -> None:
    sink.add(
        "ir_model_data",
        {
            "id": sink.next_id("ir_model_data"),
            "module": module,
            "name": name,
            "model": model,
            "res_id": res_id,
            "noupdate": noupdate,
            **log(1, at),
        },
    )


def install_date(anchor: datetime) -> datetime:
    """When the database was created (modules installed, base rows written)."""
    return anchor - timedelta(days=412, hours=5)


def build_base(sink: RowSink, version: int, anchor: datetime, rng: random.Random) -> World:
    installed = install_date(anchor)
    _modules(sink, version, installed)
    people = _partners_and_users(sink, version, installed, anchor, rng)
    model_ids = _models(sink, version, installed)
    build_settings(sink, version, installed, anchor, model_ids, rng)
    documents = _documents(people["customers"], rng)
    return World(
        version=version,
        anchor=anchor,
        odoobot=people["odoobot"][0],
        admin=people["admin"][0],
        claire=people["claire"][0],
        thomas=people["thomas"][0],
        sophie=people["sophie"][0],
        customers=people["customers"],
        documents=documents,
        model_ids=model_ids,
    )


def _modules(sink: RowSink, version: int, at: datetime) -> None:
    names = ["base", "mail", "mass_mailing", *OTHER_MODULES]
    for i, name in enumerate(names, start=1):
        suffix = MODULE_VERSIONS.get(name, {}).get(version, "1.0")
        sink.add(
            "ir_module_module",
            {
                "id": i,
                "name": name,
                "state": "installed",
                "latest_version": f"{version}.0.{suffix}",
                "shortdesc": {"en_US": name.replace("_", " ").title()},
                "author": "Odoo S.A.",
                "license": "LGPL-3",
                "application": name in ("mass_mailing", "sale", "crm", "project", "purchase"),
                "demo": False,
                "web": False,
                "sequence": 100,
                "auto_install": name in ("web", "bus", "utm"),
                "to_buy": False,
                **log(1, at),
            },
        )
        xmlid(sink, "base", f"module_{name}", "ir.module.module", i, at)


def _valid(email: str | None) -> bool:
    if not email or email.count("@") != 1 or " " in email:
        return False
    return "." in email.split("@")[1]


def _partners_and_users(
    sink: RowSink, version: int, installed: datetime, anchor: datetime, rng: random.Random
) -> dict[str, list[Person]]:
    display = "display_name" if version <= 16 else "complete_name"
    fixed = [
        (1, COMPANY, f"contact@{DOMAIN}", None, "main_partner"),
        (2, "OdooBot", "odoobot@example.com", 1, "partner_root"),
        (3, "Administrator", "admin@example.com", 2, "partner_admin"),  # placeholder never fixed
        (4, "Public user", None, 3, "public_partner"),
        (5, "Claire Dubois", f"claire.dubois@{DOMAIN}", 4, None),
        (6, "Thomas Martin", f"thomas.martin@{DOMAIN}", 5, None),
        (7, "Sophie Laurent", f"sophie.laurent.pro@{WEBMAIL}", 6, None),  # not the relay's domain
    ]
    people: dict[str, list[Person]] = {"customers": []}
    keys = {2: "odoobot", 3: "admin", 5: "claire", 6: "thomas", 7: "sophie"}
    for pid, name, email, uid, xml in fixed:
        _partner(sink, display, pid, name, email, installed, internal=True, company=pid == 1)
        if xml:
            xmlid(sink, "base", xml, "res.partner", pid, installed)
        if pid in keys:
            people[keys[pid]] = [Person(pid, name, email, _valid(email), uid)]
    for i, (name, email) in enumerate(CUSTOMERS):
        pid = 8 + i
        created = anchor - timedelta(days=rng.randint(20, 380), minutes=rng.randint(0, 1439))
        is_company = any(
            w in name
            for w in (
                "SARL",
                "Ltd",
                "Hôtel",
                "Garage",
                "Librairie",
                "Café",
                "Atelier",
                "Fleurs",
                "Transports",
                "Cave",
            )
        )
        _partner(sink, display, pid, name, email, created, internal=False, company=is_company)
        people["customers"].append(Person(pid, name, email, _valid(email)))
    sink.add(
        "res_company",
        {
            "id": 1,
            "name": COMPANY,
            "partner_id": 1,
            "sequence": 10,
            "active": True,
            "email": f"contact@{DOMAIN}",
            "alias_domain_id": 1,
            "alias_domain_name": DOMAIN,
            **log(1, installed),
        },
    )
    xmlid(sink, "base", "main_company", "res.company", 1, installed)
    users = [
        (1, "__system__", 2, False, False, "email", None, "user_root"),
        (2, "admin", 3, True, False, "inbox", _hash(rng), "user_admin"),
        (3, "public", 4, False, True, "email", None, "public_user"),
        (4, f"claire.dubois@{DOMAIN}", 5, True, False, "email", _hash(rng), None),
        (5, f"thomas.martin@{DOMAIN}", 6, True, False, "email", _hash(rng), None),
        (6, f"sophie.laurent.pro@{WEBMAIL}", 7, True, False, "email", _hash(rng), None),
    ]
    for uid, login, pid, active, share, ntype, password, xml in users:
        sink.add(
            "res_users",
            {
                "id": uid,
                "login": login,
                "password": password,
                "partner_id": pid,
                "company_id": 1,
                "active": active,
                "share": share,
                "notification_type": ntype,
                **log(1, installed),
            },
        )
        if xml:
            xmlid(sink, "base", xml, "res.users", uid, installed)
    return people


def _hash(rng: random.Random) -> str:
    salt = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./")
        for _ in range(22)
    )
    digest = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./")
        for _ in range(86)
    )
    return f"$pbkdf2-sha512$600000${salt}${digest}"


def _partner(
    sink: RowSink,
    display: str,
    pid: int,
    name: str,
    email: str | None,
    at: datetime,
    *,
    internal: bool,
    company: bool,
) -> None:
    sink.add(
        "res_partner",
        {
            "id": pid,
            "name": name,
            display: name,
            "email": email,
            "email_normalized": email.lower() if email and _valid(email) else None,
            "type": "contact",
            "active": pid != 4,
            "is_company": company,
            "partner_share": not internal,
            "company_id": 1 if internal else None,
            "message_bounce": 1 if name in BOUNCED_CUSTOMERS else 0,
            **log(2 if pid > 7 else 1, at),
        },
    )


def _models(sink: RowSink, version: int, at: datetime) -> dict[str, int]:
    ids: dict[str, int] = {}
    rows = list(MODELS) + [
        (d.model, d.label, d.order, d.model.split(".")[0])
        for d in DOC_TYPES
        if d.model != "res.partner"
    ]
    next_id = 1
    for model, label, order, module in rows:
        if model == "mail.scheduled.message" and version < 18:
            continue
        ids[model] = next_id
        sink.add(
            "ir_model",
            {
                "id": next_id,
                "model": model,
                "name": {"en_US": label},
                "order": order,
                "state": "base",
                "transient": False,
                **log(1, at),
            },
        )
        xmlid(sink, module, "model_" + model.replace(".", "_"), "ir.model", next_id, at)
        next_id += 1
    return ids


def _documents(customers: list[Person], rng: random.Random) -> dict[str, list[Document]]:
    docs: dict[str, list[Document]] = {}
    for dt in DOC_TYPES:
        rows: list[Document] = []
        for n in range(40):
            customer = customers[rng.randrange(len(customers))]
            if dt.model == "res.partner":
                rows.append(Document(dt.model, customer.partner_id, customer.name, customer))
                continue
            number = dt.first_id - 39 + n
            res_id = number + ID_DELTA.get(dt.model, 0)
            name = dt.name_format.format(
                n=number,
                lead=f"{customer.name}: {LEAD_NAMES[n % len(LEAD_NAMES)]}",
                task=TASK_NAMES[n % len(TASK_NAMES)],
            )
            rows.append(Document(dt.model, res_id, name, customer))
        docs[dt.model] = rows
    return docs
