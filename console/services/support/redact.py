"""Remove secrets (always) and mask e-mail addresses (on request) from support material.

Two layers, both pure:

* the secrets the bundle read from the database and odoo.conf (``smtp_pass``, incoming
  server passwords, OAuth tokens, ICP values under secret-like keys, the database URL
  password) are replaced wherever they appear, in their encoded forms too (base64, AUTH
  PLAIN/LOGIN, URL-encoded): `console.domain.secrets.SecretMask`, the mask every output
  of the console uses;
* patterns catch what nobody told us about: ``user:password@`` in URLs,
  ``access_token=``-like query parameters, ``Authorization`` / ``X-Api-Key``-like
  headers, ``password=...`` / ``'api_key': '...'`` pairs and ``Bearer`` tokens.

With ``addresses=True`` every e-mail address becomes ``u<n>@d<m>.example``: the same
address always gets the same mask, and two addresses of one domain share ``d<m>``; the
people's names go with them (``Person <n>``, see people.py).
"""

from __future__ import annotations

import email.policy
import re
from collections.abc import Callable, Iterable, Mapping
from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from email.utils import getaddresses
from typing import Any

from console.domain.secrets import Credential, SecretMask, is_secret_name
from console.services.support.people import ADDRESS_HEADERS, NameMask

REDACTED = "[redacted]"

