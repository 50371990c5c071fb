"""The SMTP part of ``mail.mail._send`` for one mail: its messages, one after the other,
on an open session, and the outcome Odoo would record (docs/odoo-queue.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from console.smtp.build import (
    EmailSpec,
    MailContent,
    build_message,
    iter_outgoing,
    sender_address,
)
from console.smtp.reasons import send_failure, text_of
from console.smtp.routing import Route, SendContext
from console.smtp.sender import SmtpFailure, SmtpSession
from console.smtp.server_choice import NO_VALID_RECIPIENT, EnvelopeContext, prepare_envelope

OutcomeKind = Literal["sent", "none", "failed", "dropped"]


@dataclass(slots=True)
class Outcome:
    """What happened to one mail on the SMTP side.

    sent: at least one message accepted (``res``); none: no message could be sent
    because no recipient was valid; failed: an exception Odoo records; dropped: the
    server closed the session (Odoo re-raises SMTPServerDisconnected and writes nothing
    more: the mail keeps its pre-send placeholder).
    """

    kind: OutcomeKind
    message_id: str | None = None
    success_pids: list[int] = field(default_factory=list)
    success_emails: list[str] = field(default_factory=list)
    failure_type: str | None = None
    failure_reason: str | None = None
    detail: str | None = None  # the SMTP error behind a drop, for the operator
    # A message was transmitted but no clear answer came back (console.smtp.sender).
    maybe_delivered: bool = False

    @property
    def reached_server(self) -> bool:
        """The server may hold a message of this mail (accepted, or outcome unknown)."""
        return bool(
            self.kind == "sent" or self.success_pids or self.success_emails or self.maybe_delivered
        )


class _DeliveryError(Exception):
    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


async def deliver(
    session: SmtpSession, content: MailContent, route: Route, ctx: SendContext
) -> Outcome:
    version = content.version
    outcome = Outcome("none")
    res: str | None = None
    try:
        email_from = sender_address(content)
        for spec in iter_outgoing(content):
            message = build_message(content, spec, email_from)
            envelope = envelope_context(version, spec, route, ctx)
            try:
                smtp_from, smtp_to = prepare_envelope(message, envelope)
            except AssertionError as error:
                if str(error) != NO_VALID_RECIPIENT:
                    raise
                if not spec.email_to and outcome.failure_type != "mail_email_invalid":
                    outcome.failure_type = "mail_email_missing"
                else:
                    outcome.failure_type = "mail_email_invalid"
                if version >= 19:
                    outcome.failure_reason = text_of(error, version)
                continue
            try:
                await session.send(smtp_from, smtp_to, message)
            except SmtpFailure as failure:
                outcome.maybe_delivered = outcome.maybe_delivered or failure.maybe_delivered
                if failure.disconnected:
                    outcome.kind = "dropped"
                    outcome.detail = text_of(failure.odoo_error, version)
                    return outcome
                raise _DeliveryError(failure.odoo_error) from None
            res = str(message["Message-Id"])
            if spec.partner_id is not None:
                outcome.success_pids.append(spec.partner_id)
            else:
                outcome.success_emails.extend(spec.email_to)
    except _DeliveryError as delivery:
        return _failed(outcome, delivery.error, version, delivery=True)
    except Exception as exc:  # Odoo's `except Exception` around one mail
        return _failed(outcome, exc, version, delivery=False)
    if res:
        outcome.kind = "sent"
        outcome.message_id = res
    return outcome


def _failed(outcome: Outcome, exc: BaseException, version: int, *, delivery: bool) -> Outcome:
    reason, failure_type = send_failure(
        exc,
        version,
        delivery=delivery,
        failure_type=outcome.failure_type,
        failure_reason=outcome.failure_reason if version >= 19 else None,
    )
    outcome.kind = "failed"
    outcome.failure_reason = reason
    outcome.failure_type = failure_type
    return outcome


def envelope_context(
    version: int, spec: EmailSpec, route: Route, ctx: SendContext
) -> EnvelopeContext:
    """What `_prepare_email_message` needs to pick the envelope sender (docs/odoo-queue.md)."""
    domain_bounce = None
    if version >= 17 and route.alias is not None:
        domain_bounce = spec.headers.get("Return-Path") or route.alias.bounce_email
    return EnvelopeContext(
        version=version,
        session_smtp_from=route.smtp_from,
        session_from_filter=route.endpoint.from_filter,
        notifications_email=ctx.notifications_email(route.alias),
        domain_bounce_address=domain_bounce,
        default_bounce_address=ctx.default_bounce_address(),
        validated_to=tuple(spec.email_to_normalized) if version >= 18 else (),
    )
