"""What the console said in toasts this session, kept for `m` (the messages screen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MESSAGES_KEPT = 500
# A toast longer than this is cut to about four lines (one of nine lines hid the list);
# `m` has it whole.
TOAST_CHARS = 120
TOASTS_SHOWN = 3  # at once; an older one goes when a fourth comes


@dataclass(frozen=True, slots=True)
class ShownMessage:
    at: datetime  # UTC
    title: str
    text: str
    severity: str