# Names of headers whose value is a secret.
_SECRET_HEADERS = re.compile(
    r"(?i)^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|"
    r"x-auth-token|x-access-token|x-.*(?:token|secret|api-?key|password).*)$"
)
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/:@<>\"']*):([^\s/@<>\"']+)@")
_QUERY_SECRET = re.compile(
    r"(?i)([?&;](?:access_token|token|auth_token|api_key|apikey|key|secret|password|"
    r"passwd|pass|signature|sig|hash|session_id|code|otp)=)[^&\s#\"'<>]+"
)
_HEADER_LINE = re.compile(
    r"(?im)^([ \t]*(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|"
    r"x-auth-token|x-access-token)[ \t]*:[ \t]*)[^\r\n]+"
)
_QUOTED_PAIR = re.compile(
    r"(?i)([\"'](?:[\w.\-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|"
    r"authorization|x-api-key|cookie|credential)[\w.\-]*)[\"']\s*[:=]\s*)"
    r"(b?[\"'])((?:\\.|(?!\2).)*)\2"
)
_BARE_PAIR = re.compile(
    r"(?i)\b((?:[\w.\-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|smtp_pass))"
    r"\s*[:=]\s*)(?![\"'\[])([^\s,;&}<>\"']+)"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+([A-Za-z0-9._~+/=\-]{8,})")
_EMAIL = re.compile(r"(?<![\w.+%\-])[\w.+%\-][\w.+%'\-]*@[\w\-]+(?:\.[\w\-]+)+")
_ADDRESS_HEADERS = {name.lower() for name in ADDRESS_HEADERS}
_ALREADY_MASKED = re.compile(r"^u\d+@d\d+\.example$")


__all__ = [
    "REDACTED",
    "Redactor",
    "is_secret_header",
    "is_secret_name",
    "mask_message",
    "redact_message",
]


def is_secret_header(name: str) -> bool:
    return bool(_SECRET_HEADERS.match(name.strip()))


class Redactor:
    """One per bundle: knows the literal secrets and keeps the address masks stable."""

    def __init__(self, *, addresses: bool = False, secrets: Iterable[object] = ()) -> None:
        self.addresses = addresses
        self.names = NameMask()  # people's names go with their addresses
        self._mask = SecretMask(token=REDACTED)
        self._masks: dict[str, str] = {}
        self._domains: dict[str, str] = {}
        self.add_secrets(secrets)

    # -- known secrets --------------------------------------------------------------------
    def add_secrets(self, values: Iterable[object]) -> None:
        """Secrets as bare values or as `Credential`s (a password with its login)."""
        credentials: list[Credential] = []
        bare: list[object] = []
        for value in values:
            if isinstance(value, Credential):
                credentials.append(value)
            else:
                bare.append(value)
        self._mask = self._mask.with_credentials(credentials).with_secrets(bare)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(c.secret for c in self._mask.credentials)

    # -- text -------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        """Free text with every known or recognisable secret (and address) replaced."""
        if not value:
            return value
        value = self._mask.text(value)
        value = _URL_USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}:{REDACTED}@", value)
        value = _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, value)
        value = _HEADER_LINE.sub(lambda m: m.group(1) + REDACTED, value)
        value = _QUOTED_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", value)
        value = _BARE_PAIR.sub(lambda m: m.group(1) + REDACTED, value)
        value = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", value)
        if self.addresses:
            value = self.names.text(value)
            value = _EMAIL.sub(lambda m: self.mask_address(m.group(0)), value)
        return value

    def header(self, name: str, value: str) -> str:
        """A header value: secret headers are blanked whole, others scrubbed as text."""
        if is_secret_header(name):
            return REDACTED
        if self.addresses and name.lower() in _ADDRESS_HEADERS:
            self.names.learn(display for display, _addr in getaddresses([value]) if display)
        return self.text(value)

    def learn_people(self, message: Message) -> None:
        """Learn the names in a message's address headers before any text is masked, so
        that a name is masked in the messages and report written before it too."""
        if self.addresses:
            for part in message.walk():
                self.names.learn_from_headers(part)

    def value(self, value: Any, key: str = "") -> Any:
        """A JSON-like structure: values under secret-like keys go, strings are scrubbed."""
        if key and is_secret_name(key) and value not in (None, "", False):
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {str(k): self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    # -- addresses ------------------------------------------------------------------------
    def mask_address(self, address: str) -> str:
        if _ALREADY_MASKED.match(address):
            return address
        key = address.lower()
        mask = self._masks.get(key)
        if mask is None:
            domain = key.rpartition("@")[2]
            domain_mask = self._domains.get(domain)
            if domain_mask is None:
                domain_mask = self._domains[domain] = f"d{len(self._domains) + 1}.example"
            mask = self._masks[key] = f"u{len(self._masks) + 1}@{domain_mask}"
        return mask

    def leaks(self, data: bytes) -> bool:
        """Whether a known secret is still in these bytes (checked before writing)."""
        return self._mask.leaks(data)


def redact_message(message: EmailMessage, redactor: Redactor) -> EmailMessage:
    """A copy of the message for a support bundle: headers and text parts scrubbed,
    attachments replaced by a one-line note (name, type, size): they are customer data."""
    return _scrubbed(message, redactor.header, redactor.text, keep_attachments=False)


def mask_message(message: EmailMessage, mask: SecretMask) -> EmailMessage:
    """A copy with the known secrets masked in every header and text part; attachments
    are kept as they are (the .eml export)."""
    return _scrubbed(message, lambda _name, value: mask.text(value), mask.text)


def _scrubbed(
    message: EmailMessage,
    header: Callable[[str, str], str],
    text: Callable[[str], str],
    *,
    keep_attachments: bool = True,
) -> EmailMessage:
    policy = message.policy if isinstance(message.policy, EmailPolicy) else email.policy.default
    copy = message_from_bytes(message.as_bytes(), policy=policy)
    assert isinstance(copy, EmailMessage)
    for part in copy.walk():
        _scrub_headers(part, header)
        if part.is_multipart():
            continue
        assert isinstance(part, EmailMessage)
        if part.get_content_maintype() == "text" and not part.is_attachment():
            body = part.get_content()
            scrubbed = text(body)
            if scrubbed != body:
                part.set_content(scrubbed, subtype=part.get_content_subtype(), charset="utf-8")
            continue
        if keep_attachments:
            continue
        name = text(part.get_filename() or "attachment")
        size = len(part.get_payload(decode=True) or b"")
        kind = part.get_content_type()
        part.set_content(
            f"[attachment left out of the support bundle: {name}, {kind}, {size} bytes]",
            disposition="attachment",
            filename=name,
        )
    return copy


def _scrub_headers(part: Message, header: Callable[[str, str], str]) -> None:
    items = [(name, str(value)) for name, value in part.items()]
    scrubbed = [(name, header(name, value)) for name, value in items]
    if scrubbed == items:
        return
    for name in {name for name, _ in items}:
        del part[name]
    for name, value in scrubbed:
        part[name] = value
