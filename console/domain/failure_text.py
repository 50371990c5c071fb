"""Reading Odoo's failure_reason texts (docs/odoo-queue.md): find the line that says what
happened."""

from __future__ import annotations

import re

# Odoo wraps SMTP errors as "Mail Delivery Failed\nMail delivery failed via SMTP server
# 'X'.\n<Exception>: ...": the useful line comes after the wrapper.
_WRAPPER_PREFIXES = ("mail delivery failed", "mail delivery failed via smtp server")
# A connection failure stores the exception args one per line: "535\nb'5.7.8 ...'",
# "111\nConnection refused", "-2\nName or service not known".
_BARE_CODE = re.compile(r"-?\d{1,3}")
_BYTES_LITERAL = re.compile(r"""\bb(['"])(.*?)\1""")


def reason_headline(reason: str | None) -> str:
    """The first informative line of a failure reason, SMTP code and text together."""
    if not reason:
        return ""
    lines = [line.strip() for line in reason[:20_000].splitlines() if line.strip()]
    if not lines:
        return ""
    index = next(
        (i for i, line in enumerate(lines) if not line.lower().startswith(_WRAPPER_PREFIXES)),
        0,
    )
    head = lines[index]
    if _BARE_CODE.fullmatch(head) and index + 1 < len(lines):
        head = f"{head} {lines[index + 1]}"
    return _BYTES_LITERAL.sub(r"\2", head)
