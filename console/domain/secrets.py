"""Secrets are never shown: the one masking function for text that leaves the console.

`SecretMask` is built from the credentials the console knows (the SMTP passwords of the
``ir_mail_server`` rows and of odoo.conf, the database password, ...) and replaces each
of them with ``***`` in the forms a server, a log or a stored reason may carry:

* the value itself, URL-encoded (``quote``, ``quote_plus``), escaped as Python writes it
  in a ``repr`` (``b'...'`` of smtplib's errors) and as JSON writes it;
* base64 of the value (AUTH LOGIN sends the user and the password each in base64), with
  and without padding, standard and URL-safe alphabets;
* base64 of ``\\0user\\0password`` and ``user\\0user\\0password`` (AUTH PLAIN);
* inside any longer base64 text, the characters that can only come from the value, at
  each of the three byte alignments (an AUTH PLAIN string with another authorisation id).

Without being told, it also masks what is a secret by its shape: a base64 word that
decodes to an AUTH PLAIN response (``authzid NUL user NUL password``), the argument of an
echoed ``AUTH PLAIN``/``AUTH LOGIN`` command, and API keys with a well-known prefix
(SendGrid ``SG.``, Brevo ``xkeysib-``/``xsmtpsib-``, Mailgun ``key-``).

Pure: no I/O. Loading the credentials is `console.odoo.secrets`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words
MIN_ENCODED_LENGTH = 8  # base64 fragments shorter than this are not specific enough
SHORTEST_SHAPE = 12  # no secret recognised by its shape is shorter
MASKED_MEMORY = 1024  # distinct texts a mask remembers having masked

# Names of fields, columns and parameters whose value is a secret.
_SECRET_NAME = re.compile(
    r"(?i)(pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|"
    r"credential|authorization|cookie|session[_-]?id|client[_-]?key)"
)
_B64_WORD = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=_-])")
_AUTH_ARGUMENT = re.compile(
    r"(?i)(\bAUTH[ \t]+(?:PLAIN|LOGIN|XOAUTH2?|CRAM-MD5)[ \t]+)([A-Za-z0-9+/=_-]{4,})"
)
_KEY_SHAPES = re.compile(
    r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"
    r"|\bx(?:keysib|smtpsib)-[0-9a-f]{64}-[A-Za-z0-9]{16}"
    r"|\bkey-[0-9a-f]{32}\b"
)
_PLAIN_RESPONSE = re.compile(rb"\A[^\x00]{0,255}\x00[^\x00]{1,255}\x00[^\x00]{1,255}\Z")


@dataclass(frozen=True, slots=True)
class Credential:
    """A secret and, when it is a password, the login it goes with (for AUTH PLAIN)."""

    secret: str = field(repr=False)
    user: str | None = None


def is_secret_name(name: str) -> bool:
    """True for a field/parameter name whose value must never be shown."""
    return bool(_SECRET_NAME.search(name))


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _b64_forms(raw: bytes) -> set[str]:
    """Every way base64 writes these bytes, whole or inside a longer encoding."""
    forms: set[str] = set()
    exact = base64.b64encode(raw).decode("ascii")
    forms.update({exact, exact.rstrip("=")})
    urlsafe = base64.urlsafe_b64encode(raw).decode("ascii")
    forms.update({urlsafe, urlsafe.rstrip("=")})
    for offset in range(3):
        # The characters whose six bits all come from `raw`, whatever surrounds it.
        encoded = base64.b64encode(b"\0" * offset + raw + b"\0\0").decode("ascii")
        first = -(-8 * offset // 6)
        last = 8 * (offset + len(raw)) // 6
        core = encoded[first:last]
        if len(core) >= MIN_ENCODED_LENGTH:
            forms.add(core)
            forms.add(core.replace("+", "-").replace("/", "_"))
    return {form for form in forms if len(form) >= MIN_ENCODED_LENGTH}


def secret_forms(secret: str, user: str | None = None) -> set[str]:
    """The texts that betray this secret (empty for a value too short to mask safely)."""
    secret = secret.strip("\r\n")
    if len(secret) < MIN_SECRET_LENGTH:
        return set()
    raw = secret.encode("utf-8")
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
        quote(secret),
        repr(raw)[2:-1],
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    forms |= _b64_forms(raw)
    if user:
        login = user.encode("utf-8")
        forms |= _b64_forms(b"\0" + login + b"\0" + raw)  # AUTH PLAIN (smtplib, aiosmtplib)
        forms |= _b64_forms(login + b"\0" + login + b"\0" + raw)  # with an authzid
        forms |= _b64_forms(login)  # AUTH LOGIN's first answer
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class SecretMask:
    """Replaces every known secret (and the recognisable ones) in text with ``***``.

    Immutable once built: `with_credentials` gives a new mask with more secrets.
    """

    def __init__(self, credentials: Iterable[Credential] = (), *, token: str = MASK) -> None:
        self.token = token
        self._credentials: tuple[Credential, ...] = ()
        self._forms: frozenset[str] = frozenset()
        self._pattern: re.Pattern[str] | None = None
        self._bytes: re.Pattern[bytes] | None = None
        # Reasons repeat (one cause fails hundreds of mails): each distinct text is masked
        # once per mask. Bounded; a race between threads only masks a text twice.
        self._masked: dict[tuple[str, int], str] = {}
        self._add(credentials)

    def _add(self, credentials: Iterable[Credential]) -> None:
        known = {(c.secret, c.user) for c in self._credentials}
        added = list(self._credentials)
        forms = set(self._forms)
        for credential in credentials:
            secret = _text(credential.secret)
            if not secret or (secret, credential.user) in known:
                continue
            known.add((secret, credential.user))
            added.append(Credential(secret, credential.user))
            forms |= secret_forms(secret.strip(), credential.user)
            if secret.strip() != secret:
                forms |= secret_forms(secret, credential.user)
        self._credentials = tuple(added)
        self._forms = frozenset(forms)
        ordered = sorted(self._forms, key=lambda s: (-len(s), s))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        encoded = [re.escape(form.encode("utf-8", "surrogatepass")) for form in ordered]
        self._bytes = re.compile(b"|".join(encoded)) if encoded else None

    def with_credentials(self, credentials: Iterable[Credential]) -> SecretMask:
        mask = SecretMask(self._credentials, token=self.token)
        mask._add(credentials)
        return mask

    def with_secrets(self, values: Iterable[object]) -> SecretMask:
        """More secrets, given as bare values (no login known)."""
        found = [_text(v) for v in values]
        return self.with_credentials(Credential(v) for v in found if v)

    @property
    def credentials(self) -> tuple[Credential, ...]:
        return self._credentials

    # -- masking ----------------------------------------------------------------------
    def text(self, value: str) -> str:
        """The text with every known and recognisable secret replaced."""
        if len(value) < MIN_SECRET_LENGTH:
            return value
        return self._remembered(value, 0, self._text)

    def _remembered(self, value: str, limit: int, work: Callable[[str, int], str]) -> str:
        key = (value, limit)
        done = self._masked.get(key)
        if done is None:
            if len(self._masked) >= MASKED_MEMORY:
                self._masked.clear()
            done = self._masked[key] = work(value, limit)
        return done

    def _text(self, value: str, _limit: int = 0) -> str:
        token = self.token
        if self._pattern is not None:
            value = self._pattern.sub(token, value)
        if len(value) < SHORTEST_SHAPE:
            return value
        value = _AUTH_ARGUMENT.sub(lambda m: m.group(1) + token, value)
        value = _KEY_SHAPES.sub(token, value)
        return _B64_WORD.sub(
            lambda m: token if _is_plain_response(m.group(0)) else m.group(0), value
        )

    __call__ = text

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def cut(self, value: str | None, limit: int) -> str | None:
        """`text` for a value read cut at `limit` characters (SQL ``substr``): a secret
        cut in two at the end is masked too."""
        if value is None:
            return None
        if len(value) < limit:
            return self.text(value)
        return self._remembered(value, limit, self._cut)

    def _cut(self, value: str, limit: int) -> str:
        masked = self.text(value)
        for form in sorted(self._forms, key=len, reverse=True):
            for size in range(len(form) - 1, MIN_SECRET_LENGTH - 1, -1):
                if masked.endswith(form[:size]):
                    return masked[:-size] + self.token
        return masked

    def value(self, value: Any) -> Any:
        """A JSON-like structure with every string (keys too) masked."""
        seen: dict[str, str] = {}  # reasons repeat: each distinct text is masked once

        def walk(item: Any) -> Any:
            if isinstance(item, str):
                done = seen.get(item)
                if done is None:
                    done = seen[item] = self.text(item)
                return done
            if isinstance(item, Mapping):  # keys are names or ids, masked all the same
                return {walk(k) if isinstance(k, str) else k: walk(v) for k, v in item.items()}
            if isinstance(item, list | tuple):
                return [walk(element) for element in item]
            return item

        return walk(value)

    def holds(self, text: str) -> bool:
        """Whether the text holds a known secret in any of its forms."""
        return self._pattern is not None and self._pattern.search(text) is not None

    def leaks(self, data: bytes) -> bool:
        """Whether these bytes still hold a known secret in any form (checked before a file
        is written)."""
        return self._bytes is not None and self._bytes.search(data) is not None


def _is_plain_response(word: str) -> bool:
    try:
        decoded = base64.b64decode(word + "=" * (-len(word) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(_PLAIN_RESPONSE.match(decoded))


NO_SECRETS = SecretMask()
