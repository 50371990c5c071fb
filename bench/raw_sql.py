"""The baselines: the same reads written by hand and run directly with psycopg.

Each is what a DBA would type for the same result (Odoo 17 schema), one statement per
question, default server settings. ``EXPLAIN`` helpers live here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

PAGE = """
SELECT m.id, m.state, msg.date, m.scheduled_date, msg.email_from, m.email_to, msg.subject,
       msg.model, msg.res_id, msg.record_name, m.failure_type,
       substr(m.failure_reason, 1, 4000) AS failure_reason, m.mailing_id
FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
WHERE m.state = ANY(%(states)s)
ORDER BY m.id DESC LIMIT %(limit)s
"""

# The Failed list as the TUI reads it, newest failure first: what a DBA would type.
FAILED_PAGE = """
SELECT m.id, m.state, msg.date, m.scheduled_date, msg.email_from, m.email_to, msg.subject,
       msg.model, msg.res_id, msg.record_name, m.failure_type,
       substr(m.failure_reason, 1, 4000) AS failure_reason, m.mailing_id, m.write_date
FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
WHERE m.state = 'exception'
ORDER BY m.write_date DESC, m.id DESC LIMIT %(limit)s
"""

RECIPIENTS = """
SELECT r.mail_mail_id, p.id, p.name, p.email
FROM mail_mail_res_partner_rel r JOIN res_partner p ON p.id = r.res_partner_id
WHERE r.mail_mail_id = ANY(%(ids)s)
ORDER BY r.mail_mail_id, p.id
"""

STATUS = """
SELECT state, count(*),
       min(create_date) FILTER (WHERE state = 'outgoing'
                                AND (scheduled_date IS NULL OR scheduled_date <= %(now)s)),
       count(*) FILTER (WHERE state = 'outgoing' AND scheduled_date > %(now)s)
FROM mail_mail GROUP BY state
"""

# Failures grouped by their exact type and reason, in SQL: the grouping a DBA would write.
CAUSES_GROUP_BY = """
SELECT m.failure_type, substr(m.failure_reason, 1, 4096) AS reason, count(*),
       min(coalesce(m.create_date, msg.date)), max(coalesce(m.create_date, msg.date)),
       max(m.id)
FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
WHERE m.state = 'exception'
GROUP BY 1, 2 ORDER BY 3 DESC
"""

# The rows the classifier needs, in one statement (no paging).
FAILED_ROWS = """
SELECT m.id, m.failure_type, substr(m.failure_reason, 1, 4096),
       coalesce(m.create_date, msg.date), s.name
FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
LEFT JOIN ir_mail_server s ON s.id = msg.mail_server_id
WHERE m.state = 'exception'
ORDER BY m.id DESC
"""

_TEXT_MATCH = """
(m.email_to ILIKE %(pattern)s OR m.failure_reason ILIKE %(pattern)s
 OR msg.subject ILIKE %(pattern)s OR msg.email_from ILIKE %(pattern)s
 OR msg.record_name ILIKE %(pattern)s
 OR m.id IN (SELECT r.mail_mail_id
             FROM mail_mail_res_partner_rel r JOIN res_partner p ON p.id = r.res_partner_id
             WHERE p.email ILIKE %(pattern)s OR p.name ILIKE %(pattern)s))
"""

FILTER_PAGE = f"""
SELECT m.id, m.state, msg.date, m.scheduled_date, msg.email_from, m.email_to, msg.subject,
       msg.model, msg.res_id, msg.record_name, m.failure_type,
       substr(m.failure_reason, 1, 4000) AS failure_reason, m.mailing_id
FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
WHERE {_TEXT_MATCH}
ORDER BY m.id DESC LIMIT %(limit)s
"""

FILTER_COUNT = f"""
SELECT count(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id
WHERE {_TEXT_MATCH}
"""


def like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def page(conn: psycopg.Connection[Any], states: tuple[str, ...], limit: int) -> int:
    rows = conn.execute(PAGE, {"states": list(states), "limit": limit + 1}).fetchall()
    ids = [int(r[0]) for r in rows[:limit]]
    conn.execute(RECIPIENTS, {"ids": ids}).fetchall()
    conn.rollback()
    return len(rows)


def failed_page(conn: psycopg.Connection[Any], limit: int) -> int:
    rows = conn.execute(FAILED_PAGE, {"limit": limit + 1}).fetchall()
    ids = [int(r[0]) for r in rows[:limit]]
    conn.execute(RECIPIENTS, {"ids": ids}).fetchall()
    conn.rollback()
    return len(rows)


def status(conn: psycopg.Connection[Any], now: datetime) -> int:
    rows = conn.execute(STATUS, {"now": now}).fetchall()
    conn.rollback()
    return len(rows)


def fetch_all(conn: psycopg.Connection[Any], statement: str, params: Any = None) -> list[Any]:
    rows = conn.execute(statement, params).fetchall()
    conn.rollback()
    return rows


def filter_page(conn: psycopg.Connection[Any], word: str, limit: int) -> int:
    params = {"pattern": like_pattern(word), "limit": limit + 1}
    rows = conn.execute(FILTER_PAGE, params).fetchall()
    ids = [int(r[0]) for r in rows[:limit]]
    conn.execute(RECIPIENTS, {"ids": ids}).fetchall()
    conn.rollback()
    return len(rows)


def filter_count(conn: psycopg.Connection[Any], word: str) -> int:
    row = conn.execute(FILTER_COUNT, {"pattern": like_pattern(word)}).fetchone()
    conn.rollback()
    return int(row[0]) if row else 0


def explain(conn: psycopg.Connection[Any], statement: str, params: Any = None) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement, rolled back."""
    rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).fetchall()
    conn.rollback()
    return "\n".join(str(r[0]) for r in rows)


# The red envelopes as a DBA would list them: the newest messages with a failed e-mail
# notification (Odoo's systray rule), each with its failed recipients and their names.
ENVELOPE_PAGE = """
WITH page AS (
    SELECT m.id, m.model, m.res_id, m.date, m.author_id
    FROM mail_message m
    WHERE EXISTS (
        SELECT 1 FROM mail_notification n
        WHERE n.mail_message_id = m.id AND n.notification_type = 'email'
          AND n.notification_status IN ('exception', 'bounce'))
      AND m.model IS NOT NULL AND m.message_type <> 'user_notification'
    ORDER BY m.id DESC LIMIT %(limit)s
)
SELECT page.*, n.id, n.notification_status, n.failure_type, n.failure_reason,
       n.mail_mail_id, p.name, p.email, mm.state
FROM page
JOIN mail_notification n ON n.mail_message_id = page.id AND n.notification_type = 'email'
     AND n.notification_status IN ('exception', 'bounce')
LEFT JOIN res_partner p ON p.id = n.res_partner_id
LEFT JOIN mail_mail mm ON mm.id = n.mail_mail_id
ORDER BY page.id DESC, n.id
"""

# One bounce rate over 7 days, as written by hand: accepted notifications by their
# message's date (no index on it) and accepted traces by sent_datetime.
BOUNCE_RATE_7D = """
SELECT sum(b), sum(a) FROM (
    SELECT count(*) FILTER (WHERE n.notification_status = 'bounce') AS b, count(*) AS a
    FROM mail_notification n JOIN mail_message m ON m.id = n.mail_message_id
    WHERE n.notification_type = 'email' AND n.notification_status IN ('sent', 'bounce')
      AND m.date >= %(now)s - interval '7 days'
    UNION ALL
    SELECT count(*) FILTER (WHERE t.trace_status = 'bounce'), count(*)
    FROM mailing_trace t
    WHERE t.trace_type = 'mail' AND t.trace_status IN ('sent', 'open', 'reply', 'bounce')
      AND t.sent_datetime >= %(now)s - interval '7 days'
) counted
"""
