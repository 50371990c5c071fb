"""Mail bodies as plain text for a terminal: HTML in, readable lines out (stdlib only)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from console.domain.sanitize import printable_block

# Tags whose content is never shown.
_SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "svg"})
# Tags that start and end a paragraph (a blank line around them).
_PARAGRAPH_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl"}
)
# Tags that only start a new line.
_LINE_TAGS = frozenset(
    {
        "div",
        "tr",
        "li",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "address",
        "figure",
        "figcaption",
        "form",
        "fieldset",
        "center",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "body",
        "html",
    }
)
_VOID_TAGS = frozenset(
    {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
)
_CELL_TAGS = frozenset({"td", "th"})

_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._pending_newlines = 0
        self._skip_stack: list[str] = []
        self._pre_depth = 0
        self._links: list[tuple[str | None, int]] = []  # href, index of first part

    # -- output helpers -------------------------------------------------------------
    def _last_char(self) -> str:
        for part in reversed(self.parts):
            if part:
                return part[-1]
        return "\n"

    def _break(self, count: int) -> None:
        if self.parts:
            self._pending_newlines = max(self._pending_newlines, count)

    def _emit(self, text: str) -> None:
        if not text:
            return
        if self._pending_newlines:
            self.parts.append("\n" * self._pending_newlines)
            self._pending_newlines = 0
        self.parts.append(text)

    # -- parser callbacks -----------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_stack:
            if tag in _SKIPPED_TAGS and tag not in _VOID_TAGS:
                self._skip_stack.append(tag)
            return
        if tag in _SKIPPED_TAGS:
            self._skip_stack.append(tag)
            return
        attributes = dict(attrs)
        if tag == "br":
            self._emit("\n")
            self._pending_newlines = 0
        elif tag == "hr":
            self._break(1)
            self._emit("―" * 20)
            self._break(1)
        elif tag == "img":
            alt = (attributes.get("alt") or "").strip()
            if alt:
                self._emit(f"[{_SPACES.sub(' ', alt)}]")
        elif tag in _PARAGRAPH_TAGS:
            self._break(2)
            if tag == "pre":
                self._pre_depth += 1
        elif tag == "li":
            self._break(1)
            self._emit("- ")
        elif tag in _LINE_TAGS:
            self._break(1)
        elif tag in _CELL_TAGS:
            if not self._pending_newlines and self._last_char() not in " \n":
                self._emit("  ")
        elif tag == "a":
            self._links.append((attributes.get("href"), len(self.parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS or tag not in _SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)
            if tag not in _VOID_TAGS:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_stack:
            if tag in self._skip_stack:
                while self._skip_stack and self._skip_stack.pop() != tag:
                    pass
            return
        if tag in _PARAGRAPH_TAGS:
            if tag == "pre" and self._pre_depth:
                self._pre_depth -= 1
            self._break(2)
        elif tag in _LINE_TAGS:
            self._break(1)
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            self._close_link(href, start)

    def _close_link(self, href: str | None, start: int) -> None:
        url = _SPACES.sub("", href or "")
        if not url or url.startswith(("#", "javascript:")):
            return
        label = "".join(self.parts[start:]).strip()
        shown = url.removeprefix("mailto:")
        if not label:
            self._emit(shown)
        elif label not in (url, shown):
            self._emit(f" ({shown})")

    def handle_data(self, data: str) -> None:
        if self._skip_stack or not data:
            return
        if self._pre_depth:
            self._emit(data)
            return
        text = _SPACES.sub(" ", data)
        if text.startswith(" ") and (self._pending_newlines or self._last_char() in " \n"):
            text = text[1:]
        if text:
            self._emit(text)

    def close(self) -> None:
        super().close()
        while self._links:
            href, start = self._links.pop()
            self._close_link(href, start)

    def text(self) -> str:
        return "".join(self.parts)


def _tidy(text: str) -> str:
    text = printable_block(text, invisible=True)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n").strip()


def html_to_text(html: str | None) -> str:
    """Render an HTML mail body as plain text; never raises on malformed input.

    Paragraphs, headings, list items and <br> become line breaks, links read
    `text (url)`, scripts and styles are dropped, entities are decoded and runs of
    whitespace collapse to one space.
    """
    if not html:
        return ""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
        return _tidy(parser.text())
    except Exception:  # the stdlib parser can assert on odd markup: degrade, never fail
        try:
            fallback = parser.text() or unescape(_TAG.sub(" ", html))
            return _tidy(_SPACES.sub(" ", fallback) if not parser.parts else fallback)
        except Exception:
            return ""


_DOCUMENT = re.compile(r'^([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?:,(\d{1,9}))?(?:\s+".*")?$')


def document_reference(text: str) -> tuple[str, int | None] | None:
    """The document a filter names, as the detail shows it: `account.move` (every mail
    on an invoice), `account.move,1401`, or `account.move,1401 "INV/2026/0042"` pasted
    whole; None for other text. A name with a dot may also be a domain (`acme.fr`): the
    filter matches it as text too, so nothing is lost when it is not a model."""
    match = _DOCUMENT.match(text.strip())
    if match is None:
        return None
    model, res_id = match.groups()
    return model, int(res_id) if res_id is not None else None


_RECIPIENT_DOMAIN = re.compile(r"^@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)+)$")


def recipient_domain(text: str) -> str | None:
    """The recipient domain a filter names, `@gmail.com` (the queue shape's rows): the
    mails with a recipient at that domain (README "Queue shape" says which address counts);
    None for other text, which is matched as text as before."""
    match = _RECIPIENT_DOMAIN.match(text.strip().lower())
    return match.group(1) if match else None
