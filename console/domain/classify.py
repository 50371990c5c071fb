"""Why a mail failed: Odoo's stored failure text turned into a cause, a class and a fix.

Pure and total: `classify(failure_reason, failure_type)` never raises, looks at no more
than the first `MAX_SCAN` characters, and gives every text a stable `signature` so that
the same cause groups together whatever the recipient, the host or the Odoo version
(failure-catalog.md; odoo-mail-model.md §4.3 for the wordings Odoo stores).

Odoo stores a failure in one of these shapes (16-19):
* `Mail Delivery Failed\\nMail delivery failed via SMTP server 'None'.\\nSMTPDataError:
  (550, b'5.7.1 ...')` when an SMTP reply refused the mail;
* the bare exception args joined by newlines (`535\\nb'5.7.8 ...'`, `535\\n5.7.8 ...`,
  `111\\nConnection refused`) when connecting or logging in failed;
* Odoo's own placeholders (`Error without exception. Probably due to/do ...`) and
  assertion texts; or nothing at all, with only `failure_type` set.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_SCAN = 4096  # characters of failure_reason we ever look at
MAX_PHRASE_WORDS = 12
MAX_SIGNATURE = 160

KLASSES = ("transient", "permanent-recipient", "configuration", "unrecognised")
TRANSIENT, PERMANENT, CONFIGURATION, UNRECOGNISED = KLASSES

KLASS_LABELS = {
    TRANSIENT: "transient: retry after a pause",
    PERMANENT: "permanent for this mail: fix the mail or its recipients first",
    CONFIGURATION: "configuration: fix the setup, then retry",
    UNRECOGNISED: "unrecognised: read the raw reason",
}


@dataclass(frozen=True, slots=True)
class Classification:
    signature: str  # stable grouping key, e.g. "SMTPDataError 550 5.7.1 <addr> ..."
    klass: str  # transient | permanent-recipient | configuration | unrecognised
    title: str  # ~30 characters for a table cell, e.g. "535 auth failed"
    explanation: str  # one line: what it means
    fix: str  # one line: what to do
    smtp_code: int | None = None
    enhanced_code: str | None = None
    family: str = "unrecognised"  # catalogue family id
    exception: str | None = None  # Python exception class named in the text

    @property
    def key(self) -> str:
        """A short stable id of the signature (8 hex digits), handy on a command line."""
        return signature_key(self.signature)


def signature_key(signature: str) -> str:
    return hashlib.sha1(signature.encode("utf-8", "replace")).hexdigest()[:8]


# -- parsing ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Parsed:
    text: str  # the scanned text, wrapper removed, controls blanked
    low: str  # lowercased text
    exception: str | None
    code: int | None
    enhanced: str | None
    errno: int | None
    message: str  # the provider's words (reply text or exception message)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_WRAPPER = re.compile(
    r"^\s*mail delivery failed(?:\s+via smtp server\s+'[^'\n]{0,300}'\.?)?\s*$", re.I
)
_EXC_PREFIX = re.compile(
    r"^\s*(?:[A-Za-z_]\w*\.){0,3}([A-Za-z_]\w*(?:Error|Exception|Refused|Disconnected|"
    r"Timeout|timeout|gaierror|herror))\s*(?::\s*|$)"
)
_EXC_ANYWHERE = re.compile(
    r"\b(SMTP[A-Z]\w*|SSLError|SSLEOFError|SSLCertVerificationError|ConnectionRefusedError|"
    r"ConnectionResetError|TimeoutError|gaierror|OutboundSpamException|MailDeliveryException)\b"
)
_TUPLE_CODE = re.compile(r"\(\s*([2-5]\d\d)\s*,\s*b?(['\"])")
_LINE_CODE = re.compile(r"(?m)^[ \t]*([2-5]\d\d)(?:[ \t-]|[ \t]*$)")
_ANY_CODE = re.compile(r"(?<![\w.])([2-5]\d\d)[ -]+([2-5]\.\d{1,3}\.\d{1,3})(?![\w.])")
_ENHANCED = re.compile(r"(?<![\w.])([2-5])\.(\d{1,3})\.(\d{1,3})(?![\w.]*\d)")
_ERRNO = re.compile(r"\[Errno\s+(-?\d{1,5})\]", re.I)
_LEADING_ERRNO = re.compile(r"^\s*(-?\d{1,5})[ \t]*\n")


def _clean(reason: str) -> str:
    text = reason[:MAX_SCAN].replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    lines = [line for line in text.split("\n") if not _WRAPPER.match(line)]
    return "\n".join(lines).strip()


def _literal_after(text: str, start: int, quote: str) -> str:
    """The body of a Python string literal that starts at `start` (after its quote)."""
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == quote:
            return text[start:index]
        index += 1
    return text[start:]  # cut by MAX_SCAN: take what there is


def _unquote(text: str) -> str:
    """`b'...'` / `'...'` around a whole value (connect failures store bytes reprs)."""
    stripped = text.strip()
    match = re.match(r"^b?(['\"])(.*)\1$", stripped, re.S)
    return match.group(2) if match else stripped


def _drop_sender_line(message: str) -> str:
    """16/17 store SMTPSenderRefused's third arg (the sender) on a line of its own."""
    lines = message.rstrip().split("\n")
    if len(lines) > 1 and re.fullmatch(r"\s*<?[^\s<>@]+@[^\s<>@]+>?\s*", lines[-1]):
        lines.pop()
    return "\n".join(lines)


