"""The red envelopes' SQL fragments and counts, free of SQLAlchemy: console.odoo.envelopes
runs them through SQLAlchemy, the driver-only status read (console.odoo.plain_reads)
through the driver. The rule is Odoo's systray's (docs/odoo-envelopes.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from console.domain.envelopes import EnvelopeCounts

EMAIL = "n.notification_type = 'email'"

# The systray's domain on the message (model set, a record id, not a user notification)
# and the failed e-mail notification; `n` and `m` are the notification and its message.
FAILED_NOTIFICATION = (
    "n.notification_type = 'email' AND n.notification_status IN ('exception', 'bounce')"
)
MESSAGE_ON_RECORD = (
    "m.model IS NOT NULL AND (m.res_id IS NULL OR m.res_id <> 0) "
    "AND m.message_type <> 'user_notification'"
)
FAILED = f"{FAILED_NOTIFICATION} AND {MESSAGE_ON_RECORD}"

# How many messages and failed recipients, bounced ones, and those whose mail row is gone.
ENVELOPE_TOTALS_SQL = (
    "SELECT count(DISTINCT n.mail_message_id), count(*), "
    "coalesce(sum(CASE WHEN n.notification_status = 'bounce' THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN mm.id IS NULL THEN 1 ELSE 0 END), 0) "
    "FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id "
    f"LEFT JOIN mail_mail mm ON mm.id = n.mail_mail_id WHERE {FAILED}"
)
# The messages per author, most first.
ENVELOPE_AUTHORS_SQL = (
    "SELECT n.author_id, p.name, count(DISTINCT n.mail_message_id) AS messages "
    "FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id "
    f"LEFT JOIN res_partner p ON p.id = n.author_id WHERE {FAILED} "
    "GROUP BY n.author_id, p.name ORDER BY messages DESC, n.author_id"
)


# PostgreSQL only (the driver-only status read): the totals and the authors in one pass,
# and each failed notification's message looked up by its key (OFFSET 0 keeps the planner
# from hashing every message of the database instead: 0.26 s -> 0.13 s at a million).
ENVELOPE_COUNTS_PG_SQL = (
    "SELECT GROUPING(n.author_id) AS whole, n.author_id, p.name, "
    "count(DISTINCT n.mail_message_id), count(*), "
    "coalesce(sum(CASE WHEN n.notification_status = 'bounce' THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN mm.id IS NULL THEN 1 ELSE 0 END), 0) "
    "FROM mail_notification n LEFT JOIN mail_mail mm ON mm.id = n.mail_mail_id "
    "LEFT JOIN res_partner p ON p.id = n.author_id "
    f"WHERE {FAILED_NOTIFICATION} AND EXISTS (SELECT 1 FROM mail_message m "
    f"WHERE m.id = n.mail_message_id AND {MESSAGE_ON_RECORD} OFFSET 0) "
    "GROUP BY GROUPING SETS ((n.author_id, p.name), ())"
)


def envelope_counts_from_grouped(rows: Sequence[Sequence[Any]]) -> EnvelopeCounts:
    """The rows of ENVELOPE_COUNTS_PG_SQL: the whole (whole = 1) and one per author."""
    whole = next((row[3:] for row in rows if row[0] == 1), (0, 0, 0, 0))
    authors = sorted(
        ((row[1], row[2], row[3]) for row in rows if row[0] != 1),
        key=lambda author: (-int(author[2]), author[0] is None, author[0] or 0),
    )
    return envelope_counts_from(whole, authors)


def envelope_counts_from(totals: Sequence[Any], authors: Sequence[Sequence[Any]]) -> EnvelopeCounts:
    """The rows of ENVELOPE_TOTALS_SQL (one) and ENVELOPE_AUTHORS_SQL."""
    return EnvelopeCounts(
        messages=int(totals[0]),
        notifications=int(totals[1]),
        bounced=int(totals[2]),
        mail_gone=int(totals[3]),
        by_author=tuple(
            (None if a is None else int(a), display_name(name), int(count))
            for a, name, count in authors
        ),
    )


def display_name(value: object) -> str | None:
    """A name column (jsonb on some models, a dict or a string)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return str(value.get("en_US") or next(iter(value.values()), "")) or None
    return str(value) or None
