"""Text widths in terminal cells, not characters: a CJK character or most emoji take two
cells, a combining mark none. Python's ``len()`` counts characters, so a Japanese subject
cut to 20 characters fills 40 cells and pushes the next column aside."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})  # marks, format characters (VS16...)


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    if unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES:
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(char_cells(c) for c in text)


def clip_cells(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` cells, cut with an ellipsis (one cell)."""
    if cell_len(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        width = char_cells(char)
        if used + width > limit - 1:
            break
        kept.append(char)
        used += width
    return "".join(kept).rstrip() + "…"


def pad_cells(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` cells."""
    return text + " " * max(0, width - cell_len(text))
