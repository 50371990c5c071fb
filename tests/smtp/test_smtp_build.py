"""The pure parts of sending: headers column, Odoo's address helpers, server choice,
From rewriting, envelope, MIME building and Odoo's failure texts, per version.

Expectations are worked out from Odoo's source (16.0 eagle_odoo_c16 @ 2371f5b, 17.0
GG-Hung/Ticket @ 211c5b7, 18.0 sajjatdev/odoo-docker @ 1e96389, 19.0
jnvdx6/skymedic-odoo @ 85dffc0), not from this code.
"""

from __future__ import annotations

import smtplib
import ssl
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest

from console.domain.from_filter import match_from_filter
from console.domain.mailtools import (
    email_normalize,
    email_split_and_format,
    encapsulate_email,
    extract_rfc2822_addresses,
    formataddr,
    is_html_empty,
    replace_local_links,
)
from console.smtp.build import (
    AttachmentData,
    MailContent,
    Recipient,
    build_message,
    linked_attachment_ids,
    outgoing_list,
    sender_address,
)
from console.smtp.headers import MAX_HEADERS_CHARS, parse_headers
from console.smtp.plaintext import html2plaintext
from console.smtp.reasons import delivery_failure_reason, send_failure, text_of
from console.smtp.sender import flatten, odoo_equivalent
from console.smtp.server_choice import (
    NO_VALID_FROM,
    NO_VALID_RECIPIENT,
    ConfSmtp,
    EnvelopeContext,
    MailServer,
    find_mail_server,
    prepare_envelope,
    resolve_endpoint,
)

VERSIONS = (16, 17, 18, 19)


# -- the headers column ------------------------------------------------------------------
def test_headers_dict_literal_is_read() -> None:
    raw = repr({"X-Odoo-Objects": "sale.order-7", "Return-Path": "bounce@acme.test"})
    assert parse_headers(raw) == {
        "X-Odoo-Objects": "sale.order-7",
        "Return-Path": "bounce@acme.test",
    }


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "not python", "['a', 'b']", "{'a': __import__('os')}", "{" * 5000,
     "{'X': 'y'}" + " " * MAX_HEADERS_CHARS],
)  # fmt: skip
def test_headers_that_are_not_a_small_dict_literal_are_ignored(raw: str | None) -> None:
    assert parse_headers(raw) == {}


def test_headers_keep_only_str_pairs_with_valid_names_and_no_line_breaks() -> None:
    raw = repr(
        {
            "X-Ok": "value",
            "X-Number": 3,
            7: "seven",
            "Bad Name": "x",
            "Bad:Name": "x",
            "X-Inject": "v\r\nBcc: victim@evil.test",
            "X-Folded": "first\r\n second",
        }
    )
    assert parse_headers(raw) == {
        "X-Ok": "value",
        "X-Inject": "v Bcc: victim@evil.test",
        "X-Folded": "first second",
    }


# -- Odoo's address helpers ---------------------------------------------------------------
def test_formataddr_quotes_and_escapes_like_odoo() -> None:
    assert formataddr(("John Doe", "john@example.com")) == '"John Doe" <john@example.com>'
    assert formataddr(("", "john@example.com")) == "john@example.com"
    assert formataddr(('Say "hi"', "a@b.test")) == '"Say \\"hi\\"" <a@b.test>'
    assert formataddr(("Zoé", "z@b.test"), charset="ascii") == "=?utf-8?b?Wm/DqQ==?= <z@b.test>"
    assert formataddr(("", "user@exämple.test"), charset="ascii") == "user@xn--exmple-cua.test"
    # Odoo's recipient placeholder for a partner without any email
    assert formataddr(("Garage", "False")) == '"Garage" <@False>'


