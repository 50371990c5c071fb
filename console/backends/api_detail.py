"""One mail in full over Odoo's external API, as the detail shows it (the SQL backend's
console.odoo.mail_detail): its ``mail.mail`` fields (those of its message through
Odoo's ``_inherits``), its partners, its message's notifications and attachments; one
``read`` per model. The attachments are ``unrestricted_attachment_ids``, those of the
message the API user may read (16 refuses ``attachment_ids`` of a message the user may
not read, such as one on no document)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from console.backends.api_mails import partners_of
from console.backends.api_transport import OdooApi
from console.backends.api_values import many2one, moment, text, value
from console.domain.models import (
    LIST_REASON_CHARS,
    Attachment,
    MailDetail,
    MailRow,
    Notification,
    Recipient,
)
from console.domain.secrets import SecretMask
from console.odoo.mail_detail import DETAIL_RECIPIENTS

DETAIL_FIELDS = [
    "state", "date", "scheduled_date", "email_from", "email_to", "recipient_ids", "subject",
    "model", "res_id", "record_name", "failure_type", "failure_reason", "create_date",
    "write_date", "mail_message_id", "message_id", "references", "reply_to", "email_cc",
    "headers", "auto_delete", "is_notification", "message_type", "body_html",
    "mail_server_id", "unrestricted_attachment_ids", "restricted_attachment_count",
]  # fmt: skip
NOTIFICATION_FIELDS = [
    "res_partner_id", "notification_type", "notification_status", "failure_type",
    "failure_reason", "mail_mail_id",
]  # fmt: skip


def api_mail_detail(
    api: OdooApi,
    mail_id: int,
    mask: SecretMask,
    *,
    mailing: bool,
    row_of: Callable[[dict[str, Any], dict[int, Recipient]], MailRow],
) -> MailDetail | None:
    """The mail (None: no such mail); ``mailing``: mass_mailing is installed (the mail's
    campaign); ``row_of`` makes the list's row of a ``mail.mail`` read."""
    fields = DETAIL_FIELDS + (["mailing_id"] if mailing else [])
    fields += ["record_alias_domain_id"] if api.version.major >= 17 else []
    found = api.call("mail.mail", "search_read", domain=[("id", "=", mail_id)], fields=fields)
    if not found:
        return None
    row = found[0]
    message_id = many2one(row["mail_message_id"])[0] or 0
    notifications = api.call(
        "mail.notification", "search_read", domain=[("mail_message_id", "=", message_id)],
        fields=NOTIFICATION_FIELDS, order="id",
    )  # fmt: skip
    partner_ids = sorted(int(p) for p in row["recipient_ids"])[:DETAIL_RECIPIENTS]
    wanted = set(partner_ids) | {
        p for n in notifications if (p := many2one(n["res_partner_id"])[0]) is not None
    }
    partners = partners_of(api, wanted)
    mail = row_of({**row, "recipient_ids": partner_ids}, partners)
    mail = replace(
        mail,
        recipients=tuple(partners[p] for p in partner_ids if p in partners),
        recipient_count=len(row["recipient_ids"]),
    )
    campaign = many2one(row.get("mailing_id"))[0]
    return MailDetail(
        mail=mail,
        message_id=text(row["message_id"]),
        references=text(row["references"]),
        reply_to=text(row["reply_to"]),
        email_cc=text(row["email_cc"]),
        headers=text(row["headers"]),
        server_name=many2one(row["mail_server_id"])[1],
        campaign_subject=_campaign_subject(api, campaign) if campaign else None,
        auto_delete=bool(row["auto_delete"]),
        is_notification=bool(row["is_notification"]),
        message_type=text(row["message_type"]),
        body_html=text(row["body_html"]),
        failure_reason_full=mask.optional(text(row["failure_reason"])),
        notifications=tuple(_notification(n, partners, mask) for n in notifications),
        attachments=_attachments(api, [int(a) for a in row["unrestricted_attachment_ids"]]),
        create_date=moment(row["create_date"]),
        write_date=moment(row["write_date"]),
    )


def _notification(
    row: dict[str, Any], partners: dict[int, Recipient], mask: SecretMask
) -> Notification:
    partner_id = many2one(row["res_partner_id"])[0]
    partner = partners.get(partner_id or 0)
    reason = text(row["failure_reason"])
    return Notification(
        id=int(row["id"]),
        partner_id=partner_id,
        partner_name=partner.name if partner else None,
        partner_email=partner.email if partner else None,
        notification_type=str(row["notification_type"]),
        status=text(row["notification_status"]),
        failure_type=text(row["failure_type"]),
        failure_reason=mask.cut(
            reason[:LIST_REASON_CHARS] if reason else reason, LIST_REASON_CHARS
        ),
        mail_mail_id=many2one(row["mail_mail_id"])[0],
    )


def _attachments(api: OdooApi, ids: list[int]) -> tuple[Attachment, ...]:
    if not ids:
        return ()
    found = api.call(
        "ir.attachment", "read", [sorted(ids)], fields=["name", "mimetype", "file_size"]
    )
    return tuple(
        Attachment(int(a["id"]), str(a["name"]), text(a["mimetype"]), value(a["file_size"]))
        for a in sorted(found, key=lambda a: int(a["id"]))
    )


def _campaign_subject(api: OdooApi, mailing_id: int) -> str | None:
    found = api.call("mailing.mailing", "read", [[mailing_id]], fields=["subject"])
    return text(found[0]["subject"]) if found else None
