"""Odoo's ``tools.html2plaintext`` on the standard library.

Odoo parses the body with lxml (libxml2), serializes the <body> element and rewrites the
markup with a few regular expressions. This module builds the same small tree with
``html.parser`` (including libxml2's rules for dropping blank text and closing <p>) and
then applies Odoo's exact rewriting steps, so the text/plain part of a mail matches what
Odoo sends for ordinary bodies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


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


@dataclass(slots=True)
class _Element:
    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[_Element | _Comment | str] = field(default_factory=list)


@dataclass(slots=True)
class _Comment:
    text: str


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("html")
        self.stack: list[_Element] = [self.root]
        self.body: _Element | None = None

    def _close_until(self, tags: frozenset[str], stop: frozenset[str] = frozenset()) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[index].tag
            if tag in stop:
                return
            if tag in tags:
                del self.stack[index:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P:
            self._close_until(frozenset({"p"}), frozenset({"div", "td", "th", "li", "body"}))
        elif tag == "li":
            self._close_until(frozenset({"li"}), frozenset({"ul", "ol"}))
        elif tag in {"td", "th"}:
            self._close_until(frozenset({"td", "th"}), frozenset({"tr", "table"}))
        elif tag == "tr":
            self._close_until(frozenset({"tr"}), frozenset({"table"}))
        element = _Element(tag, list(attrs))
        self.stack[-1].children.append(element)
        if tag == "body" and self.body is None:
            self.body = element
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Element(tag, list(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if not data.strip() and _is_blank_dropped(parent):
            return
        if parent.children and isinstance(parent.children[-1], str):
            parent.children[-1] += data
        else:
            parent.children.append(data)

    def handle_comment(self, data: str) -> None:
        self.stack[-1].children.append(_Comment(data))


def _is_blank_dropped(parent: _Element) -> bool:
    if parent.tag in {"html", "head"}:
        return True
    if not parent.children:
        return parent.tag not in _ALLOW_PCDATA
    last = parent.children[-1]
    if isinstance(last, str):
        return False
    return not (isinstance(last, _Element) and last.tag in _ALLOW_PCDATA)


def _escape_text(text: str) -> str:
    return text.replace("\r", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;")


def _serialize(node: _Element | _Comment | str, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(_escape_text(node))
        return
    if isinstance(node, _Comment):
        out.append(f"<!--{node.text}-->")
        return
    attrs = "".join(f' {k}="{_escape_attr(v or "")}"' for k, v in node.attrs)
    if not node.children:
        out.append(f"<{node.tag}{attrs}/>")
        return
    out.append(f"<{node.tag}{attrs}>")
    for child in node.children:
        _serialize(child, out)
    out.append(f"</{node.tag}>")


def _iter(element: _Element, tag: str) -> list[_Element]:
    found: list[_Element] = []
    for child in element.children:
        if isinstance(child, _Element):
            if child.tag == tag:
                found.append(child)
            found.extend(_iter(child, tag))
    return found


def _set_text(element: _Element, text: str) -> None:
    if element.children and isinstance(element.children[0], str):
        element.children[0] = text
    else:
        element.children.insert(0, text)


def _leading_text(element: _Element) -> str | None:
    first = element.children[0] if element.children else None
    return first if isinstance(first, str) else None


def _attr(element: _Element, name: str) -> str | None:
    for key, value in element.attrs:
        if key == name:
            return value
    return None


def html2plaintext(html: str | None) -> str:
    """The text/plain alternative Odoo generates from an HTML body."""
    html = html or ""
    if not html.strip():
        return ""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    tree = builder.body
    if tree is None:
        tree = _Element("body")
        tree.children = [
            c
            for c in builder.root.children
            if not (isinstance(c, _Element) and c.tag in _HEAD_ONLY)
        ]
    url_index: list[str] = []
    for link in _iter(tree, "a"):
        url = _attr(link, "href")
        if url:
            link.tag = "span"
            _set_text(link, f"{_leading_text(link)} [{len(url_index) + 1}]")
            url_index.append(url)
    for img in _iter(tree, "img"):
        src = _attr(img, "src")
        if src:
            img.tag = "span"
            name = re.search(r"[^/]+(?=\.[a-zA-Z]+(?:\?|$))", src)
            _set_text(img, f"{name.group(0) if name else 'Image'} [{len(url_index) + 1}]")
            url_index.append(src)
    parts: list[str] = []
    _serialize(tree, parts)
    text = "".join(parts)
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
    for index, url in enumerate(url_index):
        if index == 0:
            text += "\n\n"
        text += f"[{index + 1}] {url}\n"
    return text.strip()
