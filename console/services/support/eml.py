"""Export a mail as .eml: the RFC 5322 messages Send now would hand to the SMTP server.

Nothing is rebuilt here: the mail is read by ``console.odoo.send_reads.read_content``
(attachments from the filestore or ``db_datas``), split by
``console.smtp.build.iter_outgoing`` (one message for To/Cc, one per recipient partner),
built by ``build_message`` and finished by ``prepare_envelope`` (From rewriting, Bcc
removal in 19), with the route and context Send now computes, then serialized like
``smtplib.send_message`` (``console.smtp.sender.flatten``, CRLF).

`open_export` reads and checks the mail; its messages are then built one at a time, so a
mail with 200,000 partners is written as it is built, never held whole. What one mail may
take is bounded (`ExportLimits`: the size of one message, the recipient partners read);
past a limit the export is refused with the limit and how to raise it. A message that
holds a secret the console knows (an SMTP or database password) is written with it masked.

Header injection: ``mail_mail.headers`` values are cleaned by ``parse_headers``; the
other header values (subject, addresses, references) are refused by Python's email
policy when they hold CR/LF, as Odoo's own build would. For an export such values are
flattened to one line (and the export says so); an encoded word that decodes to a line
break is refused when serialized (console.smtp.header_check); every serialized message
is parsed back and must carry exactly the headers that were set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from typing import Any

from console.backends.base import MailQueueBackend
from console.domain.errors import ConsoleError
from console.domain.secrets import SecretMask
from console.smtp.build import (
    MailContent,
    build_message,
    iter_outgoing,
    message_count,
    sender_address,
)
from console.smtp.deliver import envelope_context
from console.smtp.header_check import HeaderWriteError
from console.smtp.prepare import SkipMail, TooBig, TooManyRecipients
from console.smtp.routing import MAX_MESSAGE_MB, Route, SendContext
from console.smtp.sender import flatten
from console.smtp.server_choice import NO_VALID_RECIPIENT, prepare_envelope

ADMIN_UID = 2  # base.user_admin: whose company decides the default alias domain (17+)
MAX_RECIPIENTS = 1_000_000
MAX_HELD = 1000  # messages `build_export` keeps at once (the others stream)
_BREAKS = re.compile(r"[\r\n]+[ \t]*")
_HEADER_NAME = re.compile(rb"([\041-\071\073-\176]*):")  # email.feedparser's headerRE


@dataclass(frozen=True, slots=True)
class ExportLimits:
    """What one export may hold in memory (raised with --max-message-mb/--max-recipients)."""

    max_message_mb: float = MAX_MESSAGE_MB
    max_recipients: int = MAX_RECIPIENTS


class ExportRefused(ConsoleError):
    """The mail cannot be exported the way it would be sent (say why)."""


@dataclass(frozen=True, slots=True)
class ExportedMessage:
    """One SMTP message of the mail: what the recipient's server would receive."""

    message: EmailMessage
    data: bytes  # the serialized message (CRLF), as sent
    envelope_from: str | None
    envelope_to: tuple[str, ...]
    partner_id: int | None  # the recipient partner of this message, if any
    sendable: bool  # False: Odoo would skip it (no valid recipient)


@dataclass(frozen=True, slots=True)
class EmlExport:
    mail_id: int
    state: str | None
    messages: tuple[ExportedMessage, ...]
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        count = len(self.messages)
        text = f"Mail {self.mail_id}: {count} message{'s' if count != 1 else ''}"
        return text + "".join(f"; {note}" for note in self.notes)


@dataclass(slots=True)
class EmlSource:
    """A mail read and checked; `messages()` builds its messages one at a time."""

    mail_id: int
    state: str | None
    count: int  # how many messages it makes
    content: MailContent
    route: Route
    ctx: SendContext
    mask: SecretMask
    notes: list[str] = field(default_factory=list)  # completed by `messages()`
    holds_secret: bool = False  # checked once per mail: then every message is masked

    def messages(self, limit: int | None = None) -> Iterator[ExportedMessage]:
        """The messages in Odoo's order (the first `limit` only, when given)."""
        unsendable = 0
        for number, message in enumerate(_messages(self.content, self.route, self.ctx), 1):
            if not message.sendable:
                unsendable += 1
            yield _masked(message, self.mask, self.notes) if self.holds_secret else message
            if limit is not None and number >= limit:
                return
        if unsendable:
            self.notes.append(
                f"{unsendable} message(s) have no valid recipient: Odoo would not send them"
            )


