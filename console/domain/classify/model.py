"""What a classification is: the class names, the result record and its short key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

MAX_SCAN = 4096  # characters of failure_reason we ever look at
MAX_SIGNATURE = 160

KLASSES = ("transient", "permanent-recipient", "configuration", "unrecognised")
TRANSIENT, PERMANENT, CONFIGURATION, UNRECOGNISED = KLASSES

KLASS_LABELS = {
    TRANSIENT: "transient: retry after a pause",
    PERMANENT: "permanent for this mail: fix the mail or its recipients first",
    CONFIGURATION: "configuration: fix the setup, then retry",
    UNRECOGNISED: "unrecognised: read the raw reason",
}


@dataclass(frozen=True, slots=True)
class Classification:
    signature: str  # stable grouping key, e.g. "SMTPDataError 550 5.7.1 <addr> ..."
    klass: str  # transient | permanent-recipient | configuration | unrecognised
    title: str  # ~30 characters for a table cell, e.g. "535 auth failed"
    explanation: str  # one line: what it means
    fix: str  # one line: what to do
    smtp_code: int | None = None
    enhanced_code: str | None = None
    family: str = "unrecognised"  # catalogue family id
    exception: str | None = None  # Python exception class named in the text

    @property
    def key(self) -> str:
        """A short stable id of the signature (8 hex digits), handy on a command line."""
        return signature_key(self.signature)


def signature_key(signature: str) -> str:
    return hashlib.sha1(signature.encode("utf-8", "replace")).hexdigest()[:8]
