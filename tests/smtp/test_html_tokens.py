"""The tokenizer (console.smtp.html_tokens) gives exactly html.parser's events, on markup
made of the pieces mail bodies are made of, the odd ones included."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from console.smtp.html_tokens import Attrs, tokenize

PIECES = [
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<br>", "<br/>", "<br />", "<BR>",
    "<a href='http://x.test/a?b=1&amp;c=2'>", '<a href="/y">', "<a>", "</a>", "<a href=z/>",
    "<img src='/web/image/logo.png?x=1'>", '<img src="a.jpg"/>', "<table>", "<tr>", "<td>",
    "</td>", "<li>", "<ul>", "</ul>", "<h1>", "</h1>", "<em>", '<span style="color: red">',
    "</span>", "<body>", "</body>", "<html>", "<head>", "</head>", "<title>T</title>",
    "<style>p{a:b}</style>", "<style>x<y</style>", "<STYLE>a{}</style>", "<script>1 < 2</script>",
    "<script>var a;</script>", "<meta charset='utf-8'>", "<!-- c -->", "<!---->", "<!-->",
    "<!--->", "<!-- a--->", "<!DOCTYPE html>", "<!doctype x>", "<?xml x?>", "<![CDATA[x]]>",
    "< ", "<", ">", "</>", "</ p>", "</p >", "&amp;", "&lt;", "&nbsp;", "&#233;", "&#x2713;",
    "&bogus;", "&", "&am", " ", "\n", "\t", "\r\n", "\x0b", "\xa0", "text", "é", "<o:p>",
    "</o:p>", "<font face=Arial>", "<p class=x id=\"y\" data-z>", "<P CLASS=A>",
    "<a\xa0href=x>", "<textarea>a<b></textarea>", "<title>a&amp;</title>", "<p/>", "<x-y>",
    "<a href=x title='a>b'>", "<a href=x/y>", '<a href="x"title="y">', "<a href==x>",
    "<a href=x'y>", "<img\nsrc='q'\n/>", "<p\x00>", "<a b c=1 d='2' e=\"3\">",
]  # fmt: skip


class Recorder(HTMLParser):
    """html.parser itself, recording its events."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("start", tag, attrs))

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("startend", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.events.append(("decl", data))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("decl", data))


class Events:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def start(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("start", tag, attrs))

    def startend(self, tag: str, attrs: Attrs) -> None:
        self.events.append(("startend", tag, attrs))

    def end(self, tag: str) -> None:
        self.events.append(("end", tag))

    def data(self, text: str) -> None:
        self.events.append(("data", text))

    def comment(self, text: str) -> None:
        self.events.append(("comment", text))

    def decl(self, text: str) -> None:
        self.events.append(("decl", text))


def parser_events(html: str) -> list[tuple[Any, ...]]:
    recorder = Recorder()
    recorder.feed(html)
    recorder.close()
    return recorder.events


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_tokenizer_gives_html_parser_events(pieces: list[str]) -> None:
    html = "".join(pieces)
    events = Events()
    tokenize(html, events)
    assert events.events == parser_events(html)
