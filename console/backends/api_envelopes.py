"""The red envelopes over Odoo's external API, by the rule of Odoo's systray (a message
on a record, not a user notification, with an e-mail notification in ``exception`` or
``bounce``): the messages from ``mail.notification`` (one ``search_read`` of the failed
notifications, newest message first), their recipients and mail rows read in one call
each. Counts: ``search_count`` and the version's group-by."""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from console.backends.api_failed_order import second_of
from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, text
from console.domain.envelopes import (
    RECIPIENTS_PER_ENVELOPE,
    Envelope,
    EnvelopeCounts,
    EnvelopePage,
    FailedRecipient,
)
from console.domain.models import LIST_REASON_CHARS
from console.domain.secrets import SecretMask

FAILED: list[Any] = [
    ("notification_type", "=", "email"),
    ("notification_status", "in", ["exception", "bounce"]),
    ("mail_message_id.model", "!=", False),
    ("mail_message_id.res_id", "!=", 0),
    ("mail_message_id.message_type", "!=", "user_notification"),
]


def envelope_domain(version: int) -> list[Any]:
    """The systray's messages: on a record, not user notifications, with a failed e-mail
    notification (16 has no ``any``: its two path conditions may match two different
    notifications of one message, which only a failed non-e-mail one can tell apart)."""
    failed: list[Any]
    if version >= 17:
        failed = [("notification_ids", "any", FAILED[:2])]
    else:
        failed = [(f"notification_ids.{field}", op, value) for field, op, value in FAILED[:2]]
    return [*failed, ("model", "!=", False), ("res_id", "!=", 0),
            ("message_type", "!=", "user_notification")]  # fmt: skip


def api_envelope_counts(api: OdooApi) -> EnvelopeCounts:
    version = api.version.major
    count = partial(api.call, "mail.notification", "search_count")
    if version >= 19:
        groups = api.call(
            "mail.message", "formatted_read_group", domain=envelope_domain(version),
            groupby=["author_id"], aggregates=["__count"],
        )  # fmt: skip
    else:
        groups = api.call(
            "mail.message", "read_group", domain=envelope_domain(version), fields=["author_id"],
            groupby=["author_id"], lazy=False,
        )  # fmt: skip
    authors = [(*many2one(g["author_id"]), int(g["__count"])) for g in groups]
    authors.sort(key=lambda a: (-a[2], a[0] or 0))
    return EnvelopeCounts(
        messages=sum(a[2] for a in authors),
        notifications=int(count(domain=FAILED)),
        bounced=int(count(domain=[*FAILED, ("notification_status", "=", "bounce")])),
        mail_gone=int(count(domain=[*FAILED, ("mail_mail_id", "=", False)])),
        by_author=tuple(authors),
    )


def api_envelope_page(
    api: OdooApi, *, before_id: int | None, limit: int, mask: SecretMask
) -> EnvelopePage:
    """The newest ``limit`` red envelopes before ``before_id`` (keyset on the message id),
    each with its failed recipients and whether their mail rows remain."""
    domain = envelope_domain(api.version.major)
    if before_id is not None:
        domain.append(("id", "<", before_id))
    rows = api.call(
        "mail.message", "search_read", domain=domain, order="id desc", limit=limit + 1,
        fields=["date", "model", "res_id", "record_name", "author_id", "subject"],
    )  # fmt: skip
    has_more = len(rows) > limit
    rows = rows[:limit]
    recipients = _recipients(api, [int(r["id"]) for r in rows], mask) if rows else {}
    envelopes = []
    for row in rows:
        author_id, author_name = many2one(row["author_id"])
        found, count = recipients.get(int(row["id"]), ([], 0))
        envelopes.append(
            Envelope(
                message_id=int(row["id"]),
                date=moment(row["date"]),
                model=text(row["model"]),
                res_id=int(row["res_id"]) if row["res_id"] else None,
                record_name=text(row["record_name"]),
                author_id=author_id,
                author_name=author_name,
                subject=text(row["subject"]),
                recipients=tuple(found),
                recipient_count=count,
            )
        )
    return EnvelopePage(tuple(envelopes), has_more)


def _recipients(
    api: OdooApi, message_ids: list[int], mask: SecretMask
) -> dict[int, tuple[list[FailedRecipient], int]]:
    rows = api.call(
        "mail.notification",
        "search_read",
        domain=[*FAILED, ("mail_message_id", "in", message_ids)],
        fields=["mail_message_id", "res_partner_id", "notification_status", "failure_type",
                "failure_reason", "mail_mail_id"],
        order="mail_message_id, id",
    )  # fmt: skip
    partners = {
        int(p["id"]): p
        for p in api.call(
            "res.partner",
            "read",
            [sorted({int(r["res_partner_id"][0]) for r in rows if r["res_partner_id"]})],
            fields=["name", "email"],
        )
    } if any(r["res_partner_id"] for r in rows) else {}  # fmt: skip
    mail_ids = sorted({int(r["mail_mail_id"][0]) for r in rows if r["mail_mail_id"]})
    mails = {
        int(m["id"]): m
        for m in api.call(
            "mail.mail", "search_read", domain=[("id", "in", mail_ids)],
            fields=["state", "write_date"],
        )
    } if mail_ids else {}  # fmt: skip
    found: dict[int, tuple[list[FailedRecipient], int]] = {}
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        message, _ = many2one(row["mail_message_id"])
        if message is None:
            continue
        counts[message] += 1
        listed, _ = found.setdefault(message, ([], 0))
        if len(listed) >= RECIPIENTS_PER_ENVELOPE:
            continue
        partner_id, _ = many2one(row["res_partner_id"])
        partner = partners.get(partner_id or 0, {})
        mail_id, _ = many2one(row["mail_mail_id"])
        reason = text(row["failure_reason"])
        listed.append(
            FailedRecipient(
                notification_id=int(row["id"]),
                partner_id=partner_id,
                name=text(partner.get("name")),
                email=text(partner.get("email")),
                status=str(row["notification_status"]),
                failure_type=text(row["failure_type"]),
                failure_reason=(
                    mask.cut(reason[:LIST_REASON_CHARS], LIST_REASON_CHARS) if reason else None
                ),
                mail_id=mail_id,
                mail_state=text(mails[mail_id]["state"]) if mail_id in mails else None,
                mail_failed_at=(
                    second_of(mails[mail_id])
                    if mail_id in mails and mails[mail_id]["state"] == "exception"
                    else None
                ),
            )
        )
    return {m: (listed, counts[m]) for m, (listed, _) in found.items()}
