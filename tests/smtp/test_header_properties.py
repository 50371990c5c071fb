"""Properties of everything that becomes a mail header (hypothesis).

The `headers` column of mail_mail is a Python dict literal that Odoo reads with
ast.literal_eval; subjects, addresses and partner names go into headers as they are.
Whatever is stored there, the console must never raise while reading it, never hand a
line break to a header, and never write or send a message with a header nobody set: the
.eml export and Send now either build exactly the headers they set, or refuse the mail
(as Odoo fails it) and send nothing. The examples behind these properties are in
tests/backends/test_hostile_data.py and tests/services/test_support_eml.py.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import compat32

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from console.backends.sql import SqlBackend, open_backend
from console.config.connection import ConnectionSettings
from console.domain.errors import ConsoleError
from console.services.send.send_now import send_now
from console.services.support.eml import ExportRefused, build_export
from console.smtp.build import ODOO_SMTP_POLICY
from console.smtp.header_check import HeaderWriteError
from console.smtp.headers import MAX_HEADERS_CHARS, parse_headers
from console.smtp.sender import flatten
from testkit.smtp_server import SmtpTestServer
from tests.helpers.db import Db, MakeDb
from tests.helpers.mails import UID, add_mail

FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 field-name
LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # all that str.splitlines() splits on
INJECTED = "X-Injected"
# An RFC 2047 encoded word that decodes to CR LF + a header: Python before 3.11.10 wrote
# it out decoded (CVE-2024-6923); hypothesis found it here.
ENCODED_BREAK = "=?utf-8?q?Invoice=0D=0AX-Injected=3A_1?="

# Pieces that make header injection likely: line breaks of every kind, a header that
# must never appear, folding blanks, encoded-word and address syntax, non-ASCII.
HOSTILE_PIECES = [
    "Invoice",
    "\r\n",
    "\n",
    "\r",
    "\r\n ",
    "\n\t",
    *LINE_BREAKS[2:],
    f"{INJECTED}: 1",
    "Bcc: evil@attacker.example",
    ": ",
    ",",
    ";",
    '"',
    "<evil@attacker.example>",
    "ana@example.org",
    " ",
    "é",
    ENCODED_BREAK,
    "\x00",
]
hostile_text = st.one_of(
    st.lists(st.sampled_from(HOSTILE_PIECES), max_size=8).map("".join),
    st.text(max_size=40),
)
header_names = st.one_of(
    st.from_regex(FIELD_NAME, fullmatch=True).filter(lambda n: len(n) <= 30),
    hostile_text,
)
literal_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.tuples(inner, inner)),
    max_leaves=6,
)
header_dicts = st.dictionaries(st.one_of(header_names, st.integers()), literal_values, max_size=6)


def _header_block(data: bytes) -> bytes:
    end = data.find(b"\r\n\r\n")
    assert end >= 0, data[:300]
    return data[: end + 2]


def assert_only_these_headers(data: bytes, expected: list[str]) -> None:
    """The serialized message's header block has exactly `expected` (in order), each on
    CRLF-terminated physical lines: no bare CR or LF, no line that is not a header or a
    folded continuation, and no header that was not set (an injection)."""
    block = _header_block(data)
    assert block.replace(b"\r\n", b"").count(b"\n") == 0, block
    assert block.replace(b"\r\n", b"").count(b"\r") == 0, block
    names = []
    for line in block.split(b"\r\n")[:-1]:
        if line[:1] in (b" ", b"\t"):
            assert names, block  # a continuation needs a header before it
            continue
        name, colon, _ = line.partition(b":")
        assert colon and FIELD_NAME.fullmatch(name.decode("ascii", "replace")), line
        names.append(name.decode().lower())
    assert names == [n.lower() for n in expected], (names, expected)
    parsed = email.message_from_bytes(data, policy=compat32)
    assert [k.lower() for k in parsed] == names
    assert INJECTED.lower() not in names


# -- the headers column -----------------------------------------------------------------
@given(st.text(max_size=300))
def test_parse_headers_never_raises_on_any_text(raw: str) -> None:
    headers = parse_headers(raw)
    assert isinstance(headers, dict)


@given(
    st.one_of(
        header_dicts.map(repr),
        # a dict literal cut short, or followed by junk
        st.tuples(header_dicts.map(repr), st.integers(0, 200), hostile_text).map(
            lambda t: t[0][: t[1]] + t[2]
        ),
        # nesting deep enough to hit the parser's recursion limits
        st.integers(0, 3000).map(lambda n: "{'X-A': " + "[" * n + "]" * n + "}"),
        st.integers(0, 3000).map(lambda n: "{'X-A': 'v'" + ", 'X-B': ((" * n),
    )
)
@example(repr({"X-Evil\n": "a name may not end in a line feed"}))
def test_parse_headers_never_raises_nor_yields_a_line_break(raw: str) -> None:
    headers = parse_headers(raw)
    for name, value in headers.items():
        assert isinstance(name, str) and isinstance(value, str)
        assert FIELD_NAME.fullmatch(name), name
        assert "\r" not in value and "\n" not in value, value


def test_parse_headers_ignores_a_literal_over_the_size_bound() -> None:
    raw = repr({"X-Big": "x" * MAX_HEADERS_CHARS})
    assert len(raw) > MAX_HEADERS_CHARS and parse_headers(raw) == {}


@given(
    st.dictionaries(
        st.from_regex(FIELD_NAME, fullmatch=True),
        st.text().filter(lambda v: "\r" not in v and "\n" not in v),
        max_size=8,
    )
)
def test_parse_headers_round_trips_well_formed_dicts(headers: dict[str, str]) -> None:
    assert parse_headers(repr(headers)) == headers
    assert parse_headers(str(headers)) == headers


@given(st.dictionaries(st.from_regex(FIELD_NAME, fullmatch=True), hostile_text, max_size=4))
@example({"X-Note": ENCODED_BREAK})
def test_stored_headers_are_sent_as_set_or_refused(headers: dict[str, str]) -> None:
    """Set on a message with Odoo's policy and serialized as Send now does: the header
    block has exactly the headers set, or the mail is refused before anything is
    serialized (Python refuses a line separator in a value; a value that would be written
    with a line break raises HeaderWriteError, as on a patched Python)."""
    message = EmailMessage(policy=ODOO_SMTP_POLICY)
    message["From"] = "claire@acme.example"
    expected = ["From"]
    for name, value in parse_headers(repr(headers)).items():
        if name.lower() in (n.lower() for n in expected):
            continue  # a second From/Subject raises in Python and in Odoo: not this test
        try:
            message[name] = value
        except ValueError:
            continue  # a line-separator character Python refuses in any header value
        expected.append(name)
    try:
        data = flatten(message, False)
    except HeaderWriteError:
        return
    assert_only_these_headers(data, expected)


# -- what the console writes (.eml) and sends, against PostgreSQL -------------------------
@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpTestServer]:
    with SmtpTestServer() as server:
        yield server


@pytest.fixture
def pg17(make_db: MakeDb, smtp: SmtpTestServer) -> Db:
    db = make_db("pg", 17)
    db.cancel_outgoing()
    db.sql(
        "UPDATE ir_mail_server SET smtp_host = '127.0.0.1', smtp_port = :port, "
        "smtp_encryption = 'none', smtp_user = NULL, smtp_pass = NULL",
        port=smtp.port,
    )
    return db


# What the builder may set on a message (IrMailServer.build_email, the stored X-Note of
# these mails, Return-Path) and the MIME headers of the parts.
BUILT_HEADERS = frozenset(
    {
        "message-id",
        "references",
        "subject",
        "from",
        "reply-to",
        "to",
        "cc",
        "date",
        "x-note",
        "return-path",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)
db_text = hostile_text.map(lambda text: text.replace("\x00", ""))  # PostgreSQL text has no NUL


@pytest.mark.slow  # over 5 s here: -m 'not slow' leaves it out
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(ENCODED_BREAK, '"Claire" <claire@acme.example>', "ana@example.org", "Ana", "note")
@example(
    "Invoice\r\nBcc: evil@attacker.example",
    "Eve <eve@x.example>\r\nX-Injected: 1",
    "to@x.example\r\nBcc: a@b.c",
    "Ana\r\nX-Injected: 2",
    "a\r\nX-Injected: 3",
)
@given(
    subject=db_text,
    email_from=st.one_of(db_text, st.just('"Claire" <claire@acme.example>')),
    email_to=st.one_of(db_text, st.just("ana@example.org")),
    partner_name=db_text,
    note=db_text,
)
def test_export_and_send_never_carry_an_injected_header(
    pg17: Db,
    smtp: SmtpTestServer,
    subject: str,
    email_from: str,
    email_to: str,
    partner_name: str,
    note: str,
) -> None:
    """A mail with line breaks anywhere in its subject, addresses, partner name and
    stored headers: its .eml export and what Send now hands the SMTP server carry only
    the headers the builder set, or the export is refused and the message not sent
    (the mail fails with Odoo's reason)."""
    mail_id = add_mail(
        pg17,
        subject=subject,
        email_from=email_from,
        email_to=email_to,
        partners=((partner_name or "Ana", "ana.partner@example.org"),),
        headers={"X-Note": note},
    ).id
    backend = open_backend(ConnectionSettings(db_url=pg17.url))
    try:
        _export_and_send(backend, smtp, mail_id)
    finally:
        backend.close()


def _export_and_send(backend: SqlBackend, smtp: SmtpTestServer, mail_id: int) -> None:
    try:
        export = build_export(backend, mail_id)
    except ConsoleError:
        export = None  # refused, in one line: nothing written
        event("export refused")
    else:
        for exported in export.messages:
            message = exported.message
            expected = [k for k in message if k.lower() not in ("bcc", "resent-bcc")]
            assert {k.lower() for k in expected} <= BUILT_HEADERS, expected
            assert_only_these_headers(exported.data, expected)
    before = len(smtp.received)
    report = send_now(backend, [mail_id], uid=UID)
    sent = smtp.received[before:]
    event("sent" if mail_id in report.sent else "failed or skipped")
    # A mail of several messages can fail on a later one after the first was accepted,
    # exactly as in Odoo's loop: whatever reached the server is checked.
    for received in sent:
        names = [k for k in email.message_from_bytes(received.data, policy=compat32)]
        assert {n.lower() for n in names} <= BUILT_HEADERS, names
        assert_only_these_headers(received.data, names)
        for single in ("subject", "from", "to", "message-id"):
            assert [n.lower() for n in names].count(single) == 1, names
    if export is not None and mail_id in report.sent:  # the export is what Send now sends
        assert len(sent) == sum(1 for m in export.messages if m.sendable)


def test_an_encoded_line_break_fails_the_mail_as_odoo_does_on_a_patched_python(
    pg17: Db, smtp: SmtpTestServer
) -> None:
    mail_id = add_mail(pg17, subject=ENCODED_BREAK, email_to="ana@example.org").id
    backend = pg17.backend()
    with pytest.raises(ExportRefused, match="HeaderWriteError: folded header contains newline"):
        build_export(backend, mail_id)
    before = len(smtp.received)
    report = send_now(backend, [mail_id], uid=UID)
    assert smtp.received[before:] == []
    assert report.sent == []
    reason = report.failed[mail_id]
    assert reason.startswith("Mail Delivery Failed\nMail delivery failed via SMTP server")
    assert "HeaderWriteError: folded header contains newline: b'Subject: Invoice\\r\\n" in reason
    state, stored = pg17.sql(
        "SELECT state, failure_reason FROM mail_mail WHERE id = :id", id=mail_id
    )[0]
    assert (state, stored) == ("exception", reason)
