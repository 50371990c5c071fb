"""People's names in support material, masked with their addresses on request.

Masking only the addresses left a bundle "with addresses masked" full of customers'
names: in To and From ("Sébastien Caron" <u3@d2.example>), in the journal's examples and
in the bodies ("Dear Sébastien Caron"). Names are learnt from the address headers of the
messages and from any "Name <address>" in the text, then replaced wherever they appear,
the same name always by the same `Person N`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.message import Message
from email.utils import getaddresses

ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Return-Path")
# A display name before an address: quoted, or one to four capitalised words ("to
# Sébastien Caron <...>" is "Sébastien Caron").
_CAPITAL = r"[^\W\d_a-zß-ÿ]"
_NAMED_ADDRESS = re.compile(
    r"\"(?P<quoted>[^\"\\\n<>]{1,80})\\?\"\s*(?=<[^<>\s]+@)"  # JSON escapes it: \"
    rf"|(?P<words>(?:{_CAPITAL}[\w'’.\-]*\s+){{0,3}}{_CAPITAL}[\w'’.\-]*)\s*(?=<[^<>\s]+@)"
)
_MASKED = re.compile(r"^Person \d+$")


class NameMask:
    def __init__(self) -> None:
        self._masks: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    def learn(self, names: Iterable[str]) -> None:
        added = False
        for raw in names:
            name = " ".join(raw.split()).strip("\"'\\ ")
            if len(name) < 3 or not any(ch.isalpha() for ch in name) or "@" in name:
                continue
            if _MASKED.match(name) or name in self._masks:
                continue
            self._masks[name] = f"Person {len(self._masks) + 1}"
            added = True
        if added:  # longest first: "Claire Dubois" before "Claire"
            ordered = sorted(self._masks, key=len, reverse=True)
            alternatives = "|".join(re.escape(name) for name in ordered)
            self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def learn_from_headers(self, message: Message) -> None:
        values = [str(v) for name in ADDRESS_HEADERS for v in (message.get_all(name) or [])]
        self.learn(display for display, _address in getaddresses(values) if display)

    def text(self, value: str) -> str:
        """`value` with every display name before an address, and every name learnt,
        masked."""
        self.learn(m.group("quoted") or m.group("words") for m in _NAMED_ADDRESS.finditer(value))
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self._masks[m.group(0)], value)
