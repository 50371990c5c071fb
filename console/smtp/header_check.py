"""Serialize a message without ever writing a line break into a header.

Python before 3.11.10 / 3.12.5 (CVE-2024-6923, gh-121650) writes a header value as it
was parsed: an RFC 2047 encoded word that decodes to CR LF (``=?utf-8?q?X=0D=0ABcc:...?=``
in a subject, an address or the stored ``headers``) comes out as a real line break, an
injected header; a value ending in one line break (``"Invoice\\n"``) ends the header
block early, so From, To and the rest fall into the body. Patched versions encode such
line breaks inside an encoded word and send the mail, as Odoo then does. On an unpatched
Python this generator refuses instead: every folded header is checked (as a patched
CPython's generator does, a little stricter: a trailing line break counts too) and
``HeaderWriteError`` is raised before anything is written; smtplib would raise it
before MAIL FROM, so Send now records Odoo's delivery failure and nothing is sent.
"""

from __future__ import annotations

import re
from email.errors import MessageError
from email.generator import BytesGenerator
from email.message import Message
from typing import Any

# A CR or LF that is not part of CRLF + folding white space (the continuation of a header).
_BARE_LINE_BREAK = re.compile(rb"\r\n(?![ \t])|\r(?!\n)|(?<!\r)\n")


class HeaderWriteError(MessageError):
    """Named like CPython's (email.errors.HeaderWriteError): Odoo's failure text names it."""


class CheckedBytesGenerator(BytesGenerator):
    """BytesGenerator whose headers are verified before they are written."""

    def _write_headers(self, msg: Message[Any, Any]) -> None:
        policy: Any = self.policy
        linesep = policy.linesep.encode()
        for name, value in msg.raw_items():
            folded: bytes = policy.fold_binary(name, value)
            if not folded.endswith(linesep):
                raise HeaderWriteError(f"folded header does not end with {linesep!r}: {folded!r}")
            if _BARE_LINE_BREAK.search(folded.removesuffix(linesep)):
                raise HeaderWriteError(f"folded header contains newline: {folded!r}")
            self._fp.write(folded)  # type: ignore[attr-defined]
        self.write(self._NL)  # type: ignore[attr-defined]
