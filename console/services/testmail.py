"""A real test mail, end to end, through the server Odoo would choose for its From.

The server and the session's SMTP from come from the rule Send now routes with
(``SendContext.route``: ``_find_mail_server`` over today's servers and parameters, as the
queue's cron user sees them); the From header and the envelope sender are rewritten by
``prepare_envelope`` as Odoo's ``_prepare_email_message`` would (from_filter,
``mail.default.from`` / the alias domain's default From, the bounce address). The SMTP
session is the probe's (console.services.probe): every command and reply is kept, the
credentials masked, and a failure classified as the probe classifies it.

Nothing is written to Odoo's tables: the mail exists only in this process. A session
opened read-only may send one (it writes nothing to the database); the TUI asks first.
Refused on the bundled sample while its servers are the fictitious ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from console.backends.base import MailQueueBackend
from console.domain.actions import SUPERUSER_ID
from console.domain.errors import UsageError
from console.domain.mailtools import email_domain_extract, email_normalize
from console.domain.secrets import Credential, SecretMask
from console.services.probe import DEFAULT_TIMEOUT, endpoint_target, probe_target
from console.services.probe_results import Delivery, ProbeResult, ProbeTarget
from console.smtp.routing import Route, SendContext
from console.smtp.rows import PlanRow
from console.smtp.server_choice import ConfSmtp, EnvelopeContext, MailServer, prepare_envelope

SUBJECT = "Test mail from odoo-mailq"
TEST_MAIL = "A test mail"


@dataclass(frozen=True, slots=True)
class TestMailPlan:
    """What will be sent, where, and why there."""

    __test__ = False  # not a pytest class

    target: ProbeTarget
    why: str  # which of Odoo's rules chose the server
    requested_from: str  # the From asked for (or the default From)
    header_from: str  # the From as Odoo rewrites it
    envelope_from: str  # MAIL FROM
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    message: bytes

    @property
    def rewritten(self) -> bool:
        return self.header_from != self.requested_from


@dataclass(frozen=True, slots=True)
class TestMailResult:
    __test__ = False

    plan: TestMailPlan
    probe: ProbeResult

    @property
    def delivered(self) -> bool:
        return any(s.name == "data" and s.ok for s in self.probe.steps)


def plan_test_mail(
    backend: MailQueueBackend,
    to: str,
    *,
    sender: str | None = None,
    server: str | None = None,
) -> TestMailPlan:
    """Choose the server and build the message as Odoo would; UsageError when it cannot."""
    recipient = email_normalize(to)
    if not recipient:
        raise UsageError(f"Not an e-mail address: {to!r}")
    settings, conf_file = backend.mail_settings(SUPERUSER_ID)
    info = backend.info
    context = SendContext(info.odoo_version, settings, conf_file or ConfSmtp(), "", info.name)
    from_address = sender or context.default_from_address()
    if not from_address or not email_normalize(from_address):
        raise UsageError(
            "No From address: give --from, or configure Odoo's default From "
            "(mail.default.from, the alias domain, or odoo.conf email_from)"
        )
    chosen = _named_server(settings.servers, server) if server else None
    route = context.route(
        PlanRow(0, "outgoing", None, from_address, chosen.id if chosen else None, None)
    )
    message = _message(from_address, recipient, info.name, context.return_path(None))
    envelope_ctx = _envelope_context(context, route, recipient)
    try:
        envelope_from, recipients = prepare_envelope(message, envelope_ctx)
    except AssertionError as exc:
        raise UsageError(f"Odoo would refuse this mail: {' '.join(map(str, exc.args))}") from None
    domain = email_domain_extract(email_normalize(str(message["From"])))
    message.replace_header("Message-Id", make_msgid(domain=domain or "odoo-mailq.local"))
    label = route.endpoint.label
    if route.server is None:
        label = "odoo.conf" if conf_file is not None else "odoo.conf defaults (no -c given)"
    why = "chosen with --server" if chosen else route.why
    return TestMailPlan(
        target=endpoint_target(route.endpoint, label),
        why=why,
        requested_from=from_address,
        header_from=str(message["From"]),
        envelope_from=envelope_from,
        recipients=tuple(recipients),
        subject=str(message["Subject"]),
        message_id=str(message["Message-Id"]),
        message=message.as_bytes(),
    )


def _named_server(servers: tuple[MailServer, ...], wanted: str) -> MailServer:
    for server in servers:
        if wanted in (server.name, str(server.id)):
            return server
    names = ", ".join(repr(s.name) for s in servers) or "none"
    raise UsageError(f"No outgoing server named {wanted!r} (the servers: {names})")


def _message(sender: str, to: str, dbname: str, return_path: str | None) -> EmailMessage:
    message = EmailMessage()
    message["Message-Id"] = make_msgid(domain="odoo-mailq.local")  # then the From's domain
    message["Date"] = formatdate(usegmt=True)
    message["Subject"] = f"{SUBJECT} ({dbname})"
    message["From"] = sender
    message["To"] = to
    if return_path:
        message["Return-Path"] = return_path
    message["X-Mailer"] = "odoo-mailq test-mail"
    message.set_content(
        f"This is a test mail sent by odoo-mailq for the Odoo database {dbname}, through "
        "the outgoing server Odoo would choose for its From address.\n\n"
        "Nothing was written to the database: Odoo does not know about this mail.\n"
    )
    return message


def _envelope_context(context: SendContext, route: Route, recipient: str) -> EnvelopeContext:
    """As Send now gives ``_prepare_email_message`` (console.smtp.deliver), for a mail
    without an alias domain of its own."""
    version = context.version
    return EnvelopeContext(
        version=version,
        session_smtp_from=route.smtp_from,
        session_from_filter=route.endpoint.from_filter,
        notifications_email=context.notifications_email(route.alias),
        domain_bounce_address=None,
        default_bounce_address=context.default_bounce_address(),
        validated_to=(recipient,) if version >= 18 else (),
    )


def run_test_mail(
    plan: TestMailPlan, mask: SecretMask, timeout: float = DEFAULT_TIMEOUT
) -> TestMailResult:
    """Send the planned mail (blocking: its own event loop)."""
    return asyncio.run(deliver_test_mail(plan, mask, timeout))


async def deliver_test_mail(
    plan: TestMailPlan, mask: SecretMask, timeout: float = DEFAULT_TIMEOUT
) -> TestMailResult:
    """Send the planned mail in the caller's event loop; never raises."""
    target = plan.target
    if target.password:
        mask = mask.with_credentials([Credential(target.password, target.user)])
    delivery = Delivery(
        plan.envelope_from,
        plan.recipients,
        plan.message,
        f"{len(plan.message)} bytes, Subject: {plan.subject}",
    )
    result = await probe_target(target, timeout=timeout, mask=mask, delivery=delivery)
    return TestMailResult(plan, result)


def send_test_mail(
    backend: MailQueueBackend,
    to: str,
    *,
    sender: str | None = None,
    server: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> TestMailResult:
    """Refuse on the sample's fictitious servers, plan, then send (blocking)."""
    from console.services.sample_guard import refuse_fictitious_servers

    if not email_normalize(to):
        raise UsageError(f"Not an e-mail address: {to!r}")
    refuse_fictitious_servers(backend, TEST_MAIL)
    plan = plan_test_mail(backend, to, sender=sender, server=server)
    return run_test_mail(plan, backend.secret_mask(), timeout)
