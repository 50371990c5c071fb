"""Settings rows: alias domain, system parameters, mail servers, incoming server, aliases.

Planted secrets a console must mask: both ``smtp_pass`` values, the incoming server
password and the ``database.secret`` parameter.

The servers' hosts are reserved names (``.example``) that exist nowhere; the
``odoo_mailq.sample`` parameter says so to the console, which refuses to send or probe
from such a database while its servers are still these fictitious ones.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sample_db.sinks import RowSink, log
from sample_db.vocab import BASE_URL, DOMAIN, IMAP_HOST, M365_HOST, RELAY_HOST, RELAY_LOGIN

# A parameter, not the file's name or path: it travels with every copy of the database
# (cp, a dump restored into PostgreSQL), so a copy is still known to be the sample. Its
# value is the scenario's anchor; its create_date the anchor too, so a copy whose
# timestamps were shifted still says by how much (console.config.sample).
SAMPLE_MARKER = "odoo_mailq.sample"


def build_settings(
    sink: RowSink,
    version: int,
    installed: datetime,
    anchor: datetime,
    model_ids: dict[str, int],
    rng: random.Random,
) -> None:
    if version >= 17:
        sink.add(
            "mail_alias_domain",
            {
                "id": 1,
                "name": DOMAIN,
                "sequence": 10,
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
                "default_from": "notifications",
                **log(2, installed),
            },
        )
    params = {
        "web.base.url": BASE_URL,
        "database.uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "database.create_date": installed.strftime("%Y-%m-%d %H:%M:%S"),
        "database.secret": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "ir_attachment.location": "db",
        "mail.session.batch.size": "1000",
        "mass_mailing.mass_mailing_reports": "True",
    }
    if version <= 16:
        params.update(
            {
                "mail.catchall.domain": DOMAIN,
                "mail.bounce.alias": "bounce",
                "mail.catchall.alias": "catchall",
                "mail.default.from": "notifications",
            }
        )
    for i, (key, value) in enumerate(params.items(), start=1):
        sink.add("ir_config_parameter", {"id": i, "key": key, "value": value, **log(1, installed)})
    sink.add(
        "ir_config_parameter",
        {
            "id": len(params) + 1,
            "key": SAMPLE_MARKER,
            "value": anchor.strftime("%Y-%m-%d %H:%M:%S"),
            **log(1, anchor),
        },
    )
    servers = [
        (
            1,
            "Brevo relay",
            DOMAIN,
            RELAY_HOST,
            RELAY_LOGIN,
            "xsmtpsib-3f9a6c1e8b2d4f70a5c9e1b3d7f2a6c4e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8-Qm7Xr2KpL9vT4sWz",
            10,
            anchor - timedelta(days=33),
        ),
        (
            2,
            "Office 365",
            None,
            M365_HOST,
            f"claire.dubois@{DOMAIN}",
            "Acme-Claire#2026!",
            20,
            anchor - timedelta(days=160),
        ),
    ]
    for sid, name, from_filter, host, user, password, sequence, at in servers:
        sink.add(
            "ir_mail_server",
            {
                "id": sid,
                "name": name,
                "from_filter": from_filter,
                "smtp_host": host,
                "smtp_port": 587,
                "smtp_authentication": "login",
                "smtp_user": user,
                "smtp_pass": password,
                "smtp_encryption": "starttls",
                "smtp_debug": False,
                "sequence": sequence,
                "active": True,
                **log(2, at),
            },
        )
    sink.add(
        "fetchmail_server",
        {
            "id": 1,
            "name": "Support inbox (Gmail)",
            "active": False,
            "state": "draft",
            "server": IMAP_HOST,
            "port": 993,
            "server_type": "imap",
            "is_ssl": True,
            "user": f"support@{DOMAIN}",
            "password": "qzvxmtrkplhdwbne",
            "date": anchor - timedelta(days=30, minutes=5),
            "object_id": model_ids["crm.lead"],
            **log(2, anchor - timedelta(days=200)),
        },
    )
    aliases = [
        ("sales", "crm.lead", "{'team_id': 1}"),
        ("support", "project.task", "{'project_id': 3}"),
    ]
    for i, (name, model, defaults) in enumerate(aliases, start=1):
        sink.add(
            "mail_alias",
            {
                "id": i,
                "alias_name": name,
                "alias_full_name": f"{name}@{DOMAIN}",
                "alias_domain_id": 1,
                "alias_model_id": model_ids[model],
                "alias_defaults": defaults,
                "alias_contact": "everyone",
                "alias_incoming_local": False,
                "alias_status": "valid",
                **log(2, installed + timedelta(days=3)),
            },
        )
