"""Make untrusted text safe to print: the one definition of what must not reach a terminal.

Mail fields, failure texts, log lines and exported files all come from outside. Each
reader needs a little more or less (a cell wants one line, a log wants colours dropped
whole, the classifier wants words kept apart), so they pass parameters; none keeps a
character class of its own.
"""

from __future__ import annotations

import re
from functools import cache

# C0 controls but tab and line feed (each reader decides what a line is), DEL, C1
# controls, the bidi embeddings, overrides and isolates that reorder what the eye reads,
# and lone surrogates (a str may hold one; no terminal encoding can write it).
CONTROL_CLASS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[{CONTROL_CLASS}]")
# A whole ECMA-48 escape sequence: CSI (colours, cursor moves), OSC (title, clipboard;
# ended by BEL or ST), or an ESC and the one character after it (an OSC cut short loses
# only its ESC and "]", so the rest of a log line still shows).
ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -~]?"
)
# Characters that show nothing: zero-width space, BOM, line and paragraph separators.
_INVISIBLE = re.compile(r"[\u200b\u2028\u2029\ufeff]")
_BREAKS = re.compile(r"[\r\n\t]+")
_WHITESPACE = re.compile(r"\s+")


def strip_controls(
    text: str, *, replacement: str = "", escape_sequences: bool = False, invisible: bool = False
) -> str:
    """`text` without control characters; tab and line feed stay.

    `replacement` takes the place of each one (" " keeps words apart); with
    `escape_sequences` an escape sequence goes whole, else only its ESC and BEL do and
    its printable rest shows as typed; with `invisible` zero-width characters go too.
    """
    if escape_sequences:
        text = ESCAPE_SEQUENCE.sub(replacement, text)
    if invisible:
        text = _INVISIBLE.sub("", text)
    return _CONTROL.sub(replacement, text)


@cache
def _control_except(allowed: str) -> re.Pattern[str]:
    if not allowed:
        return _CONTROL
    return re.compile(f"(?![{re.escape(allowed)}])[{CONTROL_CLASS}]")


def has_controls(text: str, *, allow: str = "") -> bool:
    """Whether printing `text` would send a terminal a control character (`allow`: the
    ones this kind of text normally holds, e.g. the carriage returns of a mail file)."""
    return _control_except(allow).search(text) is not None


def one_line(text: object, limit: int | None = None, *, collapse_whitespace: bool = False) -> str:
    """A single printable line; `limit` cuts with an ellipsis; `collapse_whitespace` makes
    every run of spaces (any Unicode space) one space, as a table cell needs."""
    if text is None:
        return ""
    value = strip_controls(_BREAKS.sub(" ", str(text))).strip()
    if collapse_whitespace:
        value = _WHITESPACE.sub(" ", value)
    if limit is not None and len(value) > limit:
        return value[: max(0, limit - 1)] + "…"
    return value


def printable_block(text: object, *, invisible: bool = False) -> str:
    """Multi-line text with control characters removed (newlines and tabs kept)."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return strip_controls(value, invisible=invisible)