def _parse(reason: str) -> _Parsed:
    text = _clean(reason)
    exception: str | None = None
    body = text
    prefix = _EXC_PREFIX.match(text)
    if prefix:
        exception = prefix.group(1)
        body = text[prefix.end() :]
    else:
        anywhere = _EXC_ANYWHERE.search(text)
        if anywhere:
            exception = anywhere.group(1)
    code: int | None = None
    message = body
    tuple_match = _TUPLE_CODE.search(body)
    if tuple_match:
        code = int(tuple_match.group(1))
        message = _literal_after(body, tuple_match.end(), tuple_match.group(2))
    else:
        line_match = _LINE_CODE.search(body)
        any_match = _ANY_CODE.search(body)
        if line_match and (any_match is None or line_match.start() <= any_match.start()):
            code = int(line_match.group(1))
            message = _drop_sender_line(_unquote(body[line_match.end() :]))
        elif any_match:
            code = int(any_match.group(1))
            message = body[any_match.end() :]
    errno: int | None = None
    errno_match = _ERRNO.search(text)
    if errno_match:
        errno = int(errno_match.group(1))
    elif code is None:
        leading = _LEADING_ERRNO.match(body)
        if leading:
            errno = int(leading.group(1))
            message = _unquote(body[leading.end() :])
    enhanced = _enhanced_code(text if code is None else message or text, code)
    if enhanced is None and code is not None:
        enhanced = _enhanced_code(text, code)
    return _Parsed(text, text.lower(), exception, code, enhanced, errno, message)


def _enhanced_code(text: str, code: int | None) -> str | None:
    first: str | None = None
    for match in _ENHANCED.finditer(text[:1000]):
        value = ".".join(match.groups())
        if code is None or value[0] == str(code)[0]:
            return value
        first = first or value
    return first if code is None else None


# -- normalising the provider's phrase --------------------------------------------------
_ESCAPES = re.compile(r"\\[nrt]")
_URL = re.compile(r"\b(?:https?|ftp)://\S+", re.I)
_ADDR = re.compile(r"<?[^\s<>'\"@,;:()\[\]{}]+@[^\s<>'\"@,;:()\[\]{}]+>?")
_QUOTED = re.compile(r"(?<![\w])(['\"])(?:(?!\1).){1,200}\1(?![\w])")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b")
_HOST = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]\b")
_SSL_SOURCE = re.compile(r"\(_ssl\.c:\d+\)")
_NUMBERISH = re.compile(r"[\w.+/=-]*\d[\w.+/=:-]*")
_EMPTY_BRACKETS = re.compile(r"[\[(](?:\s|<\w+>|[,;:.\-])*[\])]")
_PLACEHOLDER_RUN = re.compile(r"(<\w+>)(?:[\s,;:.\-]*<\w+>)+")
_SENTENCE_END = re.compile(r"(?<=[a-z>)\]])\.(?:\s|$)")