def export_eml(backend: MailQueueBackend, mail_id: int, *, uid: int = ADMIN_UID) -> list[bytes]:
    """The .eml bytes of every message of this mail (small mails: tests)."""
    return [m.data for m in build_export(backend, mail_id, uid=uid).messages]


def build_export(backend: MailQueueBackend, mail_id: int, *, uid: int = ADMIN_UID) -> EmlExport:
    """Every message at once, for a mail of at most `MAX_HELD` messages (else refused:
    stream them with `open_export`)."""
    source = open_export(backend, mail_id, uid=uid)
    if source.count > MAX_HELD:
        raise ExportRefused(
            f"Mail {mail_id} makes {source.count:,} messages: they are written one at a time"
        )
    messages = tuple(source.messages())
    return EmlExport(mail_id, source.state, messages, tuple(source.notes))


def open_export(
    backend: MailQueueBackend,
    mail_id: int,
    *,
    uid: int = ADMIN_UID,
    limits: ExportLimits = ExportLimits(),
) -> EmlSource:
    """Read the mail (no lock, no write) and check it can be built as Send now would."""
    mask = backend.secret_mask()
    try:
        mail = backend.mail_as_sent(
            mail_id,
            uid=uid,
            max_message_mb=limits.max_message_mb,
            max_recipients=limits.max_recipients,
        )
    except TooBig as big:
        raise ExportRefused(
            f"Mail {mail_id}: each of its messages would be about "
            f"{big.estimated_mb:.0f} MB, over the export's limit of "
            f"{big.limit_mb:g} MB per message (each is built whole in memory); "
            f"--max-message-mb {_above(big.estimated_mb)} raises it"
        ) from None
    except TooManyRecipients as many:
        raise ExportRefused(
            f"Mail {mail_id} has more than {many.limit:,} recipient partners, the "
            "most the export reads into memory; --max-recipients N raises it"
        ) from None
    except SkipMail as skip:
        raise ExportRefused(
            f"Mail {mail_id} cannot be exported as it would be sent: {skip}"
        ) from None
    if mail is None:
        raise ConsoleError(f"There is no mail with id {mail_id}")
    route, ctx = mail.route, mail.context
    content, notes = _one_line_headers(mail.prepared.content)
    count = message_count(content)
    if not count:
        notes.append("no message: the mail has no recipient at all")
    source = EmlSource(mail_id, mail.state, count, content, route, ctx, mask, notes)
    source.holds_secret = _holds_secret(content, mask)
    return source


def _holds_secret(content: MailContent, mask: SecretMask) -> bool:
    """Whether a secret the console knows is in what the messages are made of (looked
    for once per mail: the messages differ only by their recipient)."""
    fields = [
        content.subject,
        content.email_from,
        content.email_to,
        content.email_cc,
        content.reply_to,
        content.message_id,
        content.references,
        content.body_html,
        *(str(value) for value in content.headers.values()),
        *(f"{r.name}\n{r.email}" for r in content.recipients),
        *(a.name for a in content.attachments),
    ]
    text = "\n".join(f for f in fields if f)
    return mask.holds(text) or any(mask.leaks(a.content) for a in content.attachments)


