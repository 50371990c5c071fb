"""Which sender addresses a mail server's ``from_filter`` allows: Odoo's
``ir.mail_server._match_from_filter``, the one copy the console uses (server choice for
Send now, the health check of the default From, the probe).

16 reads the filter as one address or one domain; 17+ as a comma-separated list of both.
An empty filter allows every address. Addresses are compared normalised, domains after
IDNA normalisation (see docs/odoo-sending.md).
"""

from __future__ import annotations

from console.domain.mailtools import email_domain_extract, email_domain_normalize, email_normalize


def match_from_filter(email_from: str | None, from_filter: str | None, version: int) -> bool:
    """``_match_from_filter``: a single address/domain in 16, a comma list from 17."""
    if not from_filter:
        return True
    normalized = email_normalize(email_from)
    if version <= 16:
        if "@" in from_filter:
            return email_normalize(from_filter) == normalized
        return email_domain_extract(normalized) == email_domain_normalize(from_filter)
    domain = email_domain_extract(normalized)
    for part in (p.strip() for p in from_filter.split(",")):
        if not part:
            continue
        if "@" in part and email_normalize(part) == normalized:
            return True
        if "@" not in part and email_domain_normalize(part) == domain:
            return True
    return False
