"""Build the RFC 5322 messages of one mail exactly like Odoo.

``iter_outgoing`` follows ``mail.mail._send_prepare_values`` (16) and
``_prepare_outgoing_list`` (17, 18, 19): one message for the ``email_to`` group (with the
Cc), one per recipient partner. It yields them one at a time (a mail may have 200,000
partners: the callers build, send or write each message before the next is made) and
converts the body to text once: Odoo renders the body per partner only to sign its
unfollow links, which are removed here for every partner alike.
``build_message`` follows ``IrMailServer.build_email``: Message-Id, References, Subject,
From, Reply-To, To, Cc, Date, then the stored header dict (which cannot replace a header
Python allows once: like Odoo, that raises), a text/plain + text/html alternative and the
attachments.
Sources as in ``console.smtp.server_choice``.
"""

from __future__ import annotations

import email.policy
import random
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from console.domain.mailtools import (
    email_normalize_all,
    email_split,
    email_split_and_format,
    email_split_and_format_normalize,
    formataddr,
    is_html_empty,
    normalize_email_part,
    remove_unfollow_link,
    replace_local_links,
)
from console.domain.models import Recipient
from console.smtp.plaintext import html2plaintext
from console.smtp.server_choice import NO_FOUND_FROM

_RFC5322_IDENTIFICATION_HEADERS = {"message-id", "in-reply-to", "references", "resent-msg-id"}
_NO_FOLD_POLICY = email.policy.SMTP.clone(max_line_length=None)


class IdentificationFieldsNoFoldPolicy(email.policy.EmailPolicy):
    """Odoo's SMTP policy: never fold Message-Id / References (bpo-35805 workaround)."""

    def _fold(self, name: str, value: Any, *args: Any, **kwargs: Any) -> Any:
        if name.lower() in _RFC5322_IDENTIFICATION_HEADERS:
            return _NO_FOLD_POLICY._fold(name, value, *args, **kwargs)  # type: ignore[attr-defined]
        return super()._fold(name, value, *args, **kwargs)  # type: ignore[misc]


ODOO_SMTP_POLICY = IdentificationFieldsNoFoldPolicy(linesep="\r\n")
_LINKED_ATTACHMENT = re.compile(r"/web/(?:content|image)/([0-9]+)")


@dataclass(frozen=True, slots=True)
class AttachmentData:
    id: int
    name: str
    mimetype: str | None
    content: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class MailContent:
    """Everything of one mail.mail that goes into its messages."""

    mail_id: int
    version: int
    email_from: str | None
    email_to: str | None
    email_cc: str | None
    subject: str | None
    body_html: str | None
    reply_to: str | None
    message_id: str | None
    references: str | None
    headers: dict[str, str]
    model: str | None
    res_id: int | None
    recipients: tuple[Recipient, ...] = ()
    attachments: tuple[AttachmentData, ...] = ()
    # 16: ICP bounce address (header set only when known); 17+: alias domain / company
    # bounce address for headers.setdefault('Return-Path', ...)
    return_path: str | None = None
    base_url: str | None = None  # web.base.url, for relative links (17+)
    default_from: str | None = None  # build_email's fallback when the mail has no From
    # `prepared_body`, once computed (it reads the whole body with regular expressions)
    body_prepared: str | None = field(default=None, repr=False)


@dataclass(slots=True)
class EmailSpec:
    """One entry of Odoo's outgoing list: the values passed to ``build_email``."""

    email_to: list[str]
    email_cc: list[str]
    body: str
    body_alternative: str
    headers: dict[str, Any]
    partner_id: int | None = None
    email_to_normalized: list[str] = field(default_factory=list)


def linked_attachment_ids(body_html: str | None) -> set[int]:
    """Attachments the body links to (``/web/content/<id>``): Odoo does not attach them."""
    return {int(found) for found in _LINKED_ATTACHMENT.findall(body_html or "")}


def prepared_body(mail: MailContent) -> str:
    """``_send_prepare_body`` (16) / ``_prepare_outgoing_body`` (17+)."""
    if mail.body_prepared is not None:
        return mail.body_prepared
    if mail.version <= 16:
        return mail.body_html or ""
    if is_html_empty(mail.body_html):
        return ""
    return replace_local_links(mail.body_html or "", mail.base_url)


def prepared_headers(mail: MailContent) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if mail.version <= 16:
        if mail.return_path:
            headers["Return-Path"] = mail.return_path
        headers.update(mail.headers)
        return headers
    headers.update(mail.headers)
    headers.setdefault("Return-Path", mail.return_path or False)
    return headers


def message_count(mail: MailContent) -> int:
    """How many entries `iter_outgoing` yields, without making them."""
    if mail.version <= 16:
        return (1 if mail.email_to else 0) + len(mail.recipients)
    return (1 if mail.email_to or mail.email_cc else 0) + len(mail.recipients)


def outgoing_list(mail: MailContent) -> list[EmailSpec]:
    """Every entry at once (small mails and tests; sending and exporting iterate)."""
    return list(iter_outgoing(mail))


