"""Odoo's email helpers (``odoo/tools/mail.py``), ported so the console formats and
parses addresses exactly as Odoo 16-19 do.

Sources: ``odoo/tools/mail.py`` of 17.0 (GG-Hung/Ticket @ 211c5b7) and 19.0
(jnvdx6/skymedic-odoo @ 85dffc0, for ``email_split_and_format_normalize``);
``extract_rfc2822_addresses`` from ``odoo/addons/base/models/ir_mail_server.py``.
``html2plaintext`` is rebuilt on the standard library (Odoo uses lxml): same steps,
same output on ordinary mail bodies.
"""

from __future__ import annotations

import base64
import re
from email.utils import getaddresses
from urllib.parse import urljoin

import idna  # IDNA 2008, as Odoo encodes domains

email_re = re.compile(r"([a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63})")
_email_addr_escapes_re = re.compile(r'[\\"]')
_address_pattern = re.compile(r'([^" ,<@]+@[^>" ,]+)')


def idna_encode(domain: str) -> str:
    encoded: bytes = idna.encode(domain)
    return encoded.decode("ascii")


def email_split_tuples(text: str | None) -> list[tuple[str, str]]:
    """(name, email) pairs found in an address header, with Odoo's fallbacks."""

    def _parse_based_on_spaces(pair: tuple[str, str]) -> tuple[str, str]:
        name, email = pair
        if not name and email and " " in email:
            inside_pairs = getaddresses([email.replace(" ", ",")])
            name_parts: list[str] = []
            found_email: str | bool = False
            for inside in inside_pairs:
                if inside[1] and "@" not in inside[1]:
                    name_parts.append(inside[1])
                if inside[1] and "@" in inside[1]:
                    found_email = inside[1]
            if found_email:
                return " ".join(name_parts), str(found_email)
        return name, email

    if not text:
        return []
    valid_pairs = [
        (addr[0], addr[1]) for addr in getaddresses([text]) if addr[1] and "@" in addr[1]
    ]
    if any(pair[1].startswith("@") for pair in valid_pairs):
        filtered = [f for f in email_re.findall(text) if f and not f.startswith("@")]
        if filtered:
            valid_pairs = [("", found) for found in filtered]
    return [_parse_based_on_spaces(pair) for pair in valid_pairs]


def email_split(text: str | None) -> list[str]:
    if not text:
        return []
    return [email for (_name, email) in email_split_tuples(text)]


def formataddr(pair: tuple[str, str], charset: str = "utf-8") -> str:
    """Odoo's ``tools.formataddr``: quotes the name, IDNA-encodes the domain."""
    name, address = pair
    local, _, domain = address.rpartition("@")
    try:
        domain.encode(charset)
    except UnicodeEncodeError:
        domain = idna_encode(domain)
    if name:
        try:
            name.encode(charset)
        except UnicodeEncodeError:
            encoded = base64.b64encode(name.encode("utf-8")).decode("ascii")
            return f"=?utf-8?b?{encoded}?= <{local}@{domain}>"
        name = _email_addr_escapes_re.sub(r"\\\g<0>", name)
        return f'"{name}" <{local}@{domain}>'
    return f"{local}@{domain}"


def email_split_and_format(text: str | None) -> list[str]:
    if not text:
        return []
    return [formataddr((name, email)) for (name, email) in email_split_tuples(text)]


def normalize_email_part(email: str) -> str:
    """Lower the domain, and the local part when it is ASCII (``_normalize_email``)."""
    local_part, at, domain = email.rpartition("@")
    try:
        local_part.encode("ascii")
    except UnicodeEncodeError:
        pass
    else:
        local_part = local_part.lower()
    return local_part + at + domain.lower()


def email_split_and_format_normalize(text: str | None) -> list[str]:
    """19.0: like ``email_split_and_format`` with normalized addresses."""
    if not text:
        return []
    return [
        formataddr((name, normalize_email_part(email)))
        for (name, email) in email_split_tuples(text)
    ]


def email_normalize(text: str | None, strict: bool = True) -> str | None:
    """The single address of ``text``, normalized; None when there is not exactly one."""
    emails = email_split(text)
    if not emails or (strict and len(emails) != 1):
        return None
    return normalize_email_part(emails[0])


def email_normalize_all(text: str | None) -> list[str]:
    if not text:
        return []
    return [n for n in (email_normalize(e) for e in email_split(text)) if n]


def email_domain_extract(email: str | None) -> str | None:
    normalized = email_normalize(email)
    return normalized.split("@")[1] if normalized else None


def email_domain_normalize(domain: str | None) -> str | None:
    if not domain or "@" in domain:
        return None
    return domain.lower()


def encapsulate_email(old_email: str, new_email: str) -> str | None:
    """Keep the old sender's name on the notifications address ("Admin" <notif@x>)."""
    old_split = getaddresses([old_email])
    if not old_split or not old_split[0]:
        return old_email
    new_split = getaddresses([new_email])
    if not new_split or not new_split[0]:
        return None
    old_name, old_address = old_split[0]
    name_part = old_name or old_address.split("@")[0]
    return formataddr((name_part, new_split[0][1]))


def extract_rfc2822_addresses(text: str | None) -> list[str]:
    """The ASCII-domain addresses in a header value (``ir_mail_server.py``)."""
    if not text:
        return []
    valid: list[str] = []
    for candidate in _address_pattern.findall(str(text)):
        try:
            valid.append(formataddr(("", candidate), charset="ascii"))
        except (UnicodeError, ValueError):
            continue  # idna.IDNAError is a UnicodeError
    return valid


_EMPTY_TAGS = re.compile(
    r"\<\s*\/?(?:p|div|section|span|br|b|i|font)(?:(?=\s+\w*)[^/>]*|\s*)/?\s*\>"
)


def is_html_empty(html_content: str | None) -> bool:
    if not html_content:
        return True
    return not bool(re.sub(_EMPTY_TAGS, "", html_content).strip())


_LOCAL_LINK_RES = (
    re.compile(r"""(<(?:img|v:fill|v:image)(?=\s)[^>]*\ssrc=")(/[^/][^"]+)"""),
    re.compile(r"""(<a(?=\s)[^>]*\shref=")(/[^/][^"]+)"""),
    re.compile(r"""(<[\w-]+(?=\s)[^>]*\sbackground=")(/[^/][^"]+)"""),
    re.compile(
        r"""( # Group 1: element up to url in style
            <[^>]+\bstyle=" # Element with a style attribute
            [^"]+\burl\( # Style attribute contains "url(" style
            (?:&\#34;|'|&quot;|&\#39;)?) # url style may start with (escaped) quote: capture it
        ( # Group 2: url itself
            /(?:[^'")]|(?!&\#34;)|(?!&\#39;))+ # stop at the first closing quote
        )""",
        re.VERBOSE,
    ),
)


def replace_local_links(html: str, base_url: str | None) -> str:
    """``mail.render.mixin._replace_local_links`` (17+): relative links made absolute."""
    if not html or not base_url:
        return html

    def absolute(match: re.Match[str]) -> str:
        return str(match.group(1)) + urljoin(base_url, str(match.group(2)))

    for pattern in _LOCAL_LINK_RES:
        html = pattern.sub(absolute, html)
    return html


_UNFOLLOW_REGEX = re.compile(r'<span id="mail_unfollow".*?<\/span>', re.DOTALL)


def remove_unfollow_link(body: str) -> str:
    return re.sub(_UNFOLLOW_REGEX, "", body)
