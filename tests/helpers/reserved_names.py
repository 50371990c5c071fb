"""Names in a text that someone could own: host names, e-mail domains and IPv4 addresses
that are not reserved (the sample must name none; tests/test_sample_db.py)."""

from __future__ import annotations

import re

# Names that can never reach anyone (RFC 2606, RFC 6761), and documentation / private /
# loopback addresses (RFC 5737, RFC 1918).
RESERVED_TLDS = ("example", "invalid", "test", "localhost")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
SAFE_IPS = ("192.0.2.", "198.51.100.", "203.0.113.", "10.", "127.", "192.168.")
# Top-level domains of real mail providers and companies. A name is someone's when it ends
# in one of them, or (after an @ or in a URL, where a random ending is unlikely) in any
# two-letter country code.
PUBLIC_TLDS = frozenset((
    "com", "net", "org", "info", "biz", "io", "co", "me", "fr", "uk", "de", "be", "ch", "nl",
    "es", "it", "pt", "at", "dk", "se", "no", "fi", "pl", "ie", "eu", "us", "ca", "au", "nz",
    "jp", "cn", "ru", "br", "in", "mx", "za", "lu", "li", "mc", "ma", "tn", "sn", "ci", "re",
    "app", "dev", "ai", "cloud", "online", "site", "shop", "store", "tech", "xyz", "top",
    "live", "news", "pro",
))  # fmt: skip
EMAIL_DOMAIN = re.compile(r"@+([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])")
URL_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/\s:'\"<>?#]+)")
DOTTED = re.compile(r"(?<![\w.@-])((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?![\w@-])")
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")


def _public(name: str, *, any_country: bool) -> bool:
    """Could ``name`` be someone's host? Dotless names (a hostname, a typo) cannot: ICANN
    allows no mail or address record at a top-level domain's apex."""
    name = name.lower().rstrip(".")
    if "." not in name or name.rsplit(".", 1)[-1] in RESERVED_TLDS:
        return False
    if any(name == d or name.endswith(f".{d}") for d in RESERVED_DOMAINS):
        return False
    tld = name.rsplit(".", 1)[-1]
    return tld in PUBLIC_TLDS or (any_country and len(tld) == 2 and tld.isalpha())


def public_names(text: str) -> set[str]:
    """Host names, e-mail domains and IPv4 addresses in ``text`` that someone could own."""
    found = {
        name
        for pattern in (EMAIL_DOMAIN, URL_HOST)
        for name in pattern.findall(text)
        if _public(name, any_country=True)
    }
    found |= {name for name in DOTTED.findall(text) if _public(name, any_country=False)}
    return found | {ip for ip in IPV4.findall(text) if not ip.startswith(SAFE_IPS)}