def iter_outgoing(mail: MailContent) -> Iterator[EmailSpec]:
    body = prepared_body(mail)
    headers = prepared_headers(mail)
    if mail.version <= 16:
        yield from _outgoing_16(mail, body, headers)
        return
    # partner-specific unfollow links need Odoo's signed URLs: removed, as Odoo does for
    # every recipient that is not an internal follower
    body = remove_unfollow_link(body)
    alternative = html2plaintext(body, mail.version)
    split_format = (
        email_split_and_format if mail.version <= 18 else email_split_and_format_normalize
    )
    first: EmailSpec | None = None
    if mail.email_to:
        first = EmailSpec(
            email_to=split_format(mail.email_to),
            email_cc=[],
            body=body,
            body_alternative=alternative,
            headers=headers,
            email_to_normalized=_normalize_all(mail.email_to, mail.version),
        )
    if mail.email_cc:
        cc = email_split(mail.email_cc) if mail.version <= 18 else split_format(mail.email_cc)
        if first is not None:
            first.email_cc = cc
            first.email_to_normalized += _normalize_all(mail.email_cc, mail.version)
        else:
            first = EmailSpec(
                email_to=[],
                email_cc=cc,
                body=body,
                body_alternative=alternative,
                headers=headers,
                email_to_normalized=_normalize_all(mail.email_cc, mail.version),
            )
    if first is not None:
        yield first
    for partner in mail.recipients:
        normalized = _normalize_all(partner.email, mail.version)
        if mail.version <= 17 and not normalized:
            email_to = [formataddr((partner.name or "", partner.email or "False"))]
        elif mail.version <= 17:
            email_to = [formataddr((partner.name or "", e or "False")) for e in normalized]
        else:
            email_to = [
                formataddr((partner.name or "", e or "False"))
                for e in (normalized or [partner.email or ""])
            ]
        yield EmailSpec(
            email_to=email_to,
            email_cc=[],
            body=body,
            body_alternative=alternative,
            headers=headers,
            partner_id=partner.partner_id,
            email_to_normalized=normalized,
        )


def _normalize_all(text: str | None, version: int) -> list[str]:
    if version >= 19:
        return [normalize_email_part(e) for e in email_split(text)]
    return email_normalize_all(text)


def _outgoing_16(mail: MailContent, body: str, headers: dict[str, Any]) -> Iterator[EmailSpec]:
    alternative = html2plaintext(body, mail.version)
    cc = email_split(mail.email_cc)
    if mail.email_to:
        yield EmailSpec(email_split_and_format(mail.email_to), cc, body, alternative, headers)
    for partner in mail.recipients:
        normalized = email_normalize_all(partner.email)
        if normalized:
            email_to = [formataddr((partner.name or "False", e or "False")) for e in normalized]
        else:
            email_to = [formataddr((partner.name or "False", partner.email or "False"))]
        yield EmailSpec(email_to, cc, body, alternative, headers, partner.partner_id)


def sender_address(mail: MailContent) -> str | None:
    """``_send``: protect against an already formatted email_from."""
    split = (
        email_split_and_format_normalize(mail.email_from)
        if mail.version >= 19
        else email_split_and_format(mail.email_from)
    )
    return split[0] if split else mail.email_from


def generate_tracking_message_id(res_id: str) -> str:
    """``tools.generate_tracking_message_id``."""
    rnd = random.SystemRandom().random()
    rndstr = f"{rnd:.15f}"[2:]
    return f"<{rndstr}.{time.time():.15f}-openerp-{res_id}@{socket.gethostname()}>"


def build_message(mail: MailContent, spec: EmailSpec, email_from: str | None) -> EmailMessage:
    """``IrMailServer.build_email`` for one entry of the outgoing list."""
    email_from = email_from or mail.default_from
    if not email_from:
        raise AssertionError(NO_FOUND_FROM)
    msg = EmailMessage(policy=ODOO_SMTP_POLICY)
    message_id = mail.message_id
    if not message_id:
        object_id = f"{mail.res_id}-{mail.model}" if mail.res_id else ""
        message_id = generate_tracking_message_id(object_id) if object_id else make_msgid()
    msg["Message-Id"] = message_id
    if mail.references:
        msg["references"] = mail.references
    msg["Subject"] = mail.subject  # None gives an empty header
    msg["From"] = email_from
    del msg["Reply-To"]
    msg["Reply-To"] = mail.reply_to or email_from
    msg["To"] = spec.email_to  # Odoo passes the list itself
    if spec.email_cc:
        msg["Cc"] = spec.email_cc
    msg["Date"] = datetime.now(UTC).replace(tzinfo=None)
    for key, value in spec.headers.items():
        msg[key] = value
    msg["MIME-Version"] = "1.0"
    alternative = spec.body_alternative or html2plaintext(spec.body, mail.version)
    msg.add_alternative(alternative, subtype="plain", charset="utf-8")
    msg.add_alternative(spec.body, subtype="html", charset="utf-8")
    for attachment in mail.attachments:
        mime = attachment.mimetype
        if mime and "/" in mime:
            maintype, subtype = mime.split("/")  # Odoo's unpacking: a/b/c raises like Odoo
        else:
            maintype, subtype = "application", "octet-stream"
        msg.add_attachment(attachment.content, maintype, subtype, filename=attachment.name)
    return msg