def normalise_phrase(message: str) -> str:
    """The provider's words with addresses, ids, numbers, hosts and quoted values masked."""
    text = _ESCAPES.sub(" ", message[:600]).lower()
    text = _SSL_SOURCE.sub(" ", text)
    text = _ERRNO.sub(" ", text)
    text = _URL.sub(" <url> ", text)
    text = _ADDR.sub(" <addr> ", text)
    text = _QUOTED.sub(" <v> ", text)
    text = _IPV4.sub(" <ip> ", text)
    text = _IPV6.sub(" <ip> ", text)
    text = _ENHANCED.sub(" ", text)
    text = _HOST.sub(" <host> ", text)
    text = _NUMBERISH.sub(" <n> ", text)
    text = re.sub(r"^\s*(?:smtp\s*;\s*)", "", text)  # Microsoft: "5.7.60 SMTP; Client ..."
    text = _PLACEHOLDER_RUN.sub(r"\1", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([:;,.!?])", r"\1", text).strip(" \t.,;:-=#'\"")
    sentence = _SENTENCE_END.search(text)
    if sentence and len(text[: sentence.start()].split()) >= 2:
        text = text[: sentence.start()]
    words = text.split()[:MAX_PHRASE_WORDS]
    return " ".join(words).strip(" .,;:-")


# -- the rules ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Rule:
    family: str
    klass: str
    title: str  # "{code}" / "{enh}" are filled in (and dropped when unknown)
    explanation: str
    fix: str
    match: Callable[[_Parsed], bool]
    canonical: str | None = None  # a fixed signature (Odoo's own texts)


def _has(*needles: str) -> Callable[[_Parsed], bool]:
    return lambda p: any(n in p.low for n in needles)


def _enh(*codes: str) -> Callable[[_Parsed], bool]:
    return lambda p: p.enhanced in codes


def _any(*tests: Callable[[_Parsed], bool]) -> Callable[[_Parsed], bool]:
    return lambda p: any(t(p) for t in tests)


def _code(*codes: int) -> Callable[[_Parsed], bool]:
    return lambda p: p.code in codes


def _errno(*values: int) -> Callable[[_Parsed], bool]:
    return lambda p: p.errno in values


def _exc(*names: str) -> Callable[[_Parsed], bool]:
    return lambda p: p.exception in names


def _placeholder_recipients(p: _Parsed) -> bool:
    return "error without exception" in p.low and "concurrent access" not in p.low


_RETRY_GROUP = "then retry this group"

_TEXT_RULES: tuple[_Rule, ...] = (
    # Odoo-internal texts
    _Rule(
        "session_interrupted",
        TRANSIENT,
        "sending interrupted",
        "The send was cut off mid-batch (SMTP session dropped or a database error); "
        "Odoo left its pre-send placeholder",
        "Usually transient: retry; if it repeats, probe the server and read the Odoo log",
        _has("concurrent access update of notification"),
        canonical="Odoo error without exception (interrupted send)",
    ),
    _Rule(
        "no_recipient",
        PERMANENT,
        "no valid recipient",
        "No recipient resolved to a valid address (partner without e-mail, only Cc, a "
        "custom module); Odoo's pre-send placeholder stayed",
        "Fix the recipients' e-mail addresses on the partners; retrying as-is fails again",
        _placeholder_recipients,
        canonical="Odoo error without exception (no computed recipients)",
    ),
    _Rule(
        "no_recipient",
        PERMANENT,
        "no valid recipient",
        "Odoo found no valid To/Cc/Bcc address for this mail",
        "Fix the recipients' e-mail addresses on the partners; retrying as-is fails again",
        _has("at least one valid recipient address should be specified"),
        canonical="Odoo no valid recipient",
    ),
    _Rule(
        "from_invalid",
        CONFIGURATION,
        "invalid From address",
        "The From or Return-Path address is not one valid plain-ASCII e-mail address",
        "Fix the author's e-mail, mail.default.from / the alias domain's default From; "
        + _RETRY_GROUP,
        _has("malformed 'return-path' or 'from' address", "malformed return-path or from"),
        canonical="Odoo malformed From or Return-Path",
    ),
    _Rule(
        "from_missing",
        CONFIGURATION,
        "no From address",
        "Odoo could not find any sender address for this mail",
        "Set a default From (alias domain default From in 17+, mail.default.from + "
        "mail.catchall.domain in 16, or email_from in odoo.conf); " + _RETRY_GROUP,
        _has("you must either provide a sender address", "return-path or from header is required"),
        canonical="Odoo no From address",
    ),
    _Rule(
        "no_server",
        CONFIGURATION,
        "no outgoing server",
        "Odoo had no usable outgoing mail server (none defined, no host, or archived)",
        "Configure or unarchive an outgoing mail server (Settings > Technical > Outgoing "
        "Mail Servers); " + _RETRY_GROUP,
        _has("missing smtp server", "because it is archived"),
        canonical="Odoo missing or archived SMTP server",
    ),
    _Rule(
        "spam",
        CONFIGURATION,
        "detected as spam",
        "Odoo's mail service refused the message as spam",
        "Review the content and the sender reputation (links, attachments, list quality); "
        "then resend",
        _any(_has("outboundspamexception"), _exc("OutboundSpamException")),
    ),
    _Rule(
        "daily_limit",
        TRANSIENT,
        "{code} daily limit reached",
        "The sending quota per day is used up (Odoo's own mail service or the provider's)",
        "Wait for the daily reset and retry, ask for a higher quota (Odoo support), or use "
        "your own SMTP server",
        lambda p: (
            bool(re.search(r"daily (?:user )?(?:sending )?(?:limit|quota)", p.low))
            or "sending quota exceeded" in p.low
        ),
    ),
    # SMTP families (failure-catalog.md table)
    _Rule(
        "sender_identity",
        CONFIGURATION,
        "{code} sender identity",
        "Permanent policy refusal: the From address is not one this relay account may use",
        "Make Odoo's From match a verified identity (server from_filter, default From, "
        "alias domain) or verify it at the provider; " + _RETRY_GROUP,
        _any(
            _has(
                "verified sender identity",
                "send as this sender",
                "sendasdenied",
                "not allowed to send as",
                "sender identity",
            ),
            _enh("5.7.60"),
        ),
    ),
    _Rule(
        "m365_auth",
        CONFIGURATION,
        "{code} M365 SMTP AUTH off",
        "SMTP AUTH is missing or disabled for this Microsoft 365 tenant or mailbox",
        "Use smtp.office365.com:587 STARTTLS with the full mailbox as user and enable "
        "authenticated SMTP (or the Outlook OAuth integration); " + _RETRY_GROUP,
        _any(
            _enh("5.7.57", "5.7.139", "5.7.3"),
            _has(
                "smtpclientauthentication is disabled",
                "client not authenticated to send",
                "client was not authenticated to send",
                "authentication unsuccessful",
            ),
        ),
    ),
    _Rule(
        "unauthenticated",
        CONFIGURATION,
        "{code} SPF/DKIM/DMARC fail",
        "The receiver found no aligned SPF or DKIM pass for the From domain",
        "Publish SPF including the relay, enable DKIM signing and publish DMARC; then resend",
        _any(
            _enh("5.7.26", "5.7.27", "5.7.25", "5.7.23", "5.7.24"),
            _has("this mail is unauthenticated", "dmarc", "spf check", "dkim"),
        ),
    ),
    _Rule(
        "starttls_required",
        CONFIGURATION,
        "{code} STARTTLS required",
        "The server wants an encrypted session before this command",
        "Set the server's encryption to TLS (STARTTLS) on port 587, or SSL/TLS on 465; "
        + _RETRY_GROUP,
        _has(
            "must issue a starttls command first",
            "starttls is required",
            "encryption required",
            "tls required",
        ),
    ),
    _Rule(
        "no_starttls",
        CONFIGURATION,
        "STARTTLS not offered",
        "The server does not offer STARTTLS on this port",
        "Use the port that offers STARTTLS (587) or set encryption to SSL/TLS on 465; "
        + _RETRY_GROUP,
        _has("starttls extension not supported"),
    ),
    _Rule(
        "auth_not_offered",
        CONFIGURATION,
        "AUTH not offered",
        "The server offers no login method on this connection (often: only after STARTTLS)",
        "Enable STARTTLS/SSL on the outgoing server or remove the username if the relay "
        "trusts this host; " + _RETRY_GROUP,
        _has("smtp auth extension not supported", "no suitable authentication method"),
    ),
    _Rule(
        "auth_temporary",
        TRANSIENT,
        "{code} auth temp failure",
        "The server could not check the credentials right now",
        "Retry later; if it persists, probe the server",
        lambda p: (
            "too many" not in p.low
            and (p.code == 454 or (p.code is not None and p.code // 100 == 4 and "auth" in p.low))
        ),
    ),
    _Rule(
        "auth",
        CONFIGURATION,
        "{code} auth failed",
        "Login refused: every mail for that server in the batch failed",
        "Fix the credentials (app password with 2FA; 'apikey' as user for SendGrid); probe "
        "the server; then retry the batch",
        _any(
            _code(535, 534),
            _exc("SMTPAuthenticationError"),
            _has(
                "authentication failed",
                "username and password not accepted",
                "invalid login",
                "invalid credentials",
                "bad credentials",
                "authentication credentials invalid",
            ),
        ),
    ),
    _Rule(
        "relay_denied",
        CONFIGURATION,
        "{code} relay denied",
        "The relay refuses to relay for this client (not authenticated or not trusted)",
        "Authenticate on the outgoing server, or trust the Odoo host at the relay; " + _RETRY_GROUP,
        _has(
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
    _Rule(
        "sender_rejected",
        CONFIGURATION,
        "{code} sender rejected",
        "The relay refuses the envelope sender (Odoo uses the bounce address of the "
        "catchall/alias domain)",
        "Set the alias domain (bounce) to a domain this account may send for, or allow "
        "it at the provider; " + _RETRY_GROUP,
        _has(
            "sender address rejected",
            "not owned by user",
            "sender verify failed",
            "sender verification failed",
            "sender rejected",
        ),
    ),
    _Rule(
        "throttled",
        TRANSIENT,
        "{code} throttled",
        "Transient throttling by the provider (too many connections, logins or messages)",
        "Pause, lower mail.session.batch.size / mail.mail.queue.batch.size, space the "
        "queue cron; retry later",
        _any(
            _code(421),
            _enh("4.7.28", "4.7.0"),
            _has(
                "too many connections",
                "too many login attempts",
                "rate limit",
                "ratelimit",
                "throttl",
                "temporarily deferred",
                "too many messages",
                "too many concurrent",
                "too many login",
            ),
        ),
    ),
    _Rule(
        "too_many_recipients",
        PERMANENT,
        "{code} too many rcpt",
        "The mail has more recipients than the provider accepts in one message",
        "Split the recipients (partners get one mail each), then retry after editing",
        _any(_has("too many recipients"), _enh("4.5.3", "5.5.3")),
    ),
    _Rule(
        "user_unknown",
        PERMANENT,
        "{code} {enh} no such user",
        "The recipient address does not exist: permanent for that recipient",
        "Fix the partner's e-mail address; do not bulk-retry",
        _any(
            _enh("5.1.1", "5.1.10", "5.1.6", "5.2.1"),
            _has(
                "user unknown",
                "does not exist",
                "no such user",
                "mailbox unavailable",
                "recipient not found",
                "recipientnotfound",
                "unknown user",
                "mailbox not found",
                "no mailbox here",
                "recipient address rejected",
            ),
        ),
    ),
    _Rule(
        "bad_address",
        PERMANENT,
        "{code} bad address",
        "The recipient address is malformed or its domain does not accept mail",
        "Fix the partner's e-mail address; do not bulk-retry",
        _any(
            _enh("5.1.3", "5.1.2"),
            _has(
                "bad recipient address syntax", "domain not found", "host or domain name not found"
            ),
        ),
    ),
    _Rule(
        "mailbox_full",
        PERMANENT,
        "{code} mailbox full",
        "The recipient's mailbox is over quota",
        "Tell the recipient by another channel; retry much later for this recipient only",
        _any(
            _enh("5.2.2", "4.2.2"),
            _has(
                "over quota",
                "mailbox full",
                "mailbox is full",
                "quota exceeded",
                "insufficient storage",
            ),
        ),
    ),
    _Rule(
        "too_large",
        PERMANENT,
        "{code} message too large",
        "The message exceeds the server's size limit",
        "Remove or shrink the attachments (Odoo 18 links big ones), then resend",
        _any(
            _enh("5.3.4", "5.2.3", "4.3.4"),
            _has("message size exceeds", "message too large", "size limit"),
        ),
    ),
    _Rule(
        "rejected_content",
        PERMANENT,
        "{code} rejected as spam",
        "The receiving server rejected the content as spam or by policy",
        "Check the content and the sending domain's reputation; resend after changing it",
        _has("spam", "blocked", "blacklisted", "blocklisted", "listed at", " rbl "),
    ),
    _Rule(
        "tls_mismatch",
        CONFIGURATION,
        "TLS mode/port mismatch",
        "The encryption mode does not match the port: implicit TLS on a STARTTLS port or "
        "the reverse",
        "465 = SSL/TLS, 587 = STARTTLS, 25 = usually STARTTLS: fix the encryption or the "
        "port; then retry the batch",
        _has(
            "wrong_version_number",
            "wrong version number",
            "unknown_protocol",
            "unknown protocol",
            "http_request",
            "record layer failure",
            "eof occurred in violation of protocol",
            "unexpected_eof_while_reading",
            "tlsv1 alert protocol version",
            "packet length too long",
        ),
    ),
    _Rule(
        "tls_certificate",
        CONFIGURATION,
        "TLS certificate rejected",
        "The server's certificate did not verify (hostname, chain or self-signed)",
        "Use the hostname the certificate names and fix the chain rather than disabling "
        "checks; then retry the batch",
        _has(
            "certificate_verify_failed",
            "certificate verify failed",
            "hostname mismatch",
            "self signed certificate",
            "self-signed certificate",
            "doesn't match",
        ),
    ),
    _Rule(
        "disconnected",
        TRANSIENT,
        "server disconnected",
        "The server dropped the session (idle timeout, TLS mismatch, throttling)",
        "Usually transient: retry; if it repeats check the encryption/port and throttling",
        _any(
            _exc("SMTPServerDisconnected"),
            _has(
                "connection unexpectedly closed",
                "please run connect() first",
                "server not connected",
                "connection reset by peer",
            ),
        ),
    ),
    _Rule(
        "refused",
        CONFIGURATION,
        "connection refused",
        "Nothing listens on that host and port (with no server Odoo uses localhost:25)",
        "Configure an outgoing server, probe host:port from the Odoo host, open egress or "
        "use 587/465; then retry the batch",
        _any(_errno(111, 61, 10061), _has("connection refused"), _exc("ConnectionRefusedError")),
    ),
    _Rule(
        "dns",
        CONFIGURATION,
        "unknown SMTP host",
        "The SMTP host name does not resolve",
        "Fix the outgoing server's host name (or the Odoo host's DNS); then retry the batch",
        _any(
            _errno(-2, -3, -5, -9, 11001),
            _exc("gaierror"),
            _has(
                "name or service not known",
                "temporary failure in name resolution",
                "nodename nor servname",
                "getaddrinfo failed",
                "no address associated",
            ),
        ),
    ),
    _Rule(
        "unreachable",
        CONFIGURATION,
        "SMTP host unreachable",
        "No route from the Odoo host to the SMTP server",
        "Check egress firewall and routing from the Odoo host; then retry the batch",
        _any(_errno(101, 113, 65), _has("network is unreachable", "no route to host")),
    ),
    _Rule(
        "timeout",
        CONFIGURATION,
        "connect timed out",
        "The SMTP server did not answer in time (egress blocked, often port 25)",
        "Probe host:port from the Odoo host; open egress or use 587/465; then retry",
        _any(_errno(110, 60, 10060), _exc("TimeoutError", "timeout"), _has("timed out", "timeout")),
    ),
)

_TYPE_RULES: dict[str, _Rule] = {
    "mail_email_invalid": _Rule(
        "invalid_address",
        PERMANENT,
        "invalid e-mail address",
        "The recipient's e-mail address is not valid",
        "Fix the partner's e-mail address; retrying as-is fails again",
        lambda p: True,
    ),
    "mail_email_missing": _Rule(
        "missing_address",
        PERMANENT,
        "missing e-mail address",
        "The recipient has no e-mail address",
        "Add an e-mail address to the partner; retrying as-is fails again",
        lambda p: True,
    ),
    "mail_from_invalid": _Rule(
        "from_invalid",
        CONFIGURATION,
        "invalid From address",
        "The From or Return-Path address is not valid",
        "Fix the author's e-mail or the default From; " + _RETRY_GROUP,
        lambda p: True,
    ),
    "mail_from_missing": _Rule(
        "from_missing",
        CONFIGURATION,
        "no From address",
        "Odoo could not find any sender address for this mail",
        "Set a default From (alias domain in 17+, mail.default.from in 16, or odoo.conf "
        "email_from); " + _RETRY_GROUP,
        lambda p: True,
    ),
    "mail_bl": _Rule(
        "blacklisted",
        PERMANENT,
        "blacklisted address",
        "The recipient is on Odoo's blacklist: the mail was cancelled on purpose",
        "Nothing to do unless the blacklist entry is wrong (Email Marketing > Blacklist)",
        lambda p: True,
    ),
    "mail_optout": _Rule(
        "opted_out",
        PERMANENT,
        "opted out",
        "The recipient unsubscribed from this mailing list: cancelled on purpose",
        "Nothing to do; respect the opt-out",
        lambda p: True,
    ),
    "mail_dup": _Rule(
        "duplicate",
        PERMANENT,
        "duplicate address",
        "Another recipient of the mailing has the same address: cancelled on purpose",
        "Nothing to do (clean up duplicate contacts if you like)",
        lambda p: True,
    ),
    "mail_spam": _Rule(
        "spam",
        CONFIGURATION,
        "detected as spam",
        "Odoo's mail service refused the message as spam",
        "Review the content and the sender reputation; then resend",
        lambda p: True,
    ),
    "mail_smtp": _Rule(
        "connection_failed",
        CONFIGURATION,
        "SMTP connection failed",
        "Connecting or logging in to the outgoing server failed for the whole batch",
        "Probe the outgoing server (odoo-mailq probe), fix it, then retry the batch",
        lambda p: True,
    ),
    "mail_bounce": _Rule(
        "bounced",
        PERMANENT,
        "bounced",
        "The receiving side sent a bounce back after accepting the mail",
        "Check the recipient's address; read the bounce text in the detail view",
        lambda p: True,
    ),
}

_SUBJECTS = {
    "1": "addressing", "2": "mailbox", "3": "mail system", "4": "network or routing",
    "5": "protocol", "6": "content", "7": "security or policy",
}  # fmt: skip


# -- classify ----------------------------------------------------------------------------
def classify(failure_reason: str | None, failure_type: str | None) -> Classification:
    """The cause of one failure; never raises."""
    try:
        return _classify(failure_reason, failure_type)
    except Exception:  # a safety net: a display must never die on odd text
        return Classification(
            signature="unparsable failure text",
            klass=UNRECOGNISED,
            title="unreadable reason",
            explanation="The stored reason could not be read",
            fix="Read the raw reason in the detail view and the Odoo log",
        )


def _classify(failure_reason: str | None, failure_type: str | None) -> Classification:
    reason = failure_reason if isinstance(failure_reason, str) else ""
    ftype = failure_type if isinstance(failure_type, str) else ""
    ftype = " ".join(_CONTROL.sub(" ", ftype[:64]).split())[:40]
    parsed = _parse(reason) if reason.strip() else None
    if parsed is not None and parsed.text:
        rule = next((r for r in _TEXT_RULES if r.match(parsed)), None)
        generic_placeholder = rule is not None and rule.family == "no_recipient"
        if rule is not None and not (generic_placeholder and ftype in _RECIPIENT_TYPES):
            return _build(rule, parsed)
        if ftype in _TYPE_RULES:
            return _build_type(ftype, parsed)
        if rule is not None:
            return _build(rule, parsed)
        if parsed.code is not None:
            return _by_code_class(parsed)
        return _unrecognised(parsed, ftype)
    if ftype in _TYPE_RULES:
        return _build_type(ftype, None)
    return Classification(
        signature=f"Odoo {ftype} (no reason)" if ftype else "Odoo no reason",
        klass=UNRECOGNISED,
        title="no reason stored",
        explanation="Odoo stored no failure text" + (f" (failure type {ftype})" if ftype else ""),
        fix="Look in the Odoo server log around the failure time; retry one mail to see",
        family="no_reason",
    )


_RECIPIENT_TYPES = ("mail_email_invalid", "mail_email_missing")
# What Python raised for a bare "errno\nmessage" connect failure (Odoo stores only the args).
_ERRNO_CLASSES = {
    111: "ConnectionRefusedError",
    110: "TimeoutError",
    -2: "gaierror",
    -3: "gaierror",
    104: "ConnectionResetError",
}


def _signature(parsed: _Parsed) -> str:
    exception = parsed.exception
    if exception in (None, "MailDeliveryException"):
        if parsed.code is not None:
            exception = "SMTP"
        elif "[ssl" in parsed.low or "ssl:" in parsed.low:
            exception = "SSLError"
        elif parsed.errno is not None:
            exception = _ERRNO_CLASSES.get(parsed.errno, "OSError")
    parts = [
        exception or "",
        str(parsed.code) if parsed.code is not None else "",
        parsed.enhanced or "",
        f"errno {parsed.errno}"
        if parsed.errno is not None and parsed.code is None and exception != "SSLError"
        else "",
        normalise_phrase(parsed.message or parsed.text),
    ]
    signature = " ".join(p for p in parts if p)
    return (signature or "unreadable failure text")[:MAX_SIGNATURE].strip()


def _title(template: str, parsed: _Parsed | None) -> str:
    code = str(parsed.code) if parsed and parsed.code is not None else ""
    enhanced = parsed.enhanced if parsed and parsed.enhanced else ""
    title = template.replace("{code}", code).replace("{enh}", enhanced)
    return re.sub(r"\s+", " ", title).strip()


def _build(rule: _Rule, parsed: _Parsed) -> Classification:
    klass = rule.klass
    if rule.family == "mailbox_full" and parsed.code is not None and parsed.code // 100 == 4:
        klass = TRANSIENT
    return Classification(
        signature=rule.canonical or _signature(parsed),
        klass=klass,
        title=_title(rule.title, parsed),
        explanation=rule.explanation,
        fix=rule.fix,
        smtp_code=parsed.code,
        enhanced_code=parsed.enhanced,
        family=rule.family,
        exception=parsed.exception,
    )


def _build_type(ftype: str, parsed: _Parsed | None) -> Classification:
    rule = _TYPE_RULES[ftype]
    return Classification(
        signature=f"Odoo {ftype}",
        klass=rule.klass,
        title=rule.title,
        explanation=rule.explanation,
        fix=rule.fix,
        smtp_code=parsed.code if parsed else None,
        enhanced_code=parsed.enhanced if parsed else None,
        family=rule.family,
        exception=parsed.exception if parsed else None,
    )


def _by_code_class(parsed: _Parsed) -> Classification:
    code = parsed.code or 0
    subject = _SUBJECTS.get((parsed.enhanced or "x.x").split(".")[1], "")
    about = f" ({subject})" if subject else ""
    if code // 100 == 4:
        return Classification(
            signature=_signature(parsed),
            klass=TRANSIENT,
            title=_title("{code} {enh} temporary refusal", parsed),
            explanation=f"The server refused for now{about}; the same mail may pass later",
            fix="Retry after a pause; if it repeats, read the provider's text",
            smtp_code=parsed.code,
            enhanced_code=parsed.enhanced,
            family="smtp_4xx",
            exception=parsed.exception,
        )
    if code // 100 == 5:
        return Classification(
            signature=_signature(parsed),
            klass=PERMANENT,
            title=_title("{code} {enh} refused", parsed),
            explanation=f"The server refused permanently{about}; retrying as-is repeats it",
            fix="Read the provider's text and change what it names before retrying",
            smtp_code=parsed.code,
            enhanced_code=parsed.enhanced,
            family="smtp_5xx",
            exception=parsed.exception,
        )
    return _unrecognised(parsed, "")


def _unrecognised(parsed: _Parsed, ftype: str) -> Classification:
    lines = [line.strip() for line in (parsed.message or parsed.text).split("\n")]
    headline = next((line for line in lines if line), "") or parsed.exception or "?"
    headline = re.sub(r"\s+", " ", headline)
    title = headline if len(headline) <= 30 else headline[:29] + "…"
    return Classification(
        signature=_signature(parsed),
        klass=UNRECOGNISED,
        title=title,
        explanation="A failure this console does not recognise"
        + (f" (failure type {ftype})" if ftype else ""),
        fix="Read the raw reason in the detail view and the Odoo log; retry one mail first",
        smtp_code=parsed.code,
        enhanced_code=parsed.enhanced,
        family="unrecognised",
        exception=parsed.exception,
    )
