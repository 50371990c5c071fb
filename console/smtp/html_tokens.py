"""HTML as ``html.parser`` reads it, quickly for well-formed markup.

`tokenize(html, sink)` calls ``sink.start`` / ``startend`` / ``end`` / ``data`` /
``comment`` / ``decl`` exactly as ``html.parser.HTMLParser(convert_charrefs=True)`` calls
``handle_starttag`` / ``handle_startendtag`` / ``handle_endtag`` / ``handle_data`` /
``handle_comment`` / ``handle_decl`` (and ``handle_pi``, ``unknown_decl``) for the same
input. Well-formed markup (tags with plain attributes, end tags, comments, a doctype,
``<style>``/``<script>`` without markup inside) is read with one regular expression,
several times faster than html.parser; from the first construct it does not cover, the
rest goes through html.parser itself. The fast path takes only what html.parser reads
the same way in every supported Python version (RCDATA elements such as ``<title>``
and ``<textarea>``, which recent versions read differently, go to html.parser).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Protocol

Attrs = list[tuple[str, str | None]]


class Sink(Protocol):
    def start(self, tag: str, attrs: Attrs) -> None: ...

    def startend(self, tag: str, attrs: Attrs) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, text: str) -> None: ...

    def comment(self, text: str) -> None: ...

    def decl(self, text: str) -> None: ...


# Text up to the next markup, then one piece of markup (or the end of the input).
_TOKEN = re.compile(
    r"""
    ([^<]*)
    (?: <([a-zA-Z][-a-zA-Z0-9:_.]*)(?=[ \t\n\r\f/>])
          ((?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*
              (?:[ \t\n\r\f]*=[ \t\n\r\f]*
                 (?:"[^"]*"|'[^']*'|[^\s"'=<>`]+(?=[ \t\n\r\f>])))?)*)
          [ \t\n\r\f]*(/?)>
      | </([a-zA-Z][-.a-zA-Z0-9:_]*)>
      | <!--(?!-?>)((?:[^-]|-(?!-))*)-->
      | <![dD][oO][cC][tT][yY][pP][eE][^>]*>
      | \Z
    )
    """,
    re.VERBOSE,
)
_ATTR = re.compile(
    r"""[ \t\n\r\f]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)"""
    r"""(?:[ \t\n\r\f]*=[ \t\n\r\f]*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
)
_RAW_TEXT = frozenset({"script", "style"})  # content up to the end tag, as it is
# read differently by recent html.parser versions: left to html.parser
_SLOW = frozenset(
    {"title", "textarea", "noscript", "iframe", "noembed", "noframes", "xmp", "plaintext"}
)


def tokenize(html: str, sink: Sink) -> None:
    """Every event of `html`, in order, to `sink`."""
    position = _fast(html, sink)
    if position < len(html):
        parser = _Forwarder(sink)
        parser.feed(html[position:])
        parser.close()


def _attrs(text: str) -> Attrs:
    found: Attrs = []
    for match in _ATTR.finditer(text):
        name, value = match.group(1, 2)
        if value is not None and value[:1] in ("'", '"'):
            value = value[1:-1]
        found.append((name.lower(), unescape(value) if value else value))
    return found


def _fast(html: str, sink: Sink) -> int:
    """The events of the well-formed beginning; where html.parser must take over."""
    match = _TOKEN.match
    data, start, end = sink.data, sink.start, sink.end
    size = len(html)
    position = 0
    while position < size:
        found = match(html, position)
        if found is None:
            return position
        text, tag, attributes, close, end_tag, comment = found.groups()
        if text:
            data(unescape(text) if "&" in text else text)
        if tag is not None:
            tag = tag.lower()
            attrs = _attrs(attributes) if attributes else []
            if close:
                sink.startend(tag, attrs)
            elif tag in _SLOW:
                return found.start(2) - 1
            elif tag in _RAW_TEXT:
                after = _raw_text(html, found.end(), tag)
                if after < 0:
                    return found.start(2) - 1
                start(tag, attrs)
                if after - len(tag) - 3 > found.end():
                    data(html[found.end() : after - len(tag) - 3])
                end(tag)
                position = after
                continue
            else:
                start(tag, attrs)
        elif end_tag is not None:
            end(end_tag.lower())
        elif comment is not None:
            sink.comment(comment)
        elif found.end() > found.start() + len(text or ""):  # the doctype
            sink.decl(html[found.start() + len(text or "") + 2 : found.end() - 1])
        position = found.end()
    return position


def _raw_text(html: str, start: int, tag: str) -> int:
    """Where `</tag>` ends when nothing but text comes before it, else -1."""
    opening = html.find("<", start)
    closing = f"</{tag}>"
    if opening < 0 or html[opening : opening + len(closing)].lower() != closing:
        return -1
    return opening + len(closing)


class _Forwarder(HTMLParser):
    def __init__(self, sink: Sink) -> None:
        super().__init__(convert_charrefs=True)
        self.sink = sink

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.sink.start(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.sink.startend(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.sink.end(tag)

    def handle_data(self, data: str) -> None:
        self.sink.data(data)

    def handle_comment(self, data: str) -> None:
        self.sink.comment(data)

    def handle_decl(self, decl: str) -> None:
        self.sink.decl(decl)

    def handle_pi(self, data: str) -> None:
        self.sink.decl(data)

    def unknown_decl(self, data: str) -> None:
        self.sink.decl(data)
