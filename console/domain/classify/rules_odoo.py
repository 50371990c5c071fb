"""Odoo's own failure texts (source of mail_mail.py and ir_mail_server.py, 16-19, with the
translations of the placeholders) and the failure types Odoo stores without a text."""

from __future__ import annotations

from console.domain.classify.model import CONFIGURATION, PERMANENT, TRANSIENT
from console.domain.classify.parse import Parsed
from console.domain.classify.rule import RETRY_BATCH, RETRY_GROUP, Rule, any_of, exc, has, has_re

# The placeholder _send writes before talking to SMTP, in English and translated (17 .po).
_CONCURRENT = (
    "concurrent access update of notification",
    "mise à jour simultanée de l'accès des enregistrements de notification",
    "actualización de acceso concurrente de los registros de notificación",
    "gleichzeitigen zugriff auf die aktualisierung der benachrichtigungsdaten",
)
_NO_RECIPIENTS = (
    "without computed recipients",
    "sans destinataires calculés",
    "sin los recipientes procesados",
    "keine empfänger eingetragen",
)


def _placeholder_recipients(p: Parsed) -> bool:
    if any(n in p.low for n in _CONCURRENT):
        return False
    return "error without exception" in p.low or any(n in p.low for n in _NO_RECIPIENTS)


_SERVER_FIX = (
    "Configure or unarchive an outgoing mail server (Settings > Technical > Outgoing Mail "
    "Servers); " + RETRY_GROUP
)

ODOO_RULES: tuple[Rule, ...] = (
    Rule(
        "session_interrupted",
        TRANSIENT,
        "sending interrupted",
        "The send was cut off mid-batch (SMTP session dropped or a database error); Odoo left "
        "its pre-send placeholder",
        "Usually transient: retry; if it repeats, probe the server and read the Odoo log",
        has(*_CONCURRENT),
        canonical="Odoo error without exception (interrupted send)",
    ),
    Rule(
        "send_cut_off",
        TRANSIENT,
        "cut off / no recipient",
        "Odoo's pre-send placeholder stayed: the send was cut off before Odoo wrote its "
        "outcome (the SMTP session closed mid-batch, e.g. by a 421, or Odoo stopped), or, on "
        "16-18, no recipient had a valid address (19 says that one with 'missing e-mail')",
        "Look at the mail's recipients (the detail): with a valid address, retry (it was cut "
        "off); without one, fix the addresses first, or a retry fails again",
        _placeholder_recipients,
        canonical="Odoo error without exception (placeholder kept)",
    ),
    Rule(
        "no_recipient",
        PERMANENT,
        "no valid recipient",
        "Odoo found no valid To/Cc/Bcc address for this mail",
        "Fix the recipients' e-mail addresses on the partners; retrying as-is fails again",
        has("at least one valid recipient address should be specified"),
        canonical="Odoo no valid recipient",
    ),
    Rule(
        "no_recipient",
        PERMANENT,
        "no recipient sent",
        "The SMTP envelope had no recipient at all (smtplib refused an empty list)",
        "Fix the recipients' e-mail addresses on the partners; retrying as-is fails again",
        has_re(r"smtprecipientsrefused:\s*\{\s*\}"),
        canonical="SMTPRecipientsRefused {} (no recipient in the envelope)",
    ),
    Rule(
        "from_invalid",
        CONFIGURATION,
        "invalid From address",
        "The From or Return-Path address is not one valid plain-ASCII e-mail address",
        "Fix the author's e-mail, mail.default.from / the alias domain's default From; "
        + RETRY_GROUP,
        has("malformed 'return-path' or 'from' address", "malformed return-path or from"),
        canonical="Odoo malformed From or Return-Path",
    ),
    Rule(
        "from_missing",
        CONFIGURATION,
        "no From address",
        "Odoo could not find any sender address for this mail",
        "Set a default From (alias domain default From in 17+, mail.default.from + "
        "mail.catchall.domain in 16, or email_from in odoo.conf); " + RETRY_GROUP,
        has("you must either provide a sender address", "return-path or from header is required"),
        canonical="Odoo no From address",
    ),
    Rule(
        "no_server",
        CONFIGURATION,
        "no outgoing server",
        "Odoo had no outgoing mail server to use (none defined and no smtp_server in odoo.conf)",
        _SERVER_FIX,
        has("missing smtp server"),
        canonical="Odoo missing SMTP server",
    ),
    Rule(
        "no_server",
        CONFIGURATION,
        "outgoing server archived",
        "The mail is bound to an outgoing mail server that is archived",
        _SERVER_FIX,
        has("cannot be used because it is archived"),
        canonical="Odoo archived SMTP server",
    ),
    Rule(
        "personal_server",
        CONFIGURATION,
        "personal server refused",
        "The mail is forced on a user's personal outgoing server it may not use (another From, "
        "archived, or no longer that user's server)",
        "Send it through a shared outgoing server, or fix the user's personal server in their "
        "preferences; " + RETRY_GROUP,
        has("cannot be forced as"),
        canonical="Odoo personal mail server refused",
    ),
    Rule(
        "client_certificate",
        CONFIGURATION,
        "client certificate invalid",
        "The SSL certificate or private key set on the outgoing server cannot be loaded",
        "Upload a PEM certificate with its matching private key on the outgoing server (or log "
        "in with a username); " + RETRY_BATCH,
        has(
            "the private key or the certificate is not a valid file",
            "could not load your certificate",
        ),
        canonical="Odoo SMTP client certificate unusable",
    ),
    Rule(
        "oauth",
        CONFIGURATION,
        "OAuth token refused",
        "Odoo could not get an OAuth access token for the Gmail/Outlook outgoing server",
        "Reconnect the account on the outgoing server (Connect your Gmail/Outlook account) and "
        "check the client id and secret in Settings; " + RETRY_BATCH,
        has(
            "error occurred when fetching the access token",
            "connect with your outlook account",
            "connect with your gmail account",
            "we could not authenticate you",
            "don't have an active subscription",
        ),
    ),
    Rule(
        "encoding",
        PERMANENT,
        "non-ASCII address/header",
        "A character outside ASCII in an address, a name or a header could not be encoded",
        "Correct the accented address or name (partner e-mail, author, From) or use a server "
        "that offers SMTPUTF8; then retry this mail",
        any_of(
            exc("UnicodeEncodeError", "UnicodeDecodeError"),
            has("codec can't encode", "ordinal not in range"),
        ),
        canonical="UnicodeEncodeError (a character SMTP could not encode)",
    ),
)