def _above(needed_mb: float) -> int:
    """A round limit above what is needed."""
    return int(-(-needed_mb * 1.2 // 10) * 10)


def _one_line_headers(content: MailContent) -> tuple[MailContent, list[str]]:
    """Values Odoo puts into headers as they are (subject, Reply-To, Message-Id,
    References, partner names) with a line break would make Odoo's build fail the mail;
    the export flattens them to one line and says so. Address lists (To, Cc, From) are
    split into addresses first, like Odoo does, so a line break there cannot survive."""
    notes: list[str] = []
    changes: dict[str, Any] = {}
    for name in ("subject", "reply_to", "message_id", "references"):
        value = getattr(content, name)
        if isinstance(value, str) and _has_break(value):
            changes[name] = _flat(value)
            notes.append(f"{name} contains a line break: Odoo fails such a mail; flattened")
    if any(_has_break(r.name or "") for r in content.recipients):
        changes["recipients"] = tuple(
            replace(r, name=_flat(r.name)) if r.name else r for r in content.recipients
        )
        notes.append("a recipient name contains a line break: Odoo fails such a mail; flattened")
    return (replace(content, **changes) if changes else content), notes


def _has_break(value: str) -> bool:
    return "\r" in value or "\n" in value


def _flat(value: str) -> str:
    return _BREAKS.sub(" ", value).strip()


def _messages(content: MailContent, route: Route, ctx: SendContext) -> Iterator[ExportedMessage]:
    """``deliver`` without the SMTP part (see console.smtp.deliver), one at a time."""
    version = content.version
    email_from = sender_address(content)
    for spec in iter_outgoing(content):
        # Odoo's `except Exception` around each mail fails it on any of these errors
        # (Python's address parser raises IndexError on a lone '"', the email policy
        # ValueError on a line break, header_check HeaderWriteError): refuse, never write.
        try:
            message = build_message(content, spec, email_from)
        except (AssertionError, ValueError) as error:
            raise ExportRefused(f"Mail {content.mail_id}: Odoo would fail it: {error}") from None
        except Exception as error:
            raise _would_fail(content, error) from None
        envelope = envelope_context(version, spec, route, ctx)
        sendable = True
        smtp_from: str | None = None
        smtp_to: list[str] = []
        try:
            smtp_from, smtp_to = prepare_envelope(message, envelope)
        except AssertionError as error:
            if str(error) != NO_VALID_RECIPIENT:
                raise ExportRefused(
                    f"Mail {content.mail_id}: Odoo would fail it: {error.args[-1]}"
                ) from None
            sendable = False
        except Exception as error:
            raise _would_fail(content, error) from None
        try:
            data = serialize(message, [smtp_from or "", *smtp_to])
        except HeaderWriteError as error:  # a line break that would reach a header
            raise _would_fail(content, error) from None
        yield ExportedMessage(message, data, smtp_from, tuple(smtp_to), spec.partner_id, sendable)


def _masked(exported: ExportedMessage, mask: SecretMask, notes: list[str]) -> ExportedMessage:
    """The message with the secrets the console knows masked (headers and text parts);
    refused if one is still there (in an attachment)."""
    from console.services.support.redact import mask_message

    message = mask_message(exported.message, mask)
    data = serialize(message, [exported.envelope_from or "", *exported.envelope_to])
    if mask.leaks(data):
        raise ExportRefused(
            "An attachment of this mail holds a password the console knows: not exported"
        )
    note = "a password the console knows was masked in it: the message differs from the sent one"
    if note not in notes:
        notes.append(note)
    return replace(exported, message=message, data=data)


def _would_fail(content: MailContent, error: Exception) -> ExportRefused:
    return ExportRefused(
        f"Mail {content.mail_id}: Odoo would fail it: {type(error).__name__}: {error}"
    )


def serialize(message: EmailMessage, addresses: list[str]) -> bytes:
    """``smtplib.send_message``'s bytes (SMTPUTF8 when an address needs it), checked."""
    try:
        "".join(addresses).encode("ascii")
        international = False
    except UnicodeEncodeError:
        international = True
    data = flatten(message, international)
    check_headers(message, data)
    return data


def header_names(data: bytes) -> list[str]:
    """The names of the top-level headers, read as ``email.parser`` reads them (a line
    that is neither a header nor its continuation ends the header block); the body is
    not read."""
    names: list[str] = []
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            continue
        match = _HEADER_NAME.match(line)
        if match is None:
            break
        names.append(match.group(1).decode("ascii").lower())
    return names


def check_headers(message: EmailMessage, data: bytes) -> None:
    """The serialized header block must hold exactly the headers set: no injection."""
    expected = [k.lower() for k in message if k.lower() not in ("bcc", "resent-bcc")]
    found = header_names(data)
    if found != expected:
        raise ExportRefused(
            "The serialized message does not have the headers that were set "
            f"({', '.join(found)}): refusing to write it"
        )
