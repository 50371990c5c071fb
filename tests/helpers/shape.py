"""What the queue shape and the throughput history must say, worked out in the test from
the raw rows (plain SELECTs, Python's own address parser), not by the console's queries."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from email.utils import getaddresses
from typing import Any

from tests.helpers.db import rows

EDGES_MINUTES = (5, 10, 20, 40, 80, 160, 320, 640)  # qshape's, then "more"
LABELS = ("5m", "10m", "20m", "40m", "80m", "160m", "320m", "640m", "more")


def moment(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value))


def bucket(since: datetime | None, at: datetime) -> int:
    if since is None:
        return len(EDGES_MINUTES)
    age = at - since
    for index, minutes in enumerate(EDGES_MINUTES):
        if age <= timedelta(minutes=minutes):
            return index
    return len(EDGES_MINUTES)


def domain(address: str | None) -> str | None:
    """The first address's domain, by the standard library's parser."""
    if not address or "@" not in address:
        return None
    first = getaddresses([address])[0][1] or address.split(",")[0]  # unparsable: as written
    return first.rpartition("@")[2].strip().lower() or None


def expected_shape(
    url: str, state: str, at: datetime
) -> tuple[Counter[int], dict[str, list[int]], int]:
    """(TOTAL per bucket, per domain the buckets, mails scheduled later) of ``state``."""
    mails = rows(
        url,
        "SELECT id, email_to, scheduled_date, create_date, write_date FROM mail_mail "
        "WHERE state = :state",
        state=state,
    )
    partners: dict[int, list[str | None]] = {}
    for mail_id, email in rows(
        url,
        "SELECT r.mail_mail_id, p.email FROM mail_mail_res_partner_rel r "
        "JOIN res_partner p ON p.id = r.res_partner_id",
    ):
        partners.setdefault(int(mail_id), []).append(email)
    total: Counter[int] = Counter()
    table: dict[str, list[int]] = {}
    later = 0
    for mail_id, email_to, scheduled, created, written in mails:
        scheduled, created, written = moment(scheduled), moment(created), moment(written)
        if state == "outgoing":
            if scheduled is not None and scheduled > at:
                later += 1
                continue
            since = scheduled if scheduled and created and scheduled > created else created
        else:
            since = written or created
        index = bucket(since, at)
        total[index] += 1
        domains = {domain(email_to)} | {domain(e) for e in partners.get(int(mail_id), [])}
        domains.discard(None)
        for name in domains or {"(no recipient)"}:
            table.setdefault(str(name), [0] * len(LABELS))[index] += 1
    return total, table, later


def mails_to(url: str, state: str, name: str) -> set[int]:
    """The ids of the mails of ``state`` with a recipient at ``name`` (the shape's rule)."""
    found = set()
    partners: dict[int, list[str | None]] = {}
    for mail_id, email in rows(
        url,
        "SELECT r.mail_mail_id, p.email FROM mail_mail_res_partner_rel r "
        "JOIN res_partner p ON p.id = r.res_partner_id",
    ):
        partners.setdefault(int(mail_id), []).append(email)
    for mail_id, email_to in rows(
        url, "SELECT id, email_to FROM mail_mail WHERE state = :state", state=state
    ):
        if name in {domain(email_to)} | {domain(e) for e in partners.get(int(mail_id), [])}:
            found.add(int(mail_id))
    return found


def expected_history(url: str, since: datetime, until: datetime) -> dict[str, Counter[datetime]]:
    """Per kind, per UTC hour: notifications by their message's date, traces sent by
    sent_datetime and failed by write_date, other kept mails by write_date."""
    result: dict[str, Counter[datetime]] = {k: Counter() for k in ("sent", "failed", "bounced")}

    def hour(value: Any) -> datetime | None:
        at = moment(value)
        if at is None or not since <= at < until:
            return None
        return at.replace(minute=0, second=0, microsecond=0)

    for date, status in rows(
        url,
        "SELECT m.date, n.notification_status FROM mail_notification n "
        "JOIN mail_message m ON m.id = n.mail_message_id WHERE n.notification_type = 'email'",
    ):
        at = hour(date)
        if at is None:
            continue
        if status in ("sent", "pending", "bounce"):
            result["sent"][at] += 1
        if status == "bounce":
            result["bounced"][at] += 1
        if status == "exception":
            result["failed"][at] += 1
    for sent_at, written, created, status in rows(
        url,
        "SELECT sent_datetime, write_date, create_date, trace_status FROM mailing_trace "
        "WHERE trace_type = 'mail'",
    ):
        at = hour(sent_at)
        if at is not None and status in ("sent", "open", "reply", "bounce", "pending"):
            result["sent"][at] += 1
            if status == "bounce":
                result["bounced"][at] += 1
        failed_at = hour(written or created)
        if failed_at is not None and status == "error":
            result["failed"][failed_at] += 1
    for written, created, state, notification, mailing in rows(
        url, "SELECT write_date, create_date, state, is_notification, mailing_id FROM mail_mail"
    ):
        at = hour(written or created)
        if at is None or notification or mailing is not None:
            continue
        if state == "sent":
            result["sent"][at] += 1
        elif state == "exception":
            result["failed"][at] += 1
    return result
