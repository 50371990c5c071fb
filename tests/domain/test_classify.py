"""The failure classifier: every catalogue entry, every wording Odoo 16-19 stores, and garbage.

Texts are built the way Odoo builds them (console.smtp.reasons reproduces
`exception_to_unicode` and the MailDeliveryException wrapper per version) from the real
smtplib / ssl / socket exceptions, plus the hand-written provider replies of the catalogue.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import subprocess
import sys
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from console.domain.classify import (
    KLASSES,
    MAX_SCAN,
    MAX_SIGNATURE,
    classify,
    normalise_phrase,
    signature_key,
)
from console.smtp.reasons import delivery_failure_reason, exception_to_unicode

VERSIONS = (16, 17, 18, 19)
WRAPPER = "Mail Delivery Failed\nMail delivery failed via SMTP server '{server}'.\n"

# (family, klass, exception Odoo saw, how it reached failure_reason)
# "wrapped": an SMTP reply during send_email; "connect": connect()/login() raised.
CATALOGUE: list[tuple[str, str, BaseException, str]] = [
    # 1 sender identity
    ("sender_identity", "configuration",
     smtplib.SMTPDataError(550, b"The from address does not match a verified Sender Identity. "
                           b"Mail cannot be sent until this error is resolved."), "wrapped"),
    ("sender_identity", "configuration",
     smtplib.SMTPDataError(550, b"5.7.60 SMTP; Client does not have permissions to send as "
                           b"this sender. [PR3P193MB0812.EURP193.PROD.OUTLOOK.COM 2026-11-26]"),
     "wrapped"),
    ("sender_identity", "configuration",
     smtplib.SMTPSenderRefused(550, b"5.7.1 Client does not have permissions to send as this "
                               b"sender", "info@acme-shop.fr"), "wrapped"),
    # 2 authentication
    ("auth", "configuration",
     smtplib.SMTPAuthenticationError(535, b"5.7.8 Username and Password not accepted. For more "
                                     b"information, go to\n5.7.8  https://support.google.com/"
                                     b"mail/?p=BadCredentials a640c23a62f3a-a9a5d3f0c1fsm12974053"
                                     b"66b.87 - gsmtp"), "connect"),
    ("auth", "configuration", smtplib.SMTPAuthenticationError(535, b"Authentication failed"),
     "connect"),
    # 3 relay / envelope sender
    ("relay_denied", "configuration",
     smtplib.SMTPRecipientsRefused({"a@b.fr": (554, b"5.7.1 <a@b.fr>: Relay access denied")}),
     "wrapped"),
    ("relay_denied", "configuration", smtplib.SMTPDataError(553, b"Relaying disallowed"),
     "wrapped"),
    ("sender_rejected", "configuration",
     smtplib.SMTPSenderRefused(553, b"5.7.1 <bounce+12-sale.order-7@acme-shop.fr>: Sender address "
                               b"rejected: not owned by user claire@acme-shop.fr",
                               "bounce+12-sale.order-7@acme-shop.fr"), "wrapped"),
    ("sender_rejected", "configuration",
     smtplib.SMTPSenderRefused(550, b"Sender verify failed", "bounce@acme-shop.fr"), "wrapped"),
    # 4 throttling
    ("throttled", "transient",
     smtplib.SMTPConnectError(421, b"4.7.0 Too many connections from your IP, try again later"),
     "connect"),
    ("throttled", "transient",
     smtplib.SMTPAuthenticationError(454, b"4.7.0 Too many login attempts, please try again "
                                     b"later."), "connect"),
    ("throttled", "transient",
     smtplib.SMTPDataError(421, b"4.7.28 [203.0.113.5 15] Our system has detected an unusual rate "
                           b"of unsolicited mail originating from your IP address. gsmtp"),
     "wrapped"),
    # 5 too many recipients
    ("too_many_recipients", "permanent-recipient",
     smtplib.SMTPDataError(452, b"4.5.3 Too many recipients"), "wrapped"),
    ("too_many_recipients", "permanent-recipient",
     smtplib.SMTPRecipientsRefused({"x@y.fr": (552, b"5.5.3 Too many recipients")}), "wrapped"),
    # 6 TLS mode/port
    ("tls_mismatch", "configuration",
     ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"), "connect"),
    ("tls_certificate", "configuration",
     ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed:"
                                  " self-signed certificate (_ssl.c:1006)"), "connect"),
    # 7 nothing listens / egress blocked / DNS
    ("refused", "configuration", ConnectionRefusedError(111, "Connection refused"), "connect"),
    ("timeout", "configuration", TimeoutError(110, "Connection timed out"), "connect"),
    ("timeout", "configuration", TimeoutError("timed out"), "connect"),
    ("dns", "configuration", socket.gaierror(-2, "Name or service not known"), "connect"),
    ("dns", "configuration", socket.gaierror(-3, "Temporary failure in name resolution"),
     "connect"),
    # 9 SPF / DKIM / DMARC
    ("unauthenticated", "configuration",
     smtplib.SMTPDataError(550, b"5.7.26 This mail is unauthenticated, which poses a security "
                           b"risk to the sender and Gmail users, and has been blocked."),
     "wrapped"),
    ("unauthenticated", "configuration",
     smtplib.SMTPDataError(550, b"5.7.1 Email rejected per DMARC policy for acme-shop.fr"),
     "wrapped"),
    # 10 Microsoft 365 SMTP AUTH
    ("m365_auth", "configuration",
     smtplib.SMTPSenderRefused(530, b"5.7.57 Client was not authenticated to send anonymous mail "
                               b"during MAIL FROM [AM0PR02CA0123.eurprd02.prod.outlook.com]",
                               "notifications@acme-shop.fr"), "wrapped"),
    ("m365_auth", "configuration",
     smtplib.SMTPAuthenticationError(535, b"5.7.3 Authentication unsuccessful "
                                     b"[AM0PR02CA0123.eurprd02.prod.outlook.com]"), "connect"),
    ("m365_auth", "configuration",
     smtplib.SMTPAuthenticationError(535, b"5.7.139 Authentication unsuccessful, "
                                     b"SmtpClientAuthentication is disabled for the Tenant. Visit "
                                     b"https://aka.ms/smtp_auth_disabled for more information."),
     "connect"),
    # Odoo-internal SMTP exceptions
    ("disconnected", "transient",
     smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "wrapped"),
    ("disconnected", "transient",
     smtplib.SMTPServerDisconnected("please run connect() first"), "wrapped"),
    ("user_unknown", "permanent-recipient",
     smtplib.SMTPRecipientsRefused({"paul@wanadoo.fr": (550, b"5.1.1 <paul@wanadoo.fr>: Recipient"
                                    b" address rejected: User unknown in virtual mailbox table")}),
     "wrapped"),
    ("user_unknown", "permanent-recipient",
     smtplib.SMTPRecipientsRefused({"x@y.com": (550, b"5.1.1 The email account that you tried to "
                                    b"reach does not exist.")}), "wrapped"),
]  # fmt: skip


def stored(exc: BaseException, shape: str, version: int) -> str:
    """failure_reason exactly as Odoo `version` stores it (docs/odoo-queue.md)."""
    if shape == "wrapped":
        return delivery_failure_reason(exc, version)
    return exception_to_unicode(exc, version)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("family", "klass", "exc", "shape"), CATALOGUE)
def test_catalogue_in_every_version_wording(
    family: str, klass: str, exc: BaseException, shape: str, version: int
) -> None:
    reason = stored(exc, shape, version)
    failure_type = "unknown" if shape == "wrapped" and version >= 17 else None
    result = classify(reason, failure_type)
    assert (result.family, result.klass) == (family, klass), reason
    assert result.title and len(result.title) <= 32
    assert result.explanation and result.fix
    assert "\n" not in result.signature
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(exc.recipients.values()))[0]
    if code is not None:
        assert result.smtp_code == code


@pytest.mark.parametrize(("family", "klass", "exc", "shape"), CATALOGUE)
def test_same_cause_same_signature_across_versions_and_wrappers(
    family: str, klass: str, exc: BaseException, shape: str
) -> None:
    signatures = {classify(stored(exc, shape, v), None).signature for v in VERSIONS}
    # 16/17 decode the reply bytes (ustr), 18/19 keep their repr: still one cause.
    assert len(signatures) == 1, signatures
    text = stored(exc, shape, 18)
    for server in ("None", "smtp.example.com"):
        wrapped = WRAPPER.format(server=server) + text if shape == "connect" else text
        assert classify(wrapped, None).signature == classify(text, None).signature


def test_signature_masks_addresses_ids_hosts_and_numbers() -> None:
    def refused(address: str, host: str) -> str:
        exc = smtplib.SMTPRecipientsRefused(
            {address: (550, f"5.1.1 <{address}>: Recipient address rejected [{host}]".encode())}
        )
        return delivery_failure_reason(exc, 18)

    first = classify(refused("anne@orange.fr", "mx1.orange.fr 10.2.3.4"), "unknown")
    second = classify(refused("bob.smith+x@gmail.com", "mx7.google.com 192.0.2.99"), "unknown")
    assert first.signature == second.signature
    assert first.signature.startswith("SMTPRecipientsRefused 550 5.1.1 <addr>")
    assert "orange" not in first.signature and "10.2.3.4" not in first.signature
    assert first.key == second.key == signature_key(first.signature)
    assert first.title == "550 5.1.1 no such user"
    m365 = [
        smtplib.SMTPDataError(
            550,
            f"5.7.60 SMTP; Client does not have permissions to send as this sender. "
            f"[{box}.EURP193.PROD.OUTLOOK.COM 2026-11-{day}T09:12:44.512Z 08DD0E0A{day}]".encode(),
        )
        for box, day in (("PR3P193MB0812", "26"), ("AM9P191MB1234", "27"))
    ]
    signatures = {classify(delivery_failure_reason(e, 17), "unknown").signature for e in m365}
    assert signatures == {
        "SMTPDataError 550 5.7.60 client does not have permissions to send as this sender"
    }


def test_odoo_placeholders_both_spellings() -> None:
    due_to = (
        "Error without exception. Probably due to sending an email without computed recipients."
    )
    due_do = (
        "Error without exception. Probably due do sending an email without computed recipients."
    )
    a, b = classify(due_to, None), classify(due_do, "unknown")
    assert a.signature == b.signature
    # the placeholder Odoo writes before SMTP: cut off (retry works) or, on 16-18, no valid
    # recipient; the advice says both and how to tell, and does not forbid the retry
    assert (a.family, a.klass) == ("send_cut_off", "transient")
    assert "cut off" in a.explanation and "no recipient had a valid address" in a.explanation
    assert "retry" in a.fix and "fix the addresses first" in a.fix
    concurrent = classify(
        "Error without exception. Probably due to concurrent access update of notification "
        "records. Please see with an administrator.",
        "unknown",
    )
    assert (concurrent.family, concurrent.klass) == ("session_interrupted", "transient")
    # the notification of a mail whose recipients were all invalid says which
    assert classify(due_to, "mail_email_missing").family == "missing_address"


@pytest.mark.parametrize(
    ("failure_type", "family", "klass"),
    [
        ("mail_email_invalid", "invalid_address", "permanent-recipient"),
        ("mail_email_missing", "missing_address", "permanent-recipient"),
        ("mail_from_invalid", "from_invalid", "configuration"),
        ("mail_from_missing", "from_missing", "configuration"),
        ("mail_bl", "blacklisted", "permanent-recipient"),
        ("mail_optout", "opted_out", "permanent-recipient"),
        ("mail_dup", "duplicate", "permanent-recipient"),
        ("mail_spam", "spam", "configuration"),
        ("mail_smtp", "connection_failed", "configuration"),
        ("mail_bounce", "bounced", "permanent-recipient"),
    ],
)
def test_failure_type_without_text(failure_type: str, family: str, klass: str) -> None:
    for reason in (None, "", "  "):
        result = classify(reason, failure_type)
        assert (result.family, result.klass) == (family, klass)
        assert result.signature == f"Odoo {failure_type}"


@pytest.mark.parametrize(
    ("reason", "failure_type", "family"),
    [
        ("Malformed 'Return-Path' or 'From' address. It should contain one valid plain ASCII "
         "email", "mail_from_invalid", "from_invalid"),
        ("You must either provide a sender address explicitly or configure using the "
         "combination of `mail.catchall.domain` and `mail.default.from` ICPs, in the server "
         "configuration file or with the --email-from startup parameter.", "mail_from_missing",
         "from_missing"),
        ("Missing SMTP Server\nPlease define at least one SMTP server, or provide the SMTP "
         "parameters explicitly.", None, "no_server"),
        ("At least one valid recipient address should be specified for outgoing emails "
         "(To/Cc/Bcc)", "unknown", "no_recipient"),
        ("Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"
         "OutboundSpamException: spam detected", "mail_spam", "spam"),
        ("Your Odoo database has reached its daily limit of 200 emails", "unknown", "daily_limit"),
        ("550-5.7.26 This mail is unauthenticated, which poses a security risk", "mail_bounce",
         "unauthenticated"),
        ("552 5.2.2 The email account that you tried to reach is over quota.", "mail_bounce",
         "mailbox_full"),
        ("SMTPNotSupportedError: STARTTLS extension not supported by server.", None,
         "no_starttls"),
        ("SMTPNotSupportedError: SMTP AUTH extension not supported by server.", None,
         "auth_not_offered"),
        ("(530, b'5.7.0 Must issue a STARTTLS command first')", None, "starttls_required"),
    ],
)  # fmt: skip
def test_odoo_texts(reason: str, failure_type: str | None, family: str) -> None:
    assert classify(reason, failure_type).family == family


def test_unknown_codes_fall_back_to_their_class() -> None:
    temporary = classify(
        delivery_failure_reason(smtplib.SMTPDataError(451, b"4.4.2 hmm"), 18), None
    )
    permanent = classify(
        delivery_failure_reason(smtplib.SMTPDataError(557, b"5.9.9 odd"), 18), None
    )
    assert (temporary.klass, temporary.family, temporary.smtp_code) == (
        "transient",
        "smtp_4xx",
        451,
    )
    assert temporary.signature == "SMTPDataError 451 4.4.2 hmm"
    assert (permanent.klass, permanent.family, permanent.enhanced_code) == (
        "permanent-recipient",
        "smtp_5xx",
        "5.9.9",
    )
    unknown = classify("Something odd happened on line 12345", "unknown")
    assert unknown.klass == "unrecognised"
    assert unknown.signature == "something odd happened on line <n>"


def test_normalise_phrase() -> None:
    assert (
        normalise_phrase("5.1.1 <a.b@c.fr>: Recipient rejected by mx-1.c.fr [203.0.113.7] id 7f3a2")
        == "<addr>: recipient rejected by <host> id <n>"
    )
    assert normalise_phrase("Sent 'quoted value' at https://x.y/z?q=1 ok") == (
        "sent <v> at <url> ok"
    )


def _db_texts(url: str) -> list[tuple[str, str | None, str]]:
    """(failure_reason, failure_type, where) of every failure the database records."""
    engine = create_engine(url)
    queries = {
        "mail_mail": "SELECT failure_reason, failure_type FROM mail_mail "
        "WHERE state IN ('exception', 'cancel') AND (failure_reason IS NOT NULL "
        "OR failure_type IS NOT NULL)",
        "mail_notification": "SELECT failure_reason, failure_type FROM mail_notification "
        "WHERE notification_status IN ('exception', 'bounce')",
        "mailing_trace": "SELECT failure_reason, failure_type FROM mailing_trace "
        "WHERE trace_status IN ('error', 'bounce', 'cancel') AND failure_reason IS NOT NULL",
    }
    found: list[tuple[str, str | None, str]] = []
    try:
        with engine.connect() as connection:
            for where, sql in queries.items():
                try:
                    rows = list(connection.execute(text(sql)))
                except Exception:  # 16 has no mailing_trace.failure_reason
                    connection.rollback()
                    continue
                # a row with neither text nor type records no failure (16's bounces)
                found += [(r[0], r[1], where) for r in rows if (r[0] or "").strip() or r[1]]
    finally:
        engine.dispose()
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_every_failure_of_the_generated_databases_is_recognised(
    odoo_databases: Any, version: int
) -> None:
    texts = _db_texts(odoo_databases.get("sqlite", version))
    assert len(texts) > 50
    families = set()
    for reason, failure_type, where in texts:
        result = classify(reason, failure_type)
        assert result.klass != "unrecognised", (where, reason, failure_type)
        families.add(result.family)
    assert {"auth", "throttled", "sender_identity", "user_unknown", "refused", "tls_mismatch",
            "send_cut_off", "m365_auth", "relay_denied", "too_many_recipients",
            "disconnected", "sender_rejected"} <= families  # fmt: skip


def test_failures_of_a_postgresql_database(odoo_databases: Any) -> None:
    texts = _db_texts(odoo_databases.get("pg", 17))
    assert texts
    assert all(classify(r, t).klass != "unrecognised" for r, t, _ in texts)


# -- robustness ---------------------------------------------------------------------------
_FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.one_of(st.none(), st.text(max_size=6000)), st.one_of(st.none(), st.text(max_size=40)))
def test_never_raises_and_stays_well_formed(reason: str | None, failure_type: str | None) -> None:
    result = classify(reason, failure_type)
    assert result.klass in KLASSES
    assert result.signature and "\n" not in result.signature
    assert len(result.signature) <= MAX_SIGNATURE
    assert result.title and "\n" not in result.title and len(result.title) <= 40
    assert classify(reason, failure_type) == result  # deterministic


@_FAST
@given(st.binary(max_size=5000))
def test_binaryish_text(data: bytes) -> None:
    for decoded in (data.decode("latin-1"), data.decode("utf-8", "surrogateescape")):
        assert classify(decoded, "unknown").klass in KLASSES


@_FAST
@given(st.text(min_size=1, max_size=300), st.text(max_size=3000))
def test_only_the_first_4kb_count(head: str, tail: str) -> None:
    prefix = (head * (MAX_SCAN // len(head) + 1))[:MAX_SCAN]
    assert classify(prefix + tail, None) == classify(prefix, None)


_local = st.from_regex(r"[a-z][a-z0-9._+-]{0,20}", fullmatch=True)
_domain = st.from_regex(r"[a-z][a-z0-9-]{0,15}\.(fr|com|org|co\.uk)", fullmatch=True)


@_FAST
@given(_local, _domain, st.sampled_from(VERSIONS), st.integers(0, 10**9))
def test_signature_ignores_the_recipient_and_ids(
    local: str, domain: str, version: int, queue_id: int
) -> None:
    address = f"{local}@{domain}"
    exc = smtplib.SMTPRecipientsRefused(
        {address: (550, f"5.1.1 <{address}>: Recipient address rejected ({queue_id})".encode())}
    )
    result = classify(delivery_failure_reason(exc, version), "unknown")
    assert result.signature == "SMTPRecipientsRefused 550 5.1.1 <addr>: recipient address rejected"


def test_huge_text_is_cheap() -> None:
    huge = "Mail Delivery Failed\n" + ("x" * 50 + " 550 5.1.1 <a@b.c> ") * 200_000
    started = time.perf_counter()
    result = classify(huge, "unknown")
    assert time.perf_counter() - started < 0.5
    assert result.klass in KLASSES


@pytest.mark.parametrize("module", ["console.domain.classify", "console.domain.health"])
def test_domain_modules_import_no_io_layers(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = [m for m in ('sqlalchemy', 'psycopg', 'textual', 'aiosmtplib') "
        "if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
