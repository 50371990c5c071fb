"""Make database text safe to print: no terminal escapes, no line breaks in a cell."""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, and the bidi overrides that can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"[\r\n\t]+")


def one_line(text: object, limit: int | None = None) -> str:
    """A single printable line; `limit` cuts with an ellipsis."""
    if text is None:
        return ""
    value = _CONTROL.sub("", _BREAKS.sub(" ", str(text))).strip()
    if limit is not None and len(value) > limit:
        return value[: max(0, limit - 1)] + "…"
    return value


def printable_block(text: object) -> str:
    """Multi-line text with control characters removed (newlines and tabs kept)."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)
