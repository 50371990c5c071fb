"""Reading Odoo's failure_reason texts (model §4.3): find the line that says what happened."""

from __future__ import annotations

# Odoo wraps SMTP errors as "Mail Delivery Failed\nMail delivery failed via SMTP server
# 'X'.\n<Exception>: ...": the useful line is the last one.
_WRAPPER_PREFIXES = ("mail delivery failed", "mail delivery failed via smtp server")


def reason_headline(reason: str | None) -> str:
    """The first informative line of a failure reason."""
    if not reason:
        return ""
    lines = [line.strip() for line in reason.splitlines() if line.strip()]
    for line in lines:
        if not line.lower().startswith(_WRAPPER_PREFIXES):
            return line
    return lines[0] if lines else ""
