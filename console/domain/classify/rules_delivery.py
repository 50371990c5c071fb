"""Refusals while delivering: the server's load and reputation checks, the recipient and
the message itself (the provider replies seen in the wild; docs/failures.md)."""

from __future__ import annotations

from console.domain.classify.model import CONFIGURATION, PERMANENT, TRANSIENT
from console.domain.classify.parse import Parsed
from console.domain.classify.rule import (
    Rule,
    all_of,
    any_of,
    code,
    enh,
    has,
    has_re,
    refusal,
)


def _server_trouble(p: Parsed) -> bool:
    """4.3.x: the mail system itself (disk full, overloaded, restarting)."""
    return bool(p.enhanced and p.enhanced.startswith("4.3."))


_BLOCK_LIST = has(
    "blocked using",
    "block list",
    "blocklist",
    "blacklisted",
    "spamhaus",
    "barracuda",
    "spamcop",
    "in an rbl",
    "dnsbl",
    "client host blocked",
    "adresse ip source bloquee",
    "bad ip",
    "not allowed to connect",
    "traffic not accepted from this ip",
    "the ip you're using to send mail is not authorized",
    "originating from your ip address",
    "permanently deferred",
    "weren't sent",
    "service refused, please try later",
    "ip reputation",
    "ipcheck.proofpoint",
    "banned sending ip",
)
_USER_UNKNOWN_TEXT = has(
    "user unknown",
    "does not exist",
    "no such user",
    "no such mailbox",
    "mailbox unavailable",
    "recipient not found",
    "recipientnotfound",
    "unknown user",
    "mailbox not found",
    "no mailbox here",
    "invalid recipient",
    "archived recipient",
    "no longer on server",
    "recipient address rejected",
    "address rejected",
)
_NO_ACCOUNT = has_re(r"doesn't have an? [\w.-]+ account")
_BAD_ADDRESS_TEXT = has(
    "bad recipient address syntax",
    "domain not found",
    "host or domain name not found",
    "reserved by rfc",
    "unrouteable address",
    "invalid address",
)

DELIVERY_RULES: tuple[Rule, ...] = (
    Rule(
        "greylisted",
        TRANSIENT,
        "{code} greylisted",
        "The receiving server greylists: it turns away a first attempt and accepts the same "
        "mail a few minutes later",
        "Nothing to fix: retry after 5-15 minutes (Odoo does not retry by itself)",
        has("greylist", "grey-list", "graylist", "greylisted"),
    ),
    Rule(
        "server_temporary",
        TRANSIENT,
        "{code} server busy",
        "The mail server had a temporary problem of its own (disk full, overloaded, restarting)",
        "Retry later; if it lasts, tell the server's administrator (or the provider)",
        any_of(
            _server_trouble,
            has(
                "insufficient system storage",
                "temporary system problem",
                "temporary local problem",
            ),
        ),
    ),
    Rule(
        "throttled",
        TRANSIENT,
        "{code} throttled",
        "Transient throttling by the provider (too many connections, logins or messages)",
        "Pause, lower mail.session.batch.size / mail.mail.queue.batch.size, space the queue "
        "cron; retry later",
        any_of(
            code(421),
            enh("4.7.28", "4.7.0", "4.7.650"),
            has(
                "too many connections",
                "too many login attempts",
                "rate limit",
                "ratelimit",
                "throttl",
                "temporarily deferred",
                "too many messages",
                "too many concurrent",
                "too many login",
                "queue quota",
                "trop de connexions",
            ),
        ),
    ),
    Rule(
        "blocklisted",
        CONFIGURATION,
        "{code} sending IP blocked",
        "The receiving side refuses mail from the sending IP (a block list such as Spamhaus, "
        "or a poor IP reputation), whatever the message",
        "Check the IP on the list the reply names and request delisting, or send through your "
        "provider's SMTP relay instead; then retry",
        all_of(refusal, any_of(_BLOCK_LIST, enh("5.7.606", "5.7.708", "5.7.511", "5.7.513"))),
    ),
    Rule(
        "too_many_recipients",
        PERMANENT,
        "{code} too many rcpt",
        "The mail has more recipients than the provider accepts in one message",
        "Split the recipients (partners get one mail each), then retry after editing",
        any_of(has("too many recipients"), enh("4.5.3", "5.5.3")),
    ),
    Rule(
        "mailbox_full",
        PERMANENT,
        "{code} mailbox full",
        "The recipient's mailbox is over quota",
        "Tell the recipient by another channel; retry much later for this recipient only",
        any_of(
            enh("5.2.2", "4.2.2"),
            has(
                "over quota",
                "overquota",
                "mailbox full",
                "mailbox is full",
                "quota exceeded",
                "insufficient storage",
                "boite du destinataire pleine",
            ),
            has_re(r"mailbox (?:for )?(?:\w+ )?is full"),
        ),
    ),
    Rule(
        "bad_address",
        PERMANENT,
        "{code} bad address",
        "The recipient address is malformed or its domain does not accept mail",
        "Fix the partner's e-mail address; do not bulk-retry",
        _BAD_ADDRESS_TEXT,
    ),
    Rule(
        "user_unknown",
        PERMANENT,
        "{code} {enh} no such user",
        "The recipient address does not exist: permanent for that recipient",
        "Fix the partner's e-mail address; do not bulk-retry",
        any_of(enh("5.1.1", "5.1.10", "5.1.6", "5.2.1"), _USER_UNKNOWN_TEXT, _NO_ACCOUNT),
    ),
    Rule(
        "bad_address",
        PERMANENT,
        "{code} bad address",
        "The recipient address is malformed or its domain does not accept mail",
        "Fix the partner's e-mail address; do not bulk-retry",
        enh("5.1.3", "5.1.2"),
    ),
    Rule(
        "too_large",
        PERMANENT,
        "{code} message too large",
        "The message exceeds the server's size limit",
        "Remove or shrink the attachments (Odoo 18 links big ones), then resend",
        any_of(
            enh("5.3.4", "5.2.3", "4.3.4"),
            has(
                "message size exceeds",
                "message too large",
                "message too big",
                "file too big",
                "size limit",
                "maxsubmissionexceeded",
                "maximum size of the message",
            ),
        ),
    ),
    Rule(
        "malformed_message",
        PERMANENT,
        "{code} malformed message",
        "The message is malformed for this server (a header with a line break, a folded "
        "address, an invalid Subject, a line over 1000 characters)",
        "Clean the subject and the mail's Headers/Reply-To fields (or the template that "
        "produced them), then resend this mail",
        has(
            "header values may not contain",
            "extra route-addr",
            "invalid subject header",
            "line is too long",
            "header values can't contain",
            "header value not allowed",
        ),
    ),
    Rule(
        "rejected_content",
        PERMANENT,
        "{code} rejected as spam",
        "The receiving server rejected the content as spam or by policy",
        "Check the content and the sending domain's reputation; resend after changing it",
        has(
            "spam",
            "unsolicited mail",
            "illegal attachment",
            "mail rejected",
            "virus",
            "blocked",
            "listed at",
            " rbl ",
            "content rejected",
            "due to local policy",
            "policy restrictions",
            "message not allowed",
        ),
    ),
)