def test_split_format_normalize_and_encapsulate() -> None:
    assert email_split_and_format("Ann <ann@a.test>, bob@b.test") == [
        '"Ann" <ann@a.test>',
        "bob@b.test",
    ]
    assert email_split_and_format("Ann ann@a.test") == ['"Ann" <ann@a.test>']
    assert email_normalize('"Ann" <Ann.Lee@A.Test>') == "ann.lee@a.test"
    assert email_normalize("a@a.test, b@b.test") is None
    assert encapsulate_email('"Admin" <admin@gmail.com>', "notifications@odoo.test") == (
        '"Admin" <notifications@odoo.test>'
    )
    assert encapsulate_email("admin@gmail.com", "notifications@odoo.test") == (
        '"admin" <notifications@odoo.test>'
    )
    assert extract_rfc2822_addresses('"X" <x@a.test>, y@b.test, "Z" <@False>') == [
        "x@a.test",
        "y@b.test",
    ]


def test_html_helpers() -> None:
    assert is_html_empty('<p style="x"><br></p>')
    assert not is_html_empty("<p>Hi</p>")
    assert replace_local_links(
        '<a href="/my/orders">x</a><img src="//cdn/x.png"/>', "https://erp.test"
    ) == ('<a href="https://erp.test/my/orders">x</a><img src="//cdn/x.png"/>')
    assert linked_attachment_ids('<a href="/web/content/12?download=1">f</a> /web/image/7') == {
        12,
        7,
    }


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("<p>Hello <b>World</b></p><p>See <a href=\"https://x.test/a\">our site</a></p>",
         "Hello *World*\nSee our site [1]\n\n\n[1] https://x.test/a"),
        ("<div>Dear Ann,<br/>invoice <strong>INV/1</strong><br><br>--<br>Acme</div>"
         "<img src=\"/web/image/logo.png?x=1\"/>",
         "Dear Ann,\ninvoice *INV/1*\n--\nAcme logo [1]\n\n[1] /web/image/logo.png?x=1"),
        ("plain &amp; simple", "plain & simple"),
        ("<h1>Title</h1><p><em>soft</em> &lt;tag&gt;</p>", "**Title** /soft/ <tag>"),
    ],
)  # fmt: skip
def test_html2plaintext_follows_odoo(html: str, text: str) -> None:
    assert html2plaintext(html, 17) == text


# -- server choice ------------------------------------------------------------------------
def _server(
    sid: int, from_filter: str | None, sequence: int = 10, active: bool = True
) -> MailServer:
    return MailServer(
        id=sid, name=f"s{sid}", from_filter=from_filter, smtp_host="h", smtp_port=25,
        sequence=sequence, active=active,
    )  # fmt: skip


@pytest.mark.parametrize("version", VERSIONS)
def test_find_mail_server_order_of_preference(version: int) -> None:
    exact = _server(1, "sales@acme.test")
    domain = _server(2, "acme.test")
    notif = _server(3, "notif.test")
    catch_all = _server(4, None)
    servers = [exact, domain, notif, catch_all]
    find = lambda frm, srv: find_mail_server(  # noqa: E731
        frm, srv, version=version, notifications_email="bot@notif.test", default_from_filter=None
    )
    assert find('"S" <sales@acme.test>', servers) == (exact, '"S" <sales@acme.test>')
    assert find("other@ACME.test", servers) == (domain, "other@ACME.test")
    assert find("x@gmail.test", servers) == (notif, "bot@notif.test")
    expected_from = "x@gmail.test" if version <= 16 else "bot@notif.test"
    assert find("x@gmail.test", [domain, catch_all]) == (catch_all, expected_from)
    assert find("x@gmail.test", [domain]) == (domain, expected_from)
    archived = [_server(9, "gmail.test", active=False)]
    assert find("x@gmail.test", archived) == (None, "x@gmail.test")


def test_from_filter_lists_only_from_17() -> None:
    listed = _server(1, "a@acme.test, other.test")
    servers = [listed]
    for version in (17, 18, 19):
        assert find_mail_server(
            "x@other.test", servers, version=version, notifications_email=None,
            default_from_filter=None,
        ) == (listed, "x@other.test")  # fmt: skip
        assert match_from_filter("x@other.test", "a@acme.test,other.test", version)
    # 16: from_filter is one address or one domain
    assert not match_from_filter("x@other.test", "a@acme.test,other.test", 16)
    assert match_from_filter("x@other.test", "OTHER.test", 16)
    assert match_from_filter("anything", None, 16)


