"""Failures from the catalogue, stored exactly as Odoo's code stores them (docs/odoo-queue.md).

The providers' wording is kept, but every host, address and IP in it is a reserved name
(``.example``, TEST-NET-3): the real texts, real hosts included, are in tests/data.

Three shapes reach ``mail_mail.failure_reason``:

* ``connect``: ``ir.mail_server.connect()`` raised (login refused, TLS mismatch, nothing
  listening, 421 greeting). The exception is written as its args joined by newlines
  (``exception_to_unicode``); ``mail_mail.failure_type`` stays NULL; the notifications get
  ``exception`` / ``mail_smtp`` with no reason.
* ``wrapped``: ``send_email`` failed on an SMTP reply and raised
  ``MailDeliveryException("Mail Delivery Failed", "Mail delivery failed via SMTP server
  'None'.\\n<Class>: <exc>")``; 17+ stores ``failure_type='unknown'`` on the mail, 16 leaves
  it NULL; notifications get ``unknown`` with the same reason.
* ``recipients``: no recipient had a valid address; the mail keeps the placeholder reason
  written before sending, and notifications get ``mail_email_invalid``/``mail_email_missing``.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

from sample_db.vocab import BOUNCE, DOMAIN, NOTIFICATIONS

PLACEHOLDER = (
    "Error without exception. Probably due to sending an email without computed recipients."
)
CONCURRENT = (
    "Error without exception. Probably due to concurrent access update of notification "
    "records. Please see with an administrator."
)


@dataclass(frozen=True, slots=True)
class Failure:
    family: str  # catalogue family, e.g. "auth", "relay", "placeholder"
    kind: str  # "connect" | "wrapped" | "recipients" | "raw"
    reason: str  # mail_mail.failure_reason
    notif_type: str  # mail_notification.failure_type
    notif_reason: str | None  # mail_notification.failure_reason

    def mail_failure_type(self, version: int) -> str | None:
        if self.kind == "wrapped" and version >= 17:
            return "unknown"
        return None

    @property
    def trace_failure_type(self) -> str:
        return self.notif_type


def _connect(family: str, exc: BaseException) -> Failure:
    reason = "\n".join(str(arg) for arg in exc.args)
    return Failure(family, "connect", reason, "mail_smtp", None)


def _wrapped(family: str, exc: BaseException) -> Failure:
    reason = (
        "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"
        f"{type(exc).__name__}: {exc}"
    )
    return Failure(family, "wrapped", reason, "unknown", reason)


def recipients_failure(missing: bool) -> Failure:
    notif_type = "mail_email_missing" if missing else "mail_email_invalid"
    return Failure("placeholder", "recipients", PLACEHOLDER, notif_type, None)


# A session dropped mid-batch (SMTPServerDisconnected re-raised by _send): the mail keeps
# the pre-send placeholder and its notifications the "concurrent access" placeholder.
DISCONNECTED_RAW = Failure("placeholder", "raw", PLACEHOLDER, "unknown", CONCURRENT)

BREVO_AUTH = _connect("auth", smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication failed"))
SSL_MISMATCH = _connect(
    "ssl", ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)")
)
REFUSED = _connect("refused", ConnectionRefusedError(111, "Connection refused"))
THROTTLED = _connect(
    "throttling",
    smtplib.SMTPConnectError(421, b"4.7.0 Too many connections from your IP, try again later"),
)
SEND_AS_DENIED = _wrapped(
    "sender_identity",
    smtplib.SMTPDataError(
        550,
        b"5.7.60 SMTP; Client does not have permissions to send as this sender. "
        b"[PR3P193MB0812.EURP193.PROD.OUTLOOK.EXAMPLE 2026-11-26T09:12:44.512Z 08DD0E0A1B2C3D4E]",
    ),
)
M365_NOT_AUTHENTICATED = _wrapped(
    "m365_auth",
    smtplib.SMTPSenderRefused(
        530,
        b"5.7.57 Client not authenticated to send mail. "
        b"[AM0PR02CA0123.eurprd02.prod.outlook.example 2026-11-25T14:02:11.000Z 08DD0F1A2B3C4D5E]",
        NOTIFICATIONS,
    ),
)
TOO_MANY_RECIPIENTS = _wrapped(
    "too_many_recipients", smtplib.SMTPDataError(452, b"4.5.3 Too many recipients")
)
DISCONNECTED = _wrapped(
    "disconnected", smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
)


def relay_denied(email: str) -> Failure:
    return _wrapped(
        "relay",
        smtplib.SMTPRecipientsRefused(
            {email: (554, f"5.7.1 <{email}>: Relay access denied".encode())}
        ),
    )


SENDER_NOT_OWNED = _wrapped(
    "relay",
    smtplib.SMTPSenderRefused(
        553,
        f"5.7.1 <{BOUNCE}>: Sender address rejected: "
        f"not owned by user claire.dubois@{DOMAIN}".encode(),
        BOUNCE,
    ),
)


def user_unknown(email: str) -> Failure:
    return _wrapped(
        "user_unknown",
        smtplib.SMTPRecipientsRefused(
            {
                email: (
                    550,
                    f"5.1.1 <{email}>: Recipient address rejected: "
                    "User unknown in virtual mailbox table".encode(),
                )
            }
        ),
    )


# DSN texts of bounces that came back through bounce@ (notification/trace 'bounce').
BOUNCE_UNAUTHENTICATED = (
    "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender "
    "and Gmail users, and has been blocked. The sender must authenticate with at least one "
    "of SPF or DKIM. For this message, DKIM checks did not pass and SPF check for "
    f"[{DOMAIN}] did not pass with ip: [203.0.113.21]."
)
BOUNCE_MAILBOX_FULL = "552 5.2.2 The email account that you tried to reach is over quota."
