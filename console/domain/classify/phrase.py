"""The grouping key: the provider's phrase with everything that varies per mail masked.

Addresses, ids, queue ids, timestamps, host names, IPs, URLs, quoted values and numbers all
become placeholders, so one cause groups together whatever the recipient, the host, the
Odoo version (bytes reprs in 18+, decoded text in 16/17) or the line wrapping.
"""

from __future__ import annotations

import re

from console.domain.classify.model import MAX_SIGNATURE
from console.domain.classify.parse import ENHANCED, ERRNO, Parsed

MAX_PHRASE_WORDS = 12

_ESCAPES = re.compile(r"\\[nrt]")
_URL = re.compile(r"\b(?:https?|ftp)://\S+", re.I)
_ADDR = re.compile(r"<?[^\s<>'\"@,;:()\[\]{}]+@[^\s<>'\"@,;:()\[\]{}]+>?")
# <localhost>, <DATA>: anything else in angle brackets that is not one of our placeholders
_ANGLED = re.compile(r"<(?!(?:addr|url|v|ip|host|n)>)[^<>\s]{1,100}>")
_QUOTED = re.compile(r"(?<![\w])(['\"])(?:(?!\1).){1,200}\1(?![\w])")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b")
# A top-level label of 2-6 letters: hosts, not Exchange's "STOREDRV.Submission.Exception".
_HOST = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,6}(?![\w-]|\.\w)")
_SSL_SOURCE = re.compile(r"\(_ssl\.c:\d+\)")
_NUMBERISH = re.compile(r"[\w.+/=-]*\d[\w.+/=:-]*")
_EMPTY_BRACKETS = re.compile(r"[\[(](?:\s|<\w+>|[,;:.\-])*[\])]")
_PLACEHOLDER_RUN = re.compile(r"(<\w+>)(?:[\s,;:.\-]*<\w+>)+")
_SENTENCE_END = re.compile(r"(?<=[a-z>)\]])\.(?:\s|$)")
_GMAIL_TRAILER = re.compile(r"(?:<n>\s*)?-\s*gsmtp\b")  # "a640c23...sm129.87 - gsmtp"
MIN_SENTENCE_WORDS = 7  # shorter first sentences ("Service unavailable.") say too little
# Which Python exception raised a bare "errno\nmessage" connect failure.
_ERRNO_CLASSES = {
    111: "ConnectionRefusedError",
    110: "TimeoutError",
    10060: "TimeoutError",
    -2: "gaierror",
    -3: "gaierror",
    104: "ConnectionResetError",
    10054: "ConnectionResetError",
}


def normalise_phrase(message: str) -> str:
    """The provider's words with addresses, ids, numbers, hosts and quoted values masked."""
    text = _ESCAPES.sub(" ", message[:600]).lower()
    text = _SSL_SOURCE.sub(" ", text)
    text = ERRNO.sub(" ", text)
    text = _URL.sub(" <url> ", text)
    text = _ADDR.sub(" <addr> ", text)
    text = _ANGLED.sub(" <v> ", text)
    text = _QUOTED.sub(" <v> ", text)
    text = _IPV4.sub(" <ip> ", text)
    text = _IPV6.sub(" <ip> ", text)
    text = ENHANCED.sub(" ", text)
    text = _HOST.sub(" <host> ", text)
    text = _NUMBERISH.sub(" <n> ", text)
    text = re.sub(r"^\s*(?:smtp\s*;\s*)", "", text)  # Microsoft: "5.7.60 SMTP; Client ..."
    text = _GMAIL_TRAILER.sub(" ", text)
    text = _PLACEHOLDER_RUN.sub(r"\1", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([:;,.!?])", r"\1", text).strip(" \t.,;:!-=#'\"")
    for sentence in _SENTENCE_END.finditer(text):  # whole sentences, enough of them
        if len(text[: sentence.start()].split()) >= MIN_SENTENCE_WORDS:
            text = text[: sentence.start()]
            break
    words = text.split()[:MAX_PHRASE_WORDS]
    return " ".join(words).strip(" .,;:!-")


def signature(parsed: Parsed) -> str:
    """Exception class, SMTP code, enhanced code and phrase: one line, bounded."""
    exception = parsed.exception
    if exception in (None, "MailDeliveryException"):
        if parsed.code is not None:
            exception = "SMTP"
        elif "[ssl" in parsed.low or "ssl:" in parsed.low or "(_ssl.c" in parsed.low:
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
    joined = " ".join(p for p in parts if p)
    return (joined or "unreadable failure text")[:MAX_SIGNATURE].strip()
