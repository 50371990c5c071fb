"""The scheduled actions (ir_cron) and how Odoo's runner sees them (docs/odoo-queue.md)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, literal, select, text
from sqlalchemy.engine import Connection

from console.domain.mail_crons import OVERDUE_GRACE as OVERDUE_GRACE
from console.domain.mail_crons import is_overdue as is_overdue
from console.odoo.schema import OdooSchema

# The modules whose crons move mail (docs/odoo-queue.md).
MAIL_MODULES = {"mail", "mass_mailing", "mass_mailing_sms", "sms", "snailmail", "fetchmail"}


def cron_name_text(raw: Any) -> str:
    """cron_name is jsonb {"en_US": ...} in 16 and varchar afterwards."""
    if isinstance(raw, dict):
        value = raw.get("en_US") or next(iter(raw.values()), "")
        return str(value)
    if isinstance(raw, str) and raw.startswith("{"):
        try:
            decoded = json.loads(raw)
        except ValueError:
            return raw
        if isinstance(decoded, dict):
            return cron_name_text(decoded)
    return "" if raw is None else str(raw)


def crons_query(schema: OdooSchema) -> Select[Any]:
    cron = schema.t("ir_cron")
    trigger_count: Any = literal(0)
    if schema.has_table("ir_cron_trigger"):
        trig = schema.t("ir_cron_trigger")
        trigger_count = select(func.count()).where(trig.c.cron_id == cron.c.id).scalar_subquery()
    due_trigger: Any = literal(None)
    if schema.has_table("ir_cron_trigger"):
        trig = schema.t("ir_cron_trigger")
        due_trigger = (
            select(func.min(trig.c.call_at)).where(trig.c.cron_id == cron.c.id).scalar_subquery()
        )

    def opt(name: str) -> Any:
        return cron.c[name] if name in cron.c else literal(None).label(name)

    if schema.has_table("ir_model_data"):
        data = schema.t("ir_model_data")
        xml: Any = (
            select(data.c.module, data.c.name, data.c.res_id)
            .where(data.c.model == "ir.cron")
            .subquery()
        )
        source: Any = cron.outerjoin(xml, xml.c.res_id == cron.c.id)
        xml_columns = [xml.c.module.label("xml_module"), xml.c.name.label("xml_name")]
    else:
        source = cron
        xml_columns = [literal(None).label("xml_module"), literal(None).label("xml_name")]
    code: Any = literal(None)
    if schema.has("ir_act_server", "code") and "ir_actions_server_id" in cron.c:
        server = schema.t("ir_act_server")
        code = (
            select(server.c.code)
            .where(server.c.id == cron.c.ir_actions_server_id)
            .scalar_subquery()
        )
    return (
        select(
            cron.c.id,
            cron.c.cron_name,
            cron.c.active,
            cron.c.interval_number,
            cron.c.interval_type,
            cron.c.nextcall,
            cron.c.lastcall,
            cron.c.priority,
            opt("failure_count"),
            opt("first_failure_date"),
            opt("numbercall"),
            *xml_columns,
            trigger_count.label("triggers"),
            due_trigger.label("first_trigger_at"),
            code.label("code"),
        )
        .select_from(source)
        .order_by(cron.c.id)
    )


def ready_cron_ids(rows: list[Any], now: datetime) -> list[int]:
    """The crons Odoo's runner would consider now: the only ones that can be running."""
    ready = []
    for row in rows:
        if not row.active:
            continue
        trigger_due = row.first_trigger_at is not None and row.first_trigger_at <= now
        if (row.nextcall is not None and row.nextcall <= now) or trigger_due:
            ready.append(int(row.id))
    return ready


def probe_running(connection: Connection, cron_ids: list[int]) -> set[int]:
    """Which of these crons a worker holds right now (PostgreSQL only, read-write session).

    Odoo's runner keeps `FOR NO KEY UPDATE` on the job's row for the whole run. A
    SKIP LOCKED select returns the rows nobody holds, never waits, and we roll back at
    once, so the probe holds no lock longer than a round trip. Must run in its own
    transaction, which the caller rolls back.
    """
    if not cron_ids:
        return set()
    connection.execute(text("SET LOCAL lock_timeout = '1s'"))
    free = connection.execute(
        text("SELECT id FROM ir_cron WHERE id = ANY(:ids) FOR NO KEY UPDATE SKIP LOCKED"),
        {"ids": cron_ids},
    ).scalars()
    return set(cron_ids) - {int(i) for i in free}


def locked_cron_ids(connection: Connection, cron_ids: list[int]) -> set[int]:
    """Which of these crons a worker holds right now, read without taking a lock (a
    read-only session; PostgreSQL only).

    The runner's `FOR NO KEY UPDATE` writes its transaction id into the row's xmax, and a
    transaction holds the lock on its own id until it ends: a row whose xmax is the id of
    a transaction still running is held. pg_locks is readable by every user. A row also
    locked by a foreign-key check at that moment (a trigger added for that cron) carries a
    multixact instead and reads as not held for that moment.
    """
    if not cron_ids:
        return set()
    held = connection.execute(
        text(
            "SELECT c.id FROM ir_cron c JOIN pg_locks l ON l.locktype = 'transactionid' "
            "AND l.transactionid = c.xmax AND l.granted "
            "WHERE c.id = ANY(:ids) AND c.xmax <> '0'::xid AND l.pid <> pg_backend_pid()"
        ),
        {"ids": cron_ids},
    ).scalars()
    return {int(i) for i in held}


def is_mail_related(module: str | None, name: str) -> bool:
    if module in MAIL_MODULES:
        return True
    lowered = name.lower()
    return "mail" in lowered or "notification" in lowered


def cron_xmlid_query(schema: OdooSchema, module: str, name: str) -> Select[Any]:
    data = schema.t("ir_model_data")
    return select(data.c.res_id).where(
        and_(data.c.module == module, data.c.name == name, data.c.model == "ir.cron")
    )
