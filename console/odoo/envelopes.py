"""Red envelopes read from ``mail_notification``: the messages whose e-mail notification
failed, by the rule of Odoo's systray (docs/odoo-envelopes.md), and their failed
recipients with the mail row each points to, if it still exists."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.domain.envelopes import (
    RECIPIENTS_PER_ENVELOPE,
    Envelope,
    EnvelopeCounts,
    EnvelopePage,
    FailedRecipient,
    PartnerFailures,
)
from console.domain.models import LIST_REASON_CHARS
from console.domain.secrets import SecretMask
from console.domain.timefmt import as_naive_datetime
from console.odoo.envelope_sql import (
    EMAIL,
    ENVELOPE_AUTHORS_SQL,
    ENVELOPE_COUNTS_PG_SQL,
    ENVELOPE_TOTALS_SQL,
    FAILED,
    FAILED_NOTIFICATION,
    MESSAGE_ON_RECORD,
    display_name,
    envelope_counts_from,
    envelope_counts_from_grouped,
)
from console.odoo.mail_rows import failed_at
from console.odoo.record_names import record_names
from console.odoo.schema import OdooSchema


def readable(schema: OdooSchema) -> bool:
    return schema.has_table("mail_notification") and schema.has_table("mail_message")


def envelope_counts(connection: Connection, schema: OdooSchema) -> EnvelopeCounts:
    if not readable(schema):
        return EnvelopeCounts(0, 0, 0, 0, ())
    if connection.dialect.name == "postgresql":  # one pass, messages by key (3x faster)
        return envelope_counts_from_grouped(connection.execute(text(ENVELOPE_COUNTS_PG_SQL)).all())
    totals = connection.execute(text(ENVELOPE_TOTALS_SQL)).one()
    authors = connection.execute(text(ENVELOPE_AUTHORS_SQL)).all()
    return envelope_counts_from(totals, authors)


def envelope_page(
    connection: Connection,
    schema: OdooSchema,
    *,
    before_id: int | None,
    limit: int,
    mask: SecretMask,
) -> EnvelopePage:
    """The red envelopes, newest message first, ``limit`` at a time (keyset on the id)."""
    if not readable(schema):
        return EnvelopePage((), False)
    bound = "" if before_id is None else "AND m.id < :before "
    rows = connection.execute(
        text(
            "SELECT m.id, m.date, m.model, m.res_id, m.subject, m.author_id, p.name, "
            f"{_record_name_column(schema)} FROM mail_message m "
            "LEFT JOIN res_partner p ON p.id = m.author_id "
            # Walk the messages newest first and probe each one's notifications by index:
            # an IN over every failed notification joined to its message again costs a
            # self-join per message walked (5x slower at a million mails).
            f"WHERE {MESSAGE_ON_RECORD} AND EXISTS (SELECT 1 FROM mail_notification n "
            f"WHERE n.mail_message_id = m.id AND {FAILED_NOTIFICATION}) "
            f"{bound}ORDER BY m.id DESC LIMIT :limit"
        ),
        {"before": before_id, "limit": limit + 1},
    ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    failed = failed_recipients(connection, [int(r[0]) for r in rows], mask)
    names = record_names(connection, schema, [(r[2], r[3]) for r in rows if not r[7]])
    envelopes = tuple(
        Envelope(
            message_id=int(r[0]),
            date=as_naive_datetime(r[1]),
            model=r[2],
            res_id=None if r[3] is None else int(r[3]),
            record_name=display_name(r[7]) or names.get((str(r[2]), int(r[3] or 0))),
            author_id=None if r[5] is None else int(r[5]),
            author_name=display_name(r[6]),
            subject=r[4],
            recipients=tuple(failed.get(int(r[0]), ([], 0))[0]),
            recipient_count=failed.get(int(r[0]), ([], 0))[1],
        )
        for r in rows
    )
    return EnvelopePage(envelopes, has_more)


def failed_recipients(
    connection: Connection, message_ids: list[int], mask: SecretMask
) -> dict[int, tuple[list[FailedRecipient], int]]:
    """Message id -> (its failed e-mail recipients, at most RECIPIENTS_PER_ENVELOPE; how
    many there are)."""
    if not message_ids:
        return {}
    found: dict[int, tuple[list[FailedRecipient], int]] = {}
    counts: dict[int, int] = defaultdict(int)
    result = connection.execute(
        text(
            "SELECT n.mail_message_id, n.id, n.res_partner_id, p.name, p.email, "
            "n.notification_status, n.failure_type, "
            f"substr(n.failure_reason, 1, {LIST_REASON_CHARS}), n.mail_mail_id, mm.state, "
            "mm.write_date "
            "FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id "
            "LEFT JOIN res_partner p ON p.id = n.res_partner_id "
            "LEFT JOIN mail_mail mm ON mm.id = n.mail_mail_id "
            f"WHERE {_ids_condition(connection, 'n.mail_message_id')} "
            f"AND {FAILED} ORDER BY n.mail_message_id, n.id"
        ),
        _ids_parameters(connection, message_ids),
    )
    for row in result:
        message_id = int(row[0])
        counts[message_id] += 1
        recipients, _ = found.setdefault(message_id, ([], 0))
        if len(recipients) < RECIPIENTS_PER_ENVELOPE:
            recipients.append(_recipient(row, mask))
    return {m: (recipients, counts[m]) for m, (recipients, _) in found.items()}


def _recipient(row: Any, mask: SecretMask) -> FailedRecipient:
    return FailedRecipient(
        notification_id=int(row[1]),
        partner_id=None if row[2] is None else int(row[2]),
        name=display_name(row[3]),
        email=row[4],
        status=str(row[5]),
        failure_type=row[6],
        failure_reason=mask.cut(row[7], LIST_REASON_CHARS),
        mail_id=None if row[9] is None or row[8] is None else int(row[8]),
        mail_state=None if row[9] is None else str(row[9]),
        mail_failed_at=failed_at(row[9], row[10]),
    )


def _record_name_column(schema: OdooSchema) -> str:
    # 19 no longer stores it: record_names reads the record's own table then
    return "m.record_name" if schema.has("mail_message", "record_name") else "NULL"


def already_delivered(connection: Connection, mail_ids: list[int]) -> tuple[int, int]:
    """Of these mails, how many already reached some recipient, and how many recipients
    (their e-mail notifications in ``sent``): Retry sends to every recipient again."""
    if not mail_ids:
        return 0, 0
    found = connection.execute(
        text(
            "SELECT count(DISTINCT mail_mail_id), count(*) FROM mail_notification "
            "WHERE notification_type = 'email' AND notification_status = 'sent' "
            f"AND {_ids_condition(connection, 'mail_mail_id')}"
        ),
        _ids_parameters(connection, mail_ids),
    ).one()
    return int(found[0]), int(found[1])


def chatter_marks(connection: Connection, mail_ids: list[int]) -> dict[int, str]:
    """Failed mail id -> "ignored" or "resent", for the ones whose red envelope Odoo no
    longer shows: every e-mail notification that pointed to it was set to canceled (Ignore
    all), or none points to it any more while some point to a newer mail (Send & close).

    Index lookups only (``mail_mail_id``, then ``mail_message_id`` for the few mails no
    notification points to): the cost does not grow with the notification table.
    """
    if not mail_ids:
        return {}
    statuses: dict[int, set[str]] = defaultdict(set)
    for mail_id, status in connection.execute(
        text(
            "SELECT n.mail_mail_id, n.notification_status FROM mail_notification n "
            f"WHERE {_ids_condition(connection, 'n.mail_mail_id')} AND {EMAIL}"
        ),
        _ids_parameters(connection, mail_ids),
    ):
        statuses[int(mail_id)].add(str(status))
    marks = {
        mail_id: "ignored"
        for mail_id, found in statuses.items()
        if "canceled" in found and not found & {"exception", "bounce", "ready"}
    }
    orphans = [i for i in mail_ids if i not in statuses]
    if orphans:
        newer = (
            "SELECT 1 FROM mail_notification n WHERE n.mail_message_id = mm.mail_message_id "
            f"AND {EMAIL} AND n.mail_mail_id > mm.id"
        )
        for (mail_id,) in connection.execute(
            text(
                f"SELECT mm.id FROM mail_mail mm WHERE {_ids_condition(connection, 'mm.id')} "
                f"AND EXISTS ({newer})"
            ),
            _ids_parameters(connection, orphans),
        ):
            marks[int(mail_id)] = "resent"
    return marks


def _ids_condition(connection: Connection, column: str) -> str:
    # One array parameter on PostgreSQL: the statement's text is the same for every page.
    if connection.dialect.name == "postgresql":
        return f"{column} = ANY(:ids)"
    return f"{column} IN (SELECT value FROM json_each(:ids))"


def _ids_parameters(connection: Connection, ids: list[int]) -> dict[str, Any]:
    wanted = [int(i) for i in ids]
    if connection.dialect.name == "postgresql":
        return {"ids": wanted}
    return {"ids": json.dumps(wanted)}


def partner_failures(
    connection: Connection, schema: OdooSchema, partner_id: int, *, limit: int = 1000
) -> PartnerFailures | None:
    """The partner's name and address, and the newest messages with a failed e-mail
    notification to it (None: no such partner)."""
    partner = connection.execute(
        text(f"SELECT {_partner_name_column(schema)}, email FROM res_partner WHERE id = :id"),
        {"id": partner_id},
    ).first()
    if partner is None:
        return None
    messages: list[int] = []
    if readable(schema):
        messages = [
            int(m)
            for m in connection.execute(
                text(
                    "SELECT DISTINCT mail_message_id FROM mail_notification "
                    "WHERE res_partner_id = :id AND notification_type = 'email' "
                    "AND notification_status IN ('exception', 'bounce') "
                    "ORDER BY mail_message_id DESC LIMIT :limit"
                ),
                {"id": partner_id, "limit": limit},
            ).scalars()
        ]
    return PartnerFailures(partner_id, display_name(partner[0]), partner.email, tuple(messages))


def _partner_name_column(schema: OdooSchema) -> str:
    """16 stores the display name apart; ``name`` is what the wizard's line shows."""
    return "name" if schema.has("res_partner", "name") else "display_name"
