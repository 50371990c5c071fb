"""The ``mail_mail.headers`` column: a Python dict literal (``repr(dict)``), read safely.

Odoo evaluates it with ``ast.literal_eval`` and ignores it when that fails
(``_prepare_outgoing_list`` 17+, ``_send`` 16). We do the same on a bounded input and
keep only ``str -> str`` pairs whose name is a valid header field name; CR and LF are
removed from values so a stored value can never inject extra headers.
"""

from __future__ import annotations

import ast
import re

MAX_HEADERS_CHARS = 100_000
# RFC 5322 field-name: printable US-ASCII except ':' (and no space); matched with
# fullmatch, since `$` would also accept a name ending in a line feed
_FIELD_NAME = re.compile(r"[!-9;-~]+")
_LINE_BREAKS = re.compile(r"[\r\n]+[ \t]*")


def parse_headers(raw: str | None) -> dict[str, str]:
    """The extra headers of a mail; {} when the column is empty or not a dict literal."""
    if not raw or not raw.strip() or len(raw) > MAX_HEADERS_CHARS:
        return {}
    try:
        value = ast.literal_eval(raw)
    except Exception:  # literal_eval raises many types (and RecursionError); Odoo ignores all
        return {}
    if not isinstance(value, dict):
        return {}
    headers: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            continue
        if not _FIELD_NAME.fullmatch(key):
            continue
        headers[key] = clean_header_value(item)
    return headers


def clean_header_value(value: str) -> str:
    """One physical line: line breaks (and the folding blanks after them) become a space."""
    return _LINE_BREAKS.sub(" ", value)
