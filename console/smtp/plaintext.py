"""Odoo's ``tools.html2plaintext`` on the standard library, per version.

Odoo parses the body with lxml (libxml2's HTML parser), serializes the <body> element and
rewrites the markup with a few regular expressions. This module builds the same small
tree with ``html.parser`` and libxml2's rules (2.9 and 2.10 agree on all of them):

* implied elements: ``<html>`` and ``<body>`` around content, ``<head>`` around a
  leading ``<style>``/``<script>``/``<meta>``/``<link>``/``<title>``/``<base>``, and a
  ``<p>`` around text that would otherwise sit in ``<html>`` or ``<head>``;
* a start tag closes the open elements it cannot be inside (``_START_CLOSES``, e.g. a
  ``<div>`` closes an open ``<p>``, a ``<td>`` an open ``<td>``); an end tag closes the
  elements above its own unless one of them ranks higher (a ``</div>`` never closes an
  open ``<td>``), and an end tag of no open element is ignored;
* blank text (spaces, tabs, line ends) is kept wherever an element is open, except at
  the very start; only text that is not blank gets the implied ``<p>``;
* past 256 open elements libxml2 stops reading: the rest of the body is dropped.

Then Odoo's steps: links (and from 17 on, images) become numbered references, and the
serialized markup is rewritten. What differs per version: 16 leaves images alone (no
reference); 19 names an image whose ``src`` is a ``data:`` URL "Image".

Every walk over the tree is a loop over an explicit stack, never recursion, so a deeply
nested body cannot raise ``RecursionError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from console.smtp.html_tokens import tokenize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VOID = _words(
    "area base basefont br col embed frame hr img input isindex keygen link meta param "
    "source track wbr"
)
# libxml2's allowPCData: blank text inside or right after these is not "blank" (no <p>)
_ALLOW_PCDATA = _words(
    "a abbr acronym address applet b bdo big blockquote body button caption center cite "
    "code dd del dfn div dt em font form h1 h2 h3 h4 h5 h6 i iframe ins kbd label legend "
    "li map menu object ol p pre q s samp small span strike strong sub sup td th tt u ul "
    "var"
)
# libxml2's htmlStartClose: an open element (key) is closed by these start tags
_START_CLOSES = {
    tag: _words(closers)
    for tag, closers in {
        "a": "a fieldset table td th",
        "address": "dd dl dt form li ul",
        "b": "center p td th",
        "big": "p",
        "caption": "col colgroup tbody tfoot thead tr",
        "colgroup": "colgroup tbody tfoot thead tr",
        "dd": "dt",
        "dir": "dd dl dt form ul",
        "dl": "form li",
        "dt": "dd dl",
        "font": "center td th",
        "form": "form",
        "h1": "fieldset form li p table",
        "h2": "fieldset form li p table",
        "h3": "fieldset form li p table",
        "h4": "fieldset form li p table",
        "h5": "fieldset form li p table",
        "h6": "fieldset form li p table",
        "head": "a abbr acronym address b bdo big blockquote body br center cite code dd dfn "
        "dir div dl dt em fieldset font form frameset h1 h2 h3 h4 h5 h6 hr i iframe img kbd "
        "li map menu ol p pre q s samp small span strike strong sub sup table tt u ul var",
        "i": "center p td th",
        "legend": "fieldset",
        "li": "li",
        "menu": "dd dl dt form ul",
        "ol": "form ul",
        "option": "optgroup option",
        "p": "address blockquote body caption center col colgroup dd dir div dl dt fieldset form "
        "h1 h2 h3 h4 h5 h6 head hr li menu ol p pre table tbody td tfoot th title tr ul",
        "pre": "dd dl dt fieldset form li table ul",
        "s": "p",
        "small": "p",
        "span": "td th",
        "strike": "p",
        "tbody": "tbody tfoot",
        "td": "tbody td tfoot th tr",
        "tfoot": "tbody",
        "th": "tbody td tfoot th tr",
        "thead": "tbody tfoot",
        "tr": "tbody tfoot tr",
        "tt": "p",
        "u": "p td th",
        "ul": "address form menu ol pre",
    }.items()
}
# libxml2's htmlEndPriority: an end tag closes no open element that ranks above it
_END_PRIORITY = {"div": 150, "td": 160, "th": 160, "tr": 170, "thead": 180, "tbody": 180,
                 "tfoot": 180, "table": 190, "head": 200, "body": 200, "html": 220}  # fmt: skip
_HEAD_ONLY = _words("script style meta link title base")
_BLANK = frozenset(" \t\n\r")  # libxml2's IS_BLANK_CH (not str.isspace)
_MAX_DEPTH = 256  # libxml2's nodePush: deeper than this halts the parser
_IMAGE_NAME = re.compile(r"[^/]+(?=\.[a-zA-Z]+(?:\?|$))")  # Odoo's image name


@dataclass(slots=True)
class _Element:
    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[_Element | _Comment | str] = field(default_factory=list)


@dataclass(slots=True)
class _Comment:
    text: str


def _is_blank(text: str) -> bool:
    return all(char in _BLANK for char in text)


class _TreeBuilder:
    """The tree libxml2's HTML parser builds (see the module's docstring), from
    html.parser's events (console.smtp.html_tokens reads them several times faster)."""

    def __init__(self) -> None:
        self.root: _Element | None = None  # <html>
        self.stack: list[_Element] = []  # libxml2's stack of open elements
        self.seen_head = self.seen_body = False
        self.ignored_ends = 0  # misplaced <html>/<head>/<body>: their end tag is ignored
        self.prolog = True  # blanks before the first content are skipped
        self.pending: str | None = None  # blank text: is it followed by markup or the end?
        self.halted = False

    # -- libxml2's structure rules --------------------------------------------------------
    def _push(self, tag: str, attrs: list[tuple[str, str | None]], void: bool = False) -> None:
        element = _Element(tag, _first_attrs(attrs))
        if self.stack:
            self.stack[-1].children.append(element)
        elif self.root is None:
            self.root = element
        self.seen_head |= tag == "head"
        self.seen_body |= tag == "body"
        if len(self.stack) > _MAX_DEPTH:  # the element is added, then the parser stops
            self.halted = True
        elif not void:
            self.stack.append(element)

    def _auto_close(self, tag: str) -> None:
        while self.stack and tag in _START_CLOSES.get(self.stack[-1].tag, ()):
            self.stack.pop()

    def _implied(self, tag: str) -> None:
        if tag == "html":
            return
        if not self.stack:
            self._push("html", [])
        if tag in ("body", "head"):
            return
        if len(self.stack) <= 1 and tag in _HEAD_ONLY:
            if not self.seen_head and not self.seen_body:
                self._push("head", [])
        elif (
            tag not in ("noframes", "frame", "frameset")
            and not self.seen_body
            and not any(e.tag in ("body", "head") for e in self.stack)
        ):
            self._push("body", [])

    def _check_paragraph(self) -> None:
        """Text that is not blank, in no element or in <html>/<head>, gets a <p>."""
        if not self.stack or self.stack[-1].tag in ("html", "head"):
            self._auto_close("p")
            self._implied("p")
            self._push("p", [])

    def _blank_is_ignorable(self, at_end: bool) -> bool:
        """libxml2's areBlanks, for blank text followed by markup (or the end)."""
        if at_end or not self.stack or self.stack[-1].tag in ("html", "head"):
            return True
        node = self.stack[-1]
        last = next((c for c in reversed(node.children) if not isinstance(c, _Comment)), None)
        if last is None:
            return node.tag not in _ALLOW_PCDATA
        return isinstance(last, _Element) and last.tag not in _ALLOW_PCDATA

    def _characters(self, text: str) -> None:
        if not self.stack:
            return  # no node to hold it (after </html>)
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += text
        else:
            children.append(text)

    def _flush(self, at_end: bool = False) -> None:
        if self.pending is not None:
            text, self.pending = self.pending, None
            if not self._blank_is_ignorable(at_end):
                self._check_paragraph()
            self._characters(text)

    # -- html.parser's events -------------------------------------------------------------
    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs)

    def startend(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._start(tag, attrs) and tag not in _VOID:
            self.stack.pop()  # libxml2 closes any element written <x/>

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        """A start tag; True when its element was opened."""
        if self.halted:
            return False
        self._flush()
        self.prolog = False
        self._auto_close(tag)
        self._implied(tag)
        if (
            (tag == "html" and self.stack)
            or (tag == "head" and len(self.stack) != 1)
            or (tag == "body" and any(e.tag == "body" for e in self.stack))
        ):
            self.ignored_ends += 1
            return False
        self._push(tag, attrs, void=tag in _VOID)
        return not self.halted

    def end(self, tag: str) -> None:
        if self.halted:
            return
        self._flush()
        if self.ignored_ends and tag in ("html", "body", "head"):
            self.ignored_ends -= 1
            return
        priority = _END_PRIORITY.get(tag, 100)
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return
            if _END_PRIORITY.get(self.stack[index].tag, 100) > priority:
                return

    def data(self, data: str) -> None:
        if self.halted:
            return
        if self.prolog:
            data = data.lstrip(" \t\n\r")
            if not data:
                return
            self.prolog = False
        if _is_blank(data):
            self.pending = (self.pending or "") + data
            return
        if self.pending is not None:
            data, self.pending = self.pending + data, None
        self._check_paragraph()
        self._characters(data)

    def comment(self, data: str) -> None:
        if self.halted:
            return
        self._flush()
        if self.stack:
            self.stack[-1].children.append(_Comment(data))

    def decl(self, decl: str) -> None:
        if not self.halted:
            self._flush()

    def close(self) -> None:
        if not self.halted:
            self._flush(at_end=True)


def _first_attrs(attrs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """libxml2 keeps the first of repeated attributes."""
    seen: dict[str, str | None] = {}
    for key, value in attrs:
        seen.setdefault(key, value)
    return list(seen.items())


def _escape_text(text: str) -> str:
    return text.replace("\r", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(value: str) -> str:
    escaped = _escape_text(value).replace('"', "&quot;")
    return escaped.replace("\n", "&#10;").replace("\t", "&#9;")


def _serialize(node: _Element, out: list[str]) -> None:
    """``etree.tostring``: an element without children is written ``<x/>``."""
    todo: list[_Element | _Comment | str] = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)  # a closing tag, or text already escaped
        elif isinstance(item, _Comment):
            out.append(f"<!--{item.text}-->")
        else:
            attrs = "".join(f' {k}="{_escape_attr(v or "")}"' for k, v in item.attrs)
            if not item.children:
                out.append(f"<{item.tag}{attrs}/>")
                continue
            out.append(f"<{item.tag}{attrs}>")
            todo.append(f"</{item.tag}>")
            for child in reversed(item.children):
                todo.append(_escape_text(child) if isinstance(child, str) else child)


def _iter(element: _Element, tag: str) -> Iterator[_Element]:
    """``element.findall('.//tag')``: descendants in document order."""
    todo = list(reversed(element.children))
    while todo:
        child = todo.pop()
        if isinstance(child, _Element):
            if child.tag == tag:
                yield child
            todo.extend(reversed(child.children))


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


def _body(html: str) -> tuple[_Element, str]:
    """What Odoo serializes: the first <body> (else the root element) and its tail, the
    text right after it (``etree.tostring`` writes an element's tail too)."""
    builder = _TreeBuilder()
    tokenize(html, builder)
    builder.close()
    root = builder.root or _Element("html")
    todo: list[tuple[_Element, int]] = [(root, 0)]  # document order, parents known
    while todo:
        parent, index = todo.pop()
        if index >= len(parent.children):
            continue
        todo.append((parent, index + 1))
        child = parent.children[index]
        if isinstance(child, _Element) and child.tag == "body":
            after = parent.children[index + 1] if index + 1 < len(parent.children) else ""
            return child, after if isinstance(after, str) else ""
        if isinstance(child, _Element):
            todo.append((child, 0))
    return root, ""


def html2plaintext(html: str | None, version: int) -> str:
    """The text/plain alternative Odoo ``version`` generates from an HTML body."""
    html = html or ""
    if not html.strip():
        return ""
    tree, tail = _body(html)
    url_index: list[str] = []
    for link in list(_iter(tree, "a")):
        url = _attr(link, "href")
        if url:
            link.tag = "span"
            _set_text(link, f"{_leading_text(link)} [{len(url_index) + 1}]")
            url_index.append(url)
    for img in list(_iter(tree, "img")) if version >= 17 else ():  # 16: no image references
        src = _attr(img, "src")
        if src:
            img.tag = "span"
            found = None if version >= 19 and src.startswith("data:") else _IMAGE_NAME.search(src)
            _set_text(img, f"{found.group(0) if found else 'Image'} [{len(url_index) + 1}]")
            url_index.append(src)
    parts: list[str] = []
    _serialize(tree, parts)
    text = "".join(parts) + _escape_text(tail)
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
    if url_index:  # one join: appending to a multi-megabyte text link by link is quadratic
        text += "\n\n" + "".join(f"[{n}] {url}\n" for n, url in enumerate(url_index, 1))
    return text.strip()
