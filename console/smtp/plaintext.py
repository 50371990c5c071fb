"""Odoo's ``tools.html2plaintext`` on the standard library, in one pass and no recursion.

Odoo parses the body with lxml (libxml2), serializes the <body> element and rewrites the
markup with a few regular expressions. This module reads the markup once
(``console.smtp.html_tokens``), keeps only the stack of open elements (with libxml2's
rules for dropping blank text and closing <p>, <li>, <td>, <tr>), writes the same
serialization as it goes, and then applies Odoo's exact rewriting steps, so the
text/plain part of a mail matches what Odoo sends for ordinary bodies.

No tree and no recursion: the work is linear in the size of the body and the memory a
small multiple of it. 200,000 nested <div>s give their text (libxml2 stops parsing at a
depth of 255, and Odoo then sends an empty text part); a 27 MB body takes seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.smtp.html_tokens import Attrs, tokenize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _words(
    "area base basefont br col embed frame hr img input isindex keygen link meta param "
    "source track wbr"
)
# libxml2 keeps whitespace-only text inside or right after these (htmlParseCharData/areBlanks)
_ALLOW_PCDATA = _words(
    "a abbr acronym address applet b bdo big blockquote body button caption center cite "
    "code dd del dfn div dt em font form h1 h2 h3 h4 h5 h6 i iframe ins kbd label legend "
    "li map menu object ol p pre q s samp small span strike strong td th tt u ul var"
)
# start tags that implicitly close an open <p> (libxml2's htmlAutoClose table, abridged)
_CLOSES_P = _words(
    "address article aside blockquote center dir div dl fieldset footer form h1 h2 h3 h4 "
    "h5 h6 header hr menu nav ol p pre section table ul"
)
_HEAD_ONLY = frozenset({"head", "title", "style", "meta", "link", "base", "script"})
# (what a start tag closes, what stops the search): the auto-closing rules
_P_RULE = (("p",), ("div", "td", "th", "li", "body"))
_AUTO_CLOSE = {
    "li": (("li",), ("ul", "ol")),
    "td": (("td", "th"), ("tr", "table")),
    "th": (("td", "th"), ("tr", "table")),
    "tr": (("tr",), ("table",)),
}
_TEXT, _COMMENT = "#text", "#comment"  # kinds of child that are not elements
_FLUSH = 4096  # pieces joined into one string at a time
_IMAGE_NAME = re.compile(r"[^/]+(?=\.[a-zA-Z]+(?:\?|$))")


_SPECIAL = re.compile("[\r&<>]")


def _escape_text(text: str) -> str:
    if _SPECIAL.search(text) is None:
        return text
    return text.replace("\r", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;")


def _serialized_attrs(attrs: Attrs) -> str:
    return "".join(f' {k}="{_escape_attr(v or "")}"' for k, v in attrs)


def _first(attrs: Attrs, name: str) -> str | None:
    for key, value in attrs:
        if key == name:
            return value
    return None


@dataclass(slots=True)
class _Reference:
    """A link's or an image's text: numbered once the whole body is known (links first,
    then images, in document order, as Odoo numbers them)."""

    text: str  # what precedes " [n]"
    url: str
    image: bool


class _Open:
    __slots__ = ("attrs", "body", "excluded", "has_children", "last", "leading", "link", "tag")

    def __init__(self, tag: str, attrs: str, link: str | None) -> None:
        self.tag = tag
        self.attrs = attrs  # serialized
        self.link = link  # href of an <a> Odoo numbers
        self.has_children = False  # False: the start tag is not written yet
        self.last = ""  # kind of the last child: a tag, _TEXT or _COMMENT
        self.leading: list[str] | None = None  # a link's first text, while it grows
        self.body = False
        self.excluded = -1  # a top-level head element: where its markup starts


class _Writer:
    """The serialization Odoo's ``etree.tostring`` would give, written while reading."""

    def __init__(self) -> None:
        self.root = _Open("html", "", None)
        self.stack: list[_Open] = [self.root]
        self.open: dict[str, list[int]] = {}  # tag -> stack indexes of open elements
        self.out: list[str | _Reference] = []
        self.pieces: list[str] = []
        self.body: tuple[int, int] | None = None
        self.body_seen = False
        self.body_start = 0
        self.excluded: list[tuple[int, int]] = []  # head elements outside any <body>
        self.top_level = False  # the no-<body> tree has a child

    # -- output ---------------------------------------------------------------------------
    def _emit(self, text: str) -> None:
        self.pieces.append(text)
        if len(self.pieces) >= _FLUSH:
            self.out.append("".join(self.pieces))
            self.pieces.clear()

    def _mark(self) -> int:
        if self.pieces:
            self.out.append("".join(self.pieces))
            self.pieces.clear()
        return len(self.out)

    def _reference(self, reference: _Reference) -> None:
        self._mark()
        self.out.append(reference)

    # -- children -------------------------------------------------------------------------
    def _child(self, parent: _Open, kind: str) -> None:
        """A child (not the text that extends a link's first text) is added to parent."""
        if parent.leading is not None:  # the link's first text is complete
            self._reference(_Reference("".join(parent.leading), parent.link or "", False))
            parent.leading = None
        if not parent.has_children and parent is not self.root:
            tag = "span" if parent.link else parent.tag
            self._emit(f"<{tag}{parent.attrs}>")
            if parent.link and kind != _TEXT:
                self._reference(_Reference("None", parent.link, False))
        parent.has_children = True
        parent.last = kind
        if parent is self.root and kind not in _HEAD_ONLY:
            self.top_level = True

    def _leaf(self, tag: str, attrs: Attrs) -> None:
        """An element without children: void, or written ``<x/>``."""
        serialized = _serialized_attrs(attrs)
        href = _first(attrs, "href") if tag == "a" else None
        src = _first(attrs, "src") if tag == "img" else None
        if href or src:
            self._emit(f"<span{serialized}>")
            if href:
                self._reference(_Reference("None", href, False))
            elif src:
                name = _IMAGE_NAME.search(src)
                self._reference(_Reference(name.group(0) if name else "Image", src, True))
            self._emit("</span>")
        else:
            self._emit(f"<{tag}{serialized}/>")

    def _close_to(self, index: int) -> None:
        """Close the open elements from the top of the stack down to `index`."""
        stack = self.stack
        while len(stack) > index:
            element = stack.pop()
            self.open[element.tag].pop()
            if element.leading is not None:
                self._reference(_Reference("".join(element.leading), element.link or "", False))
                element.leading = None
                self._emit("</span>")
            elif not element.has_children:
                if element.link:
                    self._emit(f"<span{element.attrs}>")
                    self._reference(_Reference("None", element.link, False))
                    self._emit("</span>")
                else:
                    self._emit(f"<{element.tag}{element.attrs}/>")
            else:
                self._emit(f"</{'span' if element.link else element.tag}>")
            if element.body:
                self.body = (self.body_start, self._mark())
            if element.excluded >= 0:
                self.excluded.append((element.excluded, self._mark()))

    def _topmost(self, tags: tuple[str, ...]) -> int:
        best = 0
        for tag in tags:
            found = self.open.get(tag)
            if found and found[-1] > best:
                best = found[-1]
        return best

    def _auto_close(self, tag: str) -> None:
        rule = _P_RULE if tag in _CLOSES_P else _AUTO_CLOSE.get(tag)
        if rule is None:
            return
        closes = self._topmost(rule[0])
        if closes and closes > self._topmost(rule[1]):
            self._close_to(closes)

    # -- events (console.smtp.html_tokens.Sink) -------------------------------------------
    def start(self, tag: str, attrs: Attrs) -> None:
        if tag in _CLOSES_P or tag in _AUTO_CLOSE:
            self._auto_close(tag)
        if tag in _VOID:
            self.startend(tag, attrs)
            return
        if len(self.pieces) >= _FLUSH:
            self._mark()
        parent = self.stack[-1]
        if not parent.link and parent is not self.root:  # the usual case, inlined
            if not parent.has_children:
                self.pieces.append(f"<{parent.tag}{parent.attrs}>")
                parent.has_children = True
            parent.last = tag
        else:
            self._child(parent, tag)
        href = _first(attrs, "href") if tag == "a" else None
        element = _Open(tag, _serialized_attrs(attrs), href)
        if tag == "body" and not self.body_seen:
            self.body_seen = element.body = True
            self.body_start = self._mark()
        if parent is self.root and tag in _HEAD_ONLY:
            element.excluded = self._mark()
        self.open.setdefault(tag, []).append(len(self.stack))
        self.stack.append(element)

    def startend(self, tag: str, attrs: Attrs) -> None:
        """An element that gets no child: void, or written ``<x/>`` (no auto-closing)."""
        parent = self.stack[-1]
        self._child(parent, tag)
        if parent is self.root and tag in _HEAD_ONLY:
            start = self._mark()
            self._leaf(tag, attrs)
            self.excluded.append((start, self._mark()))
        else:
            self._leaf(tag, attrs)

    def end(self, tag: str) -> None:
        found = self.open.get(tag)
        if found:
            index = found[-1]
            if index == len(self.stack) - 1:  # the usual case: the element just opened
                element = self.stack[-1]
                if (
                    element.has_children
                    and element.leading is None
                    and not element.link
                    and not element.body
                    and element.excluded < 0
                ):
                    self.stack.pop()
                    found.pop()
                    self.pieces.append(f"</{tag}>")
                    return
            self._close_to(index)

    def data(self, text: str) -> None:
        parent = self.stack[-1]
        if (not text or text.isspace()) and self._blank_dropped(parent):
            return
        if not parent.link and parent is not self.root:  # the usual case, inlined
            if not parent.has_children:
                self.pieces.append(f"<{parent.tag}{parent.attrs}>")
                parent.has_children = True
            parent.last = _TEXT
            self.pieces.append(_escape_text(text))
            return
        if parent.leading is not None:  # the link's first text goes on
            parent.leading.append(text)
            return
        first_of_link = bool(parent.link) and not parent.has_children
        self._child(parent, _TEXT)
        if first_of_link:
            parent.leading = [text]
        else:
            self._emit(_escape_text(text))

    def comment(self, text: str) -> None:
        self._child(self.stack[-1], _COMMENT)
        self._emit(f"<!--{text}-->")

    def _blank_dropped(self, parent: _Open) -> bool:
        if parent.tag in ("html", "head"):
            return True
        if not parent.has_children:
            return parent.tag not in _ALLOW_PCDATA
        if parent.last == _TEXT:
            return False
        return parent.last not in _ALLOW_PCDATA

    # -- the result -----------------------------------------------------------------------
    def finish(self) -> tuple[str, list[str]]:
        """The serialized <body> (or the whole document without its head elements) and
        the URLs of its links and images, numbered."""
        self._close_to(1)
        end = self._mark()
        if self.body is not None:
            parts: list[str | _Reference] = self.out[self.body[0] : self.body[1]]
        else:
            parts = self._without_head(end)
        links = [p for p in parts if isinstance(p, _Reference) and not p.image]
        images = [p for p in parts if isinstance(p, _Reference) and p.image]
        numbers = {id(p): n for n, p in enumerate([*links, *images], start=1)}
        text = "".join(
            p if isinstance(p, str) else _escape_text(f"{p.text} [{numbers[id(p)]}]") for p in parts
        )
        return text, [p.url for p in [*links, *images]]

    def _without_head(self, end: int) -> list[str | _Reference]:
        if not self.top_level:
            return ["<body/>"]
        parts: list[str | _Reference] = ["<body>"]
        position = 0
        for start, stop in sorted(self.excluded):
            parts += self.out[position:start]
            position = max(position, stop)
        parts += self.out[position:end]
        parts.append("</body>")
        return parts


def html2plaintext(html: str | None) -> str:
    """The text/plain alternative Odoo generates from an HTML body."""
    html = html or ""
    if not html.strip():
        return ""
    writer = _Writer()
    tokenize(html, writer)
    text, urls = writer.finish()
    del writer
    for tag, mark in (
        ("strong", "*"),
        ("b", "*"),
        ("h3", "*"),
        ("h2", "**"),
        ("h1", "**"),
        ("em", "/"),
    ):
        text = text.replace(f"<{tag}>", mark).replace(f"</{tag}>", mark)
    text = text.replace("<tr>", "\n").replace("</p>", "\n")
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub("<.*?>", " ", text)
    text = text.replace(" " * 2, " ")
    text = text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    text = text.replace("&nbsp;", "\N{NO-BREAK SPACE}")
    text = "\n".join(line.strip() for line in text.splitlines())
    text = text.replace("\n" * 2, "\n")
    for index, url in enumerate(urls):
        if index == 0:
            text += "\n\n"
        text += f"[{index + 1}] {url}\n"
    return text.strip()
