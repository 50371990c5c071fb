"""Export a mail as .eml: the RFC 5322 messages Send now would hand to the SMTP server.

Nothing is rebuilt here: the mail is read by ``console.smtp.prepare.prepare_content``
(attachments from the filestore or ``db_datas``), split by
``console.smtp.build.outgoing_list`` (one message for To/Cc, one per recipient partner),
built by ``build_message`` and finished by ``prepare_envelope`` (From rewriting, Bcc
removal in 19), with the route and context Send now computes, then serialized like
``smtplib.send_message`` (``console.smtp.sender.flatten``, CRLF).

Header injection: ``mail_mail.headers`` values are cleaned by ``parse_headers``; the
other header values (subject, addresses, references) are refused by Python's email
policy when they hold CR/LF, as Odoo's own build would. For an export such values are
flattened to one line (and the export says so); an encoded word that decodes to a line
break is refused when serialized (console.smtp.header_check); every serialized message
is parsed back and must carry exactly the headers that were set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import compat32
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from console.backends.errors import query_error
from console.backends.sql import SqlBackend
from console.errors import ConsoleError
from console.smtp import store
from console.smtp.build import MailContent, build_message, outgoing_list, sender_address
from console.smtp.deliver import envelope_context
from console.smtp.header_check import HeaderWriteError
from console.smtp.prepare import SkipMail, prepare_content
from console.smtp.routing import Route, SendContext
from console.smtp.sender import flatten
from console.smtp.server_choice import NO_VALID_RECIPIENT, prepare_envelope

ADMIN_UID = 2  # base.user_admin: whose company decides the default alias domain (17+)
_BREAKS = re.compile(r"[\r\n]+[ \t]*")


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


def export_eml(backend: SqlBackend, mail_id: int, *, uid: int = ADMIN_UID) -> list[bytes]:
    """The .eml bytes of every message of this mail (for the TUI's `e`)."""
    return [m.data for m in build_export(backend, mail_id, uid=uid).messages]


def build_export(backend: SqlBackend, mail_id: int, *, uid: int = ADMIN_UID) -> EmlExport:
    """Read the mail (no lock, no write) and build its messages as Send now would."""
    from console.smtp.context import send_context

    schema = backend.schema
    try:
        with backend.engine.connect() as conn:
            plan = store.plan_rows(conn, schema, [mail_id]).get(mail_id)
            if plan is None:
                raise ConsoleError(f"There is no mail with id {mail_id}")
            ctx = send_context(backend, store.load_settings(conn, schema, uid))
            route = ctx.route(plan)
            try:
                prepared = prepare_content(conn, schema, ctx, mail_id, route)
            except SkipMail as skip:
                raise ExportRefused(
                    f"Mail {mail_id} cannot be exported as it would be sent: {skip}"
                ) from None
    except SQLAlchemyError as exc:
        raise query_error(exc, backend.target.url) from None
    content, notes = _one_line_headers(prepared.content)
    messages = _messages(content, route, ctx)
    if not messages:
        notes.append("no message: the mail has no recipient at all")
    skipped = sum(1 for m in messages if not m.sendable)
    if skipped:
        notes.append(f"{skipped} message(s) have no valid recipient: Odoo would not send them")
    return EmlExport(mail_id, plan.state, tuple(messages), tuple(notes))


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


def _messages(content: MailContent, route: Route, ctx: SendContext) -> list[ExportedMessage]:
    """``deliver`` without the SMTP part (see console.smtp.deliver)."""
    version = content.version
    email_from = sender_address(content)
    result: list[ExportedMessage] = []
    for spec in outgoing_list(content):
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
        result.append(
            ExportedMessage(message, data, smtp_from, tuple(smtp_to), spec.partner_id, sendable)
        )
    return result


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


def check_headers(message: EmailMessage, data: bytes) -> None:
    """The serialized header block must hold exactly the headers set: no injection."""
    parsed = message_from_bytes(data, policy=compat32)
    expected = [k.lower() for k in message if k.lower() not in ("bcc", "resent-bcc")]
    found = [k.lower() for k in parsed]
    if found != expected:
        raise ExportRefused(
            "The serialized message does not have the headers that were set "
            f"({', '.join(found)}): refusing to write it"
        )