def test_endpoint_from_server_or_odoo_conf() -> None:
    server = MailServer(
        id=3, name="Relay", from_filter="acme.test", smtp_host="relay.test", smtp_port=None,
        smtp_user="u", smtp_pass="secret-pw", smtp_encryption="ssl",
    )  # fmt: skip
    endpoint = resolve_endpoint(server, ConfSmtp(), None)
    assert (endpoint.host, endpoint.port, endpoint.encryption, endpoint.user) == (
        "relay.test", 465, "ssl", "u",
    )  # fmt: skip
    assert "secret-pw" not in repr(endpoint) and "secret-pw" not in repr(server)
    fallback = resolve_endpoint(None, ConfSmtp(), "acme.test")
    assert (fallback.host, fallback.port, fallback.encryption, fallback.from_filter) == (
        "localhost", 25, "none", "acme.test",
    )  # fmt: skip
    conf = ConfSmtp(smtp_server="mx.test", smtp_port=2525, smtp_ssl=True, smtp_password="pw")
    starttls = resolve_endpoint(None, conf, None)
    assert (starttls.host, starttls.port, starttls.encryption) == ("mx.test", 2525, "starttls")
    cli = MailServer(id=4, name="CLI", from_filter="cli.test", smtp_authentication="cli")
    assert resolve_endpoint(cli, conf, None).host == "mx.test"
    assert resolve_endpoint(cli, conf, None).from_filter == "cli.test"
    oauth = MailServer(id=5, name="Gmail", smtp_host="smtp.gmail.com", smtp_authentication="gmail")
    assert "OAuth" in (resolve_endpoint(oauth, conf, None).unsupported or "")


