"""Small reads around the mails over Odoo's external API (the SQL backend's
console.backends.sql_records): the messages of mails, when queued mails fall due, what
a retry would send again, a partner's failed messages. Ids are read in bounded chunks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from console.backends.api_groups import grouped
from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, text
from console.domain.envelopes import PartnerFailures

CHUNK = 5000  # ids per call, as the SQL backend bounds its statements
FAILED_EMAIL: list[Any] = [
    ("notification_type", "=", "email"),
    ("notification_status", "in", ["exception", "bounce"]),
]
PARTNER_MESSAGES = 1000  # the newest failed messages of a partner, as the SQL reads


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    return [wanted[start : start + CHUNK] for start in range(0, len(wanted), CHUNK)]


def api_messages_of_mails(api: OdooApi, mail_ids: Sequence[int]) -> list[int]:
    """The chatter messages of these mails (those that still exist), in their order."""
    found: dict[int, int] = {}
    for chunk in _chunks(mail_ids):
        for row in api.call(
            "mail.mail", "search_read", domain=[("id", "in", chunk)], fields=["mail_message_id"]
        ):
            message = many2one(row["mail_message_id"])[0]
            if message is not None:
                found[int(row["id"])] = message
    wanted = list(dict.fromkeys(int(i) for i in mail_ids))
    return list(dict.fromkeys(found[i] for i in wanted if i in found))


def api_scheduled_later(api: OdooApi, ids: Sequence[int], now: datetime) -> list[datetime]:
    """When each of these outgoing mails falls due, earliest first, for those scheduled
    after ``now``."""
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    found: list[datetime] = []
    for chunk in _chunks(ids):
        for row in api.call(
            "mail.mail", "search_read",
            domain=[("id", "in", chunk), ("state", "=", "outgoing"),
                    ("scheduled_date", ">", stamp)],
            fields=["scheduled_date"], order="scheduled_date",
        ):  # fmt: skip
            when = moment(row["scheduled_date"])
            if when is not None:
                found.append(when)
    return sorted(found)


def api_already_delivered(api: OdooApi, ids: Sequence[int]) -> tuple[int, int]:
    """Of these mails, how many reached some recipient, and how many recipients (their
    e-mail notifications in ``sent``)."""
    mails = recipients = 0
    for chunk in _chunks(ids):
        for group in grouped(
            api, "mail.notification",
            [("notification_type", "=", "email"), ("notification_status", "=", "sent"),
             ("mail_mail_id", "in", chunk)],
            [], {"mails": "mail_mail_id:count_distinct"},
        ):  # fmt: skip
            mails += int(group["mails"] or 0)
            recipients += group["__count"]
    return mails, recipients


def api_partner_failures(api: OdooApi, partner_id: int) -> PartnerFailures | None:
    """The partner's name and address, and the newest messages whose e-mail to it failed
    (None: no such partner)."""
    found = api.call(
        "res.partner", "search_read", domain=[("id", "=", partner_id)], fields=["name", "email"],
        context={"active_test": False},
    )  # fmt: skip
    if not found:
        return None
    groups = grouped(
        api, "mail.notification", [("res_partner_id", "=", partner_id), *FAILED_EMAIL],
        ["mail_message_id"], order="mail_message_id", limit=PARTNER_MESSAGES,
    )  # fmt: skip
    # Odoo orders groups by a many2one in its model's order: mail.message's is id desc
    found_ids = {m for g in groups if (m := many2one(g["mail_message_id"])[0]) is not None}
    messages = tuple(sorted(found_ids, reverse=True))
    partner = found[0]
    return PartnerFailures(partner_id, text(partner["name"]), text(partner["email"]), messages)
