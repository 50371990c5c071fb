"""Read one locked mail into a ``MailContent``, or say why the console must not send it.

The console refuses (before writing anything) what it cannot send the way Odoo would:
an attachment in a filestore it cannot read (Odoo would read it; sending without it
would lose it), and in 18+ attachments Odoo would turn into download links (too big for
the server, or URL attachments in 19), which only Odoo can render. A mail whose messages
would be bigger than ``SendContext.max_message_mb`` (each message is built whole in
memory, its text and HTML parts and attachments encoded) is `TooBig`: Send now leaves it
to Odoo's queue, the export refuses it; this is checked before any attachment is read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from console.domain.models import Recipient
from console.smtp.attachments import AttachmentUnreadable, attachment_content
from console.smtp.build import (
    MailContent,
    linked_attachment_ids,
    prepared_body,
    prepared_headers,
)
from console.smtp.headers import parse_headers
from console.smtp.routing import Route, SendContext
from console.smtp.rows import AttachmentRow, MailRow

LEFT_TO_ODOO = "asked Odoo's queue to run instead"


class SkipMail(Exception):
    """Do not send this mail; ``deferred``: Odoo's queue should send it."""

    def __init__(self, reason: str, *, deferred: bool = False) -> None:
        super().__init__(reason)
        self.deferred = deferred


class TooBig(SkipMail):
    """A message of this mail would not fit the memory the console gives one message."""

    def __init__(self, estimated_mb: float, limit_mb: float) -> None:
        super().__init__(
            f"its messages would be about {estimated_mb:.0f} MB each, more than the "
            f"{limit_mb:g} MB the console builds in memory: {LEFT_TO_ODOO}",
            deferred=True,
        )
        self.estimated_mb = estimated_mb
        self.limit_mb = limit_mb


MIME_OVERHEAD = 4 / 3  # base64; quoted-printable and 8bit are smaller for text


def estimated_message_mb(body: str, attachment_bytes: int) -> float:
    """One message: the HTML part, the text part (never longer), attachments, encoded."""
    body_bytes = len(body.encode("utf-8", "surrogatepass"))
    return ((2 * body_bytes + attachment_bytes) * MIME_OVERHEAD + 64 * 1024) / (1024 * 1024)


@dataclass(frozen=True, slots=True)
class Prepared:
    mail: MailRow
    content: MailContent

    @property
    def no_recipients(self) -> bool:
        """19's test before the placeholder: no To, no partner, no Cc."""
        content = self.content
        return (
            not (content.email_to or "").strip()
            and not content.recipients
            and not (content.email_cc or "").strip()
        )


@dataclass(frozen=True, slots=True)
class MailAsSent:
    """One mail as Send now would hand it to SMTP: its state now, the context and route
    Send now computes, and its content."""

    state: str | None
    context: SendContext
    route: Route
    prepared: Prepared


class TooManyRecipients(SkipMail):
    def __init__(self, limit: int) -> None:
        super().__init__(f"it has more than {limit:,} recipient partners")
        self.limit = limit


def prepare_from_rows(
    ctx: SendContext,
    route: Route,
    mail: MailRow,
    recipients: Sequence[Recipient],
    rows: list[AttachmentRow],
) -> Prepared:
    """The content from rows already read (Send now reads several mails at once)."""
    version = ctx.version
    content = MailContent(
        mail_id=mail.id,
        version=version,
        email_from=mail.email_from,
        email_to=mail.email_to,
        email_cc=mail.email_cc,
        subject=mail.subject,
        body_html=mail.body_html,
        reply_to=mail.reply_to,
        message_id=mail.message_id,
        references=mail.references,
        headers=parse_headers(mail.headers),
        model=mail.model,
        res_id=mail.res_id,
        recipients=tuple(recipients),
        return_path=ctx.return_path(route.alias),
        base_url=ctx.param("web.base.url"),
        default_from=ctx.notifications_email(route.alias),
    )
    body = prepared_body(content)
    content = replace(content, body_prepared=body)
    if body or version <= 16:
        linked = linked_attachment_ids(body if version >= 17 else mail.body_html)
        rows = [row for row in rows if row.id not in linked]
    if version >= 19:
        links = [r for r in rows if r.url and not r.file_size and r.url.startswith(_URL_SCHEMES)]
        if links:
            raise SkipMail(
                f"attachment {links[0].name!r} is a link Odoo renders into the body: "
                f"{LEFT_TO_ODOO}",
                deferred=True,
            )
    if version >= 18:
        _check_size(content, rows, body, ctx, route)
    estimated = estimated_message_mb(
        body or mail.body_html or "", sum(r.file_size or len(r.db_datas or b"") for r in rows)
    )
    if estimated > ctx.max_message_mb:
        raise TooBig(estimated, ctx.max_message_mb)
    attachments = []
    for row in rows:
        try:
            data = attachment_content(row, ctx.data_dir, ctx.dbname)
        except AttachmentUnreadable as exc:
            raise SkipMail(f"{exc}; left outgoing") from None
        if data is not None:
            attachments.append(data)
    return Prepared(mail, replace(content, attachments=tuple(attachments)))


_URL_SCHEMES = ("http://", "https://", "ftp://")


def _check_size(
    content: MailContent, rows: list[AttachmentRow], body: str, ctx: SendContext, route: Route
) -> None:
    """18+: record-owned attachments become download links above the size limit."""
    owned = [r for r in rows if r.res_model and r.res_id and r.res_model != "mail.message"]
    if not owned:
        return
    headers = prepared_headers(content)
    estimated = (
        len(json.dumps(headers, ensure_ascii=False).encode(errors="ignore"))
        + len(body.encode(errors="ignore"))
        + sum(r.file_size or 0 for r in rows) * 8 / 6
        + 10 * 1024
    )
    server = route.server
    limit_mb = server.max_email_size if server is not None and server.max_email_size else None
    if limit_mb is None:
        try:
            limit_mb = float(ctx.param("base.default_max_email_size") or "10")
        except ValueError:
            limit_mb = 10.0
    if estimated > limit_mb * 1024 * 1024:
        raise SkipMail(
            f"its attachments exceed {limit_mb:g} MB, so Odoo sends download links "
            f"instead, which only Odoo can render: {LEFT_TO_ODOO}",
            deferred=True,
        )