# -- From rewrite and envelope -------------------------------------------------------------
def _message(frm: str, to: list[str], return_path: object = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to
    if return_path is not None:
        msg["Return-Path"] = return_path
    return msg


@pytest.mark.parametrize("version", VERSIONS)
def test_from_is_encapsulated_when_sending_as_the_notifications_address(version: int) -> None:
    msg = _message('"Ann Ext" <ann@gmail.test>', ['"Bob" <bob@x.test>'], "bounce@acme.test")
    ctx = EnvelopeContext(
        version=version, session_smtp_from="notifications@acme.test",
        session_from_filter="acme.test", notifications_email="notifications@acme.test",
        domain_bounce_address=None, default_bounce_address=None,
    )  # fmt: skip
    sender, recipients = prepare_envelope(msg, ctx)
    assert str(msg["From"]) == "Ann Ext <notifications@acme.test>"
    assert sender == "bounce@acme.test"  # the bounce address matches the from_filter
    assert recipients == ["bob@x.test"]


@pytest.mark.parametrize("version", VERSIONS)
def test_envelope_sender_is_the_from_when_the_bounce_does_not_match(version: int) -> None:
    msg = _message('"Ann" <ann@acme.test>', ["bob@x.test"], "bounce@other.test")
    ctx = EnvelopeContext(version, '"Ann" <ann@acme.test>', "acme.test", None, None, None)
    assert prepare_envelope(msg, ctx) == ("ann@acme.test", ["bob@x.test"])


def test_envelope_errors_carry_odoo_arguments() -> None:
    no_to = _message("a@acme.test", [])
    with pytest.raises(AssertionError) as missing:
        prepare_envelope(no_to, EnvelopeContext(17, None, None, None, None, None))
    assert str(missing.value) == NO_VALID_RECIPIENT
    for version, expected_args in ((16, 1), (17, 2)):
        bad_from = _message("not an address", ["b@x.test"])
        with pytest.raises(AssertionError) as invalid:
            prepare_envelope(bad_from, EnvelopeContext(version, None, None, None, None, None))
        assert len(invalid.value.args) == expected_args
        reason, failure_type = send_failure(invalid.value, version, delivery=False)
        assert reason.startswith("Malformed 'Return-Path' or 'From' address: ")
        assert failure_type == ("unknown" if version == 16 else "mail_from_invalid")
    assert NO_VALID_FROM.startswith("Malformed")


def test_18_only_sends_to_pre_validated_addresses() -> None:
    msg = _message("a@acme.test", ["Bob@X.test", "carl@y.test"])
    ctx = EnvelopeContext(18, None, None, None, None, None, validated_to=("carl@y.test",))
    assert prepare_envelope(msg, ctx)[1] == ["carl@y.test"]


# -- building the messages ---------------------------------------------------------------
def _content(version: int, **overrides: object) -> MailContent:
    values: dict[str, object] = {
        "mail_id": 1, "version": version, "email_from": '"Claire" <claire@acme.test>',
        "email_to": "Ext One <ext1@example.org>", "email_cc": "cc@example.org",
        "subject": "Invoice INV/1", "body_html": '<p>Hi <a href="/my/inv/1">inv</a></p>',
        "reply_to": None, "message_id": "<msg.1@acme.test>",
        "references": "<parent.0@acme.test> <msg.1@acme.test>",
        "headers": {"X-Odoo-Objects": "account.move-1"}, "model": "account.move", "res_id": 1,
        "recipients": (Recipient(5, "Bob Buyer", "Bob@Buyer.test"), Recipient(6, None, None)),
        "attachments": (AttachmentData(9, "INV_1.pdf", "application/pdf", b"%PDF-1.4 x"),),
        "return_path": "bounce@acme.test", "base_url": "https://erp.acme.test",
        "default_from": "notifications@acme.test",
    }  # fmt: skip
    values.update(overrides)
    return MailContent(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", VERSIONS)
def test_outgoing_list_groups_like_odoo(version: int) -> None:
    entries = outgoing_list(_content(version))
    assert [e.partner_id for e in entries] == [None, 5, 6]
    assert entries[0].email_to == ['"Ext One" <ext1@example.org>']
    bob = '"Bob Buyer" <bob@buyer.test>'
    no_email = '"False" <@False>' if version <= 16 else "@False"
    assert entries[1].email_to == [bob]
    assert entries[2].email_to == [no_email]
    if version <= 16:
        assert [e.email_cc for e in entries] == [["cc@example.org"]] * 3
    else:
        assert [e.email_cc for e in entries] == [["cc@example.org"], [], []]
    link = "/my/inv/1" if version <= 16 else "https://erp.acme.test/my/inv/1"
    assert f'href="{link}"' in entries[0].body
    return_path = entries[0].headers["Return-Path"]
    assert return_path == "bounce@acme.test"


def test_cc_only_mail_gets_its_own_message_from_17() -> None:
    content = _content(17, email_to=None, recipients=())
    entries = outgoing_list(content)
    assert [(e.email_to, e.email_cc) for e in entries] == [([], ["cc@example.org"])]
    assert outgoing_list(_content(16, email_to=None, recipients=())) == []


def test_return_path_default_and_header_override_per_version() -> None:
    stored = {"Return-Path": "bounce+77@acme.test"}
    for version in VERSIONS:
        entry = outgoing_list(_content(version, headers=stored))[0]
        assert entry.headers["Return-Path"] == "bounce+77@acme.test"
    assert "Return-Path" not in outgoing_list(_content(16, return_path=None))[0].headers
    assert outgoing_list(_content(17, return_path=None))[0].headers["Return-Path"] is False


@pytest.mark.parametrize("version", VERSIONS)
def test_build_message_like_build_email(version: int) -> None:
    content = _content(version, headers={"X-Odoo-Objects": "account.move-1", "X-Tag": "t"})
    spec = outgoing_list(content)[1]
    msg = build_message(content, spec, sender_address(content))
    assert msg["Message-Id"] == "<msg.1@acme.test>"
    assert msg["References"] == "<parent.0@acme.test> <msg.1@acme.test>"
    assert msg["Subject"] == "Invoice INV/1"
    assert msg["Reply-To"] == msg["From"] == "Claire <claire@acme.test>"
    assert msg["To"] == '"Bob Buyer" <bob@buyer.test>'  # the list is kept as given
    assert msg["X-Tag"] == "t" and msg["Return-Path"] == "bounce@acme.test"
    assert str(msg["Date"]).endswith("-0000")
    parts = [(p.get_content_type(), p.get_filename()) for p in msg.walk()]
    assert parts == [
        ("multipart/mixed", None),
        ("multipart/alternative", None),
        ("text/plain", None),
        ("text/html", None),
        ("application/pdf", "INV_1.pdf"),
    ]
    raw = flatten(msg, international=False)
    # Odoo sets msg["references"]: the header name goes out in lower case
    assert b"\r\nreferences: <parent.0@acme.test> <msg.1@acme.test>\r\n" in raw
    parsed = message_from_bytes(raw, policy=default_policy)
    attachment = next(p for p in parsed.walk() if p.get_filename())
    assert attachment.get_content() == b"%PDF-1.4 x"


def test_long_references_are_not_folded() -> None:
    refs = " ".join(f"<{'x' * 40}.{i}@acme.test>" for i in range(6))
    content = _content(17, references=refs)
    msg = build_message(content, outgoing_list(content)[0], "a@acme.test")
    assert f"references: {refs}\r\n".encode() in flatten(msg, international=False)


def test_stored_header_cannot_replace_a_single_header_as_in_odoo() -> None:
    content = _content(17, headers={"Subject": "Spoofed"})
    with pytest.raises(ValueError, match="at most 1 Subject"):
        build_message(content, outgoing_list(content)[0], "a@acme.test")


def test_message_id_is_generated_when_missing() -> None:
    content = _content(17, message_id=None)
    msg = build_message(content, outgoing_list(content)[0], "a@acme.test")
    assert "-openerp-1-account.move@" in str(msg["Message-Id"])


# -- Odoo's failure texts -----------------------------------------------------------------
def test_smtp_errors_become_odoo_texts_per_version() -> None:
    import aiosmtplib

    refused = odoo_equivalent(
        aiosmtplib.SMTPRecipientsRefused(
            [aiosmtplib.SMTPRecipientRefused(550, "5.1.1 unknown", "x@y.test")]
        )
    )
    expected = (
        "Mail Delivery Failed\nMail delivery failed via SMTP server 'None'.\n"
        "SMTPRecipientsRefused: {'x@y.test': (550, b'5.1.1 unknown')}"
    )
    assert delivery_failure_reason(refused, 17) == expected
    assert delivery_failure_reason(refused, 18) == expected
    data = odoo_equivalent(aiosmtplib.SMTPDataError(451, "4.3.0 try later"))
    assert isinstance(data, smtplib.SMTPDataError)
    assert delivery_failure_reason(data, 16).endswith("SMTPDataError: 451\n4.3.0 try later")
    assert delivery_failure_reason(data, 18).endswith("SMTPDataError: (451, b'4.3.0 try later')")
    auth = odoo_equivalent(aiosmtplib.SMTPAuthenticationError(535, "5.7.8 bad"))
    assert text_of(auth, 17) == "535\n5.7.8 bad"
    assert text_of(auth, 18) == "535\nb'5.7.8 bad'"
    refused_conn = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 1)")
    wrapped = aiosmtplib.SMTPConnectError("Error connecting")
    wrapped.__cause__ = refused_conn
    assert text_of(odoo_equivalent(wrapped), 17) == "111\nConnection refused"
    tls = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    assert (
        text_of(odoo_equivalent(tls), 18) == "1\n[SSL: WRONG_VERSION_NUMBER] wrong version number"
    )
    read_timeout = odoo_equivalent(aiosmtplib.SMTPReadTimeoutError("Timed out"))
    assert isinstance(read_timeout, smtplib.SMTPServerDisconnected)
    assert str(read_timeout) == "Connection unexpectedly closed: timed out"
    assert str(odoo_equivalent(aiosmtplib.SMTPServerDisconnected("Connection lost"))) == (
        "Connection unexpectedly closed"
    )
