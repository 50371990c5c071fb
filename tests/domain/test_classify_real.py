"""The classifier on failure texts that were not written for it (tests/data/real_failures.py).

Every real text must get its class and family; texts of one cause seen with other
addresses, ids, hosts, versions or languages must share one signature; two families must
never share one. The property tests then vary real replies the way real databases do.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.classify import KLASSES, MAX_SIGNATURE, classify, families
from tests.data.real_failures import FAMILY_CLASS, REAL_FAILURES, RealFailure, sent, sent_type


def _id(entry: RealFailure) -> str:
    return f"{entry.family}:{entry.source.split()[0].rsplit('/', 2)[-2:]}"


def test_the_corpus_is_large_and_every_text_has_a_source() -> None:
    assert len(REAL_FAILURES) >= 150
    assert len({e.text for e in REAL_FAILURES}) >= 150  # distinct texts
    assert all(e.source.strip() for e in REAL_FAILURES)
    # every family the corpus expects exists, with the class the corpus expects
    known = families()
    for family, klass in FAMILY_CLASS.items():
        assert known.get(family) == klass, family
    # and the corpus exercises every text family the rules know
    not_in_corpus = {"blacklisted", "opted_out", "duplicate", "bounced", "connection_failed",
                     "no_starttls", "auth_temporary", "too_many_recipients"}  # fmt: skip
    text_families = {f for f in known if f not in not_in_corpus}
    assert text_families <= {e.family for e in REAL_FAILURES}


@pytest.mark.parametrize("entry", REAL_FAILURES, ids=_id)
def test_each_real_text_gets_its_class_and_family(entry: RealFailure) -> None:
    result = classify(entry.text, entry.failure_type)
    assert (result.family, result.klass) == (entry.family, entry.klass), (entry.source, entry.text)
    assert result.explanation and result.fix and result.title
    assert "\n" not in result.signature and len(result.signature) <= MAX_SIGNATURE


def test_one_cause_one_signature_whatever_the_addresses_ids_hosts_and_versions() -> None:
    by_cause: dict[str, set[str]] = defaultdict(set)
    for entry in REAL_FAILURES:
        if entry.cause:
            by_cause[entry.cause].add(classify(entry.text, entry.failure_type).signature)
    assert len(by_cause) >= 30
    split = {cause: sigs for cause, sigs in by_cause.items() if len(sigs) > 1}
    assert not split


def test_different_families_never_share_a_signature() -> None:
    by_signature: dict[str, set[str]] = defaultdict(set)
    for entry in REAL_FAILURES:
        by_signature[classify(entry.text, entry.failure_type).signature].add(entry.family)
    merged = {sig: fams for sig, fams in by_signature.items() if len(fams) > 1}
    assert not merged


def test_different_causes_get_different_signatures() -> None:
    signature_of = {
        entry.cause: classify(entry.text, entry.failure_type).signature
        for entry in REAL_FAILURES
        if entry.cause
    }
    assert len(set(signature_of.values())) == len(signature_of)


# -- properties: real replies, varied the way real databases vary them ---------------------
_FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_versions = st.sampled_from((16, 17, 18, 19))
_langs = st.sampled_from(("", "fr", "es", "de"))
_octet = st.integers(1, 254)
_ip = st.tuples(_octet, _octet, _octet, _octet).map(lambda t: ".".join(map(str, t)))
_label = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)
_host = st.tuples(_label, _label, st.sampled_from(("com", "fr", "net", "org", "de"))).map(
    lambda t: ".".join(t)
)
_local = st.from_regex(r"[a-z][a-z0-9._+-]{0,15}", fullmatch=True)
_address = st.tuples(_local, _host).map(lambda t: f"{t[0]}@{t[1]}")
_gsmtp_id = st.from_regex(r"[a-z0-9]{2,12}sm[0-9]{5,9}[a-z]{2,4}\.[0-9]{1,3}", fullmatch=True)
_m365_host = st.from_regex(r"[A-Z]{2}[0-9][A-Z]{3}[0-9]{2}FT[0-9]{3}", fullmatch=True).map(
    lambda box: f"{box}.eop-EUR04.prod.protection.outlook.com"
)
_stamp = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.") + "512Z")
_server = st.one_of(st.just("None"), _host)


def _reply_templates() -> list[tuple[str, int, str]]:
    """(family, code, reply) with {addr} {ip} {host} {id} {stamp} {box} holes, from the corpus."""
    return [
        ("user_unknown", 550, "5.1.1 The email account that you tried to reach does not exist. "
         "Please try\n5.1.1 double-checking the recipient's email address for typos or\n5.1.1 "
         "unnecessary spaces. Learn more at\n5.1.1  https://support.google.com/mail/?p=NoSuchUser "
         "{id} - gsmtp"),
        ("user_unknown", 550, "5.1.1 <{addr}>: Recipient address rejected: User unknown in local "
         "recipient table"),
        ("blocklisted", 550, "5.7.1 Unfortunately, messages from [{ip}] weren't sent. Please "
         "contact your Internet service provider since part of their network is on our block list "
         "(S3140). You can also refer your provider to "
         "http://mail.live.com/mail/troubleshooting.aspx#errors. [{box} {stamp} 08DB03E3F757F606]"),
        ("blocklisted", 554, "5.7.1 Service unavailable; Client host [{ip}] blocked using "
         "zen.spamhaus.org; https://www.spamhaus.org/query/ip/{ip}"),
        ("throttled", 421, "4.7.0 [TSS04] Messages from {ip} temporarily deferred due to user "
         "complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes"),
        ("greylisted", 450, "4.2.0 <{addr}>: Recipient address rejected: Greylisted, see "
         "http://postgrey.schweikert.ch/help/{host}.html"),
        ("sender_rejected", 450, "4.1.8 <bounce+{id}@{host}>: Sender address rejected: Domain "
         "not found"),
        ("relay_denied", 554, "5.7.1 <{addr}>: Relay access denied"),
        ("sender_identity", 550, "5.7.60 SMTP; Client does not have permissions to send as this "
         "sender. [{box} {stamp}]"),
        ("rejected_content", 550, "5.7.1 [{ip}      12] Our system has detected that this message "
         "is\n5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail,\n5.7.1 "
         "this message has been blocked. Please visit\n5.7.1  "
         "https://support.google.com/mail/?p=UnsolicitedMessageError\n5.7.1  for more "
         "information. {id} - gsmtp"),
    ]  # fmt: skip


_TEMPLATES = _reply_templates()


def _fill(template: str, values: dict[str, str]) -> bytes:
    return template.format(**values).encode()


_values = st.fixed_dictionaries(
    {"addr": _address, "ip": _ip, "host": _host, "id": _gsmtp_id, "stamp": _stamp,
     "box": _m365_host}
)  # fmt: skip


def _refusal(kind: str, code: int, reply: bytes, values: dict[str, str]) -> Exception:
    """The exception smtplib raises for this reply at RCPT, MAIL FROM or DATA."""
    if kind == "rcpt":
        return smtplib.SMTPRecipientsRefused({values["addr"]: (code, reply)})
    if kind == "sender":
        return smtplib.SMTPSenderRefused(code, reply, f"bounce+{values['id']}@{values['host']}")
    return smtplib.SMTPDataError(code, reply)


_kinds = st.sampled_from(("rcpt", "sender", "data"))


@_FAST
@given(st.sampled_from(range(len(_TEMPLATES))), _kinds, _values, _values, _versions, _versions,
       _langs, _server)  # fmt: skip
def test_signature_is_stable_under_addresses_ids_hosts_versions_and_languages(
    which: int,
    kind: str,
    first: dict[str, str],
    second: dict[str, str],
    version_a: int,
    version_b: int,
    lang: str,
    server: str,
) -> None:
    family, code, template = _TEMPLATES[which]

    def stored(values: dict[str, str], version: int, lang: str, server: str | None) -> str:
        exc = _refusal(kind, code, _fill(template, values), values)
        return sent(exc, version, lang, server)

    a = classify(stored(first, version_a, "", None), sent_type(version_a))
    b = classify(stored(second, version_b, lang, server), sent_type(version_b))
    assert a.family == b.family == family
    assert a.signature == b.signature
    assert len(a.signature) <= MAX_SIGNATURE


@_FAST
@given(st.sampled_from(range(len(_TEMPLATES))), _values, _versions,
       st.lists(st.integers(0, 400), max_size=4))  # fmt: skip
def test_signature_ignores_where_the_server_wraps_its_lines(
    which: int, values: dict[str, str], version: int, cuts: list[int]
) -> None:
    """Multi-line replies: smtplib joins lines with \\n after dropping "550-" prefixes."""
    family, code, template = _TEMPLATES[which]
    reply = template.format(**values).replace("\n", " ")
    enhanced = reply.split(" ", 1)[0] if reply[:1].isdigit() else ""
    wrapped = reply
    for cut in sorted(set(cuts), reverse=True):
        at = wrapped.find(" ", min(cut, len(wrapped)))
        if at > 0:
            wrapped = f"{wrapped[:at]}\n{enhanced} {wrapped[at + 1 :]}".replace("\n ", "\n")
    one = sent(smtplib.SMTPDataError(code, reply.encode()), version)
    other = sent(smtplib.SMTPDataError(code, wrapped.encode()), version)
    assert classify(one, None).signature == classify(other, None).signature
    assert classify(other, None).family == family


@_FAST
@given(st.sampled_from(REAL_FAILURES), st.integers(0, 5000), st.text(max_size=200))
def test_real_texts_cut_or_garbled_never_break_the_classifier(
    entry: RealFailure, cut: int, junk: str
) -> None:
    for text in (entry.text[:cut], entry.text[:cut] + junk, junk + entry.text):
        result = classify(text, entry.failure_type)
        assert result.klass in KLASSES
        assert result.signature and "\n" not in result.signature
        assert len(result.signature) <= MAX_SIGNATURE
        assert result.title and len(result.title) <= 40
