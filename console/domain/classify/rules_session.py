"""Refusals about the SMTP session and the sender: login, encryption, greeting, the account
and the From/envelope sender Odoo uses (docs/failures.md)."""

from __future__ import annotations

from console.domain.classify.model import CONFIGURATION, TRANSIENT
from console.domain.classify.parse import Parsed
from console.domain.classify.rule import (
    RETRY_BATCH,
    RETRY_GROUP,
    Rule,
    all_of,
    any_of,
    code,
    enh,
    exc,
    has,
    has_re,
    none_of,
)


def _auth_temporary(p: Parsed) -> bool:
    if "too many" in p.low or "throttl" in p.low or "rate exceeded" in p.low:
        return False
    return p.code == 454 or (p.code is not None and p.code // 100 == 4 and "authenticat" in p.low)


SESSION_RULES: tuple[Rule, ...] = (
    Rule(
        "spam",
        CONFIGURATION,
        "{code} outbound spam block",
        "The outgoing provider refused the message or blocked the account as spam "
        "(Outlook OutboundSpamException)",
        "Unblock the sending account at the provider, review the content and the sending "
        "volume; then resend",
        any_of(has("outboundspamexception", "spam abuse detected"), exc("OutboundSpamException")),
    ),
    Rule(
        "daily_limit",
        TRANSIENT,
        "{code} daily limit reached",
        "The sending quota per day is used up (Odoo's own mail service or the provider's)",
        "Wait for the daily reset and retry, ask for a higher quota (Odoo support), or use "
        "your own SMTP server",
        any_of(
            has_re(r"daily (?:user )?(?:sending )?(?:limit|quota)"),
            has(
                "sending quota exceeded",
                "messages per day",
                "limit on the number of allowed outgoing messages",
            ),
        ),
    ),
    Rule(
        "provider_account",
        CONFIGURATION,
        "{code} provider account",
        "The mail provider account may not send yet (sandbox, unverified sending domain, "
        "suspended or out of credits)",
        "Finish the domain verification or leave the sandbox at the provider, check the "
        "account's status and billing; " + RETRY_GROUP,
        has("sandbox subdomains", "is not allowed to send: sandbox", "maximum credits exceeded"),
    ),
    Rule(
        "sender_identity",
        CONFIGURATION,
        "{code} sender identity",
        "Permanent policy refusal: the From address is not one this relay account may use",
        "Make Odoo's From match a verified identity (server from_filter, default From, alias "
        "domain) or verify it at the provider; " + RETRY_GROUP,
        any_of(
            has(
                "verified sender identity",
                "send as this sender",
                "sendasdenied",
                "not allowed to send as",
                "sender identity",
                "email address is not verified",
                "identities failed the check",
                "relaying disallowed as",
                "must be same as authorization user",
                "anti-spoofing",
            ),
            enh("5.7.60"),
        ),
    ),
    Rule(
        "m365_auth",
        CONFIGURATION,
        "{code} M365 SMTP AUTH off",
        "SMTP AUTH is missing or disabled for this Microsoft 365 tenant or mailbox",
        "Use smtp.office365.com:587 STARTTLS with the full mailbox as user and enable "
        "authenticated SMTP (or the Outlook OAuth integration); " + RETRY_GROUP,
        any_of(
            enh("5.7.57", "5.7.139", "5.7.3"),
            has(
                "smtpclientauthentication is disabled",
                "client not authenticated to send",
                "client was not authenticated to send",
                "authentication unsuccessful",
            ),
        ),
    ),
    Rule(
        "unauthenticated",
        CONFIGURATION,
        "{code} SPF/DKIM/DMARC fail",
        "The receiver found no aligned SPF or DKIM pass for the From domain",
        "Publish SPF including the relay, enable DKIM signing and publish DMARC; then resend",
        any_of(
            enh("5.7.26", "5.7.27", "5.7.25", "5.7.23", "5.7.24", "5.7.515"),
            has(
                "this mail is unauthenticated",
                "dmarc",
                "spf check",
                "dkim",
                "sender is unauthenticated",
                "required authentication level",
            ),
            has_re(r"\bspf\b.{0,40}not allowed|and/or spf"),
        ),
    ),
    Rule(
        "tls_version",
        CONFIGURATION,
        "{code} old TLS version refused",
        "The server refuses the TLS version the Odoo host negotiated (TLS 1.0/1.1)",
        "Upgrade the Odoo host's OpenSSL/Python (or raise MinProtocol in its openssl.cnf) so "
        "that TLS 1.2 is used; " + RETRY_BATCH,
        any_of(enh("4.7.66"), has_re(r"tls 1\.[01] (?:and 1\.1 )?(?:is|are) not supported")),
    ),
    Rule(
        "starttls_required",
        CONFIGURATION,
        "{code} STARTTLS required",
        "The server wants an encrypted session before this command",
        "Set the server's encryption to TLS (STARTTLS) on port 587, or SSL/TLS on 465; "
        + RETRY_GROUP,
        has(
            "must issue a starttls command first",
            "starttls is required",
            "encryption required",
            "tls required",
        ),
    ),
    Rule(
        "no_starttls",
        CONFIGURATION,
        "STARTTLS not offered",
        "The server does not offer STARTTLS on this port",
        "Use the port that offers STARTTLS (587) or set encryption to SSL/TLS on 465; "
        + RETRY_GROUP,
        has("starttls extension not supported"),
    ),
    Rule(
        "auth_not_offered",
        CONFIGURATION,
        "{code} AUTH not offered",
        "The server offers no login method Odoo can use on this connection (often: only after "
        "STARTTLS)",
        "Enable STARTTLS/SSL on the outgoing server or remove the username if the relay "
        "trusts this host; " + RETRY_GROUP,
        has(
            "smtp auth extension not supported",
            "no suitable authentication method",
            "unrecognized authentication type",
        ),
    ),
    Rule(
        "helo_rejected",
        CONFIGURATION,
        "{code} HELO name rejected",
        "The server rejected the host name Odoo announced in HELO/EHLO (not a "
        "fully-qualified domain name)",
        "Give the Odoo host a fully-qualified hostname that resolves (smtplib sends "
        "socket.getfqdn()), or relay through an authenticated SMTP server; " + RETRY_BATCH,
        has(
            "helo command rejected",
            "need fully-qualified hostname",
            "invalid helo",
            "helo/ehlo argument",
            "bad helo",
        ),
    ),
    Rule(
        "auth_required",
        CONFIGURATION,
        "{code} login required",
        "The server accepts mail only from logged-in clients and this session was not logged in",
        "Set the username and password (or OAuth) on the outgoing server with STARTTLS/SSL, or "
        "allow the Odoo host at the relay; " + RETRY_BATCH,
        has(
            "please authenticate first",
            "unauthenticated senders not allowed",
            "authentication required",
            "authentication is required",
            "must authenticate",
            "turn on smtp authentication",
        ),
    ),
    Rule(
        "auth_temporary",
        TRANSIENT,
        "{code} auth temp failure",
        "The server could not check the credentials right now",
        "Retry later; if it persists, probe the server",
        _auth_temporary,
    ),
    Rule(
        "auth",
        CONFIGURATION,
        "{code} auth failed",
        "Login refused: every mail for that server in the batch failed",
        "Fix the credentials (app password with 2FA; 'apikey' as user for SendGrid); probe "
        "the server; " + RETRY_BATCH,
        any_of(
            code(535, 534),
            exc("SMTPAuthenticationError"),
            has(
                "authentication failed",
                "username and password not accepted",
                "invalid login",
                "invalid credentials",
                "bad credentials",
                "authentication credentials invalid",
                "code d'authentification invalide",
            ),
        ),
    ),
    Rule(
        "relay_denied",
        CONFIGURATION,
        "{code} relay denied",
        "The relay refuses to relay for this client (not authenticated or not trusted)",
        "Authenticate on the outgoing server, or trust the Odoo host at the relay; " + RETRY_GROUP,
        has(
            "relay access denied",
            "relaying denied",
            "relaying disallowed",
            "relay not permitted",
            "not permitted to relay",
            "unable to relay",
            "relaying not allowed",
            "relay denied",
            "not allowed to relay",
        ),
    ),
    Rule(
        "sender_rejected",
        CONFIGURATION,
        "{code} sender rejected",
        "The relay refuses the envelope sender (Odoo uses the bounce address of the "
        "catchall/alias domain)",
        "Set the alias domain (bounce) to a domain this account may send for and that "
        "resolves in DNS, or allow it at the provider; " + RETRY_GROUP,
        any_of(
            has(
                "sender address rejected",
                "not owned by user",
                "sender verify failed",
                "sender verification failed",
                "sender rejected",
                "domain of sender address",
                "invalid sender",
            ),
            all_of(enh("5.1.7", "5.1.8", "4.1.7", "4.1.8"), none_of(has("recipient"))),
        ),
    ),
)