def _always(p: Parsed) -> bool:
    return True


TYPE_RULES: dict[str, Rule] = {
    "mail_email_invalid": Rule(
        "invalid_address",
        PERMANENT,
        "invalid e-mail address",
        "A recipient's e-mail address is not valid (a partner's e-mail, or the mail's To)",
        "Correct the address (on the partner, or the mail's To); retrying as-is fails again",
        _always,
    ),
    "mail_email_missing": Rule(
        "missing_address",
        PERMANENT,
        "no usable e-mail address",
        "No recipient had a usable address: none at all, or only invalid ones (Odoo 19 "
        "files an invalid To without a partner under 'missing')",
        "Give the mail a valid recipient (the partner's e-mail, or the mail's To); retrying "
        "as-is fails again",
        _always,
    ),
    "mail_from_invalid": Rule(
        "from_invalid",
        CONFIGURATION,
        "invalid From address",
        "The From or Return-Path address is not valid",
        "Fix the author's e-mail or the default From; " + RETRY_GROUP,
        _always,
    ),
    "mail_from_missing": Rule(
        "from_missing",
        CONFIGURATION,
        "no From address",
        "Odoo could not find any sender address for this mail",
        "Set a default From (alias domain in 17+, mail.default.from in 16, or odoo.conf "
        "email_from); " + RETRY_GROUP,
        _always,
    ),
    "mail_bl": Rule(
        "blacklisted",
        PERMANENT,
        "blacklisted address",
        "The recipient is on Odoo's blacklist: the mail was cancelled on purpose",
        "Nothing to do unless the blacklist entry is wrong (Email Marketing > Blacklist)",
        _always,
    ),
    "mail_optout": Rule(
        "opted_out",
        PERMANENT,
        "opted out",
        "The recipient unsubscribed from this mailing list: cancelled on purpose",
        "Nothing to do; respect the opt-out",
        _always,
    ),
    "mail_dup": Rule(
        "duplicate",
        PERMANENT,
        "duplicate address",
        "Another recipient of the mailing has the same address: cancelled on purpose",
        "Nothing to do (clean up duplicate contacts if you like)",
        _always,
    ),
    "mail_spam": Rule(
        "spam",
        CONFIGURATION,
        "detected as spam",
        "The outgoing provider refused the message as spam",
        "Review the content and the sender reputation; then resend",
        _always,
    ),
    "mail_smtp": Rule(
        "connection_failed",
        CONFIGURATION,
        "SMTP connection failed",
        "Connecting or logging in to the outgoing server failed for the whole batch",
        "Probe the outgoing server (odoo-mailq probe), fix it, then retry the batch",
        _always,
    ),
    "mail_bounce": Rule(
        "bounced",
        PERMANENT,
        "bounced",
        "The receiving side sent a bounce back after accepting the mail",
        "Check the recipient's address; read the bounce text in the detail view",
        _always,
    ),
}

# A generic placeholder, but the failure type says which recipient problem it was.
RECIPIENT_TYPES = ("mail_email_invalid", "mail_email_missing")
