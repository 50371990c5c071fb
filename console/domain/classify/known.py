"""Classifications remembered for the texts already seen by this process.

The TUI regroups the failures at every refresh and lists them page after page, and the
texts rarely change: a refresh classifies only the new ones. A million mails with 35,000
failures repeat about 3,000 texts of a few hundred characters; the bounds (texts, and
characters, against a hostile database of distinct 4 KB reasons) keep it to a few MB.
Emptied when full.
"""

from __future__ import annotations

from console.domain.classify.engine import classify
from console.domain.classify.model import MAX_SCAN, Classification


class KnownTexts:
    def __init__(self, max_texts: int = 20_000, max_chars: int = 4_000_000) -> None:
        self.max_texts = max_texts
        self.max_chars = max_chars
        self.classified: dict[tuple[str | None, str | None], Classification] = {}
        self.chars = 0

    def classify(self, reason: str | None, failure_type: str | None) -> Classification:
        """`classify`, remembered; the key is what the classifier reads (MAX_SCAN chars)."""
        if reason is not None and len(reason) > MAX_SCAN:
            reason = reason[:MAX_SCAN]
        key = (reason, failure_type)
        classification = self.classified.get(key)
        if classification is None:
            classification = classify(reason, failure_type)
            size = len(reason or "")
            if len(self.classified) >= self.max_texts or self.chars + size > self.max_chars:
                self.forget()
            self.classified[key] = classification
            self.chars += size
        return classification

    def forget(self) -> None:
        """Classify every text afresh from now on (and benchmarks of a cold start)."""
        self.classified.clear()
        self.chars = 0


KNOWN_TEXTS = KnownTexts()  # one per process: the console, or one CLI command


def classify_known(reason: str | None, failure_type: str | None) -> Classification:
    return KNOWN_TEXTS.classify(reason, failure_type)
