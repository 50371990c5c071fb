"""Which SMTP server Odoo uses for a mail, and how it rewrites From and the envelope.

Pure functions following, per version, ``odoo/addons/base/models/ir_mail_server.py``:
``_find_mail_server``, ``_match_from_filter``, ``connect`` (server or odoo.conf settings)
and ``_prepare_email_message`` (From encapsulation, bounce address as envelope sender).
Sources: 16.0 ShaheenHossain/eagle_odoo_c16 @ 2371f5b, 17.0 GG-Hung/Ticket @ 211c5b7,
18.0 sajjatdev/odoo-docker @ 1e96389, 19.0 jnvdx6/skymedic-odoo @ 85dffc0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from console.domain.from_filter import match_from_filter
from console.domain.mailtools import (
    email_domain_extract,
    email_domain_normalize,
    email_normalize,
    email_normalize_all,
    email_split_and_format,
    encapsulate_email,
    extract_rfc2822_addresses,
)

# IrMailServer constants (identical strings in 16-19)
NO_VALID_RECIPIENT = (
    "At least one valid recipient address should be specified for outgoing emails (To/Cc/Bcc)"
)
NO_FOUND_FROM = (
    "You must either provide a sender address explicitly or configure using the combination "
    "of `mail.catchall.domain` and `mail.default.from` ICPs, in the server configuration "
    "file or with the --email-from startup parameter."
)
NO_FOUND_SMTP_FROM = "The Return-Path or From header is required for any outbound email"
NO_VALID_FROM = (
    "Malformed 'Return-Path' or 'From' address. It should contain one valid plain ASCII email"
)
# Authentication kinds only Odoo itself can use (tokens, client certificates).
UNSUPPORTED_AUTH = {
    "certificate": "authenticates with an SSL client certificate",
    "gmail": "authenticates with Gmail OAuth tokens",
    "outlook": "authenticates with Outlook OAuth tokens",
}


@dataclass(frozen=True, slots=True)
class MailServer:
    """One ``ir_mail_server`` row."""

    id: int
    name: str
    from_filter: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_authentication: str | None = "login"
    smtp_user: str | None = None
    smtp_pass: str | None = field(default=None, repr=False)
    smtp_encryption: str | None = "none"
    sequence: int | None = 10
    active: bool = True
    max_email_size: float | None = None  # MB, 18+


@dataclass(frozen=True, slots=True)
class ConfSmtp:
    """The SMTP options of odoo.conf (Odoo's defaults when there is no file)."""

    smtp_server: str | None = None
    smtp_port: int | None = None
    smtp_ssl: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    email_from: str | None = None
    from_filter: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to connect, as ``IrMailServer.connect`` decides it."""

    key: str  # "server:<id>" or "odoo.conf"
    label: str  # shown to the operator: the server name or "odoo.conf"
    host: str | None
    port: int
    encryption: str  # none | starttls | ssl (| starttls_strict | ssl_strict in 19)
    user: str | None
    password: str | None = field(repr=False)
    from_filter: str | None
    refusal: str | None = None  # Odoo's own connect() error (archived, no host)
    unsupported: str | None = None  # a mode only Odoo can use


@dataclass(frozen=True, slots=True)
class ServerChoice:
    """What ``_find_mail_server`` returns, and which of its steps decided."""

    server: MailServer | None  # None: odoo.conf's SMTP settings
    smtp_from: str | None
    why: str


FIRST_WITHOUT_FILTER = "first server by priority, no from_filter"
FIRST_WHATEVER = "first server by priority, although no from_filter matches"
NO_SERVER = "none: no active mail server, Odoo would use odoo.conf's smtp_server"


def find_mail_server(
    email_from: str | None,
    servers: Sequence[MailServer],
    *,
    version: int,
    notifications_email: str | None,
    default_from_filter: str | None,
) -> tuple[MailServer | None, str | None]:
    """``_find_mail_server``: (server or None for odoo.conf, the SMTP from to use)."""
    choice = choose_mail_server(
        email_from,
        servers,
        version=version,
        notifications_email=notifications_email,
        default_from_filter=default_from_filter,
    )
    return choice.server, choice.smtp_from


def choose_mail_server(
    email_from: str | None,
    servers: Sequence[MailServer],
    *,
    version: int,
    notifications_email: str | None,
    default_from_filter: str | None,
) -> ServerChoice:
    """``_find_mail_server``, saying which step chose (the one copy of the rule).

    ``notifications_email`` is what Odoo computes first: in 17+ the alias domain's
    ``default_from_email`` as is, else the normalized default from address; in 16 the
    normalized default from address.
    """
    active = [s for s in servers if s.active]
    email_from_normalized = email_normalize(email_from)
    email_from_domain = email_domain_extract(email_from_normalized)
    notifications_domain = email_domain_extract(notifications_email)

    def first_match(
        target: str | None, normalize: Callable[[str | None], str | None]
    ) -> MailServer | None:
        for server in active:
            if version <= 16:
                if normalize(server.from_filter) == target:
                    return server
            elif server.from_filter and any(
                normalize(part.strip()) == target for part in server.from_filter.split(",")
            ):
                return server
        return None

    def matched(on: str | None, what: str = "") -> str:
        return f"chosen by from_filter match on {on}{what}"

    if version <= 17 or email_from_normalized:
        if server := first_match(email_from_normalized, email_normalize):
            return ServerChoice(server, email_from, matched(email_from_normalized))
        if server := first_match(email_from_domain, email_domain_normalize):
            return ServerChoice(server, email_from, matched(email_from_domain))
    if notifications_email:  # Odoo then sends From the notifications address
        if server := first_match(notifications_email, email_normalize):
            why = matched(notifications_email, " (the notifications address)")
            return ServerChoice(server, notifications_email, why)
        if server := first_match(notifications_domain, email_domain_normalize):
            why = matched(notifications_domain, f" (from {notifications_email})")
            return ServerChoice(server, notifications_email, why)
    fallback_from = email_from if version <= 16 else (notifications_email or email_from)
    without_filter = [s for s in active if not s.from_filter]
    if without_filter:
        return ServerChoice(without_filter[0], fallback_from, FIRST_WITHOUT_FILTER)
    if active:
        return ServerChoice(active[0], fallback_from, FIRST_WHATEVER)
    if match_from_filter(email_from, default_from_filter, version):
        return ServerChoice(None, email_from, NO_SERVER)
    if notifications_email and match_from_filter(notifications_email, default_from_filter, version):
        return ServerChoice(None, notifications_email, NO_SERVER)
    return ServerChoice(None, fallback_from, NO_SERVER)


def resolve_endpoint(
    server: MailServer | None, conf: ConfSmtp, default_from_filter: str | None
) -> Endpoint:
    """The connection ``IrMailServer.connect`` opens for this server (None: odoo.conf)."""
    if server is not None and (server.smtp_authentication or "login") != "cli":
        unsupported = UNSUPPORTED_AUTH.get(server.smtp_authentication or "")
        encryption = server.smtp_encryption or "none"
        return Endpoint(
            key=f"server:{server.id}",
            label=server.name,
            host=server.smtp_host,
            port=server.smtp_port or (465 if encryption.startswith("ssl") else 25),
            encryption=encryption,
            user=server.smtp_user,
            password=server.smtp_pass,
            from_filter=server.from_filter,
            refusal=None if server.smtp_host else _MISSING_SERVER,
            unsupported=f"server {server.name!r} {unsupported}" if unsupported else None,
        )
    encryption = "starttls" if conf.smtp_ssl else "none"  # "smtp_ssl => STARTTLS as of v7"
    host = conf.smtp_server or "localhost"
    return Endpoint(
        key=f"server:{server.id}" if server is not None else "odoo.conf",
        label=server.name if server is not None else "odoo.conf",
        host=host,
        port=conf.smtp_port or 25,
        encryption=encryption,
        user=conf.smtp_user,
        password=conf.smtp_password,
        from_filter=server.from_filter if server is not None else default_from_filter,
    )


_MISSING_SERVER = (
    "Missing SMTP Server\nPlease define at least one SMTP server, "
    "or provide the SMTP parameters explicitly."
)


def archived_refusal(server: MailServer) -> str:
    """``connect(mail_server_id=...)`` on an archived server raises this UserError."""
    return f'The server "{server.name}" cannot be used because it is archived.'


@dataclass(frozen=True, slots=True)
class EnvelopeContext:
    """What ``_prepare_email_message`` reads besides the message itself."""

    version: int
    session_smtp_from: str | None  # connection.smtp_from, chosen per group
    session_from_filter: str | None  # connection.from_filter
    notifications_email: str | None  # ctx domain_notifications_email or default from (raw)
    domain_bounce_address: str | None  # 17+: ctx domain_bounce_address (alias domains)
    default_bounce_address: str | None  # _get_default_bounce_address()
    validated_to: tuple[str, ...] = ()  # 18+: ctx send_validated_to


def prepare_envelope(message: EmailMessage, ctx: EnvelopeContext) -> tuple[str, list[str]]:
    """Rewrite From like Odoo and return (envelope sender, envelope recipients).

    Raises ``AssertionError`` with Odoo's own arguments, as Odoo does.
    """
    version = ctx.version
    bounce_address = (
        (ctx.domain_bounce_address if version >= 17 else None)
        or message["Return-Path"]
        or ctx.default_bounce_address
        or message["From"]
    )
    smtp_from = message["From"] or bounce_address
    if not smtp_from:
        raise AssertionError(NO_FOUND_SMTP_FROM)
    smtp_to_list = _smtp_to_list(message, ctx)
    if version <= 18:
        del message["Bcc"]
    if not smtp_to_list:
        raise AssertionError(NO_VALID_RECIPIENT)
    _apply_forge_to(message, version)
    smtp_from = _rewrite_from(message, ctx, ctx.session_smtp_from or smtp_from)
    smtp_from = _envelope_sender(smtp_from, bounce_address, ctx.session_from_filter, version)
    return smtp_from, smtp_to_list


def _apply_forge_to(message: EmailMessage, version: int) -> None:
    """X-Forge-To replaces To (and, on 19, X-Msg-To-Add joins it)."""
    x_forge_to = message["X-Forge-To"]
    if x_forge_to and version <= 18:
        del message["X-Forge-To"]
        del message["To"]
        message["To"] = x_forge_to
    elif x_forge_to:
        message.replace_header("To", x_forge_to)
    elif version >= 19 and (x_msg_to_add := message["X-Msg-To-Add"]):
        _add_to_recipients(message, str(x_msg_to_add))


def _rewrite_from(message: EmailMessage, ctx: EnvelopeContext, smtp_from: str | None) -> str | None:
    """From as the session sends it: the notifications address may encapsulate the
    author's; the message's From header is set to match. Returns the sender so far."""
    version = ctx.version
    notifications_email = email_normalize(ctx.notifications_email)
    if version <= 17:
        rewrite = (
            bool(notifications_email)
            and smtp_from == notifications_email
            and (message["From"] != notifications_email)
        )
    else:
        rewrite = bool(notifications_email) and email_normalize(smtp_from) == notifications_email
        rewrite = rewrite and email_normalize(message["From"]) != notifications_email
    if rewrite and notifications_email:
        smtp_from = encapsulate_email(str(message["From"]), notifications_email)
    if message["From"] != smtp_from:
        if version <= 18:
            del message["From"]
            message["From"] = smtp_from
        else:
            message.replace_header("From", smtp_from)
    if version >= 19:
        for name in ("Bcc", "X-Forge-To", "X-Msg-To-Add", "X-Msg-To-Consolidate"):
            del message[name]
    return smtp_from


def _envelope_sender(
    smtp_from: str | None, bounce_address: str | None, from_filter: str | None, version: int
) -> str:
    """The bounce address when the server's from_filter allows it, as one plain address."""
    if match_from_filter(bounce_address, from_filter, version):
        smtp_from = bounce_address
    rfc2822 = extract_rfc2822_addresses(smtp_from)
    if not rfc2822:
        detail = (
            f"Malformed 'Return-Path' or 'From' address: {smtp_from} - "
            "It should contain one valid plain ASCII email"
        )
        if version <= 16:
            raise AssertionError(detail)
        raise AssertionError(NO_VALID_FROM, detail)
    return rfc2822[-1]


def _add_to_recipients(message: EmailMessage, x_msg_to_add: str) -> None:
    """19's ``_alter_message__``: the "virtual" recipients of ``X-Msg-To-Add`` (the other
    external partners notified and the addresses of the incoming mail, stored by
    ``_notify_by_email_get_base_mail_values``) are appended to the ``To`` header, so a
    reply-all reaches them; the envelope (computed before) is unchanged. The join is
    Odoo's: an addition already in ``To`` is skipped, and when all are, ``To`` keeps a
    trailing ", "."""
    to = str(message["To"] or "")
    to_normalized = email_normalize_all(to)
    added = ", ".join(
        address
        for address in email_split_and_format(x_msg_to_add)
        if email_normalize(address, strict=False) not in to_normalized
    )
    message.replace_header("To", ", ".join([to, added]))


def _smtp_to_list(message: EmailMessage, ctx: EnvelopeContext) -> list[str]:
    addresses: list[str] = []
    for base in (message["To"], message["Cc"], message["Bcc"]):
        found = extract_rfc2822_addresses(base)
        if ctx.version >= 18:
            found = list(dict.fromkeys(found))
        addresses.extend(a for a in found if a and (not ctx.validated_to or a in ctx.validated_to))
    return addresses
