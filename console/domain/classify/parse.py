"""Reading a stored failure text: the wrapper removed, the exception, codes and reply found.

Odoo stores a failure in one of these shapes (16-19):
* ``Mail Delivery Failed\\nMail delivery failed via SMTP server 'None'.\\nSMTPDataError:
  (550, b'5.7.1 ...')`` when an SMTP reply refused the mail (the two wrapper lines are
  translated into the language of the user who sent: ``Échec d'envoi de l'email`` ...);
* the bare exception args joined by newlines (``535\\nb'5.7.8 ...'``, ``535\\n5.7.8 ...``,
  ``111\\nConnection refused``) when connecting or logging in failed;
* Odoo's own placeholders and assertion texts; or nothing at all, with only failure_type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.domain.classify.model import MAX_SCAN
from console.domain.sanitize import strip_controls


@dataclass(frozen=True, slots=True)
class Parsed:
    text: str  # the scanned text, wrapper removed, controls blanked
    low: str  # lowercased text, reply lines joined (what rules match against)
    exception: str | None
    code: int | None
    enhanced: str | None
    errno: int | None
    message: str  # the provider's words (reply text or exception message)


_WRAPPER = re.compile(
    r"^\s*mail delivery failed(?:\s+via smtp server\s+'[^'\n]{0,300}'\.?)?\s*$", re.I
)
# A line that starts with a Python exception class, "SMTPDataError: ..." (the wrapper's 3rd).
_EXCEPTION_LINE = re.compile(
    r"^\s*(?:[A-Za-z_]\w*\.){0,3}[A-Za-z_]\w*(?:Error|Exception|Refused|Disconnected)\s*:"
)
_QUOTED_SERVER = re.compile(r"['\"„“«‘][^'\"„“”»’\n]{0,300}['\"“”»’]")
_EXC_PREFIX = re.compile(
    r"^\s*(?:[A-Za-z_]\w*\.){0,3}([A-Za-z_]\w*(?:Error|Exception|Refused|Disconnected|"
    r"Timeout|timeout|gaierror|herror))\s*(?::\s*|$)"
)
_EXC_ANYWHERE = re.compile(
    r"\b(SMTP[A-Z]\w*|SSLError|SSLEOFError|SSLCertVerificationError|ConnectionRefusedError|"
    r"ConnectionResetError|TimeoutError|gaierror|OutboundSpamException|MailDeliveryException|"
    r"UnicodeEncodeError|UnicodeDecodeError)\b"
)
_TUPLE_CODE = re.compile(r"\(\s*([2-5]\d\d)\s*,\s*b?(['\"])")
_LINE_CODE = re.compile(r"(?m)^[ \t]*([2-5]\d\d)(?:[ \t-]|[ \t]*$)")
_ANY_CODE = re.compile(r"(?<![\w.])([2-5]\d\d)[ -]+#?([2-5]\.\d{1,3}\.\d{1,3})(?![\w.])")
ENHANCED = re.compile(r"(?<![\w.])#?([2-5])\.(\d{1,3})\.(\d{1,3})(?![\w.]*\d)")
ERRNO = re.compile(r"\[(?:Errno|WinError)\s+(-?\d{1,5})\]", re.I)
_LEADING_ERRNO = re.compile(r"^\s*(-?\d{1,5})[ \t]*\n")
# A multi-line reply continues with its codes repeated ("...not authorized to\n5.7.1 send");
# 18+ keep the bytes repr, so the newline may be a literal backslash-n.
_CONTINUATION = re.compile(r"(?:\n|\\n)\s*(?:[2-5]\d\d[ -])?(?:#?[2-5]\.\d{1,3}\.\d{1,3}\s+)?")
# 16/17 put SMTPSenderRefused's third arg (the sender, maybe with a display name) last.
_SENDER_LINE = re.compile(r'\s*(?:"?[^"\n<>@]{0,80}"?\s*)?<?[^\s<>@]+@[^\s<>@]+>?\s*')


def _strip_wrapper(lines: list[str]) -> list[str]:
    """Drop send_email's two wrapper lines, in English or translated."""
    lines = [line for line in lines if not _WRAPPER.match(line)]
    first = next((i for i, line in enumerate(lines[:4]) if _EXCEPTION_LINE.match(line)), None)
    if first:  # 1 or 2 translated lines before "SMTPxxxError: ...", naming the server
        before = "\n".join(lines[:first])
        if first <= 2 and "smtp" in before.lower() and _QUOTED_SERVER.search(before):
            return lines[first:]
    return lines


def clean(reason: str) -> str:
    text = reason[:MAX_SCAN].replace("\r\n", "\n").replace("\r", "\n")
    text = strip_controls(text, replacement=" ")  # a blank, so words stay apart
    return "\n".join(_strip_wrapper(text.split("\n"))).strip()


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
    lines = message.rstrip().split("\n")
    if len(lines) > 1 and _SENDER_LINE.fullmatch(lines[-1]):
        lines.pop()
    return "\n".join(lines)


def _exception(text: str) -> tuple[str | None, str]:
    """The exception class named first in the text, and the text after it."""
    prefix = _EXC_PREFIX.match(text)
    if prefix:
        return prefix.group(1), text[prefix.end() :]
    anywhere = _EXC_ANYWHERE.search(text)
    return (anywhere.group(1) if anywhere else None), text


def _reply(body: str) -> tuple[int | None, str]:
    """The SMTP reply code and the provider's words, in any of Odoo's renderings."""
    tuple_match = _TUPLE_CODE.search(body)
    if tuple_match:
        quote = tuple_match.group(2)
        return int(tuple_match.group(1)), _literal_after(body, tuple_match.end(), quote)
    line_match = _LINE_CODE.search(body)
    any_match = _ANY_CODE.search(body)
    if line_match and (any_match is None or line_match.start() <= any_match.start()):
        return int(line_match.group(1)), _drop_sender_line(_unquote(body[line_match.end() :]))
    if any_match:
        return int(any_match.group(1)), body[any_match.end() :]
    return None, body


def enhanced_code(text: str, code: int | None) -> str | None:
    """The first RFC 3463 status code whose class agrees with the reply code."""
    first: str | None = None
    for match in ENHANCED.finditer(text[:1000]):
        value = ".".join(match.groups())
        if code is None or value[0] == str(code)[0]:
            return value
        first = first or value
    return first if code is None else None


def parse(reason: str) -> Parsed:
    text = clean(reason)
    exception, body = _exception(text)
    code, message = _reply(body)
    errno: int | None = None
    errno_match = ERRNO.search(text)
    if errno_match:
        errno = int(errno_match.group(1))
    elif code is None:
        leading = _LEADING_ERRNO.match(body)
        if leading:
            errno = int(leading.group(1))
            message = _unquote(body[leading.end() :])
    enhanced = enhanced_code(text if code is None else message or text, code)
    if enhanced is None and code is not None:
        enhanced = enhanced_code(text, code)
    low = re.sub(r"\s+", " ", _CONTINUATION.sub(" ", text)).lower()
    return Parsed(text, low, exception, code, enhanced, errno, message)
